// Package app builds a whole forgegraph server from a configuration: logger, caches (in memory or
// Redis), forge sources, page store, metrics and the HTTP handler. server.go serves what it builds;
// the benchmarks build the same thing, so they measure what runs.
package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/logbuf"
	"github.com/forgegraph/forgegraph/internal/metrics"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/internal/sources"
	"github.com/forgegraph/forgegraph/internal/tracing"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// App is a built server. Close releases its connections (Redis).
type App struct {
	Config  config.Config
	Log     *slog.Logger
	Handler http.Handler
	Pages   *pages.Store
	Built   sources.Built
	Metrics *metrics.Metrics
	// MetricsHandler is what the separate metrics listener (Config.MetricsAddr) serves; nil when
	// METRICS_ADDR is not set (then Handler serves /metrics).
	MetricsHandler http.Handler
	logs           *logbuf.Writer
	close          func()
}

// FlushLogs writes the log lines still batched, e.g. the start-up lines before serving, so that
// whoever waits for them (an operator, a script) sees them once the server answers.
func (a *App) FlushLogs() { _ = a.logs.Flush() }

// New builds the server cfg describes. Logs (JSON, at cfg.LogLevel, with request ids) go to logOut.
// client sends upstream requests; nil means a clone of http.DefaultTransport with 32 idle
// connections per host. It fails for an invalid REDIS_URL or forge URL. It keys the process's
// credential hashes with cfg.CursorSecret (providers.SetCredentialSecret). It traces requests
// when the process environment sets an OTLP endpoint (internal/tracing), and fails for an
// endpoint that is not an http(s) URL.
func New(ctx context.Context, cfg config.Config, logOut io.Writer, client *http.Client) (*App, error) {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	// Lines are written in batches (every 100 ms, and at once from a warning up), not one write
	// per request: see logbuf.
	out := logbuf.New(logOut, logBatch)
	log := slog.New(requestid.LogHandler{Handler: logbuf.FlushAt(
		slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level}), out, slog.LevelWarn)})
	if client == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = 32
		client = &http.Client{Transport: transport}
	}
	// A whole list read for a local sort takes about 1 KiB per repository, twice (read and sorted):
	// a list budget that cannot hold a few of them makes walks re-read whole lists.
	if need := int64(cfg.MaxRepositories) * 2 << 10 * 3; cfg.CacheMaxBytes/2 < need {
		log.Warn("CACHE_MAX_MB is small for MAX_REPOSITORIES_PER_SOURCE: walks over several large locally sorted lists will re-read them",
			"cache_max_mb", cfg.CacheMaxBytes>>20, "suggested_min_mb", 2*need>>20)
	}
	// Credential hashes in cache keys are keyed by the server secret, which replicas share (random
	// per process when CURSOR_SECRET is unset): see providers.SetCredentialSecret.
	providers.SetCredentialSecret(cfg.CursorSecret)
	m := metrics.New()
	c, closeCaches, err := caches(ctx, cfg, m, log)
	if err != nil {
		_ = out.Close()
		return nil, err
	}
	local := providers.NewLocal(c.lists, cfg.MaxRepositories, cfg.CacheTTL)
	breakers := &rest.Breakers{Logger: log, OnChange: func(source string, s rest.CircuitState) { m.CircuitState(source, int(s)) }}
	up := rest.Options{Retries: rest.MaxRetries, Limits: c.limits, Observe: m.Upstream, Breakers: breakers}
	built, err := sources.Build(cfg, sources.Deps{HTTP: client, Local: local, Upstream: up, Workspaces: c.workspaces})
	if err != nil {
		closeCaches()
		_ = out.Close()
		return nil, err
	}
	store := pages.NewStore(c.pages, cfg.CacheTTL, 0)
	store.Lookups = pages.NewLookups(c.lookups, cfg.CacheTTL)
	store.StaleIfError = cfg.StaleIfError
	for _, src := range built.Sources {
		m.CircuitState(src.Name(), int(rest.CircuitClosed))
	}
	m.CacheStats("pages", c.pageStats)
	m.CacheStats("lookups", store.Lookups.Stats)
	m.CacheStats("lists", c.listStats)
	for _, w := range cfg.Warnings {
		log.Warn(w)
	}
	// Tracing is on only when the standard OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT is set (the OTLP
	// exporter reads the OTEL_* variables from the process environment itself).
	tp, stopTracing, err := tracing.Start(ctx, os.Getenv, log)
	if err != nil {
		closeCaches()
		_ = out.Close()
		return nil, err
	}
	if tp != nil {
		log.Info("OpenTelemetry tracing is on: spans are exported over OTLP/HTTP")
	}
	deps := server.Deps{Config: cfg, Sources: built.Sources, Pages: store, Tokens: built.Tokens,
		Logger: log, Metrics: m, Limits: c.limits, APQ: c.apq, Details: c.details, Replays: c.replays, Local: local, Tracing: tp}
	a := &App{Config: cfg, Log: log, Handler: server.New(deps), Pages: store, Built: built, Metrics: m, logs: out,
		close: func() {
			// The spans still batched are sent, for at most 5 s.
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := stopTracing(sctx); err != nil {
				log.Warn("OpenTelemetry: flushing spans at shutdown failed", slog.String("error", err.Error()))
			}
			closeCaches()
			_ = out.Close()
		}}
	if cfg.MetricsAddr != "" {
		a.MetricsHandler = server.MetricsHandler(deps)
	}
	return a, nil
}

// logBatch is how long log lines may wait in memory before they are written.
const logBatch = 100 * time.Millisecond

// Close releases the app's connections and writes the logs still batched.
func (a *App) Close() { a.close() }
