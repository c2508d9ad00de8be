package bitbucket_test

import (
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// laneOrder is the order of one workspace's list in o: FULL_NAME is sorted by forgegraph
// (providers.Local), so it is forgegraph's order; the date orders are Bitbucket's sort=[-]field,
// whose tie order Bitbucket does not document, so it is the fake's rule: ties by repository id
// (uuid) in the sort's direction, not forgegraph's full-path tie-break.
func laneOrder(o providers.Order) func(a, b providers.Repository) int {
	if o.Sort == providers.SortFullName {
		return func(a, b providers.Repository) int { return o.Compare(&a, &b) }
	}
	return func(a, b providers.Repository) int {
		if c := o.CompareKey(&a, &b); c != 0 {
			return c
		}
		c := strings.Compare(a.ForgeID, b.ForgeID)
		if o.Direction == providers.Desc {
			c = -c
		}
		return c
	}
}
