package bench

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestDashboardRequests: the dashboard page of target (f) over the demo forges asks each upstream
// URL once and exactly the reads it needs: each source's list (Gitea: GET /user first; Bitbucket:
// its workspaces, then one list per workspace), and per repository on the page its languages
// where the forge has an endpoint for them (GitLab, Gitea) and one branch read. On GitHub the
// languages and branch counts of every repository on the page come from GraphQL (POST /graphql,
// providers.DetailBatcher): no REST detail read at all, each repository's languages and branch
// count asked exactly once over the GraphQL requests, by variables, never in the document. There
// is normally one GraphQL request; a resolver whose key misses the detail loader's collection
// window (loaders.BatchWindow) starts another request, so the count of GraphQL requests is checked to be
// at least 1 and at most the page's GitHub repositories, and what they ask is checked exactly. A
// warm repeat (executed, RESPONSE_CACHE_TTL=0) asks nothing.
func TestDashboardRequests(t *testing.T) {
	f := NewFakes(DemoCounts)
	urls, log, closeFakes := loggedLoopback(f, 0)
	defer closeFakes()
	env := Environ(urls)
	env["RESPONSE_CACHE_TTL"] = "0" // a repeat is executed, from the page and detail caches
	srv, err := NewServer(env, nil, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	post := HandlerPoster(srv.Handler)
	body, err := post(context.Background(), DashboardBody)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkDashboard(body); err != nil {
		t.Fatal(err)
	}
	var a struct {
		Data struct {
			Viewer struct {
				Repositories struct {
					Nodes []struct{ Provider, NameWithOwner string }
				}
			}
		}
	}
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	onPage := map[string][]string{} // provider -> nameWithOwner
	for _, n := range a.Data.Viewer.Repositories.Nodes {
		onPage[n.Provider] = append(onPage[n.Provider], n.NameWithOwner)
	}
	bodies := log.takeBodies()
	uris := log.take()
	if _, _, dups := counts(uris); len(dups) > 0 {
		t.Fatalf("asked more than once: %v", dups)
	}
	workspaces := map[string]bool{}
	for _, r := range f.Repos["bitbucket"] {
		workspaces[r.Owner] = true
	}
	// list requests and reads per repository on the page, by source.
	want := map[string][2]int{"gitlab": {1, 2}, "gitea": {2, 2}, "codearts": {1, 1},
		"bitbucket": {1 + len(workspaces), 1}}
	for s, w := range want {
		n := len(onPage[string(ProviderOf[s])])
		if got := len(uris[s]); got != w[0]+w[1]*n {
			t.Errorf("%s: %d requests for %d repositories on the page, want %d + %d each: %v", s, got, n, w[0], w[1], uris[s])
		}
	}
	gh := slices.Sorted(slices.Values(onPage["GITHUB"]))
	var ghREST, ghGraphQL []string
	for _, u := range uris["github"] {
		if strings.HasPrefix(u, "POST /graphql#") {
			ghGraphQL = append(ghGraphQL, u)
		} else {
			ghREST = append(ghREST, u)
		}
	}
	if len(ghREST) != 1 || !strings.HasPrefix(ghREST[0], "GET /user/repos?") {
		t.Errorf("GitHub REST requests %v, want the list alone (details come from GraphQL)", ghREST)
	}
	if len(ghGraphQL) < 1 || len(ghGraphQL) > len(gh) {
		t.Errorf("%d GitHub GraphQL requests for %d repositories, want 1 (at most one per repository)", len(ghGraphQL), len(gh))
	}
	asked := map[string][]string{} // field -> nameWithOwner, over every GraphQL request
	for _, b := range bodies["github"] {
		for field, repos := range graphQLAsks(t, b) {
			asked[field] = append(asked[field], repos...)
		}
	}
	for _, field := range []string{"languages", "branches"} {
		if got := slices.Sorted(slices.Values(asked[field])); !slices.Equal(got, gh) {
			t.Errorf("GitHub GraphQL %s of %v, want the page's %v, each once", field, got, gh)
		}
	}
	// A warm repeat asks nothing: the batched values are cached under the per-key detail keys.
	if _, err := post(context.Background(), DashboardBody); err != nil {
		t.Fatal(err)
	}
	if again := log.take(); len(again) > 0 {
		t.Errorf("warm repeat asked %v", again)
	}
	t.Logf("repositories on the page by forge: %v; GitHub GraphQL requests: %d", map[string]int{"GITHUB": len(onPage["GITHUB"]), "GITLAB": len(onPage["GITLAB"]),
		"BITBUCKET": len(onPage["BITBUCKET"]), "CODEARTS": len(onPage["CODEARTS"]), "GITEA": len(onPage["GITEA"])}, len(ghGraphQL))
}

// graphQLAsks returns what one GitHub GraphQL request body asks: for "languages" and "branches"
// (refs aliased branches) the repositories (owner/name from the variables) that select it. It
// fails t when a repository's owner or name is written into the document instead of a variable.
func graphQLAsks(t *testing.T, body []byte) map[string][]string {
	t.Helper()
	var req struct {
		Query     string            `json:"query"`
		Variables map[string]string `json:"variables"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatalf("GraphQL body %s: %v", body, err)
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil || len(doc.Operations) != 1 {
		t.Fatalf("GraphQL document %q: %v", req.Query, err)
	}
	out := map[string][]string{}
	for _, sel := range doc.Operations[0].SelectionSet {
		f := sel.(*ast.Field)
		owner, name := f.Arguments.ForName("owner").Value, f.Arguments.ForName("name").Value
		if owner.Kind != ast.Variable || name.Kind != ast.Variable {
			t.Errorf("repository(owner: %s, name: %s) is not given by variables", owner, name)
			continue
		}
		repo := req.Variables[owner.Raw] + "/" + req.Variables[name.Raw]
		for _, g := range f.SelectionSet {
			out[g.(*ast.Field).Alias] = append(out[g.(*ast.Field).Alias], repo)
		}
	}
	return out
}
