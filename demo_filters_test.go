package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// TestDemoFiltersShowSomething: in demo mode every filter keeps some repositories on every forge
// (Bitbucket never archives, CodeArts has no collaborators, and only GitHub and Gitea have
// repositories of other users), fewer than the forge's whole list, and the filters combine.
func TestDemoFiltersShowSomething(t *testing.T) {
	base := startDemo(t, nil)
	count := func(provider string, args string) int {
		t.Helper()
		q := `{ viewer { repositories(provider: ` + provider + `, first: 1` + args + `) { totalCount } } }`
		body, _ := json.Marshal(map[string]string{"query": q})
		resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Data struct {
				Viewer struct{ Repositories struct{ TotalCount int } }
			}
			Errors []struct{ Message string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) > 0 {
			t.Fatalf("%s %s: %v %+v", provider, args, err, out.Errors)
		}
		return out.Data.Viewer.Repositories.TotalCount
	}
	for _, p := range []string{"GITHUB", "GITLAB", "BITBUCKET", "CODEARTS", "GITEA"} {
		all := count(p, "")
		filters := []string{`, query: "octo"`, `, privacy: PRIVATE`, `, privacy: PUBLIC`, `, isFork: true`, `, isFork: false`,
			`, affiliations: [OWNER]`, `, affiliations: [ORGANIZATION_MEMBER]`,
			`, privacy: PUBLIC, isFork: false, affiliations: [OWNER, ORGANIZATION_MEMBER]`}
		if p != "BITBUCKET" {
			filters = append(filters, `, isArchived: true`, `, isArchived: false`)
		} else if n := count(p, `, isArchived: true`); n != 0 {
			t.Errorf("BITBUCKET, isArchived: true: %d repositories", n)
		}
		if p == "GITHUB" || p == "GITEA" {
			filters = append(filters, `, affiliations: [COLLABORATOR]`)
		}
		for _, f := range filters {
			if n := count(p, f); n == 0 || n >= all {
				t.Errorf("%s%s: %d of %d repositories", p, f, n, all)
			}
		}
	}
}
