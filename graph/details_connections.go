package graph

import (
	"context"

	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
)

// The nested connections of a Repository. Each is nil (null) when no enabled source of the
// repository's forge has the capability; an input error (size, cursor) or the source's failure
// is the field's error, which leaves the rest of the answer in place.

// Languages answers Repository.languages: biggest first, read whole once per repository (with
// other repositories' in one upstream request where the source batches them).
func (r *Resolver) Languages(ctx context.Context, repo *providers.Repository, a NestedArgs) (*model.LanguageConnection, error) {
	ll, token, source, ok := detailPlan[providers.LanguageLister](ctx, r, repo)
	if !ok {
		return nil, nil
	}
	all := func(ctx context.Context) ([]providers.Language, error) {
		key := detailKey(ctx, source, token, repo, providers.BatchLanguages, 0)
		return loadBatched(ctx, key, token, batchedFor(ll, repo, providers.BatchLanguages), func(ctx context.Context) ([]providers.Language, error) {
			return ll.Languages(ctx, token, repo)
		})
	}
	fetch := func(ctx context.Context, i int) (providers.ListPage[providers.Language], error) {
		langs, err := all(ctx)
		if err != nil {
			return providers.ListPage[providers.Language]{}, err
		}
		return providers.WholeList(langs)(ctx, i)
	}
	p, err := readNested(ctx, r, repo, "languages", a, fetch, nil)
	if err != nil {
		return nil, err
	}
	langs, _ := all(ctx) // read by readNested already
	c := &model.LanguageConnection{PageInfo: p.pageInfo, Count: p.count, Edges: make([]*model.LanguageEdge, len(p.edges))}
	total := 0
	for _, l := range langs {
		if l.Size == nil {
			total = -1
			break
		}
		total += int(*l.Size)
	}
	if total >= 0 && len(langs) > 0 {
		c.TotalSize = &total
	}
	for i, e := range p.edges {
		c.Edges[i] = &model.LanguageEdge{Node: &e.Node, Encode: p.encode(e.Pos)}
	}
	return c, nil
}

// Refs answers Repository.branches and Repository.tags, in the forge's order.
func (r *Resolver) Refs(ctx context.Context, repo *providers.Repository, kind providers.RefKind, a NestedArgs) (*model.RefConnection, error) {
	rl, token, source, ok := detailPlan[providers.RefLister](ctx, r, repo)
	if !ok {
		return nil, nil
	}
	fetch := pagedFetcher(source, token, repo, string(kind), func(ctx context.Context, i int) (providers.ListPage[providers.Ref], error) {
		return rl.Refs(ctx, token, repo, kind, i)
	})
	p, err := readNested(ctx, r, repo, string(kind), a, fetch, nestedCount(rl, source, token, repo, string(kind), fetch))
	if err != nil {
		return nil, err
	}
	c := &model.RefConnection{PageInfo: p.pageInfo, Count: p.count, Edges: make([]*model.RefEdge, len(p.edges))}
	for i, e := range p.edges {
		c.Edges[i] = &model.RefEdge{Node: &e.Node, Encode: p.encode(e.Pos)}
	}
	return c, nil
}

// Contributors answers Repository.contributors, most contributions first.
func (r *Resolver) Contributors(ctx context.Context, repo *providers.Repository, a NestedArgs) (*model.ContributorConnection, error) {
	cl, token, source, ok := detailPlan[providers.ContributorLister](ctx, r, repo)
	if !ok {
		return nil, nil
	}
	fetch := pagedFetcher(source, token, repo, "contributors", func(ctx context.Context, i int) (providers.ListPage[providers.Contributor], error) {
		return cl.Contributors(ctx, token, repo, i)
	})
	p, err := readNested(ctx, r, repo, "contributors", a, fetch, nestedCount(cl, source, token, repo, "contributors", fetch))
	if err != nil {
		return nil, err
	}
	c := &model.ContributorConnection{PageInfo: p.pageInfo, Count: p.count, Edges: make([]*model.ContributorEdge, len(p.edges))}
	for i, e := range p.edges {
		c.Edges[i] = &model.ContributorEdge{Node: &e.Node, Encode: p.encode(e.Pos)}
	}
	return c, nil
}

// Teams answers Repository.teams.
func (r *Resolver) Teams(ctx context.Context, repo *providers.Repository, a NestedArgs) (*model.TeamConnection, error) {
	tl, token, source, ok := detailPlan[providers.TeamLister](ctx, r, repo)
	if !ok {
		return nil, nil
	}
	fetch := pagedFetcher(source, token, repo, "teams", func(ctx context.Context, i int) (providers.ListPage[providers.Team], error) {
		return tl.Teams(ctx, token, repo, i)
	})
	p, err := readNested(ctx, r, repo, "teams", a, fetch, nestedCount(tl, source, token, repo, "teams", fetch))
	if err != nil {
		return nil, err
	}
	c := &model.TeamConnection{PageInfo: p.pageInfo, Count: p.count, Edges: make([]*model.TeamEdge, len(p.edges))}
	for i, e := range p.edges {
		c.Edges[i] = &model.TeamEdge{Node: &e.Node, Encode: p.encode(e.Pos)}
	}
	return c, nil
}
