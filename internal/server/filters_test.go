package server_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

const filterQuery = `query($first: Int, $after: String, $before: String, $q: String, $privacy: RepositoryPrivacy, $aff: [RepositoryAffiliation!], $fork: Boolean, $archived: Boolean) {
  viewer { repositories(first: $first, after: $after, before: $before, query: $q, privacy: $privacy, affiliations: $aff, isFork: $fork, isArchived: $archived) {
    totalCount
    edges { cursor node { id provider nameWithOwner pushedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } } }`

// filterServer serves two forges whose repositories alternate private, fork and archived.
func filterServer(t *testing.T) (all []providers.Repository, ask func(vars map[string]any) gqlResponse) {
	t.Helper()
	rng := rand.New(rand.NewPCG(14, 14))
	gh := repos(rng, providers.GitHub, "octo", 30)
	gl := repos(rng, providers.GitLab, "grp", 30)
	for _, list := range [][]providers.Repository{gh, gl} {
		for i := range list {
			fork, archived := i%3 == 0, i%4 == 0
			list[i].IsPrivate, list[i].IsFork, list[i].IsArchived = i%2 == 0, &fork, &archived
			list[i].Affiliation = providers.AllAffiliations[i%3]
		}
	}
	a := providertest.NewSource("github", gh)
	b := providertest.NewSource("gitlab", gl)
	srv := newServer(t, map[string]string{"CURSOR_SECRET": "s"}, a, b)
	return append(gh, gl...), func(vars map[string]any) gqlResponse { return post(t, srv, filterQuery, vars) }
}

// TestFilteredCursorBoundToFilters: a cursor of a filtered list pages on with the same filters and
// is INVALID_CURSOR with other filters (or none), and a cursor of the unfiltered list is refused by
// a filtered one.
func TestFilteredCursorBoundToFilters(t *testing.T) {
	_, ask := filterServer(t)
	base := map[string]any{"first": 2, "privacy": "PRIVATE", "fork": false}
	first := ask(base)
	end := decode(t, first).Viewer.Repositories.PageInfo.EndCursor
	if len(first.Errors) > 0 || end == nil {
		t.Fatalf("first page: %+v", first.Errors)
	}
	same := map[string]any{"first": 2, "privacy": "PRIVATE", "fork": false, "after": *end}
	if r := ask(same); len(r.Errors) > 0 || len(decode(t, r).Viewer.Repositories.Edges) != 2 {
		t.Fatalf("same filters: %+v", r.Errors)
	}
	for name, vars := range map[string]map[string]any{
		"no filters":      {"first": 2, "after": *end},
		"other privacy":   {"first": 2, "privacy": "PUBLIC", "fork": false, "after": *end},
		"fork added":      {"first": 2, "privacy": "PRIVATE", "fork": true, "after": *end},
		"query added":     {"first": 2, "privacy": "PRIVATE", "fork": false, "q": "r0", "after": *end},
		"archived added":  {"first": 2, "privacy": "PRIVATE", "fork": false, "archived": false, "before": *end},
		"affiliation set": {"first": 2, "privacy": "PRIVATE", "fork": false, "aff": []string{"OWNER"}, "after": *end},
	} {
		r := ask(vars)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INVALID_CURSOR" {
			t.Errorf("%s: %+v", name, r.Errors)
		}
	}
	plain := ask(map[string]any{"first": 2})
	pe := decode(t, plain).Viewer.Repositories.PageInfo.EndCursor
	if r := ask(map[string]any{"first": 2, "q": "r", "after": *pe}); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INVALID_CURSOR" {
		t.Errorf("an unfiltered cursor with a query: %+v", r.Errors)
	}
	// Spellings of the same filter are the same list: all three affiliations = none given, a query
	// with spaces around it = without, a query in another case = the same.
	all := ask(map[string]any{"first": 2, "aff": []string{"OWNER", "COLLABORATOR", "ORGANIZATION_MEMBER", "OWNER"}, "after": *pe})
	if len(all.Errors) > 0 {
		t.Errorf("every affiliation with an unfiltered cursor: %+v", all.Errors)
	}
	q := ask(map[string]any{"first": 2, "q": " R0 "})
	qe := decode(t, q).Viewer.Repositories.PageInfo.EndCursor
	if r := ask(map[string]any{"first": 2, "q": "r0", "after": *qe}); len(r.Errors) > 0 {
		t.Errorf("query spelled otherwise: %+v", r.Errors)
	}
}

// TestFilterBadInput: an empty affiliations list and a query over 256 characters are BAD_USER_INPUT
// with a message that says how to fix them; an unknown enum value is refused.
func TestFilterBadInput(t *testing.T) {
	_, ask := filterServer(t)
	for name, c := range map[string]struct {
		vars map[string]any
		text string
	}{
		"empty affiliations": {map[string]any{"aff": []string{}}, "affiliations is an empty list"},
		"long query":         {map[string]any{"q": strings.Repeat("a", 257)}, "at most 256"},
		"privacy":            {map[string]any{"privacy": "INTERNAL"}, "RepositoryPrivacy"},
	} {
		r := ask(c.vars)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, c.text) {
			t.Errorf("%s: %+v", name, r.Errors)
		}
	}
	if r := ask(map[string]any{"q": strings.Repeat("a", 250) + "      "}); len(r.Errors) > 0 {
		t.Errorf("256 characters with spaces around: %+v", r.Errors)
	}
}

// TestFilteredMergedWalk: a filtered walk over the HTTP handler gives exactly the matching
// repositories, in the merged order, each once, with the exact totalCount.
func TestFilteredMergedWalk(t *testing.T) {
	all, ask := filterServer(t)
	f := providers.Filter{Query: "R0", Privacy: providers.PrivacyPrivate, Affiliations: []providers.Affiliation{providers.AffOwner, providers.AffCollaborator}}
	var want []providers.Repository
	for i := range all {
		if f.Match(&all[i]) {
			want = append(want, all[i])
		}
	}
	wantNames := wantOrder(want)
	var got []string
	vars := map[string]any{"first": 3, "q": "R0", "privacy": "PRIVATE", "aff": []string{"OWNER", "COLLABORATOR"}}
	for {
		r := ask(vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		c := decode(t, r).Viewer.Repositories
		if c.TotalCount != len(wantNames) {
			t.Fatalf("totalCount %d, want %d", c.TotalCount, len(wantNames))
		}
		for _, e := range c.Edges {
			got = append(got, e.Node.Provider+":"+e.Node.NameWithOwner)
		}
		if !c.PageInfo.HasNextPage {
			break
		}
		vars["after"] = *c.PageInfo.EndCursor
	}
	if strings.Join(got, " ") != strings.Join(wantNames, " ") {
		t.Fatalf("got %v\nwant %v", got, wantNames)
	}
}
