package bitbucket

// This file is how Bitbucket lists: one stream per workspace (workspaces.go), each paging
// GET /2.0/repositories/{workspace}?role=member by page number; FULL_NAME read whole per workspace
// (readAll, wire.ReadAll) and sorted by providers.Local.

import (
	"context"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// Name returns "bitbucket".
func (s *Source) Name() string { return SourceName }

// Providers returns [BITBUCKET].
func (s *Source) Providers() []providers.Provider { return []providers.Provider{providers.Bitbucket} }

// Streams returns one stream per workspace of the credential, in slug order, each keyed by the
// workspace slug; none when q's provider filter excludes Bitbucket or the credential has no
// workspace. PUSHED, UPDATED (both Bitbucket's updated_on) and CREATED (created_on) are paged
// natively, 100 per upstream page; FULL_NAME is sorted locally per workspace through Config.Local.
// Errors are *providers.Error: KindInternal for an invalid order (a server bug), KindUnauth without a token or
// for a rejected one, KindBadResponse when the credential is in more than MaxWorkspaces workspaces,
// and the rest kinds of a failed workspace listing.
func (s *Source) Streams(ctx context.Context, q providers.Query) ([]providers.Stream, error) {
	if err := q.Check(SourceName); err != nil {
		return nil, err
	}
	if !q.Allows(providers.Bitbucket) {
		return nil, nil
	}
	if !q.Owner.IsZero() {
		return s.ownerStreams(q) // owners.go
	}
	workspaces, err := s.listWorkspaces(ctx, q.Token)
	if err != nil {
		return nil, err
	}
	if !q.Filter.IsZero() {
		return s.filteredStreams(ctx, q, workspaces)
	}
	streams := make([]providers.Stream, 0, len(workspaces))
	for _, ws := range workspaces {
		streams = append(streams, s.workspaceStream(q, ws, "member"))
	}
	return streams, nil
}

// workspaceStream is workspace ws's repository list in q's order, with role ("member": the ones the
// credential is a member of; "": every one it can see): native for the orders Bitbucket sorts,
// else read whole and sorted locally.
func (s *Source) workspaceStream(q providers.Query, ws, role string) providers.Stream {
	if sort, ok := nativeSort(q.Order); ok {
		return &stream{s: s, ws: ws, q: q, sort: sort, role: role, id: providers.StreamID(SourceName, ws, q)}
	}
	listKey := "repositories/" + ws
	if role != "member" {
		listKey += "?role=" + role
	}
	return s.local.Stream(SourceName, ws, q, listKey, s.readAll(q.Token, ws, role), nil)
}

// nativeSort returns Bitbucket's sort parameter for o, and false when Bitbucket cannot give the
// list in o (FULL_NAME: forgegraph compares lower-cased full paths).
func nativeSort(o providers.Order) (string, bool) {
	var field string
	switch o.Sort {
	case providers.SortPushed, providers.SortUpdated:
		field = "updated_on"
	case providers.SortCreated:
		field = "created_on"
	default:
		return "", false
	}
	if o.Direction == providers.Desc {
		field = "-" + field
	}
	return field, true
}

// repositoriesPath is the path of a workspace's repository list, or of one repository when slug is
// given: each name is checked (Bitbucket's slug characters or a {uuid}) and escapes with
// url.PathEscape ("{uuid}" becomes "%7Buuid%7D"). A refused name is a KindBadInput error.
func (s *Source) repositoriesPath(names ...string) (string, error) {
	return s.client.Path("/repositories", names...)
}

// stream is one workspace's repositories in a native order.
type stream struct {
	s    *Source
	ws   string
	q    providers.Query
	sort string
	role string // the role parameter; "" sends none
	id   string // providers.StreamID, computed once
	// bbql is the filter query (q=) of a filtered list (filter.go), "" for none; aff the
	// workspace's affiliation set on each item of a filtered list.
	bbql string
	aff  providers.Affiliation
}

// ID implements providers.Stream.
func (st *stream) ID() string { return st.id }

// Key returns the workspace slug.
func (st *stream) Key() string { return st.ws }

// Source returns "bitbucket".
func (st *stream) Source() string { return SourceName }

// FetchPage returns page i: Bitbucket's page i+1 of 100 repositories. Total is the envelope's size
// when Bitbucket sends it, else -1; More is whether it sent a next link. A 404 for a page after
// the first is the end of the list (Bitbucket's "Invalid page") and gives an empty last page. With
// etag, a 304 answer gives providers.ErrNotModified. Other errors are *providers.Error values.
func (st *stream) FetchPage(ctx context.Context, i int, etag string) (providers.Page, error) {
	if err := providers.CheckPageIndex(SourceName, i, -1); err != nil {
		return providers.Page{}, err
	}
	q := url.Values{
		"sort":    {st.sort},
		"pagelen": {strconv.Itoa(providers.PageSize)},
		"page":    {strconv.Itoa(i + 1)},
	}
	if st.role != "" {
		q.Set("role", st.role)
	}
	if st.bbql != "" {
		q.Set("q", st.bbql)
	}
	path, err := st.s.repositoriesPath(st.ws)
	if err != nil {
		return providers.Page{}, err
	}
	resp, err := st.s.client.Get(ctx, st.q.Token, path, q, etag)
	if err != nil {
		if i > 0 && providers.KindOf(err) == providers.KindNotFound {
			return providers.Page{Total: -1, LastIndex: -1}, nil
		}
		return providers.Page{}, err
	}
	if resp.NotModified {
		return providers.Page{}, providers.ErrNotModified
	}
	var body paginated[repository]
	if err := st.s.client.Decode(ctx, resp.Body, &body); err != nil {
		return providers.Page{}, err
	}
	items, err := st.s.convertRepositories(body.Values)
	if err != nil {
		return providers.Page{}, err
	}
	for j := range items {
		items[j].Affiliation = st.aff
	}
	more := body.Next != ""
	if len(items) > providers.PageSize || (more && len(items) != providers.PageSize) {
		return providers.Page{}, st.s.errorf(providers.KindBadResponse, nil,
			"page of %d repositories where %d were asked for", len(items), providers.PageSize)
	}
	total := -1
	if body.Size != nil {
		total = *body.Size
	}
	return providers.Page{Items: items, More: more, Total: total, LastIndex: -1, ETag: resp.Header.Get("ETag")}, nil
}

// readAll returns the reader of workspace ws's whole list for the local sort, with wire.ReadAll's
// stop rule. It reads pages of 100 by number, sorted by created_on so that repositories updated
// during the read do not move between pages, until a page without next; a repository seen twice is
// kept once, and a list longer than max fails with KindBadResponse. A 404 for a page after the
// first is Bitbucket's "Invalid page", the end of the list (as in FetchPage).
func (s *Source) readAll(token, ws, role string) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		path, err := s.repositoriesPath(ws)
		if err != nil {
			return nil, err
		}
		return wire.ReadAll(ctx, wire.Read[providers.Repository]{
			Source: SourceName, Max: max, PageSize: providers.PageSize,
			Key: func(r providers.Repository) string { return r.ForgeID },
			TooMany: func() error {
				return s.errorf(providers.KindBadResponse, nil, "more than %d repositories in workspace %s: raise MAX_REPOSITORIES_PER_SOURCE "+
					"or sort by PUSHED, UPDATED or CREATED, which Bitbucket sorts itself", max, ws)
			},
			Fetch: func(ctx context.Context, n int) (wire.Page[providers.Repository], error) {
				q := url.Values{
					"sort":    {"created_on"},
					"pagelen": {strconv.Itoa(providers.PageSize)},
					"page":    {strconv.Itoa(n)},
				}
				if role != "" {
					q.Set("role", role)
				}
				resp, err := s.client.Get(ctx, token, path, q, "")
				if err != nil {
					if n > 1 && providers.KindOf(err) == providers.KindNotFound {
						return wire.Page[providers.Repository]{Total: -1}, nil
					}
					return wire.Page[providers.Repository]{}, err
				}
				var body paginated[repository]
				if err := s.client.Decode(ctx, resp.Body, &body); err != nil {
					return wire.Page[providers.Repository]{}, err
				}
				items, err := s.convertRepositories(body.Values)
				if err != nil {
					return wire.Page[providers.Repository]{}, err
				}
				// size is not trusted as the total here: the list is read to its end or past max.
				return wire.Page[providers.Repository]{Items: items, More: body.Next != "", Total: -1}, nil
			},
		})
	}
}
