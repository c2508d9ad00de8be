package server_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// branchReads returns the GitHub branch requests of counts (path?query -> times).
func branchReads(counts map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range counts {
		if p, _, _ := strings.Cut(k, "?"); strings.HasSuffix(p, "/branches") {
			out[k] = v
		}
	}
	return out
}

// TestBranchCountOneRequest: repository(...) { branches { totalCount } } for 0, 1, 100, 101 and
// 250 branches is exact and costs one upstream branch request, per_page=1 (the count is the
// rel="last" page number), also when totalCount comes through a fragment or beside __typename.
func TestBranchCountOneRequest(t *testing.T) {
	ts, up, _ := detailServer(t, 5, map[string]string{"RESPONSE_CACHE_TTL": "0"})
	up.noGraphQL = true // GitHub's REST count; through GraphQL the count is part of one POST /graphql
	for i, n := range branchCounts {
		name := fmt.Sprintf("me/r%03d", i)
		for j, sel := range []string{`branches { totalCount }`, `branches { __typename ...C }`, `branches { ... on RefConnection { totalCount } }`} {
			q := fmt.Sprintf(`query { repository(provider: GITHUB, nameWithOwner: %q) { %s } } fragment C on RefConnection { totalCount }`, name, sel)
			if j != 1 {
				q = fmt.Sprintf(`query { repository(provider: GITHUB, nameWithOwner: %q) { %s } }`, name, sel)
			}
			r := post(t, ts, q, nil)
			var data struct {
				Repository struct{ Branches struct{ TotalCount int } }
			}
			if len(r.Errors) > 0 || json.Unmarshal(r.Data, &data) != nil {
				t.Fatalf("%s: %s: %+v %s", name, sel, r.Errors, r.Data)
			}
			if data.Repository.Branches.TotalCount != n {
				t.Fatalf("%s: %s: %d branches, want %d", name, sel, data.Repository.Branches.TotalCount, n)
			}
		}
		want := map[string]int{"/repos/" + name + "/branches?per_page=1": 1}
		got := map[string]int{}
		for k, v := range branchReads(up.counts()) {
			if strings.HasPrefix(k, "/repos/"+name+"/") {
				got[k] = v
			}
		}
		if !maps.Equal(got, want) {
			t.Fatalf("%s: branch requests %v, want %v", name, slices.Sorted(maps.Keys(got)), want)
		}
	}
}

// TestCountAndPageAreDistinct: one query asking a repository's branch count alone and, under an
// alias, a page of its branches with the count: the count read (per_page=1) and the page read
// (per_page=100, plus the rel="last" page for the page's own count) are each made once, and the
// two counts agree.
func TestCountAndPageAreDistinct(t *testing.T) {
	ts, up, _ := detailServer(t, 5, nil)
	up.noGraphQL = true // GitHub's REST count
	const q = `query { repository(provider: GITHUB, nameWithOwner: "me/r004") {
  a: branches { totalCount }
  b: branches(first: 3) { totalCount nodes { name } }
  c: branches { totalCount }
} }`
	r := post(t, ts, q, nil)
	var data struct {
		Repository struct {
			A, C struct{ TotalCount int }
			B    struct {
				TotalCount int
				Nodes      []struct{ Name string }
			}
		}
	}
	if len(r.Errors) > 0 || json.Unmarshal(r.Data, &data) != nil {
		t.Fatalf("%+v %s", r.Errors, r.Data)
	}
	d := data.Repository
	if d.A.TotalCount != 250 || d.B.TotalCount != 250 || d.C.TotalCount != 250 || len(d.B.Nodes) != 3 || d.B.Nodes[0].Name != "b000" {
		t.Fatalf("answer %+v", d)
	}
	want := map[string]int{
		"/repos/me/r004/branches?per_page=1":          1,
		"/repos/me/r004/branches?page=1&per_page=100": 1,
		"/repos/me/r004/branches?page=3&per_page=100": 1,
	}
	if got := branchReads(up.counts()); !maps.Equal(got, want) {
		t.Fatalf("branch requests %v, want %v", got, want)
	}
}

// TestCountOnlyChecksArguments: a count-only connection still refuses bad sizes and cursors
// (BAD_USER_INPUT, INVALID_CURSOR) before any branch request.
func TestCountOnlyChecksArguments(t *testing.T) {
	ts, up, _ := detailServer(t, 5, nil)
	for arg, code := range map[string]string{`first: 101`: "BAD_USER_INPUT", `first: 1, last: 1`: "BAD_USER_INPUT", `after: "nonsense"`: "INVALID_CURSOR"} {
		r := post(t, ts, `query { repository(provider: GITHUB, nameWithOwner: "me/r002") { branches(`+arg+`) { totalCount } } }`, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != code {
			t.Fatalf("%s: errors %+v, want %s", arg, r.Errors, code)
		}
	}
	if got := branchReads(up.counts()); len(got) != 0 {
		t.Fatalf("branch requests %v", got)
	}
}
