package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

// Stale-if-error beyond the pages of natively sorted lists: whole lists read for a local sort,
// repository lookups (repository, node) and detail reads.

type staleMore struct {
	ts     *httptest.Server
	gh, gl *faulty
}

// newStaleMore serves a GitHub fake of 12 repositories (with branches and languages) and a GitLab
// fake of 25 through the real clients without retries, with nothing fresh for longer than a
// nanosecond (pages, lookups, details, GitLab's whole lists for the FULL_NAME sort), so every query
// asks the forges, and STALE_IF_ERROR at its default (24h).
func newStaleMore(t *testing.T) *staleMore {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	ghRepos := repos(rng, providers.GitHub, "octo", 12)
	ghFake := githubfake.New("gh-token", ghRepos)
	for i, r := range ghRepos {
		d := githubfake.RepoDetails{Homepage: fmt.Sprintf("https://r%d.example", i), Subscribers: i,
			Languages: map[string]int64{"Go": int64(1000 + i), "Shell": 10}}
		for b := range branchCounts[i%len(branchCounts)] {
			d.Branches = append(d.Branches, fmt.Sprintf("b%03d", b))
		}
		ghFake.SetDetails(r.NameWithOwner, d)
	}
	s := &staleMore{gh: &faulty{next: ghFake}, gl: &faulty{next: gitlabfake.New("gl-token", repos(rng, providers.GitLab, "grp", 25))}}
	ghSrv := httptest.NewServer(http.StripPrefix("/api/v3", s.gh))
	glSrv := httptest.NewServer(http.StripPrefix("/api/v4", s.gl))
	t.Cleanup(ghSrv.Close)
	t.Cleanup(glSrv.Close)
	gh, err := github.New(github.Config{BaseURL: ghSrv.URL + "/api/v3", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	gl, err := gitlab.New(gitlab.Config{BaseURL: glSrv.URL + "/api/v4", Timeout: 2 * time.Second,
		Local: providers.NewLocal(nil, 0, time.Nanosecond)})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"RESPONSE_CACHE_TTL": "0", "CACHE_TTL": "1ns"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	store := pages.New(cache.NewMemory[pages.Entry](1000), time.Nanosecond, 0)
	store.StaleIfError = cfg.StaleIfError
	store.Lookups.StaleIfError = cfg.StaleIfError
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{gh, gl},
		Tokens: map[string]string{"github": "gh-token", "gitlab": "gl-token"}, Pages: store,
		// Filtered lists are read whole through this Local: fresh for a nanosecond, as the rest.
		Local:  providers.NewLocal(nil, 0, time.Nanosecond),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.ts = httptest.NewServer(h)
	t.Cleanup(s.ts.Close)
	return s
}

// localWalkQuery walks GitLab by FULL_NAME, which GitLab cannot sort: a whole list read for a local
// sort.
const localWalkQuery = `query($after: String) { viewer { repositories(provider: GITLAB, sort: FULL_NAME, first: 10, after: $after) {
	totalCount nodes { nameWithOwner } pageInfo { hasNextPage endCursor } } } }`

// filteredWalkQuery is a filtered list (read whole, filtered, sorted: providers.FilterStreams)
// in GitLab's native order.
const filteredWalkQuery = `query($after: String) { viewer { repositories(provider: GITLAB, query: "grp/", isArchived: false, first: 10, after: $after) {
	totalCount nodes { nameWithOwner } pageInfo { hasNextPage endCursor } } } }`

// walkLocal walks localWalkQuery to its end and returns the answers.
func walkLocal(t *testing.T, ts *httptest.Server) []gqlResponse {
	t.Helper()
	return walkPages(t, ts, localWalkQuery)
}

// walkPages walks query (a viewer.repositories page with pageInfo, $after its cursor) to its end
// and returns the answers.
func walkPages(t *testing.T, ts *httptest.Server, query string) []gqlResponse {
	t.Helper()
	var out []gqlResponse
	var after any
	for range 10 {
		r := post(t, ts, query, map[string]any{"after": after})
		out = append(out, r)
		var d struct {
			Viewer struct {
				Repositories struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
		}
		if err := json.Unmarshal(r.Data, &d); err != nil || len(r.Errors) > 0 {
			return out
		}
		if !d.Viewer.Repositories.PageInfo.HasNextPage {
			return out
		}
		after = d.Viewer.Repositories.PageInfo.EndCursor
	}
	t.Fatal("walk did not end")
	return nil
}

// repoPageQuery is a repository page (through the lookup) and a list page with details.
const repoPageQuery = `{
  repository(provider: GITHUB, nameWithOwner: "octo/r004") { nameWithOwner homepageUrl watcherCount
    languages(first: 2) { totalCount nodes { name } } branches(first: 3) { totalCount nodes { name } } }
  viewer { repositories(provider: GITHUB, sort: FULL_NAME, first: 6) { nodes { nameWithOwner homepageUrl
    languages(first: 3) { edges { percentage node { name } } } branches { totalCount } } } }
}`

// wantStale checks that r has data, no error, and extensions.stale with one entry, for source.
func wantStale(t *testing.T, what string, r gqlResponse, source, reason string) {
	t.Helper()
	e := staleEntries(r)
	if len(r.Errors) > 0 || len(e) != 1 || e[0]["source"] != source || e[0]["reason"] != reason {
		t.Fatalf("%s: errors %+v, extensions %v", what, r.Errors, r.Extensions)
	}
	if asOf, err := time.Parse(time.RFC3339Nano, e[0]["asOf"].(string)); err != nil || asOf.After(time.Now()) {
		t.Fatalf("%s: asOf %v", what, e[0]["asOf"])
	}
}

// TestStaleIfErrorLocalSortWalk: GitLab fails after a first walk by FULL_NAME (a whole list read for
// a local sort): the same walk again is whole, page for page the same answers (cursors included),
// each marked stale without an error, and asks the forge once per page (no storm).
func TestStaleIfErrorLocalSortWalk(t *testing.T) {
	staleWalk(t, localWalkQuery)
}

// TestStaleIfErrorFilteredWalk: the same for a filtered list (read whole through its own list
// cache, whatever the order): after GitLab fails, the walk is whole, identical and marked stale.
func TestStaleIfErrorFilteredWalk(t *testing.T) {
	staleWalk(t, filteredWalkQuery)
}

// staleWalk walks query over GitLab's 25 repositories (3 pages), makes GitLab fail, and requires
// the same walk again to be whole, page for page the same, marked stale, at one upstream request
// per page at most.
func staleWalk(t *testing.T, query string) {
	s := newStaleMore(t)
	first := walkPages(t, s.ts, query)
	if len(first) != 3 {
		t.Fatalf("first walk: %d pages", len(first))
	}
	for i, r := range first {
		if len(r.Errors) > 0 || r.Extensions["stale"] != nil {
			t.Fatalf("first walk page %d: %+v %v", i, r.Errors, r.Extensions)
		}
	}
	reads := s.gl.hits.Load()
	s.gl.set(failWith(http.StatusBadGateway))
	s.gl.hits.Store(0)
	second := walkPages(t, s.ts, query)
	if len(second) != len(first) {
		t.Fatalf("stale walk: %d pages, want %d: %+v %s", len(second), len(first), second[len(second)-1].Errors, second[len(second)-1].Data)
	}
	for i := range second {
		wantStale(t, fmt.Sprintf("page %d", i), second[i], "gitlab", "UPSTREAM_UNAVAILABLE")
		if string(second[i].Data) != string(first[i].Data) {
			t.Fatalf("page %d: %s, first walk %s", i, second[i].Data, first[i].Data)
		}
	}
	// Each page reads the whole list (it is fresh for a nanosecond here) once for its items and its
	// totalCount: one request per page, as the first walk.
	if n := s.gl.hits.Load(); n > int64(len(second)) {
		t.Fatalf("%d upstream requests for a stale walk of %d pages, the first walk made %d", n, len(second), reads)
	}
	t.Logf("first walk: %d upstream requests; stale walk: %d", reads, s.gl.hits.Load())
}

// TestStaleIfErrorRepositoryPage: GitHub fails after a first repository page (a lookup through
// Query.repository, the repository's details, languages and branches, and a list page with
// languages and branch counts): the same page again is the same data, marked stale without an
// error, asking the forge at most once per read of the first page (no storm).
func TestStaleIfErrorRepositoryPage(t *testing.T) {
	s := newStaleMore(t)
	first := post(t, s.ts, repoPageQuery, nil)
	if len(first.Errors) > 0 || first.Extensions["stale"] != nil || string(first.Data) == "" {
		t.Fatalf("first: %+v %v", first.Errors, first.Extensions)
	}
	reads := s.gh.hits.Load()
	s.gh.set(failWith(http.StatusServiceUnavailable))
	s.gh.hits.Store(0)
	second := post(t, s.ts, repoPageQuery, nil)
	wantStale(t, "repository page", second, "github", "UPSTREAM_UNAVAILABLE")
	if string(second.Data) != string(first.Data) {
		t.Fatalf("stale page %s, first %s", second.Data, first.Data)
	}
	if n := s.gh.hits.Load(); n > reads {
		t.Fatalf("%d upstream requests, the first page made %d", n, reads)
	}
	t.Logf("first page: %d upstream requests; stale page: %d", reads, s.gh.hits.Load())
	// node(id) too, once the same credential looked the repository up by id.
	s.gh.set(func(http.ResponseWriter, *http.Request) bool { return false })
	var d struct{ Repository struct{ ID string } }
	if err := json.Unmarshal(post(t, s.ts, `{ repository(provider: GITHUB, nameWithOwner: "octo/r004") { id } }`, nil).Data, &d); err != nil || d.Repository.ID == "" {
		t.Fatalf("id: %v", err)
	}
	const nodeQuery = `query($id: ID!) { node(id: $id) { ... on Repository { nameWithOwner homepageUrl } } }`
	fresh := post(t, s.ts, nodeQuery, map[string]any{"id": d.Repository.ID})
	if len(fresh.Errors) > 0 || fresh.Extensions["stale"] != nil {
		t.Fatalf("node: %+v %v", fresh.Errors, fresh.Extensions)
	}
	s.gh.set(failWith(http.StatusGatewayTimeout))
	r := post(t, s.ts, nodeQuery, map[string]any{"id": d.Repository.ID})
	wantStale(t, "node", r, "github", "UPSTREAM_UNAVAILABLE")
	if want := `{"node":{"nameWithOwner":"octo/r004","homepageUrl":"https://r4.example"}}`; string(r.Data) != want || string(fresh.Data) != want {
		t.Fatalf("node %s (fresh %s), want %s", r.Data, fresh.Data, want)
	}
}

// TestStaleNeverAfterUnauthorizedBeyondPages: after the same first walk and repository page, a
// 401 (or 403) shows nothing stale: the local-sort walk and the repository page are errors, with no
// extensions.stale.
func TestStaleNeverAfterUnauthorizedBeyondPages(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		s := newStaleMore(t)
		walkLocal(t, s.ts)
		post(t, s.ts, repoPageQuery, nil)
		s.gl.set(failWith(status))
		s.gh.set(failWith(status))
		r := walkLocal(t, s.ts)
		if len(r) != 1 || len(r[0].Errors) == 0 || r[0].Extensions["stale"] != nil {
			t.Fatalf("HTTP %d: local walk %+v %v", status, r[0].Errors, r[0].Extensions)
		}
		p := post(t, s.ts, repoPageQuery, nil)
		if len(p.Errors) == 0 || p.Extensions["stale"] != nil {
			t.Fatalf("HTTP %d: repository page %s %+v %v", status, p.Data, p.Errors, p.Extensions)
		}
		var d struct {
			Repository *struct{ NameWithOwner string }
		}
		if json.Unmarshal(p.Data, &d) == nil && d.Repository != nil {
			t.Fatalf("HTTP %d: repository answered %s", status, p.Data)
		}
	}
}
