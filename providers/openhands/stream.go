package openhands

import (
	"context"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// perPage is the per_page the source always asks for: one OpenHands page is one upstream page.
const perPage = providers.PageSize

// pagedQuery is the query of page (1-based) of p's list in sort order s.
func pagedQuery(p providers.Provider, s providers.Sort, page int) url.Values {
	return url.Values{
		"selected_provider": {wireProvider(p)},
		"sort":              {sortParam(s)},
		"page":              {strconv.Itoa(page)},
		"per_page":          {strconv.Itoa(perPage)},
	}
}

// nativeStream pages one forge's list in an order OpenHands returns as is: our page i is OpenHands'
// page i+1 with per_page=100.
type nativeStream struct {
	s  *Source
	q  providers.Query
	p  providers.Provider
	id string // providers.StreamID, computed once
}

// ID implements providers.Stream.
func (n *nativeStream) ID() string { return n.id }

// Key implements providers.Stream: the forge in lower case.
func (n *nativeStream) Key() string { return streamKey(n.p) }

// Source implements providers.Stream.
func (n *nativeStream) Source() string { return SourceName }

// FetchPage implements providers.Stream. More comes from the forge's Link header in the items'
// link_header (rel="next"), else from a full page; LastIndex from its rel="last". An answer holding
// a repository of another forge, more than 100 items, or a short page that claims a next one is a
// KindBadResponse error; with an etag a 304 is providers.ErrNotModified.
func (n *nativeStream) FetchPage(ctx context.Context, i int, etag string) (providers.Page, error) {
	if i < 0 {
		return providers.Page{}, providers.Errorf(providers.KindInternal, SourceName, "negative page index %d", i)
	}
	resp, items, err := n.s.list(ctx, n.q.Token, pagedQuery(n.p, n.q.Order.Sort, i+1), etag)
	if err != nil {
		return providers.Page{}, err
	}
	if resp.NotModified {
		return providers.Page{}, providers.ErrNotModified
	}
	if len(items) > perPage {
		return providers.Page{}, providers.Errorf(providers.KindBadResponse, SourceName, "%d repositories in a page of per_page=%d", len(items), perPage)
	}
	page := providers.Page{Items: make([]providers.Repository, 0, len(items)), Total: -1, LastIndex: -1, ETag: resp.Header.Get("ETag")}
	for k := range items {
		r, ok, err := convertRepository(&items[k])
		if err != nil {
			return providers.Page{}, err
		}
		if !ok || r.Provider != n.p {
			return providers.Page{}, providers.Errorf(providers.KindBadResponse, SourceName,
				"selected_provider=%s answered a %q repository (%s)", wireProvider(n.p), items[k].GitProvider, items[k].FullName)
		}
		page.Items = append(page.Items, r)
	}
	more, known, last := linkInfo(items, perPage)
	if !known {
		more = len(items) == perPage
	}
	if more && len(items) < perPage {
		return providers.Page{}, providers.Errorf(providers.KindBadResponse, SourceName,
			"page %d holds %d repositories but the forge says more follow: cannot page it by position", i+1, len(items))
	}
	page.More = more
	if last >= i {
		page.LastIndex = last
	}
	return page, nil
}

// readProvider returns the whole-list read of p through selected_provider: pages of 100 in
// full_name order (stable while repositories are pushed to) until a page without rel="next" (or,
// without a Link header, a short page). It fails with KindBadResponse beyond max repositories.
func (s *Source) readProvider(token string, p providers.Provider) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		var out []providers.Repository
		seen := map[string]bool{}
		for page := 1; ; page++ {
			if page > max/perPage+2 {
				return nil, tooMany(p, max)
			}
			_, items, err := s.list(ctx, token, pagedQuery(p, providers.SortFullName, page), "")
			if err != nil {
				return nil, err
			}
			added := 0
			for k := range items {
				r, ok, err := convertRepository(&items[k])
				if err != nil {
					return nil, err
				}
				if !ok || r.Provider != p || seen[r.Identity()] {
					continue
				}
				seen[r.Identity()] = true
				out = append(out, r)
				added++
			}
			if len(out) > max {
				return nil, tooMany(p, max)
			}
			more, known, _ := linkInfo(items, perPage)
			if !known {
				more = len(items) == perPage
			}
			// A page that adds nothing new ends the read: OpenHands would otherwise be asked forever.
			if !more || added == 0 {
				return out, nil
			}
		}
	}
}

// readAll returns the read of the unpaged list of every forge: one request without
// selected_provider, page or per_page. Items of other forges (enterprise_sso) are dropped and a
// repository listed twice is kept once. It fails with KindBadResponse beyond max repositories.
func (s *Source) readAll(token string) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		_, items, err := s.list(ctx, token, nil, "")
		if err != nil {
			return nil, err
		}
		out := make([]providers.Repository, 0, len(items))
		seen := map[string]bool{}
		for k := range items {
			r, ok, err := convertRepository(&items[k])
			if err != nil {
				return nil, err
			}
			if !ok || seen[r.Identity()] {
				continue
			}
			seen[r.Identity()] = true
			out = append(out, r)
		}
		if len(out) > max {
			return nil, providers.Errorf(providers.KindBadResponse, SourceName,
				"OpenHands listed %d repositories across all forges, more than %d: raise MAX_REPOSITORIES_PER_SOURCE or ask for one provider", len(out), max)
		}
		return out, nil
	}
}

func tooMany(p providers.Provider, max int) *providers.Error {
	return providers.Errorf(providers.KindBadResponse, SourceName,
		"more than %d %s repositories through OpenHands: raise MAX_REPOSITORIES_PER_SOURCE or use an order OpenHands pages natively", max, p)
}
