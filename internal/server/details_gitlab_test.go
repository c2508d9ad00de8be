package server_test

import (
	"net/http/httptest"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

// TestGitLabDetailsEndToEnd: a project in a nested group found by its path, with GitLab's details:
// languages by percentage (no sizes), the permission from GET /projects/:id, no watchers or teams.
func TestGitLabDetailsEndToEnd(t *testing.T) {
	main := "main"
	repo := providers.Repository{ForgeID: "42", Provider: providers.GitLab, Name: "svc", NameWithOwner: "acme/platform/svc",
		Owner: "acme/platform", DefaultBranch: &main}
	f := gitlabfake.New("glpat-e2e", []providers.Repository{repo})
	f.SetDetails(repo.NameWithOwner, gitlabfake.RepoDetails{AccessLevel: 40, IssuesEnabled: true, OpenIssues: 2,
		Branches: []string{"main", "dev"}, Protected: []int{0}, Languages: map[string]float64{"Go": 80, "Shell": 20},
		Contributors: []gitlabfake.Contributor{{Name: "Ann", Commits: 3}}, RepositorySize: 4096})
	api := httptest.NewServer(f)
	t.Cleanup(api.Close)
	src, err := gitlab.New(gitlab.Config{BaseURL: api.URL})
	if err != nil {
		t.Fatal(err)
	}
	ts := newServerTokens(t, nil, map[string]string{"gitlab": "glpat-e2e"}, src)
	r := post(t, ts, `{ repository(provider: GITLAB, nameWithOwner: "acme/platform/svc") {
	  visibility openIssuesCount viewerPermission diskUsage watcherCount homepageUrl
	  languages { totalSize edges { size percentage node { name } } }
	  branches(last: 1) { totalCount nodes { name isProtected } }
	  contributors { nodes { login name contributions } } teams { totalCount } } }`, nil)
	want := `{"repository":{"visibility":"PUBLIC","openIssuesCount":2,"viewerPermission":"MAINTAIN","diskUsage":4,"watcherCount":null,"homepageUrl":null,` +
		`"languages":{"totalSize":null,"edges":[{"size":null,"percentage":80,"node":{"name":"Go"}},{"size":null,"percentage":20,"node":{"name":"Shell"}}]},` +
		`"branches":{"totalCount":2,"nodes":[{"name":"dev","isProtected":false}]},` +
		`"contributors":{"nodes":[{"login":null,"name":"Ann","contributions":3}]},"teams":null}}`
	if len(r.Errors) > 0 || string(r.Data) != want {
		t.Fatalf("got %s %+v\nwant %s", r.Data, r.Errors, want)
	}
}
