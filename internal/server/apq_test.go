package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

func sha(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}

// apqServer is the real handler over one GitHub source with apq as the persisted-query store
// (nil: the default).
func apqServer(t *testing.T, apq graphql.Cache[string]) *httptest.Server {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return map[string]string{"RESPONSE_CACHE_TTL": "0"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	src := providertest.NewSource("github", repos(rand.New(rand.NewPCG(2, 2)), providers.GitHub, "octo", 5))
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{src}, Tokens: map[string]string{"github": src.Token},
		Pages: pages.New(cache.NewMemory[pages.Entry](100), time.Minute, 0), APQ: apq,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// register POSTs query with its persisted-query hash and returns the answer.
func register(t *testing.T, ts *httptest.Server, query string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query,
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha(query)}}})
	resp, err := http.Post(ts.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	out.status = resp.StatusCode
	return out
}

// byHash GETs the persisted query of hash without its text.
func byHash(t *testing.T, ts *httptest.Server, hash string) gqlResponse {
	t.Helper()
	ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":%q}}`, hash)
	resp, err := http.Get(ts.URL + "/graphql?extensions=" + url.QueryEscape(ext))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	out.status = resp.StatusCode
	return out
}

func isMiss(r gqlResponse) bool {
	return r.status == 200 && len(r.Errors) == 1 && r.Errors[0].Extensions["code"] == "PERSISTED_QUERY_NOT_FOUND"
}

// TestPersistedQueryStoredOnlyWhenValid: a query sent for registration is stored only once it has
// parsed, validated and passed the complexity and depth limits; the others are not stored, and a
// hash-only request for them is a miss.
func TestPersistedQueryStoredOnlyWhenValid(t *testing.T) {
	mem := cache.NewMemory[string](100)
	ts := apqServer(t, cache.NewAPQ(mem, 0, 0))
	deep := "{ __schema { types { fields { type " + strings.Repeat("{ ofType ", 14) + "{ name }" + strings.Repeat(" }", 14) + " } } } }"
	aliases := "{ viewer { "
	for i := range 60 {
		aliases += fmt.Sprintf("a%d: repositories(first: 100) { nodes { id nameWithOwner } } ", i)
	}
	aliases += "} }"
	for name, q := range map[string]string{
		"parse error":      "{ viewer { ",
		"unknown field":    "{ viewer { nope } }",
		"no operation":     "fragment F on Viewer { __typename }",
		"too complex":      aliases,
		"too deep":         deep,
		"wrong variable":   "query($n: Nope) { viewer { repositories(first: $n) { totalCount } } }",
		"mutation":         "mutation { nope }",
		"over token limit": "{ " + strings.Repeat("__typename ", 6000) + "}",
	} {
		r := register(t, ts, q)
		if len(r.Errors) == 0 {
			t.Fatalf("%s: ran without errors", name)
		}
		if want := map[string]string{"too deep": "DEPTH_LIMIT_EXCEEDED", "too complex": "COMPLEXITY_LIMIT_EXCEEDED"}[name]; want != "" && r.Errors[0].Extensions["reason"] != want {
			t.Fatalf("%s: %+v, want reason %s", name, r.Errors, want)
		}
		if mem.Len() != 0 {
			t.Fatalf("%s: a query that failed was stored", name)
		}
		if r := byHash(t, ts, sha(q)); !isMiss(r) {
			t.Fatalf("%s: hash-only GET after a failed registration: %d %+v", name, r.status, r.Errors)
		}
	}
	good := "{ viewer { repositories(first: 2) { totalCount } } }"
	if r := register(t, ts, good); r.status != 200 || len(r.Errors) != 0 {
		t.Fatalf("registering a valid query: %d %+v", r.status, r.Errors)
	}
	if r := byHash(t, ts, sha(good)); r.status != 200 || len(r.Errors) != 0 || !strings.Contains(string(r.Data), `"totalCount":5`) {
		t.Fatalf("hash-only GET of a registered query: %d %s %+v", r.status, r.Data, r.Errors)
	}
}

// TestPersistedQueryTooLarge: a query over cache.MaxPersistedQueryBytes sent with a hash is refused
// (BAD_USER_INPUT, saying to send it without registering) and not stored; sent plainly, it runs.
func TestPersistedQueryTooLarge(t *testing.T) {
	mem := cache.NewMemory[string](100)
	ts := apqServer(t, cache.NewAPQ(mem, 0, 0))
	q := "{ viewer { repositories(first: 1) { totalCount } } }\n# " + strings.Repeat("padding ", cache.MaxPersistedQueryBytes/8)
	r := register(t, ts, q)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || r.Errors[0].Extensions["reason"] != server.ReasonPersistedQueryTooLarge ||
		!strings.Contains(r.Errors[0].Message, "without extensions.persistedQuery") || r.Data != nil {
		t.Fatalf("over-long registration: %d %+v", r.status, r.Errors)
	}
	if mem.Len() != 0 || !isMiss(byHash(t, ts, sha(q))) {
		t.Fatal("an over-long query was stored")
	}
	if r := post(t, ts, q, nil); len(r.Errors) != 0 || !strings.Contains(string(r.Data), `"totalCount":5`) {
		t.Fatalf("the same query without a hash: %+v", r.Errors)
	}
}

// TestPersistedQueryHashRechecked: a text read back from the store (unsealed in Redis) whose
// SHA-256 is not its key is a miss, never run.
func TestPersistedQueryHashRechecked(t *testing.T) {
	mem := cache.NewMemory[string](100)
	ts := apqServer(t, cache.NewAPQ(mem, 0, 0))
	q := "{ viewer { repositories(first: 1) { totalCount } } }"
	mem.Set(t.Context(), sha(q), "{ viewer { repositories(first: 5) { nodes { id nameWithOwner } } } }", time.Hour)
	if r := byHash(t, ts, sha(q)); !isMiss(r) {
		t.Fatalf("an altered persisted query: %d %s %+v", r.status, r.Data, r.Errors)
	}
}

// TestDefaultPersistedQueriesBoundedByBytes: the default in-memory store is bounded by bytes: the
// oldest of many large registered queries is evicted long before a thousand are stored.
func TestDefaultPersistedQueriesBoundedByBytes(t *testing.T) {
	ts := apqServer(t, nil)
	pad := strings.Repeat("x", 30<<10)
	n := int(cache.APQMemoryBytes/(30<<10)) + 20 // about 290: a count bound of 1,000 keeps them all
	first := ""
	for i := range n {
		q := fmt.Sprintf("{ __typename } # %d %s", i, pad)
		if i == 0 {
			first = q
		}
		if r := register(t, ts, q); len(r.Errors) != 0 {
			t.Fatalf("registration %d: %+v", i, r.Errors)
		}
	}
	if r := byHash(t, ts, sha(first)); !isMiss(r) {
		t.Fatalf("after %d queries of 30 KiB, the first is still stored: the store is not bounded by bytes", n)
	}
}
