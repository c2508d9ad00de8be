package codearts

// This file is how CodeArts lists: v4 GET /v4/user/repositories by offset/limit (CREATED and UPDATED
// natively), v2 GET /v2/projects/repositories by page_index; every other list read whole (readAll,
// wire.ReadAll) and sorted by providers.Local.

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// maxOffset is the largest offset v4 accepts (0~2147483647).
const maxOffset = 2147483647

// v4Page reads GET /v4/user/repositories with offset, limit, order_by and sort, and returns the
// converted repositories and the answer's ETag. A 304 (etag given and unchanged) is
// providers.ErrNotModified; other errors are *providers.Error values: the forge's 400 for a
// parameter out of range is KindBadResponse naming the status (its error_msg is logged).
func (s *Source) v4Page(ctx context.Context, token string, offset, limit int, orderBy, sort, etag string) ([]providers.Repository, string, error) {
	return s.v4PageWith(ctx, token, offset, limit, orderBy, sort, etag, nil)
}

// v4PageWith is v4Page with extra query parameters (a filtered list's, filter.go).
func (s *Source) v4PageWith(ctx context.Context, token string, offset, limit int, orderBy, sort, etag string, extra url.Values) ([]providers.Repository, string, error) {
	wire, tag, err := s.v4Wire(ctx, token, offset, limit, orderBy, sort, etag, extra)
	if err != nil {
		return nil, "", err
	}
	items := make([]providers.Repository, len(wire))
	for i := range wire {
		items[i] = convertV4(&wire[i])
		if items[i].ForgeID == "" {
			return nil, "", s.errorf(providers.KindBadResponse, "repository %q has no id", items[i].NameWithOwner)
		}
	}
	return items, tag, nil
}

// v4Wire is v4PageWith before conversion: the items as the forge sent them.
func (s *Source) v4Wire(ctx context.Context, token string, offset, limit int, orderBy, sort, etag string, extra url.Values) ([]v4Repo, string, error) {
	q := url.Values{
		"offset":   {strconv.Itoa(offset)},
		"limit":    {strconv.Itoa(limit)},
		"order_by": {orderBy},
		"sort":     {sort},
	}
	for k, v := range extra {
		q[k] = v
	}
	resp, err := s.get(ctx, token, v4Path, q, etag)
	if err != nil {
		return nil, "", err
	}
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '{' {
		// An error body with a success status.
		if msg := errorMessage(body); msg != "" {
			return nil, "", s.client.Reported(ctx, resp.Status, msg)
		}
	}
	var wire []v4Repo
	if err := s.client.Decode(ctx, body, &wire); err != nil {
		return nil, "", err
	}
	if len(wire) > limit {
		return nil, "", s.errorf(providers.KindBadResponse, "the forge answered %d repositories for limit %d", len(wire), limit)
	}
	return wire, resp.Header.Get("ETag"), nil
}

// v2Page reads GET /v2/projects/repositories with page_index (from 1) and page_size, and returns
// the converted repositories and result.total (-1 when absent). An answer whose status is "failed"
// or that carries an error is a KindBadResponse error naming the HTTP status, whatever it is (the
// forge's message is logged).
func (s *Source) v2Page(ctx context.Context, token string, index, size int) ([]providers.Repository, int, error) {
	wire, total, err := s.v2Wire(ctx, token, index, size)
	if err != nil {
		return nil, 0, err
	}
	items := make([]providers.Repository, len(wire))
	for i := range wire {
		items[i] = convertV2(&wire[i])
		if items[i].ForgeID == "" {
			return nil, 0, s.errorf(providers.KindBadResponse, "repository %q has no repository_id", items[i].NameWithOwner)
		}
	}
	return items, total, nil
}

// v2Wire is v2Page before conversion: the items as the forge sent them, and result.total (-1 when
// absent).
func (s *Source) v2Wire(ctx context.Context, token string, index, size int) ([]v2Repo, int, error) {
	q := url.Values{
		"page_index": {strconv.Itoa(index)},
		"page_size":  {strconv.Itoa(size)},
	}
	resp, err := s.get(ctx, token, v2Path, q, "")
	if err != nil {
		return nil, 0, err
	}
	var a v2Answer
	if err := s.client.Decode(ctx, resp.Body, &a); err != nil {
		return nil, 0, err
	}
	if msg := v2ErrorMessage(a.Error); msg != "" || a.Status == "failed" {
		if msg == "" {
			msg = "status failed"
		}
		return nil, 0, s.client.Reported(ctx, resp.Status, msg)
	}
	if a.Result == nil {
		return nil, 0, s.errorf(providers.KindBadResponse, "the answer has no result object")
	}
	if len(a.Result.Repositories) > size {
		return nil, 0, s.errorf(providers.KindBadResponse, "the forge answered %d repositories for page_size %d", len(a.Result.Repositories), size)
	}
	total := -1
	if a.Result.Total != nil {
		total = *a.Result.Total
	}
	return a.Result.Repositories, total, nil
}

// readAll returns the providers.ReadAll of the whole list for token, with wire.ReadAll's stop rule:
// v4 pages by offset in creation order (oldest first, so repositories created during the read only
// append) until a short page; v2 pages by page_index until a short page or result.total.
// Repositories seen twice (the list moved during the read) are kept once. It fails with
// KindBadResponse past max repositories (at once when v2's total says so, or when v4's offsets run
// out), and when a full page brings nothing new (a forge ignoring the paging parameters would loop
// forever).
func (s *Source) readAll(token string) providers.ReadAll {
	return s.readAllWith(token, nil)
}

// readAllWith is readAll with extra v4 query parameters (a filtered list's, filter.go); v2 has none.
func (s *Source) readAllWith(token string, extra url.Values) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		return wire.ReadAll(ctx, wire.Read[providers.Repository]{
			Source: SourceName, Max: max, PageSize: providers.PageSize,
			Key:     func(r providers.Repository) string { return r.ForgeID },
			TooMany: func() error { return s.tooMany(max) },
			Fetch: func(ctx context.Context, n int) (wire.Page[providers.Repository], error) {
				if s.version == APIv2 {
					items, total, err := s.v2Page(ctx, token, n, providers.PageSize)
					done := total >= 0 && n*providers.PageSize >= total
					return wire.Page[providers.Repository]{Items: items, Total: total,
						More: !done && len(items) == providers.PageSize}, err
				}
				offset := (n - 1) * providers.PageSize
				if offset > maxOffset {
					return wire.Page[providers.Repository]{}, s.tooMany(max)
				}
				items, _, err := s.v4PageWith(ctx, token, offset, providers.PageSize, "created_at", "asc", "", extra)
				return wire.Page[providers.Repository]{Items: items, Total: -1, More: len(items) == providers.PageSize}, err
			},
		})
	}
}

func (s *Source) tooMany(max int) *providers.Error {
	hint := "use API v4 with sort CREATED or UPDATED, which page natively"
	if s.version == APIv4 {
		hint = "use sort CREATED or UPDATED, which page natively"
	}
	return s.errorf(providers.KindBadResponse, "more than %d repositories: raise MAX_REPOSITORIES_PER_SOURCE or %s", max, hint)
}

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
	if !q.Owner.IsZero() {
		return nil, providers.OwnersNotSupported(SourceName)
	}
	if q.Token == "" {
		return nil, s.client.NoToken()
	}
	if !q.Filter.IsZero() {
		return s.filteredStreams(q), nil
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
