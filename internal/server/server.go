// Package server assembles forgegraph's HTTP handler: the GraphQL endpoint (gqlgen with explicit
// transports, a query cache, persisted queries and a complexity limit) behind request ids, logging,
// CORS, the gateway key, a body limit and per-request credentials and loaders; GraphiQL at /; the
// dashboard at /dashboard; /healthz and /metrics.
package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"go.opentelemetry.io/otel/trace"

	"github.com/forgegraph/forgegraph/graph"
	"github.com/forgegraph/forgegraph/graph/loaders"
	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/gqlhttp"
	"github.com/forgegraph/forgegraph/internal/metrics"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/internal/web"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// ComplexityLimit bounds a query's cost: a connection costs ConnectionCost plus its page size times
// what each repository selects, so the README's queries pass and a query with dozens of aliased
// connections is refused before it reaches a forge.
const ComplexityLimit = 3000

// ConnectionCost is the fixed cost of one repositories connection.
const ConnectionCost = graph.ConnectionCost

// Deps are what the handler serves.
type Deps struct {
	Config  config.Config
	Sources []providers.Source
	Pages   *pages.Store
	// Tokens are the server-held tokens by source name (demo tokens in demo mode).
	Tokens map[string]string
	Logger *slog.Logger
	// Metrics, when set, is served at /metrics and fed by the handler.
	Metrics *metrics.Metrics
	// Limits is the forge clients' rate-limit state, reported by Viewer.rateLimit; nil: unknown.
	Limits cache.Cache[rest.Rate]
	// APQ stores automatic persisted queries (shared by replicas through Redis); nil: in memory.
	APQ graphql.Cache[string]
	// Details keeps repository detail pages for CACHE_TTL (shared by replicas through Redis); nil:
	// in memory (loaders.NewDetailCache).
	Details *cache.Sealed[json.RawMessage]
	// Replays keeps clientMutationId answers for graph.ReplayTTL, sealed with the credential (shared
	// through Redis when configured); nil: in memory.
	Replays cache.Backend[json.RawMessage]
	// Local keeps the whole lists filtered lists are read from (the sources' Local, so its bound
	// and cache are MAX_REPOSITORIES_PER_SOURCE's and the lists cache); nil: a default one.
	Local *providers.Local
	// MutationFlight configures how identical mutations sent at once wait for one another; the zero
	// value waits graph.InProgressWait.
	MutationFlight graph.Flight
	// Tracing, when set, gives every request a span (continuing a client's traceparent), every
	// GraphQL operation, dataloader batch and upstream request a child span, and the access log a
	// trace_id (see internal/tracing); nil: tracing off, and no span work at all.
	Tracing trace.TracerProvider
}

// GraphQL returns the bare GraphQL handler (no middleware) over the resolver; m may be nil.
func GraphQL(r *graph.Resolver, m *metrics.Metrics) *handler.Server { return graphQL(r, m, nil, true) }

// graphQL is GraphQL with persisted queries in apq (nil: in memory, bounded by
// cache.APQMemoryBytes).
func graphQL(r *graph.Resolver, m *metrics.Metrics, apq graphql.Cache[string], direct bool) *handler.Server {
	if apq == nil {
		apq = cache.NewAPQ(cache.NewAPQMemory(), 0, 0)
	}
	cfg := graph.Config{Resolvers: r, Complexity: graph.Complexity()}
	graph.SetDetailComplexity(&cfg.Complexity)
	es := graph.NewExecutableSchema(cfg)
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(gqlhttp.GET{})
	srv.AddTransport(gqlhttp.POST{})
	srv.SetQueryCache(newQueryCache(QueryCacheBytes))
	srv.Use(extension.Introspection{})
	srv.Use(extension.FixedComplexityLimit(ComplexityLimit))
	srv.Use(DepthLimit{Max: MaxDepth})
	srv.Use(metrics.GraphQL{M: m})
	srv.Use(replayCheck{})
	srv.Use(operationLabel{}) // accesslog.go
	// Last of the operation context mutators: a query is registered once every check passed.
	srv.Use(persistedQueries{store: apq})
	srv.AroundResponses(staleExtension)
	if direct {
		// List queries written without gqlgen's per-field machinery (graph/direct.go). It assumes
		// no field interceptor (AroundFields): adding one means turning it off here.
		srv.Use(graph.NewDirect(es))
	}
	srv.SetParserTokenLimit(ParserTokenLimit)
	srv.SetErrorPresenter(graph.PresentError)
	srv.SetRecoverFunc(graph.Recover)
	return srv
}

// New returns the whole HTTP handler.
func New(d Deps) http.Handler {
	r := &graph.Resolver{Sources: d.Sources, Codec: providers.NewCodec(d.Config.CursorSecret), Pages: d.Pages, Limits: d.Limits, Local: d.Local,
		Writes: graph.Writes{Allow: d.Config.AllowMutations, Demo: d.Config.Demo, Replays: d.Replays, Observe: d.Metrics.Mutation, Flight: d.MutationFlight}}
	gqlSrv := graphQL(r, d.Metrics, d.APQ, !d.Config.PlainExecution)
	if d.Tracing != nil {
		gqlSrv.Use(operationTracing{})
	}
	var gql http.Handler = gqlSrv
	credentialHeaders := CredentialHeaders()
	gql = loaders.Middleware(d.Pages, gql)
	if d.Details == nil {
		d.Details = cache.NewSealed[json.RawMessage](loaders.NewDetailCache(), d.Pages.Scopes())
	}
	gql = loaders.DetailMiddlewareWith(loaders.DetailOptions{Cache: d.Details, TTL: d.Config.CacheTTL, StaleIfError: d.Config.StaleIfError}, gql)
	gql = credentials(d.Tokens, gql)
	if ttl := d.Config.ResponseCacheTTL; ttl > 0 {
		// Answers take an eighth of the cache budget (at most 32 MiB): they live two seconds, and a
		// bound by bytes evicts expired ones as new ones come.
		responses := cache.NewMemoryBytes(min(d.Config.CacheMaxBytes/8, 32<<20), func(r CachedResponse) int64 { return int64(len(r.Body)+len(r.Gzipped)) + 128 })
		d.Metrics.CacheStats("responses", responses.Stats)
		gql = microcache(responses, ttl, credentialHeaders, gql)
	}
	gql = staleCollector(gql)
	if d.Pages != nil {
		gql = scopes(d.Pages.Scopes(), d.Tokens, gql)
	}
	// A batch (a JSON array of operations) is split here: each operation goes through everything
	// above as a request of its own.
	gql = gqlhttp.Batch(gql, ComplexityLimit)
	gql = bodyLimit(d.Config.MaxBodyBytes, gql)
	gql = gateway(d.Config.GatewayKeys, gql)
	c := newCORS(d.Config.CORSOrigins, credentialHeaders)
	allowAll := slices.Contains(d.Config.CORSOrigins, "*")
	gql = crossSiteGETs(func(r *http.Request) bool {
		return allowAll || (r.Header.Get("Origin") != "" && c.OriginAllowed(r))
	}, gql)
	gql = gqlhttp.Middleware(gql, credentialHeaders...)

	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	if d.Metrics != nil && d.Config.MetricsAddr == "" {
		mux.Handle("GET /metrics", metricsAuth(d.Config.GatewayKeys, d.Metrics.Handler()))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /{$}", web.GraphiQL("/graphql", graph.NewExecutableSchema(graph.Config{}).Schema()))
	mux.Handle("GET /assets/", web.Assets())
	mux.Handle("GET /dashboard", web.Dashboard())

	var h http.Handler = c.Handler(mux)
	if d.Config.LoopbackOnly {
		h = loopbackHosts(d.Logger, h)
	}
	return requestid.Middleware(traced(d.Tracing, observe(d.Logger, d.Metrics, h)))
}

// MetricsHandler is what the separate metrics listener (METRICS_ADDR) serves: /metrics without the
// gateway key (the listener's address is what keeps it private), and 404 for any other path. It
// is nil when d.Metrics is nil.
func MetricsHandler(d Deps) http.Handler {
	if d.Metrics == nil {
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", d.Metrics.Handler())
	return mux
}

// newCORS is the CORS policy for origins (CORS_ALLOWED_ORIGINS): none when empty (rs/cors itself
// would allow every origin for an empty list), every one for "*".
func newCORS(origins, credentialHeaders []string) *cors.Cors {
	opts := cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: append([]string{"Content-Type", "Accept", requestid.Header}, credentialHeaders...),
		ExposedHeaders: []string{requestid.Header},
		MaxAge:         600,
	}
	if len(origins) == 0 {
		opts.AllowOriginFunc = func(string) bool { return false }
	}
	return cors.New(opts)
}

// statusWriter records the status code for the access log and the metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// observe times every request once: one log line (method, path, never the query string, which may
// hold a persisted query's variables; status; duration; the GraphQL operation's type and name when
// one validated, see OperationLabel; request id through the log handler; the trace_id through the
// log handler when the request is traced; never a header) and one observation in the duration
// histogram under the route the mux matched ("unmatched" when none), so the histogram's labels stay
// a fixed set. m may be nil.
func observe(l *slog.Logger, m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		ctx, op := withAccessOp(r.Context())
		in := r
		r = r.WithContext(ctx) // the mux sets this request's Pattern
		next.ServeHTTP(sw, r)
		// Handlers outside this one (the tracing span's name) read the route from the request they
		// passed in, as they would had the mux received it.
		in.Pattern = r.Pattern
		d := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.HTTP(route, sw.status, d)
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
			slog.Float64("duration_ms", float64(d.Microseconds())/1000)}
		if label := op.get(); label != "" {
			attrs = append(attrs, slog.String("operation", label))
		}
		l.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}
