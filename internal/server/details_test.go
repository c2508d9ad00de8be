package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	"github.com/forgegraph/forgegraph/providers/github/fake"
)

const ghToken = "ghp_details_token"

// upstream counts the requests a fake forge receives, by path and query.
type upstream struct {
	h    http.Handler
	mu   sync.Mutex
	seen map[string]int
	fail func(r *http.Request) bool // answers 500 when it returns true
	// noGraphQL answers 404 to POST /graphql without recording it, as a GitHub Enterprise Server
	// without GraphQL does: the GitHub source then reads languages and counts through REST.
	noGraphQL bool
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if u.noGraphQL && r.URL.Path == "/graphql" {
		http.NotFound(w, r)
		return
	}
	u.mu.Lock()
	u.seen[r.URL.Path+"?"+r.URL.RawQuery]++
	u.mu.Unlock()
	if u.fail != nil && u.fail(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"message":"Server Error"}`))
		return
	}
	u.h.ServeHTTP(w, r)
}

func (u *upstream) counts() map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := map[string]int{}
	for k, v := range u.seen {
		out[k] = v
	}
	return out
}

// branchCounts are the paging edges the repositories' branch counts cycle through.
var branchCounts = []int{0, 1, 100, 101, 250}

// detailServer serves n GitHub repositories (r000, r001, ...; r<i> has branchCounts[i%5] branches
// and i%4+1 languages) through the real GitHub source and the whole HTTP handler.
func detailServer(t *testing.T, n int, env map[string]string) (*httptest.Server, *upstream, *fake.Server) {
	t.Helper()
	rs := repos(rand.New(rand.NewPCG(1, 2)), providers.GitHub, "me", n)
	f := fake.New(ghToken, rs)
	for i := range rs {
		d := fake.RepoDetails{Homepage: fmt.Sprintf("https://r%d.example", i), Subscribers: i, Permission: "admin",
			Languages: map[string]int64{}}
		for b := range branchCounts[i%len(branchCounts)] {
			d.Branches = append(d.Branches, fmt.Sprintf("b%03d", b))
		}
		for l := range i%4 + 1 {
			d.Languages[fmt.Sprintf("L%d", l)] = int64(100 * (l + 1))
		}
		f.SetDetails(rs[i].NameWithOwner, d)
	}
	up := &upstream{h: f, seen: map[string]int{}}
	api := httptest.NewServer(up)
	t.Cleanup(api.Close)
	src, err := github.New(github.Config{BaseURL: api.URL})
	if err != nil {
		t.Fatal(err)
	}
	return newServerTokens(t, env, map[string]string{"github": ghToken}, src), up, f
}

const detailsPage = `{ viewer { repositories(provider: GITHUB, sort: FULL_NAME, first: 20) { nodes {
  nameWithOwner homepageUrl watcherCount viewerPermission
  languages(first: 3) { totalCount totalSize edges { size percentage node { name } } }
  branches { totalCount }
} } } }`

type detailNode struct {
	NameWithOwner    string
	HomepageURL      *string
	WatcherCount     *int
	ViewerPermission *string
	Languages        *struct {
		TotalCount int
		TotalSize  *int
		Edges      []struct {
			Size       *int
			Percentage float64
			Node       struct{ Name string }
		}
	}
	Branches *struct{ TotalCount int }
}

// TestDetailsPageOfTwenty: a page of 20 repositories with languages(first: 3) and branches
// { totalCount } reads each distinct upstream page once, and the answers are the forge's.
func TestDetailsPageOfTwenty(t *testing.T) {
	ts, up, _ := detailServer(t, 25, nil)
	up.noGraphQL = true // the REST reads (bench TestDashboardRequests checks the GraphQL one)
	r := post(t, ts, detailsPage, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	var data struct {
		Viewer struct{ Repositories struct{ Nodes []detailNode } }
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	nodes := data.Viewer.Repositories.Nodes
	if len(nodes) != 20 {
		t.Fatalf("%d repositories", len(nodes))
	}
	for i, n := range nodes {
		if n.NameWithOwner != fmt.Sprintf("me/r%03d", i) || *n.HomepageURL != fmt.Sprintf("https://r%d.example", i) ||
			*n.WatcherCount != i || *n.ViewerPermission != "ADMIN" {
			t.Fatalf("repository %d: %+v", i, n)
		}
		if n.Branches.TotalCount != branchCounts[i%len(branchCounts)] {
			t.Fatalf("%s: %d branches, want %d", n.NameWithOwner, n.Branches.TotalCount, branchCounts[i%len(branchCounts)])
		}
		langs := i%4 + 1
		if n.Languages.TotalCount != langs || len(n.Languages.Edges) != min(langs, 3) {
			t.Fatalf("%s: languages %+v", n.NameWithOwner, n.Languages)
		}
		total := 0
		for l := range langs {
			total += 100 * (l + 1)
		}
		for j, e := range n.Languages.Edges {
			want := 100 * (langs - j) // biggest first
			if e.Node.Name != fmt.Sprintf("L%d", langs-j-1) || *e.Size != want || e.Percentage != float64(want)*100/float64(total) {
				t.Fatalf("%s: language %d: %+v", n.NameWithOwner, j, e)
			}
		}
		if *n.Languages.TotalSize != total {
			t.Fatalf("%s: total size %d", n.NameWithOwner, *n.Languages.TotalSize)
		}
	}
	for req, c := range up.counts() {
		if c != 1 {
			t.Errorf("%s read %d times", req, c)
		}
	}
	// Exactly: the list, and per repository its details (watchers), its languages and one branch
	// count (per_page=1, the count being rel="last"'s page number): no branch page is read, since
	// only totalCount is selected.
	want := map[string]int{"/user/repos?direction=asc&page=1&per_page=100&sort=full_name": 1}
	for i := range 20 {
		base := fmt.Sprintf("/repos/me/r%03d", i)
		want[base+"?"] = 1
		want[base+"/languages?"] = 1
		want[base+"/branches?per_page=1"] = 1
	}
	if got := up.counts(); !maps.Equal(got, want) {
		t.Errorf("upstream requests %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
	// Again within CACHE_TTL: the detail reads come from the cache; only the list page is read
	// again from the page store's cache too.
	before := up.counts()
	if r := post(t, ts, detailsPage, nil); len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	for req, c := range up.counts() {
		if c != before[req] {
			t.Errorf("%s read again within CACHE_TTL", req)
		}
	}
}

// newServerTokens is newServer with the server-held tokens given.
func newServerTokens(t *testing.T, env map[string]string, tokens map[string]string, srcs ...providers.Source) *httptest.Server {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Deps{Config: cfg, Sources: srcs, Tokens: tokens,
		Pages:  pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}
