package providers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// pagedList is a forge's nested list of n items read by page index; mode says what the forge
// tells about its length: "total" (a count), "last" (Link rel="last") or "none" (only More).
type pagedList struct {
	n     int
	mode  string
	reads atomic.Int64
}

func (l *pagedList) fetch(_ context.Context, i int) (providers.ListPage[int], error) {
	l.reads.Add(1)
	lo := min(i*providers.PageSize, l.n)
	hi := min(lo+providers.PageSize, l.n)
	p := providers.ListPage[int]{More: hi < l.n, Total: -1, LastIndex: -1}
	for x := lo; x < hi; x++ {
		p.Items = append(p.Items, x)
	}
	switch l.mode {
	case "total":
		p.Total = l.n
	case "last":
		if l.n > providers.PageSize {
			p.LastIndex = (l.n - 1) / providers.PageSize
		}
	}
	return p, nil
}

// walk pages through the list with cursors from codec, forward or backward, with random page sizes,
// and returns the items in list order.
func walk(t *testing.T, k *providers.Codec, l *pagedList, backward bool, rng *rand.Rand) []int {
	t.Helper()
	ctx := context.Background()
	binding := "GITHUB/o/r\x00branches"
	var got []int
	var cursor *int
	for steps := 0; ; steps++ {
		if steps > l.n+5 {
			t.Fatalf("walk does not end")
		}
		size := 1 + rng.IntN(providers.MaxPageSize)
		w := providers.NestedWindow{}
		if backward {
			w.Last, w.Before = &size, cursor
		} else {
			w.First, w.After = &size, cursor
		}
		res, err := providers.Nested(ctx, l.fetch, w)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Edges) > size {
			t.Fatalf("page of %d edges for size %d", len(res.Edges), size)
		}
		items := make([]int, len(res.Edges))
		for i, e := range res.Edges {
			items[i] = e.Node
			if e.Pos != e.Node {
				t.Fatalf("edge at %d holds item %d", e.Pos, e.Node)
			}
		}
		more := res.HasNextPage
		if backward {
			got = append(items, got...)
			more = res.HasPreviousPage
		} else {
			got = append(got, items...)
		}
		if !more {
			if len(res.Edges) == size && ((backward && res.Edges[0].Pos > 0) || (!backward && res.Edges[len(res.Edges)-1].Pos < l.n-1)) {
				t.Fatalf("no more pages after %v, list of %d", items, l.n)
			}
			return got
		}
		if len(res.Edges) == 0 {
			t.Fatalf("empty page says there is more")
		}
		edge := res.Edges[len(res.Edges)-1]
		if backward {
			edge = res.Edges[0]
		}
		pos, err := k.DecodeNested(binding, k.EncodeNested(binding, edge.Pos))
		if err != nil {
			t.Fatal(err)
		}
		cursor = &pos
	}
}

// TestNestedWalksProperty: lists of 0, 1, 100, 101, 250 and random sizes, every way the forge
// tells (or not) their length, walked forward and backward with random page sizes: every item
// exactly once, in order, and the count exact.
func TestNestedWalksProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 34))
	k := providers.NewCodec([]byte("secret"))
	sizes := []int{0, 1, 99, 100, 101, 199, 200, 201, 250}
	for range 6 {
		sizes = append(sizes, rng.IntN(700))
	}
	for _, n := range sizes {
		for _, mode := range []string{"total", "last", "none"} {
			for _, backward := range []bool{false, true} {
				t.Run(fmt.Sprintf("n=%d/%s/backward=%v", n, mode, backward), func(t *testing.T) {
					l := &pagedList{n: n, mode: mode}
					got := walk(t, k, l, backward, rng)
					if len(got) != n {
						t.Fatalf("walk read %d items of %d", len(got), n)
					}
					for i, x := range got {
						if x != i {
							t.Fatalf("item %d is %d", i, x)
						}
					}
					c, err := providers.NestedCount(context.Background(), l.fetch)
					if err != nil || c != n {
						t.Fatalf("count = %d, %v; want %d", c, err, n)
					}
				})
			}
		}
	}
}

// TestNestedReadsEachPageOnce: one page of results reads each upstream page it needs once, and
// counting a list the forge says the last page of reads two pages, not every page.
func TestNestedReadsEachPageOnce(t *testing.T) {
	ctx := context.Background()
	l := &pagedList{n: 250, mode: "last"}
	last := 100
	res, err := providers.Nested(ctx, l.fetch, providers.NestedWindow{Last: &last})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Edges) != 100 || res.Edges[0].Node != 150 || !res.HasPreviousPage || res.HasNextPage {
		t.Fatalf("last 100 of 250: %d edges from %v, prev %v next %v", len(res.Edges), res.Edges[0].Node, res.HasPreviousPage, res.HasNextPage)
	}
	if r := l.reads.Load(); r != 3 {
		t.Fatalf("read %d pages, want 3 (0 for rel=last, 2 and 1 for the items)", r)
	}
	l = &pagedList{n: 250, mode: "none"}
	if n, _ := providers.NestedCount(ctx, l.fetch); n != 250 || l.reads.Load() != 3 {
		t.Fatalf("count %d with %d reads", n, l.reads.Load())
	}
}

// TestNestedEdges: first 0, after the last item, and before the first item.
func TestNestedEdges(t *testing.T) {
	ctx := context.Background()
	l := &pagedList{n: 100, mode: "none"}
	zero, lastPos, first := 0, 99, 0
	res, err := providers.Nested(ctx, l.fetch, providers.NestedWindow{First: &zero})
	if err != nil || len(res.Edges) != 0 || !res.HasNextPage {
		t.Fatalf("first 0: %+v %v", res, err)
	}
	res, err = providers.Nested(ctx, l.fetch, providers.NestedWindow{After: &lastPos})
	if err != nil || len(res.Edges) != 0 || res.HasNextPage || !res.HasPreviousPage {
		t.Fatalf("after the last: %+v %v", res, err)
	}
	ten := 10
	res, err = providers.Nested(ctx, l.fetch, providers.NestedWindow{Last: &ten, Before: &first})
	if err != nil || len(res.Edges) != 0 || res.HasPreviousPage || !res.HasNextPage {
		t.Fatalf("before the first: %+v %v", res, err)
	}
}

// TestNestedCursorBinding: a cursor is refused for another field, another repository, when altered,
// and a top-level list cursor is not a nested one.
func TestNestedCursorBinding(t *testing.T) {
	k := providers.NewCodec([]byte("secret"))
	repo := &providers.Repository{Provider: providers.GitHub, NameWithOwner: "o/r"}
	other := &providers.Repository{Provider: providers.GitHub, NameWithOwner: "o/s"}
	c := k.EncodeNested(providers.NestedBinding(repo, "branches"), 42)
	if pos, err := k.DecodeNested(providers.NestedBinding(repo, "branches"), c); err != nil || pos != 42 {
		t.Fatalf("round trip: %d, %v", pos, err)
	}
	bad := map[string]struct{ binding, text string }{
		"tags":          {providers.NestedBinding(repo, "tags"), c},
		"other repo":    {providers.NestedBinding(other, "branches"), c},
		"other secret":  {providers.NestedBinding(repo, "branches"), providers.NewCodec([]byte("x")).EncodeNested(providers.NestedBinding(repo, "branches"), 42)},
		"altered":       {providers.NestedBinding(repo, "branches"), c[:len(c)-2] + "AA"},
		"garbage":       {providers.NestedBinding(repo, "branches"), "not a cursor"},
		"list cursor":   {providers.NestedBinding(repo, "branches"), k.Encode(providers.Binding{Args: "*|PUSHED:DESC"}, providers.Cursor{Edge: -1})},
		"empty":         {providers.NestedBinding(repo, "branches"), ""},
		"line break":    {providers.NestedBinding(repo, "branches"), c[:4] + "\n" + c[4:]},
		"much too long": {providers.NestedBinding(repo, "branches"), c + c + c},
	}
	for name, b := range bad {
		if _, err := k.DecodeNested(b.binding, b.text); providers.KindOf(err) != providers.KindInvalidCursor {
			t.Errorf("%s: got %v, want INVALID_CURSOR", name, err)
		}
	}
	// And a nested cursor is not a list cursor.
	if _, err := k.Decode(providers.Binding{Args: "*|PUSHED:DESC"}, c); providers.KindOf(err) != providers.KindInvalidCursor {
		t.Errorf("nested cursor as a list cursor: %v", err)
	}
}

// FuzzNestedCursorDecode: any text either decodes to a position that encodes back to the same
// text, or is INVALID_CURSOR; nothing panics.
func FuzzNestedCursorDecode(f *testing.F) {
	k := providers.NewCodec([]byte("secret"))
	binding := providers.NestedBinding(&providers.Repository{Provider: providers.GitHub, NameWithOwner: "o/r"}, "branches")
	f.Add(k.EncodeNested(binding, 0))
	f.Add(k.EncodeNested(binding, 12345))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		pos, err := k.DecodeNested(binding, s)
		if err != nil {
			if providers.KindOf(err) != providers.KindInvalidCursor {
				t.Fatalf("error of kind %s", providers.KindOf(err))
			}
			return
		}
		if pos < 0 || k.EncodeNested(binding, pos) != s {
			t.Fatalf("decode/encode not stable for %q (position %d)", s, pos)
		}
	})
}
