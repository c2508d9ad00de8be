package graph

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/forgegraph/forgegraph/graph/loaders"
	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
)

// maxPathLen bounds Query.repository's nameWithOwner (GitLab allows the longest full paths).
const maxPathLen = 1024

// RepositoryByPath answers Query.repository through the same lookup as Query.node: nil when no
// enabled source can see the repository. A malformed path is a KindBadInput error.
func (r *Resolver) RepositoryByPath(ctx context.Context, p providers.Provider, nameWithOwner string) (*providers.Repository, error) {
	segments := strings.Split(nameWithOwner, "/")
	if len(nameWithOwner) > maxPathLen || !utf8.ValidString(nameWithOwner) || len(segments) < 2 ||
		strings.ContainsFunc(nameWithOwner, func(c rune) bool { return c < ' ' || c == 0x7f }) ||
		slices.ContainsFunc(segments, func(s string) bool { return s == "" || s == "." || s == ".." }) {
		return nil, providers.Errorf(providers.KindBadInput, "", "nameWithOwner %q is not a repository path: give the forge's full path, e.g. owner/name, group/sub/name or workspace/slug", nameWithOwner)
	}
	n, err := r.lookup(ctx, providers.GlobalID{Provider: p, NameWithOwner: nameWithOwner})
	if repo, ok := n.(*providers.Repository); ok && repo != nil {
		return repo, err
	}
	return nil, err
}

// detailPlan returns the direct source of repo's forge (one that serves that forge alone) when it
// is enabled, has capability I and the request has a token for it; ok is false otherwise (the field
// is null). A repository listed through a source that fronts several forges (OpenHands) has its
// forge's provider, so its details come from that forge's direct source too; a fronting source is
// never asked for details, and with no direct source (or no token for it) they are null rather
// than an unauthenticated request that could only fail.
func detailPlan[I any](ctx context.Context, r *Resolver, repo *providers.Repository) (c I, token, source string, ok bool) {
	creds := providers.CredentialsFrom(ctx)
	for _, p := range r.plans(ctx, &repo.Provider, providers.Query{Order: providers.NewOrder("", "")}) {
		if ps := p.source.Providers(); len(ps) != 1 || ps[0] != repo.Provider {
			continue
		}
		token := creds.Token(p.source.Name())
		if c, ok := any(p.source).(I); ok && token != "" {
			return c, token, p.source.Name(), true
		}
	}
	return c, "", "", false
}

// load reads key (read with token) through the request's detail loader, fetch on a miss. Errors
// carry the source.
func load[T any](ctx context.Context, key loaders.DetailKey, token string, fetch func(context.Context) (T, error)) (T, error) {
	return loadBatched(ctx, key, token, loaders.Batched{}, fetch)
}

// loadBatched is load for a key that b may read together with other keys of its source (see
// loaders.Batched; zero: read alone with fetch). A value of another type than T (a batcher that
// broke its contract) is a KindInternal error, not a panic.
func loadBatched[T any](ctx context.Context, key loaders.DetailKey, token string, b loaders.Batched, fetch func(context.Context) (T, error)) (T, error) {
	decode := func(raw json.RawMessage) (any, error) {
		var v T
		err := json.Unmarshal(raw, &v)
		return v, err
	}
	var zero T
	v, err := loaders.DetailsFor(ctx).LoadBatched(ctx, key, token, b, func(ctx context.Context) (any, error) { return fetch(ctx) }, decode)
	if err != nil {
		return zero, providers.AsError(err, key.Source)
	}
	t, ok := v.(T)
	if !ok {
		return zero, providers.Errorf(providers.KindInternal, key.Source, "the %s read gave a %T, not a %T", key.Field, v, zero)
	}
	return t, nil
}

// batchedFor is how field of repo is read on src with other repositories: through its
// providers.DetailBatcher when it batches field, else alone (the zero loaders.Batched).
func batchedFor(src any, repo *providers.Repository, field string) loaders.Batched {
	if b, ok := src.(providers.DetailBatcher); ok && b.BatchesDetail(field) {
		return loaders.Batched{Batcher: b, Request: providers.DetailRequest{Repo: repo, Field: field}}
	}
	return loaders.Batched{}
}

// detailKey is the loader key of field's page of repo on source for token; the token is hashed
// once per request (Details.CredHash).
func detailKey(ctx context.Context, source, token string, repo *providers.Repository, field string, page int) loaders.DetailKey {
	return loaders.DetailKey{Source: source, Cred: loaders.DetailsFor(ctx).CredHash(token), Repo: repo.Identity(), Field: field, Page: page}
}

// Detail resolves one scalar detail f of repo with get: from the list item when it carried f, else
// from the source's detail endpoint (once per repository per request, through the cache). It is the
// zero T when the forge has no such detail, and the source's error when its detail read failed.
func Detail[T any](ctx context.Context, r *Resolver, repo *providers.Repository, f providers.DetailField, get func(*providers.Details) T) (T, error) {
	var zero T
	if repo.Details.Has(f) {
		return get(repo.Details), nil
	}
	df, token, source, ok := detailPlan[providers.DetailFinder](ctx, r, repo)
	if !ok {
		return zero, nil
	}
	d, err := load(ctx, detailKey(ctx, source, token, repo, "details", 0), token, func(ctx context.Context) (*providers.Details, error) {
		return df.Details(ctx, token, repo)
	})
	if err != nil || !d.Has(f) {
		return zero, err
	}
	return get(d), nil
}

// NestedArgs are a nested connection's paging arguments; nil means not given.
type NestedArgs struct {
	First, Last   *int
	After, Before *string
}

// nestedWindow validates a's sizes (as the top connection does) and decodes its cursors for binding.
func (r *Resolver) nestedWindow(a NestedArgs, binding string) (providers.NestedWindow, error) {
	w := providers.NestedWindow{First: a.First, Last: a.Last}
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
		dst  **int
	}{{a.After, &w.After}, {a.Before, &w.Before}} {
		if c.text == nil {
			continue
		}
		pos, err := r.Codec.DecodeNested(binding, *c.text)
		if err != nil {
			return w, err
		}
		*c.dst = &pos
	}
	return w, nil
}

// nestedPage is one page of a nested list with its page info and lazy count.
type nestedPage[T any] struct {
	edges    []providers.NestedEdge[T]
	pageInfo *model.PageInfo
	count    func(context.Context) (int, error)
	encode   func(pos int) func() string
}

// readNested validates a, reads the page it asks of field's list of repo through fetch, and builds
// the page info whose cursors are bound to repo and field. When the field selects only totalCount
// (countOnly), no page is read and the count is counted (nil: from the pages through fetch).
func readNested[T any](ctx context.Context, r *Resolver, repo *providers.Repository, field string, a NestedArgs, fetch providers.NestedFetcher[T], counted func(context.Context) (int, error)) (*nestedPage[T], error) {
	if countOnly(ctx) {
		if counted == nil {
			counted = func(ctx context.Context) (int, error) { return providers.NestedCount(ctx, fetch) }
		}
		return countOnlyPage[T](ctx, r, repo, field, a, counted)
	}
	binding := providers.NestedBinding(repo, field)
	w, err := r.nestedWindow(a, binding)
	if err != nil {
		return nil, err
	}
	res, err := providers.Nested(ctx, fetch, w)
	if err != nil {
		return nil, err
	}
	p := &nestedPage[T]{edges: res.Edges,
		pageInfo: &model.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: res.HasPreviousPage},
		count:    func(ctx context.Context) (int, error) { return providers.NestedCount(ctx, fetch) },
		encode: func(pos int) func() string {
			return func() string { return r.Codec.EncodeNested(binding, pos) }
		},
	}
	if n := len(res.Edges); n > 0 {
		p.pageInfo.Start, p.pageInfo.End = p.encode(res.Edges[0].Pos), p.encode(res.Edges[n-1].Pos)
	}
	return p, nil
}

// pagedFetcher reads field's upstream pages of repo through the loader with list.
func pagedFetcher[T any](source, token string, repo *providers.Repository, field string, list func(ctx context.Context, page int) (providers.ListPage[T], error)) providers.NestedFetcher[T] {
	return func(ctx context.Context, i int) (providers.ListPage[T], error) {
		return load(ctx, detailKey(ctx, source, token, repo, field, i), token, func(ctx context.Context) (providers.ListPage[T], error) {
			return list(ctx, i)
		})
	}
}
