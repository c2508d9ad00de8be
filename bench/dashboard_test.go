package bench

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestDashboardRequests: the dashboard page of target (f) over the demo forges asks each upstream
// URL once and exactly the reads it needs: each source's list (Gitea: GET /user first; Bitbucket:
// its workspaces, then one list per workspace), and per repository on the page its languages
// where the forge has an endpoint for them (GitHub, GitLab, Gitea) and one branch read; on GitHub
// that read is the count alone (per_page=1, the total being the rel="last" page number), never a
// page of 100 followed by the last page.
func TestDashboardRequests(t *testing.T) {
	f := NewFakes(DemoCounts)
	urls, log, closeFakes := loggedLoopback(f, 0)
	defer closeFakes()
	srv, err := NewServer(Environ(urls), nil, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := HandlerPoster(srv.Handler)(context.Background(), DashboardBody)
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
	uris := log.take()
	if _, _, dups := counts(uris); len(dups) > 0 {
		t.Fatalf("asked more than once: %v", dups)
	}
	workspaces := map[string]bool{}
	for _, r := range f.Repos["bitbucket"] {
		workspaces[r.Owner] = true
	}
	// list requests and reads per repository on the page, by source.
	want := map[string][2]int{"github": {1, 2}, "gitlab": {1, 2}, "gitea": {2, 2}, "codearts": {1, 1},
		"bitbucket": {1 + len(workspaces), 1}}
	for s, w := range want {
		n := len(onPage[string(ProviderOf[s])])
		if got := len(uris[s]); got != w[0]+w[1]*n {
			t.Errorf("%s: %d requests for %d repositories on the page, want %d + %d each: %v", s, got, n, w[0], w[1], uris[s])
		}
	}
	var ghBranches []string
	for _, u := range uris["github"] {
		if p, q, _ := strings.Cut(strings.TrimPrefix(u, "GET "), "?"); strings.HasSuffix(p, "/branches") {
			v, _ := url.ParseQuery(q)
			if v.Get("per_page") != "1" || v.Has("page") {
				t.Errorf("GitHub branch read %s is not a count", u)
			}
			ghBranches = append(ghBranches, strings.TrimSuffix(strings.TrimPrefix(p, "/repos/"), "/branches"))
		}
	}
	slices.Sort(ghBranches)
	gh := slices.Sorted(slices.Values(onPage["GITHUB"]))
	if !slices.Equal(ghBranches, gh) {
		t.Errorf("GitHub branch counts of %v, want the page's %v", ghBranches, gh)
	}
	t.Logf("repositories on the page by forge: %v", map[string]int{"GITHUB": len(onPage["GITHUB"]), "GITLAB": len(onPage["GITLAB"]),
		"BITBUCKET": len(onPage["BITBUCKET"]), "CODEARTS": len(onPage["CODEARTS"]), "GITEA": len(onPage["GITEA"])})
}
