// Command fakeforge serves the embedded demo repositories through the fakes of each forge's API, over
// real HTTP, for tests that run forgegraph as separate processes (several replicas behind one Redis).
// Every demo forge of providers/registry is mounted at /NAME followed by its API path:
//
//	/github/api/v3     GitHub (GITHUB_API_URL=http://HOST/github/api/v3; GraphQL at /github/api/graphql)
//	/gitlab/api/v4     GitLab (GITLAB_API_URL=http://HOST/gitlab/api/v4)
//	/bitbucket/2.0     Bitbucket Cloud (BITBUCKET_API_URL=http://HOST/bitbucket/2.0)
//	/codearts          CodeArts Repo (CODEARTS_API_URL=http://HOST/codearts)
//
// Every forge accepts the token "demo-token". GET /_requests returns how many requests each forge
// served since the start or the last POST /_reset, as JSON:
//
//	{"forges":{"github":12,"gitlab":4,"bitbucket":9,"codearts":2},"total":27,
//	 "paths":{"/github/api/v3/user/repos":12,...},
//	 "urls":{"/github/api/v3/user/repos?page=1&per_page=100&sort=pushed&direction=desc":1,...}}
//
// It prints "fakeforge listening on http://ADDR" on stdout once it serves.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/forgegraph/forgegraph/providers/registry"
)

// forge is one mounted fake, its request count and the quota /_reset starts afresh (0: none).
type forge struct {
	name, prefix string
	handler      registry.Fake
	rateLimit    int
	requests     atomic.Int64
}

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 8090, "port to listen on (0: any free port, printed at start)")
	latency := flag.Duration("latency", 0, "extra delay before each forge answer, e.g. 20ms")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, net.JoinHostPort(*host, strconv.Itoa(*port)), *latency); err != nil {
		fmt.Fprintln(os.Stderr, "fakeforge:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, latency time.Duration) error {
	var forges []*forge
	for _, f := range registry.DemoForges() {
		forges = append(forges, &forge{name: f.Name, prefix: "/" + f.Name + f.Demo.Path,
			handler: f.DemoFake(), rateLimit: f.Demo.RateLimit})
	}
	var mu sync.Mutex
	paths, urls := map[string]int64{}, map[string]int64{}
	mux := http.NewServeMux()
	for _, f := range forges {
		counted := func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				f.requests.Add(1)
				mu.Lock()
				paths[r.URL.Path]++
				urls[r.URL.RequestURI()]++
				mu.Unlock()
				if latency > 0 {
					t := time.NewTimer(latency)
					select {
					case <-t.C:
					case <-r.Context().Done():
						t.Stop()
						return
					}
				}
				h.ServeHTTP(w, r)
			})
		}
		mux.Handle(f.prefix+"/", counted(http.StripPrefix(f.prefix, f.handler)))
		if root, ok := strings.CutSuffix(f.prefix, "/api/v3"); ok {
			// GitHub Enterprise Server's GraphQL endpoint, /api/graphql beside /api/v3: the fake
			// serves it as /graphql.
			mux.Handle("POST "+root+"/api/graphql", counted(http.StripPrefix(root+"/api", f.handler)))
		}
	}
	mux.HandleFunc("GET /_requests", func(w http.ResponseWriter, _ *http.Request) {
		var out struct {
			Forges map[string]int64 `json:"forges"`
			Total  int64            `json:"total"`
			Paths  map[string]int64 `json:"paths"`
			URLs   map[string]int64 `json:"urls"`
		}
		out.Forges = map[string]int64{}
		for _, f := range forges {
			n := f.requests.Load()
			out.Forges[f.name] = n
			out.Total += n
		}
		mu.Lock()
		out.Paths, out.URLs = maps.Clone(paths), maps.Clone(urls)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("POST /_reset", func(w http.ResponseWriter, _ *http.Request) {
		for _, f := range forges {
			f.requests.Store(0)
			if l, ok := f.handler.(registry.Limited); ok {
				l.SetRateLimit(f.rateLimit) // a fresh quota window
			}
		}
		mu.Lock()
		clear(paths)
		clear(urls)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("fakeforge listening on http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
