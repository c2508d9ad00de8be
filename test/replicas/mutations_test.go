//go:build unix

package replicas

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/internal/testkit"
)

// postAs sends query with vars to base with the request's own X-GitHub-Token and returns the raw
// answer.
func postAs(t *testing.T, base, query string, vars map[string]any) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+gatewayKey)
	req.Header.Set("X-GitHub-Token", demoToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestReplicasReadEachOthersWrites: a repository created through one replica is first in another
// replica's warm CREATED list at once (its cached pages were invalidated through Redis), and the
// same create with the same clientMutationId sent to the other replica answers the first result
// without a second upstream POST.
func TestReplicasReadEachOthersWrites(t *testing.T) {
	redisBin := testkit.RedisServer(t)
	dir := t.TempDir()
	c := &cluster{t: t, dir: dir, redisBin: redisBin}
	c.server = build(t, dir, "forgegraph", "github.com/forgegraph/forgegraph")
	fakeforge := build(t, dir, "fakeforge", "github.com/forgegraph/forgegraph/cmd/fakeforge")
	c.startRedis()
	ff := start(t, "fakeforge", fakeforge, []string{"-port", "0"}, env())
	c.forge = ff.waitOutput(t, "listening line", func(line string) (string, bool) {
		u, ok := strings.CutPrefix(line, "fakeforge listening on ")
		return u, ok
	})
	a, b := c.startReplica("replica-a", 7), c.startReplica("replica-b", 7)
	const list = `{ viewer { repositories(provider: GITHUB, sort: CREATED, first: 1) { totalCount nodes { nameWithOwner } } } }`
	before := postAs(t, b, list, nil) // warms b's pages (and a's, through Redis)
	const create = `mutation($cmid: String) { createRepository(input: {provider: GITHUB, name: "across-replicas", visibility: PRIVATE, clientMutationId: $cmid}) { repository { id nameWithOwner } } }`
	vars := map[string]any{"cmid": "replicas-1"}
	first := postAs(t, a, create, vars)
	if !strings.Contains(first, `/across-replicas"`) || strings.Contains(first, `"errors"`) {
		t.Fatalf("create through a: %s", first)
	}
	after := postAs(t, b, list, nil)
	if !strings.Contains(after, `/across-replicas"`) || after == before {
		t.Fatalf("b's list after a's create: %s (before: %s)", after, before)
	}
	c.resetForge()
	if again := postAs(t, b, create, vars); again != first {
		t.Fatalf("the replayed create through b answered %s, want %s", again, first)
	}
	if n := c.forgeRequests(); n.Total != 0 {
		t.Fatalf("the replayed create reached the forge: %v", n.URLs)
	}
}
