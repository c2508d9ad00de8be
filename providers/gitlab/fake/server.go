// Package fake is an in-memory GitLab REST API v4 serving GET /projects and GET /projects/:id the
// way GitLab documents them: PRIVATE-TOKEN (or OAuth Bearer) authentication, the membership,
// order_by, sort, page and per_page parameters, the x-total/x-total-pages/x-next-page/x-page/
// x-per-page/x-prev-page and Link paging headers, ETags with 304 answers, and GitLab's error bodies.
// Tests mount it under a base path; the server's demo mode serves it through an in-process
// RoundTripper. Its answers are deterministic.
package fake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/fakekit"
)

// Server is a fake GitLab API. Paths are relative to the API base (/projects, not
// /api/v4/projects). It is safe for concurrent use; set the exported fields before it serves, or
// change them later with SetPublicOthers and SetOmitTotals.
type Server struct {
	// PublicOthers are public projects of other users: GitLab lists them (with the member's own
	// projects) when a request lacks membership=true, and GET /projects/:id finds them. nil means
	// none.
	PublicOthers []providers.Repository
	// OmitTotals makes list answers leave out x-total, x-total-pages and Link rel="last", as GitLab
	// does when a list has more than 10,000 projects.
	OmitTotals bool
	// Username is the token holder's username and personal namespace (GET /user, owned=true); ""
	// means the owner of the first project whose Affiliation is OWNER, else of the first project.
	// Set it before serving.
	Username string

	token    string
	mu       sync.RWMutex
	repos    []providers.Repository
	details  fakekit.Memo[RepoDetails] // see SetDetails
	requests atomic.Int64
	users    []string // other user namespaces; see SetUsers (owners.go)
}

// New returns a fake serving repos (the projects the holder of token is a member of) to requests
// authenticated with token. A nil repos is an empty list; an empty token authorizes no request.
func New(token string, repos []providers.Repository) *Server {
	s := &Server{token: token}
	s.SetRepos(repos)
	return s
}

// SetRepos replaces the member's projects, as the user's list changes on GitLab.
func (s *Server) SetRepos(repos []providers.Repository) {
	c := make([]providers.Repository, len(repos))
	for i, r := range repos {
		c[i] = normalize(r)
	}
	s.mu.Lock()
	s.repos = c
	s.mu.Unlock()
}

// SetPublicOthers replaces PublicOthers while the server serves.
func (s *Server) SetPublicOthers(repos []providers.Repository) {
	c := append([]providers.Repository(nil), repos...)
	s.mu.Lock()
	s.PublicOthers = c
	s.mu.Unlock()
}

// SetOmitTotals changes OmitTotals while the server serves.
func (s *Server) SetOmitTotals(omit bool) {
	s.mu.Lock()
	s.OmitTotals = omit
	s.mu.Unlock()
}

// Requests returns the number of requests served, failed ones included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// ServeHTTP answers GET /projects and GET /projects/:id (a numeric id or a URL-encoded full path
// such as group%2Fsub%2Fname), and the project's languages, branches, tags and contributors
// (details.go). A missing or wrong token is 401 {"message":"401 Unauthorized"}; an
// unknown project 404 {"message":"404 Project Not Found"}; an invalid parameter 400
// {"error":"<param> does not have a valid value"}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if !s.authorized(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
		return
	}
	path := r.URL.EscapedPath()
	if s.serveWrite(w, r, path) { // write.go
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "405 Method Not Allowed"})
		return
	}
	if s.serveOwners(w, r, path) { // owners.go
		return
	}
	switch {
	case path == "/projects" || path == "/projects/":
		s.list(w, r)
	case strings.HasPrefix(path, "/projects/") && !strings.Contains(strings.TrimPrefix(path, "/projects/"), "/"):
		s.one(w, r, strings.TrimPrefix(path, "/projects/"))
	case strings.HasPrefix(path, "/projects/"):
		parts := strings.Split(strings.TrimPrefix(path, "/projects/"), "/")
		s.sub(w, r, parts[0], parts[1:])
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "404 Not Found"})
	}
}

// authorized accepts the token as PRIVATE-TOKEN or as an OAuth "Authorization: Bearer" header.
func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return false
	}
	if r.Header.Get("PRIVATE-TOKEN") == s.token {
		return true
	}
	return r.Header.Get("Authorization") == "Bearer "+s.token
}

// visible returns the projects the request can see: the member's own, plus (when withOthers) the
// public projects of others, all normalized.
func (s *Server) visible(withOthers bool) ([]providers.Repository, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := append([]providers.Repository(nil), s.repos...)
	if withOthers {
		for _, r := range s.PublicOthers {
			if !r.IsPrivate {
				out = append(out, normalize(r))
			}
		}
	}
	return out, s.OmitTotals
}

// one answers GET /projects/:id.
func (s *Server) one(w http.ResponseWriter, r *http.Request, rawID string) {
	id, err := url.PathUnescape(rawID)
	if err != nil || id == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Project Not Found"})
		return
	}
	all, _ := s.visible(true)
	n, numErr := strconv.ParseInt(id, 10, 64)
	for i := range all {
		if (numErr == nil && projectID(&all[i]) == n) || (numErr != nil && strings.EqualFold(all[i].NameWithOwner, id)) {
			p := toWire(&all[i])
			s.withDetails(&p, &all[i], true, r.URL.Query().Get("statistics") == "true")
			writeCacheable(w, r, http.StatusOK, p)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Project Not Found"})
}

// writeJSON writes v as a JSON answer with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// writeCacheable writes v with a weak ETag of its body, answering 304 without a body when the
// request's If-None-Match names that tag (or is "*").
func writeCacheable(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, _ := json.Marshal(v)
	sum := sha256.Sum256(body)
	etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "max-age=0, private, must-revalidate")
	if matches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// matches reports whether an If-None-Match value names etag, comparing weakly.
func matches(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}
