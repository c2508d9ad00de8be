package gitea

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// searchSort maps the sorts Gitea gives natively to /repos/search's sort values. PUSHED is
// "updated": Gitea has no push time, and convertRepository reports updated_at as the push. FULL_NAME
// is missing on purpose: Gitea's "alpha" orders by owner, then by name, as the database collates
// them, which is not nameWithOwner compared case-insensitively (a-b/x and a/x come the other way
// round), so that sort is served locally.
var searchSort = map[providers.Sort]string{
	providers.SortPushed:  "updated",
	providers.SortUpdated: "updated",
	providers.SortCreated: "created",
}

// listKey names the whole list the local sort reads: the viewer's repositories.
const listKey = "viewer"

// Name returns "gitea".
func (s *Source) Name() string { return SourceName }

// Providers returns [GITEA].
func (s *Source) Providers() []providers.Provider { return []providers.Provider{providers.Gitea} }

// Streams returns the one stream of q's list: native paging of GET /repos/search for PUSHED,
// UPDATED and CREATED, and the locally sorted whole list for FULL_NAME. It returns no stream when
// q's provider filter excludes Gitea, a KindInternal error for an invalid order and a KindUnauth
// error when q has no token.
func (s *Source) Streams(_ context.Context, q providers.Query) ([]providers.Stream, error) {
	if err := q.Check(SourceName); err != nil {
		return nil, err
	}
	if !q.Allows(providers.Gitea) {
		return nil, nil
	}
	if q.Token == "" {
		return nil, s.client.NoToken()
	}
	if !q.Owner.IsZero() {
		return s.ownerStreams(q) // owners.go
	}
	if !q.Filter.IsZero() {
		return s.filteredStreams(q), nil
	}
	if sort, ok := searchSort[q.Order.Sort]; ok {
		order := "desc"
		if q.Order.Direction == providers.Asc {
			order = "asc"
		}
		return []providers.Stream{&nativeStream{src: s, token: q.Token, sort: sort, order: order,
			id: providers.StreamID(SourceName, "", q)}}, nil
	}
	return []providers.Stream{s.local.Stream(SourceName, "", q, listKey, s.readAll(q.Token), nil)}, nil
}

// nativeStream pages GET /repos/search?uid=<viewer> in an order Gitea sorts itself.
type nativeStream struct {
	src             *Source
	token           string
	sort, order, id string
}

// ID implements providers.Stream.
func (st *nativeStream) ID() string { return st.id }

// Key implements providers.Stream: Gitea has one stream.
func (st *nativeStream) Key() string { return "" }

// Source implements providers.Stream.
func (st *nativeStream) Source() string { return SourceName }

// FetchPage implements providers.Stream. Gitea sends no ETag for lists, so etag is not used and
// providers.ErrNotModified never comes back; failures are *providers.Error values.
func (st *nativeStream) FetchPage(ctx context.Context, i int, _ string) (providers.Page, error) {
	return st.src.fetchPage(ctx, st.token, st.sort, st.order, i, nil)
}

// Repository fetches one repository with GET /repos/{owner}/{repo}. An id whose path is not
// owner/name made of the characters Gitea allows in names is a KindBadInput error, before any
// request. A repository the token cannot see, an id of another forge, or a path that now holds
// another repository (another forge id) is a KindNotFound error; other failures are
// *providers.Error values as rest.Client.Do returns them.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.Gitea {
		return nil, s.errorf(providers.KindNotFound, "%s repository %q is not on Gitea", id.Provider, id)
	}
	path, err := s.lookupPath(id) // write.go: by numeric id when the id has one
	if err != nil {
		return nil, err
	}
	var w repository
	if _, err := s.client.GetJSON(ctx, token, path, nil, &w); err != nil {
		return nil, err
	}
	r, err := convertRepository(&w)
	if err != nil {
		return nil, err
	}
	if id.ForgeID != "" && r.ForgeID != id.ForgeID {
		return nil, s.errorf(providers.KindNotFound, "repository %q is now another repository (id %s, not %s)", id, r.ForgeID, id.ForgeID)
	}
	return &r, nil
}
