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
	"syscall"
	"time"

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
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(requestid.LogHandler{Handler: slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: level})})
	slog.SetDefault(log)

	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	m := metrics.New()
	lists := cache.NewMemory[[]providers.Repository](1024)
	limits := cache.NewMemory[rest.Rate](10000)
	local := providers.NewLocal(lists, cfg.MaxRepositories, cfg.CacheTTL)
	up := rest.Options{Retries: rest.MaxRetries, Limits: limits, Observe: m.Upstream}
	built, err := sources.Build(cfg, &http.Client{Transport: transport}, local, up)
	if err != nil {
		return err
	}
	pageCache := cache.NewMemory[pages.Entry](4096)
	store := pages.New(pageCache, cfg.CacheTTL, 0)
	m.CacheStats("pages", pageCache.Stats)
	m.CacheStats("lists", lists.Stats)
	handler := server.New(server.Deps{Config: cfg, Sources: built.Sources, Pages: store, Tokens: built.Tokens,
		Logger: log, Metrics: m, Limits: limits})

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
