// Package fake is an in-memory GitHub REST API v3 for tests and forgegraph's demo mode. It serves a
// fixed set of repositories to the holder of one token with GitHub's wire shapes: GET /user/repos
// (sort, direction, page, per_page, Link header, weak ETag and 304), GET /repos/{owner}/{repo},
// POST /graphql for repositories' languages and branch and tag counts (graphql.go),
// x-ratelimit-* headers, and GitHub's error bodies (401 Bad credentials, 404 Not Found, 422
// Validation Failed, 403 rate limit exceeded). Paths are relative to the API root, so it can be
// mounted under a prefix such as /api/v3 with http.StripPrefix, as GitHub Enterprise Server is.
package fake

import (
	"cmp"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/fakekit"
)

// DefaultRateLimit is the hourly request quota the server reports and enforces, GitHub's quota for
// an authenticated user.
const DefaultRateLimit = 5000

// rateWindow is how long a quota lasts.
const rateWindow = time.Hour

const (
	docsRoot   = "https://docs.github.com/rest"
	docsList   = "https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user"
	docsGet    = "https://docs.github.com/rest/repos/repos#get-a-repository"
	docsLimits = "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
)

// Server is a fake GitHub API. It is safe for concurrent use; build it with New.
type Server struct {
	token    string
	requests atomic.Int64

	mu          sync.Mutex
	repos       []providers.Repository
	details     fakekit.Memo[RepoDetails] // see SetDetails
	login       string                    // the token holder's login; see SetLogin (write.go)
	users       []string                  // other logins that are users; see SetUsers (owners.go)
	others      []providers.Repository    // public repositories of others; see SetPublicOthers
	limit       int
	used        int
	windowStart time.Time
	now         func() time.Time
}

// New returns a server that serves repos to requests carrying token ("Authorization: Bearer token"
// or "token token"); any other request gets 401. An empty token authorizes nobody. The quota is
// DefaultRateLimit requests an hour.
func New(token string, repos []providers.Repository) *Server {
	s := &Server{token: token, limit: DefaultRateLimit, now: time.Now}
	s.SetRepos(repos)
	return s
}

// SetRepos replaces the repositories served. Times are kept to whole seconds in UTC, as GitHub keeps
// them.
func (s *Server) SetRepos(repos []providers.Repository) {
	c := make([]providers.Repository, len(repos))
	for i := range repos {
		c[i] = normalize(repos[i])
	}
	s.mu.Lock()
	s.repos = c
	s.mu.Unlock()
}

// SetRateLimit sets the hourly quota and starts a new window; limit <= 0 removes the quota and the
// x-ratelimit-* headers.
func (s *Server) SetRateLimit(limit int) {
	s.mu.Lock()
	s.limit = limit
	s.used = 0
	s.windowStart = s.now()
	s.mu.Unlock()
}

// Requests returns the number of requests served, whatever their answer.
func (s *Server) Requests() int64 { return s.requests.Load() }

// answer is a response being built.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func jsonAnswer(status int, v any) *answer {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are marshaled
	}
	return &answer{status: status, header: http.Header{}, body: b}
}

func errorAnswer(status int, msg, docs string) *answer {
	return jsonAnswer(status, errorBody{Message: msg, DocumentationURL: docs})
}

// ServeHTTP answers GET /user/repos, GET /repos/{owner}/{repo} and its branches, tags, languages,
// contributors and teams (details.go), the accounts, their lists and GET /repositories
// (owners.go), POST /graphql (graphql.go), paths relative to the API root.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	a := s.serve(r)
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	if a.status != http.StatusNotModified {
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
	}
	w.WriteHeader(a.status)
	if a.status != http.StatusNotModified {
		w.Write(a.body)
	}
}

func (s *Server) serve(r *http.Request) *answer {
	if !s.authorized(r) {
		return errorAnswer(http.StatusUnauthorized, "Bad credentials", docsRoot)
	}
	rate, window, ok := s.take()
	if !ok {
		a := errorAnswer(http.StatusForbidden, "API rate limit exceeded for user.", docsLimits)
		copyHeader(a.header, rate)
		return a
	}
	s.mu.Lock()
	repos := s.repos // replaced whole by SetRepos, never changed in place
	others := s.others
	s.mu.Unlock()
	segs := segments(r.URL)
	var a *answer
	if r.Method == http.MethodPost && len(segs) == 1 && segs[0] == "graphql" {
		a = s.serveGraphQL(r, repos) // graphql.go
	} else {
		a = s.serveWrite(r, segs) // write.go
	}
	if a == nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		a = s.serveOwners(r, segs, repos) // owners.go
	}
	switch {
	case a != nil:
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		a = errorAnswer(http.StatusNotFound, "Not Found", docsRoot)
	case len(segs) == 2 && segs[0] == "user" && segs[1] == "repos":
		s.mu.Lock()
		viewer := s.viewer()
		s.mu.Unlock()
		var bad *answer
		if repos, bad = filterList(r.URL.Query(), repos, viewer); bad != nil {
			a = bad
		} else {
			a = list(r, repos, s.listItem)
		}
	case len(segs) == 3 && segs[0] == "repos":
		a = s.get(r, findable(repos, others), segs[1], segs[2])
	case len(segs) == 4 && segs[0] == "repos":
		a = s.sub(r, repos, segs[1], segs[2], segs[3])
	default:
		a = errorAnswer(http.StatusNotFound, "Not Found", docsRoot)
	}
	if a.status == http.StatusOK && r.Method == http.MethodGet {
		etag := etagOf(a)
		a.header.Set("ETag", etag)
		if matches(r.Header.Values("If-None-Match"), etag) {
			a.status, a.body = http.StatusNotModified, nil
			// A 304 does not count against the quota, as on GitHub.
			rate = s.refund(window)
		}
	}
	copyHeader(a.header, rate)
	return a
}

// authorized reports whether r carries the server's token.
func (s *Server) authorized(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || s.token == "" || (!strings.EqualFold(scheme, "bearer") && !strings.EqualFold(scheme, "token")) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.token)) == 1
}

// take counts one request against the quota when some is left. It returns the x-ratelimit-* headers
// to send, the window the request was counted in, and whether the request may be served.
func (s *Server) take() (http.Header, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit <= 0 {
		return http.Header{}, time.Time{}, true
	}
	now := s.now()
	if s.windowStart.IsZero() || !now.Before(s.windowStart.Add(rateWindow)) {
		s.windowStart, s.used = now, 0
	}
	ok := s.used < s.limit
	if ok {
		s.used++
	}
	return s.rateHeaders(), s.windowStart, ok
}

// refund gives back a request counted in window (unless a new window has begun) and returns the
// headers after it.
func (s *Server) refund(window time.Time) http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit <= 0 {
		return http.Header{}
	}
	if s.windowStart.Equal(window) && s.used > 0 {
		s.used--
	}
	return s.rateHeaders()
}

// rateHeaders returns the x-ratelimit-* headers of the current window. s.mu is held and s.limit > 0.
func (s *Server) rateHeaders() http.Header {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(s.limit-s.used, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.windowStart.Add(rateWindow).Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(min(s.used, s.limit)))
	h.Set("X-RateLimit-Resource", "core")
	return h
}

// list answers GET /user/repos over repos.
func list(r *http.Request, repos []providers.Repository, item func(*providers.Repository, string) repository) *answer {
	q := r.URL.Query()
	sort := q.Get("sort")
	if sort == "" {
		sort = "full_name"
	}
	o := providers.Order{}
	switch sort {
	case "pushed":
		o.Sort = providers.SortPushed
	case "updated":
		o.Sort = providers.SortUpdated
	case "created":
		o.Sort = providers.SortCreated
	case "full_name":
		o.Sort = providers.SortFullName
	default:
		return invalid("sort")
	}
	switch q.Get("direction") {
	case "":
		o.Direction = providers.Desc
		if o.Sort == providers.SortFullName {
			o.Direction = providers.Asc
		}
	case "asc":
		o.Direction = providers.Asc
	case "desc":
		o.Direction = providers.Desc
	default:
		return invalid("direction")
	}
	perPage, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || perPage < 1 {
		perPage = 30
	}
	perPage = min(perPage, 100)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}

	sorted := slices.Clone(repos)
	slices.SortStableFunc(sorted, Order(o))
	lastPage := max((len(sorted)+perPage-1)/perPage, 1)
	lo := min((page-1)*perPage, len(sorted))
	hi := min(lo+perPage, len(sorted))
	root, api := origin(r)
	items := make([]repository, 0, hi-lo)
	for i := lo; i < hi; i++ {
		items = append(items, item(&sorted[i], api))
	}
	a := jsonAnswer(http.StatusOK, items)
	if link := linkHeader(root, q, page, lastPage); link != "" {
		a.header.Set("Link", link)
	}
	return a
}

// invalid is GitHub's 422 answer for a bad parameter value.
func invalid(field string) *answer {
	return jsonAnswer(http.StatusUnprocessableEntity, errorBody{
		Message:          "Validation Failed",
		Errors:           []fieldError{{Resource: "Repository", Field: field, Code: "invalid"}},
		DocumentationURL: docsList,
	})
}

// linkHeader builds GitHub's Link header for page of lastPage: prev, next, last, first as they
// apply, each the request's own URL with another page; "" when everything fits one page.
func linkHeader(self string, q url.Values, page, lastPage int) string {
	if lastPage <= 1 && page <= 1 {
		return ""
	}
	link := func(p int, rel string) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return "<" + self + "?" + v.Encode() + `>; rel="` + rel + `"`
	}
	var parts []string
	if page > 1 {
		parts = append(parts, link(min(page-1, lastPage), "prev"))
	}
	if page < lastPage {
		parts = append(parts, link(page+1, "next"), link(lastPage, "last"))
	}
	if page > 1 {
		parts = append(parts, link(1, "first"))
	}
	return strings.Join(parts, ", ")
}

// segments splits a request's escaped path, relative to the API root, into its segments.
func segments(u *url.URL) []string {
	p := strings.Trim(u.EscapedPath(), "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// origin returns the absolute URL of the request as the client sent it (r.RequestURI keeps a mount
// prefix that http.StripPrefix removed from r.URL) and the API root it was sent to. A request handed
// straight to ServeHTTP (no RequestURI) uses r.URL.
func origin(r *http.Request) (self, api string) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if r.URL.Scheme != "" {
		scheme = r.URL.Scheme
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	rel := r.URL.EscapedPath()
	path := rel
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			path = u.EscapedPath()
		}
	}
	self = scheme + "://" + host + path
	return self, strings.TrimSuffix(self, strings.TrimRight(rel, "/"))
}

// etagOf is a weak entity tag over what a 200 answer says.
func etagOf(a *answer) string {
	h := sha256.New()
	h.Write(a.body)
	h.Write([]byte("\x00" + a.header.Get("Link")))
	return `W/"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// matches reports whether an If-None-Match header names etag (weak comparison) or is "*".
func matches(values []string, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == want {
				return true
			}
		}
	}
	return false
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		dst[k] = v
	}
}

// Order is the order of GET /user/repos in o, written for the fake rather than taken from
// forgegraph's comparator. GitHub's REST docs ("List repositories for the authenticated user")
// document the sort fields (created, updated, pushed, full_name) and the default directions (asc
// for full_name, else desc), not how letter case or ties are ordered. The fake compares full_name
// case-insensitively and breaks every tie by repository id in the sort's direction, as an SQL
// ORDER BY key, id would: unlike forgegraph, which breaks ties by full path, so no test passes only
// because the fake and the comparator agree. A missing date sorts as the oldest.
func Order(o providers.Order) func(a, b providers.Repository) int {
	date := map[providers.Sort]func(r *providers.Repository) *time.Time{
		providers.SortPushed:  func(r *providers.Repository) *time.Time { return r.PushedAt },
		providers.SortUpdated: func(r *providers.Repository) *time.Time { return r.UpdatedAt },
		providers.SortCreated: func(r *providers.Repository) *time.Time { return r.CreatedAt },
	}[o.Sort]
	return func(a, b providers.Repository) int {
		var c int
		if date == nil {
			c = strings.Compare(strings.ToLower(a.NameWithOwner), strings.ToLower(b.NameWithOwner))
		} else {
			ta, tb := date(&a), date(&b)
			switch {
			case ta == nil && tb == nil:
			case ta == nil:
				c = -1
			case tb == nil:
				c = 1
			default:
				c = ta.Truncate(time.Second).Compare(tb.Truncate(time.Second))
			}
		}
		if c == 0 {
			c = cmp.Compare(numericID(a.ForgeID), numericID(b.ForgeID))
		}
		if o.Direction == providers.Desc {
			c = -c
		}
		return c
	}
}
