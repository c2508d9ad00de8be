package gitlab

// This file is how GitLab lists and pages: GET /projects?membership=true, page/per_page=100, More and
// totals from x-next-page, x-total(-pages) and Link (readPaging); FULL_NAME read whole in id order
// (readAll, wire.ReadAll) and sorted by providers.Local.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// nativeStream pages GET /projects?membership=true in an order GitLab sorts natively: our page i is
// GitLab's page i+1 of 100.
type nativeStream struct {
	src     *Source
	q       providers.Query
	orderBy string
	sort    string
	id      string // providers.StreamID, computed once
	// list is the endpoint and its filter: the user's projects, or an owner's (owners.go).
	list projectList
	// native are the filter parameters GitLab narrows with (filter.go); nil for the unfiltered list.
	native url.Values
}

// ID implements providers.Stream.
func (st *nativeStream) ID() string { return st.id }

// Key implements providers.Stream: GitLab has one stream.
func (st *nativeStream) Key() string { return "" }

// Source implements providers.Stream.
func (st *nativeStream) Source() string { return SourceName }

// FetchPage implements providers.Stream. It returns providers.ErrNotModified when etag still
// matches, and *providers.Error values for every failure.
func (st *nativeStream) FetchPage(ctx context.Context, i int, etag string) (providers.Page, error) {
	if err := providers.CheckPageIndex(SourceName, i, -1); err != nil {
		return providers.Page{}, err
	}
	query := st.list.query(st.orderBy, st.sort, i+1)
	viewer := ""
	if st.native != nil {
		for k, v := range st.native {
			query[k] = v
		}
		if st.q.Filter.Affiliations != nil {
			var err error
			if viewer, err = st.src.viewer(ctx, st.q.Token); err != nil {
				return providers.Page{}, err
			}
		}
	}
	return st.src.fetchPage(ctx, st.q.Token, st.list.path, query, etag, viewer)
}

// projectList is a project list endpoint: its path and the filter parameters sent with every page.
type projectList struct {
	path   string
	filter url.Values
}

// membership is the user's own list: GET /projects?membership=true. membership=true is what makes
// it the user's list: without it GitLab returns every project the token can see, all public ones
// included.
var membership = projectList{path: "/projects", filter: url.Values{"membership": {"true"}}}

// query is the query of page (1-based) of the list in orderBy and sort.
func (l projectList) query(orderBy, sort string, page int) url.Values {
	q := url.Values{
		"order_by": {orderBy},
		"sort":     {sort},
		"per_page": {strconv.Itoa(providers.PageSize)},
		"page":     {strconv.Itoa(page)},
	}
	for k, v := range l.filter {
		q[k] = v
	}
	return q
}

// fetchPage reads one page of GET path (/projects, or an owner's projects) and reads its paging
// headers. With a viewer (the username of token's user) it sets each project's affiliation
// (filter.go); "" leaves it unknown.
func (s *Source) fetchPage(ctx context.Context, token, path string, query url.Values, etag, viewer string) (providers.Page, error) {
	resp, err := s.client.Get(ctx, token, path, query, etag)
	if err != nil {
		return providers.Page{}, err
	}
	if resp.NotModified {
		return providers.Page{}, providers.ErrNotModified
	}
	var ps []project
	if err := s.client.Decode(ctx, resp.Body, &ps); err != nil {
		return providers.Page{}, err
	}
	items, err := convertProjects(ps)
	if err != nil {
		return providers.Page{}, err
	}
	if viewer != "" {
		for j := range ps {
			items[j].Affiliation = affiliation(ps[j].Namespace, items[j].Owner, viewer)
		}
	}
	page, _ := strconv.Atoi(query.Get("page"))
	if len(items) > providers.PageSize {
		return providers.Page{}, providers.Errorf(providers.KindBadResponse, SourceName,
			"page %d has %d projects, more than the %d asked for", page, len(items), providers.PageSize)
	}
	if per, ok := rest.HeaderInt(resp.Header, "X-Per-Page"); ok && per != providers.PageSize {
		return providers.Page{}, providers.Errorf(providers.KindBadResponse, SourceName,
			"GitLab paged by %d instead of the %d asked for", per, providers.PageSize)
	}
	p := readPaging(resp.Header, page, len(items))
	if p.More && len(items) < providers.PageSize {
		return providers.Page{}, providers.Errorf(providers.KindBadResponse, SourceName,
			"page %d has %d projects but says another page follows", page, len(items))
	}
	p.Items = items
	p.ETag = resp.Header.Get("ETag")
	return p, nil
}

// readPaging reads GitLab's paging headers for page (1-based) holding n items. Total comes from
// x-total; GitLab omits x-total, x-total-pages and Link rel="last" above 10,000 projects, so More is
// taken from x-next-page (empty on the last page), else from Link rel="next", else from the totals,
// else from whether the page is full. No URL of a header is ever requested: only its page number
// is read.
func readPaging(h http.Header, page, n int) providers.Page {
	p := providers.Page{Total: -1, LastIndex: -1}
	if t, ok := rest.HeaderInt(h, "X-Total"); ok && t >= 0 {
		p.Total = t
	}
	pages, pagesOK := rest.HeaderInt(h, "X-Total-Pages")
	links := wire.ParseLinks(h.Values("Link")...)
	switch {
	case len(h.Values("X-Next-Page")) > 0:
		p.More = strings.TrimSpace(h.Get("X-Next-Page")) != ""
	case len(h.Values("Link")) > 0:
		p.More = links.Next
	case pagesOK:
		p.More = page < pages
	case p.Total >= 0:
		p.More = page*providers.PageSize < p.Total
	default:
		p.More = n == providers.PageSize
	}
	switch {
	case pagesOK && pages > 0:
		p.LastIndex = pages - 1
	case p.Total >= 0:
		p.LastIndex = max(0, (p.Total+providers.PageSize-1)/providers.PageSize-1)
	case links.Last > 0:
		p.LastIndex = links.Last - 1
	}
	return p
}

// readAll reads the user's whole project list for a local sort, in id order (which new projects do
// not shift), with wire.ReadAll's stop rule: it fails with KindBadResponse once it holds more than
// max projects (at once when x-total says so, else after reading past max).
func (s *Source) readAll(ctx context.Context, token string, list projectList, max int) ([]providers.Repository, error) {
	tooMany := func() error {
		return providers.Errorf(providers.KindBadResponse, SourceName,
			"more than %d projects: raise MAX_REPOSITORIES_PER_SOURCE or sort by PUSHED, UPDATED or CREATED, which GitLab sorts itself", max)
	}
	return wire.ReadAll(ctx, wire.Read[providers.Repository]{
		Source: SourceName, Max: max, PageSize: providers.PageSize, TooMany: tooMany,
		// A project added to the user's list during the read shifts later pages: repeats are kept once.
		Key: func(r providers.Repository) string { return r.ForgeID },
		Fetch: func(ctx context.Context, n int) (wire.Page[providers.Repository], error) {
			p, err := s.fetchPage(ctx, token, list.path, list.query("id", "asc", n), "", "")
			return wire.Page[providers.Repository]{Items: p.Items, More: p.More, Total: p.Total}, err
		},
	})
}

// orderBy maps the sorts GitLab can give natively to its order_by values. FULL_NAME is missing on
// purpose: order_by=name and order_by=path sort by the project's own name, not by its full path
// (group/sub/name), so that sort is served locally.
var orderBy = map[providers.Sort]string{
	providers.SortPushed:  "last_activity_at",
	providers.SortUpdated: "updated_at",
	providers.SortCreated: "created_at",
}

// listKey names the whole list the local sort reads: every project the user is a member of.
const listKey = "membership"

// Streams returns the one stream of q's list: native paging of GET /projects?membership=true for
// PUSHED, UPDATED and CREATED, and the locally sorted whole list for FULL_NAME. It returns no
// stream when q's provider filter excludes GitLab, a KindInternal error for an invalid order (a server bug) and a
// KindUnauth error when q has no token.
func (s *Source) Streams(_ context.Context, q providers.Query) ([]providers.Stream, error) {
	if err := q.Check(SourceName); err != nil {
		return nil, err
	}
	if !q.Allows(providers.GitLab) {
		return nil, nil
	}
	if q.Token == "" {
		return nil, s.client.NoToken()
	}
	list, key := membership, listKey
	if !q.Owner.IsZero() {
		var err error
		if list, err = s.ownerList(q.Owner); err != nil { // owners.go
			return nil, err
		}
		key = "owner|" + string(q.Owner.Kind) + ":" + strconv.Quote(q.Owner.Login)
	}
	if !q.Filter.IsZero() {
		// A filtered list is read whole (providers.FilterStreams) and sorted there: read it in id
		// order, narrowed by what GitLab filters natively on the user's own list (an owner's is
		// read unnarrowed: its endpoints do not search namespaces).
		var native url.Values
		if q.Owner.IsZero() {
			native = nativeFilter(q.Filter)
		}
		return []providers.Stream{&nativeStream{src: s, q: q, orderBy: "id", sort: "asc",
			id: providers.StreamID(SourceName, "", q), native: native, list: list}}, nil
	}
	if by, ok := orderBy[q.Order.Sort]; ok {
		return []providers.Stream{&nativeStream{src: s, q: q, orderBy: by, sort: direction(q.Order.Direction),
			id: providers.StreamID(SourceName, "", q), list: list}}, nil
	}
	read := func(ctx context.Context, max int) ([]providers.Repository, error) {
		return s.readAll(ctx, q.Token, list, max)
	}
	return []providers.Stream{s.local.Stream(SourceName, "", q, key, read, nil)}, nil
}

func direction(d providers.Direction) string {
	if d == providers.Asc {
		return "asc"
	}
	return "desc"
}
