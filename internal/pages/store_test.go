package pages

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/cache/cachetest"
	"github.com/forgegraph/forgegraph/providers"
)

// stream is a test stream whose fetch is a function.
type stream struct {
	fetch func(ctx context.Context, i int, etag string) (providers.Page, error)
	calls atomic.Int64
}

func (s *stream) ID() string     { return "test|stream" }
func (s *stream) Key() string    { return "" }
func (s *stream) Source() string { return "test" }
func (s *stream) FetchPage(ctx context.Context, i int, etag string) (providers.Page, error) {
	s.calls.Add(1)
	return s.fetch(ctx, i, etag)
}

func newStore() (*Store, *time.Time) {
	st := New(cache.NewMemory[Entry](100), time.Minute, 10*time.Minute)
	now := time.Unix(1_000_000, 0)
	st.now = func() time.Time { return now }
	return st, &now
}

func TestFreshStaleAndRevalidated(t *testing.T) {
	st, now := newStore()
	var etags []string
	s := &stream{fetch: func(_ context.Context, i int, etag string) (providers.Page, error) {
		etags = append(etags, etag)
		if etag == `"v1"` {
			return providers.Page{}, providers.ErrNotModified
		}
		return providers.Page{Items: []providers.Repository{{ForgeID: "1"}}, ETag: `"v1"`, Total: 1}, nil
	}}
	ctx := userCtx()
	for i := 0; i < 3; i++ {
		if p, err := st.Fetch(ctx, s, 0); err != nil || len(p.Items) != 1 {
			t.Fatalf("fetch %d: %v", i, err)
		}
	}
	if s.calls.Load() != 1 {
		t.Fatalf("fresh page fetched %d times", s.calls.Load())
	}
	*now = now.Add(2 * time.Minute) // stale, still kept for revalidation
	p, err := st.Fetch(ctx, s, 0)
	if err != nil || len(p.Items) != 1 || s.calls.Load() != 2 || etags[1] != `"v1"` {
		t.Fatalf("revalidation: %v, calls %d, etags %q", err, s.calls.Load(), etags)
	}
	if _, _, reval := st.Stats(); reval != 1 {
		t.Fatalf("revalidated %d", reval)
	}
	if _, err := st.Fetch(ctx, s, 0); err != nil || s.calls.Load() != 2 {
		t.Fatal("a revalidated page is fresh again")
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	st, _ := newStore()
	fail := true
	s := &stream{fetch: func(context.Context, int, string) (providers.Page, error) {
		if fail {
			return providers.Page{}, providers.Errorf(providers.KindUnavailable, "test", "down")
		}
		return providers.Page{Total: 0}, nil
	}}
	if _, err := st.Fetch(userCtx(), s, 0); providers.KindOf(err) != providers.KindUnavailable {
		t.Fatal(err)
	}
	fail = false
	if _, err := st.Fetch(userCtx(), s, 0); err != nil || s.calls.Load() != 2 {
		t.Fatalf("after recovery: %v, calls %d", err, s.calls.Load())
	}
}

func TestConcurrentMissesFetchOnce(t *testing.T) {
	st, _ := newStore()
	release := make(chan struct{})
	s := &stream{fetch: func(ctx context.Context, i int, _ string) (providers.Page, error) {
		<-release
		return providers.Page{Total: 5}, nil
	}}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p, err := st.Fetch(userCtx(), s, 3); err != nil || p.Total != 5 {
				t.Errorf("%v %v", p, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if s.calls.Load() != 1 {
		t.Fatalf("%d upstream fetches for 20 concurrent misses", s.calls.Load())
	}
}

func TestFetchCanceledOnlyWhenEveryWaiterLeft(t *testing.T) {
	st, _ := newStore()
	canceled := make(chan struct{})
	release := make(chan struct{})
	s := &stream{fetch: func(ctx context.Context, i int, _ string) (providers.Page, error) {
		select {
		case <-ctx.Done():
			close(canceled)
			return providers.Page{}, ctx.Err()
		case <-release:
			return providers.Page{Total: 1}, nil
		}
	}}
	// Two waiters; the first leaves, the fetch goes on for the second.
	ctx1, cancel1 := context.WithCancel(userCtx())
	errs := make(chan error, 2)
	go func() { _, err := st.Fetch(ctx1, s, 0); errs <- err }()
	time.Sleep(20 * time.Millisecond)
	go func() { _, err := st.Fetch(userCtx(), s, 0); errs <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel1()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("first waiter: %v", err)
	}
	select {
	case <-canceled:
		t.Fatal("fetch canceled while a waiter remained")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-errs; err != nil {
		t.Fatalf("second waiter: %v", err)
	}
	// A lone waiter that leaves cancels the fetch.
	canceled2 := make(chan struct{})
	s2 := &stream{fetch: func(ctx context.Context, i int, _ string) (providers.Page, error) {
		<-ctx.Done()
		close(canceled2)
		return providers.Page{}, ctx.Err()
	}}
	ctx3, cancel3 := context.WithCancel(userCtx())
	go func() { time.Sleep(20 * time.Millisecond); cancel3() }()
	if _, err := st.Fetch(ctx3, s2, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("lone waiter: %v", err)
	}
	select {
	case <-canceled2:
	case <-time.After(2 * time.Second):
		t.Fatal("upstream fetch not canceled after its only waiter left")
	}
}

func TestReplicasShareOneFetch(t *testing.T) {
	shared := cachetest.NewShared[Entry](10)
	a, b := New(shared, time.Minute, 0), New(shared, time.Minute, 0)
	release := make(chan struct{})
	var calls atomic.Int64
	s := &stream{fetch: func(ctx context.Context, i int, _ string) (providers.Page, error) {
		calls.Add(1)
		<-release
		return providers.Page{Total: 7}, nil
	}}
	done := make(chan providers.Page, 2)
	go func() { p, _ := a.Fetch(userCtx(), s, 0); done <- p }()
	time.Sleep(30 * time.Millisecond) // replica a holds the lock and fetches
	go func() { p, _ := b.Fetch(userCtx(), s, 0); done <- p }()
	time.Sleep(30 * time.Millisecond)
	close(release)
	for i := 0; i < 2; i++ {
		if p := <-done; p.Total != 7 {
			t.Fatalf("page %+v", p)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("%d upstream fetches across two replicas", calls.Load())
	}
	if b.peers.Load() != 1 {
		t.Fatalf("replica b did not wait for a: peers %d", b.peers.Load())
	}
}

// userCtx is a request's context carrying a credential for the test source: pages are a user's
// data, kept per credential.
func userCtx() context.Context {
	return providers.WithCredentials(context.Background(), providers.Credentials{"test": "tok"})
}
