package openhands

// This file is how OpenHands lists: one stream per forge it fronts; GitHub in its default orders
// paged with selected_provider, every other list read whole (readProvider, readAll: wire.ReadAll)
// and sorted by providers.Local.

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
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
	if err := providers.CheckPageIndex(SourceName, i, -1); err != nil {
		return providers.Page{}, err
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

// readProvider returns the whole-list read of p through selected_provider, with wire.ReadAll's stop
// rule: pages of 100 in full_name order (stable while repositories are pushed to) until a page
// without rel="next" (or, without a Link header, a short page). Items of another forge are
// dropped. It fails with KindBadResponse beyond max repositories.
func (s *Source) readProvider(token string, p providers.Provider) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		return wire.ReadAll(ctx, wire.Read[providers.Repository]{
			Source: SourceName, Max: max, PageSize: perPage,
			Key:     identity,
			TooMany: func() error { return tooMany(p, max) },
			Fetch: func(ctx context.Context, n int) (wire.Page[providers.Repository], error) {
				_, items, err := s.list(ctx, token, pagedQuery(p, providers.SortFullName, n), "")
				if err != nil {
					return wire.Page[providers.Repository]{}, err
				}
				out, err := convertKept(items, func(r *providers.Repository) bool { return r.Provider == p })
				if err != nil {
					return wire.Page[providers.Repository]{}, err
				}
				more, known, _ := linkInfo(items, perPage)
				if !known {
					more = len(items) == perPage
				}
				return wire.Page[providers.Repository]{Items: out, More: more, Total: -1}, nil
			},
		})
	}
}

// readAll returns the read of the unpaged list of every forge: one request without
// selected_provider, page or per_page (OpenHands then ignores paging and answers everything, so
// the read is one page without More). Items of other forges (enterprise_sso) are dropped and a
// repository listed twice is kept once. It fails with KindBadResponse beyond max repositories.
func (s *Source) readAll(token string) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		return wire.ReadAll(ctx, wire.Read[providers.Repository]{
			Source: SourceName, Max: max, PageSize: perPage,
			Key: identity,
			TooMany: func() error {
				return providers.Errorf(providers.KindBadResponse, SourceName,
					"OpenHands listed more than %d repositories across all forges: raise MAX_REPOSITORIES_PER_SOURCE or ask for one provider", max)
			},
			Fetch: func(ctx context.Context, _ int) (wire.Page[providers.Repository], error) {
				_, items, err := s.list(ctx, token, nil, "")
				if err != nil {
					return wire.Page[providers.Repository]{}, err
				}
				out, err := convertKept(items, nil)
				return wire.Page[providers.Repository]{Items: out, Total: -1}, err
			},
		})
	}
}

// convertKept converts items, dropping those of no forge forgegraph knows and, with keep, those
// keep refuses. The first item that is not a repository fails the whole answer.
func convertKept(items []repository, keep func(*providers.Repository) bool) ([]providers.Repository, error) {
	out := make([]providers.Repository, 0, len(items))
	for k := range items {
		r, ok, err := convertRepository(&items[k])
		if err != nil {
			return nil, err
		}
		if ok && (keep == nil || keep(&r)) {
			out = append(out, r)
		}
	}
	return out, nil
}

func tooMany(p providers.Provider, max int) *providers.Error {
	return providers.Errorf(providers.KindBadResponse, SourceName,
		"more than %d %s repositories through OpenHands: raise MAX_REPOSITORIES_PER_SOURCE or use an order OpenHands pages natively", max, p)
}

// identity is the key a whole-list read drops repeats by: forge and forge id.
func identity(r providers.Repository) string { return r.Identity() }

// streamKey is a stream's Key: the forge in lower case (github, gitlab, bitbucket), whether the
// stream is alone or merged with the others.
func streamKey(p providers.Provider) string { return strings.ToLower(string(p)) }

// Streams returns one stream per forge q allows, each holding only that forge's repositories. When
// q allows exactly one forge, GitHub in its native orders is paged with selected_provider; other
// single-forge lists are read whole and sorted. When q allows several, every stream is served from
// the one unpaged list of every forge. It fails with KindInternal for an invalid order (a server bug); it makes no
// request (errors of the reads come from the streams' FetchPage).
func (s *Source) Streams(_ context.Context, q providers.Query) ([]providers.Stream, error) {
	if err := q.Check(SourceName); err != nil {
		return nil, err
	}
	if !q.Owner.IsZero() {
		return nil, providers.OwnersNotSupported(SourceName)
	}
	var allowed []providers.Provider
	for _, p := range forges {
		if q.Allows(p) {
			allowed = append(allowed, p)
		}
	}
	if len(allowed) == 1 {
		p := allowed[0]
		if native(p, q.Order) {
			return []providers.Stream{&nativeStream{s: s, q: q, p: p, id: providers.StreamID(SourceName, streamKey(p), q)}}, nil
		}
		return []providers.Stream{s.localStream(q, p, false)}, nil
	}
	out := make([]providers.Stream, len(allowed))
	for i, p := range allowed {
		out[i] = s.localStream(q, p, true)
	}
	return out, nil
}

// native reports whether OpenHands pages p's list in exactly order o: only GitHub, which receives
// sort as is and applies its default direction.
func native(p providers.Provider, o providers.Order) bool {
	return p == providers.GitHub && o == providers.NewOrder(o.Sort, "")
}

// List keys of the whole lists the source reads (see providers.Local.Stream).
const listKeyAll = "all"

func listKeyProvider(p providers.Provider) string { return "provider:" + wireProvider(p) }

// localStream returns a stream of p's repositories in q's order, sorted here. merged streams (and
// Bitbucket always) read the unpaged list of every forge; a lone GitHub or GitLab stream pages its
// forge's list with selected_provider.
func (s *Source) localStream(q providers.Query, p providers.Provider, merged bool) providers.Stream {
	keep := func(r *providers.Repository) bool { return r.Provider == p }
	if merged || p == providers.Bitbucket {
		return s.local.Stream(SourceName, streamKey(p), q, listKeyAll, s.readAll(q.Token), keep)
	}
	return s.local.Stream(SourceName, streamKey(p), q, listKeyProvider(p), s.readProvider(q.Token, p), keep)
}

// linkInfo reads the forge's Link header that OpenHands passes on in the items' link_header.
// known is false when no item carries one (OpenHands sends null, or "" when the forge sent none);
// then more says nothing. last is the index (0-based) of the last page when a rel="last" link for
// per_page=perPage names it, else -1.
func linkInfo(items []repository, perPage int) (more, known bool, last int) {
	last = -1
	for i := range items {
		h := items[i].LinkHeader
		if h == nil || strings.TrimSpace(*h) == "" {
			continue
		}
		l := wire.ParseLinks(*h)
		if l.Last > 0 && l.LastQuery.Get("per_page") == strconv.Itoa(perPage) {
			last = l.Last - 1
		}
		return l.Next, true, last
	}
	return false, false, -1
}
