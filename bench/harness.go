// Package bench holds forgegraph's performance harness: generated repositories, the forge fakes
// (optionally behind injected latency), the server wired as server.go wires it, and helpers that
// send GraphQL queries and walk whole lists. The benchmarks in this package and the commands under
// bench/cmd use it; bench/run.sh runs them all. Nothing here is part of CI: the benchmarks only run
// with -bench, and the one Test is a quick self-check of the harness.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/forgegraph/forgegraph/internal/app"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/sources"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/demo"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// Token is the token every fake accepts.
const Token = "bench-token"

// Sources are the forge sources the benchmarks use (the demo forges of providers/registry), in
// server.go's build order.
var Sources = registry.DemoNames()

// ProviderOf maps a source name to its forge.
var ProviderOf = func() map[string]providers.Provider {
	out := map[string]providers.Provider{}
	for _, f := range registry.DemoForges() {
		out[f.Name] = f.Provider
	}
	return out
}()

// DemoCounts are the demo's sizes by source name (each descriptor's demo data): 120, 60, 45 and 35
// repositories.
var DemoCounts = func() map[string]int {
	out := map[string]int{}
	for _, f := range registry.DemoForges() {
		out[f.Name] = f.Demo.Data.Count
	}
	return out
}()

// Uniform returns n repositories for every source.
func Uniform(n int) map[string]int {
	out := map[string]int{}
	for _, s := range Sources {
		out[s] = n
	}
	return out
}

// Repos returns n generated repositories of provider p, the same on every call: the demo's
// repositories (providers/demo) as templates, each copy renamed with a number and given its own id
// and dates, so every fake sees the owners and id formats it expects.
func Repos(p providers.Provider, n int) []providers.Repository {
	if n == demoCount(p) {
		return registry.DemoRepositoriesOf(p)
	}
	tmpl := registry.DemoRepositoriesOf(p)
	seed := uint64(0)
	for _, c := range p {
		seed = seed*31 + uint64(c)
	}
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	out := make([]providers.Repository, n)
	for i := range out {
		t := tmpl[i%len(tmpl)]
		r := t
		r.Name = fmt.Sprintf("%s-%05d", t.Name, i)
		r.NameWithOwner = t.Owner + "/" + r.Name
		r.ForgeID = fmt.Sprint(1_000_000 + i)
		if p == providers.Bitbucket {
			r.ForgeID = fmt.Sprintf("{%08x-0000-4000-a000-%012x}", rng.Uint32(), i)
		}
		if t.URL != nil {
			r.URL = ptr(strings.Replace(*t.URL, t.NameWithOwner, r.NameWithOwner, 1))
		}
		if t.SSHURL != nil {
			r.SSHURL = ptr(strings.Replace(*t.SSHURL, t.NameWithOwner, r.NameWithOwner, 1))
		}
		if t.CloneURL != nil {
			r.CloneURL = ptr(strings.Replace(*t.CloneURL, t.NameWithOwner, r.NameWithOwner, 1))
		}
		created := demo.Now.Add(-time.Duration(30*24*3600+rng.IntN(6*365*24*3600)) * time.Second)
		updated := created.Add(time.Duration(rng.Int64N(int64(demo.Now.Sub(created)))))
		pushed := updated.Add(-time.Duration(rng.IntN(72*3600)) * time.Second)
		if pushed.Before(created) {
			pushed = created
		}
		r.CreatedAt = ptr(created.UTC().Truncate(time.Second))
		r.UpdatedAt = ptr(updated.UTC().Truncate(time.Second))
		r.PushedAt = ptr(pushed.UTC().Truncate(time.Second))
		out[i] = r
	}
	return out
}

func demoCount(p providers.Provider) int {
	for s, q := range ProviderOf {
		if q == p {
			return DemoCounts[s]
		}
	}
	return -1
}

func ptr[T any](v T) *T { return &v }

// Fakes are the fake forges and the repositories they serve.
type Fakes struct {
	// Fakes are the fake forges by source name (each descriptor's Fake).
	Fakes map[string]registry.Fake
	// Repos are the repositories each source serves, by source name.
	Repos map[string][]providers.Repository
	memo  map[string]*Memo
}

// NewFakes builds the fakes with counts[source] generated repositories each (missing: none).
// Quotas (the GitHub fake's) are lifted: benchmarks repeat far more than an hour's worth.
func NewFakes(counts map[string]int) *Fakes {
	f := &Fakes{Fakes: map[string]registry.Fake{}, Repos: map[string][]providers.Repository{}}
	for _, d := range registry.DemoForges() {
		f.Repos[d.Name] = Repos(d.Provider, counts[d.Name])
		f.Fakes[d.Name] = d.Fake(Token, f.Repos[d.Name])
		if l, ok := f.Fakes[d.Name].(registry.Limited); ok {
			l.SetRateLimit(0)
		}
	}
	return f
}

// Memoize puts a Memo in front of every fake from now on (Handler, Loopback, InProcess, Requests):
// the fakes sort their whole list on every request, which dominates long walks of large lists;
// memoized, a walk's time is the server's.
func (f *Fakes) Memoize() {
	f.memo = map[string]*Memo{}
	for _, s := range Sources {
		f.memo[s] = &Memo{h: f.fake(s)}
	}
}

// Handler returns the fake of source s (behind its Memo after Memoize).
func (f *Fakes) Handler(s string) http.Handler {
	if m, ok := f.memo[s]; ok {
		return m
	}
	return f.fake(s)
}

func (f *Fakes) fake(s string) http.Handler {
	if h, ok := f.Fakes[s]; ok {
		return h
	}
	panic("bench: unknown source " + s)
}

// Requests returns how many requests each fake (or its Memo) has served, by source name.
func (f *Fakes) Requests() map[string]int64 {
	out := map[string]int64{}
	if f.memo != nil {
		for s, m := range f.memo {
			out[s] = m.Requests()
		}
		return out
	}
	for s, h := range f.Fakes {
		out[s] = h.Requests()
	}
	return out
}

// MinRequests is the fewest upstream requests a whole walk of every source can make: each upstream
// page of 100 once, per stream (Bitbucket: per workspace), plus Bitbucket's workspace listing.
func (f *Fakes) MinRequests() map[string]int64 {
	pagesOf := func(n int) int64 { return int64((n + providers.PageSize - 1) / providers.PageSize) }
	out := map[string]int64{}
	for _, s := range Sources {
		repos := f.Repos[s]
		if s == "gitea" {
			// GET /user once, then pages of 50 (Gitea's default MAX_RESPONSE_ITEMS), one for none.
			out[s] = 1 + max(1, int64((len(repos)+49)/50))
			continue
		}
		if s != "bitbucket" {
			out[s] = pagesOf(len(repos))
			continue
		}
		per := map[string]int{}
		for _, r := range repos {
			ws, _, _ := strings.Cut(r.NameWithOwner, "/")
			per[ws]++
		}
		n := pagesOf(len(per)) // GET /user/workspaces
		if len(per) == 0 {
			n = 1
		}
		for _, c := range per {
			n += pagesOf(c)
		}
		out[s] = n
	}
	return out
}

// Memo answers a request it has seen before (same method, URI, credential and If-None-Match) with
// the recorded answer instead of asking the fake again. It counts every request.
type Memo struct {
	h        http.Handler
	requests atomic.Int64
	mu       sync.Mutex
	answers  map[string]*httptest.ResponseRecorder
}

// Requests returns how many requests the Memo has answered.
func (m *Memo) Requests() int64 { return m.requests.Load() }

// ServeHTTP implements http.Handler.
func (m *Memo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.requests.Add(1)
	key := r.Method + " " + r.Host + r.URL.RequestURI() + "\x00" + r.Header.Get("Authorization") + "\x00" +
		r.Header.Get("Private-Token") + "\x00" + r.Header.Get("X-Auth-Token") + "\x00" + r.Header.Get("If-None-Match")
	m.mu.Lock()
	rec, ok := m.answers[key]
	m.mu.Unlock()
	if !ok {
		rec = httptest.NewRecorder()
		m.h.ServeHTTP(rec, r)
		m.mu.Lock()
		if m.answers == nil {
			m.answers = map[string]*httptest.ResponseRecorder{}
		}
		m.answers[key] = rec
		m.mu.Unlock()
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// Delay wraps h so that every request waits d before it is served (or until the client leaves).
func Delay(h http.Handler, d time.Duration) http.Handler {
	if d <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Loopback serves every fake on its own loopback httptest server, each request delayed by latency.
// It returns the base URL of each source and a function that closes the servers.
func (f *Fakes) Loopback(latency time.Duration) (map[string]string, func()) {
	urls := map[string]string{}
	var srvs []*httptest.Server
	for _, s := range Sources {
		srv := httptest.NewServer(Delay(f.Handler(s), latency))
		srvs = append(srvs, srv)
		urls[s] = srv.URL
	}
	return urls, func() {
		for _, s := range srvs {
			s.Close()
		}
	}
}

// InProcess returns base URLs and a client that reach the fakes in process (no socket), like the
// demo's RoundTripper, each request delayed by latency.
func (f *Fakes) InProcess(latency time.Duration) (map[string]string, *http.Client) {
	hosts := map[string]http.Handler{}
	urls := map[string]string{}
	for _, s := range Sources {
		host := s + ".bench.invalid"
		hosts[host] = Delay(f.Handler(s), latency)
		urls[s] = "http://" + host
	}
	return urls, &http.Client{Transport: roundTripper(hosts)}
}

type roundTripper map[string]http.Handler

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	h, ok := rt[req.URL.Host]
	if !ok {
		return nil, fmt.Errorf("bench: no fake at %s", req.URL.Host)
	}
	r := req.Clone(req.Context())
	r.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// Environ returns the environment that configures forgegraph for the named sources (all four when
// none is named) at urls with the fakes' token, as an operator would set it.
func Environ(urls map[string]string, only ...string) map[string]string {
	if len(only) == 0 {
		only = Sources
	}
	env := map[string]string{"PROVIDERS": strings.Join(only, ","), "CURSOR_SECRET": "bench-cursor-secret"}
	for _, s := range only {
		if f, ok := registry.Lookup(s); ok {
			env[f.TokenVar] = Token
			env[f.URLVar] = urls[s]
		}
	}
	return env
}

// DefaultCacheMB is server.go's default cache budget (CACHE_MAX_MB).
const DefaultCacheMB = 256

// Server is forgegraph built as server.go builds it (internal/app).
type Server struct {
	Config  config.Config
	Handler http.Handler
	Pages   *pages.Store
	Built   sources.Built
}

// NewServer builds forgegraph from env exactly as server.go does (internal/app.New), over client
// (nil: server.go's default client), with a cache budget of cacheMB (0: env's CACHE_MAX_MB or the
// default). logOut receives the access log (nil: discarded, but still formatted).
func NewServer(env map[string]string, client *http.Client, cacheMB int, logOut io.Writer) (*Server, error) {
	if cacheMB > 0 {
		env = maps.Clone(env)
		env["CACHE_MAX_MB"] = strconv.Itoa(cacheMB)
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		return nil, err
	}
	if logOut == nil {
		logOut = io.Discard
	}
	a, err := app.New(context.Background(), cfg, logOut, client)
	if err != nil {
		return nil, err
	}
	return &Server{Config: cfg, Handler: a.Handler, Pages: a.Pages, Built: a.Built}, nil
}

// FirstPageQuery is the merged first page the benchmarks measure: 20 repositories with the fields
// a repository picker shows, their cursors and the page info. bench/run.sh sends the same body
// (TestRunScriptQuery checks it).
const FirstPageQuery = `query { viewer { repositories(first: 20) { edges { cursor node { id provider nameWithOwner description url isPrivate stargazerCount primaryLanguage pushedAt } } pageInfo { hasNextPage endCursor } } } }`

// FirstPageBody is FirstPageQuery as a POST body.
var FirstPageBody = mustJSON(map[string]any{"query": FirstPageQuery})

// WalkQuery pages through a list; totalCount is selected only when $count is true.
const WalkQuery = `query($p: Provider, $s: RepositorySort, $d: OrderDirection, $first: Int, $after: String, $count: Boolean!) {
  viewer { repositories(provider: $p, sort: $s, direction: $d, first: $first, after: $after) {
    totalCount @include(if: $count)
    nodes { provider nameWithOwner }
    pageInfo { hasNextPage endCursor } } } }`

// FilteredWalkQuery is WalkQuery with the filter arguments.
const FilteredWalkQuery = `query($p: Provider, $s: RepositorySort, $d: OrderDirection, $first: Int, $after: String, $count: Boolean!,
    $query: String, $privacy: RepositoryPrivacy, $affiliations: [RepositoryAffiliation!], $isFork: Boolean, $isArchived: Boolean) {
  viewer { repositories(provider: $p, sort: $s, direction: $d, first: $first, after: $after,
      query: $query, privacy: $privacy, affiliations: $affiliations, isFork: $isFork, isArchived: $isArchived) {
    totalCount @include(if: $count)
    nodes { provider nameWithOwner }
    pageInfo { hasNextPage endCursor } } } }`

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// Poster sends one GraphQL POST body and returns the response body.
type Poster func(ctx context.Context, body []byte) ([]byte, error)

// HandlerPoster posts to h in process, as a client would over HTTP, with headers (name, value,
// name, value, ...) added. The answer is returned as sent (gzipped when a header asked for it).
func HandlerPoster(h http.Handler, headers ...string) Poster {
	return func(ctx context.Context, body []byte) ([]byte, error) {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Host = "127.0.0.1" // as a local client: a loopback-only server answers no other Host
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("HTTP %d: %s", rec.Code, rec.Body.String())
		}
		return rec.Body.Bytes(), nil
	}
}

// URLPoster posts to base+"/graphql" with client.
func URLPoster(client *http.Client, base string) Poster {
	return func(ctx context.Context, body []byte) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/graphql", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, b)
		}
		return b, nil
	}
}

type gqlErrors []struct {
	Message string `json:"message"`
}

// CheckFirstPage verifies a FirstPageQuery answer: no errors and want edges.
func CheckFirstPage(body []byte, want int) error {
	var resp struct {
		Data struct {
			Viewer struct {
				Repositories struct {
					Edges []json.RawMessage `json:"edges"`
				} `json:"repositories"`
			} `json:"viewer"`
		} `json:"data"`
		Errors gqlErrors `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return fmt.Errorf("decode %q: %w", body, err)
	}
	if len(resp.Errors) > 0 {
		return fmt.Errorf("GraphQL errors: %v", resp.Errors)
	}
	if n := len(resp.Data.Viewer.Repositories.Edges); n != want {
		return fmt.Errorf("%d edges, want %d", n, want)
	}
	return nil
}

// WalkOptions say how to walk a list.
type WalkOptions struct {
	// First is the page size (1-100).
	First int
	// Sort and Direction are the order; "" is the server's default.
	Sort, Direction string
	// Count selects totalCount on every page.
	Count bool
	// MaxPages bounds the walk.
	MaxPages int
	// Filter, when not nil, are filter arguments of Viewer.repositories (query, privacy,
	// affiliations, isFork, isArchived) sent with FilteredWalkQuery.
	Filter map[string]any
}

// WalkResult is what a walk saw.
type WalkResult struct {
	Pages int
	// Keys are provider/nameWithOwner of every repository in the order the walk returned them.
	Keys []string
	// TotalCount is the last page's totalCount (-1 when not selected).
	TotalCount int
}

// Walk pages forward through the whole merged list with post and returns what it saw. It fails on
// any GraphQL error and when the walk does not end within MaxPages.
func Walk(ctx context.Context, post Poster, o WalkOptions) (WalkResult, error) {
	res := WalkResult{TotalCount: -1}
	if o.MaxPages <= 0 {
		o.MaxPages = 100_000
	}
	var after *string
	for res.Pages < o.MaxPages {
		vars := map[string]any{"first": o.First, "after": after, "count": o.Count}
		if o.Sort != "" {
			vars["s"] = o.Sort
		}
		if o.Direction != "" {
			vars["d"] = o.Direction
		}
		query := WalkQuery
		if o.Filter != nil {
			query = FilteredWalkQuery
			for k, v := range o.Filter {
				vars[k] = v
			}
		}
		b, err := post(ctx, mustJSON(map[string]any{"query": query, "variables": vars}))
		if err != nil {
			return res, err
		}
		var resp struct {
			Data struct {
				Viewer struct {
					Repositories struct {
						TotalCount *int `json:"totalCount"`
						Nodes      []struct {
							Provider      string `json:"provider"`
							NameWithOwner string `json:"nameWithOwner"`
						} `json:"nodes"`
						PageInfo struct {
							HasNextPage bool    `json:"hasNextPage"`
							EndCursor   *string `json:"endCursor"`
						} `json:"pageInfo"`
					} `json:"repositories"`
				} `json:"viewer"`
			} `json:"data"`
			Errors gqlErrors `json:"errors"`
		}
		if err := json.Unmarshal(b, &resp); err != nil {
			return res, fmt.Errorf("page %d: decode: %w", res.Pages, err)
		}
		if len(resp.Errors) > 0 {
			return res, fmt.Errorf("page %d: GraphQL errors: %v", res.Pages, resp.Errors)
		}
		res.Pages++
		c := resp.Data.Viewer.Repositories
		for _, n := range c.Nodes {
			res.Keys = append(res.Keys, n.Provider+"/"+n.NameWithOwner)
		}
		if c.TotalCount != nil {
			res.TotalCount = *c.TotalCount
		}
		if !c.PageInfo.HasNextPage {
			return res, nil
		}
		after = c.PageInfo.EndCursor
	}
	return res, fmt.Errorf("walk did not end within %d pages", o.MaxPages)
}

// CheckWalk verifies that a walk returned every repository of f exactly once.
func CheckWalk(f *Fakes, keys []string) error {
	var want []string
	for _, s := range Sources {
		for _, r := range f.Repos[s] {
			want = append(want, string(ProviderOf[s])+"/"+r.NameWithOwner)
		}
	}
	got := append([]string(nil), keys...)
	sort.Strings(got)
	sort.Strings(want)
	if len(got) != len(want) {
		return fmt.Errorf("walk returned %d repositories, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("walk returned %q where %q was expected (sorted position %d)", got[i], want[i], i)
		}
	}
	return nil
}
