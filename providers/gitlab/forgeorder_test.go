package gitlab_test

import (
	"slices"
	"strconv"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// gitlabOrder is the order a list in o comes in from GitLab, written from GitLab's code rather than
// from forgegraph's comparator: PUSHED, UPDATED and CREATED are GitLab's own order_by
// (last_activity_at, updated_at, created_at) with the API's tie-breaker, project id in the same
// direction (order_options_with_tie_breaker in lib/api/helpers.rb), a missing time last ascending
// and first descending (PostgreSQL); FULL_NAME is sorted by forgegraph (providers.Local), so it is
// forgegraph's order. Times compare at GitLab's millisecond precision. It returns identities.
func gitlabOrder(repos []providers.Repository, o providers.Order) []string {
	if o.Sort == providers.SortFullName {
		return sorted(repos, o)
	}
	field := map[providers.Sort]func(r *providers.Repository) *time.Time{
		providers.SortPushed:  func(r *providers.Repository) *time.Time { return r.PushedAt },
		providers.SortUpdated: func(r *providers.Repository) *time.Time { return r.UpdatedAt },
		providers.SortCreated: func(r *providers.Repository) *time.Time { return r.CreatedAt },
	}[o.Sort]
	c := slices.Clone(repos)
	slices.SortStableFunc(c, func(a, b providers.Repository) int {
		ta, tb := field(&a), field(&b)
		r := 0
		switch {
		case ta == nil && tb != nil:
			r = 1
		case ta != nil && tb == nil:
			r = -1
		case ta != nil && tb != nil:
			r = ta.Truncate(time.Millisecond).Compare(tb.Truncate(time.Millisecond))
		}
		if r == 0 {
			ia, _ := strconv.ParseInt(a.ForgeID, 10, 64)
			ib, _ := strconv.ParseInt(b.ForgeID, 10, 64)
			r = int(ia - ib)
		}
		if o.Direction == providers.Desc {
			r = -r
		}
		return r
	})
	out := make([]string, len(c))
	for i := range c {
		out[i] = c[i].Identity()
	}
	return out
}
