// Package fake is an in-memory Bitbucket Cloud REST API 2.0 serving a fixed set of repositories to
// the holder of one credential. It answers like api.bitbucket.org for the routes forgegraph uses:
//
//	GET /user                                the caller (username: its personal workspace)
//	GET /user/workspaces                     the caller's workspaces (workspace_access values)
//	GET /repositories/{workspace}            a workspace's repositories: role, q (BBQL, query.go), sort, pagelen, page
//	GET /repositories/{workspace}/{slug}     one repository
//	GET /repositories, /workspaces,
//	    /user/permissions/workspaces,
//	    /user/permissions/repositories       410 Gone: removed by Atlassian's CHANGE-2770
//
// Lists use Bitbucket's envelope {pagelen, size, page, next, previous, values} with absolute
// next/previous URLs; pagelen defaults to 10 and is at most 100. Errors use Bitbucket's body
// {"type":"error","error":{"message":...}}. JSON answers carry an ETag and honour If-None-Match.
// Workspaces are the NameWithOwner prefixes of the repositories. Paths are relative to the API
// base: mount the server under "/2.0" with http.StripPrefix. The server is also the embedded demo's
// Bitbucket, so it is deterministic.
package fake

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/fakekit"
)

// ChangeURL is the changelog entry the 410 answers of removed routes point to.
const ChangeURL = "https://developer.atlassian.com/cloud/bitbucket/changelog/#CHANGE-2770"

// removed lists the cross-workspace routes Atlassian removed (CHANGE-2770); they answer 410.
var removed = map[string]bool{
	"/repositories":                  true,
	"/workspaces":                    true,
	"/user/permissions/workspaces":   true,
	"/user/permissions/repositories": true,
}

// Server is the fake API. It is safe for concurrent use.
type Server struct {
	// Username is the caller's username, the slug of its personal workspace (GET /user); "" means
	// the workspace of the first repository given to SetRepos as OWNER, else "me". Set it before
	// serving.
	Username string
	token    string
	personal string // the workspace of the first repository given as OWNER (SetRepos)
	mu       sync.RWMutex
	repos    []providers.Repository    // View of the repositories, sorted by full name
	details  fakekit.Memo[RepoDetails] // see SetDetails
	requests atomic.Int64
}

// New returns a server that serves View(repos) to requests authenticated with token: an
// "email:api_token" token must come as HTTP Basic, any other as "Authorization: Bearer token".
// An empty token authenticates nobody.
func New(token string, repos []providers.Repository) *Server {
	s := &Server{token: token}
	s.SetRepos(repos)
	return s
}

// SetRepos replaces the repositories served, as the forge's data changes.
func (s *Server) SetRepos(repos []providers.Repository) {
	v := sorted(View(repos), providers.NewOrder(providers.SortFullName, providers.Asc))
	personal := ""
	for i := range repos {
		if repos[i].Affiliation == providers.AffOwner {
			personal, _, _ = strings.Cut(repos[i].NameWithOwner, "/")
			break
		}
	}
	s.mu.Lock()
	s.repos, s.personal = v, personal
	s.mu.Unlock()
}

// Requests returns the number of requests served so far.
func (s *Server) Requests() int64 { return s.requests.Load() }

// ServeHTTP answers one API request; its path is relative to the API base.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api.bitbucket.org"`)
		writeError(w, http.StatusUnauthorized, "Unauthorized", "Invalid or missing credentials.", nil)
		return
	}
	path := strings.TrimSuffix(r.URL.Path, "/")
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if s.serveWrite(w, r, parts) { // write.go
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed", "", nil)
		return
	}
	switch {
	case removed[path]:
		writeError(w, http.StatusGone, "CHANGE-2770 - Functionality has been deprecated",
			"Please read the changelog entry for more details.", map[string]any{"announcement_url": ChangeURL})
	case path == "/user":
		writeJSON(w, r, map[string]any{"type": "user", "username": s.username(), "display_name": s.username(),
			"uuid": uuidFor("user:" + s.username())})
	case path == "/user/workspaces":
		s.listWorkspaces(w, r)
	case len(parts) == 2 && parts[0] == "workspaces" && parts[1] != "":
		s.getWorkspace(w, r, parts[1])
	case len(parts) == 2 && parts[0] == "repositories" && parts[1] != "":
		s.listRepositories(w, r, parts[1])
	case len(parts) == 3 && parts[0] == "repositories" && parts[1] != "" && parts[2] != "":
		s.getRepository(w, r, parts[1], parts[2])
	case len(parts) == 5 && parts[0] == "repositories" && parts[3] == "refs":
		s.listRefs(w, r, parts[1], parts[2], parts[4])
	default:
		writeError(w, http.StatusNotFound, "Resource not found", "There is no API hosted at this URL.", nil)
	}
}

// username is the caller's username (see Server.Username).
func (s *Server) username() string {
	if s.Username != "" {
		return s.Username
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.personal != "" {
		return s.personal
	}
	return "me"
}

// authorized checks the request's credential against the server's token.
func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return false
	}
	var got string
	if strings.Contains(s.token, ":") {
		user, pass, ok := r.BasicAuth()
		if !ok {
			return false
		}
		got = user + ":" + pass
	} else {
		t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return false
		}
		got = t
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

// snapshot returns the current repositories; callers must not modify them.
func (s *Server) snapshot() []providers.Repository {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.repos
}

// workspaceOf returns the workspace part of a repository's path.
func workspaceOf(r *providers.Repository) string {
	ws, _, _ := strings.Cut(r.NameWithOwner, "/")
	return ws
}

func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, pagelen, msg := pageParams(q)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg, "", nil)
		return
	}
	var slugs []string
	seen := map[string]bool{}
	for _, repo := range s.snapshot() {
		ws := workspaceOf(&repo)
		if k := strings.ToLower(ws); !seen[k] {
			seen[k] = true
			slugs = append(slugs, ws)
		}
	}
	switch q.Get("sort") {
	case "", "slug":
		slices.Sort(slugs)
	case "-slug":
		slices.Sort(slugs)
		slices.Reverse(slugs)
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Invalid sort field: %s", q.Get("sort")), "Only slug is supported.", nil)
		return
	}
	api := apiRoot(r)
	values := make([]wireWorkspaceAccess, len(slugs))
	for i, ws := range slugs {
		ref := workspaceObject(ws, api)
		ref.Type, ref.Name, ref.Links.HTML = "workspace_base", "", link{}
		values[i] = wireWorkspaceAccess{Type: "workspace_access", Administrator: true, Workspace: ref}
	}
	e, ok := paged(r, values, page, pagelen)
	if !ok {
		writeError(w, http.StatusNotFound, "Invalid page", "", nil)
		return
	}
	writeJSON(w, r, e)
}

var roles = map[string]bool{"": true, "member": true, "contributor": true, "admin": true, "owner": true}

func (s *Server) listRepositories(w http.ResponseWriter, r *http.Request, ws string) {
	q := r.URL.Query()
	page, pagelen, msg := pageParams(q)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg, "", nil)
		return
	}
	if !roles[q.Get("role")] {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Invalid role: %s", q.Get("role")), "", nil)
		return
	}
	o, ok := orderFor(q.Get("sort"))
	if !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Invalid field name: %s", strings.TrimPrefix(q.Get("sort"), "-")), "", nil)
		return
	}
	terms, ok := parseQuery(q.Get("q"))
	if !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Invalid query: %s", q.Get("q")), "", nil)
		return
	}
	// Every repository served is the caller's, so each role lists them all.
	var items []providers.Repository
	found := false
	for _, repo := range s.snapshot() {
		if strings.EqualFold(workspaceOf(&repo), ws) {
			found = true
			if matches(&repo, terms) {
				items = append(items, repo)
			}
		}
	}
	if !found {
		writeError(w, http.StatusNotFound, fmt.Sprintf("No workspace with identifier '%s'.", ws), "", nil)
		return
	}
	items = sorted(items, o)
	api := apiRoot(r)
	// Only the requested page is converted: the envelope needs the whole list's length.
	lo, hi, ok := window(len(items), page, pagelen)
	if !ok {
		writeError(w, http.StatusNotFound, "Invalid page", "", nil)
		return
	}
	values := make([]wireRepository, 0, hi-lo)
	for i := lo; i < hi; i++ {
		values = append(values, s.withDetails(&items[i], api))
	}
	writeJSON(w, r, newEnvelope(r, values, len(items), page, pagelen, hi))
}

// getWorkspace answers GET /2.0/workspaces/{workspace}: a workspace of a served repository (by
// slug, ignoring case, or by {uuid}), else 404 as Bitbucket answers for a workspace the caller
// cannot see.
func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request, ws string) {
	for _, repo := range s.snapshot() {
		slug := workspaceOf(&repo)
		if strings.EqualFold(slug, ws) || uuidFor("workspace:"+strings.ToLower(slug)) == ws {
			o := workspaceObject(slug, apiRoot(r))
			o.Name = strings.ToUpper(slug[:1]) + slug[1:]
			writeJSON(w, r, o)
			return
		}
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("No workspace with identifier '%s'.", ws), "", nil)
}

func (s *Server) getRepository(w http.ResponseWriter, r *http.Request, ws, slug string) {
	full := ws + "/" + slug
	for _, repo := range s.snapshot() {
		if strings.EqualFold(repo.NameWithOwner, full) || (strings.EqualFold(workspaceOf(&repo), ws) && repo.ForgeID == slug) { // by {uuid} too
			writeJSON(w, r, s.withDetails(&repo, apiRoot(r)))
			return
		}
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("Repository %s not found", full), "", nil)
}

// writeJSON writes v with an ETag, or 304 when the request's If-None-Match has that tag.
func writeJSON(w http.ResponseWriter, r *http.Request, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "Something went wrong", "", nil)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// writeError writes Bitbucket's error body.
func writeError(w http.ResponseWriter, status int, message, detail string, data map[string]any) {
	e := map[string]any{"message": message}
	if detail != "" {
		e["detail"] = detail
	}
	if data != nil {
		e["data"] = data
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(map[string]any{"type": "error", "error": e})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
