package fake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// entry is a repository as the fake's database row: the repository, its numeric id and whether
// it belongs to the viewer's list.
type entry struct {
	repo   providers.Repository
	id     int64
	mine   bool
	public bool
}

// visible returns the viewer's repositories and, when withOthers, the public ones of others.
func (s *Server) visible(withOthers bool) []entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]entry, 0, len(s.repos))
	for _, r := range s.repos {
		out = append(out, entry{repo: r, id: idOf(&r), mine: true, public: !r.IsPrivate})
	}
	if withOthers {
		for _, r := range s.Others {
			if !r.IsPrivate {
				r = normalize(r)
				out = append(out, entry{repo: r, id: idOf(&r), public: true})
			}
		}
	}
	return out
}

// search answers GET /repos/search. With uid (the viewer's id) it lists the viewer's
// repositories, owned and collaborative, as GET /user/repos does; exclusive=true keeps the owned
// ones; private=false leaves out private ones; mode fork, source, mirror or collaborative narrows
// the list. Without uid it lists every repository the token can see. sort is alpha (default),
// created, updated or id; order asc (default) or desc. The body is {"ok": true, "data": [...]}.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	uid, _ := strconv.ParseInt(q.Get("uid"), 10, 64)
	all := s.visible(uid == 0)
	if uid > 0 && uid != viewerID {
		all = nil // another user's list: the fake knows only the viewer's
	}
	keep := func(e entry) bool { return true }
	if q.Get("private") != "" && !formBool(q.Get("private")) {
		keep = func(e entry) bool { return e.public }
	}
	exclusive := uid > 0 && formBool(q.Get("exclusive"))
	var mode func(e entry) bool
	switch q.Get("mode") {
	case "":
	case "fork":
		mode = func(e entry) bool { return e.repo.IsFork != nil && *e.repo.IsFork }
	case "source":
		mode = func(e entry) bool { return e.repo.IsFork == nil || !*e.repo.IsFork }
	case "mirror":
		mode = func(entry) bool { return false }
	case "collaborative":
		mode = func(e entry) bool { return !strings.EqualFold(e.repo.Owner, s.viewer()) }
	default:
		apiError(w, r, http.StatusUnprocessableEntity, `Invalid search mode: "`+q.Get("mode")+`"`)
		return
	}
	narrow, bad := searchFilters(q) // filters.go
	if bad != "" {
		apiError(w, r, http.StatusUnprocessableEntity, bad)
		return
	}
	list := all[:0:0]
	for _, e := range all {
		if keep(e) && (!exclusive || strings.EqualFold(e.repo.Owner, s.viewer())) && (mode == nil || mode(e)) && narrow(e) {
			list = append(list, e)
		}
	}
	sortBy, order := q.Get("sort"), q.Get("order")
	if sortBy == "" {
		sortBy, order = "alpha", "asc" // order is ignored without sort
	}
	if order == "" {
		order = "asc"
	}
	if order != "asc" && order != "desc" {
		apiError(w, r, http.StatusUnprocessableEntity, `Invalid sort order: "`+order+`"`)
		return
	}
	cmp, ok := orderBy(sortBy, order == "desc")
	if !ok {
		apiError(w, r, http.StatusUnprocessableEntity, `Invalid sort mode: "`+sortBy+`"`)
		return
	}
	slices.SortStableFunc(list, cmp)
	data := s.paged(w, r, list)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "data": data})
}

// userRepos answers GET /user/repos: the viewer's list, owned and collaborative, in Gitea's
// default order (by name), paged like search, a bare array.
func (s *Server) userRepos(w http.ResponseWriter, r *http.Request) {
	list := s.visible(false)
	cmp, _ := orderBy("alpha", false)
	slices.SortStableFunc(list, cmp)
	writeJSON(w, http.StatusOK, s.paged(w, r, list))
}

// paged cuts page (from 1) of limit out of list, limit defaulting to DEFAULT_PAGING_NUM and
// silently capped at MaxResponseItems, and sets X-Total-Count and Link as Gitea does.
func (s *Server) paged(w http.ResponseWriter, r *http.Request, list []entry) []wireRepo {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = defaultPagingNum
	}
	limit = min(limit, s.maxItems())
	total := len(list)
	lo := min((page-1)*limit, total)
	hi := min(lo+limit, total)
	out := make([]wireRepo, 0, hi-lo)
	for i := lo; i < hi; i++ {
		wr := s.toWire(&list[i].repo)
		s.withParent(&wr, s.detailsOf(&list[i].repo))
		out = append(out, wr)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	if l := links(r, total, limit, page); l != "" {
		w.Header().Set("Link", l)
	}
	return out
}

// links builds Gitea's Link header for page of pageSize in a list of total: next unless on the
// last page, last unless on it, first unless on page 1, prev when a page precedes. The current
// page is clamped to the last (an empty list has one page), so a page past the end links like the
// last one. Each link is the request's URL with another page; limit is kept as the client sent it.
func links(r *http.Request, total, pageSize, page int) string {
	pages := max(1, (total+pageSize-1)/pageSize)
	cur := min(max(page, 1), pages)
	link := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		return "<" + requestBase(r) + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	var parts []string
	if cur < pages {
		parts = append(parts, link(cur+1, "next"), link(pages, "last"))
	}
	if cur > 1 {
		parts = append(parts, link(1, "first"), link(cur-1, "prev"))
	}
	return strings.Join(parts, ",")
}

// orderBy is Gitea's SQL order for sort and direction: alpha is "owner_name, name" (both in the
// direction, compared byte by byte as a binary collation does), created and updated the Unix
// seconds Gitea stores, id the id. Rows the order leaves tied come in id order, ascending, as the
// fake's table is stored (Gitea adds no tie-breaker: a real database may return them in any order).
func orderBy(sort string, desc bool) (func(a, b entry) int, bool) {
	var key func(a, b entry) int
	switch sort {
	case "alpha":
		key = func(a, b entry) int {
			if c := strings.Compare(a.repo.Owner, b.repo.Owner); c != 0 {
				return c
			}
			return strings.Compare(a.repo.Name, b.repo.Name)
		}
	case "created":
		key = func(a, b entry) int { return compareInt(unix(a.repo.CreatedAt), unix(b.repo.CreatedAt)) }
	case "updated":
		key = func(a, b entry) int { return compareInt(unix(a.repo.UpdatedAt), unix(b.repo.UpdatedAt)) }
	case "id":
		key = func(a, b entry) int { return compareInt(a.id, b.id) }
	default:
		return nil, false
	}
	return func(a, b entry) int {
		c := key(a, b)
		if desc {
			c = -c
		}
		if c == 0 {
			c = compareInt(a.id, b.id)
		}
		return c
	}, true
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// formBool reads a boolean form value as Go's strconv.ParseBool does; anything else is false.
func formBool(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}

// requestBase is the absolute URL of the request's path as the client sent it (before any prefix
// was stripped), without its query.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
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
