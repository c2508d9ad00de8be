package providers

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestKeptFetchesOncePerCredential: concurrent callers of one credential share one fetch, a later
// caller finds the answer kept, another credential fetches its own, and an error is not kept.
func TestKeptFetchesOncePerCredential(t *testing.T) {
	k := NewKept[[]string](0, time.Minute)
	var calls atomic.Int32
	release, started := make(chan struct{}), make(chan struct{}, 8)
	fetch := func(context.Context) ([]string, error) {
		calls.Add(1)
		started <- struct{}{}
		<-release
		return []string{"acme"}, nil
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := k.Get(ctx, "gitea", "tok", "orgs", fetch); err != nil || len(v) != 1 {
				t.Errorf("%v %v", v, err)
			}
		}()
	}
	<-started // the first caller is in fetch; the others wait on its flight or find its answer kept
	close(release)
	wg.Wait()
	if _, err := k.Get(ctx, "gitea", "tok", "orgs", fetch); err != nil || calls.Load() != 1 {
		t.Fatalf("after the flight: %v, %d fetches, want 1", err, calls.Load())
	}
	if _, err := k.Get(ctx, "gitea", "other", "orgs", fetch); err != nil || calls.Load() != 2 {
		t.Fatalf("another credential: %v, %d fetches, want 2", err, calls.Load())
	}
	boom := errors.New("boom")
	failing := func(context.Context) ([]string, error) { calls.Add(1); return nil, boom }
	for range 2 {
		if _, err := k.Get(ctx, "gitea", "third", "orgs", failing); !errors.Is(err, boom) {
			t.Fatalf("error: %v", err)
		}
	}
	if calls.Load() != 4 {
		t.Fatalf("an error was kept: %d fetches, want 4", calls.Load())
	}
}
