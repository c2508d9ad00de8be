package codearts

// This file is how CodeArts writes, through the v1 API its reference documents: create with
// POST /v1/repositories (CreateRepository, in a project named by its UUID) and delete with
// DELETE /v1/repositories/{repository_uuid} (DeleteRepository). The reference documents no rename,
// archive or change of a repository's description or settings, so updates are NOT_SUPPORTED.

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

var _ providers.Writer = (*Source)(nil)

// createPath is CreateRepository's path.
const createPath = "/v1/repositories"

// envelope is the body of a v1 write's answer: {"result": ..., "status": "success"|"failed",
// "error": {"code", "message"}}.
type envelope struct {
	Result json.RawMessage `json:"result"`
	Status string          `json:"status"`
	Error  json.RawMessage `json:"error"`
}

// failure returns the forge's words when the answer reports a failure despite its success status;
// "" when it does not.
func (e *envelope) failure() string {
	msg := v2ErrorMessage(e.Error)
	if msg == "" && strings.EqualFold(e.Status, "failed") {
		msg = "status failed"
	}
	return msg
}

// classify is the error of a write CodeArts refused, from its words (error_msg or error.message,
// with the code): a name that exists is KindConflict, a missing repository or project
// KindNotFound, a permission KindForbidden, anything else KindBadInput with the forge's reason.
func classify(status int, msg string) *providers.Error {
	m := strings.ToLower(msg)
	switch {
	case status == http.StatusConflict || strings.Contains(m, "already exist") || strings.Contains(m, "name exists") ||
		strings.Contains(msg, "已存在") || strings.Contains(msg, "重名"):
		return providers.Errorf(providers.KindConflict, SourceName, "the name is taken: a repository with that name already exists in the project")
	case strings.Contains(m, "not exist") || strings.Contains(m, "not found"):
		return providers.Errorf(providers.KindNotFound, SourceName, "not found: the forge says %s", msg)
	case strings.Contains(m, "permission") || strings.Contains(m, "forbidden") || strings.Contains(m, "no right"):
		return providers.Errorf(providers.KindForbidden, SourceName, "access denied: the forge says %s", msg)
	}
	return providers.Validation(SourceName, []string{msg})
}

// writeError is the rest.Client hook for a write answered 400, 409 or 422: classify of the
// message in either documented error body.
func writeError(status int, body []byte) *providers.Error {
	return classify(status, errorMessage(body))
}

// CreateRepository creates a repository with POST /v1/repositories in the project in.Owner names
// (its 32-character UUID; on v4 also its name, looked up in the list's project_name), then reads
// it back as the list shows it. Visibility is PUBLIC (visibility_level 20, public read-only) or
// PRIVATE (0); INTERNAL is KindBadInput. AutoInit is enable_readme, GitignoreTemplate gitignore_id
// (a language), LicenseTemplate license_id (CodeArts' license number, e.g. "1" for Apache 2.0);
// homepageUrl, hasIssuesEnabled and hasWikiEnabled, which the API lacks, are KindNotSupported. All
// of these are checked before any request. The POST is sent once; a timeout or 5xx says the
// outcome is unknown.
func (s *Source) CreateRepository(ctx context.Context, token string, p providers.Provider, in providers.CreateInput) (*providers.Repository, error) {
	if p != providers.CodeArts {
		return nil, s.errorf(providers.KindNotSupported, "%s repositories cannot be created on CodeArts", p)
	}
	body, err := s.createBody(in)
	if err != nil {
		return nil, err
	}
	project, err := s.projectUUID(ctx, token, in.Owner)
	if err != nil {
		return nil, err
	}
	body["project_uuid"] = project
	// A repository created by project UUID sits at the project's top level: {project_uuid}/{name}.
	check := `repository(provider: CODEARTS, nameWithOwner: "` + project + "/" + in.Name + `")`
	var ans envelope
	resp, err := s.client.Send(ctx, token, http.MethodPost, createPath, body, &ans)
	if err != nil {
		return nil, providers.Ambiguous(err, SourceName, "may have been created", check)
	}
	if msg := ans.failure(); msg != "" {
		return nil, classify(resp.Status, msg)
	}
	var res struct {
		UUID string `json:"repository_uuid"`
	}
	if json.Unmarshal(ans.Result, &res) != nil || !isUUID(res.UUID) {
		return nil, providers.Ambiguous(s.errorf(providers.KindBadResponse, "the answer names no repository_uuid"), SourceName, "may have been created", check)
	}
	repo, err := s.created(ctx, token, res.UUID)
	if err != nil {
		e := providers.AsError(err, SourceName)
		c := *e
		c.Msg = "the repository was created (CodeArts UUID " + res.UUID + ") but reading it back failed: check with " + check + " (" + e.Msg + ")"
		c.Err = nil
		return nil, &c
	}
	return repo, nil
}

// createBody is CreateRepository's body from in, without project_uuid, or the KindBadInput or
// KindNotSupported error of a field CodeArts cannot take.
func (s *Source) createBody(in providers.CreateInput) (map[string]any, error) {
	var missing []string
	if in.HomepageURL != nil {
		missing = append(missing, "homepageUrl")
	}
	if in.HasIssuesEnabled != nil {
		missing = append(missing, "hasIssuesEnabled")
	}
	if in.HasWikiEnabled != nil {
		missing = append(missing, "hasWikiEnabled")
	}
	if len(missing) > 0 {
		return nil, s.errorf(providers.KindNotSupported, "CodeArts' create API has no %s: leave it out", strings.Join(missing, ", "))
	}
	b := map[string]any{"name": in.Name}
	switch in.Visibility {
	case providers.VisibilityPublic:
		b["visibility_level"] = 20
	case providers.VisibilityPrivate:
		b["visibility_level"] = 0
	default:
		return nil, s.errorf(providers.KindBadInput, "CodeArts repositories are PUBLIC (read-only to others) or PRIVATE: %s is not supported here", in.Visibility)
	}
	if in.Description != nil {
		b["description"] = *in.Description
	}
	if in.AutoInit != nil {
		b["enable_readme"] = map[bool]int{false: 0, true: 1}[*in.AutoInit]
	}
	if in.GitignoreTemplate != nil {
		b["gitignore_id"] = *in.GitignoreTemplate
	}
	if in.LicenseTemplate != nil {
		n, err := strconv.Atoi(strings.TrimSpace(*in.LicenseTemplate))
		if err != nil || n < 1 {
			return nil, s.errorf(providers.KindBadInput, "licenseTemplate %q: CodeArts takes its own license number (license_id, e.g. \"1\" for Apache License 2.0; see CreateRepository in its API reference)", *in.LicenseTemplate)
		}
		b["license_id"] = n
	}
	return b, nil
}

// UpdateRepository is KindNotSupported, before any request: CodeArts Repo's API reference
// documents no rename, archive, or change of a repository's description, visibility or settings
// (its only repository PUT, template-status, publishes a repository as a code template).
func (s *Source) UpdateRepository(context.Context, string, providers.GlobalID, providers.UpdateInput) (*providers.Repository, error) {
	return nil, &providers.Error{Kind: providers.KindNotSupported, Source: SourceName,
		Msg: "CodeArts Repo's API has no rename, archive or change of a repository's fields (only create and delete): change it in the CodeArts console", Err: providers.ErrNoWriter}
}

// DeleteRepository deletes id's repository with DELETE /v1/repositories/{repository_uuid}, the
// UUID read from the list item of id's forge id (see repositoryUUID). The DELETE is sent once; a
// timeout or 5xx says the outcome is unknown; an answer reporting a failure is classified like a
// refused write.
func (s *Source) DeleteRepository(ctx context.Context, token string, id providers.GlobalID) (string, error) {
	if id.ForgeID == "" {
		return "", s.errorf(providers.KindNotFound, "%s has no CodeArts repository id", id)
	}
	uuid, err := s.repositoryUUID(ctx, token, id.ForgeID)
	if err != nil {
		return "", err
	}
	p, err := s.client.Path(createPath, uuid)
	if err != nil {
		return "", err
	}
	var ans envelope
	resp, err := s.client.Send(ctx, token, http.MethodDelete, p, nil, &ans)
	if err != nil {
		return "", providers.Ambiguous(err, SourceName, "may have been deleted", `repository(provider: CODEARTS, nameWithOwner: "`+id.NameWithOwner+`")`)
	}
	if msg := ans.failure(); msg != "" {
		return "", classify(resp.Status, msg)
	}
	return "", nil
}
