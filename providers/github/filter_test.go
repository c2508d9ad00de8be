package github_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

var githubOwners = []providertest.Owner{
	{Path: "me", Affiliation: providers.AffOwner},
	{Path: "friend", Affiliation: providers.AffCollaborator},
	{Path: "acme", Affiliation: providers.AffOrganizationMember},
	{Path: "globex", Affiliation: providers.AffOrganizationMember},
}

// TestFilteredWalks: random filters over random repositories, every order, random page sizes, both
// directions: exactly the filtered set, each once, in order, with the exact count.
func TestFilteredWalks(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	all := providertest.FilterData(rng, providers.GitHub, githubOwners, 600)
	f := fake.New(token, all)
	f.SetLogin("me")
	_, base := serve(t, f)
	src := newSource(t, base, 0)
	for i := range 40 {
		q := providers.Query{Token: token, Order: providertest.AllOrders()[i%8], Filter: providertest.RandomFilter(rng, true)}
		providertest.CheckFiltered(t, src, providers.NewLocal(nil, 0, 0), q, all, providertest.RandomSizes(rng.IntN, 5))
	}
}

// TestFilterNative: privacy and affiliations are sent as visibility and affiliation (never type,
// which GitHub refuses with them), the viewer is looked up once per credential, and a filter that
// keeps 30 of 5,000 repositories natively costs one list request.
func TestFilterNative(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 4))
	owners := []providertest.Owner{{Path: "me", Affiliation: providers.AffOwner}, {Path: "acme", Affiliation: providers.AffOrganizationMember}}
	all := providertest.FilterData(rng, providers.GitHub, owners, 5000)
	// 30 public repositories of the viewer's own; the rest private or the organization's.
	n := 0
	for i := range all {
		all[i].IsPrivate = true
		if all[i].Affiliation == providers.AffOwner && n < 30 {
			all[i].IsPrivate = false
			n++
		}
	}
	f := fake.New(token, all)
	f.SetLogin("me")
	rec, base := serve(t, f)
	src := newSource(t, base, 0)
	q := providers.Query{Token: token, Order: providers.NewOrder("", ""),
		Filter: providers.Filter{Privacy: providers.PrivacyPublic, Affiliations: []providers.Affiliation{providers.AffOwner}}}
	providertest.CheckFiltered(t, src, providers.NewLocal(nil, 0, 0), q, all, []int{7})
	lists, users := 0, 0
	for _, s := range rec.Requests() {
		switch s.Path {
		case "/user/repos":
			lists++
			v := s.Values()
			if v.Get("visibility") != "public" || v.Get("affiliation") != "owner" || v.Has("type") {
				t.Errorf("query %s", s.Query)
			}
		case "/user":
			users++
		default:
			t.Errorf("unexpected %s", s.URI)
		}
	}
	if lists != 1 || users != 1 {
		t.Errorf("%d list requests and %d GET /user, want 1 and 1", lists, users)
	}
	// The fake refuses type with affiliation, as GitHub does.
	req, _ := http.NewRequest(http.MethodGet, base+"/user/repos?type=owner&affiliation=owner", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("type with affiliation: %d, want 422", resp.StatusCode)
	}
}

// TestCreateSharesTheViewerLogin: createRepository's owner check uses the login the affiliation
// filters already read: one GET /user per credential (it was asked again for every create).
func TestCreateSharesTheViewerLogin(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 5))
	owners := []providertest.Owner{{Path: "me", Affiliation: providers.AffOwner}, {Path: "acme", Affiliation: providers.AffOrganizationMember}}
	all := providertest.FilterData(rng, providers.GitHub, owners, 50)
	f := fake.New(token, all)
	f.SetLogin("me")
	rec, base := serve(t, f)
	src := newSource(t, base, 0)
	q := providers.Query{Token: token, Order: providers.NewOrder("", ""),
		Filter: providers.Filter{Affiliations: []providers.Affiliation{providers.AffOwner}}}
	providertest.CheckFiltered(t, src, providers.NewLocal(nil, 0, 0), q, all, []int{100})
	for _, name := range []string{"one", "two"} {
		if _, err := src.CreateRepository(context.Background(), token, providers.GitHub,
			providers.CreateInput{Owner: "me", Name: name, Visibility: providers.VisibilityPublic}); err != nil {
			t.Fatal(err)
		}
	}
	users := 0
	for _, r := range rec.Requests() {
		if r.Path == "/user" {
			users++
		}
	}
	if users != 1 {
		t.Fatalf("%d GET /user requests, want 1", users)
	}
}
