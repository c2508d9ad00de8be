package gitea

// This file is Gitea's repository owners. A login is looked up as an organization first (GET
// /orgs/{org}: Gitea's /users/{username} answers for organizations too, as a user, so it cannot
// tell them apart), then as a user (GET /users/{username}); a 404 from both is an unknown login.
// An owner's repositories are GET /orgs/{org}/repos or GET /users/{username}/repos, which do not
// sort: every order is served from the whole list, read in pages by number (page from 1, limit
// capped by the server's MAX_RESPONSE_ITEMS, the end told by Link rel="next" or X-Total-Count) and
// sorted locally (providers.Local). PUSHED is updated_at, as for the viewer's list. Gitea's public
// list (GET /repos/search) is paged by page number, so publicRepositories is NOT_SUPPORTED here.

import (
	"context"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
	"github.com/forgegraph/forgegraph/providers/rest"
)

var _ providers.OwnerFinder = (*Source)(nil)

// account is the part of Gitea's User and Organization entities forgegraph reads.
type account struct {
	ID int64 `json:"id"`
	// Login is a user's login; Name an organization's (Username is its older alias).
	Login       string  `json:"login"`
	Name        string  `json:"name"`
	Username    string  `json:"username"`
	FullName    *string `json:"full_name"`
	Description *string `json:"description"`
	HTMLURL     *string `json:"html_url"`
	AvatarURL   *string `json:"avatar_url"`
}

// Owner finds login as an organization (GET /orgs/{org}), else as a user (GET /users/{username}).
// An unknown login is a KindNotFound error; a login with characters Gitea does not allow is a
// KindBadInput error before any request.
func (s *Source) Owner(ctx context.Context, token, login string) (*providers.Owner, error) {
	if token == "" {
		return nil, s.client.NoToken()
	}
	for _, kind := range []providers.OwnerKind{providers.OwnerOrganization, providers.OwnerUser} {
		path, err := s.client.Path(ownerPrefix(kind), login)
		if err != nil {
			return nil, err
		}
		resp, err := s.client.Get(ctx, token, path, nil, "")
		if providers.KindOf(err) == providers.KindNotFound && kind == providers.OwnerOrganization {
			continue
		}
		if err != nil {
			return nil, err
		}
		var a account
		if err := s.client.Decode(ctx, resp.Body, &a); err != nil {
			return nil, err
		}
		name := a.Login
		if kind == providers.OwnerOrganization {
			name = a.Name
			if name == "" {
				name = a.Username
			}
		}
		if name == "" || a.ID <= 0 {
			return nil, s.errorf(providers.KindBadResponse, "GET %s answered an account without id or name", path)
		}
		o := &providers.Owner{Provider: providers.Gitea, Kind: kind, Login: name, ForgeID: strconv.FormatInt(a.ID, 10),
			Name: providers.NonEmptyPtr(a.FullName), URL: providers.NonEmptyPtr(a.HTMLURL), AvatarURL: providers.NonEmptyPtr(a.AvatarURL)}
		if kind == providers.OwnerOrganization {
			o.Description = providers.NonEmptyPtr(a.Description)
		}
		return o, nil
	}
	return nil, s.errorf(providers.KindNotFound, "no user or organization %q", login) // not reached
}

// ownerPrefix is the path prefix of an owner of kind.
func ownerPrefix(kind providers.OwnerKind) string {
	if kind == providers.OwnerOrganization {
		return "/orgs"
	}
	return "/users"
}

// ownerStreams returns the one stream of q.Owner's repositories: the whole list, sorted locally.
func (s *Source) ownerStreams(q providers.Query) ([]providers.Stream, error) {
	path, err := s.client.Path(ownerPrefix(q.Owner.Kind), q.Owner.Login, "repos")
	if err != nil {
		return nil, err
	}
	return []providers.Stream{s.local.Stream(SourceName, "", q, "owner|"+path, s.readOwner(q.Token, path), nil)}, nil
}

// readOwner returns the providers.ReadAll of the owner list at path: pages of askLimit by number
// until the Link header has no rel="next" (or, without Link, X-Total-Count is reached or a page is
// empty), each repository once, failing with KindBadResponse past max.
func (s *Source) readOwner(token, path string) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		read := 0 // items read so far, for X-Total-Count without Link
		return wire.ReadAll(ctx, wire.Read[providers.Repository]{
			Source: SourceName, Max: max, PageSize: int(s.limit.Load()),
			Key: func(r providers.Repository) string { return r.ForgeID },
			TooMany: func() error {
				return s.errorf(providers.KindBadResponse, "more than %d repositories in %s: raise MAX_REPOSITORIES_PER_SOURCE", max, path)
			},
			Fetch: func(ctx context.Context, n int) (wire.Page[providers.Repository], error) {
				q := url.Values{"page": {strconv.Itoa(n)}, "limit": {strconv.Itoa(askLimit)}}
				var body []repository
				resp, err := s.client.GetJSON(ctx, token, path, q, &body)
				if err != nil {
					return wire.Page[providers.Repository]{}, err
				}
				items, err := convertRepositories(body)
				if err != nil {
					return wire.Page[providers.Repository]{}, err
				}
				read += len(items)
				p := wire.Page[providers.Repository]{Items: items, Total: -1}
				if t, ok := rest.HeaderInt(resp.Header, "X-Total-Count"); ok && t >= 0 {
					p.Total = t
				}
				links := wire.ParseLinks(resp.Header.Values("Link")...)
				switch {
				case links.Present:
					p.More = links.Next
				case p.Total >= 0:
					p.More = read < p.Total && len(items) > 0
				default:
					p.More = len(items) > 0
				}
				return p, nil
			},
		})
	}
}
