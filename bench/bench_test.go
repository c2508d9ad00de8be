package bench

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// UpstreamLatency is the latency injected before every fake forge answer in the cold benchmarks.
const UpstreamLatency = 300 * time.Millisecond

// coldFirstPage wires a fresh server (fresh page store, Local, Bitbucket workspace cache and
// connection pool: nothing is cached) for the named sources and times one FirstPageQuery.
func coldFirstPage(b *testing.B, urls map[string]string, want int, only ...string) time.Duration {
	b.Helper()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 32
	defer transport.CloseIdleConnections()
	srv, err := NewServer(Environ(urls, only...), &http.Client{Transport: transport}, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	post := HandlerPoster(srv.Handler)
	start := time.Now()
	body, err := post(context.Background(), FirstPageBody)
	d := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if err := CheckFirstPage(body, want); err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkColdFirstPage is target (a): the merged first page (first: 20) over the four forges,
// each behind UpstreamLatency on its own loopback server, against each source's first page alone,
// all with a cold cache. One iteration measures the merged page and every single source once,
// interleaved; it reports the mean of each in ms and ratio = merged / slowest single source
// (target <= 1.05). ns/op is the time of all five measurements.
func BenchmarkColdFirstPage(b *testing.B) {
	for _, c := range []struct {
		name   string
		counts map[string]int
	}{{"repos=demo", DemoCounts}, {"repos=1000", Uniform(1000)}} {
		b.Run(c.name, func(b *testing.B) {
			f := NewFakes(c.counts)
			urls, closeFakes := f.Loopback(UpstreamLatency)
			defer closeFakes()
			total := map[string]time.Duration{}
			for b.Loop() {
				total["merged"] += coldFirstPage(b, urls, 20)
				for _, s := range Sources {
					total[s] += coldFirstPage(b, urls, min(20, c.counts[s]), s)
				}
			}
			ms := func(d time.Duration) float64 { return float64(d) / float64(b.N) / 1e6 }
			var slowest time.Duration
			for _, s := range Sources {
				b.ReportMetric(ms(total[s]), s+"-ms")
				slowest = max(slowest, total[s])
			}
			b.ReportMetric(ms(total["merged"]), "merged-ms")
			b.ReportMetric(ms(slowest), "slowest-ms")
			b.ReportMetric(float64(total["merged"])/float64(slowest), "ratio")
		})
	}
}

// walkSizes are the per-source sizes the request-count walks use.
var walkSizes = []struct {
	name   string
	counts map[string]int
}{
	{"repos=demo", DemoCounts},
	{"repos=uneven", map[string]int{"github": 2345, "gitlab": 777, "bitbucket": 1501, "codearts": 333}},
	{"repos=1000", Uniform(1000)},
}

// BenchmarkWalkRequests is target (b): upstream requests of a whole merged walk with first: 25
// through the HTTP handler, with the server's shared page store, divided by the fewest possible
// (each upstream page of each stream once, plus Bitbucket's workspace listing): target <= 1.05.
// Every iteration starts cold (fresh server) and counts the fakes' Requests(). The walk is checked
// to return every repository exactly once.
func BenchmarkWalkRequests(b *testing.B) {
	for _, size := range walkSizes {
		f := NewFakes(size.counts)
		urls, client := f.InProcess(0)
		minimum := f.MinRequests()
		var least int64
		for _, s := range Sources {
			least += minimum[s]
		}
		for _, o := range []struct {
			name  string
			sort  string
			count bool
		}{{"PUSHED", "", false}, {"PUSHED+totalCount", "", true}, {"UPDATED+totalCount", "UPDATED", true}, {"FULL_NAME+totalCount", "FULL_NAME", true}} {
			b.Run(size.name+"/"+o.name, func(b *testing.B) {
				var requests, walkPages int64
				perSource := map[string]int64{}
				for b.Loop() {
					srv, err := NewServer(Environ(urls), client, 0, nil)
					if err != nil {
						b.Fatal(err)
					}
					before := f.Requests()
					res, err := Walk(context.Background(), HandlerPoster(srv.Handler), WalkOptions{First: 25, Sort: o.sort, Count: o.count})
					if err != nil {
						b.Fatal(err)
					}
					if err := CheckWalk(f, res.Keys); err != nil {
						b.Fatal(err)
					}
					after := f.Requests()
					for _, s := range Sources {
						perSource[s] += after[s] - before[s]
						requests += after[s] - before[s]
					}
					walkPages += int64(res.Pages)
				}
				n := float64(b.N)
				b.ReportMetric(float64(requests)/n, "requests/walk")
				b.ReportMetric(float64(least), "min-requests")
				b.ReportMetric(float64(requests)/n/float64(least), "ratio")
				b.ReportMetric(float64(walkPages)/n, "queries/walk")
				var parts []string
				for _, s := range Sources {
					parts = append(parts, fmt.Sprintf("%s %.0f/%d", s, float64(perSource[s])/n, minimum[s]))
				}
				b.Logf("requests/minimum per source: %v", parts)
			})
		}
	}
}

// demoServer is forgegraph exactly as `forgegraph` with no configuration runs: the demo forges in
// process, the default page store, the access log formatted (to io.Discard).
func demoServer(b *testing.B, env ...string) *Server {
	e := map[string]string{"CURSOR_SECRET": "bench-cursor-secret"}
	for i := 0; i+1 < len(env); i += 2 {
		e[env[i]] = env[i+1]
	}
	srv, err := NewServer(e, nil, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	if !srv.Config.Demo {
		b.Fatal("not in demo mode")
	}
	return srv
}

// BenchmarkWarmFirstPage is target (d): allocations (and time) per merged first page (first: 20)
// with a warm page cache, through the whole HTTP handler in process (httptest.NewRecorder). Run it
// with -benchmem. "parallel" runs the same query from GOMAXPROCS goroutines (the in-process upper
// bound of what (c) can reach).
func BenchmarkWarmFirstPage(b *testing.B) {
	// "executed" runs the query every time (RESPONSE_CACHE_TTL=0: pages from the warm page cache);
	// "replayed" is the server's default, where an identical request within 1s is replayed.
	for _, mode := range []struct{ name, ttl string }{{"executed", "0"}, {"replayed", "1s"}} {
		srv := demoServer(b, "RESPONSE_CACHE_TTL", mode.ttl)
		post := HandlerPoster(srv.Handler)
		ctx := context.Background()
		warm, err := post(ctx, FirstPageBody)
		if err != nil {
			b.Fatal(err)
		}
		if err := CheckFirstPage(warm, 20); err != nil {
			b.Fatal(err)
		}
		b.Run(mode.name+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			_, missesBefore, _ := srv.Pages.Stats()
			for b.Loop() {
				if _, err := post(ctx, FirstPageBody); err != nil {
					b.Fatal(err)
				}
			}
			if _, misses, _ := srv.Pages.Stats(); misses != missesBefore {
				b.Fatalf("%d page-cache misses during a warm benchmark", misses-missesBefore)
			}
			b.ReportMetric(float64(len(warm)), "bytes/answer")
		})
		b.Run(mode.name+"/serial-gzip", func(b *testing.B) {
			// As browsers ask: Accept-Encoding: gzip.
			b.ReportAllocs()
			gz := HandlerPoster(srv.Handler, "Accept-Encoding", "gzip")
			for b.Loop() {
				if _, err := gz(ctx, FirstPageBody); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(mode.name+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := post(ctx, FirstPageBody); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
