package bitbucket

// This file is how Bitbucket finds one repository: GET /2.0/repositories/{workspace}/{uuid} (or
// {repo_slug} for a path without a uuid). A version 2 id holds the repository's {uuid} alone:
// Bitbucket documents no lookup by repository uuid without a workspace, so the workspaces the
// credential is in are tried in turn.

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// Repository fetches one repository. With a path (a version 1 id, or Query.repository) it is GET
// /2.0/repositories/{workspace}/{uuid} (or {repo_slug} when the id has no uuid), the workspace taken
// from the path. A version 2 id holds only the repository's {uuid}, which survives renames and
// transfers but names no workspace; Bitbucket has no documented workspace-free lookup, so the
// credential's workspaces (the listing the list streams share, cached) are asked in turn, GET
// /2.0/repositories/{workspace}/{uuid} each, until one has it. A path that is not "workspace/slug"
// made of Bitbucket's slug characters (letters, digits, "-", "_", "."; never "." or "..") is a
// KindBadInput error, before any request. An id of another provider, a forge id that is no {uuid},
// a repository that does not exist or that the credential may not see (Bitbucket's 403 for private
// repositories) is KindNotFound; other errors are the *providers.Error kinds of rest.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.Bitbucket {
		return nil, s.errorf(providers.KindNotFound, nil, "no Bitbucket repository %q", id)
	}
	if id.NameWithOwner == "" {
		return s.byUUID(ctx, token, id.ForgeID)
	}
	path, err := s.lookupPath(id) // write.go: by {uuid} when the id has one
	if err != nil {
		return nil, err
	}
	return s.get(ctx, token, path)
}

// byUUID finds the repository {uuid} in the workspaces token is in; KindNotFound when none has it.
func (s *Source) byUUID(ctx context.Context, token, uuid string) (*providers.Repository, error) {
	if !strings.HasPrefix(uuid, "{") || !strings.HasSuffix(uuid, "}") || len(uuid) < 3 {
		return nil, s.errorf(providers.KindNotFound, nil, "%q is not a Bitbucket repository {uuid}", uuid)
	}
	workspaces, err := s.listWorkspaces(ctx, token)
	if err != nil {
		return nil, err
	}
	for _, ws := range workspaces {
		base, err := s.repositoriesPath(ws)
		if err != nil {
			continue // a slug the list streams skip too
		}
		r, err := s.get(ctx, token, base+"/"+url.PathEscape(uuid))
		if providers.KindOf(err) == providers.KindNotFound {
			continue
		}
		return r, err
	}
	return nil, s.errorf(providers.KindNotFound, nil, "no repository %s in the credential's %d workspaces", uuid, len(workspaces))
}

// get reads one repository object at path; 403 (Bitbucket's answer for a private repository the
// credential may not see) is KindNotFound.
func (s *Source) get(ctx context.Context, token, path string) (*providers.Repository, error) {
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
