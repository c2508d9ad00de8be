package fake

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// Bitbucket's time format: microseconds and a numeric zone, "2024-03-01T10:20:30.123456+00:00".
const timeFormat = "2006-01-02T15:04:05.000000-07:00"

type link struct {
	Href string `json:"href"`
	Name string `json:"name,omitempty"`
}

type repoLinks struct {
	Self   link   `json:"self"`
	HTML   link   `json:"html"`
	Avatar link   `json:"avatar"`
	Clone  []link `json:"clone"`
}

type branch struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

type workspaceRef struct {
	Type  string `json:"type"`
	UUID  string `json:"uuid"`
	Slug  string `json:"slug"`
	Name  string `json:"name,omitempty"`
	Links struct {
		Self   link `json:"self"`
		HTML   link `json:"html"`
		Avatar link `json:"avatar"`
	} `json:"links"`
}

type parentRef struct {
	Type     string `json:"type"`
	UUID     string `json:"uuid"`
	Name     string `json:"name"`
	FullName string `json:"full_name"`
}

// wireRepository is Bitbucket's repository object as GET /2.0/repositories/{workspace} returns it.
type wireRepository struct {
	Type        string        `json:"type"`
	UUID        string        `json:"uuid"`
	Name        string        `json:"name"`
	Slug        string        `json:"slug"`
	FullName    string        `json:"full_name"`
	Description string        `json:"description"`
	SCM         string        `json:"scm"`
	Website     string        `json:"website"`
	IsPrivate   bool          `json:"is_private"`
	ForkPolicy  string        `json:"fork_policy"`
	Language    string        `json:"language"`
	CreatedOn   string        `json:"created_on,omitempty"`
	UpdatedOn   string        `json:"updated_on,omitempty"`
	Size        int           `json:"size"`
	HasIssues   bool          `json:"has_issues"`
	HasWiki     bool          `json:"has_wiki"`
	MainBranch  *branch       `json:"mainbranch,omitempty"`
	Parent      *parentRef    `json:"parent,omitempty"`
	Workspace   *workspaceRef `json:"workspace"`
	Owner       *workspaceRef `json:"owner"`
	Links       repoLinks     `json:"links"`
}

// wireWorkspaceAccess is one value of GET /2.0/user/workspaces.
type wireWorkspaceAccess struct {
	Type          string        `json:"type"`
	Administrator bool          `json:"administrator"`
	Workspace     *workspaceRef `json:"workspace"`
}

// View returns repos as Bitbucket reports them, which is what the bitbucket source converts the
// fake's answers back into: repositories of other providers and paths that are not
// "workspace/slug" are dropped; Owner is the workspace; stars, fork counts and the archived flag
// are unknown (nil); IsFork is known; empty descriptions, languages and branches are nil; a missing
// ForgeID becomes a uuid derived from the path; URLs default to bitbucket.org's; times are UTC
// microseconds, and UpdatedAt and PushedAt are both Bitbucket's updated_on: the later of the two.
func View(repos []providers.Repository) []providers.Repository {
	out := make([]providers.Repository, 0, len(repos))
	for _, r := range repos {
		if v, ok := view(r); ok {
			out = append(out, v)
		}
	}
	return out
}

func view(r providers.Repository) (providers.Repository, bool) {
	if r.Provider != "" && r.Provider != providers.Bitbucket {
		return providers.Repository{}, false
	}
	ws, slug, ok := strings.Cut(r.NameWithOwner, "/")
	if !ok || ws == "" || slug == "" || strings.Contains(slug, "/") {
		return providers.Repository{}, false
	}
	v := providers.Repository{
		ForgeID:       r.ForgeID,
		Provider:      providers.Bitbucket,
		Name:          r.Name,
		NameWithOwner: r.NameWithOwner,
		Owner:         ws,
		Description:   providers.NonEmptyPtr(r.Description),
		URL:           orDefault(r.URL, "https://bitbucket.org/"+r.NameWithOwner),
		SSHURL:        orDefault(r.SSHURL, "git@bitbucket.org:"+r.NameWithOwner+".git"),
		CloneURL:      orDefault(r.CloneURL, "https://bitbucket.org/"+r.NameWithOwner+".git"),
		IsPrivate:     r.IsPrivate,
		IsFork:        new(r.IsFork != nil && *r.IsFork),
		DefaultBranch: providers.NonEmptyPtr(r.DefaultBranch),
		CreatedAt:     micro(r.CreatedAt),
	}
	if v.ForgeID == "" {
		v.ForgeID = uuidFor("repository:" + strings.ToLower(r.NameWithOwner))
	}
	if v.Name == "" {
		v.Name = slug
	}
	if r.PrimaryLanguage != nil && *r.PrimaryLanguage != "" {
		v.PrimaryLanguage = new(*r.PrimaryLanguage)
	}
	updated := r.UpdatedAt
	if r.PushedAt != nil && (updated == nil || r.PushedAt.After(*updated)) {
		updated = r.PushedAt
	}
	v.UpdatedAt, v.PushedAt = micro(updated), micro(updated)
	return v, true
}

// toWire converts a repository of the fake's view into Bitbucket's JSON shape; api is the API
// root the links point to (e.g. http://host/2.0).
func toWire(r *providers.Repository, api string) wireRepository {
	ws, slug, _ := strings.Cut(r.NameWithOwner, "/")
	w := wireRepository{
		Type:        "repository",
		UUID:        r.ForgeID,
		Name:        r.Name,
		Slug:        slug,
		FullName:    r.NameWithOwner,
		Description: deref(r.Description),
		SCM:         "git",
		IsPrivate:   r.IsPrivate,
		ForkPolicy:  "allow_forks",
		Language:    deref(r.PrimaryLanguage),
		CreatedOn:   format(r.CreatedAt),
		UpdatedOn:   format(r.UpdatedAt),
		Workspace:   workspaceObject(ws, api),
		Owner:       workspaceObject(ws, api),
	}
	if r.IsPrivate {
		w.ForkPolicy = "no_public_forks"
	}
	if r.DefaultBranch != nil {
		w.MainBranch = &branch{Type: "branch", Name: *r.DefaultBranch}
	}
	if r.IsFork != nil && *r.IsFork {
		// The fake does not know the parent; it names one in the same workspace.
		w.Parent = &parentRef{Type: "repository", UUID: uuidFor("parent:" + r.NameWithOwner),
			Name: slug + "-upstream", FullName: ws + "/" + slug + "-upstream"}
	}
	self := api + "/repositories/" + url.PathEscape(ws) + "/" + url.PathEscape(slug)
	w.Links = repoLinks{
		Self:   link{Href: self},
		HTML:   link{Href: deref(r.URL)},
		Avatar: link{Href: "https://bytebucket.org/ravatar/" + url.PathEscape(r.ForgeID)},
		Clone: []link{
			{Name: "https", Href: deref(r.CloneURL)},
			{Name: "ssh", Href: deref(r.SSHURL)},
		},
	}
	return w
}

// workspaceObject is the workspace reference embedded in repositories and workspace_access values.
func workspaceObject(ws, api string) *workspaceRef {
	o := &workspaceRef{Type: "workspace", UUID: uuidFor("workspace:" + strings.ToLower(ws)), Slug: ws, Name: ws}
	o.Links.Self.Href = api + "/workspaces/" + url.PathEscape(ws)
	o.Links.HTML.Href = "https://bitbucket.org/" + url.PathEscape(ws) + "/"
	o.Links.Avatar.Href = "https://bitbucket.org/workspaces/" + url.PathEscape(ws) + "/avatar/"
	return o
}

// uuidFor derives a stable Bitbucket-style uuid ("{8-4-4-4-12}") from s.
func uuidFor(s string) string {
	h := sha256.Sum256([]byte(s))
	x := hex.EncodeToString(h[:16])
	return "{" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32] + "}"
}

func micro(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}

func format(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func orDefault(s *string, def string) *string {
	if s != nil && *s != "" {
		return new(*s)
	}
	return &def
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
