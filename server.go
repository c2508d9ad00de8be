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

	"github.com/forgegraph/forgegraph/internal/app"
	"github.com/forgegraph/forgegraph/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "forgegraph:", err)
		os.Exit(1)
	}
}

// run builds the server and serves until ctx ends, then shuts down gracefully. ready, when not nil,
// receives the listening address.
func run(ctx context.Context, getenv func(string) string, logOut io.Writer, ready chan<- string) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	tuneGC(getenv, cfg.CacheMaxBytes)
	a, err := app.New(ctx, cfg, logOut, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	log, built, handler := a.Log, a.Built, a.Handler
	slog.SetDefault(log)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set PORT to a free port)", cfg.Addr, err)
	}
	names := make([]string, len(built.Sources))
	for i, s := range built.Sources {
		names[i] = s.Name()
	}
	var metricsLn net.Listener
	if a.MetricsHandler != nil {
		if metricsLn, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			_ = ln.Close()
			return fmt.Errorf("listen on METRICS_ADDR=%s: %w (set METRICS_ADDR to a free host:port, or unset it to serve /metrics on the main port)", cfg.MetricsAddr, err)
		}
	}
	log.Info("forgegraph listening", "addr", ln.Addr().String(), "sources", names, "demo", cfg.Demo)
	if metricsLn != nil {
		log.Info("metrics are served on their own listener, without the gateway key, and not on the main port", "metrics_addr", metricsLn.Addr().String())
	}
	if cfg.Demo {
		where := "no network is used"
		if cfg.RedisURL != "" {
			where = "no network is used but Redis"
		}
		log.Info("no source is configured: serving the embedded DEMO data (" + where + "); set PROVIDERS or a forge token to serve real forges")
	}
	if cfg.LoopbackOnly {
		log.Warn("server-held tokens are configured without GATEWAY_API_KEY: listening on 127.0.0.1 only; set GATEWAY_API_KEY to serve other hosts")
	}
	if cfg.RandomSecret {
		log.Info("CURSOR_SECRET is not set: cursors and the credential hashes in cache keys use a random key, so cursors stop working when this process restarts; set it (the same on every replica) to share cursors and Redis cache entries between replicas")
	}
	a.FlushLogs() // the start-up lines are out before the first request is answered
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2*cfg.UpstreamTimeout + 30*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var metricsSrv *http.Server
	if metricsLn != nil {
		metricsSrv = &http.Server{Handler: a.MetricsHandler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
			WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
		go func() { errc <- metricsSrv.Serve(metricsLn) }()
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-errc:
		_ = srv.Close()
		if metricsSrv != nil {
			_ = metricsSrv.Close()
		}
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if metricsSrv != nil {
		_ = metricsSrv.Shutdown(sctx)
	}
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
