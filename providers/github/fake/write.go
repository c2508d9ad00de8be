package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

const (
	docsCreate = "https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user"
	docsUpdate = "https://docs.github.com/rest/repos/repos#update-a-repository"
	docsDelete = "https://docs.github.com/rest/repos/repos#delete-a-repository"
)

// writeError is a 422 answer's error entry with GitHub's custom message.
type writeFieldError struct {
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

type writeErrorBody struct {
	Message          string            `json:"message"`
	Errors           []writeFieldError `json:"errors,omitempty"`
	DocumentationURL string            `json:"documentation_url"`
}

// writeBody is the union of the create and update bodies GitHub documents.
type writeBody struct {
	Name          *string `json:"name"`
	Description   *string `json:"description"`
	Homepage      *string `json:"homepage"`
	Private       *bool   `json:"private"`
	Visibility    *string `json:"visibility"`
	HasIssues     *bool   `json:"has_issues"`
	HasWiki       *bool   `json:"has_wiki"`
	AutoInit      *bool   `json:"auto_init"`
	DefaultBranch *string `json:"default_branch"`
	Archived      *bool   `json:"archived"`
}

// SetLogin sets the authenticated user's login (GET /user, POST /user/repos's owner). Unset, it is
// the owner of the first repository served whose Affiliation is OWNER, else of the first one.
func (s *Server) SetLogin(login string) {
	s.mu.Lock()
	s.login = login
	s.mu.Unlock()
}

// viewer returns the authenticated user's login. s.mu is held.
func (s *Server) viewer() string {
	if s.login != "" {
		return s.login
	}
	for i := range s.repos {
		if s.repos[i].Affiliation == providers.AffOwner {
			owner, _ := providers.SplitPath(s.repos[i].NameWithOwner)
			return owner
		}
	}
	if len(s.repos) > 0 {
		owner, _ := providers.SplitPath(s.repos[0].NameWithOwner)
		return owner
	}
	return "octocat"
}

// serveWrite answers the write endpoints and the lookups writes need, nil for other requests:
// GET /user, GET /repositories/{id}, POST /user/repos, POST /orgs/{org}/repos (an org is an owner
// of a served repository other than the user; others 404), PATCH and DELETE /repos/{owner}/{repo}.
// Writes change the list served at once.
func (s *Server) serveWrite(r *http.Request, segs []string) *answer {
	switch {
	case r.Method == http.MethodGet && len(segs) == 1 && segs[0] == "user":
		s.mu.Lock()
		login := s.viewer()
		s.mu.Unlock()
		return jsonAnswer(http.StatusOK, map[string]any{"login": login, "id": numericID("user:" + login), "type": "User"})
	case r.Method == http.MethodGet && len(segs) == 2 && segs[0] == "repositories":
		s.mu.Lock()
		repos := findable(s.repos, s.others)
		s.mu.Unlock()
		for i := range repos {
			if strconv.FormatInt(numericID(repos[i].ForgeID), 10) == segs[1] {
				owner, name := providers.SplitPath(repos[i].NameWithOwner)
				return s.get(r, repos, url.PathEscape(owner), url.PathEscape(name))
			}
		}
		return errorAnswer(http.StatusNotFound, "Not Found", docsGet)
	case r.Method == http.MethodPost && len(segs) == 2 && segs[0] == "user" && segs[1] == "repos":
		return s.create(r, "")
	case r.Method == http.MethodPost && len(segs) == 3 && segs[0] == "orgs" && segs[2] == "repos":
		org, err := url.PathUnescape(segs[1])
		if err != nil {
			return errorAnswer(http.StatusNotFound, "Not Found", docsCreate)
		}
		return s.create(r, org)
	case (r.Method == http.MethodPatch || r.Method == http.MethodDelete) && len(segs) == 3 && segs[0] == "repos":
		return s.change(r, segs[1], segs[2])
	}
	return nil
}

// validName reports whether GitHub accepts name as a repository name.
func validName(name string) bool {
	if name == "" || name == "." || name == ".." || len(name) > 100 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func readBody(r *http.Request) (writeBody, bool) {
	var b writeBody
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || (len(raw) > 0 && json.Unmarshal(raw, &b) != nil) {
		return b, false
	}
	return b, true
}

func failed(msg, field, code, text, docs string) *answer {
	return jsonAnswer(http.StatusUnprocessableEntity, writeErrorBody{Message: msg, DocumentationURL: docs,
		Errors: []writeFieldError{{Resource: "Repository", Field: field, Code: code, Message: text}}})
}

// taken reports whether repos hold owner/name (ignoring case) other than except. s.mu is held.
func taken(repos []providers.Repository, full, exceptID string) bool {
	for i := range repos {
		if strings.EqualFold(repos[i].NameWithOwner, full) && repos[i].ForgeID != exceptID {
			return true
		}
	}
	return false
}

// create answers POST /user/repos (org "") and POST /orgs/{org}/repos: 201 with the repository.
func (s *Server) create(r *http.Request, org string) *answer {
	b, ok := readBody(r)
	if !ok {
		return errorAnswer(http.StatusBadRequest, "Problems parsing JSON", docsCreate)
	}
	if b.Name == nil || !validName(*b.Name) {
		return failed("Repository creation failed.", "name", "custom", "name is invalid", docsCreate)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := s.viewer()
	if org != "" {
		found := false
		for i := range s.repos {
			if o, _ := providers.SplitPath(s.repos[i].NameWithOwner); strings.EqualFold(o, org) && !strings.EqualFold(o, owner) {
				found, org = true, o
				break
			}
		}
		if !found {
			return errorAnswer(http.StatusNotFound, "Not Found", docsCreate)
		}
		owner = org
	}
	full := owner + "/" + *b.Name
	if taken(s.repos, full, "") {
		return failed("Repository creation failed.", "name", "custom", "name already exists on this account", docsCreate)
	}
	var next int64
	for i := range s.repos {
		next = max(next, numericID(s.repos[i].ForgeID))
	}
	now := s.now().UTC().Truncate(1e9)
	private := b.Private != nil && *b.Private || b.Visibility != nil && *b.Visibility != "public"
	html := "https://github.com/" + full
	repo := providers.Repository{ForgeID: strconv.FormatInt(next+1, 10), Provider: providers.GitHub, Name: *b.Name,
		NameWithOwner: full, Owner: owner, Description: b.Description, URL: &html, IsPrivate: private,
		IsFork: new(bool), IsArchived: new(bool), StargazerCount: new(int), ForkCount: new(int),
		CreatedAt: &now, UpdatedAt: &now, PushedAt: &now}
	d := RepoDetails{HasIssues: b.HasIssues == nil || *b.HasIssues, HasWiki: b.HasWiki == nil || *b.HasWiki,
		Permission: "admin", Personal: org == "", Languages: map[string]int64{}}
	if b.Homepage != nil {
		d.Homepage = *b.Homepage
	}
	if b.AutoInit != nil && *b.AutoInit {
		main := "main"
		repo.DefaultBranch = &main
		d.Branches = []string{main}
	}
	s.repos = append(append([]providers.Repository(nil), s.repos...), repo)
	s.details.Set(full, d)
	_, api := origin(r)
	w := toWire(&repo, api)
	s.withDetails(&w, d, nil, api, true)
	return jsonAnswer(http.StatusCreated, w)
}

// change answers PATCH (200 with the repository) and DELETE (204) /repos/{owner}/{repo}.
func (s *Server) change(r *http.Request, ownerSeg, repoSeg string) *answer {
	b, ok := readBody(r)
	if !ok {
		return errorAnswer(http.StatusBadRequest, "Problems parsing JSON", docsUpdate)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := find(s.repos, ownerSeg, repoSeg)
	if cur == nil {
		return errorAnswer(http.StatusNotFound, "Not Found", docsUpdate)
	}
	oldKey := strings.ToLower(cur.NameWithOwner)
	d, known := s.details[oldKey]
	if !known {
		d = DemoDetails(cur)
	}
	repos := make([]providers.Repository, 0, len(s.repos))
	if r.Method == http.MethodDelete {
		if d.Permission != "" && d.Permission != "admin" {
			return errorAnswer(http.StatusForbidden, "Must have admin rights to Repository.", docsDelete)
		}
		for i := range s.repos {
			if s.repos[i].ForgeID != cur.ForgeID {
				repos = append(repos, s.repos[i])
			}
		}
		s.repos = repos
		delete(s.details, oldKey)
		return &answer{status: http.StatusNoContent, header: http.Header{}}
	}
	c := *cur
	if b.Name != nil && *b.Name != c.Name {
		if !validName(*b.Name) {
			return failed("Validation Failed", "name", "custom", "name is invalid", docsUpdate)
		}
		owner, _ := providers.SplitPath(c.NameWithOwner)
		if taken(s.repos, owner+"/"+*b.Name, c.ForgeID) {
			return failed("Validation Failed", "name", "custom", "name already exists on this account", docsUpdate)
		}
		c.Name, c.NameWithOwner = *b.Name, owner+"/"+*b.Name
		html := "https://github.com/" + c.NameWithOwner
		c.URL = &html
	}
	if b.Description != nil {
		c.Description = b.Description
	}
	if b.Private != nil {
		c.IsPrivate = *b.Private
	}
	if b.Visibility != nil {
		c.IsPrivate = *b.Visibility != "public"
	}
	if b.Archived != nil {
		c.IsArchived = b.Archived
	}
	if b.DefaultBranch != nil {
		c.DefaultBranch = b.DefaultBranch
	}
	if b.Homepage != nil {
		d.Homepage = *b.Homepage
	}
	if b.HasIssues != nil {
		d.HasIssues = *b.HasIssues
	}
	if b.HasWiki != nil {
		d.HasWiki = *b.HasWiki
	}
	now := s.now().UTC().Truncate(1e9)
	c.UpdatedAt = &now
	for i := range s.repos {
		if s.repos[i].ForgeID == c.ForgeID {
			repos = append(repos, c)
		} else {
			repos = append(repos, s.repos[i])
		}
	}
	s.repos = repos
	delete(s.details, oldKey)
	s.details.Set(c.NameWithOwner, d)
	_, api := origin(r)
	w := toWire(&c, api)
	s.withDetails(&w, d, nil, api, true)
	return jsonAnswer(http.StatusOK, w)
}
