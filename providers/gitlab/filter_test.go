package gitlab_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

var gitlabOwners = []providertest.Owner{
	{Path: "me", Affiliation: providers.AffOwner},
	{Path: "friend", Affiliation: providers.AffCollaborator},
	{Path: "acme", Affiliation: providers.AffOrganizationMember},
	{Path: "acme/platform", Affiliation: providers.AffOrganizationMember},
}

// TestFilteredWalks: random filters over random projects, every order, random page sizes, both
// directions: exactly the filtered set, each once, in order, with the exact count; GitLab's search
// (which also matches descriptions) and the other native parameters only ever narrow to a superset.
func TestFilteredWalks(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	all := providertest.FilterData(rng, providers.GitLab, gitlabOwners, 700)
	f := fake.New(token, all)
	f.Username = "me"
	e := newEnv(t, f, nil, nil)
	for i := range 40 {
		q := providers.Query{Token: token, Order: providertest.AllOrders()[i%8], Filter: providertest.RandomFilter(rng, true)}
		providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, providertest.RandomSizes(rng.IntN, 5))
	}
}

// TestFilterNativeOneRequest: a query that keeps 1 % of 5,000 projects costs one upstream request
// (search narrows it natively), and the parameters GitLab documents are sent; a query shorter than
// GitLab's three characters is not sent, the list is then read whole and filtered here.
func TestFilterNativeOneRequest(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	all := providertest.FilterData(rng, providers.GitLab, gitlabOwners, 5000)
	f := fake.New(token, all)
	f.Username = "me"
	e := newEnv(t, f, nil, nil)
	q := providers.Query{Token: token, Order: providers.NewOrder("", ""),
		Filter: providers.Filter{Query: "needle", Privacy: providers.PrivacyPublic, IsArchived: new(false), Affiliations: []providers.Affiliation{providers.AffOwner}}}
	providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, []int{7})
	var lists int
	for _, r := range e.rec.all() {
		switch r.URL.Path {
		case "/api/v4/projects":
			lists++
			v := r.URL.Query()
			for k, want := range map[string]string{"search": "needle", "search_namespaces": "true", "visibility": "public",
				"archived": "false", "owned": "true", "membership": "true", "per_page": "100"} {
				if v.Get(k) != want {
					t.Errorf("%s=%q, want %q (%s)", k, v.Get(k), want, r.URL.RawQuery)
				}
			}
		case "/api/v4/user":
		default:
			t.Errorf("unexpected request %s", r.URL)
		}
	}
	if lists != 1 {
		t.Errorf("%d list requests, want 1", lists)
	}
	short := providers.Query{Token: token, Order: providers.NewOrder("", ""), Filter: providers.Filter{Query: "ne"}}
	before := len(e.rec.all())
	providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), short, all, []int{100})
	for _, r := range e.rec.all()[before:] {
		if strings.Contains(r.URL.RawQuery, "search") {
			t.Errorf("a 2-character query was sent: %s", r.URL.RawQuery)
		}
	}
}
