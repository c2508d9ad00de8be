//go:build unix

package app

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDemoBranchWalksEveryForge walks the branches of each demo forge's repository with the most
// branches through the HTTP handler, forward (first/after) and backward (last/before) with random
// page sizes: every branch once, in the forge's order, both directions alike, as many as
// totalCount. It logs the figures (branches, pages, upstream requests) of each walk.
func TestDemoBranchWalksEveryForge(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, p := range []string{"GITHUB", "GITLAB", "BITBUCKET", "CODEARTS", "GITEA"} {
		// A server per direction, so that each walk's upstream requests are its own.
		stacks := [2]*demoStack{newDemoStack(t), newDemoStack(t)}
		s := stacks[0]
		var list struct {
			Viewer struct {
				Repositories struct {
					Nodes []struct {
						NameWithOwner string
						Branches      *struct{ TotalCount int }
					}
				}
			}
		}
		s.do(t, `query($p: Provider) { viewer { repositories(provider: $p, first: 100) { nodes { nameWithOwner branches { totalCount } } } } }`,
			map[string]any{"p": p}, &list)
		name, total := "", -1
		for _, n := range list.Viewer.Repositories.Nodes {
			if n.Branches != nil && n.Branches.TotalCount > total {
				name, total = n.NameWithOwner, n.Branches.TotalCount
			}
		}
		if name == "" {
			t.Fatalf("%s: no repository with branches in the demo", p)
		}
		var walks [2][]string
		for d, backward := range []bool{false, true} {
			s := stacks[d]
			if d == 1 {
				// The same listing as the forward walk's server had (its counts read first pages).
				s.do(t, `query($p: Provider) { viewer { repositories(provider: $p, first: 100) { nodes { nameWithOwner branches { totalCount } } } } }`, map[string]any{"p": p}, nil)
			}
			s.take()
			var cursor *string
			pages := 0
			for ; pages <= total+1; pages++ {
				n := 1 + rng.IntN(100)
				q := `query($p: Provider!, $r: String!, $n: Int, $c: String) { repository(provider: $p, nameWithOwner: $r) {
				  branches(first: $n, after: $c) { totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`
				if backward {
					q = `query($p: Provider!, $r: String!, $n: Int, $c: String) { repository(provider: $p, nameWithOwner: $r) {
					  branches(last: $n, before: $c) { totalCount nodes { name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`
				}
				var page struct {
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
				s.do(t, q, map[string]any{"p": p, "r": name, "n": n, "c": cursor}, &page)
				b := page.Repository.Branches
				if b.TotalCount != total {
					t.Fatalf("%s %s: totalCount %d, the list said %d", p, name, b.TotalCount, total)
				}
				var names []string
				for _, x := range b.Nodes {
					names = append(names, x.Name)
				}
				if backward {
					walks[d] = append(names, walks[d]...)
					if !b.PageInfo.HasPreviousPage {
						break
					}
					cursor = b.PageInfo.StartCursor
				} else {
					walks[d] = append(walks[d], names...)
					if !b.PageInfo.HasNextPage {
						break
					}
					cursor = b.PageInfo.EndCursor
				}
			}
			s.mu.Lock()
			requests := slices.Clone(s.urls)
			s.mu.Unlock()
			s.take()
			t.Logf("%s %s: %d branches, %s walk in %d pages, %d upstream requests %v", p, name, len(walks[d]), map[bool]string{false: "forward", true: "backward"}[backward], pages+1, len(requests), requests)
		}
		if len(walks[0]) != total || !slices.Equal(walks[0], walks[1]) {
			t.Fatalf("%s %s: forward %d branches, backward %d, totalCount %d (or the orders differ)", p, name, len(walks[0]), len(walks[1]), total)
		}
		seen := map[string]bool{}
		for _, b := range walks[0] {
			if seen[b] {
				t.Fatalf("%s %s: branch %s twice", p, name, b)
			}
			seen[b] = true
		}
	}
}
