package bitbucket

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

var _ providers.Writer = (*Source)(nil)

// uuidForm is a Bitbucket uuid as the API writes it: {8-4-4-4-12} hex digits in braces.
var uuidForm = regexp.MustCompile(`^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$`)

// lookupPath is the path that reads repository id, which has a path: /repositories/{workspace}/{uuid}
// when id has a Bitbucket uuid (stable across renames), else /repositories/{workspace}/{slug}. The
// path is checked either way.
func (s *Source) lookupPath(id providers.GlobalID) (string, error) {
	parts, err := s.client.IDPath(id.NameWithOwner, 2)
	if err != nil {
		return "", err
	}
	if uuidForm.MatchString(id.ForgeID) {
		ws, err := s.repositoriesPath(parts[0])
		if err != nil {
			return "", err
		}
		return ws + "/" + url.PathEscape(id.ForgeID), nil
	}
	return s.repositoriesPath(parts...)
}

// withPath returns id with the repository's current path: id itself when it has one, else (a
// version 2 id) the path Repository finds for its {uuid}, which names the workspace a write needs.
func (s *Source) withPath(ctx context.Context, token string, id providers.GlobalID) (providers.GlobalID, error) {
	if id.NameWithOwner != "" {
		return id, nil
	}
	cur, err := s.Repository(ctx, token, id)
	if err != nil {
		return id, err
	}
	return providers.GlobalID{Provider: providers.Bitbucket, ForgeID: cur.ForgeID, NameWithOwner: cur.NameWithOwner}, nil
}

// writeError classifies Bitbucket's 400/409 of a write: "already exists" is KindConflict, other
// messages KindBadInput with Bitbucket's message and detail.
func writeError(status int, body []byte) *providers.Error {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Detail  string `json:"detail"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	if status == http.StatusConflict || strings.Contains(e.Error.Message, "already exists") {
		return providers.Errorf(providers.KindConflict, SourceName, "the name is taken: a repository with this slug already exists in the workspace")
	}
	return providers.Validation(SourceName, []string{e.Error.Message, e.Error.Detail})
}

// CreateRepository creates a repository with POST /repositories/{workspace}/{slug}; owner (the
// workspace) is required; the slug is the name.
func (s *Source) CreateRepository(ctx context.Context, token string, p providers.Provider, in providers.CreateInput) (*providers.Repository, error) {
	if p != providers.Bitbucket {
		return nil, s.errorf(providers.KindNotSupported, nil, "%s repositories cannot be created on Bitbucket", p)
	}
	if in.Owner == "" {
		return nil, s.errorf(providers.KindBadInput, nil, "owner is required on Bitbucket: give the workspace to create the repository in")
	}
	if in.Visibility == providers.VisibilityInternal {
		return nil, s.errorf(providers.KindBadInput, nil, "Bitbucket repositories are PUBLIC or PRIVATE: INTERNAL is not supported")
	}
	path, err := s.repositoriesPath(in.Owner, strings.ToLower(in.Name))
	if err != nil {
		return nil, err
	}
	b := map[string]any{"scm": "git", "name": in.Name, "is_private": in.Visibility != providers.VisibilityPublic}
	if in.Description != nil {
		b["description"] = *in.Description
	}
	if in.HomepageURL != nil {
		b["website"] = *in.HomepageURL
	}
	if in.HasIssuesEnabled != nil {
		b["has_issues"] = *in.HasIssuesEnabled
	}
	if in.HasWikiEnabled != nil {
		b["has_wiki"] = *in.HasWikiEnabled
	}
	return s.write(ctx, token, http.MethodPost, path, b, "may have been created",
		`repository(provider: BITBUCKET, nameWithOwner: "`+in.Owner+"/"+strings.ToLower(in.Name)+`")`)
}

// UpdateRepository changes the repository with PUT /repositories/{workspace}/{uuid} (a new name
// changes the slug); a version 2 id is looked up first to learn its workspace. Archiving is KindNotSupported: Bitbucket has none.
func (s *Source) UpdateRepository(ctx context.Context, token string, id providers.GlobalID, in providers.UpdateInput) (*providers.Repository, error) {
	if in.IsArchived != nil {
		return nil, s.errorf(providers.KindNotSupported, nil, "Bitbucket has no archiving: leave isArchived out")
	}
	if in.Visibility != nil && *in.Visibility == providers.VisibilityInternal {
		return nil, s.errorf(providers.KindBadInput, nil, "Bitbucket repositories are PUBLIC or PRIVATE: INTERNAL is not supported")
	}
	id, err := s.withPath(ctx, token, id)
	if err != nil {
		return nil, err
	}
	path, err := s.lookupPath(id)
	if err != nil {
		return nil, err
	}
	b := map[string]any{}
	if in.Name != nil {
		b["name"] = *in.Name
	}
	if in.Description != nil {
		b["description"] = *in.Description
	}
	if in.HomepageURL != nil {
		b["website"] = *in.HomepageURL
	}
	if in.Visibility != nil {
		b["is_private"] = *in.Visibility != providers.VisibilityPublic
	}
	if in.HasIssuesEnabled != nil {
		b["has_issues"] = *in.HasIssuesEnabled
	}
	if in.HasWikiEnabled != nil {
		b["has_wiki"] = *in.HasWikiEnabled
	}
	if in.DefaultBranch != nil {
		b["mainbranch"] = map[string]string{"name": *in.DefaultBranch}
	}
	return s.write(ctx, token, http.MethodPut, path, b, "may have been changed", "node(id)")
}

// DeleteRepository deletes the repository with DELETE /repositories/{workspace}/{uuid}.
func (s *Source) DeleteRepository(ctx context.Context, token string, id providers.GlobalID) (string, error) {
	id, err := s.withPath(ctx, token, id)
	if err != nil {
		return "", err
	}
	path, err := s.lookupPath(id)
	if err != nil {
		return "", err
	}
	_, err = s.client.Send(ctx, token, http.MethodDelete, path, nil, nil)
	return "", providers.Ambiguous(err, SourceName, "may have been deleted", `repository(provider: BITBUCKET, nameWithOwner: "`+id.NameWithOwner+`")`)
}

// write sends one write and converts the repository Bitbucket answers with.
func (s *Source) write(ctx context.Context, token, method, path string, body any, what, check string) (*providers.Repository, error) {
	return rest.SendRepository(ctx, s.client, token, method, path, body, func(w *repository) (providers.Repository, error) {
		r, err := convertRepository(w)
		if err != nil {
			return r, s.errorf(providers.KindBadResponse, err, "unexpected repository object")
		}
		return r, nil
	}, what, check)
}
