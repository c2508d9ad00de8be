package graph

// This file is Query.repositoryOwner, RepositoryOwner.repositories, owners in node(id), and
// Query.publicRepositories.

import (
	"context"

	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
)

// publicForges names the forges publicRepositories serves, for its NOT_SUPPORTED message.
const publicForges = "GITHUB and GITLAB"

// directSource returns the enabled source that serves forge p alone (GitHub's for GITHUB, ...),
// nil when there is none; fronting is the name of a source that reaches p only through another
// forge's API (OpenHands), "" when none does.
func (r *Resolver) directSource(ctx context.Context, p providers.Provider) (direct providers.Source, fronting string) {
	for _, pl := range r.plans(ctx, &p, providers.Query{Order: providers.NewOrder("", "")}) {
		if ps := pl.source.Providers(); len(ps) == 1 && ps[0] == p {
			return pl.source, ""
		}
		fronting = pl.source.Name()
	}
	return nil, fronting
}

// ownerFinder returns the source that finds p's owners. ok is false when no enabled source serves
// p (the owner is then null); a source that cannot list owners (CodeArts, or p reached only through
// OpenHands) is a KindNotSupported error.
func (r *Resolver) ownerFinder(ctx context.Context, p providers.Provider) (providers.Source, providers.OwnerFinder, bool, error) {
	src, fronting := r.directSource(ctx, p)
	if src == nil {
		if fronting != "" {
			return nil, nil, false, providers.Errorf(providers.KindNotSupported, fronting,
				"%s repositories are listed through %s, which cannot list an owner's repositories: enable the %s source itself", p, fronting, p)
		}
		return nil, nil, false, nil
	}
	f, ok := src.(providers.OwnerFinder)
	if !ok {
		return nil, nil, false, providers.OwnersNotSupported(src.Name())
	}
	return src, f, true, nil
}

// RepositoryOwner answers Query.repositoryOwner: the owner login of forge p as the request's
// credential sees it, nil when the forge has no such owner (or no enabled source serves p). A
// malformed login is a KindBadInput error; a forge without owners a KindNotSupported one. Lookups
// are kept per credential (pages.Lookups.Owner).
func (r *Resolver) RepositoryOwner(ctx context.Context, p providers.Provider, login string) (model.RepositoryOwner, error) {
	if err := providers.CheckLogin(login); err != nil {
		return nil, err
	}
	o, err := r.findOwner(ctx, p, login)
	if o == nil || err != nil {
		return nil, err
	}
	return model.OwnerOf(o), nil
}

// findOwner looks login up on p's direct source through the lookup cache: nil without error when
// the forge has none.
func (r *Resolver) findOwner(ctx context.Context, p providers.Provider, login string) (*providers.Owner, error) {
	src, finder, ok, err := r.ownerFinder(ctx, p)
	if !ok {
		return nil, err
	}
	token := providers.CredentialsFrom(ctx).Token(src.Name())
	fetch := func(ctx context.Context) (*providers.Owner, error) { return finder.Owner(ctx, token, login) }
	var o *providers.Owner
	if r.Pages != nil && r.Pages.Lookups != nil {
		o, err = r.Pages.Lookups.Owner(ctx, src.Name(), token, p, login, fetch)
	} else {
		o, err = fetch(ctx)
	}
	switch {
	case providers.KindOf(err) == providers.KindNotFound:
		return nil, nil
	case err != nil:
		return nil, providers.AsError(err, src.Name())
	}
	return o, nil
}

// ownerNode resolves an owner's global id (node): nil when the owner is gone or is now of another
// kind.
func (r *Resolver) ownerNode(ctx context.Context, id string) (model.Node, error) {
	p, ref, err := providers.DecodeOwnerID(id)
	if err != nil {
		return nil, err
	}
	o, err := r.findOwner(ctx, p, ref.Login)
	if o == nil || err != nil || o.Kind != ref.Kind {
		return nil, err
	}
	return model.OwnerOf(o), nil
}

// OwnerRepositories answers RepositoryOwner.repositories: the owner's list on its forge's direct
// source, paged and filtered like Viewer.repositories (a.Provider is ignored; a bad filter is a
// KindBadInput error), its cursors bound to the owner and the filter.
func (r *Resolver) OwnerRepositories(ctx context.Context, o *providers.Owner, a ListArgs) (*model.RepositoryConnection, error) {
	if err := a.Filter.check(); err != nil {
		return nil, err
	}
	src, _, ok, err := r.ownerFinder(ctx, o.Provider)
	if !ok {
		if err == nil {
			err = providers.Errorf(providers.KindNotSupported, "", "no enabled source serves %s any more", o.Provider)
		}
		return nil, err
	}
	a.Provider = nil
	lq := a.query()
	lq.Owner = o.Ref()
	q := lq
	q.Token = providers.CredentialsFrom(ctx).Token(src.Name())
	return r.listOf(ctx, a, lq, []plan{{source: src, query: q}})
}

// PublicRepositories answers Query.publicRepositories: first (0 to 100, DefaultPageSize when nil)
// public repositories of forge p after the cursor's keyset position, as many upstream pages as it
// takes. A forge without a keyset public list is a KindNotSupported error, a bad first a
// KindBadInput one, a cursor not issued for this provider and credential a KindInvalidCursor one.
func (r *Resolver) PublicRepositories(ctx context.Context, p providers.Provider, first *int, after *string) (*model.PublicRepositoryConnection, error) {
	if err := checkSize("first", first); err != nil {
		return nil, err
	}
	n := providers.DefaultPageSize
	if first != nil {
		n = *first
	}
	src, fronting := r.directSource(ctx, p)
	lister, ok := src.(providers.PublicLister)
	if !ok {
		name := fronting
		if src != nil {
			name = src.Name()
		}
		if name == "" {
			return nil, providers.Errorf(providers.KindNotSupported, "", "no enabled source serves %s: publicRepositories works on %s", p, publicForges)
		}
		return nil, providers.Errorf(providers.KindNotSupported, name, "%s has no public list forgegraph can page by position: publicRepositories works on %s", p, publicForges)
	}
	creds := providers.CredentialsFrom(ctx)
	binding := providers.PublicBinding(p, providers.CredentialSet(creds, []string{src.Name()}))
	var pos uint64
	if after != nil {
		var err error
		if pos, err = r.Codec.DecodePublic(binding, *after); err != nil {
			return nil, err
		}
	}
	edges, hasNext, err := providers.PublicPage(ctx, lister, src.Name(), creds.Token(src.Name()), pos, n)
	if err != nil {
		return nil, providers.AsError(err, src.Name())
	}
	c := &model.PublicRepositoryConnection{Edges: make([]*model.RepositoryEdge, len(edges)),
		PageInfo: &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: pos > 0}}
	for i, e := range edges {
		cur := r.Codec.EncodePublic(binding, e.Pos)
		c.Edges[i] = &model.RepositoryEdge{Node: e.Node, Encode: func(providers.Cursor) string { return cur }}
	}
	if k := len(c.Edges); k > 0 {
		c.PageInfo.First, c.PageInfo.Last = c.Edges[0], c.Edges[k-1]
	}
	return c, nil
}
