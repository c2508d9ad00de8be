package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestQueryCacheBoundedByBytes: the cache of parsed documents holds at most its byte budget, by
// the documents' estimated sizes, however many distinct large queries come; small ones still hit.
func TestQueryCacheBoundedByBytes(t *testing.T) {
	ctx := context.Background()
	const budget = 4 << 20
	c := newQueryCache(budget)
	small := "{ viewer { repositories(first: 2) { totalCount } } }"
	doc, err := parser.ParseQuery(&ast.Source{Input: small})
	if err != nil {
		t.Fatal(err)
	}
	c.Add(ctx, small, doc)
	if got, ok := c.Get(ctx, small); !ok || got != doc {
		t.Fatal("a small document was not kept")
	}
	big := "{ " + strings.Repeat("__typename ", ParserTokenLimit-10) + "}"
	bigDoc, err := parser.ParseQuery(&ast.Source{Input: big})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 { // 200 distinct documents of about 5,000 tokens each
		c.Add(ctx, fmt.Sprintf("%s # %d", big, i), bigDoc)
	}
	if c.m.Bytes() > budget {
		t.Fatalf("%d bytes kept, over the budget of %d", c.m.Bytes(), budget)
	}
	if n := c.m.Len(); n >= 200 || n == 0 {
		t.Fatalf("%d of 200 large documents kept within %d bytes", n, budget)
	}
	if s := docSize(big); s < int64(ParserTokenLimit)*bytesPerToken {
		t.Fatalf("a document of %d tokens is estimated at %d bytes", ParserTokenLimit, s)
	}
}
