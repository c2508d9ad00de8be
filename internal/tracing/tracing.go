// Package tracing starts OpenTelemetry tracing from the standard OTEL_* environment: spans are
// exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is
// set, and nothing is started (no provider, no exporter, no goroutine) when neither is. The rest of
// the server creates spans only below a recording span in the request's context (see Tracer), so
// without a provider no span work happens anywhere.
package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Scope is the instrumentation scope name of every forgegraph span.
const Scope = "github.com/forgegraph/forgegraph"

// ServiceName is the service.name of the spans unless OTEL_SERVICE_NAME (or service.name in
// OTEL_RESOURCE_ATTRIBUTES) says otherwise.
const ServiceName = "forgegraph"

// Propagator reads (and would write) W3C trace context headers (traceparent, tracestate): a
// client's traceparent continues its trace. Baggage is not read.
var Propagator propagation.TextMapPropagator = propagation.TraceContext{}

// Enabled reports whether getenv configures trace export: OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, and neither OTEL_SDK_DISABLED=true nor
// OTEL_TRACES_EXPORTER=none turns it off.
func Enabled(getenv func(string) string) bool {
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") ||
		strings.EqualFold(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")), "none") {
		return false
	}
	return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")) != "" ||
		strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) != ""
}

// Start returns the tracer provider getenv configures and a function that flushes and stops it
// (call it at shutdown). When tracing is not Enabled it returns a nil provider and a no-op stop:
// callers treat nil as "tracing off". The exporter is OTLP over HTTP (protobuf) and reads the
// standard variables itself (OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, _HEADERS, _TIMEOUT,
// _COMPRESSION, _CERTIFICATE, ...); the SDK reads OTEL_TRACES_SAMPLER[_ARG], OTEL_BSP_* and
// OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES. Export errors are logged on log as warnings. It
// fails when an endpoint is not an absolute http(s) URL, naming the variable.
func Start(ctx context.Context, getenv func(string) string, log *slog.Logger) (trace.TracerProvider, func(context.Context) error, error) {
	noStop := func(context.Context) error { return nil }
	if !Enabled(getenv) {
		return nil, noStop, nil
	}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"} {
		if err := checkEndpoint(name, getenv(name)); err != nil {
			return nil, noStop, err
		}
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, noStop, fmt.Errorf("OpenTelemetry OTLP/HTTP trace exporter: %w (check the OTEL_EXPORTER_OTLP_* variables)", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", ServiceName)),
		resource.WithFromEnv(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name
		resource.WithTelemetrySDK())
	if err != nil {
		_ = exp.Shutdown(ctx)
		return nil, noStop, fmt.Errorf("OpenTelemetry resource from OTEL_RESOURCE_ATTRIBUTES: %w (use key=value pairs separated by commas)", err)
	}
	if log != nil {
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
			log.Warn("OpenTelemetry: exporting spans failed", slog.String("error", err.Error()))
		}))
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return tp, tp.Shutdown, nil
}

// checkEndpoint refuses a set endpoint variable that is not an absolute http(s) URL.
func checkEndpoint(name, raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s=%q is not an absolute http(s) URL: set it to the collector's OTLP/HTTP address, like http://otel-collector:4318", name, raw)
	}
	return nil
}

// Tracer returns the tracer to start a child span of ctx's span with, and true, when ctx carries a
// recording span; otherwise nil and false, and the caller does no span work at all. Spans are
// started only under a traced request this way, from the provider that traced it.
func Tracer(ctx context.Context) (trace.Tracer, bool) {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return nil, false
	}
	return parent.TracerProvider().Tracer(Scope), true
}
