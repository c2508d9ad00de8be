package openhands_test

import (
	"math/rand/v2"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// filterData is repositories of GitHub, GitLab and Bitbucket as OpenHands passes them on: no
// creation or update time, no fork or archived flag; owner_type user is OWNER, organization
// (GitHub organizations, GitLab groups, Bitbucket workspaces) ORGANIZATION_MEMBER.
func filterData(rng *rand.Rand) []providers.Repository {
	var all []providers.Repository
	for _, f := range []struct {
		p      providers.Provider
		owners []providertest.Owner
	}{
		{providers.GitHub, []providertest.Owner{{Path: "me", Affiliation: providers.AffOwner}, {Path: "acme", Affiliation: providers.AffOrganizationMember}}},
		{providers.GitLab, []providertest.Owner{{Path: "me", Affiliation: providers.AffOwner}, {Path: "acme/platform", Affiliation: providers.AffOrganizationMember}}},
		{providers.Bitbucket, []providertest.Owner{{Path: "team-ws", Affiliation: providers.AffOrganizationMember}}},
	} {
		rs := providertest.FilterData(rng, f.p, f.owners, 150)
		for i := range rs {
			rs[i].ForgeID = string(f.p) + rs[i].ForgeID
			rs[i].IsFork, rs[i].IsArchived, rs[i].CreatedAt, rs[i].UpdatedAt = nil, nil, nil, nil
		}
		all = append(all, rs...)
	}
	return all
}

// TestFilteredWalks: random filters over the three forges OpenHands fronts, merged and one forge
// at a time, every order, random page sizes, both directions: exactly the filtered set, each once,
// in order, with the exact count (isFork or isArchived true keeps nothing: OpenHands reports
// neither).
func TestFilteredWalks(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 11))
	all := filterData(rng)
	e := newEnv(t, all, nil)
	for i := range 30 {
		q := providers.Query{Token: key, Order: providertest.AllOrders()[i%8], Filter: providertest.RandomFilter(rng, true)}
		want := all
		if i%3 == 1 {
			q.Providers = []providers.Provider{providers.GitHub}
			want = ofProvider(all, providers.GitHub)
		}
		providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, want, providertest.RandomSizes(rng.IntN, 5))
	}
}
