package gitlab_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

// TestGitLabCountNested: 0, 1, 100, 101 and 250 branches and tags are counted from x-total in one
// request with the smallest page (per_page=1); an answer without x-total (GitLab past 10,000 items)
// is -1, for the caller to count from the pages; another field is KindBadInput.
func TestGitLabCountNested(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			repos := makeRepos(1)
			f := fake.New(token, repos)
			var names []string
			for i := range n {
				names = append(names, fmt.Sprintf("b%03d", i))
			}
			f.SetDetails(repos[0].NameWithOwner, fake.RepoDetails{Branches: names, Tags: names})
			e := newEnv(t, f, nil, nil)
			for _, field := range []string{"branches", "tags"} {
				got, err := e.src.CountNested(ctx, token, &repos[0], field)
				if err != nil || got != n {
					t.Fatalf("%s: %d, %v; want %d", field, got, err, n)
				}
				q := e.queries("/projects/" + repos[0].ForgeID + "/repository/" + field)
				if len(q) != 1 || q[0].Get("per_page") != "1" {
					t.Fatalf("%s: queries %v", field, q)
				}
			}
		})
	}
	repos := makeRepos(1)
	f := fake.New(token, repos)
	f.SetDetails(repos[0].NameWithOwner, fake.RepoDetails{Branches: []string{"main", "dev"}})
	e := newEnv(t, f, nil, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(&dropTotal{ResponseWriter: w}, r)
		})
	})
	if got, err := e.src.CountNested(ctx, token, &repos[0], "branches"); err != nil || got != -1 {
		t.Fatalf("without x-total: %d, %v", got, err)
	}
	if e.src.CountsNested("contributors") {
		t.Fatal("contributors countable")
	}
	if _, err := e.src.CountNested(ctx, token, &repos[0], "contributors"); kindOf(t, err).Kind != providers.KindBadInput {
		t.Fatalf("contributors: %v", err)
	}
}

// dropTotal removes x-total from an answer's headers before they are written.
type dropTotal struct{ http.ResponseWriter }

func (d *dropTotal) WriteHeader(code int) {
	d.Header().Del("X-Total")
	d.ResponseWriter.WriteHeader(code)
}

func (d *dropTotal) Write(b []byte) (int, error) {
	d.Header().Del("X-Total")
	return d.ResponseWriter.Write(b)
}
