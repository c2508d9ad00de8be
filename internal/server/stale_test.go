package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/metrics"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/rest"
)

type staleStack struct {
	ts    *httptest.Server
	gh    *faulty
	store *pages.Store
}

// newStaleStack serves a GitHub fake of 40 repositories through the real client (no retries, so
// upstream requests are counted one per page) with pages fresh for a nanosecond (every query asks the
// forge) and kept for stale-if-error for an hour; env is the server's configuration.
func newStaleStack(t *testing.T, env map[string]string) *staleStack {
	return newStaleStackWith(t, env, nil, nil)
}

// newStaleStackWith is newStaleStack with circuit breakers b and metrics m (each may be nil).
func newStaleStackWith(t *testing.T, env map[string]string, b *rest.Breakers, m *metrics.Metrics) *staleStack {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	s := &staleStack{gh: &faulty{next: githubfake.New("gh-token", repos(rng, providers.GitHub, "octo", 40))}}
	ghSrv := httptest.NewServer(http.StripPrefix("/api/v3", s.gh))
	t.Cleanup(ghSrv.Close)
	limits := cache.NewMemory[rest.Rate](100)
	gh, err := github.New(github.Config{BaseURL: ghSrv.URL + "/api/v3", Timeout: 5 * time.Second, // no test here waits on it: generous for loaded machines
		Upstream: rest.Options{Limits: limits, Breakers: b}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s.store = pages.New(cache.NewMemory[pages.Entry](1000), time.Nanosecond, 0)
	s.store.StaleIfError = time.Hour
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{gh},
		Tokens: map[string]string{"github": "gh-token"}, Pages: s.store,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: limits, Metrics: m})
	s.ts = httptest.NewServer(h)
	t.Cleanup(s.ts.Close)
	return s
}

const walkQuery = `query($after: String) { viewer { repositories(first: 10, after: $after) {
	nodes { nameWithOwner } pageInfo { hasNextPage endCursor } } } }`

// walked is one walk over viewer.repositories: names in order, the cursors of its pages and the
// answers.
type walked struct {
	names, cursors []string
	answers        []gqlResponse
}

func walk(t *testing.T, ts *httptest.Server) walked {
	t.Helper()
	var w walked
	var after any
	for range 10 {
		r := post(t, ts, walkQuery, map[string]any{"after": after})
		w.answers = append(w.answers, r)
		var d struct {
			Viewer struct {
				Repositories struct {
					Nodes    []struct{ NameWithOwner string }
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		if err := json.Unmarshal(r.Data, &d); err != nil || len(r.Errors) != 0 {
			t.Fatalf("page %d: %v %+v", len(w.answers), err, r.Errors)
		}
		for _, n := range d.Viewer.Repositories.Nodes {
			w.names = append(w.names, n.NameWithOwner)
		}
		pi := d.Viewer.Repositories.PageInfo
		w.cursors = append(w.cursors, pi.EndCursor)
		if !pi.HasNextPage {
			return w
		}
		after = pi.EndCursor
	}
	t.Fatal("walk did not end")
	return w
}

func staleEntries(r gqlResponse) []map[string]any {
	list, _ := r.Extensions["stale"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, m)
	}
	return out
}

func failWith(status int) func(w http.ResponseWriter, r *http.Request) bool {
	return func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(status)
		return true
	}
}

// A forge that fails after a first walk: the same walk is whole, with the same cursors, marked stale
// on every page (provider, source, asOf, reason), without errors and with one upstream request per
// page at most.
func TestStaleIfErrorWalk(t *testing.T) {
	s := newStaleStack(t, map[string]string{"RESPONSE_CACHE_TTL": "0"})
	before := time.Now().UTC().Add(-time.Second)
	first := walk(t, s.ts)
	if len(first.names) != 40 {
		t.Fatalf("first walk: %d repositories", len(first.names))
	}
	for _, r := range first.answers {
		if r.Extensions["stale"] != nil {
			t.Fatalf("a fresh answer is marked stale: %v", r.Extensions)
		}
	}
	s.gh.set(failWith(http.StatusServiceUnavailable))
	s.gh.hits.Store(0)
	second := walk(t, s.ts)
	if len(second.names) != 40 || len(second.cursors) != len(first.cursors) {
		t.Fatalf("stale walk: %d repositories in %d pages", len(second.names), len(second.cursors))
	}
	for i := range first.names {
		if first.names[i] != second.names[i] {
			t.Fatalf("stale walk differs at %d: %s vs %s", i, first.names[i], second.names[i])
		}
	}
	for i := range first.cursors {
		if first.cursors[i] != second.cursors[i] {
			t.Fatalf("cursor %d changed", i)
		}
	}
	for i, r := range second.answers {
		e := staleEntries(r)
		if len(e) != 1 || e[0]["provider"] != "GITHUB" || e[0]["source"] != "github" || e[0]["reason"] != "UPSTREAM_UNAVAILABLE" {
			t.Fatalf("page %d: extensions.stale = %v", i, r.Extensions)
		}
		asOf, err := time.Parse(time.RFC3339Nano, e[0]["asOf"].(string))
		if err != nil || asOf.Before(before) || asOf.After(time.Now()) {
			t.Fatalf("page %d: asOf %v (%v)", i, e[0]["asOf"], err)
		}
	}
	if n := s.gh.hits.Load(); n > int64(len(second.answers)) {
		t.Fatalf("%d upstream requests for a walk of %d pages", n, len(second.answers))
	}
}

// A 401 or 403 is never answered from a stale copy: the revoked credential sees an error, no data.
func TestStaleIfErrorNeverAfterUnauthorized(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		s := newStaleStack(t, map[string]string{"RESPONSE_CACHE_TTL": "0"})
		walk(t, s.ts)
		s.gh.set(failWith(status))
		r := post(t, s.ts, walkQuery, nil)
		if len(r.Errors) != 1 || r.Extensions["stale"] != nil {
			t.Fatalf("HTTP %d: errors %+v, extensions %v", status, r.Errors, r.Extensions)
		}
		want := map[int]string{401: "UNAUTHENTICATED", 403: "FORBIDDEN"}[status]
		if r.Errors[0].Extensions["code"] != want {
			t.Fatalf("HTTP %d: code %v", status, r.Errors[0].Extensions["code"])
		}
	}
}

// After an invalidation of the credential, copies from before it are not served.
func TestStaleIfErrorNotAfterInvalidation(t *testing.T) {
	s := newStaleStack(t, map[string]string{"RESPONSE_CACHE_TTL": "0"})
	walk(t, s.ts)
	s.gh.set(failWith(http.StatusBadGateway))
	if r := post(t, s.ts, walkQuery, nil); len(r.Errors) != 0 || len(staleEntries(r)) != 1 {
		t.Fatalf("before the invalidation: %+v %v", r.Errors, r.Extensions)
	}
	if err := s.store.Invalidate(context.Background(), "github", "gh-token"); err != nil {
		t.Fatal(err)
	}
	r := post(t, s.ts, walkQuery, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" || r.Extensions["stale"] != nil {
		t.Fatalf("after the invalidation: %+v %v", r.Errors, r.Extensions)
	}
}

// The micro-cache does not replay a stale answer: once the forge is back, the next identical query
// is fresh.
func TestStaleAnswerNotReplayed(t *testing.T) {
	s := newStaleStack(t, map[string]string{"RESPONSE_CACHE_TTL": "1m"})
	post(t, s.ts, walkQuery, map[string]any{"after": nil, "warm": 1})
	s.gh.set(failWith(http.StatusServiceUnavailable))
	if r := post(t, s.ts, walkQuery, nil); len(staleEntries(r)) != 1 {
		t.Fatalf("expected a stale answer: %+v %v", r.Errors, r.Extensions)
	}
	s.gh.set(func(http.ResponseWriter, *http.Request) bool { return false })
	if r := post(t, s.ts, walkQuery, nil); len(r.Errors) != 0 || r.Extensions["stale"] != nil {
		t.Fatalf("after recovery: %+v %v", r.Errors, r.Extensions)
	}
}

// With a circuit breaker, a walk over a forge that went down asks it only until the circuit opens;
// the rest is served stale, and /metrics shows the open circuit.
func TestStaleWalkWithOpenCircuit(t *testing.T) {
	m := metrics.New()
	b := &rest.Breakers{Threshold: 2, CoolDown: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		OnChange: func(source string, st rest.CircuitState) { m.CircuitState(source, int(st)) }}
	s := newStaleStackWith(t, map[string]string{"RESPONSE_CACHE_TTL": "0"}, b, m)
	first := walk(t, s.ts)
	s.gh.set(failWith(http.StatusBadGateway))
	s.gh.hits.Store(0)
	second := walk(t, s.ts)
	if len(second.names) != len(first.names) || len(second.answers) < 3 {
		t.Fatalf("stale walk: %d of %d repositories in %d pages", len(second.names), len(first.names), len(second.answers))
	}
	for i, r := range second.answers {
		if e := staleEntries(r); len(e) != 1 || e[0]["reason"] != "UPSTREAM_UNAVAILABLE" {
			t.Fatalf("page %d: %v", i, r.Extensions)
		}
	}
	if n := s.gh.hits.Load(); n != 2 {
		t.Fatalf("%d upstream requests for %d pages, want 2 (then the circuit is open)", n, len(second.answers))
	}
	req, _ := http.NewRequest(http.MethodGet, s.ts.URL+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `forgegraph_source_circuit_state{source="github"} 2`) {
		t.Fatalf("metrics lack the open circuit:\n%s", body)
	}
}
