package github

// This file is how GitHub lists: GET /user/repos paged natively in every order (page/per_page=100),
// More and LastIndex from the Link header (wire.ParseLinks).

import (
	"context"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Streams returns the one stream of q's list: the user's repositories in q.Order, paged natively.
// It returns no stream when q's provider filter excludes GitHub, a KindUnauth error when q has no
// token and a KindInternal error for an invalid order (a server bug).
func (s *Source) Streams(_ context.Context, q providers.Query) ([]providers.Stream, error) {
	if !q.Allows(providers.GitHub) {
		return nil, nil
	}
	if q.Token == "" {
		return nil, s.client.NoToken()
	}
	if err := q.Check(SourceName); err != nil {
		return nil, err
	}
	if !q.Owner.IsZero() {
		return s.ownerStreams(q) // owners.go
	}
	return []providers.Stream{&stream{client: s.client, src: s, q: q, id: providers.StreamID(SourceName, "", q), path: "/user/repos", native: nativeFilter(q.Filter)}}, nil
}

// stream is a repository list in one order: the user's (GET /user/repos) or an owner's
// (owners.go).
type stream struct {
	client *rest.Client
	src    *Source
	q      providers.Query
	id     string
	// path is the list's endpoint; extra are query parameters beyond sort, direction and paging.
	path  string
	extra url.Values
	// native are the filter parameters GitHub narrows with (filter.go); nil for the unfiltered list.
	native url.Values
}

func (s *stream) ID() string { return s.id }

func (s *stream) Key() string { return "" }

func (s *stream) Source() string { return SourceName }

// sortParams maps an order to GitHub's sort and direction values.
func sortParams(o providers.Order) (sort, direction string) {
	switch o.Sort {
	case providers.SortUpdated:
		sort = "updated"
	case providers.SortCreated:
		sort = "created"
	case providers.SortFullName:
		sort = "full_name"
	default:
		sort = "pushed"
	}
	direction = "desc"
	if o.Direction == providers.Asc {
		direction = "asc"
	}
	return sort, direction
}

// FetchPage reads page i with GET <path>?sort&direction&per_page=100&page=i+1. More comes from
// the Link header's rel="next" and LastIndex from its rel="last" (-1 without); Total is always -1, as
// GitHub gives no count. With etag it returns providers.ErrNotModified on 304.
func (s *stream) FetchPage(ctx context.Context, i int, etag string) (providers.Page, error) {
	if err := providers.CheckPageIndex(SourceName, i, -1); err != nil {
		return providers.Page{}, err
	}
	sort, direction := sortParams(s.q.Order)
	query := url.Values{
		"sort":      {sort},
		"direction": {direction},
		"per_page":  {strconv.Itoa(providers.PageSize)},
		"page":      {strconv.Itoa(i + 1)},
	}
	for k, v := range s.extra {
		query[k] = v
	}
	for k, v := range s.native {
		query[k] = v
	}
	viewer := ""
	if s.q.Filter.Affiliations != nil {
		var err error
		if viewer, err = s.src.viewer(ctx, s.q.Token); err != nil {
			return providers.Page{}, err
		}
	}
	resp, err := s.client.Get(ctx, s.q.Token, s.path, query, etag)
	if err != nil {
		return providers.Page{}, err
	}
	if resp.NotModified {
		return providers.Page{}, providers.ErrNotModified
	}
	var body []repository
	if err := s.client.Decode(ctx, resp.Body, &body); err != nil {
		return providers.Page{}, err
	}
	if len(body) > providers.PageSize {
		return providers.Page{}, providers.Errorf(providers.KindBadResponse, SourceName,
			"page of %d repositories, asked for %d", len(body), providers.PageSize)
	}
	items, err := convertRepositories(body)
	if err != nil {
		return providers.Page{}, err
	}
	if viewer != "" {
		for j := range body {
			items[j].Affiliation = affiliation(body[j].Owner, viewer)
		}
	}
	// Only page numbers are read from the Link header: page URLs are always built from the base.
	links := wire.ParseLinks(resp.Header.Values("Link")...)
	return providers.Page{
		Items:     items,
		More:      links.Next,
		Total:     -1,
		LastIndex: links.Last - 1,
		ETag:      resp.Header.Get("ETag"),
	}, nil
}
