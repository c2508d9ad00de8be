package gitlab

import (
	"cmp"
	"context"
	"slices"

	"github.com/forgegraph/forgegraph/providers"
)

// Languages reads GET /projects/:id/languages, an object of language name to percentage, and
// returns the languages biggest first (then by name). GitLab reports shares only: Size is nil. An
// empty repository has none. A project the credential cannot see is KindNotFound; other errors are
// the rest errors.
func (s *Source) Languages(ctx context.Context, token string, repo *providers.Repository) ([]providers.Language, error) {
	path, err := s.repoPath(repo, "languages")
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Get(ctx, token, path, nil, "")
	if err != nil {
		return nil, err
	}
	var wire map[string]float64
	if len(resp.Body) > 0 {
		if err := s.client.DecodeJSON(resp.Body, &wire); err != nil {
			return nil, err
		}
	}
	out := make([]providers.Language, 0, len(wire))
	for name, pct := range wire {
		out = append(out, providers.Language{Name: name, Percentage: min(max(pct, 0), 100)})
	}
	slices.SortFunc(out, func(a, b providers.Language) int {
		if c := cmp.Compare(b.Percentage, a.Percentage); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, nil
}
