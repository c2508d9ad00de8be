package github

import "github.com/forgegraph/forgegraph/providers"

// TieKey implements providers.TieOrderer: among repositories with the same date, the stream takes
// GitHub's order to be by repository id in the sort's direction (as an SQL ORDER BY date, id gives
// and the fake serves). GitHub does not document it; where a run of tied repositories is not in
// that order, realign notices and places the walk by the anchors instead.
func (s *stream) TieKey(r *providers.Repository) (string, int) {
	return providers.TieByNumber(r.ForgeID, s.q.Order.Direction == providers.Desc), 0
}
