package fake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// Paging defaults and limits of GitLab's offset pagination.
const (
	defaultPerPage = 20
	maxPerPage     = 100
)

// dateFields maps GitLab's date order_by values to the repository time the fake serves as that
// field.
var dateFields = map[string]func(r *providers.Repository) *time.Time{
	"last_activity_at": func(r *providers.Repository) *time.Time { return r.PushedAt },
	"updated_at":       func(r *providers.Repository) *time.Time { return r.UpdatedAt },
	"created_at":       func(r *providers.Repository) *time.Time { return r.CreatedAt },
}

// list answers GET /projects: the member's projects with membership=true, else every project the
// token can see (the member's and all public ones), sorted by order_by (default created_at) and
// sort (default desc), paged by page and per_page (default 20, at most 100).
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	s.listWhere(w, r, nil)
}

// listWhere answers a project list: GET /projects when keep is nil, else an owner's projects
// (owners.go), the visible projects for which keep is true, with the same order and paging.
func (s *Server) listWhere(w http.ResponseWriter, r *http.Request, keep func(*providers.Repository) bool) {
	q := r.URL.Query()
	membership, ok := parseBool(q.Get("membership"))
	if !ok {
		badParam(w, "membership")
		return
	}
	orderBy := q.Get("order_by")
	if orderBy == "" {
		orderBy = "created_at"
	}
	dir := q.Get("sort")
	if dir == "" {
		dir = "desc"
	}
	if dir != "asc" && dir != "desc" {
		badParam(w, "sort")
		return
	}
	page, perPage, ok := pageParams(w, q)
	if !ok {
		return
	}

	all, omitTotals := s.visible(!membership || keep != nil)
	if keep != nil {
		all = slices.DeleteFunc(all, func(r providers.Repository) bool { return !keep(&r) })
	}
	s.mu.RLock()
	user := s.userNamespace()
	s.mu.RUnlock()
	all, bad := filterProjects(q, all, user)
	if bad != "" {
		badParam(w, bad)
		return
	}
	cmp, ok := comparer(orderBy, dir)
	if !ok {
		badParam(w, "order_by")
		return
	}
	slices.SortStableFunc(all, func(a, b providers.Repository) int { return cmp(&a, &b) })

	total := len(all)
	lo := min((page-1)*perPage, total)
	hi := min(lo+perPage, total)
	out := make([]project, 0, hi-lo)
	for i := lo; i < hi; i++ {
		p := toWire(&all[i])
		s.withDetails(&p, &all[i], false, false)
		out = append(out, p)
	}
	totalPages := max(1, (total+perPage-1)/perPage)
	next, prev := "", ""
	if hi < total {
		next = strconv.Itoa(page + 1)
	}
	if page > 1 {
		prev = strconv.Itoa(page - 1)
	}
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Next-Page", next)
	h.Set("X-Prev-Page", prev)
	h.Set("X-Page-Type", "offset")
	if !omitTotals {
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(totalPages))
	}
	h.Set("Link", links(r, q, page, next != "", totalPages, !omitTotals))
	writeCacheable(w, r, http.StatusOK, out)
}

// comparer returns the order of order_by and dir as GitLab applies it, written from GitLab's own
// code, not from forgegraph's comparator: the API's order_options_with_tie_breaker (lib/api/
// helpers.rb) orders by { order_by => sort, id => sort }, so every order_by, dates included, breaks
// ties by project id in the same direction; PostgreSQL puts a NULL date last ascending and first
// descending. Names and paths compare case-insensitively (their collation).
func comparer(orderBy, dir string) (func(a, b *providers.Repository) int, bool) {
	var key func(a, b *providers.Repository) int
	switch field := dateFields[orderBy]; {
	case field != nil:
		key = func(a, b *providers.Repository) int { return compareNullLast(field(a), field(b)) }
	case orderBy == "id":
		key = func(a, b *providers.Repository) int { return 0 }
	case orderBy == "name":
		key = func(a, b *providers.Repository) int {
			return strings.Compare(strings.ToLower(nameOf(a)), strings.ToLower(nameOf(b)))
		}
	case orderBy == "path":
		key = func(a, b *providers.Repository) int {
			return strings.Compare(strings.ToLower(pathOf(a)), strings.ToLower(pathOf(b)))
		}
	case orderBy == "star_count":
		key = func(a, b *providers.Repository) int { return stars(a) - stars(b) }
	default:
		return nil, false
	}
	return func(a, b *providers.Repository) int {
		c := key(a, b)
		if c == 0 {
			ia, ib := projectID(a), projectID(b)
			switch {
			case ia < ib:
				c = -1
			case ia > ib:
				c = 1
			}
		}
		if dir == "desc" {
			c = -c
		}
		return c
	}, true
}

// links builds the Link header GitLab sends: prev, next, first and (when totals are shown) last,
// each the request's URL with another page.
func links(r *http.Request, q url.Values, page int, hasNext bool, totalPages int, withLast bool) string {
	base := requestBase(r)
	link := func(p int, rel string) string {
		c := url.Values{}
		for k, v := range q {
			c[k] = v
		}
		c.Set("page", strconv.Itoa(p))
		return "<" + base + "?" + c.Encode() + `>; rel="` + rel + `"`
	}
	var parts []string
	if page > 1 {
		parts = append(parts, link(page-1, "prev"))
	}
	if hasNext {
		parts = append(parts, link(page+1, "next"))
	}
	parts = append(parts, link(1, "first"))
	if withLast {
		parts = append(parts, link(totalPages, "last"))
	}
	return strings.Join(parts, ", ")
}

// requestBase is the absolute URL of the request's path as the client sent it (before any prefix
// was stripped), without its query.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if r.URL.Scheme != "" {
		scheme = r.URL.Scheme
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	path := r.URL.EscapedPath()
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			path = u.EscapedPath()
		}
	}
	return scheme + "://" + host + path
}

// parseBool parses a Grape Boolean parameter; "" is false.
func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "":
		return false, true
	case "true", "t", "1", "yes", "y":
		return true, true
	case "false", "f", "0", "no", "n":
		return false, true
	}
	return false, false
}

// parseInt parses an integer parameter, def when "".
func parseInt(s string, def int) (int, bool) {
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// badParam answers 400 with Grape's validation error body.
func badParam(w http.ResponseWriter, name string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": name + " does not have a valid value"})
}

// pathOf is a project's own path: the last segment of its full path.
func pathOf(r *providers.Repository) string {
	return r.NameWithOwner[strings.LastIndex(r.NameWithOwner, "/")+1:]
}

// nameOf is a project's own name, its path when it has none.
func nameOf(r *providers.Repository) string {
	if r.Name != "" {
		return r.Name
	}
	return pathOf(r)
}

func stars(r *providers.Repository) int {
	if r.StargazerCount == nil {
		return 0
	}
	return *r.StargazerCount
}

// compareNullLast orders times ascending with a missing one after every present one (PostgreSQL's
// default for ASC; reversed with the rest for DESC).
func compareNullLast(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}
