package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
)

// nodeStack serves one GitHub account to two credentials through the real GitHub client: the
// server-held "gh-token" sees held's repositories, "other-token" (sent as X-GitHub-Token) sees
// other's: the same repositories (same ids and paths) with another description. Each fake counts
// the requests it answered.
type nodeStack struct {
	ts          *httptest.Server
	held, other *githubfake.Server
	repos       []providers.Repository
}

func newNodeStack(t *testing.T, n int) *nodeStack {
	t.Helper()
	rs := repos(rand.New(rand.NewPCG(10, 10)), providers.GitHub, "octo", n)
	theirs := make([]providers.Repository, len(rs))
	for i, r := range rs {
		r.Description = providers.NonEmpty("as other-token sees it")
		theirs[i] = r
	}
	s := &nodeStack{held: githubfake.New("gh-token", rs), other: githubfake.New("other-token", theirs), repos: rs}
	forge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "other-token") {
			s.other.ServeHTTP(w, r)
			return
		}
		s.held.ServeHTTP(w, r)
	}))
	t.Cleanup(forge.Close)
	gh, err := github.New(github.Config{BaseURL: forge.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// No response micro-cache: every query reaches the resolvers.
	cfg, err := config.Load(func(k string) string { return map[string]string{"RESPONSE_CACHE_TTL": "0"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{gh}, Tokens: map[string]string{"github": "gh-token"},
		Pages:  pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.ts = httptest.NewServer(h)
	t.Cleanup(s.ts.Close)
	return s
}

// requests returns how many requests each credential's forge answered so far.
func (s *nodeStack) requests() (held, other int64) { return s.held.Requests(), s.other.Requests() }

// nodes builds a query of one aliased node field per id.
func nodes(ids []string) string {
	var b strings.Builder
	b.WriteString("{")
	for i, id := range ids {
		fmt.Fprintf(&b, " n%d: node(id: %q) { id ... on Repository { nameWithOwner description } }", i, id)
	}
	b.WriteString(" }")
	return b.String()
}

type nodeAnswer struct{ ID, NameWithOwner, Description string }

func decodeNodes(t *testing.T, r gqlResponse) map[string]*nodeAnswer {
	t.Helper()
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	var out map[string]*nodeAnswer
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	return out
}

// TestNodeAliasesRefusedByCost: a hundred aliased node fields cost more than the complexity limit
// and are refused as BAD_USER_INPUT before any forge is asked.
func TestNodeAliasesRefusedByCost(t *testing.T) {
	s := newNodeStack(t, 100)
	ids := make([]string, len(s.repos))
	for i := range s.repos {
		ids[i] = s.repos[i].ID()
	}
	r := post(t, s.ts, nodes(ids), nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "complexity") {
		t.Fatalf("100 aliased nodes: %+v", r.Errors)
	}
	if held, _ := s.requests(); held != 0 {
		t.Fatalf("a refused query made %d upstream requests", held)
	}
	// Within the limit, distinct ids are each looked up once.
	r = post(t, s.ts, nodes(ids[:30]), nil)
	got := decodeNodes(t, r)
	for i, id := range ids[:30] {
		if n := got[fmt.Sprintf("n%d", i)]; n == nil || n.ID != id || n.NameWithOwner != s.repos[i].NameWithOwner {
			t.Fatalf("n%d = %+v, want %s", i, n, s.repos[i].NameWithOwner)
		}
	}
	if held, _ := s.requests(); held != 30 {
		t.Fatalf("30 distinct nodes made %d upstream requests, want 30", held)
	}
}

// TestNodeAliasesOfOneIDAskOnce: twenty aliases of the same id make one upstream request.
func TestNodeAliasesOfOneIDAskOnce(t *testing.T) {
	s := newNodeStack(t, 5)
	id := s.repos[2].ID()
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = id
	}
	got := decodeNodes(t, post(t, s.ts, nodes(ids), nil))
	if len(got) != 20 {
		t.Fatalf("%d answers, want 20", len(got))
	}
	for k, n := range got {
		if n == nil || n.ID != id || n.NameWithOwner != s.repos[2].NameWithOwner {
			t.Fatalf("%s = %+v", k, n)
		}
	}
	if held, _ := s.requests(); held != 1 {
		t.Fatalf("20 aliases of one id made %d upstream requests, want 1", held)
	}
}

// TestNodeKeptPerCredential: a repository looked up once is kept for the credential (the same query
// again asks no forge), and another credential asking the same id makes its own request and gets
// its own view, never the first credential's copy.
func TestNodeKeptPerCredential(t *testing.T) {
	s := newNodeStack(t, 5)
	q := nodes([]string{s.repos[1].ID()})
	first := decodeNodes(t, post(t, s.ts, q, nil))["n0"]
	second := decodeNodes(t, post(t, s.ts, q, nil))["n0"]
	if first == nil || second == nil || *first != *second || first.NameWithOwner != s.repos[1].NameWithOwner {
		t.Fatalf("answers %+v and %+v", first, second)
	}
	if held, other := s.requests(); held != 1 || other != 0 {
		t.Fatalf("the same node twice made %d upstream requests (other credential %d), want 1", held, other)
	}

	theirs := decodeNodes(t, post(t, s.ts, q, nil, "X-GitHub-Token", "other-token"))["n0"]
	if theirs == nil || theirs.Description != "as other-token sees it" || theirs.ID != first.ID {
		t.Fatalf("other credential got %+v, want its own view of %s", theirs, first.ID)
	}
	if held, other := s.requests(); held != 1 || other != 1 {
		t.Fatalf("after the other credential: held %d, other %d upstream requests, want 1 and 1", held, other)
	}
	// Each credential keeps its own copy.
	again := decodeNodes(t, post(t, s.ts, q, nil))["n0"]
	theirsAgain := decodeNodes(t, post(t, s.ts, q, nil, "X-GitHub-Token", "other-token"))["n0"]
	if *again != *first || *theirsAgain != *theirs {
		t.Fatalf("kept copies crossed: %+v / %+v", again, theirsAgain)
	}
	if held, other := s.requests(); held != 1 || other != 1 {
		t.Fatalf("kept lookups asked again: held %d, other %d", held, other)
	}
}
