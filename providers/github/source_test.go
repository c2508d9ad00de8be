package github_test

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	"github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

func identities(rs []providers.Repository) []string {
	out := make([]string, len(rs))
	for i := range rs {
		out[i] = rs[i].Identity()
	}
	return out
}

func sameOrder(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d repositories, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: position %d is %s, want %s", what, i, got[i], want[i])
		}
	}
}

// walk reads the whole list with providers.List, forward then backward, with random page sizes.
func walk(t *testing.T, rng *rand.Rand, st providers.Stream, o providers.Order) (forward, backward []string) {
	t.Helper()
	streams := []providers.Stream{st}
	sizes := providertest.RandomSizes(rng.IntN, 64)
	f, err := providertest.Walk(context.Background(), streams, o, nil, sizes, false)
	if err != nil {
		t.Fatalf("forward: %v", err)
	}
	b, err := providertest.Walk(context.Background(), streams, o, nil, sizes, true)
	if err != nil {
		t.Fatalf("backward: %v", err)
	}
	return providertest.Identities(f), providertest.Identities(b)
}

func TestEveryOrderIsNativeAndWalksBothWays(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	repos := genRepos(rng, 250)
	s, _, rc := fakeSource(t, repos)
	wantSort := map[providers.Sort]string{providers.SortPushed: "pushed", providers.SortUpdated: "updated",
		providers.SortCreated: "created", providers.SortFullName: "full_name"}
	for _, o := range providertest.AllOrders() {
		t.Run(o.String(), func(t *testing.T) {
			before := len(rc.Requests())
			st := stream(t, s, o)
			want := identities(sorted(repos, o))
			fwd, bwd := walk(t, rng, st, o)
			sameOrder(t, "forward", fwd, want)
			sameOrder(t, "backward", bwd, want)
			for _, r := range rc.Requests()[before:] {
				q := query(t, r.Query)
				if r.Path != "/user/repos" || q.Get("sort") != wantSort[o.Sort] ||
					q.Get("direction") != strings.ToLower(string(o.Direction)) || q.Get("per_page") != "100" {
					t.Fatalf("request %s?%s for %v", r.Path, r.Query, o)
				}
				if p, _ := strconv.Atoi(q.Get("page")); p < 1 || p > 3 {
					t.Fatalf("page %q", q.Get("page"))
				}
			}
		})
	}
}

func TestPagesRoundTripEveryField(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(8, 8)), 150)
	s, _, _ := fakeSource(t, repos)
	o := providers.NewOrder(providers.SortFullName, providers.Desc)
	st := stream(t, s, o)
	want := sorted(repos, o)
	var got []providers.Repository
	for i := 0; ; i++ {
		p, err := st.FetchPage(context.Background(), i, "")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Items...)
		if !p.More {
			break
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d repositories, want %d", len(got), len(want))
	}
	for i := range got {
		sameRepository(t, got[i], want[i])
	}
}

func TestListLengths(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 99, 100, 101, 200, 250} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			repos := genRepos(rand.New(rand.NewPCG(uint64(n), 1)), n)
			s, _, _ := fakeSource(t, repos)
			o := providers.NewOrder(providers.SortPushed, "")
			st := stream(t, s, o)

			pages := max((n+99)/100, 1)
			for i := 0; i < pages; i++ {
				p, err := st.FetchPage(ctx, i, "")
				if err != nil {
					t.Fatal(err)
				}
				wantLen := min(100, n-100*i)
				wantLast := -1
				if pages > 1 && i < pages-1 {
					wantLast = pages - 1 // the last page names no rel="last"
				}
				if len(p.Items) != wantLen || p.More != (i < pages-1) || p.Total != -1 || p.LastIndex != wantLast {
					t.Fatalf("page %d: %d items, more %v, total %d, last %d; want %d items, last %d",
						i, len(p.Items), p.More, p.Total, p.LastIndex, wantLen, wantLast)
				}
			}
			// A page past the end is empty and has no next.
			p, err := st.FetchPage(ctx, pages, "")
			if err != nil || len(p.Items) != 0 || p.More {
				t.Fatalf("page past the end: %v, %d items, more %v", err, len(p.Items), p.More)
			}

			// Count reads page 0 and, from its rel="last", the last page: no walk.
			fk2 := fake.New(token, repos)
			_, base := serve(t, fk2)
			st2 := stream(t, newSource(t, base, 0), o)
			total, err := providers.Count(ctx, []providers.Stream{st2}, providers.FetchDirect)
			if err != nil || total != n {
				t.Fatalf("count %d, %v; want %d", total, err, n)
			}
			wantReqs := int64(1)
			if pages > 1 {
				wantReqs = 2
			}
			if fk2.Requests() != wantReqs {
				t.Fatalf("count made %d requests, want %d", fk2.Requests(), wantReqs)
			}

			fwd, bwd := walk(t, rand.New(rand.NewPCG(3, uint64(n))), st, o)
			want := identities(sorted(repos, o))
			sameOrder(t, "forward", fwd, want)
			sameOrder(t, "backward", bwd, want)
		})
	}
}

func TestRequestHeadersAndGHEBasePath(t *testing.T) {
	for _, suffix := range []string{"", "/"} {
		fk := fake.New(token, genRepos(rand.New(rand.NewPCG(1, 1)), 3))
		rc, base := serve(t, fk)
		s := newSource(t, base+suffix, 0)
		if _, err := stream(t, s, providers.NewOrder(providers.SortCreated, providers.Asc)).FetchPage(context.Background(), 4, ""); err != nil {
			t.Fatal(err)
		}
		reqs := rc.Requests()
		if len(reqs) != 1 {
			t.Fatalf("%d requests", len(reqs))
		}
		r := reqs[0]
		if !strings.HasPrefix(r.URI, "/api/v3/user/repos?") {
			t.Fatalf("request URI %q does not keep the base path", r.URI)
		}
		q := query(t, r.Query)
		if q.Get("sort") != "created" || q.Get("direction") != "asc" || q.Get("per_page") != "100" || q.Get("page") != "5" || len(q) != 4 {
			t.Fatalf("query %q", r.Query)
		}
		for k, want := range map[string]string{
			"Authorization":        "Bearer " + token,
			"X-Github-Api-Version": "2022-11-28",
			"Accept":               "application/vnd.github+json",
			"If-None-Match":        "",
		} {
			if got := r.Header.Get(k); got != want {
				t.Fatalf("header %s = %q, want %q", k, got, want)
			}
		}
	}
}

// roundTripper answers every request with an empty list and records the URL.
type roundTripper struct{ urls []string }

func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.urls = append(rt.urls, req.URL.String())
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("[]")), Request: req}, nil
}

func TestNewDefaultsAndBadBase(t *testing.T) {
	rt := &roundTripper{}
	s, err := github.New(github.Config{HTTP: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "github" || len(s.Providers()) != 1 || s.Providers()[0] != providers.GitHub {
		t.Fatalf("name %q providers %v", s.Name(), s.Providers())
	}
	if _, err := stream(t, s, providers.NewOrder("", "")).FetchPage(context.Background(), 0, ""); err != nil {
		t.Fatal(err)
	}
	if len(rt.urls) != 1 || rt.urls[0] != "https://api.github.com/user/repos?direction=desc&page=1&per_page=100&sort=pushed" {
		t.Fatalf("default base: requested %v", rt.urls)
	}
	for _, bad := range []string{"api.github.com", "ftp://example.com", "https://example.com/api/v3?x=1", "https://", "::"} {
		if _, err := github.New(github.Config{BaseURL: bad}); err == nil {
			t.Errorf("New accepted base %q", bad)
		}
	}
}

func TestStreams(t *testing.T) {
	s := newSource(t, "https://ghe.example.com/api/v3", 0)
	ctx := context.Background()
	o := providers.NewOrder("", "")
	st, err := s.Streams(ctx, providers.Query{Token: token, Order: o})
	if err != nil || len(st) != 1 {
		t.Fatalf("%v %v", st, err)
	}
	if st[0].Key() != "" || st[0].Source() != "github" || strings.Contains(st[0].ID(), token) {
		t.Fatalf("key %q source %q id %q", st[0].Key(), st[0].Source(), st[0].ID())
	}
	if st[0].ID() != providers.StreamID("github", "", providers.Query{Token: token, Order: o}) {
		t.Fatalf("id %q not from providers.StreamID", st[0].ID())
	}
	other, _ := s.Streams(ctx, providers.Query{Token: "other", Order: o})
	desc, _ := s.Streams(ctx, providers.Query{Token: token, Order: providers.NewOrder(providers.SortFullName, "")})
	if other[0].ID() == st[0].ID() || desc[0].ID() == st[0].ID() {
		t.Fatal("stream ids do not tell credentials or orders apart")
	}
	if st, err := s.Streams(ctx, providers.Query{Token: token, Order: o, Providers: []providers.Provider{providers.GitLab}}); err != nil || len(st) != 0 {
		t.Fatalf("filtered out: %v %v", st, err)
	}
	if st, err := s.Streams(ctx, providers.Query{Token: token, Order: o, Providers: []providers.Provider{providers.GitLab, providers.GitHub}}); err != nil || len(st) != 1 {
		t.Fatalf("filtered in: %v %v", st, err)
	}
	_, err = s.Streams(ctx, providers.Query{Order: o})
	wantKind(t, err, providers.KindUnauth)
	_, err = s.Streams(ctx, providers.Query{Token: token, Order: providers.Order{Sort: "STARS", Direction: providers.Asc}})
	wantKind(t, err, providers.KindInternal)
}

func TestETag(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	repos := genRepos(rng, 120)
	s, fk, rc := fakeSource(t, repos)
	ctx := context.Background()
	st := stream(t, s, providers.NewOrder("", ""))
	p, err := st.FetchPage(ctx, 1, "")
	if err != nil || p.ETag == "" {
		t.Fatalf("etag %q, %v", p.ETag, err)
	}
	if _, err := st.FetchPage(ctx, 1, p.ETag); !errors.Is(err, providers.ErrNotModified) {
		t.Fatalf("same page with its etag: %v, want ErrNotModified", err)
	}
	reqs := rc.Requests()
	if got := reqs[len(reqs)-1].Header.Get("If-None-Match"); got != p.ETag {
		t.Fatalf("If-None-Match %q, want %q", got, p.ETag)
	}
	// Another page has another tag.
	p0, err := st.FetchPage(ctx, 0, p.ETag)
	if err != nil || p0.ETag == p.ETag || len(p0.Items) != 100 {
		t.Fatalf("page 0 with page 1's etag: %v, etag %q", err, p0.ETag)
	}
	// A changed list is sent again with a new tag.
	changed := sorted(repos, providers.NewOrder("", ""))
	changed[110].Description = ptr("changed")
	fk.SetRepos(changed)
	p2, err := st.FetchPage(ctx, 1, p.ETag)
	if err != nil || p2.ETag == p.ETag || len(p2.Items) != 20 {
		t.Fatalf("changed page: %v, etag %q (old %q), %d items", err, p2.ETag, p.ETag, len(p2.Items))
	}
}

func TestRepository(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(6, 6)), 30)
	s, _, rc := fakeSource(t, repos)
	ctx := context.Background()
	want := repos[7]
	id := providers.GlobalID{Provider: providers.GitHub, ForgeID: want.ForgeID, NameWithOwner: strings.ToUpper(want.NameWithOwner)}
	got, err := s.Repository(ctx, token, id)
	if err != nil {
		t.Fatal(err)
	}
	sameRepository(t, *got, want)
	// By its numeric id, so the id keeps resolving after a rename.
	if p := rc.Requests()[0].RawPath; p != "/repositories/"+want.ForgeID {
		t.Fatalf("path %q", p)
	}

	// Another repository now at that path.
	id.ForgeID = "999999"
	_, err = s.Repository(ctx, token, id)
	wantKind(t, err, providers.KindNotFound)

	_, err = s.Repository(ctx, token, providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: "nobody/nothing"})
	wantKind(t, err, providers.KindNotFound)

	n := len(rc.Requests())
	for _, path := range []string{"noslash", "a/b/c", "/b", "a/", "/"} {
		_, err := s.Repository(ctx, token, providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: path})
		wantKind(t, err, providers.KindBadInput)
	}
	_, err = s.Repository(ctx, token, providers.GlobalID{Provider: providers.GitLab, ForgeID: "1", NameWithOwner: "a/b"})
	wantKind(t, err, providers.KindNotFound)
	_, err = s.Repository(ctx, "", providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: "a/b"})
	wantKind(t, err, providers.KindUnauth)
	if len(rc.Requests()) != n {
		t.Fatal("an invalid id or missing token made a request")
	}
}

// craftedPaths are repository paths a client could put in a hand-made global id to steer the
// request elsewhere (/repos/../notifications) or smuggle characters into it.
var craftedPaths = []string{"..", "../notifications", "a/..", "../..", "%2e%2e/notifications", "a/%2e%2e", "a/%2E%2E",
	"a/.", "./a", "a/b/c", "a/b/../../user", "a%2Fb/c", "a\\..\\b/c", "/", "a/", "/b", "a//b", "a/b\x00", "a/b\n",
	"a\r/b", "a/\x7f", "oc to/x", "a/he?llo", "a/b#x", "a/\xff", "a/%00"}

// TestCraftedIDsStayInRepos: no crafted id reaches a path outside /repos/{owner}/{repo} (none reaches
// the forge at all) and each is one BAD_USER_INPUT error that says what is wrong.
func TestCraftedIDsStayInRepos(t *testing.T) {
	rc, base := serve(t, fixture(t, "repo.json"))
	s := newSource(t, base, 0)
	for _, p := range craftedPaths {
		_, err := s.Repository(context.Background(), token, providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: p})
		e := wantKind(t, err, providers.KindBadInput)
		if !strings.Contains(e.Msg, "Repository's id") {
			t.Errorf("%q: message %q does not say where ids come from", p, e.Msg)
		}
	}
	for _, r := range rc.Requests() {
		t.Errorf("a crafted id reached the forge: %q", r.RawPath)
	}
	// A valid name with every allowed character goes to exactly its path.
	if _, err := s.Repository(context.Background(), token, providers.GlobalID{Provider: providers.GitHub, NameWithOwner: "Oc-t_o.1/he.llo-_"}); err != nil {
		t.Fatal(err)
	}
	if got := rc.Requests(); len(got) != 1 || got[0].RawPath != "/repos/Oc-t_o.1/he.llo-_" {
		t.Fatalf("requests %+v", got)
	}
}
