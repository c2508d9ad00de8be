package server_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea"
	giteafake "github.com/forgegraph/forgegraph/providers/gitea/fake"
)

// TestDetailsGitea: through the whole handler, Gitea repositories have their scalar details from
// the list (no detail request), branches and tags with exact counts across the paging edges of
// Gitea's 50-item pages (both directions on branches), languages in bytes, teams (none for a
// user's repository) and a null contributors field, without errors; each distinct upstream
// request is made once.
func TestDetailsGitea(t *testing.T) {
	rs := repos(rand.New(rand.NewPCG(5, 6)), providers.Gitea, "acme", 7)
	rs[6].Owner, rs[6].Name, rs[6].NameWithOwner = giteafake.DefaultViewer, "mine", giteafake.DefaultViewer+"/mine"
	f := giteafake.New("gt-token", rs)
	counts := map[string]int{}
	for i, n := range []int{0, 1, 50, 51, 100, 101, 250} {
		var bs []string
		for b := range n {
			bs = append(bs, fmt.Sprintf("b%03d", b))
		}
		f.SetDetails(rs[i].NameWithOwner, giteafake.RepoDetails{Website: "https://w" + fmt.Sprint(i) + ".example", Watchers: i, SizeKB: 10 * i,
			Permission: "write", Topics: []string{"t"}, Branches: bs, Tags: bs, Languages: map[string]int64{"Go": 300, "C": 100},
			Personal: i == 6, Teams: []giteafake.Team{{Name: "Devs", Permission: "write"}}})
		counts[rs[i].NameWithOwner] = n
	}
	up := &upstream{h: http.StripPrefix("/api/v1", f), seen: map[string]int{}}
	api := httptest.NewServer(up)
	t.Cleanup(api.Close)
	src, err := gitea.New(gitea.Config{BaseURL: api.URL + "/api/v1"})
	if err != nil {
		t.Fatal(err)
	}
	srv := newServerTokens(t, nil, map[string]string{"gitea": "gt-token"}, src)
	r := post(t, srv, `{ viewer { repositories(provider: GITEA, sort: FULL_NAME, first: 10) { nodes { nameWithOwner
	  homepageUrl watcherCount diskUsage viewerPermission topics visibility
	  first: branches(first: 2) { totalCount edges { node { name commitSha } } pageInfo { hasNextPage } }
	  last: branches(last: 2) { edges { node { name } } pageInfo { hasPreviousPage } }
	  tags { totalCount }
	  languages(first: 3) { totalCount totalSize edges { size percentage node { name } } }
	  teams(first: 5) { totalCount nodes { name slug permission } }
	  contributors { totalCount } } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	type refs struct {
		TotalCount int
		Edges      []struct {
			Node struct{ Name, CommitSha string }
		}
		PageInfo struct{ HasNextPage, HasPreviousPage bool }
	}
	var data struct {
		Viewer struct {
			Repositories struct {
				Nodes []struct {
					NameWithOwner                string
					HomepageURL                  *string
					WatcherCount, DiskUsage      *int
					ViewerPermission, Visibility *string
					Topics                       []string
					First, Last, Tags            refs
					Languages                    struct {
						TotalCount, TotalSize int
						Edges                 []struct {
							Size       int
							Percentage float64
							Node       struct{ Name string }
						}
					}
					Teams struct {
						TotalCount int
						Nodes      []struct{ Name, Slug, Permission string }
					}
					Contributors *refs
				}
			}
		}
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	nodes := data.Viewer.Repositories.Nodes
	if len(nodes) != 7 {
		t.Fatalf("%d repositories", len(nodes))
	}
	for _, n := range nodes {
		want := counts[n.NameWithOwner]
		i := strings.TrimPrefix(strings.TrimPrefix(n.NameWithOwner, "acme/r00"), giteafake.DefaultViewer+"/mine")
		if n.HomepageURL == nil || !strings.HasSuffix(*n.HomepageURL, ".example") || *n.ViewerPermission != "WRITE" ||
			strings.Join(n.Topics, ",") != "t" || n.Visibility == nil || n.Contributors != nil {
			t.Fatalf("%s (%s): scalar details %+v", n.NameWithOwner, i, n)
		}
		if n.First.TotalCount != want || n.Tags.TotalCount != want || len(n.First.Edges) != min(2, want) ||
			n.First.PageInfo.HasNextPage != (want > 2) || n.Last.PageInfo.HasPreviousPage != (want > 2) {
			t.Fatalf("%s: %d branches: %+v / %+v", n.NameWithOwner, want, n.First, n.Last)
		}
		if want >= 2 && (n.Last.Edges[1].Node.Name != fmt.Sprintf("b%03d", want-1) || len(n.First.Edges[0].Node.CommitSha) != 40) {
			t.Fatalf("%s: last branches %+v", n.NameWithOwner, n.Last.Edges)
		}
		if l := n.Languages; l.TotalCount != 2 || l.TotalSize != 400 || l.Edges[0].Node.Name != "Go" || l.Edges[0].Percentage != 75 || l.Edges[1].Size != 100 {
			t.Fatalf("%s: languages %+v", n.NameWithOwner, l)
		}
		personal := n.NameWithOwner == giteafake.DefaultViewer+"/mine"
		if tm := n.Teams; (personal && tm.TotalCount != 0) || (!personal && (tm.TotalCount != 1 || tm.Nodes[0].Slug != "devs" || tm.Nodes[0].Permission != "WRITE")) {
			t.Fatalf("%s: teams %+v", n.NameWithOwner, tm)
		}
	}
	for req, c := range up.counts() {
		if c != 1 {
			t.Errorf("%s read %d times", req, c)
		}
		if strings.Count(strings.SplitN(req, "?", 2)[0], "/") == 5 { // /api/v1/repos/{owner}/{repo}
			t.Errorf("%s: a detail request, though the list carries every detail", req)
		}
	}
}

// TestGiteaBranchesWalkBothWays walks the 250 branches of a Gitea repository through
// Query.repository, forward with first: 30 and backward with last: 30 (each walk on a fresh
// server): every branch once, in Gitea's order, totalCount exact, and each upstream request (the
// repository, each page of 50 branches) made once per walk; the figures are logged.
func TestGiteaBranchesWalkBothWays(t *testing.T) {
	rs := repos(rand.New(rand.NewPCG(7, 8)), providers.Gitea, "acme", 2)
	var want []string
	for b := range 250 {
		want = append(want, fmt.Sprintf("b%03d", b))
	}
	const q = `query($first: Int, $after: String, $last: Int, $before: String) {
	  repository(provider: GITEA, nameWithOwner: "acme/r001") {
	    branches(first: $first, after: $after, last: $last, before: $before) {
	      totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`
	for _, backward := range []bool{false, true} {
		f := giteafake.New("gt-token", rs)
		f.SetDetails("acme/r001", giteafake.RepoDetails{Branches: want, Permission: "read"})
		up := &upstream{h: http.StripPrefix("/api/v1", f), seen: map[string]int{}}
		api := httptest.NewServer(up)
		src, err := gitea.New(gitea.Config{BaseURL: api.URL + "/api/v1"})
		if err != nil {
			t.Fatal(err)
		}
		srv := newServerTokens(t, nil, map[string]string{"gitea": "gt-token"}, src)
		var got []string
		var cursor any
		pages := 0
		for ; pages < 20; pages++ {
			vars := map[string]any{"first": 30, "after": cursor}
			if backward {
				vars = map[string]any{"last": 30, "before": cursor}
			}
			r := post(t, srv, q, vars)
			var d struct {
				Repository struct {
					Branches struct {
						TotalCount int
						Nodes      []struct{ Name string }
						PageInfo   struct {
							HasNextPage, HasPreviousPage bool
							StartCursor, EndCursor       *string
						}
					}
				}
			}
			if len(r.Errors) > 0 || json.Unmarshal(r.Data, &d) != nil {
				t.Fatalf("page %d: %s %+v", pages, r.Data, r.Errors)
			}
			b := d.Repository.Branches
			if b.TotalCount != 250 {
				t.Fatalf("totalCount %d", b.TotalCount)
			}
			var names []string
			for _, n := range b.Nodes {
				names = append(names, n.Name)
			}
			if backward {
				got = append(names, got...)
				if !b.PageInfo.HasPreviousPage {
					break
				}
				cursor = *b.PageInfo.StartCursor
			} else {
				got = append(got, names...)
				if !b.PageInfo.HasNextPage {
					break
				}
				cursor = *b.PageInfo.EndCursor
			}
		}
		api.Close()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("backward %v: %d branches: %v", backward, len(got), got)
		}
		reqs := up.counts()
		total := 0
		for req, c := range reqs {
			total += c
			if c != 1 {
				t.Errorf("backward %v: %s asked %d times", backward, req, c)
			}
		}
		t.Logf("Gitea branches walk, backward %v, 30 per page: 250 branches in %d pages; %d upstream requests (the repository once, 5 pages of 50 once each)",
			backward, pages+1, total)
		if total != 6 {
			t.Errorf("backward %v: %d upstream requests, want 6: %v", backward, total, reqs)
		}
	}
}
