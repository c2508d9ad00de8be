package openhands_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/openhands"
)

func TestNew(t *testing.T) {
	for _, bad := range []string{"app.all-hands.dev", "ftp://x", "https://x/?a=b", "https://"} {
		if _, err := openhands.New(openhands.Config{BaseURL: bad}); err == nil {
			t.Errorf("New(%q) accepted an invalid base URL", bad)
		}
	}
	src, err := openhands.New(openhands.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if src.Name() != "openhands" {
		t.Errorf("Name() = %q", src.Name())
	}
	if got := src.Providers(); !slices.Equal(got, []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket}) {
		t.Errorf("Providers() = %v", got)
	}
}

func TestStreamsShape(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := context.Background()
	o := providers.NewOrder("", "")
	cases := []struct {
		ps   []providers.Provider
		keys []string
	}{
		{nil, []string{"bitbucket", "github", "gitlab"}},
		{[]providers.Provider{providers.GitLab, providers.Bitbucket}, []string{"bitbucket", "gitlab"}},
		{[]providers.Provider{providers.GitHub, providers.CodeArts}, []string{"github"}},
		{[]providers.Provider{providers.CodeArts}, nil},
	}
	for _, c := range cases {
		st, err := e.src.Streams(ctx, providers.Query{Token: key, Order: o, Providers: c.ps})
		if err != nil {
			t.Fatal(err)
		}
		providers.SortStreams(st)
		var keys []string
		for _, s := range st {
			keys = append(keys, s.Key())
			if s.Source() != "openhands" {
				t.Errorf("Source() = %q", s.Source())
			}
			if strings.Contains(s.ID(), key) {
				t.Errorf("stream ID %q holds the API key", s.ID())
			}
		}
		if !slices.Equal(keys, c.keys) {
			t.Errorf("providers %v: keys %v, want %v", c.ps, keys, c.keys)
		}
	}
	_, err := e.src.Streams(ctx, providers.Query{Token: key, Order: providers.Order{Sort: "STARS", Direction: providers.Asc}})
	if providers.KindOf(err) != providers.KindInternal {
		t.Errorf("invalid order: got %v, want INTERNAL (a server bug)", err)
	}
	if n := e.fake.Requests(); n != 0 {
		t.Errorf("Streams made %d requests, want none", n)
	}
}

// native reports whether a stream pages OpenHands natively (providers.Local's streams end in |local).
func native(s providers.Stream) bool { return !strings.HasSuffix(s.ID(), "|local") }

func TestNativeOnlyForGitHubDefaultDirections(t *testing.T) {
	e := newEnv(t, nil, nil)
	for _, s := range allSorts {
		for _, d := range allDirs {
			o := providers.NewOrder(s, d)
			want := o == providers.NewOrder(s, "")
			if got := native(e.streams(t, o, providers.GitHub)[0]); got != want {
				t.Errorf("GITHUB %v: native %v, want %v", o, got, want)
			}
			for _, p := range []providers.Provider{providers.GitLab, providers.Bitbucket} {
				if native(e.streams(t, o, p)[0]) {
					t.Errorf("%s %v must be sorted locally", p, o)
				}
			}
			for _, st := range e.streams(t, o) {
				if native(st) {
					t.Errorf("merged %s %v must be served from the unpaged list", st.Key(), o)
				}
			}
		}
	}
}

func TestNativeGitHubStreamPages(t *testing.T) {
	repos := makeRepos(providers.GitHub, 250, 1)
	e := newEnv(t, repos, nil)
	ctx := context.Background()
	o := providers.NewOrder(providers.SortPushed, "")
	st := e.streams(t, o, providers.GitHub)[0]
	want := githubOrder(o, repos)
	var got []string
	for i, wantLen := range []int{100, 100, 50} {
		p, err := st.FetchPage(ctx, i, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != wantLen || p.More != (i < 2) || p.LastIndex != 2 && i < 2 || p.Total != -1 {
			t.Fatalf("page %d: %d items, more %v, last %d, total %d", i, len(p.Items), p.More, p.LastIndex, p.Total)
		}
		if p.ETag == "" {
			t.Errorf("page %d: no ETag", i)
		}
		got = append(got, identities(p.Items)...)
	}
	sameOrder(t, "native pages", got, want)
	qs := e.queries()
	if len(qs) != 3 {
		t.Fatalf("%d requests, want 3", len(qs))
	}
	for i, q := range qs {
		if q.Get("selected_provider") != "github" || q.Get("sort") != "pushed" || q.Get("per_page") != "100" || q.Get("page") != fmt.Sprint(i+1) {
			t.Errorf("request %d: %v", i, q)
		}
		if q.Has("installation_id") {
			t.Errorf("request %d sends installation_id: %v", i, q)
		}
	}
	// Page i of ours is OpenHands' page i+1: reading page 1 alone asks for page=2 only.
	if _, err := st.FetchPage(ctx, 1, ""); err != nil {
		t.Fatal(err)
	}
	if qs := e.queries(); len(qs) != 1 || qs[0].Get("page") != "2" {
		t.Errorf("FetchPage(1) sent %v", qs)
	}
	n, err := providers.Count(ctx, []providers.Stream{st}, providers.FetchDirect)
	if err != nil || n != 250 {
		t.Errorf("Count = %d, %v", n, err)
	}
}

func TestETag(t *testing.T) {
	repos := makeRepos(providers.GitHub, 30, 2)
	e := newEnv(t, repos, nil)
	ctx := context.Background()
	st := e.streams(t, providers.NewOrder(providers.SortFullName, ""), providers.GitHub)[0]
	p, err := st.FetchPage(ctx, 0, "")
	if err != nil || p.ETag == "" {
		t.Fatalf("page: %v, etag %q", err, p.ETag)
	}
	if _, err := st.FetchPage(ctx, 0, p.ETag); !errors.Is(err, providers.ErrNotModified) {
		t.Fatalf("same etag: got %v, want ErrNotModified", err)
	}
	e.fake.SetRepos(repos[:29])
	p2, err := st.FetchPage(ctx, 0, p.ETag)
	if err != nil || len(p2.Items) != 29 || p2.ETag == p.ETag {
		t.Fatalf("changed list: %d items, %v, etag %q", len(p2.Items), err, p2.ETag)
	}
}

func allRepos(n int, seed uint64) []providers.Repository {
	var rs []providers.Repository
	for k, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket} {
		rs = append(rs, makeRepos(p, n, seed+uint64(k))...)
	}
	return rs
}

func TestSizes(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			repos := allRepos(n, uint64(n))
			e := newEnv(t, repos, nil)
			ctx := context.Background()
			for _, o := range []providers.Order{providers.NewOrder(providers.SortPushed, ""), providers.NewOrder(providers.SortPushed, providers.Asc)} {
				for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket} {
					st := e.streams(t, o, p)
					fwd, bwd := walk(t, st, o, uint64(n))
					want := expectedOrder(o, wireView(ofProvider(repos, p)))
					if native(st[0]) {
						want = githubOrder(o, ofProvider(repos, p))
					}
					sameOrder(t, fmt.Sprintf("%s %v forward", p, o), fwd, want)
					sameOrder(t, fmt.Sprintf("%s %v backward", p, o), bwd, want)
					if c, err := providers.Count(ctx, st, providers.FetchDirect); err != nil || c != n {
						t.Errorf("%s %v: Count = %d, %v", p, o, c, err)
					}
				}
				st := e.streams(t, o)
				fwd, bwd := walk(t, st, o, uint64(n)+1)
				want := expectedOrder(o, wireView(repos))
				sameOrder(t, fmt.Sprintf("merged %v forward", o), fwd, want)
				sameOrder(t, fmt.Sprintf("merged %v backward", o), bwd, want)
				if c, err := providers.Count(ctx, st, providers.FetchDirect); err != nil || c != 3*n {
					t.Errorf("merged %v: Count = %d, %v", o, c, err)
				}
			}
		})
	}
}

func TestEverySortAndDirection(t *testing.T) {
	repos := allRepos(230, 7)
	e := newEnv(t, repos, nil)
	seed := uint64(0)
	for _, s := range allSorts {
		for _, d := range allDirs {
			o := providers.NewOrder(s, d)
			for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket} {
				seed++
				st := e.streams(t, o, p)
				// A native stream is in GitHub's order (its dates, which OpenHands does not pass
				// on, and its ties); a local one sorts what OpenHands reports.
				mine := ofProvider(repos, p)
				want := expectedOrder(o, wireView(mine))
				if native(st[0]) {
					want = githubOrder(o, mine)
				}
				fwd, bwd := walk(t, st, o, seed)
				sameOrder(t, fmt.Sprintf("%s %v forward", p, o), fwd, want)
				sameOrder(t, fmt.Sprintf("%s %v backward", p, o), bwd, want)
			}
			seed++
			want := expectedOrder(o, wireView(repos))
			fwd, bwd := walk(t, e.streams(t, o), o, seed)
			sameOrder(t, fmt.Sprintf("merged %v forward", o), fwd, want)
			sameOrder(t, fmt.Sprintf("merged %v backward", o), bwd, want)
		}
	}
}

func TestRepository(t *testing.T) {
	repos := allRepos(120, 3)
	e := newEnv(t, repos, nil)
	ctx := context.Background()
	for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket} {
		want := ofProvider(repos, p)[117]
		got, err := e.src.Repository(ctx, key, providers.GlobalID{Provider: p, ForgeID: want.ForgeID, NameWithOwner: want.NameWithOwner})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if got.Identity() != want.Identity() || got.ForgeID != want.ForgeID || got.Provider != p || got.PushedAt == nil != (want.PushedAt == nil) {
			t.Errorf("%s: got %+v, want %s", p, got, want)
		}
		// By path when the id is stale.
		got, err = e.src.Repository(ctx, key, providers.GlobalID{Provider: p, ForgeID: "0", NameWithOwner: strings.ToUpper(want.NameWithOwner)})
		if err != nil || got.ForgeID != want.ForgeID {
			t.Errorf("%s by path: %v, %v", p, got, err)
		}
		_, err = e.src.Repository(ctx, key, providers.GlobalID{Provider: p, ForgeID: "nope", NameWithOwner: "no/such"})
		if providers.KindOf(err) != providers.KindNotFound {
			t.Errorf("%s absent: got %v, want NOT_FOUND", p, err)
		}
	}
	// Each list was read once; the later look-ups came from the kept list.
	qs := e.queries()
	var paged, unpaged int
	for _, q := range qs {
		if q.Has("selected_provider") {
			paged++
		} else {
			unpaged++
		}
	}
	if paged != 2*2 || unpaged != 1 {
		t.Errorf("requests: %d paged (want 2 for github + 2 for gitlab), %d unpaged (want 1 for bitbucket)", paged, unpaged)
	}
	_, err := e.src.Repository(ctx, key, providers.GlobalID{Provider: providers.CodeArts, ForgeID: "1", NameWithOwner: "a/b"})
	if providers.KindOf(err) != providers.KindNotFound {
		t.Errorf("codearts: got %v, want NOT_FOUND", err)
	}
	_, err = e.src.Repository(ctx, "wrong", providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: "a/b"})
	if providers.KindOf(err) != providers.KindUnauth {
		t.Errorf("wrong key: got %v, want UNAUTHENTICATED", err)
	}
}

func TestWholeListsAreBounded(t *testing.T) {
	repos := allRepos(120, 5)
	e := newEnv(t, repos, providers.NewLocal(nil, 150, 0))
	ctx := context.Background()
	o := providers.NewOrder(providers.SortPushed, providers.Asc)
	// One forge's 120 fit; all forges' 360 do not.
	if _, err := e.streams(t, o, providers.GitLab)[0].FetchPage(ctx, 0, ""); err != nil {
		t.Fatalf("gitlab within bound: %v", err)
	}
	_, err := e.streams(t, o)[0].FetchPage(ctx, 0, "")
	if providers.KindOf(err) != providers.KindBadResponse || !strings.Contains(err.Error(), "more than 150") {
		t.Fatalf("merged beyond bound: got %v", err)
	}
	small := newEnv(t, repos, providers.NewLocal(nil, 50, 0))
	_, err = small.streams(t, o, providers.GitHub)[0].FetchPage(ctx, 0, "")
	if providers.KindOf(err) != providers.KindBadResponse || !strings.Contains(err.Error(), "more than 50") {
		t.Fatalf("github beyond bound: got %v", err)
	}
	if n := len(small.queries()); n > 2 {
		t.Errorf("read %d pages past a bound of 50", n)
	}
}

// TestMalformedIDIsBadInput: OpenHands builds no path from an id, but a path that cannot be one is
// the same BAD_USER_INPUT error as on every forge, and OpenHands is not asked.
func TestMalformedIDIsBadInput(t *testing.T) {
	e := newEnv(t, makeRepos(providers.GitHub, 3, 5), nil)
	for _, p := range []string{"noslash", "..", "a/..", "../b", "a//b", "a/.", "/", "a/b\x00", "a\n/b", `a\b/c`} {
		_, err := e.src.Repository(context.Background(), key, providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: p})
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.Kind != providers.KindBadInput || pe.Source != "openhands" || !strings.Contains(pe.Msg, "Repository's id") {
			t.Errorf("%q: %v", p, err)
		}
	}
	if q := e.queries(); len(q) != 0 {
		t.Fatalf("malformed ids asked OpenHands %d times", len(q))
	}
}
