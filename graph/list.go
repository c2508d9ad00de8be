package graph

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"

	"github.com/forgegraph/forgegraph/graph/loaders"
	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
)

// ListArgs are Viewer.repositories' arguments; nil means not given.
type ListArgs struct {
	Provider      *providers.Provider
	Sort          *providers.Sort
	Direction     *providers.Direction
	First, Last   *int
	After, Before *string
	// Filter are the filter arguments (filter.go); the zero value is the unfiltered list.
	Filter FilterArgs
}

// checkSize validates first or last.
func checkSize(name string, v *int) error {
	if v != nil && (*v < 0 || *v > providers.MaxPageSize) {
		follow := "first with after: pageInfo.endCursor"
		if name == "last" {
			follow = "last with before: pageInfo.startCursor"
		}
		return providers.Errorf(providers.KindBadInput, "", "%s must be between 0 and %d, got %d: ask for at most %d repositories per page and page on (%s)", name, providers.MaxPageSize, *v, providers.MaxPageSize, follow)
	}
	return nil
}

// query is the list's query as the cursors are bound to it: every argument of a but the paging
// ones (First, Last, After, Before), in the one canonical form of providers.Query.Key. The
// per-source queries of plans narrow its provider filter to what each source serves.
func (a ListArgs) query() providers.Query {
	var s providers.Sort
	var d providers.Direction
	if a.Sort != nil {
		s = *a.Sort
	}
	if a.Direction != nil {
		d = *a.Direction
	}
	q := providers.Query{Order: providers.NewOrder(s, d)}
	if a.Provider != nil {
		q.Providers = []providers.Provider{*a.Provider}
	}
	q.Filter = a.Filter.filter()
	return q
}

// cursorBinding is what a list's cursors are bound to: the Key of the list's query (provider filter,
// sort and direction, and any filter Query gains) and the credentials of the sources the list asks
// (a cursor given with another token for any of them is INVALID_CURSOR).
func cursorBinding(ctx context.Context, q providers.Query, plans []plan) providers.Binding {
	names := make([]string, len(plans))
	for i, pl := range plans {
		names[i] = pl.source.Name()
	}
	return providers.Binding{Args: q.Key(), Credentials: providers.CredentialSet(providers.CredentialsFrom(ctx), names)}
}

// window validates the paging arguments and decodes the cursors for binding b.
func (r *Resolver) window(a ListArgs, b providers.Binding) (providers.Window, error) {
	w := providers.Window{First: a.First, Last: a.Last}
	if err := checkSize("first", a.First); err != nil {
		return w, err
	}
	if err := checkSize("last", a.Last); err != nil {
		return w, err
	}
	if a.First != nil && a.Last != nil {
		return w, providers.Errorf(providers.KindBadInput, "", "give first or last, not both: first/after pages forward, last/before pages backward")
	}
	for _, c := range []struct {
		text *string
		dst  **providers.Cursor
	}{{a.After, &w.After}, {a.Before, &w.Before}} {
		if c.text == nil {
			continue
		}
		cur, err := r.Codec.Decode(b, *c.text)
		if err != nil {
			return w, err
		}
		*c.dst = &cur
	}
	return w, nil
}

// plan is which sources a list asks, each with its query.
type plan struct {
	source providers.Source
	query  providers.Query
}

// plans picks the sources for a provider filter and gives each its query: base (the list's query,
// every filter in it) with the source's credential and the forges it is asked for. A source that fronts several forges (OpenHands) is
// not asked for a forge that is enabled directly: the direct source is authoritative, so the same
// repository never appears twice.
func (r *Resolver) plans(ctx context.Context, filter *providers.Provider, base providers.Query) []plan {
	creds := providers.CredentialsFrom(ctx)
	direct := map[providers.Provider]bool{}
	for _, s := range r.Sources {
		if ps := s.Providers(); len(ps) == 1 {
			direct[ps[0]] = true
		}
	}
	var out []plan
	for _, s := range r.Sources {
		ps := s.Providers()
		var allowed []providers.Provider
		for _, p := range ps {
			if filter != nil && p != *filter {
				continue
			}
			if len(ps) > 1 && direct[p] {
				continue
			}
			allowed = append(allowed, p)
		}
		if len(allowed) == 0 {
			continue
		}
		q := base
		q.Token, q.Providers = creds.Token(s.Name()), nil
		if len(ps) > 1 || filter != nil {
			q.Providers = allowed
		}
		out = append(out, plan{source: s, query: q})
	}
	return out
}

// streams asks every planned source for its streams in parallel; failures come back one per source.
// ready, when not nil, is called with each stream as soon as its source returned it (to start reading
// it while slower sources still answer).
func streams(ctx context.Context, local *providers.Local, plans []plan, ready func(providers.Stream)) ([]providers.Stream, []*providers.Error) {
	per := make([][]providers.Stream, len(plans))
	errs := make([]*providers.Error, len(plans))
	ask := func(i int, p plan) {
		st, err := p.source.Streams(ctx, p.query)
		// A filtered list is read whole per stream and filtered exactly (the source may have
		// narrowed it natively); the unfiltered list is what the source returned.
		st = providers.FilterStreams(local, p.query, st)
		per[i], errs[i] = st, providers.AsError(err, p.source.Name())
		if ready != nil {
			for _, s := range st {
				ready(s)
			}
		}
	}
	var wg sync.WaitGroup
	for i, p := range plans {
		if i == len(plans)-1 {
			ask(i, p) // the last on this goroutine, which would only wait
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ask(i, p)
		}()
	}
	wg.Wait()
	var all []providers.Stream
	var failed []*providers.Error
	for i := range plans {
		all = append(all, per[i]...)
		if errs[i] != nil {
			failed = append(failed, errs[i])
		}
	}
	providers.SortStreams(all)
	return all, failed
}

// Repositories answers Viewer.repositories. Input errors fail the field; a failing source adds one
// error to the response while the others' repositories are returned.
func (r *Resolver) Repositories(ctx context.Context, a ListArgs) (*model.RepositoryConnection, error) {
	if err := a.Filter.check(); err != nil {
		return nil, err
	}
	lq := a.query()
	return r.listOf(ctx, a, lq, r.plans(ctx, a.Provider, lq))
}

// listOf answers a list (the viewer's, or an owner's in owners.go) of query lq over plans, paged by
// a's paging arguments, its cursors bound to lq and the plans' credentials.
func (r *Resolver) listOf(ctx context.Context, a ListArgs, lq providers.Query, plans []plan) (*model.RepositoryConnection, error) {
	o := lq.Order
	binding := cursorBinding(ctx, lq, plans)
	w, err := r.window(a, binding)
	if err != nil {
		return nil, err
	}
	ld := loaders.For(ctx, r.Pages)
	fetch := ld.Fetch
	var prefetch func(providers.Stream)
	var cold atomic.Bool // a stream's first page is not at hand
	first := w.After == nil && w.Before == nil && w.Last == nil
	if first {
		// A first page starts at position 0 of every stream: read it as soon as the stream is known,
		// so a source whose streams take a round trip (Bitbucket's workspaces) delays no other. A
		// fresh page is only noted (no goroutine for a warm page).
		prefetch = func(st providers.Stream) {
			if !ld.Fresh(ctx, st, 0) {
				cold.Store(true)
				go func() { _, _ = fetch(ctx, st, 0) }()
			}
		}
	}
	sts, failed := streams(ctx, r.local(), plans, prefetch)
	// Every first page at hand: the merge reads its lanes in turn (providers.Window.Warm).
	w.Warm = first && !cold.Load()
	res := providers.List(ctx, sts, o, fetch, w)
	for _, e := range append(failed, res.Failed...) {
		graphql.AddError(ctx, e)
	}
	return connection(res, r.encoder(binding), func(ctx context.Context) (int, error) {
		// Only when totalCount is selected: count the streams this page could read.
		live := slices.DeleteFunc(slices.Clone(sts), func(st providers.Stream) bool {
			return slices.ContainsFunc(res.Failed, func(e *providers.Error) bool { return e.Source == st.Source() })
		})
		n, err := providers.Count(ctx, live, fetch)
		if err != nil {
			graphql.AddError(ctx, err)
			return 0, nil
		}
		return n, nil
	}), nil
}

func (r *Resolver) encoder(b providers.Binding) func(providers.Cursor) string {
	return r.Codec.Encoder(b)
}

// connection builds the GraphQL connection of a result.
func connection(res providers.Result, enc func(providers.Cursor) string, count func(context.Context) (int, error)) *model.RepositoryConnection {
	c := &model.RepositoryConnection{
		Edges:    make([]*model.RepositoryEdge, len(res.Edges)),
		PageInfo: &model.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: res.HasPreviousPage},
		Count:    count,
	}
	for i, e := range res.Edges {
		c.Edges[i] = &model.RepositoryEdge{Node: e.Node, Mark: e.Cursor, Encode: enc}
	}
	if n := len(c.Edges); n > 0 {
		c.PageInfo.First, c.PageInfo.Last = c.Edges[0], c.Edges[n-1]
	}
	return c
}

// Node resolves a global ID through the sources that can see its forge, direct ones first; it is nil
// when none can. Lookups go through the request's loaders: identical ones in one request ask once,
// answers are kept per credential (see pages.Lookups), and a request has at most
// loaders.MaxLookupsInFlight upstream lookups in flight per source.
func (r *Resolver) Node(ctx context.Context, id string) (model.Node, error) {
	if providers.IsOwnerID(id) {
		return r.ownerNode(ctx, id) // owners.go
	}
	gid, err := providers.DecodeGlobalID(id)
	if err != nil {
		return nil, err
	}
	return r.lookup(ctx, gid)
}

// lookup resolves a decoded global ID (Node) or a path without a forge id (Query.repository, in
// details.go): nil when no source can see it.
func (r *Resolver) lookup(ctx context.Context, gid providers.GlobalID) (model.Node, error) {
	creds := providers.CredentialsFrom(ctx)
	l := loaders.For(ctx, r.Pages)
	var lastErr error
	for _, p := range r.plans(ctx, &gid.Provider, providers.Query{Order: providers.NewOrder("", "")}) {
		repo, err := l.Repository(ctx, p.source, creds.Token(p.source.Name()), gid)
		if err == nil && repo != nil {
			return repo, nil
		}
		if providers.KindOf(err) != providers.KindNotFound {
			lastErr = providers.AsError(err, p.source.Name())
		}
	}
	return nil, lastErr
}
