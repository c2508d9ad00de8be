//go:build unix

package app

import (
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestWriteSequence runs, on each demo forge through the HTTP handler, create → list (CREATED: it
// is first and totalCount grew) → rename → archive (NOT_SUPPORTED on Bitbucket; both NOT_SUPPORTED
// and asking nothing on CodeArts, whose API has neither) → delete (the list is back to its count),
// and logs the upstream requests each step made (go test -run TestWriteSequence -v shows them).
func TestWriteSequence(t *testing.T) {
	s := newDemoStack(t)
	for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.Gitea, providers.CodeArts} {
		t.Run(string(p), func(t *testing.T) {
			step := func(name string) []string {
				calls := s.take()
				t.Logf("%-9s %-8s upstream: %s", p, name, strings.Join(calls, ", "))
				return calls
			}
			var l createdListData
			s.do(t, qCreatedList, map[string]any{"p": p}, &l)
			n0 := l.Viewer.Repositories.TotalCount
			step("list")
			vars := map[string]any{"p": p, "o": demoOwner(p), "n": "seq-" + strings.ToLower(string(p))}
			var c struct{ CreateRepository struct{ Repository repoNode } }
			s.do(t, mCreate, vars, &c)
			created := c.CreateRepository.Repository
			if calls := step("create"); p == providers.CodeArts && (len(calls) == 0 || calls[0] != "codearts POST /v1/repositories") {
				t.Fatalf("CodeArts create asked %v, want codearts POST /v1/repositories first", calls)
			}
			s.do(t, qCreatedList, map[string]any{"p": p}, &l)
			if first := l.Viewer.Repositories.Nodes[0]; first.ID != created.ID || l.Viewer.Repositories.TotalCount != n0+1 {
				t.Fatalf("after create: first %+v, totalCount %d; want %s and %d", first, l.Viewer.Repositories.TotalCount, created.NameWithOwner, n0+1)
			}
			step("list")
			if p == providers.CodeArts {
				s.do(t, mRename, map[string]any{"id": created.ID, "n": "seq-renamed"}, nil, "NOT_SUPPORTED")
				s.do(t, mArchive, map[string]any{"id": created.ID}, nil, "NOT_SUPPORTED")
				if calls := step("update"); len(calls) != 0 {
					t.Fatalf("NOT_SUPPORTED updates asked %v", calls)
				}
				s.do(t, mDelete, map[string]any{"id": created.ID, "c": created.NameWithOwner + "-not"}, nil, "BAD_USER_INPUT")
				for _, c := range step("guard") {
					if strings.Contains(c, " DELETE ") {
						t.Fatalf("an unconfirmed delete sent %s", c)
					}
				}
				s.do(t, mDelete, map[string]any{"id": created.ID, "c": created.NameWithOwner}, nil)
				if calls := step("delete"); len(calls) == 0 || !strings.HasPrefix(calls[len(calls)-1], "codearts DELETE /v1/repositories/") {
					t.Fatalf("CodeArts delete asked %v, want DELETE /v1/repositories/{uuid} last", calls)
				}
				s.do(t, qCreatedList, map[string]any{"p": p}, &l)
				if l.Viewer.Repositories.TotalCount != n0 || l.Viewer.Repositories.Nodes[0].ID == created.ID {
					t.Fatalf("after delete: totalCount %d (want %d), first %+v", l.Viewer.Repositories.TotalCount, n0, l.Viewer.Repositories.Nodes[0])
				}
				step("list")
				return
			}
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
