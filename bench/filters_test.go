package bench

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// needleEvery is how often a repository of the (i) list holds "needle" in its name: 1 %.
const needleEvery = 100

// needleFakes is NewFakes with n GitLab repositories, every needleEvery-th renamed to hold
// "needle", and no other forge.
func needleFakes(n int) *Fakes {
	f := NewFakes(map[string]int{})
	repos := Repos(providers.GitLab, n)
	for i := range repos {
		if i%needleEvery == 0 {
			repos[i].Name = "needle-" + repos[i].Name
			repos[i].NameWithOwner = repos[i].Owner + "/" + repos[i].Name
		}
	}
	d, _ := registry.Lookup("gitlab")
	f.Repos["gitlab"] = repos
	f.Fakes["gitlab"] = d.Fake(Token, repos)
	return f
}

// filteredFirstPage wires a fresh (cold) server for GitLab alone and times one first page
// (first: 20) with filter, returning the latency, the upstream requests and the edges.
func filteredFirstPage(b *testing.B, f *Fakes, urls map[string]string, filter map[string]any) (time.Duration, int64, int) {
	b.Helper()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	srv, err := NewServer(Environ(urls, "gitlab"), &http.Client{Transport: transport}, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	before := f.Requests()["gitlab"]
	start := time.Now()
	res, err := Walk(context.Background(), HandlerPoster(srv.Handler), WalkOptions{First: 20, MaxPages: 1, Filter: filter})
	d := time.Since(start)
	if err != nil && !strings.Contains(err.Error(), "did not end") {
		b.Fatal(err)
	}
	return d, f.Requests()["gitlab"] - before, len(res.Keys)
}

// BenchmarkFilteredFirstPage is target (i): the first page (first: 20) of a GitLab list of 5,000
// repositories with a query that 1 % of them match, against the unfiltered first page, both cold,
// each upstream answer delayed by UpstreamLatency. It reports each one's upstream requests and
// latency (ms). GitLab's search narrows the list natively: one request either way.
func BenchmarkFilteredFirstPage(b *testing.B) {
	f := needleFakes(5000)
	urls, closeFakes := f.Loopback(UpstreamLatency)
	defer closeFakes()
	var dq, du time.Duration
	var rq, ru int64
	for b.Loop() {
		d, r, n := filteredFirstPage(b, f, urls, map[string]any{"query": "needle"})
		if n != 20 {
			b.Fatalf("filtered first page: %d edges", n)
		}
		dq, rq = dq+d, rq+r
		d, r, n = filteredFirstPage(b, f, urls, nil)
		if n != 20 {
			b.Fatalf("unfiltered first page: %d edges", n)
		}
		du, ru = du+d, ru+r
	}
	n := float64(b.N)
	b.ReportMetric(float64(dq)/n/1e6, "query-ms")
	b.ReportMetric(float64(rq)/n, "query-requests")
	b.ReportMetric(float64(du)/n/1e6, "plain-ms")
	b.ReportMetric(float64(ru)/n, "plain-requests")
}

// jFilter is the filter of target (j): private repositories that are not forks.
var jFilter = providers.Filter{Privacy: providers.PrivacyPrivate, IsFork: new(false)}

// minFilteredRequests is the fewest upstream requests a whole walk of jFilter can make with the
// strategy each forge uses (README, Filters): GitHub pages its private list (visibility=private,
// forks filtered here); GitLab has no one value for private (private or internal), so its whole
// list is read (id order, until x-next-page is empty); Bitbucket lists the workspaces, then each
// workspace's private list (BBQL is_private = true); CodeArts v4 reads its whole list by offset,
// until a short page; Gitea asks GET /user, then its private non-fork list (is_private=true,
// mode=source) in pages of 50. An empty list still costs one page.
func minFilteredRequests(f *Fakes) map[string]int64 {
	pages := func(n, size int) int64 { return int64(max(1, (n+size-1)/size)) }
	count := func(s string, keep func(*providers.Repository) bool) int {
		n := 0
		for i := range f.Repos[s] {
			if keep(&f.Repos[s][i]) {
				n++
			}
		}
		return n
	}
	private := func(r *providers.Repository) bool { return r.IsPrivate }
	out := map[string]int64{
		"github":   pages(count("github", private), 100),
		"gitlab":   pages(len(f.Repos["gitlab"]), 100),
		"codearts": int64(len(f.Repos["codearts"])/100 + 1),
		"gitea":    1 + pages(count("gitea", func(r *providers.Repository) bool { return r.IsPrivate && (r.IsFork == nil || !*r.IsFork) }), 50),
	}
	per := map[string]int{}
	for _, r := range f.Repos["bitbucket"] {
		ws, _, _ := strings.Cut(r.NameWithOwner, "/")
		if _, ok := per[ws]; !ok {
			per[ws] = 0
		}
		if r.IsPrivate {
			per[ws]++
		}
	}
	out["bitbucket"] = pages(len(per), 100)
	for _, c := range per {
		out["bitbucket"] += pages(c, 100)
	}
	return out
}

// BenchmarkFilteredWalk is target (j): upstream requests of a whole merged walk (first: 25, with
// totalCount) of private non-fork repositories over every forge, from a cold server, divided by
// the fewest the strategy per forge can make (minFilteredRequests): target <= 1.05. The walk is
// checked to return exactly the filtered repositories, each once.
func BenchmarkFilteredWalk(b *testing.B) {
	for _, size := range walkSizes {
		f := NewFakes(size.counts)
		urls, client := f.InProcess(0)
		minimum := minFilteredRequests(f)
		var least int64
		for _, s := range Sources {
			least += minimum[s]
		}
		var want []string
		for _, s := range Sources {
			for i := range f.Repos[s] {
				if jFilter.Match(&f.Repos[s][i]) {
					want = append(want, string(ProviderOf[s])+"/"+f.Repos[s][i].NameWithOwner)
				}
			}
		}
		slices.Sort(want)
		b.Run(size.name, func(b *testing.B) {
			var requests int64
			perSource := map[string]int64{}
			for b.Loop() {
				srv, err := NewServer(Environ(urls), client, 0, nil)
				if err != nil {
					b.Fatal(err)
				}
				before := f.Requests()
				res, err := Walk(context.Background(), HandlerPoster(srv.Handler), WalkOptions{First: 25, Count: true,
					Filter: map[string]any{"privacy": "PRIVATE", "isFork": false}})
				if err != nil {
					b.Fatal(err)
				}
				got := slices.Clone(res.Keys)
				slices.Sort(got)
				if !slices.Equal(got, want) || res.TotalCount != len(want) {
					b.Fatalf("walk returned %d repositories (totalCount %d), want %d", len(got), res.TotalCount, len(want))
				}
				after := f.Requests()
				for _, s := range Sources {
					perSource[s] += after[s] - before[s]
					requests += after[s] - before[s]
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(requests)/n, "requests/walk")
			b.ReportMetric(float64(least), "min-requests")
			b.ReportMetric(float64(requests)/n/float64(least), "ratio")
			var parts []string
			for _, s := range Sources {
				parts = append(parts, fmt.Sprintf("%s %.0f/%d", s, float64(perSource[s])/n, minimum[s]))
			}
			b.Logf("requests/minimum per source: %v", parts)
		})
	}
}
