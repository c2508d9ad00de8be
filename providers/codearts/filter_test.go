package codearts_test

import (
	"math/rand/v2"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// Projects' groups: the viewer created some repositories (OWNER), others created the rest.
var codeartsOwners = []providertest.Owner{
	{Path: "proj-a/team", Affiliation: providers.AffOwner},
	{Path: "proj-a/team", Affiliation: providers.AffOrganizationMember},
	{Path: "proj-b", Affiliation: providers.AffOrganizationMember},
}

// filterData is FilterData as each version's wire carries it: v2 reports no fork or archived flag.
func filterData(version string, seed uint64, n int) []providers.Repository {
	all := providertest.FilterData(rand.New(rand.NewPCG(seed, 7)), providers.CodeArts, codeartsOwners, n)
	if version == codearts.APIv2 {
		for i := range all {
			all[i].IsFork, all[i].IsArchived = nil, nil
		}
	}
	return all
}

// TestFilteredWalks: random filters, every order, random page sizes, both directions, on v4 and
// v2: exactly the filtered set, each once, in order, with the exact count.
func TestFilteredWalks(t *testing.T) {
	for _, v := range versions {
		rng := rand.New(rand.NewPCG(14, 8))
		all := filterData(v, 14, 400)
		_, _, src := withFake(t, v, all)
		for i := range 30 {
			q := providers.Query{Token: token, Order: providertest.AllOrders()[i%8], Filter: providertest.RandomFilter(rng, true)}
			providertest.CheckFiltered(t, src, providers.NewLocal(nil, 0, 0), q, all, providertest.RandomSizes(rng.IntN, 5))
		}
	}
}

// TestFilterNative: v4 sends archived and user_created (OWNER alone: only the viewer's list is
// read, so 30 repositories of the viewer's among 5,000 cost one request), never search;
// COLLABORATOR alone asks nothing (CodeArts has no collaborators).
func TestFilterNative(t *testing.T) {
	all := filterData(codearts.APIv4, 15, 5000)
	_, rec, src := withFake(t, codearts.APIv4, all)
	q := providers.Query{Token: token, Order: providers.NewOrder("", ""),
		Filter: providers.Filter{Query: "needle", IsArchived: new(true), Affiliations: []providers.Affiliation{providers.AffOwner}}}
	providertest.CheckFiltered(t, src, providers.NewLocal(nil, 0, 0), q, all, []int{10})
	for _, v := range rec.Queries("/v4/user/repositories") {
		if v.Get("archived") != "true" || v.Get("user_created") != "true" || v.Has("search") {
			t.Errorf("query %v", v)
		}
	}
	// 30 of 5,000 created by the viewer: one request.
	mine := 0
	for i := range all {
		all[i].Affiliation = providers.AffOrganizationMember
		if mine < 30 && i%7 == 0 {
			all[i].Affiliation = providers.AffOwner
			mine++
		}
	}
	_, rec, src = withFake(t, codearts.APIv4, all)
	q.Filter = providers.Filter{Affiliations: []providers.Affiliation{providers.AffOwner}}
	providertest.CheckFiltered(t, src, providers.NewLocal(nil, 0, 0), q, all, []int{7})
	if n := rec.Count("/v4/user/repositories"); n != 1 {
		t.Errorf("%d requests for the viewer's 30 repositories, want 1", n)
	}
	rec.Take()
	q.Filter = providers.Filter{Affiliations: []providers.Affiliation{providers.AffCollaborator}}
	providertest.CheckFiltered(t, src, providers.NewLocal(nil, 0, 0), q, all, []int{10})
	if n := len(rec.Take()); n != 0 {
		t.Errorf("COLLABORATOR alone made %d requests", n)
	}
}
