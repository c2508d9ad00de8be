package codearts

// This file is how CodeArts finds one repository: looked up in the whole list, as neither API has
// a single-repository route that takes the lists' ids.

import (
	"context"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// Repository returns the repository id names. Neither API documents a single-repository endpoint
// that takes the ids the lists give, so it is looked up in the whole list (read once per credential
// and kept by cfg.Local): by forge id first (a version 2 id holds only
// that), then by full path (case-insensitive). An id whose path
// cannot be a repository path (fewer than two parts, an empty, "." or ".." part, control
// characters) is a KindBadInput error, as on every forge, before any request. A repository not in
// the list, or on another forge, is a KindNotFound error; reading the list fails like a local
// stream.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.CodeArts {
		return nil, s.errorf(providers.KindNotFound, "repository %q is not on CodeArts", id)
	}
	if id.NameWithOwner != "" || id.ForgeID == "" {
		if _, err := s.client.IDPath(id.NameWithOwner, 0); err != nil {
			return nil, err
		}
	}
	if token == "" {
		return nil, s.client.NoToken()
	}
	st := s.localStream(providers.Query{Token: token, Order: providers.NewOrder(providers.SortFullName, providers.Asc)})
	var all []providers.Repository
	for i := 0; ; i++ {
		p, err := st.FetchPage(ctx, i, "")
		if err != nil {
			return nil, err
		}
		all = append(all, p.Items...)
		if !p.More {
			break
		}
	}
	for i := range all {
		if id.ForgeID != "" && all[i].ForgeID == id.ForgeID {
			r := all[i]
			return &r, nil
		}
	}
	for i := range all {
		if id.NameWithOwner != "" && strings.EqualFold(all[i].NameWithOwner, id.NameWithOwner) {
			r := all[i]
			return &r, nil
		}
	}
	return nil, s.errorf(providers.KindNotFound, "repository %q not found among the token's repositories", id)
}
