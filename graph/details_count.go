package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
)

// countOnly reports whether the nested connection field being resolved selects totalCount and
// nothing that needs its items (edges, nodes, pageInfo; __typename aside), under any alias,
// fragment or directive: then no page of it need be read, only its count.
func countOnly(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	fields := graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, nil)
	counted := false
	for _, f := range fields {
		switch f.Name {
		case "totalCount":
			counted = true
		case "__typename":
		default:
			return false
		}
	}
	return counted
}

// countOnlyPage is readNested's answer when only totalCount is selected: a's sizes and cursors are
// still checked (bad input stays an error), no page is read, and the count is read here with count,
// so that its failure is the connection field's error, as a failed page read is.
func countOnlyPage[T any](ctx context.Context, r *Resolver, repo *providers.Repository, field string, a NestedArgs, count func(context.Context) (int, error)) (*nestedPage[T], error) {
	if _, err := r.nestedWindow(a, providers.NestedBinding(repo, field)); err != nil {
		return nil, err
	}
	n, err := count(ctx)
	if err != nil {
		return nil, err
	}
	return &nestedPage[T]{pageInfo: &model.PageInfo{}, count: func(context.Context) (int, error) { return n, nil }}, nil
}

// nestedCount returns how a count-only field of repo is counted on source: with the source's
// providers.NestedCounter when it counts field (one upstream request, under its own loader key
// field+".count", so a count and a page of the same list are distinct reads and each is read at
// most once per request; when that answer did not say the count, from the pages; with other
// repositories' counts in one upstream request where the source batches field+".count": see
// providers.DetailBatcher), else from the pages through fetch (forges that send a total with the
// first page answer from that page, the same read a page of items would make).
func nestedCount[T any](src any, source, token string, repo *providers.Repository, field string, fetch providers.NestedFetcher[T]) func(context.Context) (int, error) {
	if nc, ok := src.(providers.NestedCounter); ok && nc.CountsNested(field) {
		return func(ctx context.Context) (int, error) {
			key := detailKey(ctx, source, token, repo, field+".count", 0)
			n, err := loadBatched(ctx, key, token, batchedFor(src, repo, field+".count"), func(ctx context.Context) (int, error) {
				return nc.CountNested(ctx, token, repo, field)
			})
			if err == nil && n < 0 {
				// The forge did not say the count: read the pages.
				return providers.NestedCount(ctx, fetch)
			}
			return n, err
		}
	}
	return func(ctx context.Context) (int, error) { return providers.NestedCount(ctx, fetch) }
}
