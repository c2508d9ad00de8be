package codearts

import "github.com/forgegraph/forgegraph/providers"

// TieKey implements providers.TieOrderer for the v4 list: the stream takes CodeArts' order among
// repositories with the same date to be by repository id in the sort's direction, as the fake
// serves it. The API does not document it; where a run of tied repositories is not in that order,
// realign notices and places the walk by the anchors instead.
func (st *v4Stream) TieKey(r *providers.Repository) (string, int) {
	return providers.TieByNumber(r.ForgeID, st.sort == "desc"), 0
}
