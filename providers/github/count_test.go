package github_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github/fake"
)

// TestCountNested: 0, 1, 100, 101 and 250 branches (and as many tags, contributors and teams) are
// counted exactly in one request each, GET .../{field}?per_page=1, from the Link rel="last" page
// number (no Link: the 0 or 1 item of the answer).
func TestCountNested(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s, f, rc := fakeSource(t, detailRepos())
			d := fake.RepoDetails{}
			for i := range n {
				d.Branches = append(d.Branches, fmt.Sprintf("b%03d", i))
				d.Tags = append(d.Tags, fmt.Sprintf("v%03d", i))
				d.Contributors = append(d.Contributors, fake.Contributor{Login: fmt.Sprintf("u%03d", i), Contributions: 1000 - i})
				d.Teams = append(d.Teams, fake.Team{Name: fmt.Sprintf("T%03d", i), Slug: fmt.Sprintf("t%03d", i), Permission: "pull"})
			}
			f.SetDetails("org/up", d)
			repo := &detailRepos()[0]
			for _, field := range []string{"branches", "tags", "contributors", "teams"} {
				if !s.CountsNested(field) {
					t.Fatalf("%s not countable", field)
				}
				rc.Take()
				got, err := s.CountNested(ctx, token, repo, field)
				if err != nil || got != n {
					t.Fatalf("%s: %d, %v; want %d", field, got, err, n)
				}
				reqs := rc.Take()
				if len(reqs) != 1 || reqs[0].Path != "/repos/org/up/"+field || reqs[0].Values().Get("per_page") != "1" || reqs[0].Values().Has("page") {
					t.Fatalf("%s: requests %+v", field, reqs)
				}
			}
		})
	}
}

// TestCountNestedEdges: a personal repository's teams (404) count 0, a repository the credential
// cannot see is KindNotFound, a field that is not a list is KindBadInput with no request, and a
// Link with a next page but no last one is KindBadResponse rather than a guess.
func TestCountNestedEdges(t *testing.T) {
	ctx := context.Background()
	s, f, rc := fakeSource(t, detailRepos())
	f.SetDetails("org/up", fake.RepoDetails{Personal: true})
	repo := &detailRepos()[0]
	if n, err := s.CountNested(ctx, token, repo, "teams"); err != nil || n != 0 {
		t.Fatalf("personal teams: %d, %v", n, err)
	}
	if n, err := s.CountNested(ctx, token, repo, "contributors"); err != nil || n != 0 {
		t.Fatalf("empty repository's contributors (204): %d, %v", n, err)
	}
	_, err := s.CountNested(ctx, token, &providers.Repository{NameWithOwner: "org/absent"}, "branches")
	wantKind(t, err, providers.KindNotFound)
	rc.Take()
	if s.CountsNested("languages") {
		t.Fatal("languages countable")
	}
	_, err = s.CountNested(ctx, token, repo, "languages")
	wantKind(t, err, providers.KindBadInput)
	if reqs := rc.Take(); len(reqs) != 0 {
		t.Fatalf("requests for an uncountable field: %+v", reqs)
	}
	_, base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<`+r.URL.Path+`?page=2&per_page=1>; rel="next"`)
		w.Write([]byte(`[{"name":"main"}]`))
	}))
	_, err = newSource(t, base, 0).CountNested(ctx, token, repo, "branches")
	wantKind(t, err, providers.KindBadResponse)
}
