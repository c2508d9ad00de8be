package codearts_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

func TestNew(t *testing.T) {
	bad := []struct {
		cfg  codearts.Config
		want string
	}{
		{codearts.Config{}, "base URL is required"},
		{codearts.Config{BaseURL: "  "}, "base URL is required"},
		{codearts.Config{BaseURL: "https://codehub-ext.cn-north-4.myhuaweicloud.com", APIVersion: "v3"}, `"v4" (the default) or "v2"`},
		{codearts.Config{BaseURL: "https://codehub-ext.cn-north-4.myhuaweicloud.com", APIVersion: "4"}, `"v4" (the default) or "v2"`},
		{codearts.Config{BaseURL: "ftp://codehub.example.com"}, "absolute http(s) URL"},
		{codearts.Config{BaseURL: "codehub.example.com"}, "absolute http(s) URL"},
		{codearts.Config{BaseURL: "https://codehub.example.com/?x=1"}, "absolute http(s) URL"},
		{codearts.Config{BaseURL: "https://codehub.example.com/v4"}, "without the API version"},
		{codearts.Config{BaseURL: "https://codehub.example.com/v2/", APIVersion: "v2"}, "without the API version"},
	}
	for _, c := range bad {
		s, err := codearts.New(c.cfg)
		if err == nil || s != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, %v; want an error mentioning %q", c.cfg, s, err, c.want)
		}
	}
	for in, want := range map[string]string{"": "v4", "v4": "v4", "V2": "v2", " v2 ": "v2"} {
		s, err := codearts.New(codearts.Config{BaseURL: "https://codehub-ext.cn-north-4.myhuaweicloud.com/", APIVersion: in})
		if err != nil {
			t.Fatalf("APIVersion %q: %v", in, err)
		}
		if s.APIVersion() != want || s.Name() != "codearts" {
			t.Fatalf("APIVersion %q: got %s %s", in, s.APIVersion(), s.Name())
		}
		if p := s.Providers(); len(p) != 1 || p[0] != providers.CodeArts {
			t.Fatalf("providers %v", p)
		}
	}
}

func TestStreamsArguments(t *testing.T) {
	for _, v := range versions {
		_, rc, s := withFake(t, v, makeRepos(1, 3))
		ctx := context.Background()
		_, err := s.Streams(ctx, providers.Query{Token: token, Order: providers.Order{Sort: "STARS", Direction: providers.Asc}})
		if providers.KindOf(err) != providers.KindInternal {
			t.Fatalf("%s: invalid order: %v", v, err)
		}
		_, err = s.Streams(ctx, providers.Query{Order: providers.NewOrder("", "")})
		wantKind(t, err, providers.KindUnauth, "no token")
		st, err := s.Streams(ctx, providers.Query{Token: token, Order: providers.NewOrder("", ""), Providers: []providers.Provider{providers.GitHub}})
		if err != nil || len(st) != 0 {
			t.Fatalf("%s: filter without CODEARTS: %v %v", v, st, err)
		}
		for _, o := range providertest.AllOrders() {
			st := streamOf(t, s, token, o)
			if st.Key() != "" || st.Source() != "codearts" || strings.Contains(st.ID(), token) || !strings.Contains(st.ID(), o.String()) {
				t.Fatalf("%s %v: stream key %q source %q id %q", v, o, st.Key(), st.Source(), st.ID())
			}
			other := streamOf(t, s, "another-token", o)
			if other.ID() == st.ID() {
				t.Fatalf("%s %v: two credentials share stream id %q", v, o, st.ID())
			}
		}
		if paths := rc.Paths(); len(paths) != 0 {
			t.Fatalf("%s: Streams sent %d requests", v, len(paths))
		}
	}
}

// TestWalkEveryOrder walks lists of 0, 100, 101 and 250 repositories in every order on both
// versions, forward and backward, and checks the order, the count, and that v4's CREATED and
// UPDATED are paged natively while the rest read the whole list once.
func TestWalkEveryOrder(t *testing.T) {
	for _, v := range versions {
		for _, n := range []int{0, 100, 101, 250} {
			for _, o := range providertest.AllOrders() {
				t.Run(fmt.Sprintf("%s/%d/%s", v, n, o), func(t *testing.T) {
					repos := makeRepos(uint64(n+1), n)
					_, rc, s := withFake(t, v, repos)
					streams := []providers.Stream{streamOf(t, s, token, o)}
					want := expectedOrder(v, o, repos)
					for _, size := range []int{37, 100} {
						fwd, bwd := walk(t, streams, o, size)
						sameList(t, fmt.Sprintf("forward by %d", size), fwd, want)
						sameList(t, fmt.Sprintf("backward by %d", size), bwd, want)
					}
					total, err := providers.Count(context.Background(), streams, providers.FetchDirect)
					if err != nil || total != n {
						t.Fatalf("count %d, %v; want %d", total, err, n)
					}
					checkRequests(t, v, n, o, rc)
				})
			}
		}
	}
}

// checkRequests checks the upstream requests of a walk: native pages in the asked order, or one
// read of the whole list.
func checkRequests(t *testing.T, v string, n int, o providers.Order, rc *recorder) {
	t.Helper()
	paths, queries := rc.Paths(), rc.Queries("")
	native := v == codearts.APIv4 && (o.Sort == providers.SortCreated || o.Sort == providers.SortUpdated)
	for i, q := range queries {
		switch v {
		case codearts.APIv4:
			orderBy, sort := "created_at", "asc"
			if native {
				orderBy, sort = map[providers.Sort]string{providers.SortCreated: "created_at", providers.SortUpdated: "updated_at"}[o.Sort], strings.ToLower(string(o.Direction))
			}
			off, err := strconv.Atoi(q.Get("offset"))
			if paths[i] != "/v4/user/repositories" || q.Get("limit") != "100" || err != nil || off%100 != 0 || q.Get("order_by") != orderBy || q.Get("sort") != sort {
				t.Fatalf("request %d: %s?%s; want order_by=%s sort=%s limit=100", i, paths[i], q.Encode(), orderBy, sort)
			}
		case codearts.APIv2:
			if paths[i] != "/v2/projects/repositories" || q.Get("page_size") != "100" || q.Get("page_index") != strconv.Itoa(i+1) {
				t.Fatalf("request %d: %s?%s", i, paths[i], q.Encode())
			}
		}
	}
	if native {
		return
	}
	// The whole list, read once: v4 until a short page, v2 until the total.
	want := n/100 + 1
	if v == codearts.APIv2 {
		want = max(1, (n+99)/100)
	}
	if len(queries) != want {
		t.Fatalf("%d requests for a local sort of %d repositories, want %d", len(queries), n, want)
	}
}

// TestFullPageThenEmpty: v4 gives no total, so a full last page says More and the next one is
// empty.
func TestFullPageThenEmpty(t *testing.T) {
	_, _, s := withFake(t, codearts.APIv4, makeRepos(3, 100))
	st := streamOf(t, s, token, providers.NewOrder(providers.SortUpdated, providers.Desc))
	ctx := context.Background()
	p, err := st.FetchPage(ctx, 0, "")
	if err != nil || len(p.Items) != 100 || !p.More || p.Total != -1 || p.LastIndex != -1 {
		t.Fatalf("page 0: %d items more %v total %d last %d, %v", len(p.Items), p.More, p.Total, p.LastIndex, err)
	}
	p, err = st.FetchPage(ctx, 1, "")
	if err != nil || len(p.Items) != 0 || p.More {
		t.Fatalf("page 1: %d items more %v, %v", len(p.Items), p.More, err)
	}
}

// TestLocalListSharedAcrossOrders: the whole list is read once per credential, whatever the order.
func TestLocalListSharedAcrossOrders(t *testing.T) {
	for _, v := range versions {
		f, _, s := withFake(t, v, makeRepos(4, 150))
		ctx := context.Background()
		var orders []providers.Order
		for _, o := range providertest.AllOrders() {
			if v == codearts.APIv2 || o.Sort == providers.SortPushed || o.Sort == providers.SortFullName {
				orders = append(orders, o)
			}
		}
		for _, o := range orders {
			if _, err := streamOf(t, s, token, o).FetchPage(ctx, 1, ""); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.Requests(); got != 2 {
			t.Fatalf("%s: %d requests for %d orders, want 2 (one read of 150)", v, got, len(orders))
		}
		// Another credential reads its own list (and is refused here).
		_, err := streamOf(t, s, "someone-else", orders[0]).FetchPage(ctx, 0, "")
		wantKind(t, err, providers.KindUnauth)
	}
}

func TestRepository(t *testing.T) {
	for _, v := range versions {
		repos := makeRepos(5, 120)
		f, _, s := withFake(t, v, repos)
		ctx := context.Background()
		target := repos[107]
		r, err := s.Repository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: target.ForgeID, NameWithOwner: "renamed/elsewhere"})
		if err != nil || r.ForgeID != target.ForgeID || r.NameWithOwner != target.NameWithOwner || r.CloneURL == nil || *r.CloneURL != *target.CloneURL {
			t.Fatalf("%s: by id: %v, %v", v, r, err)
		}
		reads := f.Requests()
		// By path (case-insensitive) when the id is not in the list; the list is not read again.
		r, err = s.Repository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: "999999", NameWithOwner: strings.ToUpper(repos[3].NameWithOwner)})
		if err != nil || r.ForgeID != repos[3].ForgeID {
			t.Fatalf("%s: by path: %v, %v", v, r, err)
		}
		if f.Requests() != reads {
			t.Fatalf("%s: second lookup read the forge again", v)
		}
		// The answer is a copy.
		r.Name = "changed"
		if again, _ := s.Repository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: repos[3].ForgeID, NameWithOwner: "x/y"}); again.Name == "changed" {
			t.Fatalf("%s: Repository returned the cached list's element", v)
		}
		_, err = s.Repository(ctx, token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: "999999", NameWithOwner: "nobody/nothing"})
		wantKind(t, err, providers.KindNotFound, "nobody/nothing")
		_, err = s.Repository(ctx, token, providers.GlobalID{Provider: providers.GitHub, ForgeID: target.ForgeID, NameWithOwner: target.NameWithOwner})
		wantKind(t, err, providers.KindNotFound)
		_, err = s.Repository(ctx, "wrong", providers.GlobalID{Provider: providers.CodeArts, ForgeID: target.ForgeID, NameWithOwner: target.NameWithOwner})
		wantKind(t, err, providers.KindUnauth, "HTTP 401")
		_, err = s.Repository(ctx, "", providers.GlobalID{Provider: providers.CodeArts, ForgeID: target.ForgeID, NameWithOwner: target.NameWithOwner})
		wantKind(t, err, providers.KindUnauth)
	}
}

// TestRepositoryByGlobalID resolves the id field of a listed repository.
func TestRepositoryByGlobalID(t *testing.T) {
	_, _, s := withFake(t, codearts.APIv4, makeRepos(6, 30))
	p, err := streamOf(t, s, token, providers.NewOrder("", "")).FetchPage(context.Background(), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	id, err := providers.DecodeGlobalID(p.Items[17].ID())
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Repository(context.Background(), token, id)
	if err != nil || r.Identity() != p.Items[17].Identity() {
		t.Fatalf("%v, %v", r, err)
	}
}

func TestETag(t *testing.T) {
	var gotToken, gotAuth, gotINM string
	base := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotToken, gotAuth, gotINM = r.Header.Get("X-Auth-Token"), r.Header.Get("Authorization"), r.Header.Get("If-None-Match")
		if gotINM == `W/"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `W/"v1"`)
		_, _ = w.Write([]byte(`[{"id":1,"name":"r","namespace":"o/r"}]`))
	})
	s := newSource(t, codearts.APIv4, base)
	st := streamOf(t, s, token, providers.NewOrder(providers.SortCreated, providers.Desc))
	p, err := st.FetchPage(context.Background(), 0, "")
	if err != nil || p.ETag != `W/"v1"` || len(p.Items) != 1 || p.More {
		t.Fatalf("%+v, %v", p, err)
	}
	if gotToken != token || gotAuth != "" || gotINM != "" {
		t.Fatalf("headers: X-Auth-Token %q Authorization %q If-None-Match %q", gotToken, gotAuth, gotINM)
	}
	_, err = st.FetchPage(context.Background(), 0, p.ETag)
	if err != providers.ErrNotModified || gotINM != `W/"v1"` {
		t.Fatalf("conditional fetch: %v (If-None-Match %q)", err, gotINM)
	}
}

// TestMalformedIDIsBadInput: CodeArts builds no path from an id, but a path that cannot be one is
// the same BAD_USER_INPUT error as on every forge, and the forge is not asked.
func TestMalformedIDIsBadInput(t *testing.T) {
	_, rc, s := withFake(t, codearts.APIv4, makeRepos(3, 3))
	for _, p := range []string{"noslash", "..", "a/..", "../b", "a//b", "a/.", "/", "a/b\x00", "a\n/b", `a\b/c`} {
		_, err := s.Repository(context.Background(), token, providers.GlobalID{Provider: providers.CodeArts, ForgeID: "1", NameWithOwner: p})
		wantKind(t, err, providers.KindBadInput, "Repository's id")
	}
	if paths := rc.Paths(); len(paths) != 0 {
		t.Fatalf("malformed ids asked the forge: %q", paths)
	}
}
