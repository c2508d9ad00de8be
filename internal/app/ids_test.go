//go:build unix

package app

import (
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestIDSurvivesRename: on every forge that writes, renaming a repository (through
// updateRepository, given its id in the old path-bearing form) keeps Repository.id: the list,
// repository(...) and node show the id it had before; node and deleteRepository given the old
// form find the renamed repository. On CodeArts (no writes) both forms of an id resolve to the same
// repository and id.
func TestIDSurvivesRename(t *testing.T) {
	s := newDemoStack(t)
	for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.Gitea, providers.CodeArts} {
		t.Run(string(p), func(t *testing.T) {
			var l createdListData
			if p != providers.CodeArts { // a repository of the viewer's own, which it may delete
				s.do(t, mCreate, map[string]any{"p": p, "o": demoOwner(p), "n": "id-probe"}, nil)
			}
			s.do(t, qCreatedList, map[string]any{"p": p}, &l)
			before := l.Viewer.Repositories.Nodes[0]
			gid, err := providers.DecodeGlobalID(before.ID)
			if err != nil || gid.NameWithOwner != "" || gid.ForgeID == "" {
				t.Fatalf("id %s decodes to %+v, %v: want a forge id and no path", before.ID, gid, err)
			}
			old := providers.EncodeGlobalID(p, gid.ForgeID, before.NameWithOwner) // as ids were issued before
			var n struct{ Node *repoNode }
			s.do(t, qNodeByID, map[string]any{"id": old}, &n)
			if n.Node == nil || n.Node.ID != before.ID || n.Node.NameWithOwner != before.NameWithOwner {
				t.Fatalf("node(old id) = %+v, want %+v", n.Node, before)
			}
			if p == providers.CodeArts {
				s.do(t, mRename, map[string]any{"id": old, "n": "x"}, nil, "NOT_SUPPORTED")
				return
			}
			var u struct{ UpdateRepository struct{ Repository repoNode } }
			s.do(t, mRename, map[string]any{"id": old, "n": "renamed-" + string(p)}, &u)
			renamed := u.UpdateRepository.Repository
			if renamed.ID != before.ID || renamed.NameWithOwner == before.NameWithOwner {
				t.Fatalf("rename answered %+v; before %+v", renamed, before)
			}
			s.do(t, qCreatedList, map[string]any{"p": p}, &l)
			if got := l.Viewer.Repositories.Nodes[0]; got.ID != before.ID || got.NameWithOwner != renamed.NameWithOwner {
				t.Fatalf("the list after the rename shows %+v, want id %s and %s", got, before.ID, renamed.NameWithOwner)
			}
			var r struct{ Repository *repoNode }
			s.do(t, qByPath, map[string]any{"p": p, "n": renamed.NameWithOwner}, &r)
			if r.Repository == nil || r.Repository.ID != before.ID {
				t.Fatalf("repository(%s) = %+v, want id %s", renamed.NameWithOwner, r.Repository, before.ID)
			}
			for _, id := range []string{before.ID, old} {
				s.do(t, qNodeByID, map[string]any{"id": id}, &n)
				if n.Node == nil || n.Node.ID != before.ID || n.Node.NameWithOwner != renamed.NameWithOwner {
					t.Fatalf("node(%s) after the rename = %+v", id, n.Node)
				}
			}
			var d struct {
				DeleteRepository struct{ DeletedRepositoryID string }
			}
			s.do(t, mDelete, map[string]any{"id": old, "c": renamed.NameWithOwner}, &d)
			s.do(t, qNodeByID, map[string]any{"id": before.ID}, &n)
			if n.Node != nil {
				t.Fatalf("node after the delete = %+v", n.Node)
			}
		})
	}
}

// demoOwner is the owner a create on p names: Bitbucket's demo workspace (it needs one), else none
// (the viewer's own account or namespace).
func demoOwner(p providers.Provider) any {
	if p != providers.Bitbucket {
		return nil
	}
	return registry.DemoRepositoriesOf(p)[0].Owner
}

// TestEveryServedIDDecodes: the id of every repository the demo forges serve (every forge's id
// shape: numbers, Bitbucket {uuid}s, CodeArts ids) decodes to its provider and forge id, so no id
// the server issues is refused as malformed.
func TestEveryServedIDDecodes(t *testing.T) {
	s := newDemoStack(t)
	const q = `query($p: Provider, $after: String) { viewer { repositories(provider: $p, sort: FULL_NAME, first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id provider } } } }`
	n := 0
	for _, p := range providers.AllProviders {
		var after any
		for {
			var l struct {
				Viewer struct {
					Repositories struct {
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
						Nodes []struct{ ID, Provider string }
					}
				}
			}
			s.do(t, q, map[string]any{"p": p, "after": after}, &l)
			for _, r := range l.Viewer.Repositories.Nodes {
				gid, err := providers.DecodeGlobalID(r.ID)
				if err != nil || string(gid.Provider) != r.Provider || gid.ForgeID == "" || gid.NameWithOwner != "" {
					t.Fatalf("%s id %s: %+v, %v", r.Provider, r.ID, gid, err)
				}
				n++
			}
			if !l.Viewer.Repositories.PageInfo.HasNextPage {
				break
			}
			after = l.Viewer.Repositories.PageInfo.EndCursor
		}
	}
	if n < 100 {
		t.Fatalf("only %d repositories checked", n)
	}
}
