package github

// This file is GitHub's repository owners and public list: GET /users/{u} (type User or
// Organization; GET /orgs/{org} for an organization's description), an owner's repositories with
// GET /users/{u}/repos?type=owner or GET /orgs/{org}/repos?type=all (both sort pushed, updated,
// created and full_name natively, so they page like GET /user/repos), and every public repository
// with GET /repositories?since=ID (keyset: ascending ids, the Link header's rel="next" says whether
// more follow; per_page is not documented there, so none is sent and any page size is taken).

import (
	"context"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

var (
	_ providers.OwnerFinder  = (*Source)(nil)
	_ providers.PublicLister = (*Source)(nil)
)

// account is the part of GitHub's user and organization JSON forgegraph reads.
type account struct {
	ID          int64   `json:"id"`
	Login       string  `json:"login"`
	Type        string  `json:"type"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	HTMLURL     *string `json:"html_url"`
	AvatarURL   *string `json:"avatar_url"`
}

// Owner finds login with GET /users/{login}; an organization (type "Organization") is read again
// with GET /orgs/{login}, which alone has its description. An unknown login is GitHub's 404, a
// KindNotFound error; a login with characters GitHub does not allow is a KindBadInput error before
// any request.
func (s *Source) Owner(ctx context.Context, token, login string) (*providers.Owner, error) {
	if token == "" {
		return nil, s.client.NoToken()
	}
	path, err := s.client.Path("/users", login)
	if err != nil {
		return nil, err
	}
	var a account
	if _, err := s.client.GetJSON(ctx, token, path, nil, &a); err != nil {
		return nil, err
	}
	kind := providers.OwnerUser
	if a.Type == "Organization" {
		kind = providers.OwnerOrganization
		orgPath, err := s.client.Path("/orgs", a.Login)
		if err != nil {
			return nil, err
		}
		if _, err := s.client.GetJSON(ctx, token, orgPath, nil, &a); err != nil {
			return nil, err
		}
	}
	if a.Login == "" || a.ID == 0 {
		return nil, providers.Errorf(providers.KindBadResponse, SourceName, "GET %s answered an account without login or id", path)
	}
	o := &providers.Owner{Provider: providers.GitHub, Kind: kind, Login: a.Login, ForgeID: strconv.FormatInt(a.ID, 10),
		Name: providers.NonEmptyPtr(a.Name), URL: providers.NonEmptyPtr(a.HTMLURL), AvatarURL: providers.NonEmptyPtr(a.AvatarURL)}
	if kind == providers.OwnerOrganization {
		o.Description = providers.NonEmptyPtr(a.Description)
	}
	return o, nil
}

// ownerStreams returns the one stream of q.Owner's repositories: GET /orgs/{org}/repos?type=all for
// an organization (every repository the token can see there, private ones too), GET
// /users/{u}/repos?type=owner for a user (the ones it owns), paged natively in every order.
func (s *Source) ownerStreams(q providers.Query) ([]providers.Stream, error) {
	prefix, typ := "/users", "owner"
	if q.Owner.Kind == providers.OwnerOrganization {
		prefix, typ = "/orgs", "all"
	}
	path, err := s.client.Path(prefix, q.Owner.Login, "repos")
	if err != nil {
		return nil, err
	}
	return []providers.Stream{&stream{client: s.client, src: s, q: q, id: providers.StreamID(SourceName, "", q),
		path: path, extra: url.Values{"type": {typ}}}}, nil
}

// Public reads GET /repositories?since=after: public repositories with an id above after, in
// ascending id order. more is the Link header's rel="next" (only whether it is there: the next
// position is the last id shown, which the caller keeps). Items carry no details (the list's items
// are GitHub's minimal repositories), so details come from GET /repos/{owner}/{repo}.
func (s *Source) Public(ctx context.Context, token string, after uint64) ([]providers.Repository, bool, error) {
	if token == "" {
		return nil, false, s.client.NoToken()
	}
	resp, err := s.client.Get(ctx, token, "/repositories", url.Values{"since": {strconv.FormatUint(after, 10)}}, "")
	if err != nil {
		return nil, false, err
	}
	var body []repository
	if err := s.client.Decode(ctx, resp.Body, &body); err != nil {
		return nil, false, err
	}
	items, err := convertRepositories(body)
	if err != nil {
		return nil, false, err
	}
	for i := range items {
		items[i].Details = nil
	}
	return items, wire.ParseLinks(resp.Header.Values("Link")...).Next, nil
}
