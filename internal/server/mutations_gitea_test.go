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
	"github.com/forgegraph/forgegraph/providers/gitea"
	giteafake "github.com/forgegraph/forgegraph/providers/gitea/fake"
)

// TestGiteaMutationLifecycle: with ALLOW_MUTATIONS and the server-held token, create, rename
// (node(old id) answers the new name), archive, a name taken (CONFLICT) and a confirmed delete on
// Gitea, each seen in the warm list at once, with the upstream writes Gitea documents.
func TestGiteaMutationLifecycle(t *testing.T) {
	rs := repos(rand.New(rand.NewPCG(15, 15)), providers.Gitea, giteafake.DefaultViewer, 10)
	fk := giteafake.New("gitea-tok", rs)
	var mu sync.Mutex
	var calls []string
	forge := httptest.NewServer(http.StripPrefix("/api/v1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		fk.ServeHTTP(w, r)
	})))
	t.Cleanup(forge.Close)
	src, err := gitea.New(gitea.Config{BaseURL: forge.URL + "/api/v1", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GITEA_TOKEN": "gitea-tok", "GITEA_API_URL": forge.URL + "/api/v1", "ALLOW_MUTATIONS": "true"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Deps{Config: cfg, Sources: []providers.Source{src}, Tokens: map[string]string{"gitea": "gitea-tok"},
		Pages: pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(ts.Close)
	list := func() createdList { return decodeData[createdList](t, post(t, ts, createdListQuery, nil)) }
	if n := list().Viewer.Repositories.TotalCount; n != len(rs) {
		t.Fatalf("totalCount %d", n)
	}
	create := strings.Replace(createMutation, "provider: GITHUB", "provider: GITEA", 1)
	c := decodeData[created](t, post(t, ts, create, map[string]any{"name": "fresh"}))
	id := c.CreateRepository.Repository.ID
	if c.CreateRepository.Repository.NameWithOwner != giteafake.DefaultViewer+"/fresh" {
		t.Fatalf("created %+v", c)
	}
	if l := list(); l.Viewer.Repositories.TotalCount != len(rs)+1 || l.Viewer.Repositories.Nodes[0].NameWithOwner != giteafake.DefaultViewer+"/fresh" {
		t.Fatalf("after create: %+v", l.Viewer.Repositories.Nodes[0])
	}
	u := post(t, ts, `mutation($id: ID!) { updateRepository(input: {repositoryId: $id, name: "renamed", isArchived: true}) { repository { nameWithOwner isArchived } } }`, map[string]any{"id": id})
	if !strings.Contains(string(u.Data), `"nameWithOwner":"`+giteafake.DefaultViewer+`/renamed","isArchived":true`) {
		t.Fatalf("rename+archive: %s %+v", u.Data, u.Errors)
	}
	if r := post(t, ts, `query($id: ID!) { node(id: $id) { ... on Repository { nameWithOwner } } }`, map[string]any{"id": id}); !strings.Contains(string(r.Data), "/renamed") {
		t.Fatalf("node(old id): %s %+v", r.Data, r.Errors)
	}
	wantCode(t, post(t, ts, create, map[string]any{"name": "renamed"}), "CONFLICT", "taken")
	const del = `mutation($id: ID!, $c: String!) { deleteRepository(input: {repositoryId: $id, confirmNameWithOwner: $c}) { deletedRepositoryId } }`
	if d := post(t, ts, del, map[string]any{"id": id, "c": giteafake.DefaultViewer + "/renamed"}); !strings.Contains(string(d.Data), id) {
		t.Fatalf("delete: %s %+v", d.Data, d.Errors)
	}
	if l := list(); l.Viewer.Repositories.TotalCount != len(rs) {
		t.Fatalf("after delete totalCount %d", l.Viewer.Repositories.TotalCount)
	}
	mu.Lock()
	defer mu.Unlock()
	var writes []string
	for _, c := range calls {
		if !strings.HasPrefix(c, "GET /repos/search") && !strings.HasPrefix(c, "GET /user") { // the list's own
			writes = append(writes, c)
		}
	}
	full := "/repos/" + giteafake.DefaultViewer
	want := "POST /user/repos,GET /repositories/11,PATCH " + full + "/fresh,GET /repositories/11,POST /user/repos,GET /repositories/11,DELETE " + full + "/renamed"
	if got := strings.Join(writes, ","); got != want {
		t.Fatalf("upstream requests besides lists:\n got %s\nwant %s", got, want)
	}
}
