// Command forgegraph serves one developer's repositories across code forges as one GraphQL Relay
// connection. With no source configured it serves embedded demo data and opens no network
// connection. Configuration is by environment variables; see README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/metrics"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/internal/sources"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "forgegraph:", err)
		os.Exit(1)
	}
}

// run wires the server and serves until ctx ends, then shuts down gracefully. ready, when not nil,
// receives the listening address.
func run(ctx context.Context, getenv func(string) string, logOut io.Writer, ready chan<- string) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	tuneGC(getenv, cfg.CacheMaxBytes)
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(requestid.LogHandler{Handler: slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: level})})
	slog.SetDefault(log)

	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	m := metrics.New()
	c, closeCaches, err := caches(ctx, cfg, m, log)
	if err != nil {
		return err
	}
	defer closeCaches()
	local := providers.NewLocal(c.lists, cfg.MaxRepositories, cfg.CacheTTL)
	up := rest.Options{Retries: rest.MaxRetries, Limits: c.limits, Observe: m.Upstream}
	built, err := sources.Build(cfg, &http.Client{Transport: transport}, local, up)
	if err != nil {
		return err
	}
	store := pages.New(c.pages, cfg.CacheTTL, 0)
	m.CacheStats("pages", c.pageStats)
	m.CacheStats("lists", c.listStats)
	handler := server.New(server.Deps{Config: cfg, Sources: built.Sources, Pages: store, Tokens: built.Tokens,
		Logger: log, Metrics: m, Limits: c.limits, APQ: c.apq})

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set PORT to a free port)", cfg.Addr, err)
	}
	names := make([]string, len(built.Sources))
	for i, s := range built.Sources {
		names[i] = s.Name()
	}
	log.Info("forgegraph listening", "addr", ln.Addr().String(), "sources", names, "demo", cfg.Demo)
	if cfg.Demo {
		log.Info("no source is configured: serving the embedded DEMO data (no network is used); set PROVIDERS or a forge token to serve real forges")
	}
	if cfg.LoopbackOnly {
		log.Warn("server-held tokens are configured without GATEWAY_API_KEY: listening on 127.0.0.1 only; set GATEWAY_API_KEY to serve other hosts")
	}
	if cfg.RandomSecret {
		log.Info("CURSOR_SECRET is not set: cursors are signed with a random key and stop working when this process restarts; set it to share cursors between replicas")
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2*cfg.UpstreamTimeout + 30*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// sharedCaches are the caches a replica keeps: in memory, or shared with other replicas in Redis.
type sharedCaches struct {
	pages                cache.Cache[pages.Entry]
	lists                cache.Cache[[]providers.Repository]
	limits               cache.Cache[rest.Rate]
	apq                  graphql.Cache[string] // nil: the server's in-memory default
	pageStats, listStats func() (hits, misses int64)
}

// Redis key prefixes; keys after them hold hashes of credentials, never a token.
const (
	redisPages  = "forgegraph:v1:page:"
	redisLists  = "forgegraph:v1:list:"
	redisLimits = "forgegraph:v1:rate:"
	redisAPQ    = "forgegraph:v1:apq:"
)

// caches returns the caches cfg asks for, and a function releasing them. With REDIS_URL, pages,
// whole lists (with a short-lived copy in memory), rate-limit state and persisted queries are shared
// through Redis; a Redis that is down at start (or later) only means answering from the forges.
func caches(ctx context.Context, cfg config.Config, m *metrics.Metrics, log *slog.Logger) (sharedCaches, func(), error) {
	if cfg.RedisURL == "" {
		pageCache := cache.NewMemoryBytes(cfg.CacheMaxBytes/2, pages.EntrySize)
		lists := cache.NewMemoryBytes(cfg.CacheMaxBytes/2, providers.SizeOf)
		log.Info("caches are in memory (REDIS_URL is not set): replicas do not share pages, lists, rate-limit state or persisted queries")
		return sharedCaches{pages: pageCache, lists: lists, limits: cache.NewMemory[rest.Rate](10000),
			pageStats: pageCache.Stats, listStats: lists.Stats}, func() {}, nil
	}
	client, err := cache.NewRedisClient(cfg.RedisURL)
	if err != nil {
		return sharedCaches{}, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	observe := func(op string, _ error) { m.RedisError(op) }
	// While Redis is down, each replica falls back to its own memory (as without REDIS_URL). Whole
	// lists are large and do not change while cached: a copy stays in memory for the walk's pages.
	pageCache := &cache.Fallback[pages.Entry]{Shared: cache.NewRedis[pages.Entry](client, redisPages, observe),
		Local: cache.NewMemoryBytes(cfg.CacheMaxBytes/2, pages.EntrySize)}
	lists := &cache.Tiered[[]providers.Repository]{Near: cache.NewMemoryBytes(cfg.CacheMaxBytes/2, providers.SizeOf),
		Far: cache.NewRedis[[]providers.Repository](client, redisLists, observe), NearTTL: 10 * time.Second}
	// Rate-limit state is set while a user's pages are fetched but read by Viewer.rateLimit without
	// the credential: it is stored unsealed (it holds no user data).
	limits := cache.Plain[rest.Rate]{C: &cache.Fallback[rest.Rate]{Shared: cache.NewRedis[rest.Rate](client, redisLimits, observe),
		Local: cache.NewMemory[rest.Rate](10000)}}
	apq := cache.APQ{C: &cache.Fallback[string]{Shared: cache.NewRedis[string](client, redisAPQ, observe),
		Local: cache.NewMemory[string](1000)}}
	c := sharedCaches{pages: pageCache, lists: lists, limits: limits, apq: apq,
		pageStats: pageCache.Stats, listStats: lists.Stats}
	opt := client.Options() // logged without the password
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := client.Ping(pctx).Err(); err != nil {
		log.Warn("REDIS_URL is set but Redis does not answer yet: serving from the forges until it does",
			"redis_addr", opt.Addr, "redis_db", opt.DB, "error", err.Error())
	} else {
		log.Info("caches are shared through Redis: pages, lists, rate-limit state and persisted queries",
			"redis_addr", opt.Addr, "redis_db", opt.DB, "tls", opt.TLSConfig != nil)
	}
	return c, func() { _ = client.Close() }, nil
}

// tuneGC lets the heap grow to 5x its live size between collections (GOGC=400: a query allocates
// much and keeps little, and collections cost a fifth of the CPU at the default 100), under a soft
// memory limit of the cache budget plus 512 MiB, unless GOGC or GOMEMLIMIT say otherwise.
func tuneGC(getenv func(string) string, cacheBytes int64) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cacheBytes + 512<<20)
	}
}
