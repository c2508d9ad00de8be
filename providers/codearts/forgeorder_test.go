package codearts_test

import (
	"cmp"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts"
)

// laneOrder is the order a CodeArts list in o comes in: v4's CREATED and UPDATED are the forge's own
// order_by, whose tie order CodeArts does not document, so it is the fake's rule (ties by numeric
// repository id in the sort's direction); every other list is sorted by forgegraph
// (providers.Local), so it is forgegraph's order.
func laneOrder(version string, o providers.Order) func(a, b providers.Repository) int {
	if version != codearts.APIv4 || (o.Sort != providers.SortCreated && o.Sort != providers.SortUpdated) {
		return func(a, b providers.Repository) int { return o.Compare(&a, &b) }
	}
	return func(a, b providers.Repository) int {
		if c := o.CompareKey(&a, &b); c != 0 {
			return c
		}
		x, _ := strconv.ParseInt(a.ForgeID, 10, 64)
		y, _ := strconv.ParseInt(b.ForgeID, 10, 64)
		c := cmp.Compare(x, y)
		if o.Direction == providers.Desc {
			c = -c
		}
		return c
	}
}
