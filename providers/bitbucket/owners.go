package bitbucket

// This file is Bitbucket's repository owners: a workspace (GET /2.0/workspaces/{workspace}; 404
// for none the credential can see) is an organization, and its repositories are GET
// /2.0/repositories/{workspace} without role (every repository the credential can see there),
// paged natively by updated_on and created_on and sorted locally for FULL_NAME, like the viewer's
// per-workspace lists. Bitbucket has no public list forgegraph can page by keyset, so
// publicRepositories is NOT_SUPPORTED here.

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

var _ providers.OwnerFinder = (*Source)(nil)

// workspace is the part of GET /2.0/workspaces/{workspace} forgegraph reads.
type workspace struct {
	UUID  string `json:"uuid"`
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Links struct {
		HTML   link `json:"html"`
		Avatar link `json:"avatar"`
	} `json:"links"`
}

// Owner finds workspace login (its slug) with GET /2.0/workspaces/{workspace}. A workspace the
// credential cannot see is Bitbucket's 404, a KindNotFound error; a slug with characters Bitbucket
// does not allow is a KindBadInput error before any request.
func (s *Source) Owner(ctx context.Context, token, login string) (*providers.Owner, error) {
	if token == "" {
		return nil, s.client.NoToken()
	}
	path, err := s.client.Path("/workspaces", login)
	if err != nil {
		return nil, err
	}
	var w workspace
	if _, err := s.client.GetJSON(ctx, token, path, nil, &w); err != nil {
		return nil, err
	}
	if w.Slug == "" {
		return nil, s.errorf(providers.KindBadResponse, nil, "GET %s answered a workspace without slug", path)
	}
	return &providers.Owner{Provider: providers.Bitbucket, Kind: providers.OwnerOrganization, Login: w.Slug, ForgeID: w.UUID,
		Name: providers.NonEmpty(w.Name), URL: providers.NonEmpty(stripUserinfo(w.Links.HTML.Href)),
		AvatarURL: providers.NonEmpty(stripUserinfo(w.Links.Avatar.Href))}, nil
}

// ownerStreams returns the one stream of workspace q.Owner.Login's repositories.
func (s *Source) ownerStreams(q providers.Query) ([]providers.Stream, error) {
	if q.Token == "" {
		return nil, s.client.NoToken()
	}
	if _, err := s.repositoriesPath(q.Owner.Login); err != nil {
		return nil, err
	}
	return []providers.Stream{s.workspaceStream(q, q.Owner.Login, "")}, nil
}
