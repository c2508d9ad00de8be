package gitea_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

var giteaOwners = []providertest.Owner{
	{Path: fake.DefaultViewer, Affiliation: providers.AffOwner},
	{Path: "friend", Affiliation: providers.AffCollaborator},
	{Path: "acme", Affiliation: providers.AffOrganizationMember},
}

// TestFilteredWalks: random filters (queries with and without "/"), every order, random page
// sizes, both directions: exactly the filtered set, each once, in order, with the exact count.
func TestFilteredWalks(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 9))
	all := providertest.FilterData(rng, providers.Gitea, giteaOwners, 400)
	e := newEnv(t, fake.New(token, all), nil, nil)
	for i := range 40 {
		f := providertest.RandomFilter(rng, true)
		if i%4 == 0 {
			f.Query = []string{"acme/needle", "friend/", "/repo-00", "ev/re"}[i/4%4]
		}
		q := providers.Query{Token: token, Order: providertest.AllOrders()[i%8], Filter: f}
		providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, providertest.RandomSizes(rng.IntN, 5))
	}
}

// TestFilterNative: the documented /repos/search parameters are sent (q only for the name part
// after a "/"), and a filter that keeps 1 % of 5,000 repositories natively costs one upstream
// list request (plus GET /user for the viewer's id).
func TestFilterNative(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 10))
	all := providertest.FilterData(rng, providers.Gitea, giteaOwners, 5000)
	e := newEnv(t, fake.New(token, all), nil, nil)
	q := providers.Query{Token: token, Order: providers.NewOrder("", ""),
		Filter: providers.Filter{Query: fake.DefaultViewer + "/needle", Privacy: providers.PrivacyPrivate, IsArchived: new(false),
			IsFork: new(false), Affiliations: []providers.Affiliation{providers.AffOwner}}}
	providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, []int{5})
	lists := e.requests("/repos/search")
	if len(lists) != 1 {
		t.Fatalf("%d list requests, want 1", len(lists))
	}
	for k, want := range map[string]string{"q": "needle", "is_private": "true", "archived": "false", "mode": "source", "exclusive": "true"} {
		if lists[0].Get(k) != want {
			t.Errorf("%s=%q, want %q (%v)", k, lists[0].Get(k), want, lists[0])
		}
	}
	q.Filter = providers.Filter{Query: "needle"}
	providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, []int{100})
	for _, v := range e.requests("/repos/search")[1:] {
		if v.Has("q") {
			t.Errorf("a query without / was sent as q: %v", v)
		}
	}
}

// TestOneViewerRequestPerCredential: the list's uid, the affiliation filters' login and
// createRepository's owner check all come from one GET /user per credential (they were three).
func TestOneViewerRequestPerCredential(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 11))
	all := providertest.FilterData(rng, providers.Gitea, giteaOwners, 60)
	e := newEnv(t, fake.New(token, all), nil, nil)
	q := providers.Query{Token: token, Order: providers.NewOrder("", ""),
		Filter: providers.Filter{Affiliations: []providers.Affiliation{providers.AffOwner, providers.AffCollaborator}}}
	providertest.CheckFiltered(t, e.src, providers.NewLocal(nil, 0, 0), q, all, []int{100})
	if _, err := e.src.CreateRepository(context.Background(), token, providers.Gitea,
		providers.CreateInput{Owner: fake.DefaultViewer, Name: "one-user-request", Visibility: providers.VisibilityPublic}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.requests("/user")); n != 1 {
		t.Fatalf("%d GET /user requests, want 1", n)
	}
}
