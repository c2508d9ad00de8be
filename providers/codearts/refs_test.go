package codearts_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts/fake"
)

// makeRefs returns n refs named prefix-0000..., every third protected, each with a commit.
func makeRefs(prefix string, n int) []providers.Ref {
	out := make([]providers.Ref, n)
	for i := range out {
		sha := fmt.Sprintf("%040x", i+1)
		out[i] = providers.Ref{Name: fmt.Sprintf("%s-%04d", prefix, i), CommitSHA: &sha}
		if prefix == "branch" {
			p := i%3 == 0
			out[i].IsProtected = &p
		}
	}
	return out
}

// readRefs reads every page of repo's refs of kind until a page without More and returns the refs
// and the number of pages read.
func readRefs(t *testing.T, s interface {
	Refs(context.Context, string, *providers.Repository, providers.RefKind, int) (providers.ListPage[providers.Ref], error)
}, repo *providers.Repository, kind providers.RefKind) ([]providers.Ref, int, int) {
	t.Helper()
	var all []providers.Ref
	total := -2
	for i := 0; ; i++ {
		p, err := s.Refs(context.Background(), token, repo, kind, i)
		if err != nil {
			t.Fatalf("%s page %d: %v", kind, i, err)
		}
		if i == 0 {
			total = p.Total
		}
		all = append(all, p.Items...)
		if !p.More {
			return all, i + 1, total
		}
		if i > 20 {
			t.Fatalf("%s: more than 20 pages", kind)
		}
	}
}

func refNames(refs []providers.Ref) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Name
	}
	return out
}

// TestRefsPagingEdges lists 0, 1, 100, 101 and 250 branches and tags on v4 and v2: every ref once,
// in the forge's order, with its commit and (branches) protection, in the fewest pages.
func TestRefsPagingEdges(t *testing.T) {
	for _, version := range versions {
		for _, n := range []int{0, 1, 100, 101, 250} {
			t.Run(fmt.Sprintf("%s/%d", version, n), func(t *testing.T) {
				repos := makeRepos(1, 1)
				f, rc, s := withFake(t, version, repos)
				branches, tags := makeRefs("branch", n), makeRefs("tag", n)
				f.SetRefs(repos[0].ForgeID, branches, tags)
				for _, kind := range []providers.RefKind{providers.Branches, providers.Tags} {
					want := branches
					if kind == providers.Tags {
						want = tags
					}
					before := f.Requests()
					got, pages, total := readRefs(t, s, &repos[0], kind)
					sameList(t, string(kind), refNames(got), refNames(want))
					if total != n {
						t.Errorf("%s: total %d, want %d", kind, total, n)
					}
					for i := range got {
						if *got[i].CommitSHA != *want[i].CommitSHA {
							t.Fatalf("%s %d: commit %s, want %s", kind, i, *got[i].CommitSHA, *want[i].CommitSHA)
						}
						switch {
						case kind == providers.Tags && got[i].IsProtected != nil:
							t.Fatalf("tag %s has a protection flag", got[i].Name)
						case kind == providers.Branches && (got[i].IsProtected == nil || *got[i].IsProtected != *want[i].IsProtected):
							t.Fatalf("branch %s: protection %v, want %v", got[i].Name, got[i].IsProtected, *want[i].IsProtected)
						}
					}
					wantPages := max(1, (n+providers.PageSize-1)/providers.PageSize)
					if pages != wantPages || f.Requests()-before != int64(wantPages) {
						t.Errorf("%s: %d pages, %d requests, want %d", kind, pages, f.Requests()-before, wantPages)
					}
				}
				paths := rc.Paths()
				for _, p := range paths {
					if version == "v4" && !slices.Contains([]string{"/v4/repositories/" + repos[0].ForgeID + "/repository/branches", "/v4/repositories/" + repos[0].ForgeID + "/repository/tags"}, p) ||
						version == "v2" && !slices.Contains([]string{"/v2/repositories/" + repos[0].ForgeID + "/branches", "/v2/repositories/" + repos[0].ForgeID + "/tags"}, p) {
						t.Errorf("request to %s", p)
					}
				}
			})
		}
	}
}

// TestRefsNotVisible: the forge's 404 (no such repository) and 403 (another tenant's) are
// KindNotFound; a repository without a numeric id is KindBadInput before any request.
func TestRefsNotVisible(t *testing.T) {
	for _, version := range versions {
		t.Run(version, func(t *testing.T) {
			repos := makeRepos(2, 2)
			f, _, s := withFake(t, version, repos[:1])
			f.ForbidRefs(repos[0].ForgeID)
			for _, kind := range []providers.RefKind{providers.Branches, providers.Tags} {
				_, err := s.Refs(context.Background(), token, &repos[0], kind, 0)
				wantKind(t, err, providers.KindNotFound, repos[0].NameWithOwner)
				_, err = s.Refs(context.Background(), token, &repos[1], kind, 0)
				wantKind(t, err, providers.KindNotFound)
			}
			before := f.Requests()
			bad := repos[0]
			bad.ForgeID = "../1"
			_, err := s.Refs(context.Background(), token, &bad, providers.Branches, 0)
			wantKind(t, err, providers.KindBadInput, "not a CodeArts repository id")
			if f.Requests() != before {
				t.Error("a malformed id reached the forge")
			}
		})
	}
}

// TestRefsUnauthorized: a wrong token is KindUnauth.
func TestRefsUnauthorized(t *testing.T) {
	for _, version := range versions {
		repos := makeRepos(3, 1)
		_, _, s := withFake(t, version, repos)
		_, err := s.Refs(context.Background(), "wrong", &repos[0], providers.Branches, 0)
		wantKind(t, err, providers.KindUnauth)
	}
}

// TestRefsDemo: a repository given no refs serves the demo's, the same as fake.DemoRefs, on both
// versions.
func TestRefsDemo(t *testing.T) {
	for _, version := range versions {
		repos := makeRepos(4, 40)
		_, _, s := withFake(t, version, repos)
		sizes := map[int]bool{}
		for i := range repos {
			wantB, wantT := fake.DemoRefs(&repos[i])
			gotB, _, _ := readRefs(t, s, &repos[i], providers.Branches)
			gotT, _, _ := readRefs(t, s, &repos[i], providers.Tags)
			sameList(t, "branches", refNames(gotB), refNames(wantB))
			sameList(t, "tags", refNames(gotT), refNames(wantT))
			sizes[len(gotB)] = true
		}
		if len(sizes) < 3 {
			t.Errorf("%s: branch counts %v: the demo should vary them", version, sizes)
		}
	}
}

// TestV4RefsPagingParameters: v4 branches and tags are asked by offset (100 per page index, from 0)
// and limit 100, the parameters the API reference documents for ListBranches and ListTags (no
// page/per_page), and the total is read from X-Total.
func TestV4RefsPagingParameters(t *testing.T) {
	repos := makeRepos(1, 1)
	f, rc, s := withFake(t, "v4", repos)
	f.SetRefs(repos[0].ForgeID, makeRefs("branch", 250), makeRefs("tag", 250))
	for _, kind := range []providers.RefKind{providers.Branches, providers.Tags} {
		_, pages, total := readRefs(t, s, &repos[0], kind)
		if total != 250 || pages != 3 {
			t.Fatalf("%s: %d pages, total %d", kind, pages, total)
		}
		qs := rc.Queries("/v4/repositories/" + repos[0].ForgeID + "/repository/" + string(kind))
		if len(qs) != 3 {
			t.Fatalf("%s: %d requests", kind, len(qs))
		}
		for i, q := range qs {
			if q.Get("offset") != fmt.Sprint(100*i) || q.Get("limit") != "100" || q.Has("page") || q.Has("per_page") {
				t.Fatalf("%s page %d asked %v, want offset=%d&limit=100", kind, i, q, 100*i)
			}
		}
	}
}
