package server_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

const branchesQuery = `query($o: String!, $first: Int, $after: String, $last: Int, $before: String) {
  repository(provider: GITHUB, nameWithOwner: $o) { id
    branches(first: $first, after: $after, last: $last, before: $before) {
      totalCount edges { cursor node { name commitSha } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`

type branchPage struct {
	Repository *struct {
		ID       string
		Branches *struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct{ Name, CommitSha string }
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
		}
	}
}

func branches(t *testing.T, r gqlResponse) branchPage {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	var p branchPage
	if err := json.Unmarshal(r.Data, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBranchesWalkBothWays: me/r004 has 250 branches; walking forward and backward with random
// page sizes through Query.repository gives each once, in order, with the exact total.
func TestBranchesWalkBothWays(t *testing.T) {
	ts, _, _ := detailServer(t, 6, nil)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, backward := range []bool{false, true} {
		var got []string
		var cursor *string
		for step := 0; ; step++ {
			if step > 260 {
				t.Fatal("walk does not end")
			}
			n := 1 + rng.IntN(100)
			vars := map[string]any{"o": "me/r004", "first": n, "after": cursor}
			if backward {
				vars = map[string]any{"o": "me/r004", "last": n, "before": cursor}
			}
			b := branches(t, post(t, ts, branchesQuery, vars)).Repository.Branches
			if b.TotalCount != 250 {
				t.Fatalf("totalCount %d", b.TotalCount)
			}
			var names []string
			for _, e := range b.Edges {
				names = append(names, e.Node.Name)
			}
			if backward {
				got = append(names, got...)
				if !b.PageInfo.HasPreviousPage {
					break
				}
				cursor = b.PageInfo.StartCursor
			} else {
				got = append(got, names...)
				if !b.PageInfo.HasNextPage {
					break
				}
				cursor = b.PageInfo.EndCursor
			}
		}
		if len(got) != 250 {
			t.Fatalf("backward %v: %d branches", backward, len(got))
		}
		for i, name := range got {
			if name != fmt.Sprintf("b%03d", i) {
				t.Fatalf("backward %v: branch %d is %s", backward, i, name)
			}
		}
	}
}

// TestNestedCursorsAndSizes: a branches cursor is INVALID_CURSOR for tags and for another
// repository; sizes out of 0–100 and first with last are BAD_USER_INPUT, at the field's path.
func TestNestedCursorsAndSizes(t *testing.T) {
	ts, _, _ := detailServer(t, 6, nil)
	p := branches(t, post(t, ts, branchesQuery, map[string]any{"o": "me/r004", "first": 2}))
	cursor := *p.Repository.Branches.PageInfo.EndCursor
	cases := []struct {
		name, query string
		vars        map[string]any
		code, path  string
	}{
		{"tags", `query($c: String) { repository(provider: GITHUB, nameWithOwner: "me/r004") { tags(after: $c) { totalCount } } }`,
			map[string]any{"c": cursor}, "INVALID_CURSOR", "repository.tags"},
		{"other repository", branchesQuery, map[string]any{"o": "me/r003", "after": cursor}, "INVALID_CURSOR", "repository.branches"},
		{"altered", branchesQuery, map[string]any{"o": "me/r004", "after": cursor[:len(cursor)-3] + "AAA"}, "INVALID_CURSOR", "repository.branches"},
		{"101", branchesQuery, map[string]any{"o": "me/r004", "first": 101}, "BAD_USER_INPUT", "repository.branches"},
		{"-1", branchesQuery, map[string]any{"o": "me/r004", "last": -1}, "BAD_USER_INPUT", "repository.branches"},
		{"both", branchesQuery, map[string]any{"o": "me/r004", "first": 1, "last": 1}, "BAD_USER_INPUT", "repository.branches"},
		{"bad path", branchesQuery, map[string]any{"o": "no-owner"}, "BAD_USER_INPUT", "repository"},
		{"dot dot", branchesQuery, map[string]any{"o": "me/.."}, "BAD_USER_INPUT", "repository"},
		{"empty segment", branchesQuery, map[string]any{"o": "me//r004"}, "BAD_USER_INPUT", "repository"},
	}
	for _, c := range cases {
		r := post(t, ts, c.query, c.vars)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != c.code || pathOf(r.Errors[0].Path) != c.path {
			t.Errorf("%s: errors %+v, want one %s at %s", c.name, r.Errors, c.code, c.path)
		}
	}
	// A size error names the rule as the top connection does.
	r := post(t, ts, branchesQuery, map[string]any{"o": "me/r004", "first": 101})
	if !strings.Contains(r.Errors[0].Message, "first must be between 0 and 100, got 101") {
		t.Errorf("message %q", r.Errors[0].Message)
	}
}

func pathOf(p []any) string {
	var parts []string
	for _, x := range p {
		parts = append(parts, fmt.Sprint(x))
	}
	return strings.Join(parts, ".")
}

// TestRepositoryQuery: absent is null without an error; repository and node answer the same
// object; the parent of a fork.
func TestRepositoryQuery(t *testing.T) {
	ts, _, f := detailServer(t, 3, nil)
	f.SetDetails("me/r001", fake.RepoDetails{Parent: "me/r000", Permission: "pull"})
	r := post(t, ts, `{ repository(provider: GITHUB, nameWithOwner: "me/none") { id } }`, nil)
	if len(r.Errors) > 0 || string(r.Data) != `{"repository":null}` {
		t.Fatalf("absent: %s %+v", r.Data, r.Errors)
	}
	r = post(t, ts, `{ repository(provider: GITHUB, nameWithOwner: "ME/R002") { id nameWithOwner watcherCount } }`, nil)
	var a struct {
		Repository struct {
			ID, NameWithOwner string
			WatcherCount      int
		}
	}
	if err := json.Unmarshal(r.Data, &a); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s %+v", r.Data, r.Errors)
	}
	r = post(t, ts, `query($id: ID!) { node(id: $id) { ... on Repository { id nameWithOwner watcherCount } } }`, map[string]any{"id": a.Repository.ID})
	var b struct {
		Node struct {
			ID, NameWithOwner string
			WatcherCount      int
		}
	}
	if err := json.Unmarshal(r.Data, &b); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s %+v", r.Data, r.Errors)
	}
	if a.Repository != b.Node || a.Repository.NameWithOwner != "me/r002" || a.Repository.WatcherCount != 2 {
		t.Fatalf("repository %+v, node %+v", a.Repository, b.Node)
	}
	r = post(t, ts, `{ repository(provider: GITHUB, nameWithOwner: "me/r001") { viewerPermission parent { nameWithOwner homepageUrl } } }`, nil)
	if want := `{"repository":{"viewerPermission":"READ","parent":{"nameWithOwner":"me/r000","homepageUrl":"https://r0.example"}}}`; string(r.Data) != want || len(r.Errors) > 0 {
		t.Fatalf("fork: %s %+v", r.Data, r.Errors)
	}
}

// TestDetailFailureStaysAtItsField: a forge failing one repository's languages is an error at that
// field's path with code and provider; everything else is answered.
func TestDetailFailureStaysAtItsField(t *testing.T) {
	ts, up, _ := detailServer(t, 5, nil)
	up.noGraphQL = true // languages through REST, where one repository's read can fail alone
	up.fail = func(r *http.Request) bool { return r.URL.Path == "/repos/me/r003/languages" }
	r := post(t, ts, `{ viewer { repositories(provider: GITHUB, sort: FULL_NAME, first: 5) { nodes {
	  nameWithOwner homepageUrl languages(first: 1) { totalCount } } } } }`, nil)
	if len(r.Errors) != 1 {
		t.Fatalf("errors %+v", r.Errors)
	}
	e := r.Errors[0]
	if e.Extensions["code"] != "UPSTREAM_UNAVAILABLE" || e.Extensions["provider"] != "GITHUB" || pathOf(e.Path) != "viewer.repositories.nodes.3.languages" {
		t.Fatalf("error %+v", e)
	}
	var data struct {
		Viewer struct {
			Repositories struct {
				Nodes []struct {
					NameWithOwner string
					HomepageURL   string
					Languages     *struct{ TotalCount int }
				}
			}
		}
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	for i, n := range data.Viewer.Repositories.Nodes {
		if (i == 3) != (n.Languages == nil) || n.HomepageURL == "" {
			t.Fatalf("repository %d: %+v", i, n)
		}
	}
}

// TestDetailsNotSupported: a source without the capabilities answers null, without errors.
func TestDetailsNotSupported(t *testing.T) {
	src := providertest.NewSource("github", repos(rand.New(rand.NewPCG(1, 1)), providers.GitHub, "me", 3))
	ts := newServer(t, nil, src)
	r := post(t, ts, `{ viewer { repositories(first: 3) { nodes { nameWithOwner homepageUrl watcherCount topics parent { id }
	  languages { totalCount } branches { totalCount } tags { totalCount } contributors { totalCount } teams { totalCount } } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors %+v", r.Errors)
	}
	if want := `{"nameWithOwner":"me/r000","homepageUrl":null,"watcherCount":null,"topics":null,"parent":null,"languages":null,"branches":null,"tags":null,"contributors":null,"teams":null}`; !strings.Contains(string(r.Data), want) {
		t.Fatalf("data %s", r.Data)
	}
}

// TestNestedComplexity: 100 repositories with 100 branches each is refused before any forge is
// asked; 20 with languages(first: 3) and branches { totalCount } is not.
func TestNestedComplexity(t *testing.T) {
	ts, up, _ := detailServer(t, 3, nil)
	r := post(t, ts, `{ viewer { repositories(first: 100) { nodes { branches(first: 100) { nodes { name } } } } } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "complexity") {
		t.Fatalf("errors %+v", r.Errors)
	}
	if n := len(up.counts()); n != 0 {
		t.Fatalf("%d upstream requests for a refused query", n)
	}
	if r := post(t, ts, detailsPage, nil); len(r.Errors) > 0 {
		t.Fatalf("errors %+v", r.Errors)
	}
}
