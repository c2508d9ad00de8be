package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"

	"github.com/forgegraph/forgegraph/internal/tracing"
)

// traced gives every request a server span from tp (otelhttp), continuing the trace of a client's
// W3C traceparent header. The span is named by the method and the mux's route ("POST /graphql";
// the method alone for unmatched paths) and records the path, never the query string (which may
// hold a GET's variables) nor any header. A nil tp returns next unchanged: tracing off costs
// nothing.
func traced(tp trace.TracerProvider, next http.Handler) http.Handler {
	if tp == nil {
		return next
	}
	return otelhttp.NewHandler(next, "forgegraph",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(tracing.Propagator),
		otelhttp.WithMeterProvider(noop.NewMeterProvider()), // /metrics has its own histograms
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			if route := routeOf(r.Pattern); route != "" {
				return r.Method + " " + route
			}
			return r.Method
		}))
}

// routeOf is the path part of a ServeMux pattern ("GET /healthz" -> "/healthz"), "" for none.
func routeOf(pattern string) string {
	if i := strings.IndexByte(pattern, '/'); i >= 0 {
		return pattern[i:]
	}
	return ""
}

// operationTracing is a gqlgen extension that wraps each GraphQL operation in a span named by its
// type and name ("query Dashboard"; the type alone for an anonymous operation), with the
// attributes graphql.operation.type and graphql.operation.name, and on the end the number of
// errors and their codes. It never records the document, variables or any header. It does nothing
// for a request without a recording span (see traced).
type operationTracing struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = operationTracing{}

// ExtensionName implements graphql.HandlerExtension.
func (operationTracing) ExtensionName() string { return "OperationTracing" }

// Validate implements graphql.HandlerExtension.
func (operationTracing) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor.
func (operationTracing) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	tr, ok := tracing.Tracer(ctx)
	if !ok {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	kind, name := "query", ""
	if oc != nil && oc.Operation != nil {
		kind, name = string(oc.Operation.Operation), oc.Operation.Name
	}
	spanName := kind
	if name != "" {
		spanName += " " + name
	}
	ctx, span := tr.Start(ctx, spanName, trace.WithAttributes(
		attribute.String("graphql.operation.type", kind), attribute.String("graphql.operation.name", name)))
	h := next(ctx)
	ended := false
	return func(rctx context.Context) *graphql.Response {
		resp := h(trace.ContextWithSpan(rctx, span))
		if !ended { // one response for queries and mutations: the operation ends with it
			ended = true
			endOperation(span, resp)
		}
		return resp
	}
}

// endOperation records resp's errors (count and extensions.code values) on span and ends it.
func endOperation(span trace.Span, resp *graphql.Response) {
	if resp != nil && len(resp.Errors) > 0 {
		seen := map[string]bool{}
		var errCodes []string
		for _, e := range resp.Errors {
			if c, _ := e.Extensions["code"].(string); c != "" && !seen[c] {
				seen[c] = true
				errCodes = append(errCodes, c)
			}
		}
		span.SetAttributes(attribute.Int("forgegraph.graphql.errors", len(resp.Errors)),
			attribute.StringSlice("forgegraph.graphql.error_codes", errCodes))
		span.SetStatus(codes.Error, strconv.Itoa(len(resp.Errors))+" GraphQL errors")
	}
	span.End()
}
