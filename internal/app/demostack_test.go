//go:build unix

package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// demoStack is a demo-mode server (every demo forge a stateful in-process fake) that records each
// upstream request, and whose demo forges can be made to fail.
type demoStack struct {
	ts *httptest.Server

	mu    sync.Mutex
	calls []string        // "source METHOD path"
	urls  []string        // "source METHOD URL", the query included
	down  map[string]bool // source -> answers 503
}

// newDemoStack builds the demo server, without the response micro-cache, recording the requests
// each demo forge serves.
func newDemoStack(t *testing.T) *demoStack {
	return newDemoStackWith(t, map[string]string{"RESPONSE_CACHE_TTL": "0"})
}

// newDemoStackWith is newDemoStack with the server configured by env alone.
func newDemoStackWith(t *testing.T, env map[string]string) *demoStack {
	t.Helper()
	a := testApp(t, env)
	s := &demoStack{down: map[string]bool{}}
	// The demo's round tripper reads the same Forges array: wrapping each handler records it.
	for i := range a.Built.Demo.Forges {
		f := &a.Built.Demo.Forges[i]
		inner, src := f.Handler, f.Source
		f.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			s.calls = append(s.calls, src+" "+r.Method+" "+r.URL.EscapedPath())
			s.urls = append(s.urls, src+" "+r.Method+" "+r.URL.String())
			down := s.down[src]
			s.mu.Unlock()
			if down {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, `{"message":"down for the test"}`)
				return
			}
			inner.ServeHTTP(w, r)
		})
	}
	s.ts = httptest.NewServer(a.Handler)
	t.Cleanup(s.ts.Close)
	return s
}

// setDown makes src's demo forge answer 503 (down) or serve again.
func (s *demoStack) setDown(src string, down bool) {
	s.mu.Lock()
	s.down[src] = down
	s.mu.Unlock()
}

// take returns the requests recorded since the last take.
func (s *demoStack) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.calls
	s.calls, s.urls = nil, nil
	return out
}

// ask posts a query and returns the whole answer body and the upstream requests it caused (with
// their queries), sorted.
func (s *demoStack) ask(t *testing.T, query string, vars map[string]any) ([]byte, []string) {
	t.Helper()
	s.take()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(s.ts.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	urls := slices.Clone(s.urls)
	s.mu.Unlock()
	slices.Sort(urls)
	return out, urls
}

// gqlAnswer is a GraphQL answer: data, and each error's message and code.
type gqlAnswer struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

// do posts query with vars and decodes the answer into data (when not nil); an answer with errors
// fails the test unless wantCode names the one error's code.
func (s *demoStack) do(t *testing.T, query string, vars map[string]any, data any, wantCode ...string) gqlAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(s.ts.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a gqlAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	if len(wantCode) > 0 {
		if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != wantCode[0] {
			t.Fatalf("%s: want one %s error, got %s %+v", firstLine(query), wantCode[0], a.Data, a.Errors)
		}
		return a
	}
	if len(a.Errors) != 0 {
		t.Fatalf("%s: errors %+v", firstLine(query), a.Errors)
	}
	if data != nil {
		if err := json.Unmarshal(a.Data, data); err != nil {
			t.Fatalf("data %s: %v", a.Data, err)
		}
	}
	return a
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// The queries and mutations the end-to-end tests send.
const (
	qCreatedList = `query($p: Provider) { viewer { repositories(provider: $p, sort: CREATED, first: 3) { totalCount nodes { id nameWithOwner isArchived } } } }`
	qByPath      = `query($p: Provider!, $n: String!) { repository(provider: $p, nameWithOwner: $n) { id nameWithOwner } }`
	qNodeByID    = `query($id: ID!) { node(id: $id) { id ... on Repository { nameWithOwner isArchived } } }`
	mCreate      = `mutation($p: Provider!, $o: String, $n: String!) { createRepository(input: {provider: $p, owner: $o, name: $n, visibility: PRIVATE}) { repository { id nameWithOwner } } }`
	mRename      = `mutation($id: ID!, $n: String!) { updateRepository(input: {repositoryId: $id, name: $n}) { repository { id nameWithOwner } } }`
	mArchive     = `mutation($id: ID!) { updateRepository(input: {repositoryId: $id, isArchived: true}) { repository { id isArchived } } }`
	mDelete      = `mutation($id: ID!, $c: String!) { deleteRepository(input: {repositoryId: $id, confirmNameWithOwner: $c}) { deletedRepositoryId } }`
)

// repoNode is a repository as the queries above select it.
type repoNode struct {
	ID, NameWithOwner string
	IsArchived        *bool
}

type createdListData struct {
	Viewer struct {
		Repositories struct {
			TotalCount int
			Nodes      []repoNode
		}
	}
}
