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
	"github.com/forgegraph/forgegraph/providers/gitlab"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

// TestGitLabMutationLifecycle: with the request's own X-GitLab-Token (no ALLOW_MUTATIONS needed),
// create in a group (namespace looked up), rename, archive, a name taken (CONFLICT) and a confirmed
// delete, each seen in the warm list at once, with the upstream requests GitLab documents.
func TestGitLabMutationLifecycle(t *testing.T) {
	rs := repos(rand.New(rand.NewPCG(14, 14)), providers.GitLab, "grp", 12)
	fk := gitlabfake.New("glpat-w", rs)
	var mu sync.Mutex
	var calls []string
	forge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		fk.ServeHTTP(w, r)
	}))
	t.Cleanup(forge.Close)
	gl, err := gitlab.New(gitlab.Config{BaseURL: forge.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string { return map[string]string{"GITLAB_TOKEN": "server-held"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.New(server.Deps{Config: cfg, Sources: []providers.Source{gl}, Tokens: map[string]string{"gitlab": "server-held"},
		Pages: pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(ts.Close)
	h := []string{"X-GitLab-Token", "glpat-w"}
	list := func() createdList { return decodeData[createdList](t, post(t, ts, createdListQuery, nil, h...)) }
	if n := list().Viewer.Repositories.TotalCount; n != len(rs) {
		t.Fatalf("totalCount %d", n)
	}
	c := decodeData[created](t, post(t, ts, strings.Replace(createMutation, "provider: GITHUB", `provider: GITLAB, owner: "grp"`, 1), map[string]any{"name": "fresh"}, h...))
	id := c.CreateRepository.Repository.ID
	if c.CreateRepository.Repository.NameWithOwner != "grp/fresh" {
		t.Fatalf("created %+v", c)
	}
	if l := list(); l.Viewer.Repositories.TotalCount != len(rs)+1 || l.Viewer.Repositories.Nodes[0].NameWithOwner != "grp/fresh" {
		t.Fatalf("after create: %+v", l.Viewer.Repositories.Nodes[0])
	}
	u := post(t, ts, `mutation($id: ID!) { updateRepository(input: {repositoryId: $id, name: "renamed", isArchived: true}) { repository { nameWithOwner isArchived } } }`, map[string]any{"id": id}, h...)
	if !strings.Contains(string(u.Data), `"nameWithOwner":"grp/renamed","isArchived":true`) {
		t.Fatalf("rename+archive: %s %+v", u.Data, u.Errors)
	}
	if l := list(); l.Viewer.Repositories.Nodes[0].NameWithOwner != "grp/renamed" || !*l.Viewer.Repositories.Nodes[0].IsArchived {
		t.Fatalf("after rename: %+v", l.Viewer.Repositories.Nodes[0])
	}
	wantCode(t, post(t, ts, strings.Replace(createMutation, "provider: GITHUB", `provider: GITLAB, owner: "grp"`, 1), map[string]any{"name": "renamed"}, h...), "CONFLICT", "taken")
	const del = `mutation($id: ID!, $c: String!) { deleteRepository(input: {repositoryId: $id, confirmNameWithOwner: $c}) { deletedRepositoryId } }`
	if d := post(t, ts, del, map[string]any{"id": id, "c": "grp/renamed"}, h...); !strings.Contains(string(d.Data), id) {
		t.Fatalf("delete: %s %+v", d.Data, d.Errors)
	}
	if l := list(); l.Viewer.Repositories.TotalCount != len(rs) {
		t.Fatalf("after delete totalCount %d", l.Viewer.Repositories.TotalCount)
	}
	// Without the header, the server-held token may not mutate.
	wantCode(t, post(t, ts, del, map[string]any{"id": rs[0].ID(), "c": rs[0].NameWithOwner}), "FORBIDDEN", "ALLOW_MUTATIONS")
	mu.Lock()
	defer mu.Unlock()
	var writes []string
	for _, c := range calls {
		if !strings.HasPrefix(c, "GET /projects?") && !strings.HasPrefix(c, "GET /projects ") && c != "GET /projects" {
			writes = append(writes, c)
		}
	}
	want := "GET /namespaces/grp,POST /projects,PUT /projects/13,POST /projects/13/archive,GET /namespaces/grp,POST /projects,GET /projects/13,DELETE /projects/13"
	if got := strings.Join(writes, ","); got != want {
		t.Fatalf("upstream requests besides lists:\n got %s\nwant %s", got, want)
	}
}
