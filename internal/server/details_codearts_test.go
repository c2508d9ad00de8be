package server_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts"
	cafake "github.com/forgegraph/forgegraph/providers/codearts/fake"
)

// TestDetailsCodeArts: through the whole handler, CodeArts (v4 and v2) repositories have their
// branches and tags, exact counts across the paging edges, both walking directions on branches;
// languages, contributors, teams and the scalar details are null without an error.
func TestDetailsCodeArts(t *testing.T) {
	for _, version := range []string{codearts.APIv4, codearts.APIv2} {
		t.Run(version, func(t *testing.T) {
			rs := repos(rand.New(rand.NewPCG(3, 4)), providers.CodeArts, "tenant/group", 5)
			for i := range rs {
				rs[i].ForgeID = fmt.Sprint(7000 + i)
			}
			f := cafake.New("ca-token", rs)
			counts := map[string]int{}
			for i, n := range []int{0, 1, 100, 101, 250} {
				var bs, ts []providers.Ref
				for b := range n {
					bs = append(bs, providers.Ref{Name: fmt.Sprintf("b%03d", b)})
					ts = append(ts, providers.Ref{Name: fmt.Sprintf("t%03d", b)})
				}
				f.SetRefs(rs[i].ForgeID, bs, ts)
				counts[rs[i].NameWithOwner] = n
			}
			api := httptest.NewServer(f)
			t.Cleanup(api.Close)
			src, err := codearts.New(codearts.Config{BaseURL: api.URL, APIVersion: version})
			if err != nil {
				t.Fatal(err)
			}
			srv := newServerTokens(t, nil, map[string]string{"codearts": "ca-token"}, src)
			r := post(t, srv, `{ viewer { repositories(provider: CODEARTS, first: 5) { nodes { nameWithOwner
			  first: branches(first: 2) { totalCount edges { node { name isProtected } } pageInfo { hasNextPage } }
			  last: branches(last: 2) { edges { node { name } } pageInfo { hasPreviousPage } }
			  tags { totalCount }
			  languages(first: 3) { totalCount } contributors { totalCount } teams { totalCount }
			  homepageUrl watcherCount } } } }`, nil)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			type refs struct {
				TotalCount int
				Edges      []struct{ Node struct{ Name string } }
				PageInfo   struct{ HasNextPage, HasPreviousPage bool }
			}
			var data struct {
				Viewer struct {
					Repositories struct {
						Nodes []struct {
							NameWithOwner                  string
							First, Last                    refs
							Tags                           refs
							Languages, Contributors, Teams *refs
							HomepageURL                    *string
							WatcherCount                   *int
						}
					}
				}
			}
			if err := json.Unmarshal(r.Data, &data); err != nil {
				t.Fatal(err)
			}
			nodes := data.Viewer.Repositories.Nodes
			if len(nodes) != 5 {
				t.Fatalf("%d repositories", len(nodes))
			}
			for _, n := range nodes {
				want := counts[n.NameWithOwner]
				if n.First.TotalCount != want || n.Tags.TotalCount != want {
					t.Errorf("%s: %d branches, %d tags, want %d", n.NameWithOwner, n.First.TotalCount, n.Tags.TotalCount, want)
				}
				if len(n.First.Edges) != min(2, want) || (want > 0 && n.First.Edges[0].Node.Name != "b000") || n.First.PageInfo.HasNextPage != (want > 2) {
					t.Errorf("%s: first page %+v", n.NameWithOwner, n.First)
				}
				if len(n.Last.Edges) != min(2, want) || (want > 0 && n.Last.Edges[len(n.Last.Edges)-1].Node.Name != fmt.Sprintf("b%03d", want-1)) || n.Last.PageInfo.HasPreviousPage != (want > 2) {
					t.Errorf("%s: last page %+v", n.NameWithOwner, n.Last)
				}
				if n.Languages != nil || n.Contributors != nil || n.Teams != nil || n.HomepageURL != nil || n.WatcherCount != nil {
					t.Errorf("%s: fields CodeArts does not have are not null: %+v", n.NameWithOwner, n)
				}
			}
		})
	}
}
