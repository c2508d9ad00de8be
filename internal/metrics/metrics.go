// Package metrics holds forgegraph's Prometheus metrics: upstream requests by source and status with
// latency histograms, cache hits and misses, GraphQL operations and errors by code, and HTTP
// requests. Labels never hold a token, a credential hash or a repository name.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry and its collectors. Build it with New; a nil *Metrics records nothing.
type Metrics struct {
	Registry     *prometheus.Registry
	upstream     *prometheus.CounterVec
	upstreamTime *prometheus.HistogramVec
	operations   *prometheus.CounterVec
	gqlErrors    *prometheus.CounterVec
	httpTime     *prometheus.HistogramVec
	redisErrors  *prometheus.CounterVec
	circuit      *prometheus.GaugeVec
}

// New returns metrics registered on a fresh registry (with the Go and process collectors).
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		upstream: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "forgegraph_upstream_requests_total",
			Help: "Requests to forges by source and HTTP status (0: no answer).",
		}, []string{"source", "status"}),
		upstreamTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "forgegraph_upstream_request_duration_seconds",
			Help:    "Duration of requests to forges by source.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"source"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "forgegraph_graphql_operations_total",
			Help: "GraphQL operations executed, by operation type.",
		}, []string{"type"}),
		gqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "forgegraph_graphql_errors_total",
			Help: "GraphQL errors returned, by extensions.code.",
		}, []string{"code"}),
		httpTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "forgegraph_http_request_duration_seconds",
			Help:    "Duration of HTTP requests by route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route", "status"}),
		redisErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "forgegraph_redis_errors_total",
			Help: "Failed Redis operations (get, set, lock, unlock), values that could not be stored (encode) or read back (decode); each is answered without the shared cache.",
		}, []string{"op"}),
		circuit: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "forgegraph_source_circuit_state",
			Help: "Circuit breaker state of each source's upstream host: 0 closed, 1 half-open, 2 open.",
		}, []string{"source"}),
	}
	m.Registry.MustRegister(m.upstream, m.upstreamTime, m.operations, m.gqlErrors, m.httpTime, m.redisErrors, m.circuit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Upstream records one upstream attempt; it fits rest.Options.Observe.
func (m *Metrics) Upstream(source string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.upstream.WithLabelValues(source, strconv.Itoa(status)).Inc()
	m.upstreamTime.WithLabelValues(source).Observe(d.Seconds())
}

// CircuitState records source's circuit state (0 closed, 1 half-open, 2 open); it fits
// rest.Breakers.OnChange through a conversion of the state.
func (m *Metrics) CircuitState(source string, state int) {
	if m == nil {
		return
	}
	m.circuit.WithLabelValues(source).Set(float64(state))
}

// RedisError records one failed Redis operation; with an error argument ignored it fits
// cache.Observer.
func (m *Metrics) RedisError(op string) {
	if m == nil {
		return
	}
	m.redisErrors.WithLabelValues(op).Inc()
}

// CacheStats exposes a cache's hit and miss counts (read when scraped) as
// forgegraph_cache_requests_total{cache, result}.
func (m *Metrics) CacheStats(name string, stats func() (hits, misses int64)) {
	if m == nil {
		return
	}
	for _, result := range []string{"hit", "miss"} {
		m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "forgegraph_cache_requests_total",
			Help:        "Cache lookups by cache and result.",
			ConstLabels: prometheus.Labels{"cache": name, "result": result},
		}, func() float64 {
			h, mi := stats()
			if result == "hit" {
				return float64(h)
			}
			return float64(mi)
		}))
	}
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// HTTP records one served request under its route (a fixed pattern, never a raw path).
func (m *Metrics) HTTP(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.httpTime.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
}

// GraphQL is a gqlgen extension counting operations and their errors by code.
type GraphQL struct{ M *Metrics }

// ExtensionName implements graphql.HandlerExtension.
func (GraphQL) ExtensionName() string { return "Metrics" }

// Validate implements graphql.HandlerExtension.
func (GraphQL) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse implements graphql.ResponseInterceptor.
func (g GraphQL) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if g.M == nil || resp == nil {
		return resp
	}
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
		g.M.operations.WithLabelValues(string(oc.Operation.Operation)).Inc()
	}
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		g.M.gqlErrors.WithLabelValues(code).Inc()
	}
	return resp
}
