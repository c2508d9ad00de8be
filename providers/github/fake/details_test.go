package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestBranchPagingEdges: 0, 1, 100, 101 and 250 branches at per_page=100: no Link while one page
// holds them, else next/last on the first page and prev/first on the last, as GitHub sends them.
func TestBranchPagingEdges(t *testing.T) {
	const tok = "t"
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := New(tok, repos(1))
			var names []string
			for i := range n {
				names = append(names, fmt.Sprintf("b%d", i))
			}
			s.SetDetails("o/r-000", RepoDetails{Branches: names})
			root := mount(t, s)
			pages := max(1, (n+99)/100)
			var got int
			for p := 1; p <= pages; p++ {
				r := fetch(t, fmt.Sprintf("%s/repos/o/r-000/branches?per_page=100&page=%d", root, p), "Bearer "+tok)
				var items []branch
				if r.status != http.StatusOK || json.Unmarshal(r.body, &items) != nil {
					t.Fatalf("page %d: %d %s", p, r.status, r.body)
				}
				got += len(items)
				link := r.header.Get("Link")
				switch {
				case pages == 1 && link != "":
					t.Fatalf("one page with Link %q", link)
				case pages > 1 && p == 1 && (!strings.Contains(link, `rel="next"`) || !strings.Contains(link, fmt.Sprintf(`page=%d&per_page=100>; rel="last"`, pages))):
					t.Fatalf("first page Link %q", link)
				case pages > 1 && p == pages && (strings.Contains(link, `rel="next"`) || !strings.Contains(link, `rel="prev"`)):
					t.Fatalf("last page Link %q", link)
				}
			}
			if got != n {
				t.Fatalf("%d branches, want %d", got, n)
			}
		})
	}
}

// TestDetailStatuses: GitHub's statuses for the detail routes.
func TestDetailStatuses(t *testing.T) {
	const tok = "t"
	s := New(tok, repos(3))
	s.SetDetails("o/r-000", RepoDetails{Personal: true})                                        // no branches: empty
	s.SetDetails("o/r-001", RepoDetails{Branches: []string{"main"}, TooManyContributors: true}) // 403
	root := mount(t, s)
	for path, want := range map[string]int{
		"/repos/o/r-000/contributors": http.StatusNoContent,
		"/repos/o/r-000/teams":        http.StatusNotFound,
		"/repos/o/r-001/contributors": http.StatusForbidden,
		"/repos/o/r-001/teams":        http.StatusOK,
		"/repos/o/none/branches":      http.StatusNotFound,
		"/repos/o/r-001/unknown":      http.StatusNotFound,
		"/repos/o/r-001/languages":    http.StatusOK,
	} {
		if r := fetch(t, root+path, "Bearer "+tok); r.status != want {
			t.Errorf("%s: %d, want %d (%s)", path, r.status, want, r.body)
		}
	}
	if r := fetch(t, root+"/repos/o/r-001/branches", "Bearer wrong"); r.status != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", r.status)
	}
}

// TestPerPageOneLink: asked per_page=1, the fake answers as GitHub does: one item, and for more
// than one a Link whose rel="last" is page N of one item each (N the count); none for 0 or 1.
func TestPerPageOneLink(t *testing.T) {
	const tok = "t"
	for _, n := range []int{0, 1, 2, 100, 101, 250} {
		s := New(tok, repos(1))
		var names []string
		for i := range n {
			names = append(names, fmt.Sprintf("b%d", i))
		}
		s.SetDetails("o/r-000", RepoDetails{Branches: names})
		root := mount(t, s)
		r := fetch(t, root+"/repos/o/r-000/branches?per_page=1", "Bearer "+tok)
		var items []branch
		if r.status != http.StatusOK || json.Unmarshal(r.body, &items) != nil || len(items) != min(n, 1) {
			t.Fatalf("%d branches: %d %s", n, r.status, r.body)
		}
		link := r.header.Get("Link")
		switch {
		case n <= 1 && link != "":
			t.Fatalf("%d branches: Link %q", n, link)
		case n > 1 && (!strings.Contains(link, `rel="next"`) || !strings.Contains(link, fmt.Sprintf(`page=%d&per_page=1>; rel="last"`, n))):
			t.Fatalf("%d branches: Link %q", n, link)
		}
	}
}
