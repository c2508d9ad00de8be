package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// lockedBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serverSpanEnded is a span processor that reports each ended server span: otelhttp ends it
// after the access log line was written, so a test that receives from it can read that line.
type serverSpanEnded struct {
	sdktrace.SpanProcessor
	ended chan string
}

func (p serverSpanEnded) OnEnd(s sdktrace.ReadOnlySpan) {
	p.SpanProcessor.OnEnd(s)
	if s.SpanKind() == trace.SpanKindServer {
		p.ended <- s.Name()
	}
}

type tracedStack struct {
	ts     *httptest.Server
	gh, gl *faulty
	exp    *tracetest.InMemoryExporter
	ended  chan string
	logs   *lockedBuffer
}

// newTracedStack serves GitHub and GitLab fakes through the real clients (two retries) with pages
// fresh for a nanosecond (every query revalidates with the page's ETag) and no response
// micro-cache; spans go to an in-memory exporter when traced, else tracing is off.
func newTracedStack(t *testing.T, traced bool) *tracedStack {
	return newTracedStackFresh(t, traced, time.Nanosecond)
}

// newTracedStackFresh is newTracedStack with pages fresh for fresh.
func newTracedStackFresh(t *testing.T, traced bool, fresh time.Duration) *tracedStack {
	t.Helper()
	rng := rand.New(rand.NewPCG(17, 17))
	s := &tracedStack{gh: &faulty{next: githubfake.New("gh-token", repos(rng, providers.GitHub, "octo", 40))},
		gl:  &faulty{next: gitlabfake.New("gl-token", repos(rng, providers.GitLab, "grp", 30))},
		exp: tracetest.NewInMemoryExporter(), ended: make(chan string, 16), logs: &lockedBuffer{}}
	ghSrv := httptest.NewServer(http.StripPrefix("/api/v3", s.gh))
	glSrv := httptest.NewServer(http.StripPrefix("/api/v4", s.gl))
	t.Cleanup(ghSrv.Close)
	t.Cleanup(glSrv.Close)
	up := rest.Options{Retries: 2, Backoff: time.Millisecond, Limits: cache.NewMemory[rest.Rate](100)}
	gh, err := github.New(github.Config{BaseURL: ghSrv.URL + "/api/v3", Timeout: 2 * time.Second, Upstream: up})
	if err != nil {
		t.Fatal(err)
	}
	gl, err := gitlab.New(gitlab.Config{BaseURL: glSrv.URL + "/api/v4", Timeout: 2 * time.Second, Upstream: up})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.Load(func(k string) string { return map[string]string{"RESPONSE_CACHE_TTL": "0"}[k] })
	d := server.Deps{Config: cfg, Sources: []providers.Source{gh, gl},
		Tokens: map[string]string{"github": "gh-token", "gitlab": "gl-token"},
		Pages:  pages.New(cache.NewMemory[pages.Entry](1000), fresh, 0),
		Logger: slog.New(requestid.LogHandler{Handler: slog.NewJSONHandler(s.logs, nil)})}
	if traced {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(
			serverSpanEnded{SpanProcessor: sdktrace.NewSimpleSpanProcessor(s.exp), ended: s.ended}))
		t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
		d.Tracing = tp
	}
	s.ts = httptest.NewServer(server.New(d))
	t.Cleanup(s.ts.Close)
	return s
}

const (
	clientTrace  = "0af7651916cd43dd8448eb211c80319c"
	clientSpan   = "b7ad6b7169203331"
	tracedQuery  = `query Page($after: String) { viewer { repositories(first: 5, after: $after) { nodes { nameWithOwner } pageInfo { endCursor } } } }`
	traceparent  = "00-" + clientTrace + "-" + clientSpan + "-01"
	tracedHeader = "traceparent"
)

func attrsOf(kvs []attribute.KeyValue) map[string]attribute.Value {
	m := map[string]attribute.Value{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value
	}
	return m
}

// TestTraceOfMergedQuery: a merged query with one forge answered from its cached page (the forge
// says 304 to the page's ETag) and one failing forge (503, retried twice) gives one trace that
// continues the client's traceparent: server span -> operation span -> dataloader batch -> one
// span per upstream request, with the attributes operators need and no token or variable value in
// any attribute; the access log line carries the trace id.
func TestTraceOfMergedQuery(t *testing.T) {
	s := newTracedStack(t, true)
	first := post(t, s.ts, tracedQuery, nil)
	<-s.ended
	var page struct {
		Viewer struct {
			Repositories struct{ PageInfo struct{ EndCursor string } }
		}
	}
	if err := json.Unmarshal(first.Data, &page); err != nil || len(first.Errors) != 0 {
		t.Fatalf("warm-up: %v %+v", err, first.Errors)
	}
	cursor := page.Viewer.Repositories.PageInfo.EndCursor
	if cursor == "" {
		t.Fatal("warm-up gave no cursor")
	}
	s.exp.Reset()
	s.gl.set(func(w http.ResponseWriter, _ *http.Request) bool {
		http.Error(w, `{"message":"boom"}`, http.StatusServiceUnavailable)
		return true
	})

	r := post(t, s.ts, tracedQuery, map[string]any{"after": cursor}, tracedHeader, traceparent)
	if name := <-s.ended; name != "POST /graphql" {
		t.Fatalf("server span %q, want POST /graphql", name)
	}
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" {
		t.Fatalf("want one UPSTREAM_UNAVAILABLE error for GitLab, got %+v", r.Errors)
	}

	spans := s.exp.GetSpans()
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, sp := range spans {
		if got := sp.SpanContext.TraceID().String(); got != clientTrace {
			t.Errorf("span %q is in trace %s, want the client's %s", sp.Name, got, clientTrace)
		}
		byID[sp.SpanContext.SpanID()] = sp
	}
	parentOf := func(sp tracetest.SpanStub) tracetest.SpanStub { return byID[sp.Parent.SpanID()] }
	named := func(name string) []tracetest.SpanStub {
		var out []tracetest.SpanStub
		for _, sp := range spans {
			if sp.Name == name {
				out = append(out, sp)
			}
		}
		return out
	}

	srv := named("POST /graphql")
	if len(srv) != 1 || srv[0].Parent.SpanID().String() != clientSpan || !srv[0].Parent.IsRemote() {
		t.Fatalf("want one server span whose parent is the client's span %s: %+v", clientSpan, srv)
	}
	op := named("query Page")
	if len(op) != 1 || parentOf(op[0]).Name != "POST /graphql" {
		t.Fatalf("want one operation span under the server span, got %d", len(op))
	}
	oa := attrsOf(op[0].Attributes)
	if oa["graphql.operation.type"].AsString() != "query" || oa["graphql.operation.name"].AsString() != "Page" ||
		oa["forgegraph.graphql.errors"].AsInt64() != 1 || op[0].Status.Code != otelcodes.Error {
		t.Errorf("operation span attributes %v, status %v", oa, op[0].Status)
	}

	upstream := map[string]tracetest.SpanStub{}
	for _, sp := range spans {
		if sp.SpanKind != trace.SpanKindClient {
			continue
		}
		a := attrsOf(sp.Attributes)
		upstream[a["forgegraph.source"].AsString()] = sp
		if b := parentOf(sp); b.Name != "dataloader pages" || parentOf(b).Name != "query Page" {
			t.Errorf("upstream span %q: parent %q (its parent %q), want a dataloader batch under the operation", sp.Name, b.Name, parentOf(b).Name)
		}
	}
	if len(upstream) != 2 {
		t.Fatalf("want one upstream span per forge, got %v", upstream)
	}
	gh := attrsOf(upstream["github"].Attributes)
	if upstream["github"].Name != "GET github" || gh["http.response.status_code"].AsInt64() != http.StatusNotModified ||
		!gh["forgegraph.cache_hit"].AsBool() || gh["forgegraph.retries"].AsInt64() != 0 ||
		gh["url.path"].AsString() != "/api/v3/user/repos" || gh["http.request.method"].AsString() != "GET" ||
		upstream["github"].Status.Code == otelcodes.Error {
		t.Errorf("github span %q: %v %v", upstream["github"].Name, gh, upstream["github"].Status)
	}
	gl := attrsOf(upstream["gitlab"].Attributes)
	if gl["http.response.status_code"].AsInt64() != http.StatusServiceUnavailable || gl["forgegraph.retries"].AsInt64() != 2 ||
		gl["forgegraph.cache_hit"].AsBool() || gl["error.type"].AsString() != "UPSTREAM_UNAVAILABLE" ||
		upstream["gitlab"].Status.Code != otelcodes.Error || gl["url.path"].AsString() != "/api/v4/projects" {
		t.Errorf("gitlab span: %v %v", gl, upstream["gitlab"].Status)
	}
	if keys := gl["forgegraph.query_keys"].AsStringSlice(); len(keys) == 0 {
		t.Errorf("gitlab span has no query keys: %v", gl)
	}

	// No token, no variable value (the cursor) and no query value in any attribute or event.
	secrets := []string{"gh-token", "gl-token", cursor, providers.HashToken("gh-token"), providers.HashToken("gl-token")}
	for _, sp := range spans {
		kvs := append([]attribute.KeyValue{}, sp.Attributes...)
		for _, e := range sp.Events {
			kvs = append(kvs, e.Attributes...)
		}
		for _, kv := range kvs {
			v := kv.Value.Emit()
			for _, sec := range secrets {
				if strings.Contains(v, sec) {
					t.Errorf("span %q attribute %s holds a secret or a variable: %q", sp.Name, kv.Key, v)
				}
			}
			if strings.Contains(v, "=") && strings.HasPrefix(string(kv.Key), "url.") {
				t.Errorf("span %q attribute %s holds query values: %q", sp.Name, kv.Key, v)
			}
		}
	}

	if line := accessLine(t, s.logs.String(), clientTrace); line == nil {
		t.Errorf("no access log line with trace_id %s in:\n%s", clientTrace, s.logs.String())
	}
}

// accessLine returns the access log line ("msg":"request") whose trace_id is traceID, nil when
// there is none.
func accessLine(t *testing.T, logs, traceID string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["trace_id"] == traceID {
			return m
		}
	}
	return nil
}

// TestTracingOffRecordsNothing: without a tracer provider a client's traceparent starts nothing,
// and no log line carries a trace id.
func TestTracingOffRecordsNothing(t *testing.T) {
	s := newTracedStack(t, false)
	r := post(t, s.ts, tracedQuery, nil, tracedHeader, traceparent)
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if strings.Contains(s.logs.String(), "trace_id") {
		t.Errorf("a log line has a trace id with tracing off:\n%s", s.logs.String())
	}
	if n := len(s.exp.GetSpans()); n != 0 {
		t.Errorf("%d spans recorded with tracing off", n)
	}
}

// TestTracePageCacheHit: pages served from the shared page cache make no batch and no upstream
// span; the operation span records a "page cache hit" event per source instead.
func TestTracePageCacheHit(t *testing.T) {
	s := newTracedStackFresh(t, true, time.Hour)
	if r := post(t, s.ts, tracedQuery, nil); len(r.Errors) != 0 {
		t.Fatalf("warm-up: %+v", r.Errors)
	}
	<-s.ended
	s.exp.Reset()
	hits := s.gh.hits.Load() + s.gl.hits.Load()
	if r := post(t, s.ts, tracedQuery, nil, tracedHeader, traceparent); len(r.Errors) != 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	<-s.ended
	if n := s.gh.hits.Load() + s.gl.hits.Load() - hits; n != 0 {
		t.Fatalf("%d upstream requests for cached pages", n)
	}
	sources := map[string]bool{}
	for _, sp := range s.exp.GetSpans() {
		if sp.SpanKind == trace.SpanKindClient || strings.HasPrefix(sp.Name, "dataloader") {
			t.Errorf("span %q for a cached page", sp.Name)
		}
		if sp.Name != "query Page" {
			continue
		}
		for _, e := range sp.Events {
			if e.Name == "page cache hit" {
				sources[attrsOf(e.Attributes)["forgegraph.source"].AsString()] = true
			}
		}
	}
	if !sources["github"] || !sources["gitlab"] {
		t.Errorf("page cache hit events for %v, want github and gitlab", sources)
	}
}
