package fake_test

import (
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket/fake"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestDemoBranchCounts: the demo's Bitbucket repositories have the paging edges among their branch
// counts (0, 1, 100, 101 and 250), the same on every run.
func TestDemoBranchCounts(t *testing.T) {
	counts := map[int]int{}
	for _, r := range registry.DemoRepositoriesOf(providers.Bitbucket) {
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
