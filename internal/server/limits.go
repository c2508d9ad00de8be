package server

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/forgegraph/forgegraph/graph"
	"github.com/forgegraph/forgegraph/providers"
)

// MaxDepth bounds how deeply a query may nest selections: the schema itself nests 6 deep, and the
// standard introspection query (GraphiQL, graphql-js getIntrospectionQuery) 15.
const MaxDepth = 15

// ParserTokenLimit bounds the tokens of a query document, so a huge query is refused before it is
// parsed whole.
const ParserTokenLimit = 5000

// DepthLimit is a gqlgen extension refusing operations nested deeper than Max (fragments included).
type DepthLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = DepthLimit{}

// ExtensionName implements graphql.HandlerExtension.
func (DepthLimit) ExtensionName() string { return "DepthLimit" }

// Validate implements graphql.HandlerExtension.
func (DepthLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (d DepthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, 0, d.Max); depth > d.Max {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("query is nested deeper than %d levels: flatten it or split it into several queries", d.Max),
			Extensions: map[string]any{"code": graph.Code(providers.KindBadInput), "reason": "DEPTH_LIMIT_EXCEEDED"},
		}
	}
	return nil
}

// selectionDepth returns the depth of set below depth, stopping early once it passes max (which
// also ends cycles through fragments, which validation refuses anyway).
func selectionDepth(set ast.SelectionSet, depth, max int) int {
	if depth > max {
		return depth
	}
	deepest := depth
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) == 0 {
				d = depth + 1
			} else {
				d = selectionDepth(s.SelectionSet, depth+1, max)
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, depth, max)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet, depth, max)
			}
		}
		deepest = max2(deepest, d)
	}
	return deepest
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}
