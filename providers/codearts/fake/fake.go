// Package fake is an in-memory CodeArts Repo that answers the two list endpoints forgegraph uses as
// the documentation describes them: GET /v4/user/repositories (offset/limit paging, order_by
// created_at|updated_at, sort asc|desc, a bare JSON array, times like
// "2025-06-19T19:30:41.000+08:00") and GET /v2/projects/repositories (page_index/page_size paging,
// {"result":{"repositories":[...],"total":N},"status":"success"}, zone-less UTC+8 times like
// "2019-10-15 11:00:11"). Paths are relative to the API base (the regional endpoint). It serves
// the tests and the server's embedded demo mode, so its answers are deterministic.
package fake

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// The paths the server answers, relative to the API base.
const (
	V4Path = "/v4/user/repositories"
	V2Path = "/v2/projects/repositories"
)

// Zone is UTC+8, the zone of the wire times: v4 writes its +08:00 offset, v2 writes none.
var Zone = time.FixedZone("UTC+8", 8*60*60)

// Documented defaults and bounds of the paging parameters.
const (
	// DefaultLimit is v4's limit when none is given.
	DefaultLimit = 20
	// DefaultPageSize is v2's page_size when none is given (not documented; v4's default is used).
	DefaultPageSize = 20
	// MaxLimit bounds v4's limit and v2's page_size.
	MaxLimit = 100
	// maxOffset is v4's largest offset.
	maxOffset = 2147483647
)

// Server is a fake CodeArts Repo serving a list of repositories to the holder of one token. It is
// safe for concurrent use.
type Server struct {
	// ObjectShaped makes a v2 page holding exactly one repository carry it as a single object in
	// result.repositories, as the documentation's own example does, instead of a one-element array.
	// Set it before the server handles requests.
	ObjectShaped bool

	token    string
	mu       sync.RWMutex
	repos    []providers.Repository
	requests atomic.Int64
	// refs and forbidden are the ref endpoints' state, by repository id (refs.go).
	refs      map[string]refSet
	forbidden map[string]bool
}

// New returns a server that lists repos to requests whose X-Auth-Token is token. The repositories'
// CreatedAt orders v4's order_by=created_at even though v4 does not send it.
func New(token string, repos []providers.Repository) *Server {
	s := &Server{token: token}
	s.SetRepos(repos)
	return s
}

// SetRepos replaces the list (copied), as the forge's list changes. v2 lists it in this order.
func (s *Server) SetRepos(repos []providers.Repository) {
	c := slices.Clone(repos)
	s.mu.Lock()
	s.repos = c
	s.mu.Unlock()
}

// Requests returns how many requests the server has answered, failed ones included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// ServeHTTP answers GET V4Path and GET V2Path, and the ref endpoints (refs.go). A missing or wrong X-Auth-Token is a 401 with the
// version's error body; a parameter out of its documented range is a 400 with that body; any other
// path is the API gateway's 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	v2 := r.URL.Path == V2Path
	refID, refKind, refV2, isRef := refsRoute(r.URL.Path)
	if r.URL.Path != V4Path && !v2 && !isRef {
		writeV4Error(w, http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment")
		return
	}
	fail := writeV4Error
	if v2 || refV2 {
		fail = writeV2Error
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		fail(w, http.StatusMethodNotAllowed, "CH.010001", "method not allowed")
		return
	}
	if tok := r.Header.Get("X-Auth-Token"); tok == "" || tok != s.token {
		fail(w, http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail")
		return
	}
	if isRef {
		s.serveRefs(w, r, refID, refKind, refV2)
		return
	}
	s.mu.RLock()
	repos := s.repos
	s.mu.RUnlock()
	if v2 {
		s.serveV2(w, r, repos)
	} else {
		serveV4(w, r, repos)
	}
}

// serveV4 answers GET /v4/user/repositories.
func serveV4(w http.ResponseWriter, r *http.Request, repos []providers.Repository) {
	q := r.URL.Query()
	offset, ok := intParam(q.Get("offset"), 0, 0, maxOffset)
	if !ok {
		writeV4Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: offset must be between 0 and 2147483647")
		return
	}
	limit, ok := intParam(q.Get("limit"), DefaultLimit, 1, MaxLimit)
	if !ok {
		writeV4Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: limit must be between 1 and 100")
		return
	}
	sortKey := providers.SortCreated
	switch q.Get("order_by") {
	case "", "created_at":
	case "updated_at":
		sortKey = providers.SortUpdated
	default:
		writeV4Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: order_by must be created_at or updated_at")
		return
	}
	dir := providers.Desc
	switch q.Get("sort") {
	case "", "desc":
	case "asc":
		dir = providers.Asc
	default:
		writeV4Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: sort must be asc or desc")
		return
	}
	repos, bad := filterV4(q, repos)
	if bad != "" {
		writeV4Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: "+bad)
		return
	}
	// Sort on the times as the wire carries them (milliseconds), then by full path and id.
	sorted := make([]providers.Repository, len(repos))
	for i, rp := range repos {
		sorted[i] = rp
		sorted[i].CreatedAt = truncate(rp.CreatedAt, time.Millisecond)
		sorted[i].UpdatedAt = truncate(rp.UpdatedAt, time.Millisecond)
	}
	slices.SortStableFunc(sorted, v4Order(sortKey, dir))
	lo := min(offset, len(sorted))
	hi := min(lo+limit, len(sorted))
	out := make([]v4Repo, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, toV4(&sorted[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

// serveV2 answers GET /v2/projects/repositories, in the list's own order.
func (s *Server) serveV2(w http.ResponseWriter, r *http.Request, repos []providers.Repository) {
	q := r.URL.Query()
	index, ok := intParam(q.Get("page_index"), 1, 1, maxOffset)
	if !ok {
		writeV2Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: page_index must be at least 1")
		return
	}
	size, ok := intParam(q.Get("page_size"), DefaultPageSize, 1, MaxLimit)
	if !ok {
		writeV2Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: page_size must be between 1 and 100")
		return
	}
	lo := min((index-1)*size, len(repos))
	if index-1 > len(repos)/size {
		lo = len(repos)
	}
	hi := min(lo+size, len(repos))
	items := make([]v2Repo, 0, hi-lo)
	for i := lo; i < hi; i++ {
		items = append(items, toV2(&repos[i]))
	}
	var list any = items
	if s.ObjectShaped && len(items) == 1 {
		list = items[0]
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"result": map[string]any{"total": len(repos), "repositories": list},
		"status": "success",
	})
}

// intParam parses an integer query parameter; "" gives def; a non-integer or a value outside
// [lo, hi] is not ok.
func intParam(v string, def, lo, hi int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}

// writeV4Error writes v4's (and the API gateway's) error body.
func writeV4Error(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg})
}

// writeV2Error writes v2's error body.
func writeV2Error(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{
		"error":  map[string]string{"code": code, "message": msg},
		"status": "failed",
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func truncate(t *time.Time, d time.Duration) *time.Time {
	if t == nil {
		return nil
	}
	u := t.Truncate(d)
	return &u
}

// v4Order is the order of GET /v4/user/repositories, written for the fake rather than taken from
// forgegraph's comparator: the API documents order_by (created_at or updated_at) and sort (asc or
// desc) but not how ties are ordered, so the fake breaks them by repository id in the sort's
// direction (unlike forgegraph, which breaks ties by full path); a missing time sorts as the oldest.
func v4Order(key providers.Sort, dir providers.Direction) func(a, b providers.Repository) int {
	at := func(r *providers.Repository) *time.Time { return r.UpdatedAt }
	if key == providers.SortCreated {
		at = func(r *providers.Repository) *time.Time { return r.CreatedAt }
	}
	return func(a, b providers.Repository) int {
		var c int
		ta, tb := at(&a), at(&b)
		switch {
		case ta == nil && tb == nil:
		case ta == nil:
			c = -1
		case tb == nil:
			c = 1
		default:
			c = ta.Compare(*tb)
		}
		if c == 0 {
			c = compareIDs(a.ForgeID, b.ForgeID)
		}
		if dir == providers.Desc {
			c = -c
		}
		return c
	}
}

// compareIDs orders repository ids numerically when both are numbers (CodeArts' are), else as text.
func compareIDs(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(a, b)
}
