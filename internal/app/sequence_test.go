//go:build unix

package app

import (
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestWriteSequence runs, on each demo forge through the HTTP handler, create → list (CREATED: it
// is first and totalCount grew) → rename → archive (NOT_SUPPORTED on Bitbucket) → delete (the list
// is back to its count), and logs the upstream requests each step made (go test -run
// TestWriteSequence -v shows them). CodeArts answers NOT_SUPPORTED and asks nothing.
func TestWriteSequence(t *testing.T) {
	s := newDemoStack(t)
	for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.Gitea, providers.CodeArts} {
		t.Run(string(p), func(t *testing.T) {
			step := func(name string) {
				t.Logf("%-9s %-8s upstream: %s", p, name, strings.Join(s.take(), ", "))
			}
			var l createdListData
			s.do(t, qCreatedList, map[string]any{"p": p}, &l)
			n0 := l.Viewer.Repositories.TotalCount
			step("list")
			vars := map[string]any{"p": p, "o": demoOwner(p), "n": "seq-" + strings.ToLower(string(p))}
			if p == providers.CodeArts {
				a := s.do(t, mCreate, vars, nil, "NOT_SUPPORTED")
				step("create")
				if calls := s.take(); len(calls) != 0 {
					t.Fatalf("NOT_SUPPORTED create asked %v (%s)", calls, a.Errors[0].Message)
				}
				return
			}
			var c struct{ CreateRepository struct{ Repository repoNode } }
			s.do(t, mCreate, vars, &c)
			created := c.CreateRepository.Repository
			step("create")
			s.do(t, qCreatedList, map[string]any{"p": p}, &l)
			if first := l.Viewer.Repositories.Nodes[0]; first.ID != created.ID || l.Viewer.Repositories.TotalCount != n0+1 {
				t.Fatalf("after create: first %+v, totalCount %d; want %s and %d", first, l.Viewer.Repositories.TotalCount, created.NameWithOwner, n0+1)
			}
			step("list")
			var u struct{ UpdateRepository struct{ Repository repoNode } }
			s.do(t, mRename, map[string]any{"id": created.ID, "n": "seq-renamed"}, &u)
			renamed := u.UpdateRepository.Repository
			if renamed.ID != created.ID || !strings.HasSuffix(renamed.NameWithOwner, "/seq-renamed") {
				t.Fatalf("rename answered %+v", renamed)
			}
			step("rename")
			if p == providers.Bitbucket {
				s.do(t, mArchive, map[string]any{"id": created.ID}, nil, "NOT_SUPPORTED")
			} else {
				var a struct{ UpdateRepository struct{ Repository repoNode } }
				s.do(t, mArchive, map[string]any{"id": created.ID}, &a)
				if ar := a.UpdateRepository.Repository.IsArchived; ar == nil || !*ar {
					t.Fatalf("archive answered %+v", a.UpdateRepository.Repository)
				}
			}
			step("archive")
			s.do(t, mDelete, map[string]any{"id": created.ID, "c": renamed.NameWithOwner}, nil)
			step("delete")
			s.do(t, qCreatedList, map[string]any{"p": p}, &l)
			if l.Viewer.Repositories.TotalCount != n0 || l.Viewer.Repositories.Nodes[0].ID == created.ID {
				t.Fatalf("after delete: totalCount %d (want %d), first %+v", l.Viewer.Repositories.TotalCount, n0, l.Viewer.Repositories.Nodes[0])
			}
			step("list")
		})
	}
}
