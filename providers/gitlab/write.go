package gitlab

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

var _ providers.Writer = (*Source)(nil)

// createBody is POST /projects' body.
type createBody struct {
	Name                 string  `json:"name"`
	Path                 string  `json:"path"`
	NamespaceID          *int64  `json:"namespace_id,omitempty"`
	Description          *string `json:"description,omitempty"`
	Visibility           string  `json:"visibility"`
	IssuesEnabled        *bool   `json:"issues_enabled,omitempty"`
	WikiEnabled          *bool   `json:"wiki_enabled,omitempty"`
	InitializeWithReadme *bool   `json:"initialize_with_readme,omitempty"`
}

// updateBody is PUT /projects/:id's body; a rename changes both name and path.
type updateBody struct {
	Name          *string `json:"name,omitempty"`
	Path          *string `json:"path,omitempty"`
	Description   *string `json:"description,omitempty"`
	Visibility    *string `json:"visibility,omitempty"`
	IssuesEnabled *bool   `json:"issues_enabled,omitempty"`
	WikiEnabled   *bool   `json:"wiki_enabled,omitempty"`
	DefaultBranch *string `json:"default_branch,omitempty"`
}

// writeError classifies GitLab's 400/409/422 of a write: "has already been taken" is KindConflict,
// other attribute messages ({"message": {"path": ["..."]}}) KindBadInput with "attribute message".
func writeError(status int, body []byte) *providers.Error {
	var e struct {
		Message json.RawMessage `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	var byField map[string][]string
	var reasons []string
	if json.Unmarshal(e.Message, &byField) == nil {
		fields := make([]string, 0, len(byField))
		for f := range byField {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			for _, m := range byField[f] {
				if strings.Contains(m, "already been taken") {
					return providers.Errorf(providers.KindConflict, SourceName, "the name is taken: %s %s", f, m)
				}
				reasons = append(reasons, f+" "+m)
			}
		}
	} else if msg := flatten(e.Message); msg != "" {
		if strings.Contains(msg, "already been taken") {
			return providers.Errorf(providers.KindConflict, SourceName, "the name is taken")
		}
		reasons = append(reasons, msg)
	}
	if status == http.StatusConflict {
		return providers.Errorf(providers.KindConflict, SourceName, "conflict (HTTP 409)")
	}
	return providers.Validation(SourceName, reasons)
}

// CreateRepository creates a project with POST /projects: in owner's namespace (its id read with
// GET /namespaces/{path}), in the user's own namespace when owner is "".
func (s *Source) CreateRepository(ctx context.Context, token string, p providers.Provider, in providers.CreateInput) (*providers.Repository, error) {
	if p != providers.GitLab {
		return nil, providers.Errorf(providers.KindNotSupported, SourceName, "%s repositories cannot be created on GitLab", p)
	}
	b := createBody{Name: in.Name, Path: in.Name, Description: in.Description, Visibility: strings.ToLower(string(in.Visibility)),
		IssuesEnabled: in.HasIssuesEnabled, WikiEnabled: in.HasWikiEnabled, InitializeWithReadme: in.AutoInit}
	if in.Owner != "" {
		path, err := s.client.NestedPath("/namespaces", in.Owner)
		if err != nil {
			return nil, err
		}
		var ns struct {
			ID int64 `json:"id"`
		}
		if _, err := s.client.Do(ctx, token, &rest.Request{Method: http.MethodGet, Path: path}, &ns); err != nil {
			return nil, err
		}
		b.NamespaceID = &ns.ID
	}
	owner := in.Owner
	if owner == "" {
		owner = "<your username>"
	}
	check := `repository(provider: GITLAB, nameWithOwner: "` + owner + "/" + in.Name + `")`
	return s.write(ctx, token, http.MethodPost, "/projects", b, "may have been created", check)
}

// UpdateRepository changes the project with PUT /projects/:id (a rename sets name and path) and
// archives or unarchives it with POST /projects/:id/archive or /unarchive.
func (s *Source) UpdateRepository(ctx context.Context, token string, id providers.GlobalID, in providers.UpdateInput) (*providers.Repository, error) {
	path, err := s.projectPath(id)
	if err != nil {
		return nil, err
	}
	check := "node(id)"
	var out *providers.Repository
	u := in
	u.IsArchived = nil
	if !u.Empty() {
		b := updateBody{Name: in.Name, Path: in.Name, Description: in.Description, IssuesEnabled: in.HasIssuesEnabled,
			WikiEnabled: in.HasWikiEnabled, DefaultBranch: in.DefaultBranch}
		if in.Visibility != nil {
			v := strings.ToLower(string(*in.Visibility))
			b.Visibility = &v
		}
		if in.HomepageURL != nil {
			return nil, providers.Errorf(providers.KindNotSupported, SourceName, "GitLab projects have no homepage: leave homepageUrl out")
		}
		if out, err = s.write(ctx, token, http.MethodPut, path, b, "may have been changed", check); err != nil {
			return nil, err
		}
	}
	if in.IsArchived != nil {
		op := "/unarchive"
		if *in.IsArchived {
			op = "/archive"
		}
		if out, err = s.write(ctx, token, http.MethodPost, path+op, nil, "may have been changed", check); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteRepository deletes the project with DELETE /projects/:id. GitLab answers 202 Accepted and
// may delete later (delayed deletion): the note says so.
func (s *Source) DeleteRepository(ctx context.Context, token string, id providers.GlobalID) (string, error) {
	path, err := s.projectPath(id)
	if err != nil {
		return "", err
	}
	if _, err := s.client.Send(ctx, token, http.MethodDelete, path, nil, nil); err != nil {
		return "", providers.Ambiguous(err, SourceName, "may have been deleted", `repository(provider: GITLAB, nameWithOwner: "`+id.NameWithOwner+`")`)
	}
	return "GitLab accepted the deletion; with delayed deletion it happens later (" + strconv.Quote(id.NameWithOwner) + " is marked for deletion meanwhile)", nil
}

// write sends one write and converts the project GitLab answers with.
func (s *Source) write(ctx context.Context, token, method, path string, body any, what, check string) (*providers.Repository, error) {
	return rest.SendRepository(ctx, s.client, token, method, path, body, func(p *project) (providers.Repository, error) {
		r, err := convertProject(p)
		r.Details = convertDetails(p, true, false)
		return r, err
	}, what, check)
}
