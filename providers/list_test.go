package providers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

var orders = []providers.Order{
	providers.NewOrder(providers.SortPushed, ""),
	providers.NewOrder(providers.SortUpdated, providers.Asc),
	providers.NewOrder(providers.SortCreated, providers.Desc),
	providers.NewOrder(providers.SortFullName, ""),
	providers.NewOrder(providers.SortFullName, providers.Desc),
}

// randomRepos returns n repositories of provider p with few distinct dates, so the sort key ties often.
func randomRepos(rng *rand.Rand, p providers.Provider, prefix string, n int) []providers.Repository {
	out := make([]providers.Repository, n)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		t1 := base.Add(time.Duration(rng.IntN(40)) * time.Hour)
		t2 := base.Add(time.Duration(rng.IntN(40)) * time.Hour)
		t3 := base.Add(time.Duration(rng.IntN(40)) * time.Hour)
		name := fmt.Sprintf("%s-repo-%04d", prefix, i)
		if rng.IntN(10) == 0 { // some names differ only in case
			name = fmt.Sprintf("%s-Repo-%04d", prefix, i)
		}
		out[i] = providers.Repository{
			ForgeID: fmt.Sprint(i), Provider: p, Name: name,
			NameWithOwner: "owner-" + prefix + "/" + name, Owner: "owner-" + prefix,
			PushedAt: &t1, UpdatedAt: &t2, CreatedAt: &t3,
		}
		if rng.IntN(20) == 0 {
			out[i].PushedAt = nil
		}
	}
	return out
}

// expected is the merge order List promises: each stream in its own order, streams merged by key,
// then provider, then stream order.
func expected(o providers.Order, streams []*providertest.Stream) []string {
	type item struct {
		r      providers.Repository
		stream int
	}
	var all []item
	for i, s := range streams {
		for _, r := range s.Items() {
			all = append(all, item{r, i})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := &all[i].r, &all[j].r
		if c := o.CompareKey(a, b); c != 0 {
			return c < 0
		}
		return a.Provider < b.Provider
	})
	out := make([]string, len(all))
	for i, it := range all {
		out[i] = it.r.Identity()
	}
	return out
}

func randomStreams(rng *rand.Rand, o providers.Order) ([]*providertest.Stream, []providers.Stream) {
	k := 1 + rng.IntN(5)
	var ss []*providertest.Stream
	var st []providers.Stream
	provs := []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.CodeArts}
	for i := 0; i < k; i++ {
		n := rng.IntN(501)
		switch rng.IntN(6) {
		case 0:
			n = 100
		case 1:
			n = 0
		}
		p := provs[rng.IntN(len(provs))]
		s := providertest.NewStream(fmt.Sprintf("src%d", i), fmt.Sprintf("k%d", i), o, randomRepos(rng, p, fmt.Sprintf("s%d", i), n))
		s.NoTotal = rng.IntN(2) == 0
		ss = append(ss, s)
		st = append(st, s)
	}
	return ss, st
}

func ids(edges []providers.Edge) []string {
	out := make([]string, len(edges))
	for i, e := range edges {
		out[i] = e.Node.Identity()
	}
	return out
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d repositories, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: position %d: got %s, want %s", what, i, got[i], want[i])
		}
	}
}

func TestListWalksEveryRepositoryOnceBothWays(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 60; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		o := orders[rng.IntN(len(orders))]
		ss, streams := randomStreams(rng, o)
		want := expected(o, ss)

		// Forward with random first.
		var got []string
		var after *providers.Cursor
		for pages := 0; ; pages++ {
			n := 1 + rng.IntN(100)
			// Warm (lanes in turn) must not change a page.
			res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n, After: after, Warm: rng.IntN(2) == 0})
			if len(res.Failed) > 0 {
				t.Fatal(res.Failed[0])
			}
			if pages > 0 && !res.HasPreviousPage {
				t.Fatalf("seed %d: page %d after a cursor says no previous page", seed, pages)
			}
			got = append(got, ids(res.Edges)...)
			if !res.HasNextPage {
				break
			}
			if len(res.Edges) == 0 {
				t.Fatalf("seed %d: hasNextPage with no edges", seed)
			}
			after = &res.Edges[len(res.Edges)-1].Cursor
		}
		equal(t, fmt.Sprintf("seed %d %v forward", seed, o), got, want)

		// Backward with random last.
		got = nil
		var before *providers.Cursor
		for {
			n := 1 + rng.IntN(100)
			res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{Last: &n, Before: before, Warm: rng.IntN(2) == 0})
			if len(res.Failed) > 0 {
				t.Fatal(res.Failed[0])
			}
			got = append(ids(res.Edges), got...)
			if !res.HasPreviousPage {
				break
			}
			before = &res.Edges[0].Cursor
		}
		equal(t, fmt.Sprintf("seed %d %v backward", seed, o), got, want)
	}
}

// TestListMixedDirections pages forward and backward at random from random places and checks each
// page is the slice of the expected order it must be.
func TestListMixedDirections(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		o := orders[rng.IntN(len(orders))]
		ss, streams := randomStreams(rng, o)
		want := expected(o, ss)
		if len(want) == 0 {
			continue
		}
		// Collect every edge's cursor with its index.
		var cursors []providers.Cursor
		var after *providers.Cursor
		for {
			n := 100
			res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n, After: after})
			for _, e := range res.Edges {
				cursors = append(cursors, e.Cursor)
			}
			if !res.HasNextPage {
				break
			}
			after = &res.Edges[len(res.Edges)-1].Cursor
		}
		for trial := 0; trial < 30; trial++ {
			i := rng.IntN(len(cursors))
			n := rng.IntN(101)
			if rng.IntN(2) == 0 {
				res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n, After: &cursors[i]})
				end := min(i+1+n, len(want))
				equal(t, fmt.Sprintf("seed %d first %d after #%d", seed, n, i), ids(res.Edges), want[i+1:end])
				if res.HasNextPage != (end < len(want)) {
					t.Fatalf("seed %d first %d after #%d: hasNextPage %v", seed, n, i, res.HasNextPage)
				}
			} else {
				res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{Last: &n, Before: &cursors[i]})
				start := max(0, i-n)
				equal(t, fmt.Sprintf("seed %d last %d before #%d", seed, n, i), ids(res.Edges), want[start:i])
				if res.HasPreviousPage != (start > 0) || !res.HasNextPage {
					t.Fatalf("seed %d last %d before #%d: pageInfo %v %v", seed, n, i, res.HasPreviousPage, res.HasNextPage)
				}
			}
			// first between two cursors
			j := rng.IntN(len(cursors))
			if j > i {
				m := 100
				res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &m, After: &cursors[i], Before: &cursors[j]})
				end := min(j, i+1+m)
				equal(t, fmt.Sprintf("seed %d between #%d and #%d", seed, i, j), ids(res.Edges), want[i+1:end])
			}
		}
		total, err := providers.Count(ctx, streams, providers.FetchDirect)
		if err != nil || total != len(want) {
			t.Fatalf("seed %d: count %d, %v; want %d", seed, total, err, len(want))
		}
	}
}

// TestListDrift pushes repositories to the top between pages (unseen ones, seen ones, and the very
// last one shown) and deletes some: no repository that stays in the list is shown twice or skipped.
func TestListDrift(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		o := providers.NewOrder(providers.SortPushed, providers.Desc)
		ss, streams := randomStreams(rng, o)
		seen := map[string]int{}
		var after *providers.Cursor
		moved := map[string]bool{}
		deleted := map[string]bool{}
		for page := 0; page < 1000; page++ {
			n := 1 + rng.IntN(30)
			res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n, After: after})
			for _, e := range res.Edges {
				seen[e.Node.Identity()]++
			}
			if !res.HasNextPage {
				break
			}
			after = &res.Edges[len(res.Edges)-1].Cursor
			// Change one stream: push one unseen repository to the top, or delete a seen one.
			s := ss[rng.IntN(len(ss))]
			items := s.Items()
			if len(items) == 0 {
				continue
			}
			k := rng.IntN(len(items))
			event := rng.IntN(3)
			if event == 2 {
				// The stream's last repository already shown (its cursor anchor) is pushed.
				k = -1
				for i := range items {
					if seen[items[i].Identity()] > 0 {
						k = i
					}
				}
				if k < 0 {
					continue
				}
			}
			id := items[k].Identity()
			if event == 2 || (event == 0 && seen[id] > 0) {
				// A repository already shown moves to the top: it must not be shown again.
				t := time.Date(2030, 1, 1, 0, page, 0, 0, time.UTC)
				items[k].PushedAt = &t
			} else if event == 0 && seen[id] == 0 && !moved[id] {
				t := time.Date(2030, 1, 1, 0, page, 0, 0, time.UTC)
				items[k].PushedAt = &t
				moved[id] = true
			} else if seen[id] > 0 {
				items = append(items[:k], items[k+1:]...)
				deleted[id] = true
			}
			s.Set(items)
		}
		for _, s := range ss {
			for _, r := range s.Items() {
				id := r.Identity()
				if seen[id] > 1 {
					t.Fatalf("seed %d: %s shown %d times", seed, id, seen[id])
				}
				if seen[id] == 0 && !moved[id] {
					t.Fatalf("seed %d: %s never shown", seed, id)
				}
			}
		}
	}
}

// TestListBulkPush: between two pages a bot pushes to many repositories at once and new ones
// appear at the top. Dates are distinct, so the cursor's date key places the walk (see realign).
//   - forward: among the pushed are the last two shown, some shown earlier and two not yet shown;
//     nothing is shown again, and nothing that stayed below the walk is skipped;
//   - backward from the end (last/before): up to five not yet reached are pushed; every repository,
//     moved and new ones included, is shown exactly once.
func TestListBulkPush(t *testing.T) {
	ctx := context.Background()
	o := providers.NewOrder(providers.SortPushed, providers.Desc)
	for _, backward := range []bool{false, true} {
		for seed := uint64(1); seed <= 100; seed++ {
			rng := rand.New(rand.NewPCG(seed, 11))
			base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			repos := randomRepos(rng, providers.GitHub, "b", 60+rng.IntN(400))
			for i, p := range rng.Perm(len(repos)) { // distinct dates
				t := base.Add(-time.Duration(p) * time.Minute)
				repos[i].PushedAt = &t
			}
			s := providertest.NewStream("github", "", o, repos)
			streams := []providers.Stream{s}
			seen := map[string]int{}
			page := func(n int, c *providers.Cursor) providers.Result {
				w := providers.Window{First: &n, After: c}
				if backward {
					w = providers.Window{Last: &n, Before: c}
				}
				res := providers.List(ctx, streams, o, providers.FetchDirect, w)
				for _, e := range res.Edges {
					seen[e.Node.Identity()]++
				}
				return res
			}
			size := 1 + rng.IntN(60)
			res := page(size, nil)

			items := s.Items()
			shown := len(res.Edges)
			push := map[int]bool{}
			moved := map[string]bool{} // may be skipped: moved above a forward walk, or new there
			if backward {
				for j := 0; j < 5 && shown < len(items); j++ {
					push[rng.IntN(len(items)-shown)] = true
				}
			} else {
				push[shown-1] = true
				if shown > 1 {
					push[shown-2] = true
				}
				for j := 0; j < 3; j++ {
					push[rng.IntN(shown)] = true
				}
				for j := 0; j < 2 && shown < len(items); j++ {
					i := shown + rng.IntN(len(items)-shown)
					push[i] = true
					moved[items[i].Identity()] = true
				}
			}
			at := rng.Perm(len(push) + 3) // the pushed and three new ones, in a random order
			j := 0
			for i := range push {
				t := base.Add(time.Duration(1+at[j]) * time.Second)
				items[i].PushedAt = &t
				j++
			}
			for ; j < len(at); j++ {
				fresh := items[0]
				fresh.ForgeID, fresh.NameWithOwner = fmt.Sprintf("new-%d", j), fmt.Sprintf("owner-b/new-%d", j)
				t := base.Add(time.Duration(1+at[j]) * time.Second)
				fresh.PushedAt = &t
				if !backward {
					moved[fresh.Identity()] = true
				}
				items = append(items, fresh)
			}
			s.Set(items)

			for {
				var c *providers.Cursor
				if backward {
					if !res.HasPreviousPage || len(res.Edges) == 0 {
						break
					}
					c = &res.Edges[0].Cursor
				} else {
					if !res.HasNextPage {
						break
					}
					c = &res.Edges[len(res.Edges)-1].Cursor
				}
				res = page(1+rng.IntN(60), c)
			}
			for _, r := range s.Items() {
				id := r.Identity()
				if seen[id] > 1 || (seen[id] == 0 && !moved[id]) {
					t.Fatalf("backward %v, seed %d (first page %d): %s shown %d times", backward, seed, size, id, seen[id])
				}
			}
		}
	}
}

func TestListFailingStreamKeepsOthers(t *testing.T) {
	ctx := context.Background()
	o := providers.NewOrder("", "")
	rng := rand.New(rand.NewPCG(1, 1))
	good := providertest.NewStream("github", "", o, randomRepos(rng, providers.GitHub, "a", 150))
	bad := providertest.NewStream("gitlab", "", o, randomRepos(rng, providers.GitLab, "b", 10))
	bad.Fail = providers.Errorf(providers.KindRateLimited, "gitlab", "rate limit spent")
	n := 50
	res := providers.List(ctx, []providers.Stream{good, bad}, o, providers.FetchDirect, providers.Window{First: &n})
	if len(res.Edges) != 50 || len(res.Failed) != 1 || res.Failed[0].Source != "gitlab" || providers.KindOf(res.Failed[0]) != providers.KindRateLimited {
		t.Fatalf("edges %d, failed %v", len(res.Edges), res.Failed)
	}
	// When the failing stream recovers, a walk from the cursor still yields all of its items.
	bad.Fail = nil
	after := res.Edges[49].Cursor
	seen := map[string]bool{}
	for {
		res = providers.List(ctx, []providers.Stream{good, bad}, o, providers.FetchDirect, providers.Window{First: &n, After: &after})
		for _, e := range res.Edges {
			seen[e.Node.Identity()] = true
		}
		if !res.HasNextPage {
			break
		}
		after = res.Edges[len(res.Edges)-1].Cursor
	}
	if len(seen) != 100+10 {
		t.Fatalf("after recovery saw %d, want 110", len(seen))
	}
}
