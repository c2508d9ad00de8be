//go:build unix

package app

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/internal/testkit"
)

// gql posts query with vars to ts and returns the raw answer.
func gql(t *testing.T, ts *httptest.Server, query string, vars map[string]any) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(ts.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return b.String()
}

// TestDemoMutationsKeepStateAndReplayAcrossReplicas: in demo mode a request without credentials
// may mutate; the created repository is first in its replica's CREATED list at once; the same
// mutation with the same clientMutationId sent to another replica sharing Redis answers the first
// result without asking that replica's forge.
func TestDemoMutationsKeepStateAndReplayAcrossReplicas(t *testing.T) {
	addr := testkit.StartRedis(t)
	a1, ts1 := replica(t, addr)
	a2, ts2 := replica(t, addr)
	const list = `{ viewer { repositories(provider: GITHUB, sort: CREATED, first: 1) { totalCount nodes { nameWithOwner } } } }`
	warm := gql(t, ts1, list, nil)
	const create = `mutation($cmid: String) { createRepository(input: {provider: GITHUB, name: "from-the-demo", visibility: PUBLIC, clientMutationId: $cmid}) { clientMutationId repository { id nameWithOwner } } }`
	vars := map[string]any{"cmid": "demo-1"}
	first := gql(t, ts1, create, vars)
	if !strings.Contains(first, `/from-the-demo"`) || strings.Contains(first, `"errors"`) {
		t.Fatalf("demo create: %s", first)
	}
	after := gql(t, ts1, list, nil)
	if !strings.Contains(after, `/from-the-demo"`) || after == warm {
		t.Fatalf("the demo list after create: %s (before %s)", after, warm)
	}
	before2 := githubRequests(a2)
	again := gql(t, ts2, create, vars)
	if again != first {
		t.Fatalf("replica 2 answered %s, want the first answer %s", again, first)
	}
	if n := githubRequests(a2) - before2; n != 0 {
		t.Fatalf("replica 2 asked its forge %d times for a replayed mutation", n)
	}
	_ = a1
}
