// Package fake is an in-memory OpenHands server answering GET /api/user/repositories the way
// OpenHands does, for tests and for forgegraph's embedded demo mode.
//
// Like OpenHands it:
//   - without selected_provider, ignores page and per_page and answers every forge's whole list
//     concatenated (GitHub, then GitLab, then Bitbucket, then the EnterpriseSSO items), each forge's
//     list in the order OpenHands asks that forge for and capped at UnpagedLimit, link_header null;
//   - with selected_provider, answers one page (page from 1, per_page default 30, at most 100) of
//     that forge's list in the order the forge returns for OpenHands' sort: GitHub by the sort key
//     (desc for pushed/updated/created, asc for full_name); GitLab with order_by last_activity_at
//     (pushed, updated), created_at or name (full_name: the project's name, not its path), always
//     desc; Bitbucket by -updated_on, -created_on or name, and only within the workspace named by
//     installation_id (without it the answer is an empty list, as OpenHands' is);
//   - puts the forge's Link header on every item of a page as link_header: GitHub's (none when the
//     list fits one page), GitLab's (always first/last) or the rel="next" link OpenHands builds
//     for Bitbucket;
//   - answers 401 {"detail": "..."} without the right X-Session-API-Key and FastAPI's 422 body for a
//     selected_provider that is not a ProviderType or a page/per_page that is not a positive integer.
//
// Repositories of providers OpenHands does not front (CODEARTS) are ignored. Every answer carries an
// ETag; a request whose If-None-Match matches gets 304.
package fake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/forgegraph/forgegraph/providers"
)

// UnpagedLimit is how many repositories of each forge the unpaged answer holds at most (OpenHands'
// MAX_REPOS in get_all_repositories).
const UnpagedLimit = 1000

// RepositoriesPath is the route the server answers, relative to the OpenHands base URL.
const RepositoriesPath = "/api/user/repositories"

// Server is a fake OpenHands. It is safe for concurrent use, except that EnterpriseSSO must be set
// before it serves requests.
type Server struct {
	token string
	// EnterpriseSSO are repositories answered with git_provider "enterprise_sso" (their Provider is
	// ignored): last in the unpaged list, and the list of selected_provider=enterprise_sso, ordered
	// like GitHub's. nil means none. Set it before the server serves requests.
	EnterpriseSSO []providers.Repository

	mu       sync.RWMutex
	repos    []providers.Repository
	requests atomic.Int64
}

// New returns a server that lists repos to holders of the API key token.
func New(token string, repos []providers.Repository) *Server {
	s := &Server{token: token}
	s.SetRepos(repos)
	return s
}

// SetRepos replaces the user's repositories, as their forges change.
func (s *Server) SetRepos(repos []providers.Repository) {
	c := append([]providers.Repository(nil), repos...)
	s.mu.Lock()
	s.repos = c
	s.mu.Unlock()
}

// Requests returns the number of requests served.
func (s *Server) Requests() int64 { return s.requests.Load() }

// ServeHTTP answers requests whose path is relative to the OpenHands base URL.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.URL.Path != RepositoriesPath {
		writeJSON(w, r, http.StatusNotFound, map[string]string{"detail": "Not Found"})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeJSON(w, r, http.StatusMethodNotAllowed, map[string]string{"detail": "Method Not Allowed"})
		return
	}
	if key := r.Header.Get("X-Session-API-Key"); key == "" || key != s.token {
		writeJSON(w, r, http.StatusUnauthorized, map[string]string{"detail": "User is not authenticated"})
		return
	}
	q := r.URL.Query()
	var invalid []validationError
	forge := q.Get("selected_provider")
	switch forge {
	case "", forgeGitHub, forgeGitLab, forgeBitbucket, forgeEnterpriseSSO:
	default:
		invalid = append(invalid, validationError{
			Type: "enum", Loc: []any{"query", "selected_provider"}, Input: forge,
			Msg: "Input should be 'github', 'gitlab', 'bitbucket' or 'enterprise_sso'",
		})
	}
	page, bad := positiveInt(q, "page", 1)
	invalid = append(invalid, bad...)
	perPage, bad := positiveInt(q, "per_page", 30)
	invalid = append(invalid, bad...)
	if len(invalid) > 0 {
		writeJSON(w, r, http.StatusUnprocessableEntity, map[string]any{"detail": invalid})
		return
	}
	perPage = min(perPage, 100)
	sort := q.Get("sort")
	if sort == "" {
		sort = "pushed"
	}

	s.mu.RLock()
	byForge := map[string][]providers.Repository{forgeEnterpriseSSO: s.EnterpriseSSO}
	for _, repo := range s.repos {
		if f := forgeOf(repo.Provider); f != "" {
			byForge[f] = append(byForge[f], repo)
		}
	}
	s.mu.RUnlock()

	if forge == "" {
		out := []repository{}
		for _, f := range []string{forgeGitHub, forgeGitLab, forgeBitbucket, forgeEnterpriseSSO} {
			list := sorted(f, sort, byForge[f])
			if len(list) > UnpagedLimit {
				list = list[:UnpagedLimit]
			}
			for i := range list {
				out = append(out, toWire(f, &list[i], nil))
			}
		}
		writeJSON(w, r, http.StatusOK, out)
		return
	}

	list := byForge[forge]
	workspace := q.Get("installation_id")
	if forge == forgeBitbucket {
		// OpenHands pages Bitbucket one workspace at a time and answers [] without one.
		var in []providers.Repository
		for _, repo := range list {
			if workspace != "" && repo.Owner == workspace {
				in = append(in, repo)
			}
		}
		list = in
	}
	list = sorted(forge, sort, list)
	lo := min((page-1)*perPage, len(list))
	hi := min(lo+perPage, len(list))
	link := linkHeader(forge, sort, workspace, page, perPage, len(list))
	out := make([]repository, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, toWire(forge, &list[i], &link))
	}
	writeJSON(w, r, http.StatusOK, out)
}

// validationError is one entry of FastAPI's 422 detail list.
type validationError struct {
	Type  string `json:"type"`
	Loc   []any  `json:"loc"`
	Msg   string `json:"msg"`
	Input any    `json:"input"`
}

// positiveInt reads query parameter k: def when absent, a validation error when it is not a positive
// integer.
func positiveInt(q map[string][]string, k string, def int) (int, []validationError) {
	v, ok := q[k]
	if !ok || len(v) == 0 || v[0] == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil {
		return 0, []validationError{{Type: "int_parsing", Loc: []any{"query", k}, Input: v[0],
			Msg: "Input should be a valid integer, unable to parse string as an integer"}}
	}
	if n < 1 {
		return 0, []validationError{{Type: "greater_than", Loc: []any{"query", k}, Input: v[0],
			Msg: "Input should be greater than 0"}}
	}
	return n, nil
}

// writeJSON writes v with status and a strong ETag of the body; a GET whose If-None-Match names that
// ETag gets 304 without a body.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"detail":%q}`, err.Error()), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if status == http.StatusOK {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		h.Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
