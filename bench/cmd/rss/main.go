// Command rss measures the peak resident memory of forgegraph while a client walks the whole merged
// list once, for several list sizes (target (e) of BENCHMARKS.md).
//
// The driver (this command without -serve) fills the four forge fakes with N generated repositories
// each, serves them on loopback, and for every size, order and page-cache size starts a fresh
// server process (this command with -serve: forgegraph wired as server.go wires it, configured
// through the environment to reach the fakes), walks the merged list once through HTTP, and asks
// the server for its own peak RSS (VmHWM of /proc/self/status). The fakes live in the driver, so
// their memory is not counted.
//
//	go run ./bench/cmd/rss -n 1000,20000 -sort UPDATED,PUSHED,FULL_NAME
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // served with -pprof, for finding what holds memory
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/forgegraph/forgegraph/bench"
)

func main() {
	serve := flag.Bool("serve", false, "internal: run the server role (configured by the environment)")
	cacheMB := flag.Int("cache-mb", 0, "server role: cache budget in MiB, CACHE_MAX_MB (0: server.go's default)")
	pprofOn := flag.Bool("pprof", false, "server role: also serve net/http/pprof under /debug/pprof/")
	sizes := flag.String("n", "1000,20000", "repositories per source, comma-separated")
	sorts := flag.String("sort", "UPDATED,PUSHED,FULL_NAME", "orders to walk, comma-separated")
	caches := flag.String("caches", "0", "page store sizes to run the server with, comma-separated (0: server.go's 4096)")
	first := flag.Int("first", 100, "page size of the walk")
	maxRepos := flag.Int("max-repos", 0, "MAX_REPOSITORIES_PER_SOURCE for the server (0: the largest -n, so local sorts can hold the list)")
	memo := flag.Bool("memo", true, "memoize the fakes' answers (they sort the whole list on every request, which would dominate the walk)")
	keepPprof := flag.Duration("hold", 0, "after each walk, keep the server up this long (with -pprof) before measuring, to take profiles")
	flag.Parse()
	if *serve {
		if err := runServer(*cacheMB, *pprofOn); err != nil {
			fmt.Fprintln(os.Stderr, "rss -serve:", err)
			os.Exit(1)
		}
		return
	}
	if err := drive(*sizes, *sorts, *caches, *first, *maxRepos, *memo, *keepPprof); err != nil {
		fmt.Fprintln(os.Stderr, "rss:", err)
		os.Exit(1)
	}
}

// Memory is what the server reports about itself at /debug/rss.
type Memory struct {
	VmHWMKiB   int64   `json:"vmHWMKiB"`
	VmRSSKiB   int64   `json:"vmRSSKiB"`
	HeapAlloc  uint64  `json:"heapAlloc"`  // live heap after a GC
	HeapSys    uint64  `json:"heapSys"`    // heap obtained from the OS
	TotalAlloc uint64  `json:"totalAlloc"` // bytes allocated over the process's life
	NumGC      uint32  `json:"numGC"`
	CPUSeconds float64 `json:"cpuSeconds"` // user + system time of the server process
	PageHits   int64   `json:"pageHits"`
	PageMisses int64   `json:"pageMisses"`
}

// status reads a kB field of /proc/self/status.
func status(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return -1
}

// runServer is the server role: forgegraph wired from the environment on a loopback port, printed
// as "LISTEN host:port" on stdout, until SIGTERM.
func runServer(cacheMB int, pprofOn bool) error {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	srv, err := bench.NewServer(env, nil, cacheMB, os.Stderr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", srv.Handler)
	mux.HandleFunc("GET /debug/rss", func(w http.ResponseWriter, _ *http.Request) {
		m := Memory{VmHWMKiB: status("VmHWM")}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		m.VmRSSKiB = status("VmRSS")
		m.HeapAlloc, m.HeapSys, m.TotalAlloc, m.NumGC = ms.HeapAlloc, ms.HeapSys, ms.TotalAlloc, ms.NumGC
		m.PageHits, m.PageMisses, _ = srv.Pages.Stats()
		var ru syscall.Rusage
		if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
			m.CPUSeconds = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(m)
	})
	if pprofOn {
		mux.Handle("/debug/pprof/", http.DefaultServeMux)
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("LISTEN %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// run is one measurement: an order, a size, a page-store size.
type run struct {
	sort      string
	n         int
	cacheMB   int
	pages     int
	repos     int
	walk      time.Duration
	upstream  int64
	idle, mem Memory
}

func drive(sizesFlag, sortsFlag, cachesFlag string, first, maxRepos int, memo bool, hold time.Duration) error {
	sizes, err := ints(sizesFlag)
	if err != nil {
		return fmt.Errorf("-n: %w", err)
	}
	caches, err := ints(cachesFlag)
	if err != nil {
		return fmt.Errorf("-caches: %w", err)
	}
	sorts := strings.Split(sortsFlag, ",")
	if maxRepos <= 0 {
		for _, n := range sizes {
			maxRepos = max(maxRepos, n)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var runs []run
	for _, n := range sizes {
		fakes := bench.NewFakes(bench.Uniform(n))
		if memo {
			fakes.Memoize()
		}
		urls, closeFakes := fakes.Loopback(0)
		if memo {
			// One unmeasured walk per order fills the memos, so the measured walks wait on nothing
			// but the server (and stay well within the server's 60 s cache TTL).
			for _, s := range sorts {
				if _, err := measure(self, fakes, urls, s, n, 0, first, maxRepos, 0); err != nil {
					closeFakes()
					return fmt.Errorf("warm-up walk, sort %s, n %d: %w", s, n, err)
				}
			}
		}
		for _, cp := range caches {
			for _, s := range sorts {
				r, err := measure(self, fakes, urls, s, n, cp, first, maxRepos, hold)
				if err != nil {
					closeFakes()
					return fmt.Errorf("sort %s, n %d, cache %d: %w", s, n, cp, err)
				}
				runs = append(runs, r)
				fmt.Fprintf(os.Stderr, "rss: %s n=%d cache=%d: peak %.1f MiB\n", s, n, cp, mib(r.mem.VmHWMKiB))
			}
		}
		closeFakes()
	}
	report(runs, sizes, first, maxRepos)
	return nil
}

func measure(self string, fakes *bench.Fakes, urls map[string]string, sortName string, n, cacheMB, first, maxRepos int, hold time.Duration) (run, error) {
	r := run{sort: sortName, n: n, cacheMB: cacheMB}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	args := []string{"-serve", "-cache-mb", strconv.Itoa(cacheMB)}
	if hold > 0 {
		args = append(args, "-pprof")
	}
	cmd := exec.CommandContext(ctx, self, args...)
	env := os.Environ()
	for k, v := range bench.Environ(urls) {
		env = append(env, k+"="+v)
	}
	env = append(env, "MAX_REPOSITORIES_PER_SOURCE="+strconv.Itoa(maxRepos))
	cmd.Env = env
	cmd.Stderr = nil // the access log: discarded
	out, err := cmd.StdoutPipe()
	if err != nil {
		return r, err
	}
	if err := cmd.Start(); err != nil {
		return r, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "LISTEN ")
	if err != nil || !ok {
		return r, fmt.Errorf("server did not start (%q, %v)", line, err)
	}
	base := "http://" + addr
	client := &http.Client{Timeout: time.Minute}
	if r.idle, err = memory(client, base); err != nil {
		return r, err
	}
	before := fakes.Requests()
	start := time.Now()
	res, err := bench.Walk(ctx, bench.URLPoster(client, base), bench.WalkOptions{First: first, Sort: sortName, MaxPages: 4*n/first + 10})
	r.walk = time.Since(start)
	if err != nil {
		return r, err
	}
	if err := bench.CheckWalk(fakes, res.Keys); err != nil {
		return r, err
	}
	after := fakes.Requests()
	for _, s := range bench.Sources {
		r.upstream += after[s] - before[s]
	}
	r.pages, r.repos = res.Pages, len(res.Keys)
	if hold > 0 {
		fmt.Fprintf(os.Stderr, "rss: %s n=%d: profiles at %s/debug/pprof/ for %s\n", sortName, n, base, hold)
		time.Sleep(hold)
	}
	r.mem, err = memory(client, base)
	return r, err
}

// memory asks the server at base for its Memory.
func memory(client *http.Client, base string) (Memory, error) {
	var m Memory
	resp, err := client.Get(base + "/debug/rss")
	if err != nil {
		return m, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return m, fmt.Errorf("/debug/rss: HTTP %d", resp.StatusCode)
	}
	return m, json.NewDecoder(resp.Body).Decode(&m)
}

func report(runs []run, sizes []int, first, maxRepos int) {
	fmt.Printf("peak RSS of the server process (VmHWM) after one whole merged walk, first: %d, 4 sources, MAX_REPOSITORIES_PER_SOURCE=%d\n", first, maxRepos)
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sort\trepos/source\tpage cache\tqueries\tupstream req\twalk s\tserver CPU s\tidle RSS MiB\tpeak RSS MiB\tRSS at end MiB\tlive heap MiB\tallocated MiB\t")
	for _, r := range runs {
		cp := r.cacheMB
		if cp == 0 {
			cp = bench.DefaultCacheMB
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.0f\t\n", r.sort, r.n, cp, r.pages, r.upstream, r.walk.Seconds(),
			r.mem.CPUSeconds-r.idle.CPUSeconds, mib(r.idle.VmRSSKiB), mib(r.mem.VmHWMKiB), mib(r.mem.VmRSSKiB), float64(r.mem.HeapAlloc)/(1<<20), float64(r.mem.TotalAlloc)/(1<<20))
	}
	_ = tw.Flush()
	if len(sizes) < 2 {
		return
	}
	lo, hi := sizes[0], sizes[len(sizes)-1]
	fmt.Printf("\nflatness: peak RSS at %d repos/source divided by peak RSS at %d (target <= 1.10; UPDATED is paged natively by all four forges)\n", hi, lo)
	for _, a := range runs {
		if a.n != lo {
			continue
		}
		for _, b := range runs {
			if b.n == hi && b.sort == a.sort && b.cacheMB == a.cacheMB {
				cp := a.cacheMB
				if cp == 0 {
					cp = bench.DefaultCacheMB
				}
				verdict := "MET"
				ratio := float64(b.mem.VmHWMKiB) / float64(a.mem.VmHWMKiB)
				if ratio > 1.10 {
					verdict = "MISSED"
				}
				if note := localSorts[a.sort]; note != "" {
					verdict += " (" + note + ")"
				}
				fmt.Printf("RSS-RATIO sort=%s cache=%d %.1f MiB -> %.1f MiB ratio %.2f %s\n", a.sort, cp, mib(a.mem.VmHWMKiB), mib(b.mem.VmHWMKiB), ratio, verdict)
			}
		}
	}
}

// localSorts names, per order, the sources that sort it locally and so hold their whole list in
// memory by design (README: "A source that cannot sort natively reads its whole list once").
var localSorts = map[string]string{
	"PUSHED":    "CodeArts v4 sorts PUSHED locally: its whole list is held by design",
	"FULL_NAME": "GitLab, Bitbucket and CodeArts sort FULL_NAME locally: their whole lists are held by design",
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func ints(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 {
			return nil, errors.New("want a comma list of whole numbers")
		}
		out = append(out, n)
	}
	return out, nil
}
