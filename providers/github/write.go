package github

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

var _ providers.Writer = (*Source)(nil)

// lookupPath is the path that reads repository id: /repositories/{id} when id has a numeric forge
// id (stable across renames and transfers), else /repos/{owner}/{repo}. A malformed path (a
// version 1 id's or Query.repository's) is KindBadInput, even with a forge id; an id with neither a
// numeric forge id nor a path is KindNotFound.
func (s *Source) lookupPath(id providers.GlobalID) (string, error) {
	byPath := ""
	if id.NameWithOwner != "" || id.ForgeID == "" {
		p, err := s.repoPath(id.NameWithOwner) // a crafted path is refused even with an id
		if err != nil {
			return "", err
		}
		byPath = p
	}
	if providers.IsNumericID(id.ForgeID) {
		return s.client.Path("/repositories", id.ForgeID)
	}
	if byPath == "" {
		return "", providers.Errorf(providers.KindNotFound, SourceName, "%s is not a GitHub repository id (GitHub ids are numbers)", id)
	}
	return byPath, nil
}

// createBody is POST /user/repos' and POST /orgs/{org}/repos' body.
type createBody struct {
	Name              string  `json:"name"`
	Description       *string `json:"description,omitempty"`
	Homepage          *string `json:"homepage,omitempty"`
	Private           bool    `json:"private"`
	Visibility        string  `json:"visibility,omitempty"`
	HasIssues         *bool   `json:"has_issues,omitempty"`
	HasWiki           *bool   `json:"has_wiki,omitempty"`
	AutoInit          *bool   `json:"auto_init,omitempty"`
	GitignoreTemplate *string `json:"gitignore_template,omitempty"`
	LicenseTemplate   *string `json:"license_template,omitempty"`
}

// updateBody is PATCH /repos/{owner}/{repo}'s body; nil fields are not sent.
type updateBody struct {
	Name          *string `json:"name,omitempty"`
	Description   *string `json:"description,omitempty"`
	Homepage      *string `json:"homepage,omitempty"`
	Private       *bool   `json:"private,omitempty"`
	Visibility    *string `json:"visibility,omitempty"`
	HasIssues     *bool   `json:"has_issues,omitempty"`
	HasWiki       *bool   `json:"has_wiki,omitempty"`
	DefaultBranch *string `json:"default_branch,omitempty"`
	Archived      *bool   `json:"archived,omitempty"`
}

// writeError classifies a failed write: GitHub's 422 "name already exists" is KindConflict, other
// 422s KindBadInput with the reasons of its errors[] (message, else field and code), bounded.
func writeError(status int, body []byte) *providers.Error {
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Field   string `json:"field"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(body, &e)
	var reasons []string
	for _, fe := range e.Errors {
		if strings.Contains(strings.ToLower(fe.Message), "already exists") || fe.Code == "already_exists" {
			return providers.Errorf(providers.KindConflict, SourceName, "the name is taken: a repository with that name already exists in this account or organization")
		}
		switch {
		case fe.Message != "":
			reasons = append(reasons, fe.Message)
		case fe.Field != "":
			reasons = append(reasons, fe.Field+" is "+strings.ReplaceAll(fe.Code, "_", " "))
		}
	}
	if status == http.StatusConflict {
		return providers.Errorf(providers.KindConflict, SourceName, "conflict (HTTP 409): the repository is in a state that does not allow this")
	}
	return providers.Validation(SourceName, reasons)
}

// CreateRepository creates a repository with POST /user/repos (owner "" or the viewer's login,
// read with GET /user) or POST /orgs/{owner}/repos. INTERNAL visibility needs an organization.
func (s *Source) CreateRepository(ctx context.Context, token string, p providers.Provider, in providers.CreateInput) (*providers.Repository, error) {
	if p != providers.GitHub {
		return nil, providers.Errorf(providers.KindNotSupported, SourceName, "%s repositories cannot be created on GitHub", p)
	}
	path := "/user/repos"
	if in.Owner != "" {
		me, err := s.viewer(ctx, token)
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(me, in.Owner) {
			if path, err = s.client.Path("/orgs", in.Owner, "repos"); err != nil {
				return nil, err
			}
		}
	}
	b := createBody{Name: in.Name, Description: in.Description, Homepage: in.HomepageURL, Private: in.Visibility != providers.VisibilityPublic,
		HasIssues: in.HasIssuesEnabled, HasWiki: in.HasWikiEnabled, AutoInit: in.AutoInit,
		GitignoreTemplate: in.GitignoreTemplate, LicenseTemplate: in.LicenseTemplate}
	if in.Visibility == providers.VisibilityInternal {
		if path == "/user/repos" {
			return nil, providers.Errorf(providers.KindBadInput, SourceName, "INTERNAL visibility needs an organization: give owner")
		}
		b.Visibility = "internal"
	}
	owner := in.Owner
	if owner == "" {
		owner = "<your login>"
	}
	check := `repository(provider: GITHUB, nameWithOwner: "` + owner + "/" + in.Name + `")`
	return s.write(ctx, token, http.MethodPost, path, b, "may have been created", check)
}

// UpdateRepository reads the repository's current path by its id (GET /repositories/{id}), then
// changes it with PATCH /repos/{owner}/{repo} (archived included).
func (s *Source) UpdateRepository(ctx context.Context, token string, id providers.GlobalID, in providers.UpdateInput) (*providers.Repository, error) {
	cur, err := s.Repository(ctx, token, id)
	if err != nil {
		return nil, err
	}
	path, err := s.repoPath(cur.NameWithOwner)
	if err != nil {
		return nil, err
	}
	b := updateBody{Name: in.Name, Description: in.Description, Homepage: in.HomepageURL, HasIssues: in.HasIssuesEnabled,
		HasWiki: in.HasWikiEnabled, DefaultBranch: in.DefaultBranch, Archived: in.IsArchived}
	if in.Visibility != nil {
		v := strings.ToLower(string(*in.Visibility))
		b.Visibility = &v
	}
	check := `node(id) or repository(provider: GITHUB, nameWithOwner: "` + cur.NameWithOwner + `")`
	return s.write(ctx, token, http.MethodPatch, path, b, "may have been changed", check)
}

// DeleteRepository deletes id's repository with DELETE /repos/{owner}/{repo}, id's path being its
// current one (the resolver confirmed it).
func (s *Source) DeleteRepository(ctx context.Context, token string, id providers.GlobalID) (string, error) {
	path, err := s.repoPath(id.NameWithOwner)
	if err != nil {
		return "", err
	}
	_, err = s.client.Send(ctx, token, http.MethodDelete, path, nil, nil)
	check := `repository(provider: GITHUB, nameWithOwner: "` + id.NameWithOwner + `")`
	return "", providers.Ambiguous(err, SourceName, "may have been deleted", check)
}

// write sends one write with body and converts the repository GitHub answers with.
func (s *Source) write(ctx context.Context, token, method, path string, body any, what, check string) (*providers.Repository, error) {
	return rest.SendRepository(ctx, s.client, token, method, path, body, func(w *repository) (providers.Repository, error) {
		r, err := convertRepository(w)
		r.Details = convertDetails(&w.detailFields, w.Private, allFields)
		return r, err
	}, what, check)
}
