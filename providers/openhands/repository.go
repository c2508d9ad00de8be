package openhands

// This file is how OpenHands finds one repository: looked up in the list the streams share, as
// OpenHands has no single-repository route.

import (
	"context"
	"slices"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// Repository finds id among the repositories of id.Provider that OpenHands lists for token (there
// is no single-repository route): by forge id (the id OpenHands reports for the forge, which a
// version 2 id holds alone), else by full path. The list read is the one the
// list streams share, kept per credential. An id whose path cannot be a repository path (fewer
// than two parts, an empty, "." or ".." part, control characters) is a KindBadInput error, as on
// every forge, before any request. A repository that is not there, or a provider OpenHands does not
// front, is a KindNotFound error; other errors are those of the read.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if !slices.Contains(forges, id.Provider) {
		return nil, providers.Errorf(providers.KindNotFound, SourceName, "OpenHands does not list %s repositories", id.Provider)
	}
	if id.NameWithOwner != "" || id.ForgeID == "" {
		if _, err := s.c.IDPath(id.NameWithOwner, 0); err != nil {
			return nil, err
		}
	}
	q := providers.Query{Token: token, Order: providers.NewOrder(providers.SortFullName, ""), Providers: []providers.Provider{id.Provider}}
	st := s.localStream(q, id.Provider, false)
	var byPath *providers.Repository
	for i := 0; ; i++ {
		page, err := st.FetchPage(ctx, i, "")
		if err != nil {
			return nil, err
		}
		for k := range page.Items {
			r := page.Items[k]
			if id.ForgeID != "" && r.ForgeID == id.ForgeID {
				return &r, nil
			}
			if byPath == nil && id.NameWithOwner != "" && strings.EqualFold(r.NameWithOwner, id.NameWithOwner) {
				byPath = &r
			}
		}
		if !page.More {
			break
		}
	}
	if byPath != nil {
		return byPath, nil
	}
	return nil, providers.Errorf(providers.KindNotFound, SourceName, "%s repository %q is not among the repositories OpenHands lists for this key", id.Provider, id)
}
