package gqlhttp

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

func TestOperationKind(t *testing.T) {
	cases := []struct {
		query, name string
		want        ast.Operation
	}{
		{"{ a }", "", ast.Query},
		{"query { a }", "", ast.Query},
		{"query Q($x: In = {a: {b: 1}}) @d(a: {x: 1}) { a }", "", ast.Query},
		{"mutation { a }", "", ast.Mutation},
		{"mutation M { a }", "M", ast.Mutation},
		{"subscription { a }", "", ast.Subscription},
		{"# a comment { mutation }\nquery { a }", "", ast.Query},
		{`query { a(s: "} mutation {") }`, "", ast.Query},
		{`query { a(s: """ } """) } mutation M { b }`, "M", ast.Mutation},
		{"query query { a }", "query", ast.Query},
		{"fragment F on Q { a } mutation { ...F }", "", ast.Mutation},
		{"query A { a } mutation B { b }", "A", ast.Query},
		{"query A { a } mutation B { b }", "B", ast.Mutation},
		{"query A { a } mutation B { b }", "", ""}, // ambiguous
		{"query A { a }", "B", ""},                 // unknown
		{"", "", ""},
		{"{ a }}", "", ""},
		{"{ a", "", ast.Query},
		{"type T { a: Int }", "", ""},
		{"(", "", ""},
		{`query { a(s: "unterminated) }`, "", ""},
	}
	for _, c := range cases {
		if got := operationKind(c.query, c.name); got != c.want {
			t.Errorf("operationKind(%q, %q) = %q, want %q", c.query, c.name, got, c.want)
		}
	}
}
