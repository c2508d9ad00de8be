package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Extensions map[string]any `json:"extensions"`
	status     int
}

func newServer(t *testing.T, env map[string]string, srcs ...providers.Source) *httptest.Server {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, s := range srcs {
		if ts, ok := s.(*providertest.Source); ok {
			tokens[s.Name()] = ts.Token
		}
	}
	h := server.New(server.Deps{Config: cfg, Sources: srcs, Tokens: tokens,
		Pages:  pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

func post(t *testing.T, ts *httptest.Server, query string, vars map[string]any, headers ...string) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out gqlResponse
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("status %d, body %q is not JSON: %v", resp.StatusCode, raw, err)
	}
	out.status = resp.StatusCode
	return out
}

func repos(rng *rand.Rand, p providers.Provider, owner string, n int) []providers.Repository {
	out := make([]providers.Repository, n)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		t1 := base.Add(time.Duration(rng.IntN(30)) * time.Hour)
		name := fmt.Sprintf("r%03d", i)
		out[i] = providers.Repository{ForgeID: fmt.Sprint(i + 1), Provider: p, Name: name, Owner: owner,
			NameWithOwner: owner + "/" + name, PushedAt: &t1, UpdatedAt: &t1, CreatedAt: &t1}
	}
	return out
}

const listQuery = `query($first: Int, $after: String, $last: Int, $before: String, $sort: RepositorySort, $dir: OrderDirection, $p: Provider) {
  viewer { repositories(provider: $p, sort: $sort, direction: $dir, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id provider nameWithOwner pushedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } } }`

type conn struct {
	Viewer struct {
		Repositories struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct {
					ID, Provider, NameWithOwner string
					PushedAt                    *time.Time
				}
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
		}
	}
}

func decode(t *testing.T, r gqlResponse) conn {
	t.Helper()
	var c conn
	if err := json.Unmarshal(r.Data, &c); err != nil {
		t.Fatalf("data %s: %v", r.Data, err)
	}
	return c
}

// wantOrder is the merged order the contract promises for PUSHED DESC.
func wantOrder(all []providers.Repository) []string {
	o := providers.NewOrder("", "")
	c := append([]providers.Repository(nil), all...)
	sort.SliceStable(c, func(i, j int) bool {
		if k := o.CompareKey(&c[i], &c[j]); k != 0 {
			return k < 0
		}
		if c[i].Provider != c[j].Provider {
			return c[i].Provider < c[j].Provider
		}
		return o.Compare(&c[i], &c[j]) < 0
	})
	out := make([]string, len(c))
	for i := range c {
		out[i] = string(c[i].Provider) + ":" + c[i].NameWithOwner
	}
	return out
}

func TestWalkThroughHandlerBothWays(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	gh := repos(rng, providers.GitHub, "octo", 230)
	gl := repos(rng, providers.GitLab, "group/sub", 101)
	bb := repos(rng, providers.Bitbucket, "ws", 0)
	ts := newServer(t, nil, providertest.NewSource("github", gh), providertest.NewSource("gitlab", gl), providertest.NewSource("bitbucket", bb))
	want := wantOrder(append(append([]providers.Repository{}, gh...), gl...))

	var got []string
	vars := map[string]any{}
	for {
		vars["first"] = 1 + rng.IntN(100)
		r := post(t, ts, listQuery, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		c := decode(t, r).Viewer.Repositories
		if c.TotalCount != len(want) {
			t.Fatalf("totalCount %d, want %d", c.TotalCount, len(want))
		}
		for _, e := range c.Edges {
			got = append(got, e.Node.Provider+":"+e.Node.NameWithOwner)
		}
		if !c.PageInfo.HasNextPage {
			break
		}
		vars["after"] = *c.PageInfo.EndCursor
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("forward walk differs: got %d items, want %d", len(got), len(want))
	}

	got = nil
	vars = map[string]any{}
	for {
		vars["last"] = 1 + rng.IntN(100)
		c := decode(t, post(t, ts, listQuery, vars)).Viewer.Repositories
		var page []string
		for _, e := range c.Edges {
			page = append(page, e.Node.Provider+":"+e.Node.NameWithOwner)
		}
		got = append(page, got...)
		if !c.PageInfo.HasPreviousPage {
			break
		}
		vars["before"] = *c.PageInfo.StartCursor
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("backward walk differs: got %d items, want %d", len(got), len(want))
	}
}

func codes(r gqlResponse) []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, fmt.Sprint(e.Extensions["code"]))
	}
	return out
}

func TestBadInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ts := newServer(t, nil, providertest.NewSource("github", repos(rng, providers.GitHub, "octo", 30)))
	first := decode(t, post(t, ts, listQuery, map[string]any{"first": 5}))
	cursor := first.Viewer.Repositories.Edges[4].Cursor
	tampered := []byte(cursor)
	tampered[10] ^= 1
	cases := []struct {
		name string
		vars map[string]any
		code string
		msg  string
	}{
		{"first 101", map[string]any{"first": 101}, "BAD_USER_INPUT", "between 0 and 100"},
		{"first -1", map[string]any{"first": -1}, "BAD_USER_INPUT", "between 0 and 100"},
		{"last 1000", map[string]any{"last": 1000}, "BAD_USER_INPUT", "between 0 and 100, got 1000: ask for at most 100 repositories per page and page on (last with before: pageInfo.startCursor)"},
		{"first and last", map[string]any{"first": 1, "last": 1}, "BAD_USER_INPUT", "not both"},
		{"garbage cursor", map[string]any{"first": 1, "after": "garbage!"}, "INVALID_CURSOR", "not a forgegraph cursor"},
		{"tampered cursor", map[string]any{"first": 1, "after": string(tampered)}, "INVALID_CURSOR", ""},
		{"other sort", map[string]any{"first": 1, "after": cursor, "sort": "CREATED"}, "INVALID_CURSOR", "other arguments"},
		{"other direction", map[string]any{"first": 1, "after": cursor, "dir": "ASC"}, "INVALID_CURSOR", "other arguments"},
		{"other provider", map[string]any{"first": 1, "after": cursor, "p": "GITHUB"}, "INVALID_CURSOR", "other arguments"},
		{"bad enum", map[string]any{"first": 1, "p": "SOURCEFORGE"}, "BAD_USER_INPUT", ""},
		{"wrong type", map[string]any{"first": "ten"}, "BAD_USER_INPUT", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := post(t, ts, listQuery, c.vars)
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != c.code {
				t.Fatalf("want one %s error, got status %d %+v", c.code, r.status, r.Errors)
			}
			if !strings.Contains(r.Errors[0].Message, c.msg) {
				t.Fatalf("message %q does not say %q", r.Errors[0].Message, c.msg)
			}
			if r.status >= 500 {
				t.Fatalf("status %d", r.status)
			}
		})
	}
	// The untampered cursor still works after all that.
	r := post(t, ts, listQuery, map[string]any{"first": 5, "after": cursor})
	if len(r.Errors) != 0 || len(decode(t, r).Viewer.Repositories.Edges) != 5 {
		t.Fatalf("after a valid cursor: %+v", r.Errors)
	}
}

func TestFailingSourceKeepsOthers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	good := providertest.NewSource("github", repos(rng, providers.GitHub, "octo", 40))
	bad := providertest.NewSource("gitlab", repos(rng, providers.GitLab, "grp", 40))
	e := providers.Errorf(providers.KindRateLimited, "gitlab", "rate limit exceeded")
	e.ResetAt = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	bad.Fail = e
	ts := newServer(t, nil, good, bad)
	r := post(t, ts, listQuery, map[string]any{"first": 100})
	c := decode(t, r).Viewer.Repositories
	if len(c.Edges) != 40 || c.TotalCount != 40 {
		t.Fatalf("edges %d total %d", len(c.Edges), c.TotalCount)
	}
	if len(r.Errors) != 1 {
		t.Fatalf("want one error, got %+v", r.Errors)
	}
	ext := r.Errors[0].Extensions
	if ext["code"] != "RATE_LIMITED" || ext["provider"] != "GITLAB" || ext["resetAt"] != "2030-01-01T00:00:00Z" || ext["requestId"] == nil {
		t.Fatalf("extensions %v", ext)
	}
}

func TestCredentialsAndGateway(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	src := providertest.NewSource("github", repos(rng, providers.GitHub, "octo", 3))
	src.Token = "" // the source accepts any token, but the server holds none
	strict := providertest.NewSource("gitlab", repos(rng, providers.GitLab, "grp", 3))
	strict.Token = "right"
	ts := newServer(t, map[string]string{"GATEWAY_API_KEY": "k1,k2"}, src, strict)

	r := post(t, ts, listQuery, map[string]any{"first": 10})
	if r.status != http.StatusUnauthorized || codes(r)[0] != "UNAUTHENTICATED" {
		t.Fatalf("no gateway key: status %d %v", r.status, codes(r))
	}
	r = post(t, ts, listQuery, map[string]any{"first": 10}, "Authorization", "Bearer nope")
	if r.status != http.StatusUnauthorized {
		t.Fatalf("wrong gateway key: status %d", r.status)
	}
	// Server holds gitlab's token "right" (newServer passes Token as held): both list.
	r = post(t, ts, listQuery, map[string]any{"first": 10}, "Authorization", "Bearer k2")
	if r.status != 200 || len(decode(t, r).Viewer.Repositories.Edges) != 6 {
		t.Fatalf("right key: %d %+v", r.status, r.Errors)
	}
	// A per-request header replaces the held token: a wrong one fails only that source.
	r = post(t, ts, listQuery, map[string]any{"first": 10}, "Authorization", "Bearer k1", "X-GitLab-Token", "wrong")
	if len(decode(t, r).Viewer.Repositories.Edges) != 3 || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Fatalf("wrong per-request token: %+v", r.Errors)
	}
	for _, e := range r.Errors {
		if strings.Contains(e.Message, "wrong") || strings.Contains(e.Message, "right") {
			t.Fatalf("error leaks a token: %q", e.Message)
		}
	}
}

func TestBodyLimitNodeAndHealth(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	ts := newServer(t, map[string]string{"MAX_BODY_BYTES": "4096"}, providertest.NewSource("github", repos(rng, providers.GitHub, "octo", 5)))
	big := strings.Repeat(" ", 5000)
	r := post(t, ts, "{ viewer { repositories(first: 1) { totalCount } } }"+big, nil)
	if r.status != http.StatusRequestEntityTooLarge || codes(r)[0] != "BAD_USER_INPUT" {
		t.Fatalf("big body: %d %v", r.status, codes(r))
	}
	c := decode(t, post(t, ts, listQuery, map[string]any{"first": 1}))
	id := c.Viewer.Repositories.Edges[0].Node.ID
	r = post(t, ts, `query($id: ID!) { node(id: $id) { id ... on Repository { nameWithOwner } } }`, map[string]any{"id": id})
	var n struct {
		Node struct{ ID, NameWithOwner string }
	}
	_ = json.Unmarshal(r.Data, &n)
	if n.Node.ID != id || n.Node.NameWithOwner != c.Viewer.Repositories.Edges[0].Node.NameWithOwner {
		t.Fatalf("node: %s %+v", r.Data, r.Errors)
	}
	r = post(t, ts, `{ node(id: "bm9wZQ") { id } }`, nil)
	if codes(r)[0] != "BAD_USER_INPUT" {
		t.Fatalf("bad id: %v", codes(r))
	}
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp, err = http.Get(ts.URL + "/")
	if err != nil || resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("graphiql: %v %v", resp, err)
	}
}

// countingSource is a providertest source counting the pages its streams serve.
type countingSource struct {
	*providertest.Source
	fetches atomic.Int64
}

func newCountingSource(rs []providers.Repository) *countingSource {
	c := &countingSource{Source: providertest.NewSource("github", rs)}
	c.OnStream = func(s *providertest.Stream) { s.OnFetch = func() { c.fetches.Add(1) } }
	return c
}
