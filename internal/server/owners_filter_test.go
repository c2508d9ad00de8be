package server_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestOwnerFilters: an owner's repositories take viewer.repositories' filters but affiliations
// (query, privacy, isFork, isArchived, combined with AND) on every forge that lists owners: random
// filter combinations walked in random sorts, both directions and random page sizes give exactly
// the filtered set, each once, in order, with an exact totalCount; a cursor of the unfiltered list
// is INVALID_CURSOR on a filtered one.
func TestOwnerFilters(t *testing.T) {
	s := newOwnerStack(t)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		p     providers.Provider
		login string
		under func(string) bool
	}{
		{providers.GitHub, "acme", func(o string) bool { return o == "acme" }},
		{providers.GitLab, "acme", func(o string) bool { return o == "acme" || strings.HasPrefix(o, "acme/") }},
		{providers.Bitbucket, "acme", func(o string) bool { return o == "acme" }},
		{providers.Gitea, "acme", func(o string) bool { return o == "acme" }},
	} {
		id := decodeData[ownerOf](t, post(t, s.ts, ownerQuery, map[string]any{"p": c.p, "login": c.login})).RepositoryOwner.ID
		for round := 0; round < 6; round++ {
			f := providers.Filter{}
			vars := map[string]any{}
			if rng.IntN(2) == 0 {
				f.Query = []string{"-00", "ACME/", "1", "infra-0"}[rng.IntN(4)]
				vars["query"] = f.Query
			}
			if rng.IntN(2) == 0 {
				f.Privacy = []providers.Privacy{providers.PrivacyPublic, providers.PrivacyPrivate}[rng.IntN(2)]
				vars["privacy"] = f.Privacy
			}
			if rng.IntN(2) == 0 {
				f.IsFork = new(rng.IntN(2) == 0)
				vars["isFork"] = *f.IsFork
			}
			if rng.IntN(2) == 0 {
				f.IsArchived = new(rng.IntN(2) == 0)
				vars["isArchived"] = *f.IsArchived
			}
			sort := []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated, providers.SortFullName}[rng.IntN(4)]
			dir := []providers.Direction{providers.Asc, providers.Desc}[rng.IntN(2)]
			o := providers.NewOrder(sort, dir)
			var want []providers.Repository
			for _, r := range s.repos[c.p] {
				if c.p == providers.Bitbucket {
					r.IsArchived = nil // Bitbucket has no archiving: never archived
				}
				if owner, _ := providers.SplitPath(r.NameWithOwner); c.under(owner) && f.Match(&r) {
					want = append(want, r)
				}
			}
			slices.SortStableFunc(want, func(a, b providers.Repository) int { return o.Compare(&a, &b) })
			what := fmt.Sprintf("%s %s %v %s", c.p, c.login, vars, o)
			backward := rng.IntN(2) == 0
			got, total := walkOwner(t, s.ts, rng, id, string(sort), string(dir), backward, vars)
			if total != len(want) {
				t.Errorf("%s: totalCount %d, want %d", what, total, len(want))
			}
			checkOwnerWalk(t, what, got, want, o)
			t.Logf("%s backward=%v: %d repositories", what, backward, len(got))
		}
		plain := decodeData[ownerPage](t, post(t, s.ts, ownerPageQuery, map[string]any{"id": id, "first": 2}))
		wantCode(t, post(t, s.ts, ownerPageQuery, map[string]any{"id": id, "first": 2, "isFork": true,
			"after": *plain.Node.Repositories.PageInfo.EndCursor}), "INVALID_CURSOR", "other arguments")
	}
}
