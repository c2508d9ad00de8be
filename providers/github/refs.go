package github

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// ref is one item of GET /repos/{owner}/{repo}/branches or /tags.
type ref struct {
	Name   string `json:"name"`
	Commit *struct {
		SHA string `json:"sha"`
	} `json:"commit"`
	// Protected is sent for branches only.
	Protected *bool `json:"protected"`
}

// convertRef turns a branch or tag into a Ref; tags have no protection.
func convertRef(r *ref, kind providers.RefKind) providers.Ref {
	out := providers.Ref{Name: r.Name}
	if r.Commit != nil {
		out.CommitSHA = providers.NonEmpty(r.Commit.SHA)
	}
	if kind == providers.Branches {
		out.IsProtected = r.Protected
	}
	return out
}

// getPage reads page (from 0) of a list sub-resource of repo, 100 per page, into v (a pointer to a
// slice). It returns the page's More and LastIndex from the Link header and whether the answer was
// empty (204 No Content, which GitHub sends for an empty repository's contributors). Errors are
// the rest errors.
func (s *Source) getPage(ctx context.Context, token string, repo *providers.Repository, sub string, page int, v any) (more bool, lastIndex int, empty bool, err error) {
	if page < 0 {
		return false, -1, false, providers.Errorf(providers.KindInternal, SourceName, "page index %d", page)
	}
	path, err := s.repoPath(repo.NameWithOwner, sub)
	if err != nil {
		return false, -1, false, err
	}
	query := url.Values{"per_page": {strconv.Itoa(providers.PageSize)}, "page": {strconv.Itoa(page + 1)}}
	resp, err := s.client.Get(ctx, token, path, query, "")
	if err != nil {
		return false, -1, false, err
	}
	if resp.Status == http.StatusNoContent || len(resp.Body) == 0 {
		return false, -1, true, nil
	}
	if err := s.client.DecodeJSON(resp.Body, v); err != nil {
		return false, -1, false, err
	}
	links := wire.ParseLinks(resp.Header.Values("Link")...)
	return links.Next, links.Last - 1, false, nil
}

// Refs reads page (from 0) of repo's branches (GET /repos/{owner}/{repo}/branches) or tags
// (.../tags) in GitHub's order, 100 per page, with More and LastIndex from the Link header; Total
// is -1 (GitHub gives no count). Errors are KindNotFound when the credential cannot see the
// repository, KindBadInput for a path that is not owner/name, and the rest errors.
func (s *Source) Refs(ctx context.Context, token string, repo *providers.Repository, kind providers.RefKind, page int) (providers.ListPage[providers.Ref], error) {
	out := providers.ListPage[providers.Ref]{Total: -1, LastIndex: -1}
	if kind != providers.Branches && kind != providers.Tags {
		return out, providers.Errorf(providers.KindInternal, SourceName, "unknown ref kind %q", kind)
	}
	var wire []ref
	more, last, _, err := s.getPage(ctx, token, repo, string(kind), page, &wire)
	if err != nil {
		return out, err
	}
	out.More, out.LastIndex = more, last
	out.Items = make([]providers.Ref, len(wire))
	for i := range wire {
		out.Items[i] = convertRef(&wire[i], kind)
	}
	return out, nil
}
