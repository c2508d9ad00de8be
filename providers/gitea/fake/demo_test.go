package fake_test

import (
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestDemoDetails: the demo's Gitea repositories have the paging edges of Gitea's 50-item and
// forgegraph's 100-item pages among their branch counts (0, 1, 50, 51, 100, 101 and 250), the same
// on every run, with tags and languages on the non-empty ones, and both personal and organization
// repositories (teams or none).
func TestDemoDetails(t *testing.T) {
	counts := map[int]int{}
	personal, withTeams, withTags, withLanguages := 0, 0, 0, 0
	for _, r := range registry.DemoRepositoriesOf(providers.Gitea) {
		a, b := fake.DemoDetails(&r, fake.DefaultViewer), fake.DemoDetails(&r, fake.DefaultViewer)
		if len(a.Branches) != len(b.Branches) || len(a.Tags) != len(b.Tags) {
			t.Fatalf("%s: details differ between runs", r.NameWithOwner)
		}
		counts[len(a.Branches)]++
		if a.Personal {
			personal++
		} else if len(a.Teams) > 0 {
			withTeams++
		}
		if len(a.Tags) > 0 {
			withTags++
		}
		if len(a.Languages) > 0 {
			withLanguages++
		}
	}
	for _, n := range fake.RefCounts[:7] {
		if counts[n] == 0 {
			t.Errorf("no demo repository has %d branches (%v)", n, counts)
		}
	}
	if personal == 0 || withTeams == 0 || withTags == 0 || withLanguages == 0 {
		t.Errorf("personal %d, with teams %d, with tags %d, with languages %d", personal, withTeams, withTags, withLanguages)
	}
}
