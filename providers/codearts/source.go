package codearts

import (
	"context"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// Streams returns the one stream of q's list. On v4, CREATED and UPDATED page the forge natively
// (order_by created_at / updated_at, 100 per page); PUSHED, FULL_NAME and every v2 order are sorted
// locally over the whole list (cfg.Local). It fails with KindInternal for an invalid order (a server bug) and
// KindUnauth when q has no token; it returns no stream when q's provider filter excludes CODEARTS.
func (s *Source) Streams(_ context.Context, q providers.Query) ([]providers.Stream, error) {
	if err := q.Check(SourceName); err != nil {
		return nil, err
	}
	if !q.Allows(providers.CodeArts) {
		return nil, nil
	}
	if q.Token == "" {
		return nil, s.errorf(providers.KindUnauth, "no token: set the server's CodeArts token or send X-CodeArts-Token")
	}
	if orderBy, ok := s.nativeOrder(q.Order); ok {
		return []providers.Stream{&v4Stream{s: s, q: q, orderBy: orderBy, sort: strings.ToLower(string(q.Order.Direction)),
			id: providers.StreamID(SourceName, "", q)}}, nil
	}
	return []providers.Stream{s.localStream(q)}, nil
}

// nativeOrder returns v4's order_by for o when the forge can page in o itself.
func (s *Source) nativeOrder(o providers.Order) (string, bool) {
	if s.version != APIv4 {
		return "", false
	}
	switch o.Sort {
	case providers.SortCreated:
		return "created_at", true
	case providers.SortUpdated:
		return "updated_at", true
	}
	return "", false
}

// localStream is q's list sorted locally over the whole list, read once per credential.
func (s *Source) localStream(q providers.Query) providers.Stream {
	return s.local.Stream(SourceName, "", q, s.listKey, s.readAll(q.Token), nil)
}

// Repository returns the repository id names. Neither API documents a single-repository endpoint
// that takes the ids the lists give, so it is looked up in the whole list (read once per credential
// and kept by cfg.Local): by forge id first, then by full path (case-insensitive). An id whose path
// cannot be a repository path (fewer than two parts, an empty, "." or ".." part, control
// characters) is a KindBadInput error, as on every forge, before any request. A repository not in
// the list, or on another forge, is a KindNotFound error; reading the list fails like a local
// stream.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.CodeArts {
		return nil, s.errorf(providers.KindNotFound, "repository %q is not on CodeArts", id.NameWithOwner)
	}
	if _, err := s.client.IDPath(id.NameWithOwner, 0); err != nil {
		return nil, err
	}
	if token == "" {
		return nil, s.errorf(providers.KindUnauth, "no token: set the server's CodeArts token or send X-CodeArts-Token")
	}
	st := s.localStream(providers.Query{Token: token, Order: providers.NewOrder(providers.SortFullName, providers.Asc)})
	var all []providers.Repository
	for i := 0; ; i++ {
		p, err := st.FetchPage(ctx, i, "")
		if err != nil {
			return nil, err
		}
		all = append(all, p.Items...)
		if !p.More {
			break
		}
	}
	for i := range all {
		if all[i].ForgeID == id.ForgeID {
			r := all[i]
			return &r, nil
		}
	}
	for i := range all {
		if strings.EqualFold(all[i].NameWithOwner, id.NameWithOwner) {
			r := all[i]
			return &r, nil
		}
	}
	return nil, s.errorf(providers.KindNotFound, "repository %q not found among the token's repositories", id.NameWithOwner)
}

// v4Stream pages GET /v4/user/repositories natively: page i is offset 100*i, limit 100.
type v4Stream struct {
	s             *Source
	q             providers.Query
	orderBy, sort string
	id            string // providers.StreamID, computed once
}

// ID identifies the stream; it holds the token's hash, never the token.
func (st *v4Stream) ID() string { return st.id }

// Key is "": the source has one stream.
func (st *v4Stream) Key() string { return "" }

// Source is "codearts".
func (st *v4Stream) Source() string { return SourceName }

// FetchPage reads page i. v4 gives no total: a full page means another may follow (it may come
// back empty), so More is true for a full page and Total and LastIndex are -1. With an etag, an
// unchanged page is providers.ErrNotModified.
func (st *v4Stream) FetchPage(ctx context.Context, i int, etag string) (providers.Page, error) {
	// The last page v4's offsets can reach.
	if err := providers.CheckPageIndex(SourceName, i, maxOffset/providers.PageSize); err != nil {
		return providers.Page{}, err
	}
	items, tag, err := st.s.v4Page(ctx, st.q.Token, i*providers.PageSize, providers.PageSize, st.orderBy, st.sort, etag)
	if err != nil {
		return providers.Page{}, err
	}
	return providers.Page{
		Items:     items,
		More:      len(items) == providers.PageSize,
		Total:     -1,
		LastIndex: -1,
		ETag:      tag,
	}, nil
}
