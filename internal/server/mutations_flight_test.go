package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/graph"
	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/internal/testkit"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
)

// gatedForge is a stateful GitHub fake whose first POST signals posted and then waits for release,
// so a test can send a twin while the first mutation is at the forge.
type gatedForge struct {
	url      string
	posts    atomic.Int32
	posted   chan struct{}
	release  chan struct{}
	releaser sync.Once
}

func newGatedForge(t *testing.T) *gatedForge {
	t.Helper()
	fk := githubfake.New("gh-token", repos(rand.New(rand.NewPCG(21, 21)), providers.GitHub, "octo", 5))
	fk.SetLogin("octo")
	g := &gatedForge{posted: make(chan struct{}), release: make(chan struct{})}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && g.posts.Add(1) == 1 {
			close(g.posted)
			<-g.release
		}
		fk.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(g.open) // a failed test must not leave the handler blocked
	g.url = ts.URL
	return g
}

func (g *gatedForge) open() { g.releaser.Do(func() { close(g.release) }) }

// flightServer is a server over g with ALLOW_MUTATIONS, clientMutationId answers in replays (nil:
// in memory) and flight as its graph.Flight.
func flightServer(t *testing.T, g *gatedForge, replays cache.Backend[json.RawMessage], flight graph.Flight) *httptest.Server {
	t.Helper()
	gh, err := github.New(github.Config{BaseURL: g.url, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"GITHUB_TOKEN": "gh-token", "ALLOW_MUTATIONS": "true"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Deps{Config: cfg, Sources: []providers.Source{gh}, Tokens: map[string]string{"github": "gh-token"},
		Pages: pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0), Replays: replays, MutationFlight: flight,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(ts.Close)
	return ts
}

// redisReplays is a clientMutationId cache in the Redis at addr, as a replica builds it.
func redisReplays(t *testing.T, addr string) cache.Backend[json.RawMessage] {
	t.Helper()
	client, err := cache.NewRedisClient(testkit.RedisURL(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return &cache.Fallback[json.RawMessage]{Shared: cache.NewRedis[json.RawMessage](client, "forgegraph:v1:mutation:", nil),
		Local: cache.NewMemory[json.RawMessage](100)}
}

// sendAsync posts createMutation (name "twin", clientMutationId "same-intent") to ts in a goroutine;
// the answer's body comes on the channel.
func sendAsync(ts *httptest.Server) <-chan string {
	out := make(chan string, 1)
	go func() {
		body, _ := json.Marshal(map[string]any{"query": createMutation, "variables": map[string]any{"name": "twin", "cmid": "same-intent"}})
		resp, err := http.Post(ts.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			out <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		out <- string(b)
	}()
	return out
}

// waitSignal returns a graph.Flight whose OnWait signals on the channel.
func waitSignal() (graph.Flight, <-chan struct{}) {
	ch := make(chan struct{}, 4)
	return graph.Flight{OnWait: func() { ch <- struct{}{} }}, ch
}

// awaitTwin returns once the twin waits for the first mutation; a twin that answers instead (it
// did not wait) fails the test.
func awaitTwin(t *testing.T, waited <-chan struct{}, second <-chan string) {
	t.Helper()
	select {
	case <-waited:
	case a := <-second:
		t.Fatalf("the twin did not wait for the first mutation: it answered %s", a)
	}
}

// twinAnswers checks two answers are the same success and the forge had one POST.
func twinAnswers(t *testing.T, g *gatedForge, first, second string) {
	t.Helper()
	if strings.Contains(first, `"errors"`) || !strings.Contains(first, `"octo/twin"`) {
		t.Fatalf("first answer %s", first)
	}
	if second != first {
		t.Fatalf("the twin answered %s, want the first answer %s", second, first)
	}
	if n := g.posts.Load(); n != 1 {
		t.Fatalf("%d upstream POSTs for two identical mutations, want 1", n)
	}
}

// TestIdenticalMutationsAtOnceInProcess: a create sent twice at once with the same
// clientMutationId and credential reaches the forge once; the second waits for the first (held at
// the forge) and answers the same.
func TestIdenticalMutationsAtOnceInProcess(t *testing.T) {
	g := newGatedForge(t)
	flight, waited := waitSignal()
	ts := flightServer(t, g, nil, flight)
	first := sendAsync(ts)
	<-g.posted
	second := sendAsync(ts)
	awaitTwin(t, waited, second)
	g.open()
	twinAnswers(t, g, <-first, <-second)
}

// TestIdenticalMutationsAtOnceAcrossReplicas: the same on two replicas sharing Redis: the second
// replica waits for the first's answer (the first holds the mutation's lock) and sends nothing.
func TestIdenticalMutationsAtOnceAcrossReplicas(t *testing.T) {
	addr := testkit.StartRedis(t)
	g := newGatedForge(t)
	flight, waited := waitSignal()
	ts1 := flightServer(t, g, redisReplays(t, addr), graph.Flight{})
	ts2 := flightServer(t, g, redisReplays(t, addr), flight)
	first := sendAsync(ts1)
	<-g.posted
	second := sendAsync(ts2)
	awaitTwin(t, waited, second)
	g.open()
	twinAnswers(t, g, <-first, <-second)
}

// TestIdenticalMutationInProgressTimesOut: a twin that waited longer than Flight.Wait answers
// CONFLICT saying a mutation with this clientMutationId is in progress, sends nothing, and the
// first still completes.
func TestIdenticalMutationInProgressTimesOut(t *testing.T) {
	addr := testkit.StartRedis(t)
	g := newGatedForge(t)
	ts1 := flightServer(t, g, redisReplays(t, addr), graph.Flight{})
	ts2 := flightServer(t, g, redisReplays(t, addr), graph.Flight{Wait: 50 * time.Millisecond})
	first := sendAsync(ts1)
	<-g.posted
	var r gqlResponse
	if err := json.Unmarshal([]byte(<-sendAsync(ts2)), &r); err != nil {
		t.Fatal(err)
	}
	wantCode(t, r, "CONFLICT", "a mutation with this clientMutationId is in progress")
	g.open()
	if a := <-first; strings.Contains(a, `"errors"`) || g.posts.Load() != 1 {
		t.Fatalf("first %s, %d POSTs", a, g.posts.Load())
	}
}

// TestIdenticalMutationInProgressTimesOutInProcess: the same in one process: the twin answers
// CONFLICT after Flight.Wait, and the first still completes with one POST.
func TestIdenticalMutationInProgressTimesOutInProcess(t *testing.T) {
	g := newGatedForge(t)
	ts := flightServer(t, g, nil, graph.Flight{Wait: 50 * time.Millisecond})
	first := sendAsync(ts)
	<-g.posted
	var r gqlResponse
	if err := json.Unmarshal([]byte(<-sendAsync(ts)), &r); err != nil {
		t.Fatal(err)
	}
	wantCode(t, r, "CONFLICT", "a mutation with this clientMutationId is in progress")
	g.open()
	if a := <-first; strings.Contains(a, `"errors"`) || g.posts.Load() != 1 {
		t.Fatalf("first %s, %d POSTs", a, g.posts.Load())
	}
}
