package bitbucket_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestWalkOneWorkspace walks lists of 0, 1, 100, 101 and 250 repositories in every order, forward
// and backward, and checks every repository comes once, in order, converted as the fake serves it.
func TestWalkOneWorkspace(t *testing.T) {
	for _, n := range []int{0, 1, 100, 101, 250} {
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		repos := genRepos(rng, map[string]int{"jdoe": n})
		e := newEnv(t, token, repos)
		for _, o := range providertest.AllOrders() {
			t.Run(fmt.Sprintf("n=%d %v", n, o), func(t *testing.T) {
				t.Parallel()
				streams := e.streams(t, token, o)
				wantStreams := 1
				if n == 0 {
					wantStreams = 0 // no repository, no workspace
				}
				if len(streams) != wantStreams {
					t.Fatalf("%d streams, want %d", len(streams), wantStreams)
				}
				walk(t, fmt.Sprintf("n=%d %v", n, o), streams, o, expectedOrder(repos, o))
			})
		}
	}
}

// TestWalkSeveralWorkspaces merges 0, 1 and 3 workspaces through providers.List over all of the
// source's streams, in each order, both ways.
func TestWalkSeveralWorkspaces(t *testing.T) {
	cases := []map[string]int{
		{},
		{"solo": 143},
		{"alpha": 120, "beta": 3, "gamma-team": 205},
	}
	for ci, sizes := range cases {
		rng := rand.New(rand.NewPCG(uint64(ci), 9))
		repos := genRepos(rng, sizes)
		e := newEnv(t, token, repos)
		t.Run(fmt.Sprintf("case %d", ci), func(t *testing.T) {
			for _, o := range providertest.AllOrders() {
				t.Run(o.String(), func(t *testing.T) {
					t.Parallel()
					streams := e.streams(t, token, o)
					if len(streams) != len(sizes) {
						t.Fatalf("%d streams, want %d", len(streams), len(sizes))
					}
					for i, s := range streams {
						if _, ok := sizes[s.Key()]; !ok {
							t.Fatalf("stream key %q is not a workspace", s.Key())
						}
						if i > 0 && streams[i-1].Key() >= s.Key() {
							t.Fatalf("streams not in slug order: %q before %q", streams[i-1].Key(), s.Key())
						}
						if s.Source() != "bitbucket" {
							t.Fatalf("stream source %q", s.Source())
						}
					}
					walk(t, fmt.Sprintf("case %d %v", ci, o), streams, o, expectedOrder(repos, o))
				})
			}
		})
		if e.count("/user/workspaces") > 1 {
			t.Fatalf("case %d: workspaces listed %d times for one credential", ci, e.count("/user/workspaces"))
		}
		for _, r := range e.requests() {
			if r.Path == "/repositories" || r.Path == "/repositories/" || r.Path == "/workspaces" ||
				strings.HasPrefix(r.Path, "/user/permissions") {
				t.Fatalf("removed route %s was called", r.Path)
			}
		}
	}
}

// TestWorkspaceListingCached walks a list page by page, asking for the streams again before each
// page as the server does per request: the workspaces are listed once.
func TestWorkspaceListingCached(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(4, 4)), map[string]int{"alpha": 150, "beta": 40, "gamma": 99})
	e := newEnv(t, token, repos)
	o := providers.NewOrder(providers.SortPushed, "")
	ctx := context.Background()
	var after *providers.Cursor
	pages := 0
	for {
		n := 50
		streams := e.streams(t, token, o)
		res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n, After: after})
		if len(res.Failed) > 0 {
			t.Fatal(res.Failed[0])
		}
		pages++
		if !res.HasNextPage {
			break
		}
		after = &res.Edges[len(res.Edges)-1].Cursor
	}
	if pages < 5 {
		t.Fatalf("walk took %d pages; the test needs several", pages)
	}
	if got := e.count("/user/workspaces"); got != 1 {
		t.Fatalf("workspaces listed %d times over a walk of %d pages, want 1", got, pages)
	}
	if got := e.count("/repositories"); got != 0 {
		t.Fatalf("removed route called %d times", got)
	}

	// Concurrent first requests of another credential share one listing.
	e2 := newEnv(t, token, repos)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e2.src.Streams(ctx, providers.Query{Token: token, Order: o}); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatal("concurrent Streams failed")
	}
	if got := e2.count("/user/workspaces"); got != 1 {
		t.Fatalf("20 concurrent Streams listed workspaces %d times, want 1", got)
	}
}

// TestWorkspaceListNotSharedAcrossCredentials: a cached listing of one credential is never served
// to another.
func TestWorkspaceListNotSharedAcrossCredentials(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(5, 5)), map[string]int{"alpha": 3})
	e := newEnv(t, token, repos)
	o := providers.NewOrder(providers.SortCreated, "")
	if len(e.streams(t, token, o)) != 1 {
		t.Fatal("want one stream")
	}
	_, err := e.src.Streams(context.Background(), providers.Query{Token: "someone-else", Order: o})
	if k := kindOf(t, err); k != providers.KindUnauth {
		t.Fatalf("other credential: kind %s, want %s", k, providers.KindUnauth)
	}
	if got := e.count("/user/workspaces"); got != 2 {
		t.Fatalf("%d workspace listings, want one per credential", got)
	}
}

// TestWorkspacePaging lists 120 workspaces: two pages of 100, asked by number.
func TestWorkspacePaging(t *testing.T) {
	sizes := map[string]int{}
	for i := range 120 {
		sizes[fmt.Sprintf("ws-%03d", i)] = 1
	}
	repos := genRepos(rand.New(rand.NewPCG(6, 6)), sizes)
	e := newEnv(t, token, repos)
	o := providers.NewOrder(providers.SortFullName, "")
	streams := e.streams(t, token, o)
	if len(streams) != 120 {
		t.Fatalf("%d streams, want 120", len(streams))
	}
	var pages []string
	for _, r := range e.requests() {
		if r.Path == "/user/workspaces" {
			q := url.Values(r.Query)
			if q.Get("pagelen") != "100" || q.Get("sort") != "slug" {
				t.Fatalf("workspace request %s", q.Encode())
			}
			pages = append(pages, q.Get("page"))
		}
	}
	if strings.Join(pages, ",") != "1,2" {
		t.Fatalf("workspace pages asked: %v, want 1,2", pages)
	}
	walk(t, "120 workspaces", streams, o, expectedOrder(repos, o))
}

// TestNextOnOtherHostNeverRequested serves every envelope with next/previous links to another
// host: nothing is ever sent there, and the walks still work.
func TestNextOnOtherHostNeverRequested(t *testing.T) {
	var evil atomic.Int64
	evilSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evil.Add(1)
		http.Error(w, "gotcha", http.StatusTeapot)
	}))
	defer evilSrv.Close()

	sizes := map[string]int{"alpha": 230, "beta": 10}
	for i := range 105 {
		sizes[fmt.Sprintf("ws-%03d", i)] = 1
	}
	repos := genRepos(rand.New(rand.NewPCG(7, 7)), sizes)
	e := newEnv(t, token, repos)
	e.setWrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		e.fake.ServeHTTP(rec, r)
		var body map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil {
			for _, k := range []string{"next", "previous"} {
				if v, ok := body[k].(string); ok {
					u, _ := url.Parse(v)
					body[k] = evilSrv.URL + u.RequestURI()
				}
			}
		}
		b, _ := json.Marshal(body)
		w.WriteHeader(rec.Code)
		_, _ = w.Write(b)
	}))
	for _, o := range []providers.Order{providers.NewOrder(providers.SortFullName, ""), providers.NewOrder(providers.SortPushed, "")} {
		streams := e.streams(t, token, o)
		if len(streams) != len(sizes) {
			t.Fatalf("%d streams, want %d", len(streams), len(sizes))
		}
		walk(t, fmt.Sprintf("foreign next %v", o), streams, o, expectedOrder(repos, o))
	}
	if evil.Load() != 0 {
		t.Fatalf("%d requests went to the next link's host", evil.Load())
	}
}

func TestCanceledWhileWaitingForListing(t *testing.T) {
	release := make(chan struct{})
	e := newEnv(t, token, genRepos(rand.New(rand.NewPCG(18, 18)), map[string]int{"jdoe": 1}))
	e.setWrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		e.fake.ServeHTTP(w, r)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := e.src.Streams(ctx, providers.Query{Token: token, Order: providers.NewOrder("", "")})
	close(release)
	if k := kindOf(t, err); k != providers.KindTimeout {
		t.Fatalf("kind %s", k)
	}
	// The shared listing went on and is cached for the next request.
	deadline := time.Now().Add(2 * time.Second)
	for {
		st, err := e.src.Streams(context.Background(), providers.Query{Token: token, Order: providers.NewOrder("", "")})
		if err == nil && len(st) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("listing never completed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := e.count("/user/workspaces"); n != 1 {
		t.Fatalf("%d listings, want 1", n)
	}
}
