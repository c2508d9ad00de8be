package gitea

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// searchPath is the list endpoint: GET /repos/search, which sorts (GET /user/repos does not).
const searchPath = "/repos/search"

// me returns the user behind token (GET /user: its id and login), kept per credential for
// viewerTTL: the list's uid, the affiliation filters and createRepository's owner check share the
// one request, and so do concurrent callers.
func (s *Source) me(ctx context.Context, token string) (user, error) {
	return s.users.Get(ctx, SourceName, token, "user", func(ctx context.Context) (user, error) {
		var u user
		if _, err := s.client.Do(ctx, token, &rest.Request{Method: http.MethodGet, Path: "/user"}, &u); err != nil {
			return user{}, err
		}
		if u.ID <= 0 {
			return user{}, s.errorf(providers.KindBadResponse, "GET /user answered no user id")
		}
		return u, nil
	})
}

// viewer returns the id of the user behind token (see me).
func (s *Source) viewer(ctx context.Context, token string) (int64, error) {
	u, err := s.me(ctx, token)
	return u.ID, err
}

// searchQuery is the query of one upstream page of the viewer's list. uid with private=true and
// no exclusive or mode is exactly GET /user/repos's list (the repositories the user owns, plus
// those it reaches as a collaborator, through a team or in its organizations), here sorted by
// sort and order.
func searchQuery(uid int64, sort, order string, page, limit int, extra url.Values) url.Values {
	v := url.Values{
		"uid":     {strconv.FormatInt(uid, 10)},
		"private": {"true"},
		"sort":    {sort},
		"order":   {order},
		"page":    {strconv.Itoa(page)},
		"limit":   {strconv.Itoa(limit)},
	}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

// upstreamPage is one answer of GET /repos/search: its repositories and what its headers say.
type upstreamPage struct {
	items []providers.Repository
	// total is X-Total-Count, -1 when absent.
	total int
	// next reports a Link rel="next"; hasLink whether a Link header came at all.
	next, hasLink bool
}

// fetchUpstream reads page (1-based) of limit repositories.
func (s *Source) fetchUpstream(ctx context.Context, token string, uid int64, sort, order string, page, limit int, extra url.Values) (upstreamPage, error) {
	var body searchResults
	resp, err := s.client.GetJSON(ctx, token, searchPath, searchQuery(uid, sort, order, page, limit, extra), &body)
	if err != nil {
		return upstreamPage{}, err
	}
	if body.OK != nil && !*body.OK {
		return upstreamPage{}, s.client.Reported(ctx, resp.Status, "search answered ok: false")
	}
	items, err := convertRepositories(body.Data)
	if err != nil {
		return upstreamPage{}, err
	}
	if len(items) > limit {
		return upstreamPage{}, s.errorf(providers.KindBadResponse, "page %d has %d repositories, more than the %d asked for", page, len(items), limit)
	}
	p := upstreamPage{items: items, total: -1}
	if t, ok := rest.HeaderInt(resp.Header, "X-Total-Count"); ok && t >= 0 {
		p.total = t
	}
	links := wire.ParseLinks(resp.Header.Values("Link")...)
	p.hasLink, p.next = links.Present, links.Next
	return p, nil
}

// short reports whether p, page (1-based) of limit, holds fewer repositories than the list has
// there: the server paged by fewer than asked (MAX_RESPONSE_ITEMS below the limit). X-Total-Count
// decides when present, else Link rel="next" (a page followed by another must be full); without
// either a short page is taken as the last.
func (p upstreamPage) short(page, limit int) bool {
	if p.total >= 0 {
		return len(p.items) < min(limit, max(0, p.total-(page-1)*limit))
	}
	return p.next && len(p.items) < limit
}

// more reports whether the list goes on after p, page (1-based) of limit.
func (p upstreamPage) more(page, limit int) bool {
	switch {
	case p.total >= 0:
		return page*limit < p.total
	case p.hasLink:
		return p.next
	default:
		return len(p.items) == limit
	}
}

// fetchPage returns forgegraph's page i (providers.PageSize repositories) of the viewer's list in
// sort and order: upstream pages of the current limit, as many as one page holds, stopping at the
// list's end. When an answer shows the server caps pages below the limit, the limit is lowered to
// the cap (see learnLimit) and the page read again, once.
func (s *Source) fetchPage(ctx context.Context, token, sort, order string, i int, extra url.Values) (providers.Page, error) {
	if i < 0 {
		return providers.Page{}, s.errorf(providers.KindInternal, "negative page index %d", i)
	}
	uid, err := s.viewer(ctx, token)
	if err != nil {
		return providers.Page{}, err
	}
	for attempt := 0; ; attempt++ {
		limit := int(s.limit.Load())
		page, capped, err := s.readPage(ctx, token, uid, sort, order, i, limit, extra)
		if err != nil {
			return providers.Page{}, err
		}
		if !capped {
			return page, nil
		}
		if attempt > 0 {
			return providers.Page{}, s.errorf(providers.KindBadResponse,
				"pages of %d repositories came back short twice: the list changed while it was read, or the server does not page as documented", limit)
		}
		if err := s.learnLimit(ctx, token, uid, limit); err != nil {
			return providers.Page{}, err
		}
	}
}

// readPage reads forgegraph's page i from upstream pages of limit; capped reports an upstream
// page shorter than the list there (the caller learns the cap and reads again).
func (s *Source) readPage(ctx context.Context, token string, uid int64, sort, order string, i, limit int, extra url.Values) (providers.Page, bool, error) {
	per := providers.PageSize / limit
	out := providers.Page{Total: -1, LastIndex: -1}
	for k := 0; k < per; k++ {
		n := i*per + k + 1
		up, err := s.fetchUpstream(ctx, token, uid, sort, order, n, limit, extra)
		if err != nil {
			return providers.Page{}, false, err
		}
		if up.short(n, limit) {
			return providers.Page{}, true, nil
		}
		out.Items = append(out.Items, up.items...)
		out.Total = up.total
		out.More = up.more(n, limit)
		if !out.More {
			break
		}
	}
	if out.More && len(out.Items) < providers.PageSize {
		return providers.Page{}, false, s.errorf(providers.KindBadResponse, "page %d has %d repositories but says another page follows", i, len(out.Items))
	}
	if out.Total >= 0 {
		out.LastIndex = max(0, (out.Total+providers.PageSize-1)/providers.PageSize-1)
	}
	return out, false, nil
}

// learnLimit reads the first page of limit (where the server's cap cannot shift the offset) to
// find the server's MAX_RESPONSE_ITEMS, and keeps as the limit the largest divisor of
// providers.PageSize at most that cap, so that every upstream page starts where one of
// forgegraph's pages needs it. A server that answers the first page full is inconsistent with an
// earlier short page: a KindBadResponse error.
func (s *Source) learnLimit(ctx context.Context, token string, uid int64, limit int) error {
	up, err := s.fetchUpstream(ctx, token, uid, "id", "asc", 1, limit, nil)
	if err != nil {
		return err
	}
	got := len(up.items)
	if got == 0 || !up.short(1, limit) {
		return s.errorf(providers.KindBadResponse, "a page came back shorter than the list but the first page is not: the server does not page as documented")
	}
	d := got
	for providers.PageSize%d != 0 {
		d--
	}
	s.limit.Store(int32(d))
	return nil
}

// readAll returns the providers.ReadAll of token's whole list, for the local sorts: upstream pages
// in id order (new repositories only append), repositories seen twice kept once, failing with
// KindBadResponse past max repositories (at once when X-Total-Count says so).
func (s *Source) readAll(token string) providers.ReadAll { return s.readAllWith(token, nil) }

// readAllWith is readAll with extra /repos/search parameters (a filtered list's, filter.go).
func (s *Source) readAllWith(token string, extra url.Values) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		tooMany := func() error {
			return s.errorf(providers.KindBadResponse,
				"more than %d repositories: raise MAX_REPOSITORIES_PER_SOURCE or sort by PUSHED, UPDATED or CREATED, which Gitea sorts itself", max)
		}
		var all []providers.Repository
		seen := map[string]bool{}
		for i := 0; ; i++ {
			p, err := s.fetchPage(ctx, token, "id", "asc", i, extra)
			if err != nil {
				return nil, err
			}
			if p.Total > max {
				return nil, tooMany()
			}
			for _, r := range p.Items {
				if !seen[r.ForgeID] {
					seen[r.ForgeID] = true
					all = append(all, r)
				}
			}
			if len(all) > max || (p.More && i > max/providers.PageSize+1) {
				return nil, tooMany()
			}
			if !p.More {
				return all, nil
			}
		}
	}
}
