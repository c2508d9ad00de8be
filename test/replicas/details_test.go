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

// post sends query to base and returns the answer's data, failing on errors.
func post(t *testing.T, base, query string) json.RawMessage {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+gatewayKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.Errors) > 0 {
		t.Fatalf("%s answered HTTP %d: %s", base, resp.StatusCode, b)
	}
	return out.Data
}

const detailsQuery = `{ viewer {
  gh: repositories(provider: GITHUB, sort: FULL_NAME, first: 12) { ...details }
  gl: repositories(provider: GITLAB, sort: FULL_NAME, first: 12) { ...details }
  bb: repositories(provider: BITBUCKET, sort: FULL_NAME, first: 12) { ...details }
} }
fragment details on RepositoryConnection { nodes {
  nameWithOwner watcherCount diskUsage viewerPermission
  languages(first: 2) { totalCount edges { percentage node { name } } }
  branches(last: 3) { totalCount nodes { name } }
  tags(first: 5) { totalCount nodes { name } }
  contributors(first: 3) { totalCount nodes { login name contributions } }
  teams { totalCount }
} }`

// TestReplicasShareDetails: repository details read by one replica (detail endpoints, languages,
// branch, tag, contributor and team pages) are served to another replica sharing the Redis without
// asking the forges again, and both answer the same.
func TestReplicasShareDetails(t *testing.T) {
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
	a, b := c.startReplica("replica-a", 6), c.startReplica("replica-b", 6)
	// The list pages are shared too; read them once through a so that what b saves is the details.
	post(t, a, `{ viewer { gh: repositories(provider: GITHUB, sort: FULL_NAME, first: 12) { nodes { id } }
	  gl: repositories(provider: GITLAB, sort: FULL_NAME, first: 12) { nodes { id } }
	  bb: repositories(provider: BITBUCKET, sort: FULL_NAME, first: 12) { nodes { id } } } }`)
	c.resetForge()
	first := post(t, a, detailsQuery)
	byA := c.forgeRequests()
	if byA.Forges["github"] == 0 || byA.Forges["gitlab"] == 0 || byA.Forges["bitbucket"] == 0 {
		t.Fatalf("the first replica read no details: %v\n%s", byA, first)
	}
	c.resetForge()
	second := post(t, b, detailsQuery)
	if byB := c.forgeRequests(); byB.Total != 0 {
		t.Errorf("the second replica asked the forges again: %v (the first: %v)", byB.URLs, byA)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("the replicas answer differently:\n%s\n%s", first, second)
	}
}
