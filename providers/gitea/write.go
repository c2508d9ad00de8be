package gitea

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

var _ providers.Writer = (*Source)(nil)

// lookupPath is the path that reads repository id: GET /repositories/{id} when id has a numeric
// forge id (stable across renames and transfers), else /repos/{owner}/{repo}. A path (a version 1
// id's or Query.repository's) is checked either way; an id with neither a numeric forge id nor a
// path is KindNotFound.
func (s *Source) lookupPath(id providers.GlobalID) (string, error) {
	byPath := ""
	if id.NameWithOwner != "" || id.ForgeID == "" {
		p, err := s.repoPath(id.NameWithOwner)
		if err != nil {
			return "", err
		}
		byPath = p
	}
	if providers.IsNumericID(id.ForgeID) {
		return s.client.Path("/repositories", id.ForgeID)
	}
	if byPath == "" {
		return "", s.errorf(providers.KindNotFound, "%s is not a Gitea repository id (Gitea ids are numbers)", id)
	}
	return byPath, nil
}

// repoPath is /repos/{owner}/{repo} of nameWithOwner, checked and escaped.
func (s *Source) repoPath(nameWithOwner string) (string, error) {
	parts, err := s.client.IDPath(nameWithOwner, 2)
	if err != nil {
		return "", err
	}
	return s.client.Path("/repos", parts...)
}

// writeError classifies Gitea's 409/422 of a write: a name taken ("already exists", "already
// taken") is KindConflict, anything else KindBadInput with Gitea's message.
func writeError(status int, body []byte) *providers.Error {
	var e struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	if status == http.StatusConflict || strings.Contains(e.Message, "already exists") || strings.Contains(e.Message, "already taken") {
		return providers.Errorf(providers.KindConflict, SourceName, "the name is taken: a repository with that name already exists")
	}
	return providers.Validation(SourceName, []string{e.Message})
}

// CreateRepository creates a repository with POST /user/repos (owner "" or the viewer's login,
// read with GET /user) or POST /orgs/{owner}/repos.
func (s *Source) CreateRepository(ctx context.Context, token string, p providers.Provider, in providers.CreateInput) (*providers.Repository, error) {
	if p != providers.Gitea {
		return nil, s.errorf(providers.KindNotSupported, "%s repositories cannot be created on Gitea", p)
	}
	if in.Visibility == providers.VisibilityInternal {
		return nil, s.errorf(providers.KindBadInput, "Gitea repositories are PUBLIC or PRIVATE: INTERNAL is not supported here")
	}
	path := "/user/repos"
	if in.Owner != "" {
		me, err := s.me(ctx, token)
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(me.Login, in.Owner) {
			if path, err = s.client.Path("/orgs", in.Owner, "repos"); err != nil {
				return nil, err
			}
		}
	}
	b := map[string]any{"name": in.Name, "private": in.Visibility != providers.VisibilityPublic}
	if in.Description != nil {
		b["description"] = *in.Description
	}
	if in.AutoInit != nil {
		b["auto_init"] = *in.AutoInit
	}
	if in.GitignoreTemplate != nil {
		b["gitignores"] = *in.GitignoreTemplate
	}
	if in.LicenseTemplate != nil {
		b["license"] = *in.LicenseTemplate
	}
	owner := in.Owner
	if owner == "" {
		owner = "<your login>"
	}
	return s.write(ctx, token, http.MethodPost, path, b, "may have been created", `repository(provider: GITEA, nameWithOwner: "`+owner+"/"+in.Name+`")`)
}

// UpdateRepository reads the repository's current path by its id, then changes it with PATCH
// /repos/{owner}/{repo} (archived included).
func (s *Source) UpdateRepository(ctx context.Context, token string, id providers.GlobalID, in providers.UpdateInput) (*providers.Repository, error) {
	cur, err := s.Repository(ctx, token, id)
	if err != nil {
		return nil, err
	}
	path, err := s.repoPath(cur.NameWithOwner)
	if err != nil {
		return nil, err
	}
	b := map[string]any{}
	set := func(k string, v any, ok bool) {
		if ok {
			b[k] = v
		}
	}
	set("name", deref(in.Name), in.Name != nil)
	set("description", deref(in.Description), in.Description != nil)
	set("website", deref(in.HomepageURL), in.HomepageURL != nil)
	set("default_branch", deref(in.DefaultBranch), in.DefaultBranch != nil)
	if in.Visibility != nil {
		if *in.Visibility == providers.VisibilityInternal {
			return nil, s.errorf(providers.KindBadInput, "Gitea repositories are PUBLIC or PRIVATE: INTERNAL is not supported here")
		}
		b["private"] = *in.Visibility != providers.VisibilityPublic
	}
	if in.HasIssuesEnabled != nil {
		b["has_issues"] = *in.HasIssuesEnabled
	}
	if in.HasWikiEnabled != nil {
		b["has_wiki"] = *in.HasWikiEnabled
	}
	if in.IsArchived != nil {
		b["archived"] = *in.IsArchived
	}
	return s.write(ctx, token, http.MethodPatch, path, b, "may have been changed", `node(id) or repository(provider: GITEA, nameWithOwner: "`+cur.NameWithOwner+`")`)
}

// DeleteRepository deletes id's repository with DELETE /repos/{owner}/{repo}, id's path being its
// current one (the resolver confirmed it).
func (s *Source) DeleteRepository(ctx context.Context, token string, id providers.GlobalID) (string, error) {
	path, err := s.repoPath(id.NameWithOwner)
	if err != nil {
		return "", err
	}
	_, err = s.client.Send(ctx, token, http.MethodDelete, path, nil, nil)
	return "", providers.Ambiguous(err, SourceName, "may have been deleted", `repository(provider: GITEA, nameWithOwner: "`+id.NameWithOwner+`")`)
}

// write sends one write and converts the repository Gitea answers with.
func (s *Source) write(ctx context.Context, token, method, path string, body any, what, check string) (*providers.Repository, error) {
	return rest.SendRepository(ctx, s.client, token, method, path, body, convertRepository, what, check)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
