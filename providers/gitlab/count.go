package gitlab

import (
	"context"
	"net/url"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// CountsNested reports whether CountNested counts field: branches and tags (see
// providers.NestedCounter).
func (s *Source) CountsNested(field string) bool {
	return field == string(providers.Branches) || field == string(providers.Tags)
}

// CountNested counts repo's branches or tags with the smallest page that still carries the total:
// GET /projects/:id/repository/{branches,tags}?per_page=1, whose x-total is the count. GitLab
// leaves x-total out for lists of more than 10,000 items: then it returns -1 and the caller counts
// from the pages. Errors are KindBadInput for
// another field, KindNotFound when the credential cannot see the project, and the rest errors.
func (s *Source) CountNested(ctx context.Context, token string, repo *providers.Repository, field string) (int, error) {
	if !s.CountsNested(field) {
		return 0, providers.Errorf(providers.KindBadInput, SourceName, "%q cannot be counted: count branches or tags", field)
	}
	path, err := s.repoPath(repo, "repository", field)
	if err != nil {
		return 0, err
	}
	resp, err := s.client.Get(ctx, token, path, url.Values{"per_page": {"1"}}, "")
	if err != nil {
		return 0, err
	}
	if t, ok := rest.HeaderInt(resp.Header, "X-Total"); ok && t >= 0 {
		return t, nil
	}
	return -1, nil
}
