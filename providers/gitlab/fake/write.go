package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// writeBody is the union of POST /projects' and PUT /projects/:id's attributes the fake knows.
type writeBody struct {
	Name                 *string `json:"name"`
	Path                 *string `json:"path"`
	NamespaceID          *int64  `json:"namespace_id"`
	Description          *string `json:"description"`
	Visibility           *string `json:"visibility"`
	IssuesEnabled        *bool   `json:"issues_enabled"`
	WikiEnabled          *bool   `json:"wiki_enabled"`
	DefaultBranch        *string `json:"default_branch"`
	InitializeWithReadme *bool   `json:"initialize_with_readme"`
}

// namespaceID is the id of the namespace at path.
func namespaceID(path string) int64 { return hashID("namespace\x00" + strings.ToLower(path)) }

// userNamespace is the token holder's own namespace: Username, else the owner of the first
// project whose Affiliation is OWNER, else of the first project. s.mu is held.
func (s *Server) userNamespace() string {
	if s.Username != "" {
		return s.Username
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
	return "me"
}

// namespaces are the paths of the namespaces the holder can create projects in: its own and the
// groups of its projects. s.mu is held.
func (s *Server) namespaces() map[int64]string {
	m := map[int64]string{}
	for i := range s.repos {
		owner, _ := providers.SplitPath(s.repos[i].NameWithOwner)
		m[namespaceID(owner)] = owner
	}
	u := s.userNamespace()
	m[namespaceID(u)] = u
	return m
}

// serveWrite answers GET /namespaces/:id, POST /projects, PUT and DELETE /projects/:id and POST
// /projects/:id/archive and /unarchive; it reports false for other requests. Writes change the
// projects served at once. DELETE answers 202 and deletes at once.
func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && len(segs) == 1 && segs[0] == "user":
		s.mu.Lock()
		user := s.userNamespace()
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"id": namespaceID(user), "username": user, "name": user, "state": "active"})
		return true
	case r.Method == http.MethodGet && len(segs) == 2 && segs[0] == "namespaces":
		p, _ := url.PathUnescape(segs[1])
		s.mu.Lock()
		ns := s.namespaces()
		user := s.userNamespace()
		s.mu.Unlock()
		for id, full := range ns {
			if strings.EqualFold(full, p) || strconv.FormatInt(id, 10) == p {
				kind := "group"
				if full == user {
					kind = "user"
				}
				writeJSON(w, http.StatusOK, map[string]any{"id": id, "path": full[strings.LastIndex(full, "/")+1:], "full_path": full, "kind": kind})
				return true
			}
		}
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Namespace Not Found"})
		return true
	case r.Method == http.MethodPost && len(segs) == 1 && segs[0] == "projects":
		s.create(w, r)
		return true
	case (r.Method == http.MethodPut || r.Method == http.MethodDelete) && len(segs) == 2 && segs[0] == "projects",
		r.Method == http.MethodPost && len(segs) == 3 && segs[0] == "projects" && (segs[2] == "archive" || segs[2] == "unarchive"):
		s.change(w, r, segs)
		return true
	}
	return false
}

func readBody(r *http.Request) (writeBody, bool) {
	var b writeBody
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || (len(raw) > 0 && json.Unmarshal(raw, &b) != nil) {
		return b, false
	}
	return b, true
}

// validPath reports whether GitLab accepts p as a project path.
func validPath(p string) bool {
	if p == "" || len(p) > 255 || strings.HasPrefix(p, "-") || strings.HasSuffix(p, ".git") {
		return false
	}
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// badRequest is GitLab's 400 answer with messages by attribute.
func badRequest(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"message": map[string][]string{field: {msg}}})
}

// taken reports whether a project other than exceptID has full path full. s.mu is held.
func (s *Server) taken(full, exceptID string) bool {
	for i := range s.repos {
		if strings.EqualFold(s.repos[i].NameWithOwner, full) && s.repos[i].ForgeID != exceptID {
			return true
		}
	}
	return false
}

// create answers POST /projects: 201 with the project.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	b, ok := readBody(r)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON"})
		return
	}
	path := ""
	if b.Path != nil {
		path = *b.Path
	} else if b.Name != nil {
		path = *b.Name
	}
	if !validPath(path) {
		badRequest(w, "path", "can contain only letters, digits, '_', '-' and '.'")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := s.userNamespace()
	if b.NamespaceID != nil {
		var ok bool
		if owner, ok = s.namespaces()[*b.NamespaceID]; !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Namespace Not Found"})
			return
		}
	}
	full := owner + "/" + path
	if s.taken(full, "") {
		badRequest(w, "path", "has already been taken")
		return
	}
	var next int64
	for i := range s.repos {
		next = max(next, projectID(&s.repos[i]))
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	name := path
	if b.Name != nil {
		name = *b.Name
	}
	private := b.Visibility == nil || *b.Visibility != "public"
	repo := providers.Repository{ForgeID: strconv.FormatInt(next+1, 10), Provider: providers.GitLab, Name: name,
		NameWithOwner: full, Owner: owner, Description: b.Description, IsPrivate: private,
		IsFork: new(bool), IsArchived: new(bool), StargazerCount: new(int), ForkCount: new(int),
		CreatedAt: &now, UpdatedAt: &now, PushedAt: &now}
	d := RepoDetails{IssuesEnabled: b.IssuesEnabled == nil || *b.IssuesEnabled, WikiEnabled: b.WikiEnabled == nil || *b.WikiEnabled,
		Internal: b.Visibility != nil && *b.Visibility == "internal", AccessLevel: 50, Languages: map[string]float64{}}
	if b.InitializeWithReadme != nil && *b.InitializeWithReadme {
		main := "main"
		repo.DefaultBranch = &main
		d.Branches = []string{main}
	}
	s.repos = append(append([]providers.Repository(nil), s.repos...), repo)
	s.details.Set(full, d)
	s.reply(w, http.StatusCreated, &repo, d)
}

// reply writes repo with details d. s.mu is held.
func (s *Server) reply(w http.ResponseWriter, status int, repo *providers.Repository, d RepoDetails) {
	p := toWire(repo)
	p.IssuesEnabled, p.WikiEnabled = &d.IssuesEnabled, &d.WikiEnabled
	if d.Internal && repo.IsPrivate {
		p.Visibility = "internal"
	}
	writeJSON(w, status, p)
}

// change answers PUT /projects/:id (200), DELETE /projects/:id (202) and POST
// /projects/:id/archive and /unarchive (201).
func (s *Server) change(w http.ResponseWriter, r *http.Request, segs []string) {
	b, ok := readBody(r)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := -1
	id, _ := url.PathUnescape(segs[1])
	n, numErr := strconv.ParseInt(id, 10, 64)
	for i := range s.repos {
		if (numErr == nil && projectID(&s.repos[i]) == n) || (numErr != nil && strings.EqualFold(s.repos[i].NameWithOwner, id)) {
			idx = i
		}
	}
	if idx < 0 {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Project Not Found"})
		return
	}
	c := s.repos[idx]
	oldKey := strings.ToLower(c.NameWithOwner)
	d, known := s.details[oldKey]
	if !known {
		d = DemoDetails(&c)
	}
	repos := append([]providers.Repository(nil), s.repos[:idx]...)
	if r.Method == http.MethodDelete {
		s.repos = append(repos, s.repos[idx+1:]...)
		delete(s.details, oldKey)
		writeJSON(w, http.StatusAccepted, map[string]string{"message": "202 Accepted"})
		return
	}
	status := http.StatusOK
	switch {
	case len(segs) == 3 && segs[2] == "archive":
		c.IsArchived, status = ptrBool(true), http.StatusCreated
	case len(segs) == 3 && segs[2] == "unarchive":
		c.IsArchived, status = ptrBool(false), http.StatusCreated
	default:
		owner, _ := providers.SplitPath(c.NameWithOwner)
		if b.Path != nil && *b.Path != pathOf(&c) {
			if !validPath(*b.Path) {
				badRequest(w, "path", "can contain only letters, digits, '_', '-' and '.'")
				return
			}
			if s.taken(owner+"/"+*b.Path, c.ForgeID) {
				badRequest(w, "path", "has already been taken")
				return
			}
			c.NameWithOwner = owner + "/" + *b.Path
			c.URL = nil
		}
		if b.Name != nil {
			c.Name = *b.Name
		}
		if b.Description != nil {
			c.Description = b.Description
		}
		if b.Visibility != nil {
			c.IsPrivate = *b.Visibility != "public"
			d.Internal = *b.Visibility == "internal"
		}
		if b.IssuesEnabled != nil {
			d.IssuesEnabled = *b.IssuesEnabled
		}
		if b.WikiEnabled != nil {
			d.WikiEnabled = *b.WikiEnabled
		}
		if b.DefaultBranch != nil {
			c.DefaultBranch = b.DefaultBranch
		}
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	c.UpdatedAt = &now
	s.repos = append(append(repos, c), s.repos[idx+1:]...)
	delete(s.details, oldKey)
	s.details.Set(c.NameWithOwner, d)
	s.reply(w, status, &c, d)
}

func ptrBool(v bool) *bool { return &v }
