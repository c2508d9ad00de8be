package server

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestReplayable decides on parsed documents: queries without rateLimit are replayable; rateLimit
// under an alias or through fragments is not; mutations and subscriptions never are (the schema has
// none yet, so they are parsed here, not run).
func TestReplayable(t *testing.T) {
	for q, want := range map[string]bool{
		`{ viewer { repositories(first: 1) { totalCount } } }`:                                                   true,
		`query Q { viewer { ...F } } fragment F on Viewer { repositories { totalCount } }`:                       true,
		`{ viewer { rateLimit { known } } }`:                                                                     false,
		`{ viewer { rl: rateLimit { known } } }`:                                                                 false,
		`{ rateLimit: viewer { repositories { totalCount } } }`:                                                  true, // an alias named rateLimit is not the field
		`query Q { viewer { ...F } } fragment F on Viewer { ...G } fragment G on Viewer { rateLimit { known } }`: false,
		`{ viewer { ... on Viewer { x: rateLimit { known } } } }`:                                                false,
		`query Q { ...F } fragment F on Query { ...F }`:                                                          true, // a cycle ends
		`mutation { createRepository(input: {}) { clientMutationId } }`:                                          false,
		`mutation M { viewer { repositories { totalCount } } }`:                                                  false,
		`subscription { viewer { repositories { totalCount } } }`:                                                false,
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got := Replayable(doc, doc.Operations[0]); got != want {
			t.Errorf("Replayable(%s) = %v, want %v", q, got, want)
		}
	}
	if Replayable(nil, nil) {
		t.Error("no operation is replayable")
	}
}
