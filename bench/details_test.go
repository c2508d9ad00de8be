package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	ghfake "github.com/forgegraph/forgegraph/providers/github/fake"
)

// Targets (f)–(h): repository details. See BENCHMARKS.md.

// DashboardQuery is the dashboard page of target (f) and (h): 20 merged repositories, each with
// its three biggest languages and its branch count.
const DashboardQuery = `query { viewer { repositories(first: 20) { nodes { provider nameWithOwner languages(first: 3) { edges { percentage node { name } } } branches { totalCount } } } } }`

// DashboardBody is DashboardQuery as a POST body.
var DashboardBody = mustJSON(map[string]any{"query": DashboardQuery})

// urlLog records every request a fake is asked, by source: "METHOD URI", and for a POST with a
// body "METHOD URI#" and the body's SHA-256 prefix, so that two GraphQL requests asking different
// things are different entries and the same request asked twice is a repeat; the bodies of POST
// requests are kept too (GraphQL documents).
type urlLog struct {
	mu     sync.Mutex
	uris   map[string][]string
	bodies map[string][][]byte
}

func (l *urlLog) wrap(source string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entry := r.Method + " " + r.URL.RequestURI()
		var body []byte
		if r.Method == http.MethodPost && r.Body != nil {
			body, _ = io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			sum := sha256.Sum256(body)
			entry += "#" + hex.EncodeToString(sum[:6])
		}
		l.mu.Lock()
		l.uris[source] = append(l.uris[source], entry)
		if body != nil {
			if l.bodies == nil {
				l.bodies = map[string][][]byte{}
			}
			l.bodies[source] = append(l.bodies[source], body)
		}
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// take returns the requests recorded since the last take and forgets them (and the bodies).
func (l *urlLog) take() map[string][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.uris
	l.uris, l.bodies = map[string][]string{}, nil
	return out
}

// takeBodies returns the POST bodies recorded since the last take, by source, and forgets them.
func (l *urlLog) takeBodies() map[string][][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.bodies
	l.bodies = nil
	return out
}

// loggedLoopback serves every fake on its own loopback server behind latency, logging each
// request.
func loggedLoopback(f *Fakes, latency time.Duration) (map[string]string, *urlLog, func()) {
	log := &urlLog{uris: map[string][]string{}}
	urls := map[string]string{}
	var srvs []*httptest.Server
	for _, s := range Sources {
		srv := httptest.NewServer(log.wrap(s, Delay(f.Handler(s), latency)))
		srvs = append(srvs, srv)
		urls[s] = srv.URL
	}
	return urls, log, func() {
		for _, s := range srvs {
			s.Close()
		}
	}
}

// checkDashboard verifies a DashboardQuery answer: no errors, 20 repositories.
func checkDashboard(body []byte) error {
	var a struct {
		Data struct {
			Viewer struct {
				Repositories struct {
					Nodes []json.RawMessage `json:"nodes"`
				} `json:"repositories"`
			} `json:"viewer"`
		} `json:"data"`
		Errors gqlErrors `json:"errors"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return err
	}
	if len(a.Errors) > 0 {
		return fmt.Errorf("errors: %s", body)
	}
	if n := len(a.Data.Viewer.Repositories.Nodes); n != 20 {
		return fmt.Errorf("%d repositories, want 20", n)
	}
	return nil
}

// counts returns the requests in uris, the distinct ones, and the duplicated ones.
func counts(uris map[string][]string) (total, distinct int, dups []string) {
	seen := map[string]int{}
	for s, us := range uris {
		for _, u := range us {
			seen[s+" "+u]++
			total++
		}
	}
	for u, n := range seen {
		if n > 1 {
			dups = append(dups, fmt.Sprintf("%s (%d times)", u, n))
		}
	}
	sort.Strings(dups)
	return total, len(seen), dups
}

// IdentityQuery lists every forge without details, in another order than the dashboard's
// (FULL_NAME, not PUSHED): its first page needs each forge's first list page, so Bitbucket's
// workspace listing and Gitea's GET /user (kept per credential across requests: WorkspaceTTL,
// viewerTTL) are known afterwards, while the dashboard's list pages and details are still cold.
const IdentityQuery = `query { viewer { repositories(first: 1, sort: FULL_NAME, direction: ASC) { nodes { provider nameWithOwner } } } }`

// BenchmarkDashboardCold is target (f): the dashboard page (DashboardQuery) over every demo forge
// with the demo's sizes, each upstream behind UpstreamLatency on its own loopback server, cold
// (fresh server). It reports the page's latency in ms and ratio = latency / one upstream latency
// (target <= 2.2), the upstream requests and the distinct ones (it fails if any request was asked
// twice), and the requests of a warm repeat (RESPONSE_CACHE_TTL=0, so the repeat is executed, not
// replayed), which fails unless 0. The second figure, "identity warm" (idwarm-*), is the same page
// on another fresh server that first answered IdentityQuery (untimed; it fails unless every forge
// was asked): the page with the credentials' identities known but its lists and details cold.
func BenchmarkDashboardCold(b *testing.B) {
	f := NewFakes(DemoCounts)
	urls, log, closeFakes := loggedLoopback(f, UpstreamLatency)
	defer closeFakes()
	var total, idTotal time.Duration
	var requests, distinct, warm, idRequests, idDistinct int
	newServer := func() (Poster, *http.Transport) {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = 32
		env := Environ(urls)
		env["RESPONSE_CACHE_TTL"] = "0"
		srv, err := NewServer(env, &http.Client{Transport: transport}, 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		return HandlerPoster(srv.Handler), transport
	}
	// timed sends the dashboard page with post and returns its time, requests and distinct ones.
	timed := func(post Poster) (time.Duration, int, int) {
		log.take()
		start := time.Now()
		body, err := post(context.Background(), DashboardBody)
		elapsed := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if err := checkDashboard(body); err != nil {
			b.Fatal(err)
		}
		n, d, dups := counts(log.take())
		if len(dups) > 0 {
			b.Fatalf("upstream requests asked more than once: %v", dups)
		}
		return elapsed, n, d
	}
	for b.Loop() {
		post, transport := newServer()
		elapsed, n, d := timed(post)
		total += elapsed
		requests, distinct = requests+n, distinct+d
		body, err := post(context.Background(), DashboardBody)
		if err != nil {
			b.Fatal(err)
		}
		if err := checkDashboard(body); err != nil {
			b.Fatal(err)
		}
		w, _, _ := counts(log.take())
		if w != 0 {
			b.Fatalf("warm repeat made %d upstream requests, want 0", w)
		}
		warm += w
		transport.CloseIdleConnections()

		post, transport = newServer()
		log.take()
		body, err = post(context.Background(), mustJSON(map[string]any{"query": IdentityQuery}))
		if err != nil || strings.Contains(string(body), `"errors"`) {
			b.Fatalf("identity query: %v %s", err, body)
		}
		asked := log.take()
		for _, s := range Sources {
			if len(asked[s]) == 0 {
				b.Fatalf("the identity query asked nothing of %s: %v", s, asked)
			}
		}
		elapsed, n, d = timed(post)
		idTotal += elapsed
		idRequests, idDistinct = idRequests+n, idDistinct+d
		transport.CloseIdleConnections()
	}
	nb := float64(b.N)
	lat := float64(UpstreamLatency.Milliseconds())
	ms := float64(total) / nb / 1e6
	b.ReportMetric(ms, "page-ms")
	b.ReportMetric(ms/lat, "ratio")
	b.ReportMetric(float64(requests)/nb, "requests")
	b.ReportMetric(float64(distinct)/nb, "distinct")
	b.ReportMetric(float64(warm)/nb, "warm-requests")
	idms := float64(idTotal) / nb / 1e6
	b.ReportMetric(idms, "idwarm-page-ms")
	b.ReportMetric(idms/lat, "idwarm-ratio")
	b.ReportMetric(float64(idRequests)/nb, "idwarm-requests")
	b.ReportMetric(float64(idDistinct)/nb, "idwarm-distinct")
}

// BranchWalkRepo is the GitHub repository of target (g), given BranchWalkCount branches.
const (
	BranchWalkCount = 1000
	branchWalkFirst = 100
)

// BranchWalkQuery reads one page of a repository's branches.
const BranchWalkQuery = `query($n: String!, $first: Int, $after: String) { repository(provider: GITHUB, nameWithOwner: $n) {
  branches(first: $first, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } } }`

// walkBranches walks every branch of nameWithOwner with first: branchWalkFirst and returns the
// names in order and the queries sent.
func walkBranches(ctx context.Context, post Poster, nameWithOwner string) ([]string, int, error) {
	var names []string
	var after *string
	for q := 1; ; q++ {
		body, err := post(ctx, mustJSON(map[string]any{"query": BranchWalkQuery,
			"variables": map[string]any{"n": nameWithOwner, "first": branchWalkFirst, "after": after}}))
		if err != nil {
			return nil, q, err
		}
		var a struct {
			Data struct {
				Repository *struct {
					Branches *struct {
						Edges []struct {
							Node struct{ Name string } `json:"node"`
						} `json:"edges"`
						PageInfo struct {
							HasNextPage bool   `json:"hasNextPage"`
							EndCursor   string `json:"endCursor"`
						} `json:"pageInfo"`
					} `json:"branches"`
				} `json:"repository"`
			} `json:"data"`
			Errors gqlErrors `json:"errors"`
		}
		if err := json.Unmarshal(body, &a); err != nil {
			return nil, q, err
		}
		if len(a.Errors) > 0 || a.Data.Repository == nil || a.Data.Repository.Branches == nil {
			return nil, q, fmt.Errorf("query %d: %s", q, body)
		}
		br := a.Data.Repository.Branches
		for _, e := range br.Edges {
			names = append(names, e.Node.Name)
		}
		if !br.PageInfo.HasNextPage {
			return names, q, nil
		}
		if q > 100 {
			return nil, q, fmt.Errorf("more than 100 queries")
		}
		c := br.PageInfo.EndCursor
		after = &c
	}
}

// BenchmarkBranchWalk is target (g): walking every branch of a GitHub repository with
// BranchWalkCount branches, first: 100, one query per page through the HTTP handler of a fresh
// server (shared detail cache). It counts the GitHub fake's GET .../branches requests against the
// minimum (one per upstream page of 100): ratio target <= 1.05. It fails unless every branch comes
// once, in order.
func BenchmarkBranchWalk(b *testing.B) {
	f := NewFakes(map[string]int{"github": 5})
	repo := f.Repos["github"][0]
	gh := f.Fakes["github"].(*ghfake.Server)
	d := ghfake.DemoDetails(&repo)
	d.Branches, d.Protected = nil, nil
	for i := range BranchWalkCount {
		d.Branches = append(d.Branches, fmt.Sprintf("branch-%04d", i))
	}
	gh.SetDetails(repo.NameWithOwner, d)
	urls, log, closeFakes := loggedLoopback(f, 0)
	defer closeFakes()
	minimum := (BranchWalkCount + 99) / 100
	var branchReqs, otherReqs, queries int
	for b.Loop() {
		srv, err := NewServer(Environ(urls, "github"), nil, 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		log.take()
		names, q, err := walkBranches(context.Background(), HandlerPoster(srv.Handler), repo.NameWithOwner)
		if err != nil {
			b.Fatal(err)
		}
		if len(names) != BranchWalkCount {
			b.Fatalf("%d branches, want %d", len(names), BranchWalkCount)
		}
		for i, n := range names {
			if n != d.Branches[i] {
				b.Fatalf("branch %d is %s, want %s", i, n, d.Branches[i])
			}
		}
		queries += q
		for _, u := range log.take()["github"] {
			if p, _, _ := strings.Cut(u, "?"); strings.HasSuffix(p, "/branches") {
				branchReqs++
			} else {
				otherReqs++
			}
		}
	}
	nb := float64(b.N)
	b.ReportMetric(float64(branchReqs)/nb, "branch-requests")
	b.ReportMetric(float64(minimum), "min-requests")
	b.ReportMetric(float64(branchReqs)/nb/float64(minimum), "ratio")
	b.ReportMetric(float64(otherReqs)/nb, "other-requests")
	b.ReportMetric(float64(queries)/nb, "queries")
}

// BenchmarkWarmDashboard is target (h): CPU time and allocations per executed
// (RESPONSE_CACHE_TTL=0) dashboard page with warm page and detail caches, through the whole HTTP
// handler in process, on the demo. Run it with -benchmem.
func BenchmarkWarmDashboard(b *testing.B) {
	srv := demoServer(b, "RESPONSE_CACHE_TTL", "0")
	post := HandlerPoster(srv.Handler)
	ctx := context.Background()
	warm, err := post(ctx, DashboardBody)
	if err != nil {
		b.Fatal(err)
	}
	if err := checkDashboard(warm); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := post(ctx, DashboardBody); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(warm)), "bytes/answer")
}
