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

const (
	defaultPagelen = 10
	maxPagelen     = 100
)

// envelope is Bitbucket's paging envelope.
type envelope struct {
	Pagelen  int    `json:"pagelen"`
	Size     int    `json:"size"`
	Page     int    `json:"page"`
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
	Values   any    `json:"values"`
}

// pageParams reads page (default 1) and pagelen (default 10, 1 to 100); msg is the error message
// of a 400 answer when either is invalid, else "".
func pageParams(q url.Values) (page, pagelen int, msg string) {
	page, pagelen = 1, defaultPagelen
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, "Invalid page"
		}
		page = n
	}
	if v := q.Get("pagelen"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPagelen {
			return 0, 0, "Invalid pagelen"
		}
		pagelen = n
	}
	return page, pagelen, ""
}

// window returns the bounds of page (1-based) of n items; ok is false for a page after the last
// one (the first page always exists, empty when n is 0).
func window(n, page, pagelen int) (lo, hi int, ok bool) {
	lo = (page - 1) * pagelen
	if page > 1 && lo >= n {
		return 0, 0, false
	}
	lo = min(lo, n)
	return lo, min(lo+pagelen, n), true
}

// orderFor maps Bitbucket's sort parameter to the order the fake sorts in; "" is the fake's
// default order (full_name ascending). ok is false for a field the fake does not sort by.
func orderFor(sort string) (providers.Order, bool) {
	dir := providers.Asc
	field := sort
	if f, ok := strings.CutPrefix(sort, "-"); ok {
		dir, field = providers.Desc, f
	}
	var s providers.Sort
	switch field {
	case "", "full_name", "slug", "name":
		s = providers.SortFullName
	case "updated_on":
		s = providers.SortUpdated
	case "created_on":
		s = providers.SortCreated
	default:
		return providers.Order{}, false
	}
	return providers.Order{Sort: s, Direction: dir}, true
}

// sorted returns a copy of repos in o as the fake's Bitbucket orders them, written for the fake
// rather than taken from forgegraph's comparator. Bitbucket's docs ("Filter and sort API
// results") say sort names one field, "-" for descending; they do not say how letter case or ties
// are ordered. The fake compares full_name case-insensitively, a missing date as the oldest, and
// breaks every tie by the repository's id (its uuid) in the sort's direction: unlike forgegraph,
// which breaks ties by full path, so no test passes only because the two agree.
func sorted(repos []providers.Repository, o providers.Order) []providers.Repository {
	date := map[providers.Sort]func(r *providers.Repository) *time.Time{
		providers.SortPushed:  func(r *providers.Repository) *time.Time { return r.UpdatedAt },
		providers.SortUpdated: func(r *providers.Repository) *time.Time { return r.UpdatedAt },
		providers.SortCreated: func(r *providers.Repository) *time.Time { return r.CreatedAt },
	}[o.Sort]
	c := slices.Clone(repos)
	slices.SortStableFunc(c, func(a, b providers.Repository) int {
		var r int
		if date == nil {
			r = strings.Compare(strings.ToLower(a.NameWithOwner), strings.ToLower(b.NameWithOwner))
		} else {
			ta, tb := date(&a), date(&b)
			switch {
			case ta == nil && tb == nil:
			case ta == nil:
				r = -1
			case tb == nil:
				r = 1
			default:
				r = ta.Compare(*tb)
			}
		}
		if r == 0 {
			r = strings.Compare(a.ForgeID, b.ForgeID)
		}
		if o.Direction == providers.Desc {
			r = -r
		}
		return r
	})
	return c
}

// origin returns the scheme and host the client used, e.g. "http://127.0.0.1:4711".
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return scheme + "://" + host
}

// originalPath is the escaped path the client asked for, mount prefix included: http.StripPrefix
// changes r.URL but keeps r.RequestURI. Requests that did not come over a connection (an
// in-process RoundTripper) have no RequestURI; their r.URL path is used.
func originalPath(r *http.Request) string {
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			return u.EscapedPath()
		}
	}
	return r.URL.EscapedPath()
}

// apiRoot is the API base the client used: the original path without the part the fake routes on.
func apiRoot(r *http.Request) string {
	p := originalPath(r)
	p = strings.TrimSuffix(p, "/")
	rel := strings.TrimSuffix(r.URL.EscapedPath(), "/")
	return origin(r) + strings.TrimSuffix(p, rel)
}

// pageLink is the absolute URL of another page of the same listing, with the same parameters.
func pageLink(r *http.Request, page int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	return origin(r) + originalPath(r) + "?" + q.Encode()
}

// paged cuts page out of items and wraps it in the envelope with absolute next/previous links;
// ok is false for a page after the last.
func paged[T any](r *http.Request, items []T, page, pagelen int) (envelope, bool) {
	lo, hi, ok := window(len(items), page, pagelen)
	if !ok {
		return envelope{}, false
	}
	values := make([]T, 0, hi-lo)
	values = append(values, items[lo:hi]...)
	return newEnvelope(r, values, len(items), page, pagelen, hi), true
}

// newEnvelope wraps the values of page (ending at position hi of n items) in the envelope, with
// absolute next and previous links where those pages exist.
func newEnvelope(r *http.Request, values any, n, page, pagelen, hi int) envelope {
	e := envelope{Pagelen: pagelen, Size: n, Page: page, Values: values}
	if hi < n {
		e.Next = pageLink(r, page+1)
	}
	if page > 1 {
		e.Previous = pageLink(r, page-1)
	}
	return e
}
