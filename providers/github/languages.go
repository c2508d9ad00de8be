package github

import (
	"cmp"
	"context"
	"slices"

	"github.com/forgegraph/forgegraph/providers"
)

// Languages reads GET /repos/{owner}/{repo}/languages, an object of language name to bytes of
// code, and returns the languages biggest first (then by name), each with its size and its share
// of the total in percent. GitHub's REST API gives no colors: Color is nil. An empty repository
// has none. Errors are KindNotFound when the credential cannot see the repository and the rest
// errors.
func (s *Source) Languages(ctx context.Context, token string, repo *providers.Repository) ([]providers.Language, error) {
	path, err := s.repoPath(repo.NameWithOwner, "languages")
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Get(ctx, token, path, nil, "")
	if err != nil {
		return nil, err
	}
	var wire map[string]int64
	if len(resp.Body) > 0 {
		if err := s.client.DecodeJSON(resp.Body, &wire); err != nil {
			return nil, err
		}
	}
	return convertLanguages(wire), nil
}

// convertLanguages turns bytes per language into Languages, biggest first; negative sizes count
// as 0.
func convertLanguages(bytes map[string]int64) []providers.Language {
	var total int64
	out := make([]providers.Language, 0, len(bytes))
	for name, n := range bytes {
		n = max(n, 0)
		total += n
		out = append(out, providers.Language{Name: name, Size: &n})
	}
	slices.SortFunc(out, func(a, b providers.Language) int {
		if c := cmp.Compare(*b.Size, *a.Size); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	for i := range out {
		if total > 0 {
			out[i].Percentage = float64(*out[i].Size) * 100 / float64(total)
		}
	}
	return out
}
