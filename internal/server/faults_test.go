package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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
	"github.com/forgegraph/forgegraph/providers/gitlab"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// faulty wraps a fake forge: fault, when set, may answer instead of the fake.
type faulty struct {
	next     http.Handler
	fault    atomic.Pointer[func(w http.ResponseWriter, r *http.Request) bool]
	hits     atomic.Int64
	canceled atomic.Int64
}

func (f *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	if fp := f.fault.Load(); fp != nil && (*fp)(w, r) {
		return
	}
	f.next.ServeHTTP(w, r)
}

func (f *faulty) set(fn func(w http.ResponseWriter, r *http.Request) bool) { f.fault.Store(&fn) }

type stack struct {
	ts     *httptest.Server
	gh, gl *faulty
	m      *metrics.Metrics
}

// newStack serves GitHub and GitLab fakes (40 and 30 repositories) through the real clients, with
// retries, rate-limit state and metrics as server.go wires them, and an upstream timeout of 300ms.
func newStack(t *testing.T) *stack {
	t.Helper()
	rng := rand.New(rand.NewPCG(9, 9))
	s := &stack{gh: &faulty{next: githubfake.New("gh-token", repos(rng, providers.GitHub, "octo", 40))},
		gl: &faulty{next: gitlabfake.New("gl-token", repos(rng, providers.GitLab, "grp", 30))}, m: metrics.New()}
	ghSrv := httptest.NewServer(http.StripPrefix("/api/v3", s.gh))
	glSrv := httptest.NewServer(http.StripPrefix("/api/v4", s.gl))
	t.Cleanup(ghSrv.Close)
	t.Cleanup(glSrv.Close)
	limits := cache.NewMemory[rest.Rate](100)
	up := rest.Options{Retries: 2, Backoff: 5 * time.Millisecond, Limits: limits, Observe: s.m.Upstream}
	gh, err := github.New(github.Config{BaseURL: ghSrv.URL + "/api/v3", Timeout: 300 * time.Millisecond, Upstream: up})
	if err != nil {
		t.Fatal(err)
	}
	gl, err := gitlab.New(gitlab.Config{BaseURL: glSrv.URL + "/api/v4", Timeout: 300 * time.Millisecond, Upstream: up})
	if err != nil {
		t.Fatal(err)
	}
	// No response micro-cache: every query must reach the forges.
	cfg, _ := config.Load(func(k string) string { return map[string]string{"RESPONSE_CACHE_TTL": "0"}[k] })
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{gh, gl},
		Tokens: map[string]string{"github": "gh-token", "gitlab": "gl-token"},
		Pages:  pages.New(cache.NewMemory[pages.Entry](1000), time.Nanosecond, 0), // no caching: every query asks
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: s.m, Limits: limits})
	s.ts = httptest.NewServer(h)
	t.Cleanup(s.ts.Close)
	return s
}

const smallQuery = `{ viewer { repositories(first: 100) { totalCount nodes { provider nameWithOwner } } } }`

func TestForgeFaults(t *testing.T) {
	s := newStack(t)
	count := func(r gqlResponse) (gh, gl int) {
		var c struct {
			Viewer struct {
				Repositories struct{ Nodes []struct{ Provider string } }
			}
		}
		_ = json.Unmarshal(r.Data, &c)
		for _, n := range c.Viewer.Repositories.Nodes {
			if n.Provider == "GITHUB" {
				gh++
			} else {
				gl++
			}
		}
		return
	}

	// 502 twice, then the forge answers: retried, no error.
	var n atomic.Int64
	s.gh.set(func(w http.ResponseWriter, r *http.Request) bool {
		if n.Add(1) <= 2 {
			w.WriteHeader(http.StatusBadGateway)
			return true
		}
		return false
	})
	r := post(t, s.ts, smallQuery, nil)
	if gh, gl := count(r); len(r.Errors) != 0 || gh != 40 || gl != 30 {
		t.Fatalf("502 x2: %d/%d %+v", gh, gl, r.Errors)
	}

	// 503 for good: after 3 tries, UPSTREAM_UNAVAILABLE for GitHub, GitLab still listed.
	s.gh.set(func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	})
	before := s.gh.hits.Load()
	r = post(t, s.ts, smallQuery, nil)
	if gh, gl := count(r); gh != 0 || gl != 30 || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" || r.Errors[0].Extensions["provider"] != "GITHUB" {
		t.Fatalf("503: %d/%d %+v", gh, gl, r.Errors)
	}
	if tries := s.gh.hits.Load() - before; tries != 3 {
		t.Fatalf("503: %d tries, want 3 (1 + 2 retries)", tries)
	}

	// A 500 is not retried.
	s.gh.set(func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusInternalServerError)
		return true
	})
	before = s.gh.hits.Load()
	post(t, s.ts, smallQuery, nil)
	if tries := s.gh.hits.Load() - before; tries != 1 {
		t.Fatalf("500: %d tries", tries)
	}

	// A slow forge: UPSTREAM_TIMEOUT within the upstream timeout, the other forge listed.
	s.gh.set(func(w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
		return true
	})
	start := time.Now()
	r = post(t, s.ts, smallQuery, nil)
	if gh, gl := count(r); gh != 0 || gl != 30 || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UPSTREAM_TIMEOUT" {
		t.Fatalf("slow: %d/%d %+v", gh, gl, r.Errors)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("slow forge held the answer %v", d)
	}

	// Bad credentials on GitLab: UNAUTHENTICATED for GitLab only.
	s.gh.set(func(http.ResponseWriter, *http.Request) bool { return false })
	r = post(t, s.ts, smallQuery, nil, "X-GitLab-Token", "wrong")
	if gh, gl := count(r); gh != 40 || gl != 0 || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || r.Errors[0].Extensions["provider"] != "GITLAB" {
		t.Fatalf("401: %d/%d %+v", gh, gl, r.Errors)
	}

	// 429 with Retry-After: RATE_LIMITED with resetAt, and the forge is not asked again until then.
	s.gl.set(func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"message":"429 Too Many Requests"}`))
		return true
	})
	r = post(t, s.ts, smallQuery, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "RATE_LIMITED" || r.Errors[0].Extensions["resetAt"] == nil {
		t.Fatalf("429: %+v", r.Errors)
	}
	before = s.gl.hits.Load()
	r = post(t, s.ts, smallQuery, nil)
	if gh, _ := count(r); gh != 40 || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "RATE_LIMITED" || s.gl.hits.Load() != before {
		t.Fatalf("after 429: %d github, %+v, %d more GitLab requests", gh, r.Errors, s.gl.hits.Load()-before)
	}
	// Viewer.rateLimit reports it.
	r = post(t, s.ts, `{ viewer { rateLimit { source provider known remaining resetAt } } }`, nil)
	if !strings.Contains(string(r.Data), `"source":"gitlab","provider":"GITLAB","known":true,"remaining":0`) ||
		!strings.Contains(string(r.Data), `"source":"github","provider":"GITHUB","known":true,"remaining":`) {
		t.Fatalf("rateLimit: %s", r.Data)
	}

	// Metrics saw it all, without a token.
	resp, err := http.Get(s.ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`forgegraph_upstream_requests_total{source="github",status="502"} 2`,
		`forgegraph_upstream_requests_total{source="gitlab",status="429"} 1`, `forgegraph_graphql_errors_total{code="RATE_LIMITED"}`,
		`forgegraph_upstream_request_duration_seconds_bucket`, `forgegraph_graphql_operations_total{type="query"}`,
		`forgegraph_http_request_duration_seconds_count{route="/graphql",status="200"}`} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("metrics lack %q", want)
		}
	}
	for _, secret := range []string{"gh-token", "gl-token", "wrong"} {
		if strings.Contains(string(body), secret) {
			t.Fatalf("metrics leak %q", secret)
		}
	}
}

func TestClientDisconnectCancelsUpstream(t *testing.T) {
	s := newStack(t)
	arrived := make(chan struct{}, 1)
	canceled := make(chan struct{}, 1)
	s.gh.set(func(w http.ResponseWriter, r *http.Request) bool {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
			canceled <- struct{}{}
		case <-time.After(5 * time.Second):
		}
		return true
	})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.ts.URL+"/graphql", strings.NewReader(fmt.Sprintf(`{"query":%q}`, smallQuery)))
	req.Header.Set("Content-Type", "application/json")
	go func() { <-arrived; cancel() }()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("request was not canceled")
	}
	select {
	case <-canceled:
	case <-time.After(3 * time.Second):
		t.Fatal("the forge request went on after the client left")
	}
}

func TestAbusiveQueries(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	src := newCountingSource(repos(rng, providers.GitHub, "octo", 150))
	ts := newServer(t, nil, src)
	var b strings.Builder
	b.WriteString("{ viewer {")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, " a%d: repositories(first: 20, sort: CREATED) { nodes { nameWithOwner } }", i)
	}
	b.WriteString(" } }")
	r := post(t, ts, b.String(), nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "complexity") {
		t.Fatalf("60 aliases: %+v", r.Errors)
	}
	if src.fetches.Load() != 0 {
		t.Fatalf("a refused query fetched %d pages", src.fetches.Load())
	}
	// Ten aliases of the same list share their fetches through the request's loaders.
	b.Reset()
	b.WriteString("{ viewer {")
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, " a%d: repositories(first: 20) { totalCount nodes { nameWithOwner } }", i)
	}
	b.WriteString(" } }")
	r = post(t, ts, b.String(), nil)
	if len(r.Errors) != 0 {
		t.Fatalf("10 aliases: %+v", r.Errors)
	}
	if got := src.fetches.Load(); got > 2 {
		t.Fatalf("10 aliased lists made %d upstream fetches, want at most 2 (page 0 and the last page)", got)
	}
	// Deep nesting through fragments is refused.
	deep := `query { viewer { ...A } } fragment A on Viewer { repositories(first: 1) { edges { node { ...B } } } } fragment B on Repository { id }`
	if r := post(t, ts, deep, nil); len(r.Errors) != 0 {
		t.Fatalf("shallow fragments refused: %+v", r.Errors)
	}
	deeper := "{ viewer { repositories(first: 1) { edges { node { id } } " + strings.Repeat("pageInfo { hasNextPage } ", 1) + "} } }"
	if r := post(t, ts, deeper, nil); len(r.Errors) != 0 {
		t.Fatalf("readme-like query refused: %+v", r.Errors)
	}
	nested := "{ viewer { repositories(first: 1) { edges { node { id } } } } " + strings.Repeat("__schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } }", 1) + " }"
	r = post(t, ts, nested, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "nested deeper") {
		t.Fatalf("deep query: %+v", r.Errors)
	}
	// A huge document is refused by the parser's token limit.
	huge := "{ viewer { repositories(first: 1) { nodes { " + strings.Repeat("id ", 6000) + "} } } }"
	r = post(t, ts, huge, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("huge query: %+v", r.Errors)
	}
}
