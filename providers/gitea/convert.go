package gitea

import (
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// repository is Gitea's Repository entity (GET /repos/{owner}/{repo}, the items of
// GET /repos/search and GET /user/repos): the fields forgegraph reads.
type repository struct {
	ID            int64      `json:"id"`
	Owner         *user      `json:"owner"`
	Name          string     `json:"name"`
	FullName      string     `json:"full_name"`
	Description   string     `json:"description"`
	Private       bool       `json:"private"`
	Fork          bool       `json:"fork"`
	Archived      bool       `json:"archived"`
	HTMLURL       string     `json:"html_url"`
	SSHURL        string     `json:"ssh_url"`
	CloneURL      string     `json:"clone_url"`
	StarsCount    *int       `json:"stars_count"`
	ForksCount    *int       `json:"forks_count"`
	DefaultBranch string     `json:"default_branch"`
	Language      string     `json:"language"`
	CreatedAt     *time.Time `json:"created_at"`
	UpdatedAt     *time.Time `json:"updated_at"`
	detailFields             // detail.go
}

// user is Gitea's User entity (GET /user, a repository's owner): the fields forgegraph reads.
type user struct {
	ID    int64  `json:"id"`
	Login string `json:"login"`
}

// searchResults is the body of GET /repos/search.
type searchResults struct {
	OK   *bool        `json:"ok"`
	Data []repository `json:"data"`
}

// convertRepository converts one Gitea repository. PushedAt is updated_at: Gitea reports no push
// time, and a push updates the repository. A repository without an id or a full name is a
// KindBadResponse error.
func convertRepository(w *repository) (providers.Repository, error) {
	if w.ID <= 0 {
		return providers.Repository{}, providers.Errorf(providers.KindBadResponse, SourceName, "repository %q has no id", w.FullName)
	}
	full := w.FullName
	if full == "" && w.Owner != nil && w.Owner.Login != "" && w.Name != "" {
		full = w.Owner.Login + "/" + w.Name
	}
	owner, name := providers.SplitPath(full)
	if owner == "" || name == "" || strings.Count(full, "/") != 1 {
		return providers.Repository{}, providers.Errorf(providers.KindBadResponse, SourceName, "repository %d has no owner/name full name (%q)", w.ID, full)
	}
	if w.Name != "" {
		name = w.Name
	}
	updated := date(w.UpdatedAt)
	fork, archived := w.Fork, w.Archived
	return providers.Repository{
		ForgeID:         strconv.FormatInt(w.ID, 10),
		Provider:        providers.Gitea,
		Name:            name,
		NameWithOwner:   full,
		Owner:           owner,
		Description:     providers.NonEmpty(w.Description),
		URL:             providers.NonEmpty(w.HTMLURL),
		SSHURL:          providers.NonEmpty(w.SSHURL),
		CloneURL:        providers.NonEmpty(w.CloneURL),
		IsPrivate:       w.Private,
		IsFork:          &fork,
		IsArchived:      &archived,
		StargazerCount:  w.StarsCount,
		ForkCount:       w.ForksCount,
		DefaultBranch:   providers.NonEmpty(w.DefaultBranch),
		PrimaryLanguage: providers.NonEmpty(w.Language),
		CreatedAt:       date(w.CreatedAt),
		UpdatedAt:       updated,
		PushedAt:        updated,
		Details:         convertDetails(w, false),
	}, nil
}

// convertRepositories converts a page of repositories, failing on the first that cannot be.
func convertRepositories(ws []repository) ([]providers.Repository, error) {
	out := make([]providers.Repository, len(ws))
	for i := range ws {
		r, err := convertRepository(&ws[i])
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// date returns t in UTC (Gitea writes times in the server's zone), or nil when it is absent or
// not after 1970 (Gitea writes the zero Unix time for "never").
func date(t *time.Time) *time.Time {
	if t == nil || t.Unix() <= 0 {
		return nil
	}
	u := t.UTC()
	return &u
}
