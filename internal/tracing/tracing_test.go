package tracing

import (
	"context"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestEnabledOnlyWithAnEndpoint(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{nil, false},
		{map[string]string{"OTEL_SERVICE_NAME": "x"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, true},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"}, false},
		{map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"}, false},
	} {
		if got := Enabled(env(c.env)); got != c.want {
			t.Errorf("Enabled(%v) = %v, want %v", c.env, got, c.want)
		}
	}
}

func TestStartOffIsNil(t *testing.T) {
	tp, stop, err := Start(context.Background(), env(nil), nil)
	if err != nil || tp != nil || stop(context.Background()) != nil {
		t.Fatalf("Start without an endpoint = %v, %v; want a nil provider", tp, err)
	}
}

func TestStartRefusesABadEndpoint(t *testing.T) {
	_, _, err := Start(context.Background(), env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}), nil)
	if err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_ENDPOINT") || !strings.Contains(err.Error(), "http://") {
		t.Fatalf("err = %v, want one naming the variable and the expected form", err)
	}
}

func TestStartOn(t *testing.T) {
	// Nothing listens there: the exporter connects only when it exports, and Shutdown with nothing
	// to export does not connect.
	tp, stop, err := Start(context.Background(), env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}), nil)
	if err != nil || tp == nil {
		t.Fatalf("Start = %v, %v", tp, err)
	}
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestTracerOnlyUnderARecordingSpan(t *testing.T) {
	if _, ok := Tracer(context.Background()); ok {
		t.Fatal("a tracer without a span")
	}
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, span := tp.Tracer("t").Start(context.Background(), "parent")
	defer span.End()
	if _, ok := Tracer(ctx); !ok {
		t.Fatal("no tracer under a recording span")
	}
	unsampled := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	ctx, span2 := unsampled.Tracer("t").Start(context.Background(), "parent")
	defer span2.End()
	if _, ok := Tracer(ctx); ok {
		t.Fatal("a tracer under a span that is not sampled")
	}
}
