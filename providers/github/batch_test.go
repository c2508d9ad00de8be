package github_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	"github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// gqlBase is where the batch tests mount the fake: a base path that is not GitHub Enterprise
// Server's, so the GraphQL endpoint is gqlBase + "/graphql", beside the REST routes.
const gqlBase = "/gh"

// bodies records the bodies of the POST requests passing to h.
type bodies struct {
	mu  sync.Mutex
	got []string
}

func (b *bodies) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			raw, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(raw))
			b.mu.Lock()
			b.got = append(b.got, string(raw))
			b.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// batchRepos are three repositories, one with `"` and `\` in its name (GraphQL string syntax).
func batchRepos() []providers.Repository {
	return []providers.Repository{
		{ForgeID: "1", Provider: providers.GitHub, Name: "a", NameWithOwner: "o/a", Owner: "o"},
		{ForgeID: "2", Provider: providers.GitHub, Name: "b", NameWithOwner: "o/b", Owner: "o"},
		{ForgeID: "3", Provider: providers.GitHub, Name: `x"y\z`, NameWithOwner: `o/x"y\z`, Owner: "o"},
	}
}

// batchFake is a fake serving batchRepos with known languages and refs, under gqlBase.
func batchFake(t *testing.T) (*github.Source, *fake.Server, *providertest.Recorder, *bodies) {
	t.Helper()
	fk := fake.New(token, batchRepos())
	fk.SetDetails("o/a", fake.RepoDetails{Languages: map[string]int64{"Go": 3000, "Shell": 1000, "Brainfuck": 1000},
		Branches: []string{"main", "dev"}, Tags: []string{"v1"}})
	fk.SetDetails("o/b", fake.RepoDetails{Languages: map[string]int64{}, Branches: nil, Tags: nil})
	fk.SetDetails(`o/x"y\z`, fake.RepoDetails{Languages: map[string]int64{"Rust": 7}, Branches: []string{"main"}, Tags: []string{"a", "b", "c"}})
	bs := &bodies{}
	rc, base := providertest.Serve(t, gqlBase, bs.wrap(fk))
	return newSource(t, base, 0), fk, rc, bs
}

// allFields asks every batchable field of repos.
func allFields(repos []providers.Repository) []providers.DetailRequest {
	var reqs []providers.DetailRequest
	for i := range repos {
		for _, f := range []string{providers.BatchLanguages, providers.BatchBranchCount, providers.BatchTagCount} {
			reqs = append(reqs, providers.DetailRequest{Repo: &repos[i], Field: f})
		}
	}
	return reqs
}

// TestBatchDetailsOneRequest: the languages, branch and tag counts of three repositories are one
// POST to the GraphQL endpoint under the base path; owner and name are variables (a name with `"`
// and `\` is never in the document, and works); the values are what the REST reads give for the
// same data (percentages included), with GraphQL's colors.
func TestBatchDetailsOneRequest(t *testing.T) {
	s, _, rc, bs := batchFake(t)
	repos := batchRepos()
	reqs := allFields(repos)
	res := s.BatchDetails(context.Background(), token, reqs)
	seen := rc.Requests()
	if len(seen) != 1 || seen[0].Method != http.MethodPost || seen[0].URI != gqlBase+"/graphql" {
		t.Fatalf("requests %+v, want one POST %s/graphql", seen, gqlBase)
	}
	var body struct {
		Query     string            `json:"query"`
		Variables map[string]string `json:"variables"`
	}
	if err := json.Unmarshal([]byte(bs.got[0]), &body); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`x"y\z`, `x\"y\\z`, "o/a", `"a"`} {
		if strings.Contains(body.Query, name) {
			t.Errorf("the document holds %s: %s", name, body.Query)
		}
	}
	if body.Variables["n2"] != `x"y\z` {
		t.Errorf("variables %v", body.Variables)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("%s %s: %v", reqs[i].Repo.NameWithOwner, reqs[i].Field, r.Err)
		}
	}
	// REST answers for the same data (the REST path cannot name o/x"y\z: GitHub's names have no
	// such characters, so its languages are compared with LanguagesFromBytes directly).
	ctx := context.Background()
	for i, req := range reqs {
		var want any
		var err error
		switch {
		case req.Repo.NameWithOwner == `o/x"y\z`:
			want = map[string]any{providers.BatchLanguages: providers.LanguagesFromBytes(map[string]int64{"Rust": 7}),
				providers.BatchBranchCount: 1, providers.BatchTagCount: 3}[req.Field]
		case req.Field == providers.BatchLanguages:
			want, err = s.Languages(ctx, token, req.Repo)
		default:
			want, err = s.CountNested(ctx, token, req.Repo, strings.TrimSuffix(req.Field, ".count"))
		}
		if err != nil {
			t.Fatal(err)
		}
		got := res[i].Value
		if langs, ok := got.([]providers.Language); ok {
			for j := range langs {
				wantColor := map[string]string{"Go": "#00ADD8", "Shell": "#89e051", "Rust": "#dea584"}[langs[j].Name]
				if c := langs[j].Color; (c == nil) != (wantColor == "") || (c != nil && *c != wantColor) {
					t.Errorf("%s color %v, want %q", langs[j].Name, c, wantColor)
				}
				langs[j].Color = nil // REST gives none
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s = %#v, REST %#v", req.Repo.NameWithOwner, req.Field, got, want)
		}
	}
}

// TestBatchDetailsNotFoundOneItem: a repository GitHub does not find (data.rN null, a NOT_FOUND
// error with path [rN]) fails its own requests only.
func TestBatchDetailsNotFoundOneItem(t *testing.T) {
	s, _, rc, _ := batchFake(t)
	repos := batchRepos()
	repos[1].NameWithOwner = "o/gone"
	res := s.BatchDetails(context.Background(), token, allFields(repos))
	if n := len(rc.Requests()); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	for i, r := range res {
		if i/3 == 1 {
			wantKind(t, r.Err, providers.KindNotFound)
		} else if r.Err != nil {
			t.Errorf("request %d: %v", i, r.Err)
		}
	}
}

// TestBatchDetailsErrors: failures of the whole request are every item's: 401 UNAUTHENTICATED,
// 403 with the quota spent, 429 and a RATE_LIMITED error RATE_LIMITED (with the reset time of
// the x-ratelimit-reset header), 5xx UPSTREAM_UNAVAILABLE; the POST is never retried.
func TestBatchDetailsErrors(t *testing.T) {
	reset := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	quota := func(h http.Header) {
		h.Set("X-RateLimit-Limit", "5000")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", fmt.Sprint(reset.Unix()))
	}
	cases := []struct {
		name      string
		status    int
		header    func(http.Header)
		body      string
		kind      providers.Kind
		wantReset bool
	}{
		{"401", http.StatusUnauthorized, nil, `{"message":"Bad credentials"}`, providers.KindUnauth, false},
		{"403 quota", http.StatusForbidden, quota, `{"message":"API rate limit exceeded"}`, providers.KindRateLimited, true},
		{"429", http.StatusTooManyRequests, nil, `{"message":"slow down"}`, providers.KindRateLimited, false},
		{"RATE_LIMITED", http.StatusOK, quota, `{"data":null,"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded"}]}`, providers.KindRateLimited, true},
		{"502", http.StatusBadGateway, nil, `{"message":"Server Error"}`, providers.KindUnavailable, false},
		{"refused document", http.StatusOK, nil, `{"errors":[{"message":"Parse error"}]}`, providers.KindBadResponse, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rc, base := providertest.Serve(t, gqlBase, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.header != nil {
					c.header(w.Header())
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				io.WriteString(w, c.body)
			}))
			s := newSource(t, base, 0)
			res := s.BatchDetails(context.Background(), token, allFields(batchRepos()))
			for _, r := range res {
				e := wantKind(t, r.Err, c.kind)
				if c.wantReset && !e.ResetAt.Equal(reset) {
					t.Errorf("resetAt %v, want %v", e.ResetAt, reset)
				}
			}
			if n := len(rc.Requests()); n != 1 {
				t.Fatalf("%d requests, want 1 (a POST is never retried)", n)
			}
		})
	}
	// The real fake: a wrong token is 401.
	s, _, _, _ := batchFake(t)
	for _, r := range s.BatchDetails(context.Background(), "wrong", allFields(batchRepos())) {
		wantKind(t, r.Err, providers.KindUnauth)
	}
}

// TestBatchDetailsFallbackOn404: a GitHub Enterprise Server without the GraphQL endpoint (404)
// is read through REST, with the same values, and GraphQL is not asked again by that source.
func TestBatchDetailsFallbackOn404(t *testing.T) {
	repos := batchRepos()[:2]
	fk := fake.New(token, repos)
	// Only /api/v3 is mounted: /api/graphql is the test server's 404.
	rc, base := providertest.Serve(t, apiPrefix, fk)
	s := newSource(t, base, 0)
	ctx := context.Background()
	reqs := allFields(repos)
	for round := range 2 {
		res := s.BatchDetails(ctx, token, reqs)
		for i, r := range res {
			var want any
			var err error
			if reqs[i].Field == providers.BatchLanguages {
				want, err = s.Languages(ctx, token, reqs[i].Repo)
			} else {
				want, err = s.CountNested(ctx, token, reqs[i].Repo, strings.TrimSuffix(reqs[i].Field, ".count"))
			}
			if err != nil || r.Err != nil || !reflect.DeepEqual(r.Value, want) {
				t.Fatalf("round %d %s %s: %#v %v, REST %#v %v", round, reqs[i].Repo.NameWithOwner, reqs[i].Field, r.Value, r.Err, want, err)
			}
		}
	}
	// The test server records what reaches the fake (under /api/v3): REST reads only. The one
	// GraphQL POST went to /api/graphql (404 outside the mount), so count through a second
	// server whose every request is recorded.
	for _, seen := range rc.Requests() {
		if seen.Method != http.MethodGet {
			t.Fatalf("%s %s reached the REST root", seen.Method, seen.URI)
		}
	}
	var posts int
	var mu sync.Mutex
	mux := http.NewServeMux()
	mux.Handle("/api/v3/", http.StripPrefix("/api/v3", fk))
	mux.HandleFunc("/api/graphql", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		posts++
		mu.Unlock()
		http.NotFound(w, r)
	})
	_, root := providertest.Serve(t, "", mux)
	s2 := newSource(t, root+"/api/v3", 0)
	for range 3 {
		for _, r := range s2.BatchDetails(ctx, token, reqs) {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
		}
	}
	if posts != 1 {
		t.Fatalf("%d GraphQL requests over 3 calls, want 1 (the 404 is remembered for %s)", posts, github.NoGraphQLFor)
	}
}

// TestBatchDetailsEnterprise: on GitHub Enterprise Server (REST root /api/v3) the details come
// from /api/graphql.
func TestBatchDetailsEnterprise(t *testing.T) {
	repos := batchRepos()[:2]
	fk := fake.New(token, repos)
	mux := http.NewServeMux()
	mux.Handle("/api/v3/", http.StripPrefix("/api/v3", fk))
	mux.Handle("/api/graphql", http.StripPrefix("/api", fk))
	rc, root := providertest.Serve(t, "", mux)
	s := newSource(t, root+"/api/v3", 0)
	for _, r := range s.BatchDetails(context.Background(), token, allFields(repos)) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	seen := rc.Requests()
	if len(seen) != 1 || seen[0].URI != "/api/graphql" {
		t.Fatalf("requests %+v, want one POST /api/graphql", seen)
	}
}

// TestBatchDetailsManyLanguages: a repository with more languages than one GraphQL page lists
// (100) has its languages read through REST, whole.
func TestBatchDetailsManyLanguages(t *testing.T) {
	s, fk, rc, _ := batchFake(t)
	many := map[string]int64{}
	for i := range 101 {
		many[fmt.Sprintf("Lang%03d", i)] = int64(i + 1)
	}
	fk.SetDetails("o/a", fake.RepoDetails{Languages: many})
	repos := batchRepos()[:1]
	res := s.BatchDetails(context.Background(), token, []providers.DetailRequest{{Repo: &repos[0], Field: providers.BatchLanguages}})
	if res[0].Err != nil || len(res[0].Value.([]providers.Language)) != 101 {
		t.Fatalf("%v %v", res[0].Value, res[0].Err)
	}
	if n := len(rc.Requests()); n != 2 {
		t.Fatalf("%d requests, want the GraphQL one and one REST read", n)
	}
}

// TestBatchDetailsBadRequests: a field that is not batched or a path that is not owner/name fails
// its own request, before any upstream request.
func TestBatchDetailsBadRequests(t *testing.T) {
	s, _, rc, _ := batchFake(t)
	res := s.BatchDetails(context.Background(), token, []providers.DetailRequest{
		{Repo: &providers.Repository{NameWithOwner: "o/a"}, Field: "contributors"},
		{Repo: &providers.Repository{NameWithOwner: "a/b/c"}, Field: providers.BatchLanguages},
		{Field: providers.BatchLanguages},
	})
	for _, r := range res {
		wantKind(t, r.Err, providers.KindBadInput)
	}
	if n := len(rc.Requests()); n != 0 {
		t.Fatalf("%d requests, want none", n)
	}
}

// TestGraphQLURL: the GraphQL endpoint of each kind of REST root.
func TestGraphQLURL(t *testing.T) {
	for base, want := range map[string]string{
		"https://api.github.com":              "https://api.github.com/graphql",
		"https://api.github.com/":             "https://api.github.com/graphql",
		"https://ghe.example.com/api/v3":      "https://ghe.example.com/api/graphql",
		"https://ghe.example.com/api/v3/":     "https://ghe.example.com/api/graphql",
		"http://127.0.0.1:8080/github/api/v3": "http://127.0.0.1:8080/github/api/graphql",
		"http://127.0.0.1:8080/gh":            "http://127.0.0.1:8080/gh/graphql",
	} {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		if got := github.GraphQLURL(u).String(); got != want {
			t.Errorf("GraphQLURL(%s) = %s, want %s", base, got, want)
		}
	}
}

// TestBatchDetailsNullAndMissingFields: a field GitHub answers null (its schema allows it) is what
// REST gives an empty repository (no languages, 0 branches); a field missing from the answer is
// an answer that cannot be read (UPSTREAM_UNAVAILABLE's BAD_RESPONSE kind), for that request only.
func TestBatchDetailsNullAndMissingFields(t *testing.T) {
	_, base := providertest.Serve(t, gqlBase, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":{"r0":{"languages":null,"branches":null},"r1":{"languages":{"totalCount":0,"edges":[]}}}}`)
	}))
	s := newSource(t, base, 0)
	repos := batchRepos()[:2]
	res := s.BatchDetails(context.Background(), token, []providers.DetailRequest{
		{Repo: &repos[0], Field: providers.BatchLanguages}, {Repo: &repos[0], Field: providers.BatchBranchCount},
		{Repo: &repos[1], Field: providers.BatchLanguages}, {Repo: &repos[1], Field: providers.BatchBranchCount},
	})
	for i, want := range []any{[]providers.Language{}, 0, []providers.Language{}} {
		if res[i].Err != nil || !reflect.DeepEqual(res[i].Value, want) {
			t.Errorf("request %d: %#v %v, want %#v", i, res[i].Value, res[i].Err, want)
		}
	}
	wantKind(t, res[3].Err, providers.KindBadResponse)
}
