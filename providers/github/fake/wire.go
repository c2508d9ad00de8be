package fake

import (
	"encoding/base64"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// repository is GitHub's repository JSON as GET /user/repos and GET /repos/{owner}/{repo} send it,
// limited to the fields a domain Repository can fill. Optional domain fields that are nil are left
// out, except description, language and pushed_at, which GitHub sends as null.
type repository struct {
	ID              int64   `json:"id"`
	NodeID          string  `json:"node_id"`
	Name            string  `json:"name"`
	FullName        string  `json:"full_name"`
	Private         bool    `json:"private"`
	Owner           owner   `json:"owner"`
	HTMLURL         *string `json:"html_url,omitempty"`
	Description     *string `json:"description"`
	Fork            *bool   `json:"fork,omitempty"`
	URL             string  `json:"url"`
	CreatedAt       *string `json:"created_at,omitempty"`
	UpdatedAt       *string `json:"updated_at,omitempty"`
	PushedAt        *string `json:"pushed_at"`
	GitURL          *string `json:"git_url,omitempty"`
	SSHURL          *string `json:"ssh_url,omitempty"`
	CloneURL        *string `json:"clone_url,omitempty"`
	StargazersCount *int    `json:"stargazers_count,omitempty"`
	WatchersCount   *int    `json:"watchers_count,omitempty"`
	Language        *string `json:"language"`
	ForksCount      *int    `json:"forks_count,omitempty"`
	Archived        *bool   `json:"archived,omitempty"`
	Visibility      string  `json:"visibility"`
	DefaultBranch   *string `json:"default_branch,omitempty"`
	// The fields below come from RepoDetails (details.go).
	Homepage         *string      `json:"homepage,omitempty"`
	OpenIssuesCount  *int         `json:"open_issues_count,omitempty"`
	OpenIssues       *int         `json:"open_issues,omitempty"`
	Size             *int         `json:"size,omitempty"`
	HasIssues        *bool        `json:"has_issues,omitempty"`
	HasWiki          *bool        `json:"has_wiki,omitempty"`
	Topics           []string     `json:"topics,omitempty"`
	Permissions      *permissions `json:"permissions,omitempty"`
	SubscribersCount *int         `json:"subscribers_count,omitempty"`
	Parent           *repository  `json:"parent,omitempty"`
}

// owner is a repository's owner object.
type owner struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	URL   string `json:"url"`
	Type  string `json:"type"`
}

// errorBody is GitHub's error answer.
type errorBody struct {
	Message          string       `json:"message"`
	Errors           []fieldError `json:"errors,omitempty"`
	DocumentationURL string       `json:"documentation_url"`
}

// fieldError is one entry of a 422 answer's errors.
type fieldError struct {
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Code     string `json:"code"`
}

// normalize returns a copy of r as GitHub would store it: times in UTC with whole seconds, which is
// all GitHub's timestamps carry, so the fake sorts by exactly what it sends.
func normalize(r providers.Repository) providers.Repository {
	for _, t := range []**time.Time{&r.CreatedAt, &r.UpdatedAt, &r.PushedAt} {
		if *t != nil {
			v := (*t).UTC().Truncate(time.Second)
			*t = &v
		}
	}
	return r
}

// numericID is the GitHub id of r: its ForgeID when numeric, else a stable number derived from it
// (below 2^53, so JSON readers keep it exact).
func numericID(forgeID string) int64 {
	if n, err := strconv.ParseInt(forgeID, 10, 64); err == nil && n > 0 {
		return n
	}
	h := fnv.New64a()
	h.Write([]byte(forgeID))
	return int64(h.Sum64()>>11) + 1
}

// toWire converts a (normalized) domain repository to GitHub's JSON; api is the API root URL the
// request came to, for the url fields.
func toWire(r *providers.Repository, api string) repository {
	login := r.Owner
	if login == "" {
		if i := strings.LastIndex(r.NameWithOwner, "/"); i >= 0 {
			login = r.NameWithOwner[:i]
		}
	}
	id := numericID(r.ForgeID)
	w := repository{
		ID:       id,
		NodeID:   base64.StdEncoding.EncodeToString([]byte("010:Repository" + strconv.FormatInt(id, 10))),
		Name:     r.Name,
		FullName: r.NameWithOwner,
		Private:  r.IsPrivate,
		Owner: owner{
			Login: login,
			ID:    numericID("user:" + login),
			URL:   api + "/users/" + login,
			Type:  ownerType(r),
		},
		HTMLURL:         r.URL,
		Description:     r.Description,
		Fork:            r.IsFork,
		URL:             api + "/repos/" + r.NameWithOwner,
		CreatedAt:       timeText(r.CreatedAt),
		UpdatedAt:       timeText(r.UpdatedAt),
		PushedAt:        timeText(r.PushedAt),
		SSHURL:          r.SSHURL,
		CloneURL:        r.CloneURL,
		StargazersCount: r.StargazerCount,
		WatchersCount:   r.StargazerCount,
		Language:        r.PrimaryLanguage,
		ForksCount:      r.ForkCount,
		Archived:        r.IsArchived,
		Visibility:      "public",
		DefaultBranch:   r.DefaultBranch,
	}
	if r.IsPrivate {
		w.Visibility = "private"
	}
	if r.URL != nil && strings.HasPrefix(*r.URL, "https://") {
		git := "git://" + strings.TrimPrefix(*r.URL, "https://") + ".git"
		w.GitURL = &git
	}
	return w
}

// timeText formats t as GitHub does ("2011-01-26T19:06:43Z"), nil for nil.
func timeText(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// permissions is the token holder's access in a repository's JSON.
type permissions struct {
	Admin    bool `json:"admin"`
	Maintain bool `json:"maintain"`
	Push     bool `json:"push"`
	Triage   bool `json:"triage"`
	Pull     bool `json:"pull"`
}

// commit is a ref's commit.
type commit struct {
	SHA string `json:"sha"`
	URL string `json:"url"`
}

// branch is one item of GET /repos/{owner}/{repo}/branches.
type branch struct {
	Name      string `json:"name"`
	Commit    commit `json:"commit"`
	Protected bool   `json:"protected"`
}

// tag is one item of GET /repos/{owner}/{repo}/tags.
type tag struct {
	Name       string `json:"name"`
	Commit     commit `json:"commit"`
	ZipballURL string `json:"zipball_url"`
	TarballURL string `json:"tarball_url"`
}

// contributor is one item of GET /repos/{owner}/{repo}/contributors.
type contributor struct {
	Login         string `json:"login"`
	ID            int64  `json:"id"`
	AvatarURL     string `json:"avatar_url"`
	Type          string `json:"type"`
	Contributions int    `json:"contributions"`
}

// team is one item of GET /repos/{owner}/{repo}/teams.
type team struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description"`
	Privacy     string `json:"privacy"`
	Permission  string `json:"permission"`
}

// ownerType is the owner's type GitHub sends: "Organization" for a repository the viewer reaches
// as an organization member (the served repository's Affiliation says so), else "User".
func ownerType(r *providers.Repository) string {
	if r.Affiliation == providers.AffOrganizationMember {
		return "Organization"
	}
	return "User"
}
