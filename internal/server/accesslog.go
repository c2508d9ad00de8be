package server

// This file names the GraphQL operation in the access log: "mutation createRepository", "query
// Dashboard". The log line is written by observe, outside the GraphQL handler; the handler fills a
// holder observe put in the request's context once the operation has validated.

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// maxRootFields bounds how many root field names an unnamed operation's label lists.
const maxRootFields = 3

// accessOp holds the label of the operation a request ran; empty until one validated.
type accessOp struct{ label atomic.Pointer[string] }

type accessOpKey struct{}

// withAccessOp returns ctx carrying a new, empty holder.
func withAccessOp(ctx context.Context) (context.Context, *accessOp) {
	h := &accessOp{}
	return context.WithValue(ctx, accessOpKey{}, h), h
}

// get returns the label, "" when no operation validated (a malformed request, a persisted-query
// miss, an answer replayed by the micro-cache).
func (h *accessOp) get() string {
	if p := h.label.Load(); p != nil {
		return *p
	}
	return ""
}

// operationLabel is the gqlgen extension that fills the request's accessOp with OperationLabel.
type operationLabel struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = operationLabel{}

// ExtensionName implements graphql.HandlerExtension.
func (operationLabel) ExtensionName() string { return "OperationLabel" }

// Validate implements graphql.HandlerExtension.
func (operationLabel) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (operationLabel) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if h, _ := ctx.Value(accessOpKey{}).(*accessOp); h != nil {
		l := OperationLabel(op.Operation)
		h.label.Store(&l)
	}
	return nil
}

// OperationLabel names a validated operation for logs: its type and its name ("query Dashboard"),
// or, for an unnamed one, its type and root fields ("mutation createRepository", at most three,
// then "…"). It holds only names from the document, which validation made schema names or GraphQL
// names: never a variable, an argument or a token. A nil op is "".
func OperationLabel(op *ast.OperationDefinition) string {
	if op == nil {
		return ""
	}
	if op.Name != "" {
		return string(op.Operation) + " " + op.Name
	}
	var fields []string
	for _, s := range op.SelectionSet {
		if f, ok := s.(*ast.Field); ok {
			if len(fields) == maxRootFields {
				fields = append(fields, "…")
				break
			}
			fields = append(fields, f.Name)
		}
	}
	if len(fields) == 0 { // fragments alone at the root
		return string(op.Operation)
	}
	return string(op.Operation) + " " + strings.Join(fields, ",")
}
