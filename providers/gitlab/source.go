package gitlab

import (
	"context"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// orderBy maps the sorts GitLab can give natively to its order_by values. FULL_NAME is missing on
// purpose: order_by=name and order_by=path sort by the project's own name, not by its full path
// (group/sub/name), so that sort is served locally.
var orderBy = map[providers.Sort]string{
	providers.SortPushed:  "last_activity_at",
	providers.SortUpdated: "updated_at",
	providers.SortCreated: "created_at",
}

// listKey names the whole list the local sort reads: every project the user is a member of.
const listKey = "membership"

// Name returns "gitlab".
func (s *Source) Name() string { return SourceName }

// Providers returns [GITLAB].
func (s *Source) Providers() []providers.Provider {
	return []providers.Provider{providers.GitLab}
}

// Streams returns the one stream of q's list: native paging of GET /projects?membership=true for
// PUSHED, UPDATED and CREATED, and the locally sorted whole list for FULL_NAME. It returns no
// stream when q's provider filter excludes GitLab, a KindInternal error for an invalid order (a server bug) and a
// KindUnauth error when q has no token.
func (s *Source) Streams(_ context.Context, q providers.Query) ([]providers.Stream, error) {
	if err := q.Check(SourceName); err != nil {
		return nil, err
	}
	if !q.Allows(providers.GitLab) {
		return nil, nil
	}
	if q.Token == "" {
		return nil, providers.Errorf(providers.KindUnauth, SourceName,
			"no token: set GITLAB_TOKEN or send the X-GitLab-Token header")
	}
	if by, ok := orderBy[q.Order.Sort]; ok {
		return []providers.Stream{&nativeStream{src: s, q: q, orderBy: by, sort: direction(q.Order.Direction),
			id: providers.StreamID(SourceName, "", q)}}, nil
	}
	read := func(ctx context.Context, max int) ([]providers.Repository, error) {
		return s.readAll(ctx, q.Token, max)
	}
	return []providers.Stream{s.local.Stream(SourceName, "", q, listKey, read, nil)}, nil
}

func direction(d providers.Direction) string {
	if d == providers.Asc {
		return "asc"
	}
	return "desc"
}

// Repository fetches one project with GET /projects/:id, by its numeric id, or by its URL-encoded
// full path (group%2Fsub%2Fname) when the id's forge part is not numeric. An id whose path is not
// namespace/name made of the characters GitLab allows in paths (letters, digits, "-", "_", ".";
// never "." or "..") is a KindBadInput error, before any request. A project the token cannot see,
// or an id of another forge, is a KindNotFound error; other failures are *providers.Error values as
// rest.Client.Get returns them.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.GitLab {
		return nil, providers.Errorf(providers.KindNotFound, SourceName, "%q is not a GitLab repository", id.NameWithOwner)
	}
	path, err := s.projectPath(id)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Get(ctx, token, path, nil, "")
	if err != nil {
		return nil, err
	}
	var p project
	if err := s.client.Decode(ctx, resp.Body, &p); err != nil {
		return nil, err
	}
	r, err := convertProject(&p)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// projectPath is the API path of one project: /projects/<numeric id>, else /projects/<encoded
// path>, the path's slashes sent as %2F (GitLab's documented form). The path is checked either way,
// so a malformed id fails the same whichever form is used.
func (s *Source) projectPath(id providers.GlobalID) (string, error) {
	if _, err := s.client.IDPath(id.NameWithOwner, 0); err != nil {
		return "", err
	}
	if n, err := strconv.ParseInt(id.ForgeID, 10, 64); err == nil && n > 0 {
		return "/projects/" + strconv.FormatInt(n, 10), nil
	}
	return s.client.NestedPath("/projects", id.NameWithOwner)
}
