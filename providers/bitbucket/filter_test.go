package bitbucket_test

import (
	"math/rand/v2"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

const filterToken = "bb-filter-token"

var bitbucketOwners = []providertest.Owner{
	{Path: "me", Affiliation: providers.AffOwner},
	{Path: "acme", Affiliation: providers.AffOrganizationMember},
	{Path: "globex", Affiliation: providers.AffOrganizationMember},
}

// TestFilteredWalks: random filters over random repositories in three workspaces, every order,
// random page sizes, both directions: exactly the filtered set, each once, in order, exact count.
func TestFilteredWalks(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 5))
	all := providertest.FilterData(rng, providers.Bitbucket, bitbucketOwners, 500)
	e := newEnv(t, filterToken, all)
	e.fake.Username = "me"
	for i := range 40 {
		q := providers.Query{Token: filterToken, Order: providertest.AllOrders()[i%8], Filter: providertest.RandomFilter(rng, true)}
		providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, providertest.RandomSizes(rng.IntN, 5))
	}
}

// TestFilterNative: query and privacy go out as BBQL (full_name ~ "…" AND is_private = …), a
// workspace the affiliations leave out is not asked, isArchived true asks no workspace, and a
// filter that keeps 1 % of 5,000 repositories costs one request per workspace asked.
func TestFilterNative(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	all := providertest.FilterData(rng, providers.Bitbucket, bitbucketOwners, 5000)
	e := newEnv(t, filterToken, all)
	e.fake.Username = "me"
	q := providers.Query{Token: filterToken, Order: providers.NewOrder("", ""),
		Filter: providers.Filter{Query: `needle`, Privacy: providers.PrivacyPrivate, Affiliations: []providers.Affiliation{providers.AffOwner}}}
	e.rec.Take()
	providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, []int{9})
	lists := e.rec.Queries("/repositories/me")
	if len(lists) != 1 || lists[0].Get("q") != `full_name ~ "needle" AND is_private = true` {
		t.Errorf("list requests %v", lists)
	}
	for _, ws := range []string{"acme", "globex"} {
		if n := e.rec.Count("/repositories/" + ws); n != 0 {
			t.Errorf("workspace %s asked %d times for OWNER only", ws, n)
		}
	}
	e.rec.Take()
	q.Filter = providers.Filter{IsArchived: new(true)}
	providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, []int{9})
	for _, s := range e.rec.Take() {
		if s.Path != "/user/workspaces" {
			t.Errorf("isArchived true asked %s", s.URI)
		}
	}
	// A quote in the query is escaped, and matched as text.
	q.Filter = providers.Filter{Query: `a"b\c`}
	providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, []int{9})
}
