package bitbucket

import (
	"encoding/hex"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// TieKey implements providers.TieOrderer: the stream takes Bitbucket's order among repositories
// with the same date to be by uuid in the sort's direction, as the fake serves it. Bitbucket does
// not document it; where a run of tied repositories is not in that order, realign notices and
// places the walk by the anchors instead. A canonical "{8-4-4-4-12}" uuid in lower case counts as
// its 16 bytes, which keeps its text's order; any other id as its text. A cursor keeps the first 8
// bytes (it keeps one tie per workspace, up to 240): two uuids of one date that share them are told
// apart by the anchors.
func (st *stream) TieKey(r *providers.Repository) (string, int) {
	return providers.TieByText(uuidBytes(r.ForgeID), strings.HasPrefix(st.sort, "-")), 8
}

// uuidBytes returns the 16 bytes of a canonical lower-case "{8-4-4-4-12}" uuid, else id itself.
func uuidBytes(id string) string {
	if len(id) != 38 || id[0] != '{' || id[37] != '}' || id[9] != '-' || id[14] != '-' || id[19] != '-' || id[24] != '-' {
		return id
	}
	h := strings.ReplaceAll(id[1:37], "-", "")
	if len(h) != 32 || strings.ToLower(h) != h {
		return id
	}
	b, err := hex.DecodeString(h)
	if err != nil {
		return id
	}
	return string(b)
}
