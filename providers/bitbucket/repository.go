package bitbucket

// This file is how Bitbucket finds one repository: GET /2.0/repositories/{workspace}/{uuid} (or
// {repo_slug} for an id without a uuid).

import (
	"context"
	"errors"

	"github.com/forgegraph/forgegraph/providers"
)

// Repository fetches one repository with GET /2.0/repositories/{workspace}/{repo_slug}, from the
// path in id. An id whose path is not "workspace/slug" made of Bitbucket's slug characters
// (letters, digits, "-", "_", "."; never "." or "..") or {uuid}s is a KindBadInput error, before any
// request. An id of another provider, a repository that does not exist or that the credential may
// not see (Bitbucket's 403 for private repositories) is KindNotFound; other errors are the
// *providers.Error kinds of rest.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.Bitbucket {
		return nil, s.errorf(providers.KindNotFound, nil, "no Bitbucket repository %q", id.NameWithOwner)
	}
	path, err := s.lookupPath(id) // write.go: by {uuid} when the id has one
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Get(ctx, token, path, nil, "")
	if err != nil {
		var e *providers.Error
		if errors.As(err, &e) && e.Kind == providers.KindForbidden {
			c := *e
			c.Kind = providers.KindNotFound
			return nil, &c
		}
		return nil, err
	}
	var w repository
	if err := s.client.Decode(ctx, resp.Body, &w); err != nil {
		return nil, err
	}
	r, err := convertRepository(&w)
	if err != nil {
		return nil, s.errorf(providers.KindBadResponse, err, "unexpected repository object")
	}
	return &r, nil
}
