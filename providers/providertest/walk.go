package providertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// maxWalkPages bounds a walk, so a bug that never ends a list fails instead of hanging.
const maxWalkPages = 5000

// Walk pages through the merge of streams in order o the way a client does: forward with
// first = sizes[page % len(sizes)] after the last edge's cursor until hasNextPage is false, or, when
// backward, with last/before from the end until hasPreviousPage is false. It returns the
// repositories in list order. It fails on a failed stream, a page after a cursor that denies a page
// before it, a page promising more without edges, or a walk that does not end.
func Walk(ctx context.Context, streams []providers.Stream, o providers.Order, fetch providers.Fetcher, sizes []int, backward bool) ([]*providers.Repository, error) {
	if fetch == nil {
		fetch = providers.FetchDirect
	}
	var out []*providers.Repository
	var cursor *providers.Cursor
	for page := 0; page < maxWalkPages; page++ {
		n := sizes[page%len(sizes)]
		w := providers.Window{First: &n, After: cursor}
		if backward {
			w = providers.Window{Last: &n, Before: cursor}
		}
		res := providers.List(ctx, streams, o, fetch, w)
		if len(res.Failed) > 0 {
			return out, fmt.Errorf("page %d: %w", page, res.Failed[0])
		}
		items := make([]*providers.Repository, len(res.Edges))
		for i, e := range res.Edges {
			items[i] = e.Node
		}
		more := res.HasNextPage
		if backward {
			out = append(items, out...)
			more = res.HasPreviousPage
			if page > 0 && !res.HasNextPage {
				return out, fmt.Errorf("backward page %d before a cursor says no next page", page)
			}
		} else {
			out = append(out, items...)
			if page > 0 && !res.HasPreviousPage {
				return out, fmt.Errorf("forward page %d after a cursor says no previous page", page)
			}
		}
		if !more {
			return out, nil
		}
		if len(res.Edges) == 0 {
			return out, fmt.Errorf("page %d promises more without edges", page)
		}
		if backward {
			cursor = &res.Edges[0].Cursor
		} else {
			cursor = &res.Edges[len(res.Edges)-1].Cursor
		}
	}
	return out, fmt.Errorf("walk did not end after %d pages", maxWalkPages)
}

// Identities returns each repository's Identity, in order.
func Identities(rs []*providers.Repository) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Identity()
	}
	return out
}

// RandomSizes returns n page sizes from 1 to 100 drawn from next (e.g. rng.IntN).
func RandomSizes(next func(int) int, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 1 + next(100)
	}
	return out
}

// AllOrders returns every sort in both directions, the eight orders a list can be asked in.
func AllOrders() []providers.Order {
	var out []providers.Order
	for _, s := range []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated, providers.SortFullName} {
		for _, d := range []providers.Direction{providers.Asc, providers.Desc} {
			out = append(out, providers.NewOrder(s, d))
		}
	}
	return out
}

// WalkBoth lists the whole of streams forward and then backward with the page sizes sizes (used in
// turn) and returns both walks; an error of either fails the test.
func WalkBoth(t testing.TB, streams []providers.Stream, o providers.Order, sizes []int) (forward, backward []*providers.Repository) {
	t.Helper()
	ctx := context.Background()
	forward, err := Walk(ctx, streams, o, nil, sizes, false)
	if err != nil {
		t.Fatalf("forward walk: %v", err)
	}
	backward, err = Walk(ctx, streams, o, nil, sizes, true)
	if err != nil {
		t.Fatalf("backward walk: %v", err)
	}
	return forward, backward
}
