package server_test

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/demo"
	giteafake "github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// recorder counts and records the requests a demo forge's fake serves.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	uris []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.uris = append(r.uris, req.Method+" "+req.URL.RequestURI())
	r.mu.Unlock()
	r.h.ServeHTTP(w, req)
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.uris)
}

// giteaWalkRepos are n Gitea repositories of the fake's viewer and of two organizations, with few
// distinct update and creation times (so the sort keys tie), names that differ only in case, and
// ids that do not follow the names.
func giteaWalkRepos(n int) []providers.Repository {
	base := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	owners := []string{giteafake.DefaultViewer, "acme-tools", "forgejo-contrib"}
	out := make([]providers.Repository, n)
	for i := range out {
		owner := owners[i%len(owners)]
		name := fmt.Sprintf("tool-%03d", (i*37)%1000)
		if i%9 == 0 {
			name = fmt.Sprintf("Tool-%03d", (i*37)%1000)
		}
		updated := base.Add(time.Duration((i*7)%23) * time.Hour)
		created := base.Add(-time.Duration((i*5)%17) * time.Hour)
		out[i] = providers.Repository{ForgeID: strconv.Itoa(9000 - 3*i), Provider: providers.Gitea, Name: name, Owner: owner,
			NameWithOwner: owner + "/" + name, CreatedAt: &created, UpdatedAt: &updated, PushedAt: &updated}
	}
	return out
}

// giteaWant is the order Gitea's documentation gives the list in: the date asked (updated for
// PUSHED and UPDATED, created for CREATED) in the direction asked, ties by id as the fake's table
// is stored; FULL_NAME, which Gitea cannot give, is forgegraph's total order (served locally).
func giteaWant(repos []providers.Repository, o providers.Order) []string {
	c := slices.Clone(repos)
	id := func(r *providers.Repository) int { n, _ := strconv.Atoi(r.ForgeID); return n }
	sort.SliceStable(c, func(i, j int) bool {
		if o.Sort == providers.SortFullName {
			return o.Compare(&c[i], &c[j]) < 0
		}
		if k := o.CompareKey(&c[i], &c[j]); k != 0 {
			return k < 0
		}
		return id(&c[i]) < id(&c[j])
	})
	out := make([]string, len(c))
	for i := range c {
		out[i] = "GITEA:" + c[i].NameWithOwner
	}
	return out
}

// walkStack serves the Gitea fake with giteaRepos and, when merged, every other demo forge's fake
// with its demo data, through the real sources and the whole HTTP handler, with fresh caches. It
// returns the server and each forge's recorder by source name.
func walkStack(t *testing.T, giteaRepos []providers.Repository, merged bool) (*httptest.Server, map[string]*recorder) {
	t.Helper()
	recs := map[string]*recorder{}
	var forges []demo.Forge
	var descs []registry.Forge
	for _, f := range registry.DemoForges() {
		if !merged && f.Provider != providers.Gitea {
			continue
		}
		repos := f.DemoRepositories()
		if f.Provider == providers.Gitea {
			repos = giteaRepos
		}
		fk := f.Fake(demo.Token, repos)
		rec := &recorder{h: fk}
		recs[f.Name] = rec
		forges = append(forges, demo.Forge{Source: f.Name, BaseURL: "http://" + f.Name + ".demo.invalid" + f.Demo.Path, Handler: rec, Requests: fk.Requests})
		descs = append(descs, f)
	}
	d := demo.New(forges)
	var srcs []providers.Source
	for _, f := range descs {
		s, err := f.New(registry.Settings{BaseURL: d.URLs()[f.Name], HTTP: d.Client, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, s)
	}
	return newServerTokens(t, nil, d.Tokens(), srcs...), recs
}

const walkAllQuery = `query($p: Provider, $s: RepositorySort, $d: OrderDirection, $first: Int, $after: String, $last: Int, $before: String) {
  viewer { repositories(provider: $p, sort: $s, direction: $d, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    nodes { provider nameWithOwner pushedAt updatedAt createdAt }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`

type walkPage struct {
	Viewer struct {
		Repositories struct {
			TotalCount int
			Nodes      []walkNode
			PageInfo   struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
		}
	}
}

type walkNode struct {
	Provider, NameWithOwner        string
	PushedAt, UpdatedAt, CreatedAt *time.Time
}

// walkAll walks viewer.repositories to its end (forward, n per page) or its start (backward) and
// returns the repositories in list order, the totalCount and the number of GraphQL pages.
func walkAll(t *testing.T, ts *httptest.Server, vars map[string]any, n int, backward bool) ([]walkNode, int, int) {
	t.Helper()
	var out []walkNode
	var cursor any
	for page := 1; page < 200; page++ {
		v := maps.Clone(vars)
		if backward {
			v["last"], v["before"] = n, cursor
		} else {
			v["first"], v["after"] = n, cursor
		}
		r := post(t, ts, walkAllQuery, v)
		if len(r.Errors) > 0 {
			t.Fatalf("%v page %d: %+v", vars, page, r.Errors)
		}
		c := decodeData[walkPage](t, r).Viewer.Repositories
		if backward {
			out = append(slices.Clone(c.Nodes), out...)
			if !c.PageInfo.HasPreviousPage {
				return out, c.TotalCount, page
			}
			cursor = *c.PageInfo.StartCursor
		} else {
			out = append(out, c.Nodes...)
			if !c.PageInfo.HasNextPage {
				return out, c.TotalCount, page
			}
			cursor = *c.PageInfo.EndCursor
		}
	}
	t.Fatalf("%v: the walk did not end", vars)
	return nil, 0, 0
}

// TestGiteaWalkEverySort walks a Gitea list of 137 repositories (three upstream pages of 50) in
// every sort and both directions, forward and backward, alone and merged with the other demo
// forges, through the HTTP handler: every repository exactly once, the merged list in key order,
// the Gitea repositories in Gitea's documented order (the same alone and merged), the backward walk
// the same list as the forward one, totalCount exact. It logs the upstream requests of each walk
// per forge (go test -run TestGiteaWalkEverySort -v ./internal/server/) and checks Gitea's are the
// fewest possible: GET /user once and each page of 50 once.
func TestGiteaWalkEverySort(t *testing.T) {
	gitea := giteaWalkRepos(137)
	others := 0
	for _, f := range registry.DemoForges() {
		if f.Provider != providers.Gitea {
			others += len(f.DemoRepositories())
		}
	}
	minGitea := 1 + (len(gitea)+49)/50
	for _, merged := range []bool{false, true} {
		for _, s := range []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated, providers.SortFullName} {
			for _, d := range []providers.Direction{providers.Asc, providers.Desc} {
				o := providers.NewOrder(s, d)
				vars := map[string]any{"s": string(s), "d": string(d)}
				what, want := "GITEA alone", len(gitea)
				if merged {
					what, want = "merged", len(gitea)+others
				} else {
					vars["p"] = "GITEA"
				}
				var fwd []string
				for _, backward := range []bool{false, true} {
					ts, recs := walkStack(t, gitea, merged)
					size := map[bool]int{false: 25, true: 30}[backward]
					nodes, total, pages := walkAll(t, ts, vars, size, backward)
					dir := map[bool]string{false: "forward", true: "backward"}[backward]
					name := fmt.Sprintf("%s %s %s %s", what, o, dir, strconv.Itoa(size))
					ids := checkWalk(t, name, o, nodes, total, want)
					if got, exp := giteaOf(ids), giteaWant(gitea, o); !slices.Equal(got, exp) {
						t.Fatalf("%s: Gitea repositories out of Gitea's order:\n got %v\nwant %v", name, got, exp)
					}
					if backward && !slices.Equal(ids, fwd) {
						t.Fatalf("%s: the backward walk is not the forward one", name)
					}
					fwd = ids
					t.Logf("%-11s %-14s %-8s %d per page: %d repositories in %d pages; upstream requests: %s", what, o, dir, size, len(nodes), pages, counts(recs))
					g := recs["gitea"].requests()
					seen := map[string]bool{}
					for _, u := range g {
						if seen[u] {
							t.Errorf("%s: %s asked twice", name, u)
						}
						seen[u] = true
					}
					if len(g) != minGitea {
						t.Errorf("%s: %d Gitea requests, want %d (GET /user and %d pages of 50): %v", name, len(g), minGitea, minGitea-1, g)
					}
					if !merged {
						for _, u := range g {
							t.Logf("    gitea %s", u)
						}
					}
				}
			}
		}
	}
}

// checkWalk checks a walk's repositories: totalCount and length are want, each repository once,
// the sort key never going back; it returns "PROVIDER:nameWithOwner" of each in order.
func checkWalk(t *testing.T, name string, o providers.Order, nodes []walkNode, total, want int) []string {
	t.Helper()
	if total != want || len(nodes) != want {
		t.Fatalf("%s: %d repositories, totalCount %d, want %d", name, len(nodes), total, want)
	}
	ids := make([]string, len(nodes))
	seen := map[string]bool{}
	for i, n := range nodes {
		ids[i] = n.Provider + ":" + n.NameWithOwner
		if seen[ids[i]] {
			t.Fatalf("%s: %s twice", name, ids[i])
		}
		seen[ids[i]] = true
		if i > 0 {
			a, b := asRepo(nodes[i-1]), asRepo(n)
			if o.CompareKey(&a, &b) > 0 {
				t.Fatalf("%s: out of order at %d: %s then %s", name, i, ids[i-1], ids[i])
			}
		}
	}
	return ids
}

func asRepo(n walkNode) providers.Repository {
	return providers.Repository{NameWithOwner: n.NameWithOwner, PushedAt: n.PushedAt, UpdatedAt: n.UpdatedAt, CreatedAt: n.CreatedAt}
}

// giteaOf keeps the Gitea repositories of ids, in order.
func giteaOf(ids []string) []string {
	var out []string
	for _, id := range ids {
		if strings.HasPrefix(id, "GITEA:") {
			out = append(out, id)
		}
	}
	return out
}

// counts formats the number of requests each forge served, by source name.
func counts(recs map[string]*recorder) string {
	names := make([]string, 0, len(recs))
	for n := range recs {
		names = append(names, n)
	}
	slices.SortFunc(names, cmp.Compare[string])
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, len(recs[n].requests()))
	}
	return strings.Join(parts, ", ")
}
