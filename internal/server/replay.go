package server

import (
	"context"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// replayMark is how the GraphQL handler tells the micro-cache, which wraps it, that the operation
// it ran may be replayed: the micro-cache puts one in the request's context, and replayCheck sets
// it once the operation has validated. An unset mark (the operation was never validated, or was
// not replayable) keeps the answer from being replayed.
type replayMark struct{ ok atomic.Bool }

type replayMarkKey struct{}

// withReplayMark returns ctx carrying a new, unset mark.
func withReplayMark(ctx context.Context) (context.Context, *replayMark) {
	m := &replayMark{}
	return context.WithValue(ctx, replayMarkKey{}, m), m
}

// replayCheck is the gqlgen extension that sets the request's replayMark (when it has one) to
// whether the validated operation is Replayable.
type replayCheck struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = replayCheck{}

// ExtensionName implements graphql.HandlerExtension.
func (replayCheck) ExtensionName() string { return "ReplayCheck" }

// Validate implements graphql.HandlerExtension.
func (replayCheck) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (replayCheck) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if m, _ := ctx.Value(replayMarkKey{}).(*replayMark); m != nil {
		m.ok.Store(Replayable(op.Doc, op.Operation))
	}
	return nil
}

// volatileFields are fields whose value changes without the data changing (Viewer.rateLimit moves
// with every forge answer): an operation that selects one, under any alias, directly or through
// fragments, is not replayed.
var volatileFields = map[string]bool{"rateLimit": true}

// Replayable tells whether the answer to op (an operation of doc) may be given again to an
// identical request: only a query, and only when its selection reaches no volatile field
// (rateLimit), whatever alias it has and through any fragment. Mutations and subscriptions never
// are: an identical mutation must run again. A nil op is not replayable.
func Replayable(doc *ast.QueryDocument, op *ast.OperationDefinition) bool {
	if op == nil || op.Operation != ast.Query {
		return false
	}
	return !reachesVolatile(doc, op.SelectionSet, map[string]bool{})
}

// reachesVolatile tells whether set selects a volatile field, following fragment spreads (each
// fragment once) through doc.
func reachesVolatile(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if volatileFields[s.Name] || reachesVolatile(doc, s.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if reachesVolatile(doc, s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			def := s.Definition
			if def == nil && doc != nil {
				def = doc.Fragments.ForName(s.Name)
			}
			if def == nil {
				return true // unknown fragment: assume the worst
			}
			if reachesVolatile(doc, def.SelectionSet, seen) {
				return true
			}
		}
	}
	return false
}
