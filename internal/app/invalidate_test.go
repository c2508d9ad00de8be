//go:build unix

package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/internal/testkit"
	"github.com/forgegraph/forgegraph/providers"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// The credentials of the invalidation tests: two GitHub users and one GitLab user.
const (
	aliceToken  = "alice-github-token"
	bobToken    = "bob-github-token"
	gitlabToken = "carol-gitlab-token"
)

// forges are a GitHub that serves two users (alice with the server-held token, bob through the
// request header), each with a fake of their own, and a GitLab with one user.
type forges struct {
	alice, bob *githubfake.Server
	gitlab     *gitlabfake.Server
	gh, gl     *httptest.Server
}

func newForges(t *testing.T) *forges {
	t.Helper()
	f := &forges{
		alice:  githubfake.New(aliceToken, registry.DemoRepositoriesOf(providers.GitHub)),
		bob:    githubfake.New(bobToken, registry.DemoRepositoriesOf(providers.GitHub)[:20]),
		gitlab: gitlabfake.New(gitlabToken, registry.DemoRepositoriesOf(providers.GitLab)),
	}
	f.gh = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), bobToken) {
			f.bob.ServeHTTP(w, r)
			return
		}
		f.alice.ServeHTTP(w, r)
	}))
	t.Cleanup(f.gh.Close)
	f.gl = httptest.NewServer(f.gitlab)
	t.Cleanup(f.gl.Close)
	return f
}

// counts are the upstream requests each user's forge served so far.
type counts struct{ alice, bob, gitlab int64 }

func (f *forges) counts() counts {
	return counts{f.alice.Requests(), f.bob.Requests(), f.gitlab.Requests()}
}

func (c counts) since(before counts) counts {
	return counts{c.alice - before.alice, c.bob - before.bob, c.gitlab - before.gitlab}
}

// forgeApp builds a server over f with the response micro-cache on (a minute, so a stale replay
// would show), over the Redis at redisAddr when it is not empty.
func forgeApp(t *testing.T, f *forges, redisAddr string) (*App, *httptest.Server) {
	t.Helper()
	env := map[string]string{"PROVIDERS": "github,gitlab", "GITHUB_TOKEN": aliceToken, "GITHUB_API_URL": f.gh.URL,
		"GITLAB_TOKEN": gitlabToken, "GITLAB_API_URL": f.gl.URL, "RESPONSE_CACHE_TTL": "1m",
		"CURSOR_SECRET": "invalidation-test-secret-shared-by-replicas"}
	if redisAddr != "" {
		env["REDIS_URL"] = testkit.RedisURL(redisAddr)
	}
	return serveApp(t, env)
}

// The queries the tests warm: GitHub paged natively (PUSHED) with GitLab's whole list sorted
// locally (FULL_NAME), GitHub alone, and one repository by id.
const (
	qMerged = `{ viewer { repositories(sort: FULL_NAME, first: 5) { totalCount nodes { nameWithOwner description } } } }`
	qGitHub = `{ viewer { repositories(provider: GITHUB, first: 5) { totalCount nodes { nameWithOwner description } } } }`
)

func qNode(id string) string {
	return `{ node(id: "` + id + `") { ... on Repository { nameWithOwner description } } }`
}

// ask posts query to ts as alice (or as bob) and returns the answer's body and X-Cache header; an
// answer with errors fails the test.
func ask(t *testing.T, ts *httptest.Server, query string, asBob bool) (string, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if asBob {
		req.Header.Set("X-GitHub-Token", bobToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
		t.Fatalf("%s: %d %s", query, resp.StatusCode, b)
	}
	return string(b), resp.Header.Get("X-Cache")
}

// edit changes the description of every repository of alice's GitHub (their order stays), as a
// mutation would.
func (f *forges) edit(desc string) {
	repos := registry.DemoRepositoriesOf(providers.GitHub)
	for i := range repos {
		d := desc + " " + repos[i].NameWithOwner
		repos[i].Description = &d
	}
	f.alice.SetRepos(repos)
}

// invalidationQueries are the warmed queries: pages, a whole list for a local sort and a lookup.
func invalidationQueries() []string {
	return []string{qMerged, qGitHub, qNode(registry.DemoRepositoriesOf(providers.GitHub)[0].ID())}
}

// expectAnswers asks every query as alice (or bob) and checks what each cost upstream (askAlice,
// askBob, askGitLab: that user's forge was asked at least once, else not at all), that each answer
// other than the merged one shows wantText (when not empty), and its X-Cache header.
func expectAnswers(t *testing.T, f *forges, ts *httptest.Server, asBob bool, askAlice, askBob, askGitLab bool, wantText, wantXCache string) {
	t.Helper()
	for _, q := range invalidationQueries() {
		before := f.counts()
		body, xc := ask(t, ts, q, asBob)
		d := f.counts().since(before)
		if (d.alice > 0) != askAlice || (d.bob > 0) != askBob || (d.gitlab > 0) != askGitLab {
			t.Errorf("%s (bob %v): upstream requests alice %d, bob %d, gitlab %d; want asked: alice %v, bob %v, gitlab %v",
				q, asBob, d.alice, d.bob, d.gitlab, askAlice, askBob, askGitLab)
		}
		// The merged list's first page may hold no GitHub repository; the others show the change.
		if wantText != "" && q != qMerged && !strings.Contains(body, wantText) {
			t.Errorf("%s (bob %v): the answer does not show %q: %s", q, asBob, wantText, body)
		}
		if xc != wantXCache {
			t.Errorf("%s (bob %v): X-Cache %q, want %q", q, asBob, xc, wantXCache)
		}
	}
}

// TestInvalidateOneCredentialAndSource: after Invalidate(github, alice), alice's next queries ask
// GitHub again (pages, lookups; no replayed answer) and show the change, while bob's GitHub entries
// and alice's GitLab whole list are still served from the caches; Invalidate(gitlab, ...) then
// makes the whole list for the local sort read again.
func TestInvalidateOneCredentialAndSource(t *testing.T) {
	f := newForges(t)
	a, ts := forgeApp(t, f, "")
	for _, asBob := range []bool{false, true} {
		for _, q := range invalidationQueries() {
			ask(t, ts, q, asBob)
		}
	}
	expectAnswers(t, f, ts, false, false, false, false, "", "hit")
	expectAnswers(t, f, ts, true, false, false, false, "", "hit")

	f.edit("edited-by-a-mutation")
	expectAnswers(t, f, ts, false, false, false, false, "", "hit") // no invalidation yet: cached
	if err := a.Pages.Invalidate(context.Background(), "github", aliceToken); err != nil {
		t.Fatal(err)
	}
	expectAnswers(t, f, ts, false, true, false, false, "edited-by-a-mutation", "")
	expectAnswers(t, f, ts, true, false, false, false, "", "hit")

	before := f.counts()
	if err := a.Pages.Invalidate(context.Background(), "gitlab", gitlabToken); err != nil {
		t.Fatal(err)
	}
	if _, xc := ask(t, ts, qMerged, false); xc != "" {
		t.Fatalf("a merged answer was replayed after its GitLab credential was invalidated")
	}
	if d := f.counts().since(before); d.gitlab == 0 || d.alice != 0 || d.bob != 0 {
		t.Fatalf("after invalidating GitLab: upstream requests alice %d, bob %d, gitlab %d; want only GitLab's whole list read again",
			d.alice, d.bob, d.gitlab)
	}
	if err := a.Pages.Invalidate(context.Background(), "github", ""); err == nil {
		t.Fatal("Invalidate without a credential must fail")
	}
}

// TestInvalidateReachesEveryReplica: two replicas share a real Redis; what replica 1 warmed replica
// 2 serves without asking the forges; an invalidation on replica 1 makes replica 2 ask GitHub again
// for that credential only (no replay from its micro-cache either), with one Redis round trip for
// the generations per request; an invalidation on replica 2 reaches replica 1's whole lists.
func TestInvalidateReachesEveryReplica(t *testing.T) {
	addr := testkit.StartRedis(t)
	f := newForges(t)
	a1, ts1 := forgeApp(t, f, addr)
	a2, ts2 := forgeApp(t, f, addr)
	for _, asBob := range []bool{false, true} {
		for _, q := range invalidationQueries() {
			ask(t, ts1, q, asBob)
		}
	}
	expectAnswers(t, f, ts2, false, false, false, false, "", "") // from Redis, executed on replica 2
	expectAnswers(t, f, ts2, true, false, false, false, "", "")

	f.edit("edited-on-replica-1")
	if err := a1.Pages.Invalidate(context.Background(), "github", aliceToken); err != nil {
		t.Fatal(err)
	}
	reads := a2.Pages.Scopes().Reads()
	expectAnswers(t, f, ts2, false, true, false, false, "edited-on-replica-1", "")
	if n := a2.Pages.Scopes().Reads() - reads; n != int64(len(invalidationQueries())) {
		t.Fatalf("%d requests read the generations %d times, want once each", len(invalidationQueries()), n)
	}
	expectAnswers(t, f, ts2, true, false, false, false, "", "hit")
	expectAnswers(t, f, ts1, false, false, false, false, "edited-on-replica-1", "") // replica 2 fetched it

	before := f.counts()
	if err := a2.Pages.Invalidate(context.Background(), "gitlab", gitlabToken); err != nil {
		t.Fatal(err)
	}
	if _, xc := ask(t, ts1, qMerged, false); xc != "" {
		t.Fatal("replica 1 replayed a merged answer after replica 2 invalidated its GitLab credential")
	}
	if d := f.counts().since(before); d.gitlab == 0 || d.alice != 0 || d.bob != 0 {
		t.Fatalf("after invalidating GitLab on replica 2, replica 1 asked: alice %d, bob %d, gitlab %d; want only GitLab",
			d.alice, d.bob, d.gitlab)
	}
}
