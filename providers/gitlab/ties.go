package gitlab

import "github.com/forgegraph/forgegraph/providers"

// TieKey implements providers.TieOrderer: GitLab orders repositories with the same date by project
// id in the sort's direction (order_options_with_tie_breaker in lib/api/helpers.rb: { order_by =>
// sort, id => sort }).
func (st *nativeStream) TieKey(r *providers.Repository) (string, int) {
	return providers.TieByNumber(r.ForgeID, st.sort == "desc"), 0
}
