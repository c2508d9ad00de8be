package gitea

import (
	"context"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Languages reads GET /repos/{owner}/{repo}/languages, an object of language name to bytes of
// code, and returns the languages biggest first (then by name), each with its size and its share
// of the total in percent; Color is nil (the API gives none). An empty repository has none.
// Errors are KindNotFound when the credential cannot see the repository and the rest errors.
func (s *Source) Languages(ctx context.Context, token string, repo *providers.Repository) ([]providers.Language, error) {
	path, err := s.repoPath(repo.NameWithOwner)
	if err != nil {
		return nil, err
	}
	var bytes map[string]int64
	if _, err := s.client.Do(ctx, token, &rest.Request{Method: http.MethodGet, Path: path + "/languages"}, &bytes); err != nil {
		return nil, err
	}
	return providers.LanguagesFromBytes(bytes), nil
}

// team is one item of GET /repos/{owner}/{repo}/teams (Gitea's Team entity): the fields
// forgegraph reads.
type team struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Permission is none, read, write, admin or owner.
	Permission string `json:"permission"`
}

// teamPermission maps a Gitea team permission to a Permission; nil for none or another word.
func teamPermission(p string) *providers.Permission {
	v, ok := map[string]providers.Permission{
		"read": providers.PermissionRead, "write": providers.PermissionWrite,
		"admin": providers.PermissionAdmin, "owner": providers.PermissionAdmin,
	}[p]
	if !ok {
		return nil
	}
	return &v
}

// Teams returns page (from 0) of the teams with access to repo, from GET
// /repos/{owner}/{repo}/teams, which Gitea answers whole (no paging). Gitea teams have no slug: a
// team is addressed by its name, so Slug is the name in lower case. A repository a user owns
// cannot have teams: Gitea answers 405 Method Not Allowed for it, which is an empty list here
// (the repository itself was found). Other errors are KindNotFound when the credential cannot see
// the repository and the rest errors.
func (s *Source) Teams(ctx context.Context, token string, repo *providers.Repository, page int) (providers.ListPage[providers.Team], error) {
	out := providers.ListPage[providers.Team]{Total: -1, LastIndex: -1}
	if page < 0 {
		return out, s.errorf(providers.KindInternal, "teams page %d", page)
	}
	path, err := s.repoPath(repo.NameWithOwner)
	if err != nil {
		return out, err
	}
	var wire []team
	_, err = s.client.Do(ctx, token, &rest.Request{Method: http.MethodGet, Path: path + "/teams"}, &wire)
	if isNotAllowed(err) {
		out.Total = 0
		return out, nil
	}
	if err != nil {
		return out, err
	}
	all := make([]providers.Team, len(wire))
	for i, t := range wire {
		all[i] = providers.Team{Name: t.Name, Slug: strings.ToLower(t.Name), Description: providers.NonEmpty(t.Description),
			Permission: teamPermission(t.Permission)}
	}
	return providers.WholeList(all)(ctx, page)
}

// isNotAllowed reports whether err is the rest client's error for an HTTP 405 answer (an
// unexpected status, whose code rest.StatusOf gives).
func isNotAllowed(err error) bool {
	return providers.KindOf(err) == providers.KindBadResponse && rest.StatusOf(err) == http.StatusMethodNotAllowed
}
