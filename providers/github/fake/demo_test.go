package fake_test

import (
	"context"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/demo"
	"github.com/forgegraph/forgegraph/providers/github"
	"github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestDemoBranchCounts: the demo's GitHub repositories have the paging edges among their branch
// counts (0, 1, 100, 101 and 250), the same on every run.
func TestDemoBranchCounts(t *testing.T) {
	counts := map[int]int{}
	for _, r := range registry.DemoRepositoriesOf(providers.GitHub) {
		a, b := fake.DemoDetails(&r), fake.DemoDetails(&r)
		if len(a.Branches) != len(b.Branches) {
			t.Fatalf("%s: %d then %d branches", r.NameWithOwner, len(a.Branches), len(b.Branches))
		}
		counts[len(a.Branches)]++
	}
	for _, n := range []int{0, 1, 100, 101, 250} {
		if counts[n] == 0 {
			t.Errorf("no demo repository has %d branches (%v)", n, counts)
		}
	}
}

// TestDemoGraphQL: in demo mode (GitHub at http://github.demo.invalid/api/v3, reached in process)
// the GitHub source reads its repositories' languages and branch counts with one request to the
// fake's GraphQL endpoint at /api/graphql, as on GitHub Enterprise Server.
func TestDemoGraphQL(t *testing.T) {
	d := registry.NewDemo()
	var forge demo.Forge
	for _, f := range d.Forges {
		if f.Source == github.SourceName {
			forge = f
		}
	}
	s, err := github.New(github.Config{BaseURL: forge.BaseURL, HTTP: d.Client})
	if err != nil {
		t.Fatal(err)
	}
	repos := registry.DemoRepositoriesOf(providers.GitHub)[:5]
	var reqs []providers.DetailRequest
	for i := range repos {
		reqs = append(reqs, providers.DetailRequest{Repo: &repos[i], Field: providers.BatchLanguages},
			providers.DetailRequest{Repo: &repos[i], Field: providers.BatchBranchCount})
	}
	before := forge.Requests()
	for i, r := range s.BatchDetails(context.Background(), demo.Token, reqs) {
		if r.Err != nil {
			t.Fatalf("%s %s: %v", reqs[i].Repo.NameWithOwner, reqs[i].Field, r.Err)
		}
		if reqs[i].Field == providers.BatchBranchCount && r.Value != len(fake.DemoDetails(reqs[i].Repo).Branches) {
			t.Errorf("%s: %v branches", reqs[i].Repo.NameWithOwner, r.Value)
		}
	}
	if n := forge.Requests() - before; n != 1 {
		t.Fatalf("%d requests to the demo's GitHub, want 1 (GraphQL)", n)
	}
}
