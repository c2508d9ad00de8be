package github

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// countable are the sub-resources CountNested counts: the nested lists GitHub pages with a Link
// header.
var countable = map[string]bool{"branches": true, "tags": true, "contributors": true, "teams": true}

// CountsNested reports whether field is one CountNested counts (see providers.NestedCounter).
func (s *Source) CountsNested(field string) bool { return countable[field] }

// CountNested counts repo's branches, tags, contributors or teams in one request: GET
// /repos/{owner}/{repo}/{field}?per_page=1, whose Link rel="last" names page N of one item each,
// so N is the count; without a Link header the list has the 0 or 1 items of the answer. An empty
// repository's contributors (204) and a personal repository's teams (404) count 0, as their pages
// read empty. Errors are KindBadInput for another field or a path that is not owner/name,
// KindBadResponse for a Link with a next page but no last one, KindNotFound when the credential
// cannot see the repository, and the rest errors.
func (s *Source) CountNested(ctx context.Context, token string, repo *providers.Repository, field string) (int, error) {
	if !countable[field] {
		return 0, providers.Errorf(providers.KindBadInput, SourceName, "%q cannot be counted: count branches, tags, contributors or teams", field)
	}
	path, err := s.repoPath(repo.NameWithOwner, field)
	if err != nil {
		return 0, err
	}
	resp, err := s.client.Get(ctx, token, path, url.Values{"per_page": {"1"}}, "")
	if field == "teams" && providers.KindOf(err) == providers.KindNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if resp.Status == http.StatusNoContent || len(resp.Body) == 0 {
		return 0, nil
	}
	links := wire.ParseLinks(resp.Header.Values("Link")...)
	if links.Last >= 1 {
		return links.Last, nil
	}
	if links.Next {
		return 0, providers.Errorf(providers.KindBadResponse, SourceName, "GET %s?per_page=1 has a next page but no rel=\"last\" link: the count is unknown", path)
	}
	var items []json.RawMessage
	if err := s.client.DecodeJSON(resp.Body, &items); err != nil {
		return 0, err
	}
	return len(items), nil
}
