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
	"github.com/forgegraph/forgegraph/providers/codearts"
	codeartsfake "github.com/forgegraph/forgegraph/providers/codearts/fake"
)

// caProject is the CodeArts project the tests' repositories are in (their paths start with it).
const caProject = "0123456789abcdef0123456789abcdef"

// codeartsStack is the server over a stateful CodeArts fake of version (server-held token, with
// ALLOW_MUTATIONS), recording every upstream request; fail, when not 0, answers every write with
// that status (after the fake acted on it).
type codeartsStack struct {
	ts *httptest.Server
	n  int

	mu    sync.Mutex
	calls []string
	fail  int
}

func newCodeArtsStack(t *testing.T, version string) *codeartsStack {
	t.Helper()
	rs := repos(rand.New(rand.NewPCG(21, 21)), providers.CodeArts, caProject+"/team", 10)
	fk := codeartsfake.New("ca-tok", rs)
	s := &codeartsStack{n: len(rs)}
	forge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls = append(s.calls, r.Method+" "+r.URL.Path)
		fail := s.fail
		s.mu.Unlock()
		if fail != 0 && r.Method != http.MethodGet {
			fk.ServeHTTP(httptest.NewRecorder(), r) // the forge may have acted on it
			w.WriteHeader(fail)
			_, _ = w.Write([]byte(`{"error":{"code":"CH.000001","message":"No permission to operate on this repository"},"status":"failed"}`))
			return
		}
		fk.ServeHTTP(w, r)
	}))
	t.Cleanup(forge.Close)
	// Whole lists kept under the same generations as the pages, as the app keeps them, so a
	// mutation's invalidation reaches the lists sorted locally (all of v2's).
	scopes := cache.NewScopes(providers.HashToken, 0)
	store := pages.NewStore(cache.NewSealed(cache.NewMemory[pages.Entry](1000), scopes), time.Minute, 0)
	local := providers.NewLocal(cache.NewSealed(cache.NewMemory[[]providers.Repository](100), scopes), 0, 0)
	src, err := codearts.New(codearts.Config{BaseURL: forge.URL, APIVersion: version, Timeout: 5 * time.Second, Local: local})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CODEARTS_TOKEN": "ca-tok", "CODEARTS_API_URL": forge.URL, "CODEARTS_API_VERSION": version, "ALLOW_MUTATIONS": "true"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s.ts = httptest.NewServer(server.New(server.Deps{Config: cfg, Sources: []providers.Source{src}, Tokens: map[string]string{"codearts": "ca-tok"},
		Pages: store, Local: local, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(s.ts.Close)
	return s
}

// writes returns the upstream requests other than GETs made since the last call, and forgets all.
func (s *codeartsStack) writes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		if !strings.HasPrefix(c, "GET ") {
			out = append(out, c)
		}
	}
	s.calls = nil
	return out
}

func (s *codeartsStack) setFail(status int) {
	s.mu.Lock()
	s.fail = status
	s.mu.Unlock()
}

const caCreate = `mutation($o: String, $name: String!) {
  createRepository(input: {provider: CODEARTS, owner: $o, name: $name, visibility: PRIVATE, description: "made here"}) {
    repository { id nameWithOwner isPrivate description }
  } }`

const caDelete = `mutation($id: ID!, $c: String!) { deleteRepository(input: {repositoryId: $id, confirmNameWithOwner: $c}) { deletedRepositoryId } }`

// TestCodeArtsMutationLifecycle, on v4 and v2 through the HTTP handler with warm caches: a create
// is first in the CREATED list with totalCount grown; the same name again is CONFLICT; a rename is
// NOT_SUPPORTED with no request; a delete with the wrong confirmation sends no DELETE; a confirmed
// delete removes it; deleting it again is NOT_FOUND.
func TestCodeArtsMutationLifecycle(t *testing.T) {
	for _, v := range []string{codearts.APIv4, codearts.APIv2} {
		t.Run(v, func(t *testing.T) {
			s := newCodeArtsStack(t, v)
			list := func() createdList { return decodeData[createdList](t, post(t, s.ts, createdListQuery, nil)) }
			if n := list().Viewer.Repositories.TotalCount; n != s.n {
				t.Fatalf("totalCount %d, want %d", n, s.n)
			}
			c := decodeData[created](t, post(t, s.ts, caCreate, map[string]any{"o": caProject, "name": "fresh"}))
			got := c.CreateRepository.Repository
			if got.NameWithOwner != caProject+"/fresh" || !got.IsPrivate || got.Description != "made here" && v == codearts.APIv4 {
				t.Fatalf("created %+v", got)
			}
			if w := s.writes(); strings.Join(w, ",") != "POST /v1/repositories" {
				t.Fatalf("create wrote %v", w)
			}
			if l := list(); l.Viewer.Repositories.TotalCount != s.n+1 || l.Viewer.Repositories.Nodes[0].ID != got.ID {
				t.Fatalf("after create: totalCount %d, first %+v; want %d and %s", l.Viewer.Repositories.TotalCount, l.Viewer.Repositories.Nodes[0], s.n+1, got.ID)
			}
			wantCode(t, post(t, s.ts, caCreate, map[string]any{"o": caProject, "name": "fresh"}), "CONFLICT", "name is taken")
			wantCode(t, post(t, s.ts, caCreate, map[string]any{"name": "x"}), "BAD_USER_INPUT", "32-character UUID")
			wantCode(t, post(t, s.ts, caCreate, map[string]any{"o": caProject, "name": "-bad"}), "BAD_USER_INPUT", "must start with a letter")
			s.writes()
			wantCode(t, post(t, s.ts, `mutation($id: ID!) { updateRepository(input: {repositoryId: $id, name: "renamed"}) { repository { id } } }`, map[string]any{"id": got.ID}), "NOT_SUPPORTED", "no rename")
			wantCode(t, post(t, s.ts, caDelete, map[string]any{"id": got.ID, "c": caProject + "/other"}), "BAD_USER_INPUT", "nothing was deleted")
			if w := s.writes(); len(w) != 0 {
				t.Fatalf("a rename and an unconfirmed delete wrote %v", w)
			}
			if d := post(t, s.ts, caDelete, map[string]any{"id": got.ID, "c": got.NameWithOwner}); len(d.Errors) != 0 || !strings.Contains(string(d.Data), got.ID) {
				t.Fatalf("delete: %s %+v", d.Data, d.Errors)
			}
			if w := s.writes(); len(w) != 1 || !strings.HasPrefix(w[0], "DELETE /v1/repositories/") || len(strings.TrimPrefix(w[0], "DELETE /v1/repositories/")) != 32 {
				t.Fatalf("delete wrote %v, want one DELETE /v1/repositories/{uuid}", w)
			}
			if l := list(); l.Viewer.Repositories.TotalCount != s.n {
				t.Fatalf("after delete totalCount %d, want %d", l.Viewer.Repositories.TotalCount, s.n)
			}
			wantCode(t, post(t, s.ts, caDelete, map[string]any{"id": got.ID, "c": got.NameWithOwner}), "NOT_FOUND", "")
		})
	}
}

// TestCodeArtsMutationFailures: a 403 on the POST is FORBIDDEN; a 502 on the POST is sent exactly
// once and says the repository may have been created and how to check; a 502 on the DELETE is sent
// once and says it may have been deleted; an unknown project is NOT_FOUND.
func TestCodeArtsMutationFailures(t *testing.T) {
	s := newCodeArtsStack(t, codearts.APIv4)
	wantCode(t, post(t, s.ts, caCreate, map[string]any{"o": strings.Repeat("f", 32), "name": "x"}), "NOT_FOUND", "")
	s.writes()
	s.setFail(http.StatusForbidden)
	wantCode(t, post(t, s.ts, caCreate, map[string]any{"o": caProject, "name": "denied"}), "FORBIDDEN", "HTTP 403")
	s.setFail(http.StatusBadGateway)
	s.writes()
	wantCode(t, post(t, s.ts, caCreate, map[string]any{"o": caProject, "name": "maybe"}), "UPSTREAM_UNAVAILABLE",
		`may have been created: check with repository(provider: CODEARTS, nameWithOwner: "`+caProject+`/maybe")`)
	if w := s.writes(); len(w) != 1 || w[0] != "POST /v1/repositories" {
		t.Fatalf("a 502 create wrote %v, want exactly one POST", w)
	}
	l := decodeData[createdList](t, post(t, s.ts, createdListQuery, nil))
	victim := l.Viewer.Repositories.Nodes[len(l.Viewer.Repositories.Nodes)-1]
	wantCode(t, post(t, s.ts, caDelete, map[string]any{"id": victim.ID, "c": victim.NameWithOwner}), "UPSTREAM_UNAVAILABLE", "may have been deleted")
	if w := s.writes(); len(w) != 1 || !strings.HasPrefix(w[0], "DELETE ") {
		t.Fatalf("a 502 delete wrote %v, want exactly one DELETE", w)
	}
}
