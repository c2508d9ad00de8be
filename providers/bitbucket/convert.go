package bitbucket

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// link is Bitbucket's {href, name} link object.
type link struct {
	Href string `json:"href"`
	Name string `json:"name,omitempty"`
}

// repository is the part of Bitbucket's repository object that forgegraph reads (GET
// /2.0/repositories/{workspace}/{repo_slug}, and each value of GET /2.0/repositories/{workspace}).
type repository struct {
	UUID        string `json:"uuid"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	FullName    string `json:"full_name"`
	Description string `json:"description"`
	IsPrivate   bool   `json:"is_private"`
	Language    string `json:"language"`
	CreatedOn   string `json:"created_on"`
	UpdatedOn   string `json:"updated_on"`
	MainBranch  *struct {
		Name string `json:"name"`
	} `json:"mainbranch"`
	// Parent is present (non-null) only for forks.
	Parent *struct {
		FullName string `json:"full_name"`
		UUID     string `json:"uuid"`
		Name     string `json:"name"`
	} `json:"parent"`
	Workspace *struct {
		Slug string `json:"slug"`
	} `json:"workspace"`
	Links struct {
		HTML  link   `json:"html"`
		Clone []link `json:"clone"`
	} `json:"links"`
	detailFields // detail.go
}

// workspaceAccess is one value of GET /2.0/user/workspaces: the workspace and whether the caller
// administers it. Slug at the top level is the shape of the removed /2.0/workspaces listing,
// accepted as a fallback.
type workspaceAccess struct {
	Administrator bool `json:"administrator"`
	Workspace     struct {
		Slug string `json:"slug"`
		UUID string `json:"uuid"`
	} `json:"workspace"`
	Slug string `json:"slug"`
}

// slug returns the workspace's slug, "" when the value names none.
func (w workspaceAccess) slug() string {
	if w.Workspace.Slug != "" {
		return w.Workspace.Slug
	}
	return w.Slug
}

// paginated is Bitbucket's paging envelope. Size (the whole collection's length) and Previous are
// optional; Next is absent on the last page.
type paginated[T any] struct {
	Pagelen  int    `json:"pagelen"`
	Size     *int   `json:"size"`
	Page     int    `json:"page"`
	Next     string `json:"next"`
	Previous string `json:"previous"`
	Values   []T    `json:"values"`
}

// errorBody is Bitbucket's error object: {"type":"error","error":{"message":..,"detail":..}}. Some
// answers put message and detail at the top level; both are read.
type errorBody struct {
	Error struct {
		Message string `json:"message"`
		Detail  string `json:"detail"`
	} `json:"error"`
	Message string `json:"message"`
	Detail  string `json:"detail"`
}

// errIncomplete is returned by convertRepository for an object without uuid or full_name.
var errIncomplete = errors.New("repository without uuid or full_name")

// convertRepository converts one wire repository. Bitbucket reports neither stars, fork counts nor
// an archived flag: those stay nil. PushedAt is updated_on, as the contract says.
func convertRepository(w *repository) (providers.Repository, error) {
	if w.UUID == "" || w.FullName == "" {
		return providers.Repository{}, errIncomplete
	}
	owner, slug := providers.SplitPath(w.FullName)
	if w.Workspace != nil && w.Workspace.Slug != "" {
		owner = w.Workspace.Slug
	}
	name := w.Name
	if name == "" {
		name = w.Slug
	}
	if name == "" {
		name = slug
	}
	isFork := w.Parent != nil
	r := providers.Repository{
		ForgeID:         w.UUID,
		Provider:        providers.Bitbucket,
		Name:            name,
		NameWithOwner:   w.FullName,
		Owner:           owner,
		Description:     providers.NonEmpty(w.Description),
		URL:             providers.NonEmpty(w.Links.HTML.Href),
		IsPrivate:       w.IsPrivate,
		IsFork:          &isFork,
		PrimaryLanguage: providers.NonEmpty(w.Language),
		CreatedAt:       parseTime(w.CreatedOn),
		UpdatedAt:       parseTime(w.UpdatedOn),
		PushedAt:        parseTime(w.UpdatedOn),
		Details:         convertDetails(w),
	}
	if w.MainBranch != nil {
		r.DefaultBranch = providers.NonEmpty(w.MainBranch.Name)
	}
	for _, l := range w.Links.Clone {
		switch strings.ToLower(l.Name) {
		case "https":
			if r.CloneURL == nil {
				r.CloneURL = providers.NonEmpty(stripUserinfo(l.Href))
			}
		case "ssh":
			if r.SSHURL == nil {
				r.SSHURL = providers.NonEmpty(l.Href)
			}
		}
	}
	return r, nil
}

// convertRepositories converts a page of wire repositories; an incomplete one fails the page with
// KindBadResponse.
func (s *Source) convertRepositories(values []repository) ([]providers.Repository, error) {
	out := make([]providers.Repository, 0, len(values))
	for i := range values {
		r, err := convertRepository(&values[i])
		if err != nil {
			return nil, s.errorf(providers.KindBadResponse, err, "unexpected repository object")
		}
		out = append(out, r)
	}
	return out, nil
}

// stripUserinfo removes the "user@" Bitbucket puts in the https clone link of the calling account,
// so the URL is the repository's, not the caller's.
func stripUserinfo(href string) string {
	u, err := url.Parse(href)
	if err != nil || u.User == nil {
		return href
	}
	u.User = nil
	return u.String()
}

// parseTime parses Bitbucket's ISO 8601 times ("2024-03-01T10:20:30.123456+00:00") to UTC; nil
// when absent or unparsable. Bitbucket documents zoned times only, so a zone-less one is refused.
func parseTime(s string) *time.Time { return wire.Time(s, nil) }
