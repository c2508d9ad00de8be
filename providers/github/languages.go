package github

import (
	"context"

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
	return providers.LanguagesFromBytes(wire), nil
}
