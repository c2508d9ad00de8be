package server

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/forgegraph/forgegraph/internal/cache"
)

// QueryCacheBytes bounds the parsed and validated documents the server keeps (by their estimated
// size, see docSize), so that distinct large queries cannot grow the process without bound.
const QueryCacheBytes = 32 << 20

// bytesPerToken is a parsed document's size per token of its text, rounded up from measurement
// (a document of 3,600 short tokens took 275 kB, 76 bytes a token).
const bytesPerToken = 80

// queryCache is gqlgen's cache of parsed and validated documents (keyed by the query text), bounded
// by bytes rather than by a number of documents. Documents are kept for a day unless evicted.
type queryCache struct {
	m *cache.Memory[sizedDoc]
}

var _ graphql.Cache[*ast.QueryDocument] = queryCache{}

// sizedDoc is a document with its estimated size.
type sizedDoc struct {
	doc  *ast.QueryDocument
	size int64
}

// newQueryCache returns a query cache of at most maxBytes.
func newQueryCache(maxBytes int64) queryCache {
	return queryCache{m: cache.NewMemoryBytes(maxBytes, func(d sizedDoc) int64 { return d.size })}
}

// Get implements graphql.Cache.
func (q queryCache) Get(ctx context.Context, query string) (*ast.QueryDocument, bool) {
	d, ok := q.m.Get(ctx, query)
	return d.doc, ok
}

// Add implements graphql.Cache.
func (q queryCache) Add(ctx context.Context, query string, doc *ast.QueryDocument) {
	q.m.Set(ctx, query, sizedDoc{doc: doc, size: docSize(query)}, 24*time.Hour)
}

// docSize estimates the memory a parsed document of query and its key take: the text (kept as the
// key and referenced by the document) plus bytesPerToken for each token, counting every byte as
// a token up to ParserTokenLimit (a document has no more tokens than bytes, nor than the limit).
func docSize(query string) int64 {
	return 2*int64(len(query)) + bytesPerToken*int64(min(len(query), ParserTokenLimit)) + 256
}
