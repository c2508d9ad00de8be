package graph

//go:generate go run github.com/99designs/gqlgen generate
//go:generate go run ../internal/seqlists/gen

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// marshalList marshals the length elements of a list (marshal(ctx, i) marshals element i under a
// FieldContext carrying its index), in place of graphql.MarshalSliceConcurrently, which
// internal/seqlists rewrites to this. When no field selected under the elements (sel, through
// fragments) runs on a goroutine of its own (concurrentFields), no element can block, and they are
// marshalled in order on this goroutine: a goroutine per element cost about a sixth of an executed
// page's CPU, growing each one's stack. Otherwise gqlgen's concurrent marshalling runs, so loaders
// batch across the elements. A panic in an element is recovered as gqlgen does (unless
// omitPanicHandler): the error is added and the list is null.
func marshalList(ctx context.Context, sel ast.SelectionSet, length int, workerLimit int64, omitPanicHandler bool, marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if length <= 1 || mayBlock(sel) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshal)
	}
	ret := make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshal(childCtx, i)
			continue
		}
		if !marshalRecovered(childCtx, ret, i, marshal) {
			return nil
		}
	}
	return ret
}

// marshalRecovered sets ret[i] to element i, and reports false when it panicked (the panic is
// added to the response's errors as gqlgen's recover func presents it).
func marshalRecovered(ctx context.Context, ret graphql.Array, i int, marshal func(ctx context.Context, i int) graphql.Marshaler) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ok = false
		}
	}()
	ret[i] = marshal(ctx, i)
	return true
}

// mayBlock reports whether sel selects, at any depth, a field that gqlgen runs on a goroutine of its
// own (concurrentFields), or uses @defer; a fragment spread that was not resolved counts as
// blocking.
func mayBlock(sel ast.SelectionSet) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.Directives.ForName("defer") != nil {
				return true
			}
			if s.ObjectDefinition != nil && concurrentFields[s.ObjectDefinition.Name][s.Name] {
				return true
			}
			if mayBlock(s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if s.Directives.ForName("defer") != nil || mayBlock(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Directives.ForName("defer") != nil || s.Definition == nil || mayBlock(s.Definition.SelectionSet) {
				return true
			}
		default:
			return true
		}
	}
	return false
}
