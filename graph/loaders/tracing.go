package loaders

import (
	"context"
	"slices"

	"github.com/graph-gophers/dataloader/v7"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/forgegraph/forgegraph/internal/tracing"
)

// startBatch starts the span of one dataloader batch when ctx is traced (tracing.Tracer): named
// "dataloader <loader>", with the loader's name, the number of keys and the sources they ask
// (source(i) is key i's; never a key itself, which holds credential hashes). Upstream requests of
// the batch are its children. Without tracing it returns ctx and a nil span and calls nothing.
func startBatch(ctx context.Context, loader string, n int, source func(i int) string) (context.Context, trace.Span) {
	tr, ok := tracing.Tracer(ctx)
	if !ok {
		return ctx, nil
	}
	var sources []string
	for i := range n {
		if s := source(i); !slices.Contains(sources, s) {
			sources = append(sources, s)
		}
	}
	slices.Sort(sources)
	return tr.Start(ctx, "dataloader "+loader, trace.WithAttributes(
		attribute.String("forgegraph.loader", loader), attribute.Int("forgegraph.batch.size", n),
		attribute.StringSlice("forgegraph.sources", sources)))
}

// endBatch records on span (nil: not traced) how many keys failed and how many came from the
// shared cache without an upstream request, and ends it.
func endBatch(span trace.Span, failed, cached int) {
	if span == nil {
		return
	}
	span.SetAttributes(attribute.Int("forgegraph.batch.failed", failed), attribute.Int("forgegraph.batch.cached", cached))
	if failed > 0 {
		span.SetStatus(codes.Error, "some keys failed")
	}
	span.End()
}

// pageCacheHit notes on ctx's span (when it records) that page i of source came from the shared
// page store without a batch or an upstream request.
func pageCacheHit(ctx context.Context, source string, i int) {
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.AddEvent("page cache hit", trace.WithAttributes(attribute.String("forgegraph.source", source), attribute.Int("forgegraph.page", i)))
	}
}

// failures counts the results that carry an error.
func failures[V any](results []*dataloader.Result[V]) int {
	n := 0
	for _, r := range results {
		if r != nil && r.Error != nil {
			n++
		}
	}
	return n
}
