package server_test

import (
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
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// FuzzGraphQLBody posts arbitrary bodies to /graphql: the server must answer every one with a JSON
// body and a status below 500, and never panic.
func FuzzGraphQLBody(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 1))
	cfg, _ := config.Load(func(string) string { return "" })
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{providertest.NewSource("github", repos(rng, providers.GitHub, "octo", 120))},
		Pages: pages.New(cache.NewMemory[pages.Entry](100), time.Minute, 0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, seed := range []string{
		`{"query":"{ viewer { repositories(first: 5) { totalCount nodes { id } } } }"}`,
		`{"query":"query($a:String){ viewer { repositories(first: 1, after: $a) { edges { cursor } } } }","variables":{"a":"AAAA"}}`,
		`{"query":"{ node(id: \"x\") { id } }"}`,
		`{"query":"{ viewer { repositories(last: 3, sort: FULL_NAME, direction: DESC) { pageInfo { startCursor } } } }"}`,
		`{"query":"{ viewer { rateLimit { source known } } }"}`,
		`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`,
		`{"query": 5}`, `[]`, `{`, ``, `{"query":"{","variables":[]}`,
	} {
		f.Add(seed, "application/json")
	}
	f.Add(`query=%7B%7D`, "application/x-www-form-urlencoded")
	f.Add(`{ viewer { repositories { totalCount } } }`, "application/graphql")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q (%s): %s", rec.Code, body, contentType, rec.Body)
		}
		if rec.Code != http.StatusOK || strings.Contains(rec.Header().Get("Content-Type"), "json") {
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("status %d, body is not a JSON object for %q: %q", rec.Code, body, rec.Body)
			}
			if _, ok := v["errors"]; rec.Code >= 400 && !ok {
				t.Fatalf("status %d without errors for %q: %s", rec.Code, body, rec.Body)
			}
		}
	})
}
