package openhands_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/openhands"
	"github.com/forgegraph/forgegraph/providers/openhands/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
	"github.com/forgegraph/forgegraph/providers/rest"
)

const key = "sk-oh-test"

// env is a fake OpenHands on loopback under /oh and a source pointed at it, with a log of the
// queries the fake received.
type env struct {
	fake *fake.Server
	src  *openhands.Source
	rec  *providertest.Recorder
	base string // the API root: server URL + "/oh"
}

func newEnv(t *testing.T, repos []providers.Repository, local *providers.Local) *env {
	t.Helper()
	e := &env{fake: fake.New(key, repos)}
	e.rec, e.base = providertest.Serve(t, "/oh", e.fake)
	e.src = newSource(t, e.base, local, 0)
	return e
}

func newSource(t *testing.T, base string, local *providers.Local, timeout time.Duration) *openhands.Source {
	t.Helper()
	src, _ := loggedSource(t, base, local, timeout)
	return src
}

// loggedSource is newSource whose upstream log lines go to the returned Logs.
func loggedSource(t *testing.T, base string, local *providers.Local, timeout time.Duration) (*openhands.Source, *providertest.Logs) {
	t.Helper()
	if local == nil {
		local = providers.NewLocal(nil, 0, 0)
	}
	logs := &providertest.Logs{}
	src, err := openhands.New(openhands.Config{BaseURL: base, HTTP: &http.Client{}, Timeout: timeout, Local: local,
		Upstream: rest.Options{Logger: logs.Logger()}})
	if err != nil {
		t.Fatal(err)
	}
	return src, logs
}

// queries returns the queries of the requests since the last call.
func (e *env) queries() []url.Values {
	var out []url.Values
	for _, r := range e.rec.Take() {
		out = append(out, r.Values())
	}
	return out
}

func (e *env) streams(t *testing.T, o providers.Order, ps ...providers.Provider) []providers.Stream {
	t.Helper()
	q := providers.Query{Token: key, Order: o, Providers: ps}
	st, err := e.src.Streams(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	providers.SortStreams(st)
	return st
}

var (
	t0       = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	allSorts = []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated, providers.SortFullName}
	allDirs  = []providers.Direction{providers.Asc, providers.Desc}
)

// makeRepos returns n repositories of p with few distinct dates (so keys tie often), some without a
// push time, some names differing only in case, GitLab paths whose project names do not sort like
// the paths, and Bitbucket repositories spread over workspaces.
func makeRepos(p providers.Provider, n int, seed uint64) []providers.Repository {
	rng := rand.New(rand.NewPCG(seed, uint64(len(p))))
	out := make([]providers.Repository, n)
	at := func() *time.Time {
		t := t0.Add(time.Duration(rng.IntN(40)) * time.Hour)
		return &t
	}
	for i := range out {
		var owner, name, id string
		switch p {
		case providers.GitHub:
			owner = []string{"alice", "Bob-org", "carol"}[i%3]
			name = fmt.Sprintf("repo-%04d", i)
			id = fmt.Sprint(1000 + i)
		case providers.GitLab:
			owner = []string{"acme/web", "acme", "Zeta/tools/sub"}[i%3]
			name = fmt.Sprintf("proj-%04d-%d", (i*37)%max(n, 1), i)
			id = fmt.Sprint(50 + i)
		default:
			owner = []string{"ws-one", "ws-two"}[i%2]
			name = fmt.Sprintf("slug-%04d", i)
			id = fmt.Sprintf("{%08x-0000-4000-8000-000000000000}", i)
		}
		if rng.IntN(8) == 0 {
			name = "Up-" + name
		}
		r := providers.Repository{
			ForgeID: id, Provider: p, Name: name, NameWithOwner: owner + "/" + name, Owner: owner,
			IsPrivate: i%2 == 0, PushedAt: at(), UpdatedAt: at(), CreatedAt: at(),
			StargazerCount: ptr(i % 7), DefaultBranch: ptr("main"),
		}
		if rng.IntN(15) == 0 {
			r.PushedAt = nil
		}
		out[i] = r
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// wireView is what OpenHands passes on of r: no created/updated times.
func wireView(rs []providers.Repository) []providers.Repository {
	out := slices.Clone(rs)
	for i := range out {
		out[i].CreatedAt, out[i].UpdatedAt = nil, nil
	}
	return out
}

// expectedOrder is the order List promises over streams holding these repositories, each stream
// one provider sorted by o.Compare: the sort key, then the provider, then the stream's order.
func expectedOrder(o providers.Order, rs []providers.Repository) []string {
	c := slices.Clone(rs)
	slices.SortStableFunc(c, func(a, b providers.Repository) int {
		if k := o.CompareKey(&a, &b); k != 0 {
			return k
		}
		if a.Provider != b.Provider {
			if a.Provider < b.Provider {
				return -1
			}
			return 1
		}
		return o.Compare(&a, &b)
	})
	return identities(c)
}

// githubOrder is the order of one GitHub stream paged natively through OpenHands: GitHub's own, as
// its fake gives it (ties by repository id, not by forgegraph's full-path rule).
func githubOrder(o providers.Order, rs []providers.Repository) []string {
	c := slices.Clone(rs)
	slices.SortStableFunc(c, githubfake.Order(o))
	return identities(c)
}

func identities(rs []providers.Repository) []string {
	out := make([]string, len(rs))
	for i := range rs {
		out[i] = rs[i].Identity()
	}
	return out
}

// walk reads the whole list forward and backward with random page sizes and returns both.
func walk(t *testing.T, streams []providers.Stream, o providers.Order, seed uint64) (fwd, bwd []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	f, b := providertest.WalkBoth(t, streams, o, providertest.RandomSizes(rng.IntN, 64))
	return providertest.Identities(f), providertest.Identities(b)
}

func sameOrder(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d repositories, want %d", what, len(got), len(want))
	}
	seen := map[string]bool{}
	for i := range got {
		if seen[got[i]] {
			t.Fatalf("%s: %s shown twice", what, got[i])
		}
		seen[got[i]] = true
		if got[i] != want[i] {
			t.Fatalf("%s: position %d: got %s, want %s", what, i, got[i], want[i])
		}
	}
}

func ofProvider(rs []providers.Repository, p providers.Provider) []providers.Repository {
	var out []providers.Repository
	for _, r := range rs {
		if r.Provider == p {
			out = append(out, r)
		}
	}
	return out
}
