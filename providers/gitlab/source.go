package gitlab

import (
	"context"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// Name returns "gitlab".
func (s *Source) Name() string { return SourceName }

// Providers returns [GITLAB].
func (s *Source) Providers() []providers.Provider {
	return []providers.Provider{providers.GitLab}
}

// Repository fetches one project with GET /projects/:id, by its numeric id, or by its URL-encoded
// full path (group%2Fsub%2Fname) when the id's forge part is not numeric. An id whose path is not
// namespace/name made of the characters GitLab allows in paths (letters, digits, "-", "_", ".";
// never "." or "..") is a KindBadInput error, before any request. A project the token cannot see,
// or an id of another forge, is a KindNotFound error; other failures are *providers.Error values as
// rest.Client.Get returns them.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.GitLab {
		return nil, providers.Errorf(providers.KindNotFound, SourceName, "%q is not a GitLab repository", id)
	}
	path, err := s.projectPath(id)
	if err != nil {
		return nil, err
	}
	var p project
	if _, err := s.client.GetJSON(ctx, token, path, nil, &p); err != nil {
		return nil, err
	}
	r, err := convertProject(&p)
	if err != nil {
		return nil, err
	}
	r.Details = convertDetails(&p, true, false) // GET /projects/:id carries the permissions
	return &r, nil
}

// projectPath is the API path of one project: /projects/<numeric id>, else /projects/<encoded
// path>, the path's slashes sent as %2F (GitLab's documented form). The path is checked either way,
// so a malformed id fails the same whichever form is used.
func (s *Source) projectPath(id providers.GlobalID) (string, error) {
	if id.NameWithOwner != "" || id.ForgeID == "" {
		if _, err := s.client.IDPath(id.NameWithOwner, 0); err != nil {
			return "", err
		}
	}
	if n, err := strconv.ParseInt(id.ForgeID, 10, 64); err == nil && n > 0 {
		return "/projects/" + strconv.FormatInt(n, 10), nil
	}
	if id.NameWithOwner == "" { // a version 2 id whose forge id is no GitLab project id
		return "", providers.Errorf(providers.KindNotFound, SourceName, "%s is not a GitLab project id (GitLab ids are numbers)", id)
	}
	return s.client.NestedPath("/projects", id.NameWithOwner)
}
