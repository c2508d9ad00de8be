package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
	"github.com/forgegraph/forgegraph/providers/rest"
)

func TestMicrocache(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	src := newCountingSource(repos(rng, providers.GitHub, "octo", 30))
	ts := newServer(t, map[string]string{"RESPONSE_CACHE_TTL": "300ms", "CACHE_TTL": "1ns"}, src)
	q := `{ viewer { repositories(first: 5) { totalCount nodes { nameWithOwner } } } }`
	post(t, ts, q, nil)
	n := src.fetches.Load()
	if r := post(t, ts, q, nil); len(r.Errors) != 0 || src.fetches.Load() != n {
		t.Fatalf("identical request within the ttl reached the source: %d -> %d", n, src.fetches.Load())
	}
	// Another credential header is another answer.
	post(t, ts, q, nil, "X-GitHub-Token", "someone-else")
	if src.fetches.Load() == n {
		t.Fatal("a request with another credential was answered from the cache")
	}
	// A replay says so; after the ttl the query runs again.
	hit := func() string {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/graphql?query="+url.QueryEscape(q), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("X-Cache")
	}
	if first, second := hit(), hit(); first != "" || second != "hit" {
		t.Fatalf("X-Cache %q then %q, want \"\" then hit", first, second)
	}
	time.Sleep(350 * time.Millisecond)
	if h := hit(); h != "" {
		t.Fatal("answer outlived the ttl")
	}
	// Answers with errors, and rateLimit, are never replayed.
	src.Fail = providers.Errorf(providers.KindUnavailable, "github", "down")
	bad := `{ viewer { repositories(first: 6) { totalCount } } }`
	// (another credential, so the page store holds nothing for it either)
	post(t, ts, bad, nil, "X-GitHub-Token", "third")
	n = src.fetches.Load()
	post(t, ts, bad, nil, "X-GitHub-Token", "third")
	if src.fetches.Load() == n {
		t.Fatal("an answer with errors was replayed")
	}
	src.Fail = nil
	// rateLimit: see TestMicrocacheNeverReplaysRateLimit.
}

// countingLimits is a rate-limit store that counts its reads: Viewer.rateLimit reads it once per
// enabled source each time it runs.
type countingLimits struct{ gets atomic.Int64 }

func (c *countingLimits) Get(context.Context, string) (rest.Rate, bool) {
	c.gets.Add(1)
	return rest.Rate{}, false
}

func (c *countingLimits) Set(context.Context, string, rest.Rate, time.Duration) {}

func (c *countingLimits) Delete(context.Context, string) {}

// TestMicrocacheNeverReplaysRateLimit: a query reaching rateLimit, under any alias, through a
// named or inline fragment, runs again for every identical request (it is never answered with
// X-Cache: hit), while the same query without rateLimit is replayed.
func TestMicrocacheNeverReplaysRateLimit(t *testing.T) {
	cfg, err := config.Load(func(k string) string { return map[string]string{"RESPONSE_CACHE_TTL": "1m"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	limits := &countingLimits{}
	src := providertest.NewSource("github", repos(rand.New(rand.NewPCG(3, 3)), providers.GitHub, "octo", 3))
	ts := httptest.NewServer(server.New(server.Deps{Config: cfg, Sources: []providers.Source{src}, Limits: limits,
		Tokens: map[string]string{"github": src.Token}, Pages: pages.New(cache.NewMemory[pages.Entry](100), time.Minute, 0),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer ts.Close()
	run := func(q string) (xcache string) {
		resp, err := http.Get(ts.URL + "/graphql?query=" + url.QueryEscape(q))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || bytes.Contains(b, []byte(`"errors"`)) {
			t.Fatalf("%s: %d %s", q, resp.StatusCode, b)
		}
		return resp.Header.Get("X-Cache")
	}
	for _, q := range []string{
		`{ viewer { rateLimit { known } } }`,
		`{ viewer { rl: rateLimit { known } } }`,
		`query Q { viewer { ...F } } fragment F on Viewer { quota: rateLimit { remaining } }`,
		`query Q { viewer { ...F } } fragment F on Viewer { ...G } fragment G on Viewer { rateLimit { known } }`,
		`{ viewer { ... on Viewer { rateLimit { known } } } }`,
	} {
		before := limits.gets.Load()
		for i := range 3 {
			if x := run(q); x != "" {
				t.Fatalf("%s: request %d was replayed (X-Cache %q)", q, i+1, x)
			}
		}
		if n := limits.gets.Load() - before; n != 3 {
			t.Fatalf("%s: rateLimit ran %d times for 3 identical requests, want 3", q, n)
		}
	}
	plain := `{ viewer { repositories(first: 1) { totalCount } } }`
	if first, second := run(plain), run(plain); first != "" || second != "hit" {
		t.Fatalf("a query without rateLimit: X-Cache %q then %q, want \"\" then hit", first, second)
	}
}

// TestMicrocacheConcurrentMisses: identical requests arriving while the first is answered wait for
// its answer instead of running the query again.
func TestMicrocacheConcurrentMisses(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	src := newCountingSource(repos(rng, providers.GitHub, "octo", 30))
	src.OnStream = func(s *providertest.Stream) {
		s.OnFetch = func() { src.fetches.Add(1); time.Sleep(100 * time.Millisecond) }
	}
	ts := newServer(t, map[string]string{"RESPONSE_CACHE_TTL": "5s"}, src)
	u := ts.URL + "/graphql?query=" + url.QueryEscape(`{ viewer { repositories(first: 3) { nodes { nameWithOwner } } } }`)
	var wg sync.WaitGroup
	var hits atomic.Int64
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(u)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.Header.Get("X-Cache") == "hit" {
				hits.Add(1)
			}
		}()
	}
	wg.Wait()
	if hits.Load() != 19 {
		t.Fatalf("%d of 20 identical concurrent requests were replayed, want 19", hits.Load())
	}
}

// TestMicrocacheGzip: a replayed answer goes out gzipped (compressed once, when kept) to clients
// that accept it and as it is to the others, with the same content as the first answer.
func TestMicrocacheGzip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	src := newCountingSource(repos(rng, providers.GitHub, "octo", 60))
	ts := newServer(t, map[string]string{"RESPONSE_CACHE_TTL": "5s"}, src)
	u := ts.URL + "/graphql?query=" + url.QueryEscape(`{ viewer { repositories(first: 40) { nodes { id nameWithOwner url } } } }`)
	get := func(acceptGzip bool) (body []byte, encoding, xcache string) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if acceptGzip {
			req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport then leaves the body coded
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("Content-Length") != "" && resp.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
			t.Fatalf("Content-Length %s for a body of %d bytes", resp.Header.Get("Content-Length"), len(b))
		}
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		return b, resp.Header.Get("Content-Encoding"), resp.Header.Get("X-Cache")
	}
	first, enc, x := get(true)
	if enc != "gzip" || x != "" || len(first) < 2048 {
		t.Fatalf("first answer: encoding %q, X-Cache %q, %d bytes", enc, x, len(first))
	}
	n := src.fetches.Load()
	for _, gz := range []bool{true, false, true} {
		b, enc, x := get(gz)
		want := ""
		if gz {
			want = "gzip"
		}
		if x != "hit" || enc != want || !bytes.Equal(b, first) {
			t.Fatalf("replay (gzip accepted %v): X-Cache %q, encoding %q, same body %v", gz, x, enc, bytes.Equal(b, first))
		}
	}
	if src.fetches.Load() != n {
		t.Fatal("a replay reached the source")
	}
}
