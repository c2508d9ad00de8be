package server_test

import (
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	bitbucketfake "github.com/forgegraph/forgegraph/providers/bitbucket/fake"
)

// TestBitbucketMutationLifecycle: with the request's X-Bitbucket-Token, create needs owner (the
// workspace), rename by uuid (node(old id) answers the new name), archiving is NOT_SUPPORTED, a
// slug taken is CONFLICT, and a confirmed delete, each seen in the warm list at once.
func TestBitbucketMutationLifecycle(t *testing.T) {
	rs := repos(rand.New(rand.NewPCG(16, 16)), providers.Bitbucket, "team", 8)
	for i := range rs {
		rs[i].ForgeID = "" // the fake makes {uuid}s
	}
	fk := bitbucketfake.New("bb-w", rs)
	var mu sync.Mutex
	var calls []string
	forge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path)
		mu.Unlock()
		fk.ServeHTTP(w, r)
	}))
	t.Cleanup(forge.Close)
	src, err := bitbucket.New(bitbucket.Config{BaseURL: forge.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string { return map[string]string{"BITBUCKET_TOKEN": "server-held"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Deps{Config: cfg, Sources: []providers.Source{src}, Tokens: map[string]string{"bitbucket": "server-held"},
		Pages: pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(ts.Close)
	h := []string{"X-Bitbucket-Token", "bb-w"}
	list := func() createdList { return decodeData[createdList](t, post(t, ts, createdListQuery, nil, h...)) }
	if n := list().Viewer.Repositories.TotalCount; n != len(rs) {
		t.Fatalf("totalCount %d", n)
	}
	create := strings.Replace(createMutation, "provider: GITHUB", "provider: BITBUCKET", 1)
	wantCode(t, post(t, ts, create, map[string]any{"name": "fresh"}, h...), "BAD_USER_INPUT", "owner is required")
	create = strings.Replace(createMutation, "provider: GITHUB", `provider: BITBUCKET, owner: "team"`, 1)
	c := decodeData[created](t, post(t, ts, create, map[string]any{"name": "fresh"}, h...))
	id := c.CreateRepository.Repository.ID
	if c.CreateRepository.Repository.NameWithOwner != "team/fresh" {
		t.Fatalf("created %+v", c)
	}
	if l := list(); l.Viewer.Repositories.TotalCount != len(rs)+1 || l.Viewer.Repositories.Nodes[0].NameWithOwner != "team/fresh" {
		t.Fatalf("after create: %+v", l.Viewer.Repositories.Nodes[0])
	}
	u := post(t, ts, `mutation($id: ID!) { updateRepository(input: {repositoryId: $id, name: "renamed"}) { repository { nameWithOwner } } }`, map[string]any{"id": id}, h...)
	if !strings.Contains(string(u.Data), `"nameWithOwner":"team/renamed"`) {
		t.Fatalf("rename: %s %+v", u.Data, u.Errors)
	}
	if r := post(t, ts, `query($id: ID!) { node(id: $id) { ... on Repository { nameWithOwner } } }`, map[string]any{"id": id}, h...); !strings.Contains(string(r.Data), "team/renamed") {
		t.Fatalf("node(old id): %s %+v", r.Data, r.Errors)
	}
	wantCode(t, post(t, ts, `mutation($id: ID!) { updateRepository(input: {repositoryId: $id, isArchived: true}) { repository { id } } }`, map[string]any{"id": id}, h...), "NOT_SUPPORTED", "archiving")
	wantCode(t, post(t, ts, create, map[string]any{"name": "renamed"}, h...), "CONFLICT", "taken")
	const del = `mutation($id: ID!, $c: String!) { deleteRepository(input: {repositoryId: $id, confirmNameWithOwner: $c}) { deletedRepositoryId } }`
	if d := post(t, ts, del, map[string]any{"id": id, "c": "team/renamed"}, h...); !strings.Contains(string(d.Data), id) {
		t.Fatalf("delete: %s %+v", d.Data, d.Errors)
	}
	if l := list(); l.Viewer.Repositories.TotalCount != len(rs) {
		t.Fatalf("after delete totalCount %d", l.Viewer.Repositories.TotalCount)
	}
	mu.Lock()
	defer mu.Unlock()
	var writes []string
	for _, c := range calls {
		if !strings.HasPrefix(c, "GET /user/workspaces") && c != "GET /repositories/team" {
			writes = append(writes, c)
		}
	}
	t.Logf("upstream requests besides lists: %s", strings.Join(writes, ", "))
	if got := strings.Join(writes, ","); strings.Count(got, "POST /repositories/team/") != 2 || strings.Count(got, "PUT /repositories/team/{") != 1 || strings.Count(got, "DELETE /repositories/team/{") != 1 {
		t.Fatalf("upstream requests besides lists: %s", got)
	}
}
