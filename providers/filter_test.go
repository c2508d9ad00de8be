package providers_test

import (
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestFilterMatch: each part of a filter alone, and their AND.
func TestFilterMatch(t *testing.T) {
	r := providers.Repository{NameWithOwner: "Acme-Corp/Willow-Proxy", IsPrivate: true, IsFork: new(true),
		Affiliation: providers.AffOrganizationMember}
	for _, c := range []struct {
		f    providers.Filter
		want bool
	}{
		{providers.Filter{}, true},
		{providers.Filter{Query: "corp/WILLOW"}, true},
		{providers.Filter{Query: "willow-proxy2"}, false},
		{providers.Filter{Privacy: providers.PrivacyPrivate}, true},
		{providers.Filter{Privacy: providers.PrivacyPublic}, false},
		{providers.Filter{Affiliations: []providers.Affiliation{providers.AffOwner}}, false},
		{providers.Filter{Affiliations: []providers.Affiliation{providers.AffOwner, providers.AffOrganizationMember}}, true},
		{providers.Filter{Affiliations: []providers.Affiliation{}}, false},
		{providers.Filter{IsFork: new(true)}, true},
		{providers.Filter{IsFork: new(false)}, false},
		{providers.Filter{IsArchived: new(false)}, true}, // unknown counts as not archived
		{providers.Filter{IsArchived: new(true)}, false},
		{providers.Filter{Query: "willow", Privacy: providers.PrivacyPrivate, IsFork: new(true)}, true},
		{providers.Filter{Query: "willow", Privacy: providers.PrivacyPrivate, IsFork: new(false)}, false},
	} {
		if got := c.f.Match(&r); got != c.want {
			t.Errorf("%+v.Match = %v, want %v", c.f, got, c.want)
		}
	}
	var unknown providers.Repository
	if (providers.Filter{Affiliations: providers.AllAffiliations}).Match(&unknown) {
		t.Errorf("a repository without an affiliation matched an affiliation filter")
	}
}
