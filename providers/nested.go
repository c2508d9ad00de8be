package providers

import (
	"context"
)

// MaxNestedPages bounds the upstream pages read to count a nested list (100 each): a longer list
// is a KindBadResponse error rather than an unbounded walk.
const MaxNestedPages = 1000

// NestedFetcher reads page i (from 0) of a nested list, PageSize items per page, fewer only on the
// last page. Errors are *Error values.
type NestedFetcher[T any] func(ctx context.Context, i int) (ListPage[T], error)

// NestedWindow is a nested connection's paging arguments, with the cursors already decoded to
// positions (from 0). nil means not given; when neither First nor Last is given, DefaultPageSize
// items are read forward. Callers validate the sizes and refuse First with Last.
type NestedWindow struct {
	First, Last   *int
	After, Before *int
}

// NestedEdge is one item of a nested page and its position in the whole list.
type NestedEdge[T any] struct {
	Node T
	Pos  int
}

// NestedResult is one page of a nested list.
type NestedResult[T any] struct {
	Edges                        []NestedEdge[T]
	HasNextPage, HasPreviousPage bool
}

// nestedReader reads items of a nested list by position, each upstream page once.
type nestedReader[T any] struct {
	fetch NestedFetcher[T]
	pages map[int]ListPage[T]
	// last is the index of the last page once known (a page without More, or rel="last"), else -1.
	last int
}

func newNestedReader[T any](f NestedFetcher[T]) *nestedReader[T] {
	return &nestedReader[T]{fetch: f, pages: map[int]ListPage[T]{}, last: -1}
}

func (r *nestedReader[T]) page(ctx context.Context, i int) (ListPage[T], error) {
	if p, ok := r.pages[i]; ok {
		return p, nil
	}
	if r.last >= 0 && i > r.last {
		return ListPage[T]{Total: -1, LastIndex: -1}, nil
	}
	p, err := r.fetch(ctx, i)
	if err != nil {
		return p, err
	}
	if len(p.Items) > PageSize {
		return p, Errorf(KindBadResponse, "", "page of %d items, asked for %d", len(p.Items), PageSize)
	}
	r.pages[i] = p
	switch {
	case !p.More:
		if r.last < 0 || i < r.last {
			r.last = i
		}
	case p.LastIndex > i && r.last < 0:
		r.last = p.LastIndex
	}
	return p, nil
}

// at returns the item at pos and whether there is one.
func (r *nestedReader[T]) at(ctx context.Context, pos int) (T, bool, error) {
	var zero T
	if pos < 0 {
		return zero, false, nil
	}
	p, err := r.page(ctx, pos/PageSize)
	if err != nil {
		return zero, false, err
	}
	if i := pos % PageSize; i < len(p.Items) {
		return p.Items[i], true, nil
	}
	return zero, false, nil
}

// count returns the length of the whole list: the forge's total when it gave one, else the items
// before the last page plus the last page's (rel="last" or reading until a page without More).
func (r *nestedReader[T]) count(ctx context.Context) (int, error) {
	p, err := r.page(ctx, 0)
	if err != nil {
		return 0, err
	}
	if p.Total >= 0 {
		return p.Total, nil
	}
	for i := 0; ; i++ {
		if r.last >= 0 {
			i = max(i, r.last)
		}
		if i >= MaxNestedPages {
			return 0, Errorf(KindBadResponse, "", "list longer than %d pages of %d: it cannot be counted", MaxNestedPages, PageSize)
		}
		p, err := r.page(ctx, i)
		if err != nil {
			return 0, err
		}
		if !p.More {
			return i*PageSize + len(p.Items), nil
		}
	}
}

// Nested reads the page w asks of a nested list: first n after a position, or last n before one
// (from the end without before: the list is counted), in the list's order both ways. Every
// upstream page it needs is read once; errors are the fetcher's.
func Nested[T any](ctx context.Context, fetch NestedFetcher[T], w NestedWindow) (NestedResult[T], error) {
	r := newNestedReader(fetch)
	var res NestedResult[T]
	lo := 0
	if w.After != nil {
		lo = *w.After + 1
	}
	hi := -1 // exclusive; -1: the end of the list
	if w.Before != nil {
		hi = *w.Before
	}
	if w.Last != nil {
		if hi < 0 {
			n, err := r.count(ctx)
			if err != nil {
				return res, err
			}
			hi = n
		}
		start := max(lo, hi-*w.Last)
		for pos := start; pos < hi; pos++ {
			it, ok, err := r.at(ctx, pos)
			if err != nil {
				return res, err
			}
			if !ok {
				break
			}
			res.Edges = append(res.Edges, NestedEdge[T]{Node: it, Pos: pos})
		}
		res.HasPreviousPage = start > lo
		if w.Before != nil {
			_, ok, err := r.at(ctx, hi)
			if err != nil {
				return res, err
			}
			res.HasNextPage = ok
		}
		return res, nil
	}
	n := DefaultPageSize
	if w.First != nil {
		n = *w.First
	}
	pos := lo
	for ; len(res.Edges) < n && (hi < 0 || pos < hi); pos++ {
		it, ok, err := r.at(ctx, pos)
		if err != nil {
			return res, err
		}
		if !ok {
			break
		}
		res.Edges = append(res.Edges, NestedEdge[T]{Node: it, Pos: pos})
	}
	if len(res.Edges) == n && (hi < 0 || pos < hi) {
		_, ok, err := r.at(ctx, pos)
		if err != nil {
			return res, err
		}
		res.HasNextPage = ok
	}
	res.HasPreviousPage = lo > 0
	return res, nil
}

// NestedCount returns the exact length of a nested list (see Nested for how it reads).
func NestedCount[T any](ctx context.Context, fetch NestedFetcher[T]) (int, error) {
	return newNestedReader(fetch).count(ctx)
}

// WholeList serves a list the forge returns whole (languages) as a NestedFetcher of PageSize pages,
// with its exact total.
func WholeList[T any](items []T) NestedFetcher[T] {
	return func(_ context.Context, i int) (ListPage[T], error) {
		lo := min(i*PageSize, len(items))
		hi := min(lo+PageSize, len(items))
		return ListPage[T]{Items: items[lo:hi], More: hi < len(items), Total: len(items), LastIndex: -1}, nil
	}
}
