package loaders_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/graph/loaders"
	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

func decodeRefs(raw json.RawMessage) (any, error) {
	var p providers.ListPage[providers.Ref]
	err := json.Unmarshal(raw, &p)
	return p, err
}

// TestDetailsOncePerRequestAndCached: concurrent loads of one key in a request fetch once; the
// next request is answered from the cache; another credential's key is fetched again.
func TestDetailsOncePerRequestAndCached(t *testing.T) {
	c := cache.NewSealed[json.RawMessage](loaders.NewDetailCache(), cache.NewScopes(nil, 0))
	var fetches atomic.Int64
	fetch := func(context.Context) (any, error) {
		fetches.Add(1)
		return providers.ListPage[providers.Ref]{Items: []providers.Ref{{Name: "main"}}, Total: 1, LastIndex: -1}, nil
	}
	key := loaders.DetailKey{Source: "github", Cred: providers.HashToken("t1"), Repo: "GITHUB/o/r", Field: "branches"}
	ctx := context.Background()
	d := loaders.NewDetails(c, time.Minute)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := d.Load(ctx, key, "t1", fetch, decodeRefs)
			if err != nil || v.(providers.ListPage[providers.Ref]).Items[0].Name != "main" {
				t.Errorf("load: %v %v", v, err)
			}
		}()
	}
	wg.Wait()
	if n := fetches.Load(); n != 1 {
		t.Fatalf("%d fetches in one request", n)
	}
	v, err := loaders.NewDetails(c, time.Minute).Load(ctx, key, "t1", fetch, decodeRefs)
	if err != nil || fetches.Load() != 1 || v.(providers.ListPage[providers.Ref]).Items[0].Name != "main" {
		t.Fatalf("next request: %v %v, %d fetches", v, err, fetches.Load())
	}
	other := key
	other.Cred = providers.HashToken("t2")
	if _, err := loaders.NewDetails(c, time.Minute).Load(ctx, other, "t2", fetch, decodeRefs); err != nil || fetches.Load() != 2 {
		t.Fatalf("other credential: %v, %d fetches", err, fetches.Load())
	}
	// Errors are not cached.
	bad := key
	bad.Field = "tags"
	fail := func(context.Context) (any, error) { fetches.Add(1); return nil, fmt.Errorf("down") }
	for range 2 {
		if _, err := loaders.NewDetails(c, time.Minute).Load(ctx, bad, "t1", fail, decodeRefs); err == nil {
			t.Fatal("no error")
		}
	}
	if fetches.Load() != 4 {
		t.Fatalf("%d fetches: a failure was cached", fetches.Load())
	}
}

// TestDetailsBoundedPerSource: at most MaxDetailsInFlight reads of one source run at once.
func TestDetailsBoundedPerSource(t *testing.T) {
	d := loaders.NewDetails(nil, 0)
	ctx := context.Background()
	var inFlight, most atomic.Int64
	started := make(chan struct{})
	release := make(chan struct{})
	fetch := func(context.Context) (any, error) {
		n := inFlight.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		started <- struct{}{}
		<-release
		inFlight.Add(-1)
		return providers.ListPage[providers.Ref]{}, nil
	}
	const n = 3 * loaders.MaxDetailsInFlight
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := loaders.DetailKey{Source: "github", Repo: "GITHUB/o/r", Field: "branches", Page: i}
			if _, err := d.Load(ctx, key, "t", fetch, decodeRefs); err != nil {
				t.Error(err)
			}
		}()
	}
	for range loaders.MaxDetailsInFlight {
		<-started
	}
	// Each read released lets exactly one more start.
	for range n - loaders.MaxDetailsInFlight {
		release <- struct{}{}
		<-started
	}
	close(release)
	wg.Wait()
	if m := most.Load(); m != loaders.MaxDetailsInFlight {
		t.Fatalf("at most %d reads at once, want %d", m, loaders.MaxDetailsInFlight)
	}
}
