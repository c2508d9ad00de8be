// Command cpuprofile serves the embedded demo like the server does (every query executed:
// RESPONSE_CACHE_TTL=0; GOGC 400 as the server sets it) and writes a CPU profile of the process
// while a load generator runs against it, for BENCHMARKS.md's "where the CPU goes":
//
//	go build -o /tmp/cpuprofile ./bench/cmd/cpuprofile
//	taskset -c 1 /tmp/cpuprofile -addr 127.0.0.1:18080 -wait 4s -for 8s -out /tmp/cpu.prof &
//	taskset -c 0 wrk -t1 -c64 -d11s -s post.lua http://127.0.0.1:18080/graphql
//	go tool pprof -top -cum /tmp/cpuprofile /tmp/cpu.prof
//
// The profile starts after -wait (warm-up) and lasts -for; the process then exits. DIRECT_LISTS is
// passed through from the environment, and GOGC when set replaces the server's 400.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/forgegraph/forgegraph/internal/app"
	"github.com/forgegraph/forgegraph/internal/config"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "listen address")
	wait := flag.Duration("wait", 4*time.Second, "warm-up before the profile starts")
	dur := flag.Duration("for", 8*time.Second, "length of the profile")
	out := flag.String("out", "cpu.prof", "profile file")
	flag.Parse()
	if err := run(*addr, *wait, *dur, *out); err != nil {
		fmt.Fprintln(os.Stderr, "cpuprofile:", err)
		os.Exit(1)
	}
}

func run(addr string, wait, dur time.Duration, out string) error {
	env := map[string]string{"RESPONSE_CACHE_TTL": "0", "DIRECT_LISTS": os.Getenv("DIRECT_LISTS")}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // as server.go's tuneGC
	}
	a, err := app.New(context.Background(), cfg, io.Discard, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	time.Sleep(wait)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	time.Sleep(dur)
	pprof.StopCPUProfile()
	return nil
}
