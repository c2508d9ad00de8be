// Package fake is an in-memory Gitea API v1 serving what forgegraph's Gitea source reads, the way
// Gitea documents it: access tokens in "Authorization: token …" (or Bearer), GET /user (the
// viewer), GET /repos/search (uid, exclusive, private, mode, sort alpha|created|updated|id, order,
// page from 1, limit silently capped at MaxResponseItems), GET /user/repos (the viewer's list by
// name), GET /repos/{owner}/{repo} (with the detail fields every repository object carries), its
// branches, tags, languages, teams and topics (details.go, subs.go), the X-Total-Count and Link
// paging headers, and Gitea's error
// bodies {"message": ..., "url": ...} for 401, 404, 409 and 422. POST /user/repos creates a
// repository or answers 409 when the name is taken. Tests mount it under a base path; the
// server's demo mode serves it through an in-process RoundTripper. Its answers are deterministic.
package fake

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/fakekit"
)

// DefaultMaxResponseItems is Gitea's default MAX_RESPONSE_ITEMS: the largest page it serves.
const DefaultMaxResponseItems = 50

// defaultPagingNum is Gitea's DEFAULT_PAGING_NUM: the page size when limit is absent or not
// positive.
const defaultPagingNum = 30

// DefaultViewer is the login of the token's user when Server.Viewer is "".
const DefaultViewer = "octo-dev"

// viewerID is the viewer's user id; other owners get ids derived from their names.
const viewerID = 1

// Server is a fake Gitea API. Paths are relative to the API root (/repos/search, not
// /api/v1/repos/search). It is safe for concurrent use; set the exported fields before it serves.
type Server struct {
	// Viewer is the login of the token's user: repositories under it are the ones it owns
	// (exclusive=true keeps only those); "" means DefaultViewer.
	Viewer string
	// MaxResponseItems caps every page, as the server setting does; 0 means
	// DefaultMaxResponseItems.
	MaxResponseItems int
	// Others are repositories the viewer is not part of: /repos/search without uid lists the public
	// ones, /repos/{owner}/{repo} finds the public ones, and no list of the viewer's holds any.
	Others []providers.Repository
	// Users are logins that are users besides Viewer: every other owner of a served repository is
	// an organization (owners.go).
	Users []string
	// Zone is the time zone the server writes times in (Gitea writes its own local time); nil
	// means UTC+2.
	Zone *time.Location
	// NoTopics makes repository objects carry no topics key, as servers before Gitea 1.21 do;
	// GET /repos/{owner}/{repo}/topics still answers.
	NoTopics bool

	token    string
	mu       sync.RWMutex
	repos    []providers.Repository
	requests atomic.Int64
	// dmu guards details; it is apart from mu so that repository objects can be written with mu
	// held.
	dmu     sync.Mutex
	details fakekit.Memo[RepoDetails] // see SetDetails (details.go)
}

// New returns a fake serving repos (the repositories the holder of token owns or collaborates on)
// to requests authenticated with token. A nil repos is an empty list; an empty token authorizes no
// request.
func New(token string, repos []providers.Repository) *Server {
	s := &Server{token: token}
	s.SetRepos(repos)
	return s
}

// SetRepos replaces the viewer's repositories, as its list changes on the forge.
func (s *Server) SetRepos(repos []providers.Repository) {
	c := make([]providers.Repository, len(repos))
	for i, r := range repos {
		c[i] = normalize(r)
	}
	s.mu.Lock()
	s.repos = c
	s.mu.Unlock()
}

// Requests returns the number of requests served, failed ones included.
func (s *Server) Requests() int64 { return s.requests.Load() }

func (s *Server) viewer() string {
	if s.Viewer == "" {
		return DefaultViewer
	}
	return s.Viewer
}

func (s *Server) maxItems() int {
	if s.MaxResponseItems <= 0 {
		return DefaultMaxResponseItems
	}
	return s.MaxResponseItems
}

// ServeHTTP answers the routes of the package comment. A missing or wrong token is 401; an unknown
// route or repository 404; a bad sort, order or mode 422.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if !s.authorized(r) {
		apiError(w, r, http.StatusUnauthorized, "invalid username, password or token")
		return
	}
	path := strings.TrimSuffix(r.URL.EscapedPath(), "/")
	if s.serveWrite(w, r, path) { // write.go
		return
	}
	if s.serveOwners(w, r, path) { // owners.go
		return
	}
	switch {
	case path == "/user" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"id": viewerID, "login": s.viewer(), "full_name": "", "email": s.viewer() + "@example.com"})
	case path == "/user/orgs" && r.Method == http.MethodGet:
		s.userOrgs(w, r) // filters.go
	case path == "/repos/search" && r.Method == http.MethodGet:
		s.search(w, r)
	case path == "/user/repos" && r.Method == http.MethodGet:
		s.userRepos(w, r)
	case path == "/user/repos" && r.Method == http.MethodPost:
		s.create(w, r)
	case strings.HasPrefix(path, "/repos/") && strings.Count(path, "/") == 3 && r.Method == http.MethodGet:
		s.one(w, r, strings.TrimPrefix(path, "/repos/"))
	case strings.HasPrefix(path, "/repos/") && strings.Count(path, "/") == 4 && r.Method == http.MethodGet:
		s.sub(w, r, strings.TrimPrefix(path, "/repos/")) // subs.go
	default:
		apiError(w, r, http.StatusNotFound, "not found")
	}
}

// authorized accepts the token as "Authorization: token …" or "Authorization: Bearer …".
func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return false
	}
	a := r.Header.Get("Authorization")
	return a == "token "+s.token || a == "Bearer "+s.token
}

// one answers GET /repos/{owner}/{repo}: a repository of the viewer's, or a public one of others,
// matched case-insensitively as Gitea matches names.
func (s *Server) one(w http.ResponseWriter, r *http.Request, escaped string) {
	owner, name, _ := strings.Cut(escaped, "/")
	full := owner + "/" + name
	for _, x := range s.visible(true) {
		if strings.EqualFold(x.repo.NameWithOwner, full) {
			wr := s.toWire(&x.repo)
			s.withParent(&wr, s.detailsOf(&x.repo))
			writeJSON(w, http.StatusOK, wr)
			return
		}
	}
	apiError(w, r, http.StatusNotFound, "The target couldn't be found.")
}

// create answers POST /user/repos {"name", "description", "private"}: a new repository of the
// viewer's, 409 when the viewer has one of that name, 422 without a name.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Private     bool   `json:"private"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || in.Name == "" {
		apiError(w, r, http.StatusUnprocessableEntity, "[Name]: Required")
		return
	}
	full := s.viewer() + "/" + in.Name
	now := time.Now().UTC().Truncate(time.Second)
	s.mu.Lock()
	for _, x := range s.repos {
		if strings.EqualFold(x.NameWithOwner, full) {
			s.mu.Unlock()
			apiError(w, r, http.StatusConflict, "The repository with the same name already exists.")
			return
		}
	}
	repo := providers.Repository{ForgeID: nextID(s.repos), Provider: providers.Gitea, Name: in.Name,
		NameWithOwner: full, Owner: s.viewer(), IsPrivate: in.Private, CreatedAt: &now, UpdatedAt: &now}
	if in.Description != "" {
		repo.Description = &in.Description
	}
	s.repos = append(s.repos, repo)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, s.toWire(&repo))
}

// writeJSON writes v as a JSON answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// apiError writes Gitea's APIError body: the message and the URL of the API's documentation.
func apiError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	writeJSON(w, status, map[string]any{"message": msg, "url": "http://" + r.Host + "/api/swagger"})
}
