package loaders_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/graph/loaders"
	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// batcher is a providers.DetailBatcher over made-up values: repository r's branch count is
// len(r.NameWithOwner), its languages one language named after it. It records each call's
// repositories; fail makes every answer that error; missing makes that repository KindNotFound.
type batcher struct {
	mu      sync.Mutex
	calls   [][]string
	fail    error
	missing string
}

func (b *batcher) BatchesDetail(field string) bool {
	return field == providers.BatchLanguages || field == providers.BatchBranchCount
}

func (b *batcher) BatchDetails(_ context.Context, _ string, reqs []providers.DetailRequest) []providers.DetailResult {
	b.mu.Lock()
	var repos []string
	for _, r := range reqs {
		if !slices.Contains(repos, r.Repo.NameWithOwner) {
			repos = append(repos, r.Repo.NameWithOwner)
		}
	}
	b.calls = append(b.calls, repos)
	fail, missing := b.fail, b.missing
	b.mu.Unlock()
	out := make([]providers.DetailResult, len(reqs))
	for i, r := range reqs {
		switch {
		case fail != nil:
			out[i].Err = fail
		case r.Repo.NameWithOwner == missing:
			out[i].Err = providers.Errorf(providers.KindNotFound, "github", "no %s", missing)
		case r.Field == providers.BatchLanguages:
			out[i].Value = langsOf(r.Repo)
		default:
			out[i].Value = len(r.Repo.NameWithOwner)
		}
	}
	return out
}

func (b *batcher) callRepos() [][]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.calls)
}

func langsOf(r *providers.Repository) []providers.Language {
	size := int64(len(r.NameWithOwner))
	return []providers.Language{{Name: "L-" + r.NameWithOwner, Size: &size, Percentage: 100}}
}

func decodeAs[T any](raw json.RawMessage) (any, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}

// loadAll loads the languages and the branch count of n repositories through d, all at once (one
// goroutine each, as resolvers do), fetch being the per-key read (which must not be called), and
// returns the values by key.
func loadAll(t *testing.T, d *loaders.Details, b *batcher, n int) (map[loaders.DetailKey]any, map[loaders.DetailKey]error) {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	vals, errs := map[loaders.DetailKey]any{}, map[loaders.DetailKey]error{}
	var wg sync.WaitGroup
	for i := range n {
		repo := &providers.Repository{Provider: providers.GitHub, NameWithOwner: fmt.Sprintf("o/repo-%02d", i)}
		for _, field := range []string{providers.BatchLanguages, providers.BatchBranchCount} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				key := loaders.DetailKey{Source: "github", Cred: providers.HashToken("t"), Repo: repo.Identity(), Field: field}
				decode := decodeAs[int]
				if field == providers.BatchLanguages {
					decode = decodeAs[[]providers.Language]
				}
				fetch := func(context.Context) (any, error) {
					t.Errorf("per-key fetch of %v called", key)
					return nil, fmt.Errorf("per-key fetch")
				}
				var bt loaders.Batched
				if b != nil {
					bt = loaders.Batched{Batcher: b, Request: providers.DetailRequest{Repo: repo, Field: field}}
				}
				v, err := d.LoadBatched(ctx, key, "t", bt, fetch, decode)
				mu.Lock()
				vals[key], errs[key] = v, err
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	return vals, errs
}

// TestBatchedDetails: the languages and branch counts of 30 repositories, loaded concurrently,
// are read with two BatchDetails calls (25 + 5 repositories, each repository's keys in one call)
// and no per-key fetch; the values are cached under the keys the per-key path uses, in the JSON
// it decodes, so a second request over the same cache asks nothing; one repository the forge does
// not find fails its keys only.
func TestBatchedDetails(t *testing.T) {
	c := cache.NewSealed[json.RawMessage](loaders.NewDetailCache(), cache.NewScopes(nil, 0))
	b := &batcher{missing: "o/repo-07"}
	vals, errs := loadAll(t, loaders.NewDetails(c, time.Minute), b, 30)
	calls := b.callRepos()
	// Normally 25 + 5; a goroutine that starts after BatchWindow makes another call, so what is
	// checked is the bound and that each repository is asked in one call only.
	var asked []string
	for _, c := range calls {
		if len(c) > providers.MaxBatchDetails {
			t.Errorf("a BatchDetails call with %d repositories", len(c))
		}
		asked = append(asked, c...)
	}
	slices.Sort(asked)
	if len(calls) < 2 || len(asked) != 30 || len(slices.Compact(asked)) != 30 {
		t.Fatalf("BatchDetails calls with %v repositories, want each of 30 in one call, at most 25 a call", calls)
	}
	n := len(calls)
	for k, v := range vals {
		repo := &providers.Repository{Provider: providers.GitHub, NameWithOwner: k.Repo[len("GITHUB/"):]}
		if repo.NameWithOwner == "o/repo-07" {
			if providers.KindOf(errs[k]) != providers.KindNotFound {
				t.Errorf("%v: %v, want NOT_FOUND", k, errs[k])
			}
			continue
		}
		if errs[k] != nil {
			t.Fatalf("%v: %v", k, errs[k])
		}
		want := any(len(repo.NameWithOwner))
		if k.Field == providers.BatchLanguages {
			want = langsOf(repo)
		}
		if !reflect.DeepEqual(v, want) {
			t.Errorf("%v = %#v, want %#v", k, v, want)
		}
	}
	// Another request: from the cache, with the per-key decode, nothing asked (the failed
	// repository aside, which is asked again alone).
	vals2, errs2 := loadAll(t, loaders.NewDetails(c, time.Minute), b, 30)
	calls = b.callRepos()
	if len(calls) == n {
		t.Fatal("warm request did not ask the failed repository again")
	}
	for _, c := range calls[n:] {
		if !slices.Equal(c, []string{"o/repo-07"}) {
			t.Fatalf("warm request asked %v", calls[n:])
		}
	}
	for k, v := range vals {
		if !reflect.DeepEqual(vals2[k], v) || (errs2[k] == nil) != (errs[k] == nil) {
			t.Errorf("warm %v = %v %v, cold %v %v", k, vals2[k], errs2[k], v, errs[k])
		}
	}
}

// TestBatchedDetailsStaleIfError: when the batched read fails in a way a stale copy may answer
// (5xx), each key is answered from its own stale copy; a key without one keeps the error.
func TestBatchedDetailsStaleIfError(t *testing.T) {
	c := cache.NewSealed[json.RawMessage](loaders.NewDetailCache(), cache.NewScopes(nil, 0))
	// Fresh entries expire at once; stale copies live an hour.
	o := loaders.DetailOptions{Cache: c, TTL: time.Nanosecond, StaleIfError: time.Hour}
	details := func() *loaders.Details {
		var d *loaders.Details
		loaders.DetailMiddlewareWith(o, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			d = loaders.DetailsFor(r.Context())
		})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
		return d
	}
	b := &batcher{}
	cold, errs := loadAll(t, details(), b, 3)
	for k, err := range errs {
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
	}
	b.mu.Lock()
	b.fail = providers.Errorf(providers.KindUnavailable, "github", "HTTP 502")
	b.mu.Unlock()
	before := len(b.callRepos())
	vals, errs := loadAll(t, details(), b, 4)
	if len(b.callRepos()) == before {
		t.Fatal("no BatchDetails call: the fresh copies should have expired")
	}
	for k, v := range vals {
		if _, had := cold[k]; had {
			if errs[k] != nil || !reflect.DeepEqual(v, cold[k]) {
				t.Errorf("%v: %v %v, want the stale %v", k, v, errs[k], cold[k])
			}
		} else if providers.KindOf(errs[k]) != providers.KindUnavailable {
			t.Errorf("%v without a stale copy: %v, want UPSTREAM_UNAVAILABLE", k, errs[k])
		}
	}
}

// TestBatchedDetailsHoldOneSlot: a BatchDetails call holds one of its source's
// MaxDetailsInFlight slots: with every other slot taken by per-key reads, it still runs.
func TestBatchedDetailsHoldOneSlot(t *testing.T) {
	d := loaders.NewDetails(nil, 0)
	ctx := context.Background()
	started := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := range loaders.MaxDetailsInFlight - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := loaders.DetailKey{Source: "github", Repo: "GITHUB/o/r", Field: "teams", Page: i}
			d.Load(ctx, key, "t", func(context.Context) (any, error) {
				started <- struct{}{}
				<-release
				return providers.ListPage[providers.Team]{}, nil
			}, decodeAs[providers.ListPage[providers.Team]])
		}()
	}
	for range loaders.MaxDetailsInFlight - 1 {
		<-started
	}
	b := &batcher{}
	_, errs := loadAll(t, d, b, 2)
	close(release)
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			t.Errorf("%v: %v", k, err)
		}
	}
	if len(b.callRepos()) == 0 {
		t.Fatal("no BatchDetails call")
	}
}
