package gitlab

// This file is GitLab's repository owners and public list. A login without "/" is looked up as a
// user (GET /users?username=, an array: empty for none) and then as a top-level group; a path with
// "/" can only be a group (GET /groups/:id with the URL-encoded full path; 404 for none). A user's
// projects are GET /users/:id/projects, a group's GET /groups/:id/projects?include_subgroups=true;
// both sort by created_at, updated_at and last_activity_at natively (FULL_NAME is local, as for the
// viewer's list). Every public project is GET /projects?visibility=public&pagination=keyset&
// order_by=id&sort=asc, from id_after (the last id shown); the Link header's rel="next" says whether
// more follow.

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

var (
	_ providers.OwnerFinder  = (*Source)(nil)
	_ providers.PublicLister = (*Source)(nil)
)

// account is the part of GitLab's user and group JSON forgegraph reads.
type account struct {
	ID          int64   `json:"id"`
	Username    string  `json:"username"`
	FullPath    string  `json:"full_path"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	WebURL      *string `json:"web_url"`
	AvatarURL   *string `json:"avatar_url"`
}

// Owner finds login: a user by username (GET /users?username=), else a group by full path (GET
// /groups/<encoded path>). An unknown login is a KindNotFound error; a login with characters GitLab
// does not allow in paths is a KindBadInput error before any request.
func (s *Source) Owner(ctx context.Context, token, login string) (*providers.Owner, error) {
	if token == "" {
		return nil, s.client.NoToken()
	}
	groupPath, err := s.client.NestedPath("/groups", login)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(login, "/") {
		resp, err := s.client.Get(ctx, token, "/users", url.Values{"username": {login}}, "")
		if err != nil {
			return nil, err
		}
		var users []account
		if err := s.client.Decode(ctx, resp.Body, &users); err != nil {
			return nil, err
		}
		for _, u := range users {
			if strings.EqualFold(u.Username, login) && u.ID > 0 {
				return &providers.Owner{Provider: providers.GitLab, Kind: providers.OwnerUser, Login: u.Username,
					ForgeID: strconv.FormatInt(u.ID, 10), Name: providers.NonEmptyPtr(u.Name),
					URL: providers.NonEmptyPtr(u.WebURL), AvatarURL: providers.NonEmptyPtr(u.AvatarURL)}, nil
			}
		}
	}
	var g account
	if _, err := s.client.GetJSON(ctx, token, groupPath, url.Values{"with_projects": {"false"}}, &g); err != nil {
		return nil, err
	}
	if g.ID <= 0 || g.FullPath == "" {
		return nil, providers.Errorf(providers.KindBadResponse, SourceName, "GET /groups/%s answered a group without id or full_path", url.PathEscape(login))
	}
	return &providers.Owner{Provider: providers.GitLab, Kind: providers.OwnerOrganization, Login: g.FullPath,
		ForgeID: strconv.FormatInt(g.ID, 10), Name: providers.NonEmptyPtr(g.Name), Description: providers.NonEmptyPtr(g.Description),
		URL: providers.NonEmptyPtr(g.WebURL), AvatarURL: providers.NonEmptyPtr(g.AvatarURL)}, nil
}

// ownerList is the project list of owner: a user's projects, or a group's with its subgroups'.
func (s *Source) ownerList(owner providers.OwnerRef) (projectList, error) {
	if owner.Kind == providers.OwnerOrganization {
		p, err := s.client.NestedPath("/groups", owner.Login)
		if err != nil {
			return projectList{}, err
		}
		return projectList{path: p + "/projects", filter: url.Values{"include_subgroups": {"true"}}}, nil
	}
	p, err := s.client.Path("/users", owner.Login, "projects")
	if err != nil {
		return projectList{}, err
	}
	return projectList{path: p}, nil
}

// Public reads one keyset page of every public project with an id above after, 100 at a time, in
// ascending id order; more is the Link header's rel="next" (only whether it is there: the next
// position is the last id shown).
func (s *Source) Public(ctx context.Context, token string, after uint64) ([]providers.Repository, bool, error) {
	if token == "" {
		return nil, false, s.client.NoToken()
	}
	q := url.Values{
		"visibility": {"public"}, "pagination": {"keyset"}, "order_by": {"id"}, "sort": {"asc"},
		"per_page": {strconv.Itoa(providers.PageSize)},
	}
	if after > 0 {
		q.Set("id_after", strconv.FormatUint(after, 10))
	}
	resp, err := s.client.Get(ctx, token, "/projects", q, "")
	if err != nil {
		return nil, false, err
	}
	var ps []project
	if err := s.client.Decode(ctx, resp.Body, &ps); err != nil {
		return nil, false, err
	}
	items, err := convertProjects(ps)
	if err != nil {
		return nil, false, err
	}
	return items, wire.ParseLinks(resp.Header.Values("Link")...).Next, nil
}
