package gqlhttp

import (
	"encoding/json"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
)

// operationKind tells which kind of operation (query, mutation, subscription) query and
// operationName select, by lexing the document's top level only: no syntax tree is built, so a GET
// that is not a query is refused before any parsing or validation. It returns "" when it cannot
// tell (a malformed document, an unknown or ambiguous operation): GraphQL then reports the error.
func operationKind(query, operationName string) ast.Operation {
	lx := lexer.New(&ast.Source{Input: query})
	type op struct {
		kind ast.Operation
		name string
	}
	var ops []op
	depth, parens := 0, 0 // nesting of selection sets; of arguments and variable definitions
	atDefinition := true  // the next top-level token starts a definition
	naming := false       // the previous token was an operation keyword
	for {
		tok, err := lx.ReadToken()
		if err != nil {
			return ""
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		if tok.Kind == lexer.EOF {
			break
		}
		if naming {
			naming = false
			if tok.Kind == lexer.Name {
				ops[len(ops)-1].name = tok.Value
				continue
			}
		}
		if depth == 0 && parens == 0 && atDefinition && tok.Kind != lexer.BraceL && tok.Kind != lexer.Name {
			return "" // a definition starts with "{" or a keyword
		}
		switch tok.Kind {
		case lexer.ParenL:
			parens++
		case lexer.ParenR:
			parens--
			if parens < 0 {
				return ""
			}
		case lexer.BraceL:
			if parens > 0 {
				continue // an input object value
			}
			if depth == 0 && atDefinition { // the query shorthand: { ... }
				ops = append(ops, op{kind: ast.Query})
				atDefinition = false
			}
			depth++
		case lexer.BraceR:
			if parens > 0 {
				continue
			}
			depth--
			if depth < 0 {
				return ""
			}
			atDefinition = depth == 0
		case lexer.Name:
			if depth != 0 || !atDefinition {
				continue
			}
			atDefinition = false
			switch k := ast.Operation(tok.Value); k {
			case ast.Query, ast.Mutation, ast.Subscription:
				ops = append(ops, op{kind: k})
				naming = true
			case "fragment":
			default:
				return ""
			}
		}
	}
	if operationName == "" {
		if len(ops) == 1 {
			return ops[0].kind
		}
		return ""
	}
	for _, o := range ops {
		if o.name == operationName {
			return o.kind
		}
	}
	return ""
}

// IsMutation reports whether a POST body (one JSON GraphQL request) selects a mutation, by
// lexing its document's top level as operationKind does. A body it cannot read, a batch, or a
// request without a query text (a persisted-query hash alone) is not known to be one: false.
func IsMutation(body []byte) bool {
	var p struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName"`
	}
	if json.Unmarshal(body, &p) != nil || p.Query == "" {
		return false
	}
	return operationKind(p.Query, p.OperationName) == ast.Mutation
}
