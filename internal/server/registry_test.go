package server_test

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestEveryForgeHeaderIsServed checks, for every registry descriptor, that its credential header
// replaces that source's server-held token, is allowed by CORS, and keys the micro-cache, so a forge
// added to the registry cannot be left out of any of them.
func TestEveryForgeHeaderIsServed(t *testing.T) {
	for _, f := range registry.All() {
		t.Run(f.Name, func(t *testing.T) {
			if !slices.Contains(server.CredentialHeaders(), f.Header) || server.TokenHeaders[f.Name] != f.Header {
				t.Fatalf("%s is not among the credential headers %v / %v", f.Header, server.CredentialHeaders(), server.TokenHeaders)
			}
			p := f.Provider
			if p == "" {
				p = providers.GitHub // an aggregator: any forge's repositories
			}
			rng := rand.New(rand.NewPCG(11, 11))

			// The header is that source's credential: a wrong one fails only with UNAUTHENTICATED.
			src := providertest.NewSource(f.Name, repos(rng, p, "octo", 3))
			src.Token = "right" // held by the server (newServer)
			ts := newServer(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://app.example"}, src)
			if r := post(t, ts, listQuery, map[string]any{"first": 10}); len(r.Errors) != 0 {
				t.Fatalf("held token: %+v", r.Errors)
			}
			r := post(t, ts, listQuery, map[string]any{"first": 10}, f.Header, "wrong")
			if c := codes(r); len(c) != 1 || c[0] != "UNAUTHENTICATED" {
				t.Fatalf("%s: wrong did not replace the held token for %s: codes %v", f.Header, f.Name, c)
			}

			// CORS lets a browser send it.
			req, _ := http.NewRequest(http.MethodOptions, ts.URL+"/graphql", nil)
			req.Header.Set("Origin", "https://app.example")
			req.Header.Set("Access-Control-Request-Method", http.MethodPost)
			req.Header.Set("Access-Control-Request-Headers", strings.ToLower(f.Header))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if allowed := resp.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(strings.ToLower(allowed), strings.ToLower(f.Header)) {
				t.Fatalf("CORS preflight for %s: Access-Control-Allow-Headers %q", f.Header, allowed)
			}

			// The micro-cache never replays one credential's answer to another.
			counting := newCountingSource(repos(rng, p, "octo", 3))
			counting.SourceName = f.Name
			ts = newServer(t, map[string]string{"RESPONSE_CACHE_TTL": "1m", "CACHE_TTL": "1ns"}, counting)
			q := `{ viewer { repositories(first: 5) { nodes { nameWithOwner } } } }`
			post(t, ts, q, nil, f.Header, "alice")
			n := counting.fetches.Load()
			post(t, ts, q, nil, f.Header, "alice")
			if counting.fetches.Load() != n {
				t.Fatalf("the same %s within the ttl reached the source (micro-cache off?)", f.Header)
			}
			post(t, ts, q, nil, f.Header, "bob")
			if counting.fetches.Load() == n {
				t.Fatalf("a request with another %s was answered from the micro-cache", f.Header)
			}
		})
	}
}
