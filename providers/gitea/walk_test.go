package gitea_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

func streamsFor(t *testing.T, e *env, o providers.Order) []providers.Stream {
	t.Helper()
	st, err := e.src.Streams(context.Background(), providers.Query{Token: token, Order: o})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Key() != "" || st[0].Source() != "gitea" {
		t.Fatalf("streams: %v", st)
	}
	return st
}

func walk(t *testing.T, st []providers.Stream, o providers.Order, sizes []int, backward bool) []*providers.Repository {
	t.Helper()
	rs, err := providertest.Walk(context.Background(), st, o, nil, sizes, backward)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestWalkEverySortBothWays walks lists of 0, 1, 50, 101 and 250 repositories in every sort and
// direction, forward and backward: every repository exactly once, in Gitea's documented order
// (FULL_NAME in the project's order), converted unchanged, with an exact count. Public
// repositories of others are on the fake throughout and must never appear; every list request
// names the viewer (uid) and asks 50 per page.
func TestWalkEverySortBothWays(t *testing.T) {
	for _, n := range []int{0, 1, 50, 101, 250} {
		repos := makeRepos(n)
		byID := map[string]string{}
		for _, r := range repos {
			byID[r.ForgeID] = jsonOf(t, r)
		}
		f := fake.New(token, repos)
		f.Others = others()
		e := newEnv(t, f, nil, nil)
		for _, o := range providertest.AllOrders() {
			what := fmt.Sprintf("%d repos %s", n, o)
			st := streamsFor(t, e, o)
			want := giteaOrder(repos, o)
			fwd := walk(t, st, o, []int{37, 100, 1, 64}, false)
			for _, r := range fwd {
				if got := jsonOf(t, listFields(r)); got != byID[r.ForgeID] {
					t.Fatalf("%s: %s converted as %s, want %s", what, r.NameWithOwner, got, byID[r.ForgeID])
				}
			}
			equal(t, what+" forward", providertest.Identities(fwd), want)
			equal(t, what+" backward", providertest.Identities(walk(t, st, o, []int{29, 100, 3}, true)), want)
			total, err := providers.Count(context.Background(), st, providers.FetchDirect)
			if err != nil || total != n {
				t.Fatalf("%s: count %d, %v", what, total, err)
			}
		}
		for _, q := range e.requests("/repos/search") {
			if q.Get("uid") != "1" || q.Get("private") != "true" || q.Get("limit") != "50" || q.Has("exclusive") || q.Has("mode") {
				t.Fatalf("%d repos: list request %v is not the viewer's whole list by 50", n, q)
			}
		}
		if got := len(e.requests("/user")); got != 1 {
			t.Fatalf("%d repos: GET /user asked %d times, want once (the viewer's id is kept)", n, got)
		}
	}
}

// TestNativeSortsAskGitea checks which sort each order asks for: PUSHED and UPDATED are Gitea's
// "updated", CREATED its "created", in the direction asked; FULL_NAME is local.
func TestNativeSortsAskGitea(t *testing.T) {
	for _, c := range []struct {
		o           providers.Order
		sort, order string
	}{
		{providers.NewOrder(providers.SortPushed, providers.Desc), "updated", "desc"},
		{providers.NewOrder(providers.SortPushed, providers.Asc), "updated", "asc"},
		{providers.NewOrder(providers.SortUpdated, providers.Desc), "updated", "desc"},
		{providers.NewOrder(providers.SortCreated, providers.Asc), "created", "asc"},
		{providers.NewOrder(providers.SortCreated, providers.Desc), "created", "desc"},
	} {
		e := newEnv(t, fake.New(token, makeRepos(3)), nil, nil)
		st := streamsFor(t, e, c.o)
		if strings.HasSuffix(st[0].ID(), "|local") {
			t.Fatalf("%s is local", c.o)
		}
		if _, err := st[0].FetchPage(context.Background(), 0, ""); err != nil {
			t.Fatal(err)
		}
		q := e.requests("/repos/search")
		if len(q) != 1 || q[0].Get("sort") != c.sort || q[0].Get("order") != c.order || q[0].Get("page") != "1" {
			t.Fatalf("%s asked %v, want sort=%s order=%s page=1", c.o, q, c.sort, c.order)
		}
	}
}

// TestFullNameIsLocalAndReadsTheListOnce: FULL_NAME walks read the whole list once, in id order
// (five upstream pages of 50 for 250 repositories), whatever the direction and page sizes.
func TestFullNameIsLocalAndReadsTheListOnce(t *testing.T) {
	repos := makeRepos(250)
	f := fake.New(token, repos)
	e := newEnv(t, f, nil, providers.NewLocal(nil, 0, 0))
	asc := providers.NewOrder(providers.SortFullName, providers.Asc)
	st := streamsFor(t, e, asc)
	if !strings.HasSuffix(st[0].ID(), "|local") {
		t.Fatalf("FULL_NAME stream %q is not local", st[0].ID())
	}
	equal(t, "FULL_NAME ASC", providertest.Identities(walk(t, st, asc, []int{30, 7, 100}, false)), giteaOrder(repos, asc))
	desc := providers.NewOrder(providers.SortFullName, providers.Desc)
	equal(t, "FULL_NAME DESC", providertest.Identities(walk(t, streamsFor(t, e, desc), desc, []int{50}, true)), giteaOrder(repos, desc))
	pages := map[string]int{}
	for _, q := range e.requests("/repos/search") {
		if q.Get("sort") != "id" || q.Get("order") != "asc" {
			t.Fatalf("whole-list read not in id order: %v", q)
		}
		pages[q.Get("page")]++
	}
	if len(pages) != 5 {
		t.Fatalf("pages read: %v, want 1 to 5 once each", pages)
	}
	for p, n := range pages {
		if n != 1 {
			t.Fatalf("page %s read %d times", p, n)
		}
	}
}

// TestFullNameAboveMax fails clearly when the whole list is longer than Local.Max, at once (the
// first answer's X-Total-Count says so).
func TestFullNameAboveMax(t *testing.T) {
	f := fake.New(token, makeRepos(250))
	e := newEnv(t, f, nil, providers.NewLocal(nil, 150, 0))
	_, err := streamsFor(t, e, providers.NewOrder(providers.SortFullName, ""))[0].FetchPage(context.Background(), 0, "")
	if pe := kindOf(t, err); pe.Kind != providers.KindBadResponse || !strings.Contains(pe.Error(), "more than 150") {
		t.Fatalf("%v", err)
	}
	if n := len(e.requests("/repos/search")); n != 2 {
		t.Fatalf("%d list requests, want 2 (one page of 100)", n)
	}
}

// TestWalkUpstreamRequests logs the upstream requests of whole walks through a page cache (as the
// server's is) and checks they are the fewest possible: GET /user once, then each page of 50 once.
func TestWalkUpstreamRequests(t *testing.T) {
	repos := makeRepos(120)
	e := newEnv(t, fake.New(token, repos), nil, nil)
	var mu sync.Mutex
	cached := map[string]providers.Page{}
	fetch := func(ctx context.Context, s providers.Stream, i int) (providers.Page, error) {
		key := fmt.Sprint(s.ID(), "#", i)
		mu.Lock()
		p, ok := cached[key]
		mu.Unlock()
		if ok {
			return p, nil
		}
		p, err := s.FetchPage(ctx, i, "")
		if err == nil {
			mu.Lock()
			cached[key] = p
			mu.Unlock()
		}
		return p, err
	}
	for _, o := range []providers.Order{providers.NewOrder(providers.SortPushed, providers.Desc), providers.NewOrder(providers.SortFullName, providers.Asc)} {
		before := len(e.paths())
		rs, err := providertest.Walk(context.Background(), streamsFor(t, e, o), o, fetch, []int{25}, false)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, o.String(), providertest.Identities(rs), giteaOrder(repos, o))
		e.mu.Lock()
		reqs := e.reqs[before:]
		e.mu.Unlock()
		t.Logf("%s walk, 25 per page, %d repositories: %d upstream requests", o, len(rs), len(reqs))
		seen := map[string]bool{}
		for _, u := range reqs {
			t.Logf("  GET %s", u.RequestURI())
			if seen[u.RequestURI()] {
				t.Errorf("%s asked twice", u.RequestURI())
			}
			seen[u.RequestURI()] = true
		}
		if want := 3 + btoi(before == 0); len(reqs) != want {
			t.Errorf("%s: %d upstream requests, want %d", o, len(reqs), want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
