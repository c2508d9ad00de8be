//go:build unix

package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/forgegraph/forgegraph/internal/testkit"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/demo"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// replica builds a demo server over the Redis at addr, without the response micro-cache.
func replica(t *testing.T, addr string) (*App, *httptest.Server) {
	t.Helper()
	env := map[string]string{"REDIS_URL": testkit.RedisURL(addr), "RESPONSE_CACHE_TTL": "0"}
	return serveApp(t, env)
}

// githubRequests is how many requests a replica's demo GitHub served.
func githubRequests(a *App) int64 {
	for _, f := range a.Built.Demo.Forges {
		if f.Source == "github" {
			return f.Requests()
		}
	}
	return -1
}

// node asks ts for the repository id, with the headers given as name, value pairs.
func node(t *testing.T, ts *httptest.Server, id string, headers ...string) (name string, codes []string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": `query($id: ID!) { node(id: $id) { ... on Repository { nameWithOwner } } }`,
		"variables": map[string]any{"id": id}})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Node *struct{ NameWithOwner string }
		}
		Errors []struct{ Extensions map[string]any }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	for _, e := range out.Errors {
		codes = append(codes, fmt.Sprint(e.Extensions["code"]))
	}
	if out.Data.Node != nil {
		name = out.Data.Node.NameWithOwner
	}
	return name, codes
}

// TestLookupsSharedSealedThroughRedis: a repository one replica looked up is served by another from
// Redis without asking the forge; it is sealed there (the stored value does not show it), and a
// request with another credential asks the forge itself.
func TestLookupsSharedSealedThroughRedis(t *testing.T) {
	addr := testkit.StartRedis(t)
	a1, ts1 := replica(t, addr)
	a2, ts2 := replica(t, addr)
	want := registry.DemoRepositoriesOf(providers.GitHub)[3]
	id := want.ID()

	before1 := githubRequests(a1)
	if name, codes := node(t, ts1, id); name != want.NameWithOwner || codes != nil {
		t.Fatalf("replica 1: %q %v", name, codes)
	}
	if n := githubRequests(a1) - before1; n != 1 {
		t.Fatalf("replica 1 made %d upstream requests, want 1", n)
	}
	before2 := githubRequests(a2)
	if name, codes := node(t, ts2, id); name != want.NameWithOwner || codes != nil {
		t.Fatalf("replica 2: %q %v", name, codes)
	}
	if n := githubRequests(a2) - before2; n != 0 {
		t.Fatalf("replica 2 made %d upstream requests for a lookup replica 1 kept in Redis", n)
	}

	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	keys, err := c.Keys(context.Background(), redisRepos+"*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("lookup keys %v: %v", keys, err)
	}
	raw, err := c.Get(context.Background(), keys[0]).Bytes()
	if err != nil || bytes.Contains(raw, []byte(want.NameWithOwner)) || strings.Contains(keys[0], demo.Token) {
		t.Fatalf("the kept lookup is not sealed (or its key holds the token): key %q value %q: %v", keys[0], raw, err)
	}

	// Another credential (which the demo forge refuses) asks for itself and gets no copy.
	if name, codes := node(t, ts2, id, "X-GitHub-Token", "someone-else"); name != "" || len(codes) != 1 || codes[0] != "UNAUTHENTICATED" {
		t.Fatalf("another credential: %q %v", name, codes)
	}
	if n := githubRequests(a2) - before2; n != 1 {
		t.Fatalf("another credential made %d upstream requests, want 1", n)
	}
}
