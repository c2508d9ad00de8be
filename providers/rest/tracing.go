package rest

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/forgegraph/forgegraph/internal/tracing"
	"github.com/forgegraph/forgegraph/providers"
)

// trail is what Do's attempts leave for its span: how many retries were sent and the last HTTP
// status (0: no answer).
type trail struct{ retries, status int }

// startSpan starts the client span of one Do of req when ctx is traced (tracing.Tracer), named by
// method and source ("GET github"), with the source, method, host, the escaped path (names from
// ids, never a token) and the names of the query parameters, never their values. It returns ctx
// and a nil span when ctx is not traced: no span work then.
func (c *Client) startSpan(ctx context.Context, req *Request) (context.Context, trace.Span) {
	tr, ok := tracing.Tracer(ctx)
	if !ok {
		return ctx, nil
	}
	attrs := []attribute.KeyValue{
		attribute.String("forgegraph.source", c.Source),
		attribute.String("http.request.method", req.Method),
		attribute.String("server.address", c.Base.Host),
		attribute.String("url.path", strings.TrimRight(c.Base.EscapedPath(), "/")+req.Path),
	}
	if len(req.Query) > 0 {
		keys := make([]string, 0, len(req.Query))
		for k := range req.Query {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		attrs = append(attrs, attribute.StringSlice("forgegraph.query_keys", keys))
	}
	if req.ETag != "" {
		attrs = append(attrs, attribute.Bool("forgegraph.conditional", true))
	}
	return tr.Start(ctx, req.Method+" "+c.Source, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
}

// endSpan records the outcome of a Do on span (nil: not traced) and ends it: the last status, the
// retries, forgegraph.cache_hit (the forge answered 304 to the page's ETag), and for a failure
// error.type (the error's kind) with the error's fixed message, never the forge's body text.
func endSpan(span trace.Span, t trail, r *Response, err error) {
	if span == nil {
		return
	}
	span.SetAttributes(attribute.Int("forgegraph.retries", t.retries),
		attribute.Bool("forgegraph.cache_hit", r != nil && r.NotModified))
	if t.status != 0 {
		span.SetAttributes(attribute.Int("http.response.status_code", t.status))
	}
	if err != nil {
		kind, msg := string(providers.KindInternal), "upstream request failed"
		var pe *providers.Error
		if errors.As(err, &pe) {
			kind, msg = string(pe.Kind), pe.Msg
		}
		span.SetAttributes(attribute.String("error.type", kind))
		span.SetStatus(codes.Error, msg)
	} else if t.status >= http.StatusBadRequest {
		span.SetStatus(codes.Error, http.StatusText(t.status))
	}
	span.End()
}
