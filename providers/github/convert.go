package github

import (
	"strconv"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// repository is the part of GitHub's repository JSON forgegraph reads (GET /user/repos items and
// GET /repos/{owner}/{repo}). Pointers tell an absent or null field from a zero one.
type repository struct {
	ID              int64   `json:"id"`
	Name            string  `json:"name"`
	FullName        string  `json:"full_name"`
	Owner           *user   `json:"owner"`
	Description     *string `json:"description"`
	Private         bool    `json:"private"`
	Fork            *bool   `json:"fork"`
	Archived        *bool   `json:"archived"`
	HTMLURL         *string `json:"html_url"`
	SSHURL          *string `json:"ssh_url"`
	CloneURL        *string `json:"clone_url"`
	StargazersCount *int    `json:"stargazers_count"`
	ForksCount      *int    `json:"forks_count"`
	DefaultBranch   *string `json:"default_branch"`
	Language        *string `json:"language"`
	CreatedAt       *string `json:"created_at"`
	UpdatedAt       *string `json:"updated_at"`
	PushedAt        *string `json:"pushed_at"`
	detailFields            // detail.go
}

// user is a repository's owner.
type user struct {
	Login string `json:"login"`
	// Type is "User" or "Organization".
	Type string `json:"type"`
}

// convertRepository turns GitHub's repository JSON into forgegraph's Repository. It fails with
// KindBadResponse when the item lacks what identifies a repository (its id and full name).
func convertRepository(r *repository) (providers.Repository, error) {
	full := r.FullName
	if full == "" && r.Owner != nil && r.Owner.Login != "" && r.Name != "" {
		full = r.Owner.Login + "/" + r.Name
	}
	if r.ID == 0 || full == "" {
		return providers.Repository{}, providers.Errorf(providers.KindBadResponse, SourceName,
			"repository without id or full_name in the answer (id %d, full_name %q)", r.ID, r.FullName)
	}
	owner, name := full, r.Name
	if o, n := providers.SplitPath(full); o != "" {
		owner = o
		if name == "" {
			name = n
		}
	} else if r.Owner != nil {
		owner = r.Owner.Login
	}
	return providers.Repository{
		ForgeID:         strconv.FormatInt(r.ID, 10),
		Provider:        providers.GitHub,
		Name:            name,
		NameWithOwner:   full,
		Owner:           owner,
		Description:     providers.NonEmptyPtr(r.Description),
		URL:             providers.NonEmptyPtr(r.HTMLURL),
		SSHURL:          providers.NonEmptyPtr(r.SSHURL),
		CloneURL:        providers.NonEmptyPtr(r.CloneURL),
		IsPrivate:       r.Private,
		IsFork:          r.Fork,
		IsArchived:      r.Archived,
		StargazerCount:  r.StargazersCount,
		ForkCount:       r.ForksCount,
		DefaultBranch:   providers.NonEmptyPtr(r.DefaultBranch),
		PrimaryLanguage: providers.NonEmptyPtr(r.Language),
		CreatedAt:       parseTime(r.CreatedAt),
		UpdatedAt:       parseTime(r.UpdatedAt),
		PushedAt:        parseTime(r.PushedAt),
		Details:         convertDetails(&r.detailFields, r.Private, listFields),
	}, nil
}

// convertRepositories converts a list answer, failing on the first item that is not a repository.
func convertRepositories(in []repository) ([]providers.Repository, error) {
	out := make([]providers.Repository, len(in))
	for i := range in {
		r, err := convertRepository(&in[i])
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// parseTime parses GitHub's ISO 8601 timestamps ("2011-01-26T19:06:43Z") to UTC; nil when absent,
// null or unparsable. GitHub documents zoned times only, so a zone-less one is refused.
func parseTime(s *string) *time.Time { return wire.TimePtr(s, nil) }
