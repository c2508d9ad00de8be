package gitlab_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// walkForward pages the whole list with providers.List, cycling through the page sizes.
func walkForward(t *testing.T, streams []providers.Stream, o providers.Order, sizes []int) []providers.Repository {
	t.Helper()
	rs, err := providertest.Walk(context.Background(), streams, o, nil, sizes, false)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]providers.Repository, len(rs))
	for i, r := range rs {
		out[i] = *r
	}
	return out
}

func walkBackward(t *testing.T, streams []providers.Stream, o providers.Order, sizes []int) []string {
	t.Helper()
	rs, err := providertest.Walk(context.Background(), streams, o, nil, sizes, true)
	if err != nil {
		t.Fatal(err)
	}
	return providertest.Identities(rs)
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

func streamsFor(t *testing.T, src *gitlab.Source, tok string, o providers.Order) []providers.Stream {
	t.Helper()
	st, err := src.Streams(context.Background(), providers.Query{Token: tok, Order: o})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Key() != "" || st[0].Source() != "gitlab" {
		t.Fatalf("streams: %v", st)
	}
	return st
}

// TestWalkEverySortBothWays walks lists of 0, 100, 101 and 250 projects in every sort and direction,
// forward and backward: every project exactly once, in Order.Compare's order, converted unchanged.
// Public projects of others are on the fake throughout and must never appear.
func TestWalkEverySortBothWays(t *testing.T) {
	for _, n := range []int{0, 100, 101, 250} {
		repos := makeRepos(n)
		byID := map[string]string{}
		for _, r := range repos {
			byID[r.ForgeID] = jsonOf(t, r)
		}
		f := fake.New(token, repos)
		f.PublicOthers = others()
		e := newEnv(t, f, nil, nil)
		for _, o := range providertest.AllOrders() {
			what := fmt.Sprintf("%d repos %s", n, o)
			st := streamsFor(t, e.src, token, o)
			want := gitlabOrder(repos, o)
			got := walkForward(t, st, o, []int{37, 100, 1, 64})
			gotIDs := make([]string, len(got))
			for i, r := range got {
				gotIDs[i] = r.Identity()
				if jsonOf(t, r) != byID[r.ForgeID] {
					t.Fatalf("%s: %s converted as %s, want %s", what, r.NameWithOwner, jsonOf(t, r), byID[r.ForgeID])
				}
			}
			equal(t, what+" forward", gotIDs, want)
			equal(t, what+" backward", walkBackward(t, st, o, []int{29, 100, 3}), want)
			total, err := providers.Count(context.Background(), st, providers.FetchDirect)
			if err != nil || total != n {
				t.Fatalf("%s: count %d, %v", what, total, err)
			}
		}
		for _, q := range e.queries("/projects") {
			if q.Get("membership") != "true" || q.Get("per_page") != "100" {
				t.Fatalf("%d repos: request without membership=true&per_page=100: %v", n, q)
			}
		}
	}
}

func ids2(rs []providers.Repository) []string {
	out := make([]string, len(rs))
	for i := range rs {
		out[i] = rs[i].Identity()
	}
	return out
}

// TestFullNameIsLocalAndReadsEachPageOncePerWalk: FULL_NAME walks read the whole list once (three
// upstream pages for 250 projects), whatever the direction and page sizes, and share the read.
func TestFullNameIsLocalAndReadsEachPageOncePerWalk(t *testing.T) {
	for _, omit := range []bool{false, true} {
		repos := makeRepos(250)
		f := fake.New(token, repos)
		f.OmitTotals = omit
		f.PublicOthers = others()
		e := newEnv(t, f, providers.NewLocal(nil, 0, 0), nil)
		asc := providers.NewOrder(providers.SortFullName, providers.Asc)
		st := streamsFor(t, e.src, token, asc)
		if !strings.HasSuffix(st[0].ID(), "|local") {
			t.Fatalf("FULL_NAME stream %q is not local", st[0].ID())
		}
		equal(t, "FULL_NAME ASC", ids2(walkForward(t, st, asc, []int{30, 7, 100})), sorted(repos, asc))
		if n := f.Requests(); n != 3 {
			t.Fatalf("omit %v: FULL_NAME walk made %d upstream requests, want 3 (one per page)", omit, n)
		}
		pages := map[string]int{}
		for _, q := range e.queries("/projects") {
			pages[q.Get("page")]++
			if q.Get("membership") != "true" || q.Get("per_page") != "100" {
				t.Fatalf("whole-list read without membership=true&per_page=100: %v", q)
			}
		}
		if pages["1"] != 1 || pages["2"] != 1 || pages["3"] != 1 {
			t.Fatalf("pages read: %v", pages)
		}
		desc := providers.NewOrder(providers.SortFullName, providers.Desc)
		equal(t, "FULL_NAME DESC", walkBackward(t, streamsFor(t, e.src, token, desc), desc, []int{50}), sorted(repos, desc))
		if n := f.Requests(); n != 3 {
			t.Fatalf("second walk re-read the list: %d requests", n)
		}
	}
}

// TestFullNameAboveMax fails clearly when the whole list is longer than Local.Max: at once when
// x-total says so, else after reading past the bound.
func TestFullNameAboveMax(t *testing.T) {
	for _, c := range []struct {
		omit     bool
		requests int64
	}{{false, 1}, {true, 2}} {
		f := fake.New(token, makeRepos(250))
		f.OmitTotals = c.omit
		e := newEnv(t, f, providers.NewLocal(nil, 150, 0), nil)
		o := providers.NewOrder(providers.SortFullName, "")
		_, err := streamsFor(t, e.src, token, o)[0].FetchPage(context.Background(), 0, "")
		pe := kindOf(t, err)
		if pe.Kind != providers.KindBadResponse || !strings.Contains(pe.Error(), "more than 150") {
			t.Fatalf("omit %v: %v", c.omit, err)
		}
		if f.Requests() != c.requests {
			t.Fatalf("omit %v: %d requests, want %d", c.omit, f.Requests(), c.requests)
		}
	}
	// Exactly at the bound is fine.
	f := fake.New(token, makeRepos(200))
	e := newEnv(t, f, providers.NewLocal(nil, 200, 0), nil)
	o := providers.NewOrder(providers.SortFullName, "")
	p, err := streamsFor(t, e.src, token, o)[0].FetchPage(context.Background(), 1, "")
	if err != nil || len(p.Items) != 100 || p.More || p.Total != 200 {
		t.Fatalf("200 of 200: %d items more %v total %d, %v", len(p.Items), p.More, p.Total, err)
	}
}
