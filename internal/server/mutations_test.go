package server_test

import (
	"encoding/json"
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
	"github.com/forgegraph/forgegraph/internal/metrics"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// writeStack is the server over a stateful GitHub fake holding "gh-token"'s repositories (the
// server-held token), recording each upstream request's method and path. failPOST makes every
// POST answer 502 after it reached the forge.
type writeStack struct {
	ts   *httptest.Server
	fake *githubfake.Server
	m    *metrics.Metrics
	n    int

	mu       sync.Mutex
	calls    []string // "METHOD path"
	failPOST bool
}

func newWriteStack(t *testing.T, env map[string]string) *writeStack {
	t.Helper()
	rs := repos(rand.New(rand.NewPCG(13, 13)), providers.GitHub, "octo", 30)
	s := &writeStack{fake: githubfake.New("gh-token", rs), m: metrics.New(), n: len(rs)}
	s.fake.SetLogin("octo")
	forge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls = append(s.calls, r.Method+" "+r.URL.Path)
		fail := s.failPOST && r.Method == http.MethodPost
		s.mu.Unlock()
		if fail {
			s.fake.ServeHTTP(httptest.NewRecorder(), r) // the forge may have acted on it
			http.Error(w, `{"message":"Server Error"}`, http.StatusBadGateway)
			return
		}
		s.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(forge.Close)
	gh, err := github.New(github.Config{BaseURL: forge.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(k string) string {
		if k == "GITHUB_TOKEN" {
			return "gh-token" // a server-held token: not demo mode
		}
		return env[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{gh}, Tokens: map[string]string{"github": "gh-token"},
		Pages: pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0), Metrics: s.m,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.ts = httptest.NewServer(h)
	t.Cleanup(s.ts.Close)
	return s
}

// count returns how many upstream requests had method (and, when given, path).
func (s *writeStack) count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if strings.HasPrefix(c, method+" ") {
			n++
		}
	}
	return n
}

func (s *writeStack) total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

const createMutation = `mutation($name: String!, $cmid: String) {
  createRepository(input: {provider: GITHUB, name: $name, visibility: PRIVATE, description: "made here", clientMutationId: $cmid}) {
    clientMutationId repository { id nameWithOwner isPrivate description }
  } }`

type created struct {
	CreateRepository struct {
		ClientMutationID *string
		Repository       struct {
			ID, NameWithOwner, Description string
			IsPrivate                      bool
		}
	}
}

const createdListQuery = `{ viewer { repositories(sort: CREATED, first: 100) { totalCount nodes { id nameWithOwner isArchived } } } }`

type createdList struct {
	Viewer struct {
		Repositories struct {
			TotalCount int
			Nodes      []struct {
				ID, NameWithOwner string
				IsArchived        *bool
			}
		}
	}
}

func decodeData[T any](t *testing.T, r gqlResponse) T {
	t.Helper()
	var v T
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, &v); err != nil {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	return v
}

func wantCode(t *testing.T, r gqlResponse, code, text string) {
	t.Helper()
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != code || !strings.Contains(r.Errors[0].Message, text) {
		t.Fatalf("want one %s error saying %q, got %+v", code, text, r.Errors)
	}
}

// TestMutationLifecycle: with ALLOW_MUTATIONS and warm caches, create shows first in the CREATED
// list with totalCount grown; a rename removes the old name and node(old id) answers the new one;
// archive shows in the list; a delete with the wrong confirmation sends no DELETE; a confirmed
// delete removes it.
func TestMutationLifecycle(t *testing.T) {
	s := newWriteStack(t, map[string]string{"ALLOW_MUTATIONS": "true"})
	before := decodeData[createdList](t, post(t, s.ts, createdListQuery, nil)) // warms pages and answers
	if before.Viewer.Repositories.TotalCount != s.n {
		t.Fatalf("totalCount %d, want %d", before.Viewer.Repositories.TotalCount, s.n)
	}
	c := decodeData[created](t, post(t, s.ts, createMutation, map[string]any{"name": "fresh"}))
	repo := c.CreateRepository.Repository
	if repo.NameWithOwner != "octo/fresh" || !repo.IsPrivate || repo.Description != "made here" {
		t.Fatalf("created %+v", repo)
	}
	l := decodeData[createdList](t, post(t, s.ts, createdListQuery, nil))
	if l.Viewer.Repositories.TotalCount != s.n+1 || l.Viewer.Repositories.Nodes[0].NameWithOwner != "octo/fresh" {
		t.Fatalf("after create: totalCount %d, first %+v", l.Viewer.Repositories.TotalCount, l.Viewer.Repositories.Nodes[0])
	}
	// Warm node(id), then rename.
	if r := post(t, s.ts, `query($id: ID!) { node(id: $id) { ... on Repository { nameWithOwner } } }`, map[string]any{"id": repo.ID}); !strings.Contains(string(r.Data), "octo/fresh") {
		t.Fatalf("node before rename: %s %+v", r.Data, r.Errors)
	}
	u := post(t, s.ts, `mutation($id: ID!) { updateRepository(input: {repositoryId: $id, name: "renamed"}) { repository { nameWithOwner } } }`, map[string]any{"id": repo.ID})
	if !strings.Contains(string(u.Data), "octo/renamed") || len(u.Errors) != 0 {
		t.Fatalf("rename: %s %+v", u.Data, u.Errors)
	}
	l = decodeData[createdList](t, post(t, s.ts, createdListQuery, nil))
	if strings.Contains(string(mustJSON(l)), "octo/fresh") || l.Viewer.Repositories.Nodes[0].NameWithOwner != "octo/renamed" {
		t.Fatalf("after rename the list is %+v", l.Viewer.Repositories.Nodes[:2])
	}
	if r := post(t, s.ts, `query($id: ID!) { node(id: $id) { ... on Repository { nameWithOwner } } }`, map[string]any{"id": repo.ID}); !strings.Contains(string(r.Data), "octo/renamed") {
		t.Fatalf("node(old id) after rename: %s %+v", r.Data, r.Errors)
	}
	// Archive.
	a := post(t, s.ts, `mutation($id: ID!) { updateRepository(input: {repositoryId: $id, isArchived: true}) { repository { isArchived } } }`, map[string]any{"id": repo.ID})
	if !strings.Contains(string(a.Data), `"isArchived":true`) {
		t.Fatalf("archive: %s %+v", a.Data, a.Errors)
	}
	l = decodeData[createdList](t, post(t, s.ts, createdListQuery, nil))
	if n := l.Viewer.Repositories.Nodes[0]; n.IsArchived == nil || !*n.IsArchived {
		t.Fatalf("after archive the list shows %+v", n)
	}
	// The delete guard: the old name does not confirm.
	const del = `mutation($id: ID!, $c: String!) { deleteRepository(input: {repositoryId: $id, confirmNameWithOwner: $c}) { deletedRepositoryId } }`
	wantCode(t, post(t, s.ts, del, map[string]any{"id": repo.ID, "c": "octo/fresh"}), "BAD_USER_INPUT", "confirmNameWithOwner")
	if n := s.count(http.MethodDelete); n != 0 {
		t.Fatalf("an unconfirmed delete sent %d DELETE upstream", n)
	}
	d := post(t, s.ts, del, map[string]any{"id": repo.ID, "c": "octo/renamed"})
	if !strings.Contains(string(d.Data), repo.ID) || s.count(http.MethodDelete) != 1 {
		t.Fatalf("delete: %s %+v, %d DELETE", d.Data, d.Errors, s.count(http.MethodDelete))
	}
	l = decodeData[createdList](t, post(t, s.ts, createdListQuery, nil))
	if l.Viewer.Repositories.TotalCount != s.n || strings.Contains(string(mustJSON(l)), "octo/renamed") {
		t.Fatalf("after delete: totalCount %d", l.Viewer.Repositories.TotalCount)
	}
	if m := scrape(t, s.ts); !strings.Contains(m, `forgegraph_mutations_total{operation="createRepository",outcome="ok",source="github"} 1`) ||
		!strings.Contains(m, `forgegraph_mutations_total{operation="deleteRepository",outcome="BAD_USER_INPUT",source="github"} 1`) {
		t.Fatalf("metrics lack the mutations:\n%s", grepLines(m, "forgegraph_mutations_total"))
	}
}

// TestMutationServerTokenForbidden: without ALLOW_MUTATIONS a mutation that would use the
// server-held token is FORBIDDEN, names the variable and reaches no forge; the same mutation with
// the request's own X-GitHub-Token is allowed.
func TestMutationServerTokenForbidden(t *testing.T) {
	s := newWriteStack(t, nil)
	wantCode(t, post(t, s.ts, createMutation, map[string]any{"name": "nope"}), "FORBIDDEN", "ALLOW_MUTATIONS")
	if n := s.total(); n != 0 {
		t.Fatalf("a refused mutation made %d upstream requests", n)
	}
	c := decodeData[created](t, post(t, s.ts, createMutation, map[string]any{"name": "mine"}, "X-GitHub-Token", "gh-token"))
	if c.CreateRepository.Repository.NameWithOwner != "octo/mine" || s.count(http.MethodPost) != 1 {
		t.Fatalf("header-token create: %+v, %d POST", c, s.count(http.MethodPost))
	}
}

// TestMutationAmbiguousPOST: a 502 on the create's POST is sent exactly once (never retried) and
// the error says the repository may have been created and how to check.
func TestMutationAmbiguousPOST(t *testing.T) {
	s := newWriteStack(t, map[string]string{"ALLOW_MUTATIONS": "true"})
	s.mu.Lock()
	s.failPOST = true
	s.mu.Unlock()
	r := post(t, s.ts, createMutation, map[string]any{"name": "maybe"})
	wantCode(t, r, "UPSTREAM_UNAVAILABLE", "may have been created: check with repository(")
	if n := s.count(http.MethodPost); n != 1 {
		t.Fatalf("%d upstream POSTs, want exactly 1", n)
	}
}

// TestMutationClientMutationIDReplay: the same create with the same clientMutationId answers the
// first result and sends one POST; another clientMutationId reaches the forge, whose "name already
// exists" is CONFLICT.
func TestMutationClientMutationIDReplay(t *testing.T) {
	s := newWriteStack(t, map[string]string{"ALLOW_MUTATIONS": "true"})
	vars := map[string]any{"name": "once", "cmid": "form-42"}
	first := decodeData[created](t, post(t, s.ts, createMutation, vars))
	again := decodeData[created](t, post(t, s.ts, createMutation, vars))
	if first.CreateRepository.Repository.ID == "" || again.CreateRepository.Repository != first.CreateRepository.Repository || again.CreateRepository.ClientMutationID == nil || *again.CreateRepository.ClientMutationID != "form-42" {
		t.Fatalf("replay answered %+v, first %+v", again, first)
	}
	if n := s.count(http.MethodPost); n != 1 {
		t.Fatalf("%d upstream POSTs for one clientMutationId, want 1", n)
	}
	wantCode(t, post(t, s.ts, createMutation, map[string]any{"name": "once", "cmid": "form-43"}), "CONFLICT", "name is taken")
	if n := s.count(http.MethodPost); n != 2 {
		t.Fatalf("%d upstream POSTs, want 2", n)
	}
	if m := scrape(t, s.ts); !strings.Contains(m, `outcome="replayed"`) {
		t.Fatalf("no replayed outcome in:\n%s", grepLines(m, "forgegraph_mutations_total"))
	}
}

// TestMutationNotSupported: a source that cannot write answers NOT_SUPPORTED and is not asked.
func TestMutationNotSupported(t *testing.T) {
	src := providertest.NewSource("gitlab", repos(rand.New(rand.NewPCG(3, 3)), providers.GitLab, "grp", 3))
	src.Token = "gl-token"
	ts := newServer(t, map[string]string{"ALLOW_MUTATIONS": "true"}, src)
	r := post(t, ts, `mutation { createRepository(input: {provider: GITLAB, name: "x", visibility: PUBLIC}) { repository { id } } }`, nil)
	wantCode(t, r, "NOT_SUPPORTED", "not supported")
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func scrape(t *testing.T, ts *httptest.Server) string {
	t.Helper()
	resp, err := http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestMutationInputErrors: GitHub's validation reason comes back as BAD_USER_INPUT in plain words;
// an update that changes nothing, an over-long clientMutationId and a malformed id are refused
// before any forge is asked.
func TestMutationInputErrors(t *testing.T) {
	s := newWriteStack(t, map[string]string{"ALLOW_MUTATIONS": "true"})
	wantCode(t, post(t, s.ts, createMutation, map[string]any{"name": "has space"}), "BAD_USER_INPUT", "the forge refused the input: name is invalid")
	if n := s.count(http.MethodPost); n != 1 {
		t.Fatalf("%d POSTs", n)
	}
	before := s.total()
	wantCode(t, post(t, s.ts, `mutation { updateRepository(input: {repositoryId: "`+repoID(s)+`"}) { repository { id } } }`, nil), "BAD_USER_INPUT", "changes nothing")
	wantCode(t, post(t, s.ts, createMutation, map[string]any{"name": "x", "cmid": strings.Repeat("c", 300)}), "BAD_USER_INPUT", "clientMutationId is longer")
	wantCode(t, post(t, s.ts, `mutation { deleteRepository(input: {repositoryId: "nope", confirmNameWithOwner: "a/b"}) { deletedRepositoryId } }`, nil), "BAD_USER_INPUT", "not a forgegraph repository id")
	if n := s.total() - before; n != 0 {
		t.Fatalf("refused mutations made %d upstream requests", n)
	}
}

// TestMutationsRunInDocumentOrder: two creates of one name in one document run one after the
// other: the first creates it, the second finds the name taken.
func TestMutationsRunInDocumentOrder(t *testing.T) {
	s := newWriteStack(t, map[string]string{"ALLOW_MUTATIONS": "true"})
	r := post(t, s.ts, `mutation {
	  a: createRepository(input: {provider: GITHUB, name: "twice", visibility: PUBLIC}) { repository { nameWithOwner } }
	  b: createRepository(input: {provider: GITHUB, name: "twice", visibility: PUBLIC}) { repository { nameWithOwner } }
	}`, nil)
	// The payloads are non-null, so b's error nulls data (GraphQL's rule); a ran first all the same.
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "CONFLICT" || r.Errors[0].Path[0] != "b" || s.count(http.MethodPost) != 2 {
		t.Fatalf("data %s, errors %+v, %d POSTs", r.Data, r.Errors, s.count(http.MethodPost))
	}
	l := decodeData[createdList](t, post(t, s.ts, createdListQuery, nil))
	if l.Viewer.Repositories.Nodes[0].NameWithOwner != "octo/twice" {
		t.Fatalf("a did not create: %+v", l.Viewer.Repositories.Nodes[0])
	}
}

// repoID is the id of one of the stack's repositories.
func repoID(*writeStack) string {
	return providers.EncodeGlobalID(providers.GitHub, "1", "octo/r000")
}
