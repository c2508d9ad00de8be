package cache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/cache/cachetest"
)

func TestAwaitFillWithoutLocker(t *testing.T) {
	m := cache.NewMemory[int](4)
	f := cache.AwaitFill[int](context.Background(), m, "k", time.Second, 3, true, nil)
	if f.Peer || !f.Seen || f.Value != 3 {
		t.Fatalf("a cache without locks: %+v, want the caller's own value back and Peer false", f)
	}
	f.Release() // never nil
}

// TestAwaitFillWithoutLockerSeesAFinishedFill: a fill in this process that ended between the
// caller's miss and its AwaitFill is taken, not made again (CI saw 10 concurrent lookups make 2
// fetches when this looked nowhere).
func TestAwaitFillWithoutLockerSeesAFinishedFill(t *testing.T) {
	ctx := context.Background()
	m := cache.NewMemory[int](4)
	m.Set(ctx, "k", 7, time.Minute)
	if f := cache.AwaitFill[int](ctx, m, "k", time.Second, 0, false, nil); !f.Peer || f.Value != 7 {
		t.Fatalf("a value already kept: %+v, want it taken (Peer true, 7)", f)
	}
	old := func(v int) bool { return v != 7 }
	if f := cache.AwaitFill(ctx, m, "k", time.Second, 0, false, old); f.Peer {
		t.Fatalf("a kept value accept refuses: %+v, want Peer false", f)
	}
}

func TestAwaitFillWaitsForTheHolder(t *testing.T) {
	ctx := context.Background()
	c := cachetest.NewShared[int](4)
	first := cache.AwaitFill[int](ctx, c, "k", time.Second, 0, false, nil)
	if first.Peer {
		t.Fatal("the first process found a value that was never stored")
	}
	go func() {
		time.Sleep(40 * time.Millisecond)
		c.Set(ctx, "k", 7, time.Minute)
		first.Release()
	}()
	second := cache.AwaitFill[int](ctx, c, "k", 5*time.Second, 0, false, nil)
	if !second.Peer || second.Value != 7 {
		t.Fatalf("the second process: %+v, want Peer with the first one's value 7", second)
	}
	second.Release()
	if ok, _ := c.Lock(ctx, "lock|k", time.Second); !ok {
		t.Fatal("the fill lock is still held after both processes finished")
	}
}

func TestAwaitFillRefusedValue(t *testing.T) {
	ctx := context.Background()
	c := cachetest.NewShared[int](4)
	c.Set(ctx, "k", 1, time.Minute) // stale: accept refuses it
	fresh := func(v int) bool { return v >= 10 }
	f := cache.AwaitFill(ctx, c, "k", time.Second, 0, false, fresh)
	if f.Peer || !f.Seen || f.Value != 1 {
		t.Fatalf("got %+v, want the stale value seen but not accepted", f)
	}
	if ok, _ := c.Lock(ctx, "lock|k", time.Second); ok {
		t.Fatal("the caller was told to make the value but does not hold the lock")
	}
	f.Release()
}

func TestAwaitFillGivesUp(t *testing.T) {
	ctx := context.Background()
	c := cachetest.NewShared[int](4)
	if ok, _ := c.Lock(ctx, "lock|k", time.Minute); !ok {
		t.Fatal("lock")
	}
	start := time.Now()
	f := cache.AwaitFill[int](ctx, c, "k", 100*time.Millisecond, 0, false, nil)
	if f.Peer || f.Seen {
		t.Fatalf("got %+v with nothing stored", f)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Fatalf("gave up after %v, before the wait of 100ms", waited)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if f := cache.AwaitFill[int](cctx, c, "k", time.Minute, 0, false, nil); f.Peer {
		t.Fatalf("a canceled wait: %+v", f)
	}
}

func TestGetOrMake(t *testing.T) {
	ctx := context.Background()
	c := cachetest.NewShared[int](4)
	builds := 0
	build := func(v int, err error) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { builds++; return v, err }
	}
	if _, err := cache.GetOrMake(ctx, c, "k", time.Second, time.Minute, build(0, errors.New("down"))); err == nil {
		t.Fatal("the build's error was not returned")
	}
	if _, ok := c.Get(ctx, "k"); ok {
		t.Fatal("a failed build was kept")
	}
	if v, err := cache.GetOrMake(ctx, c, "k", time.Second, time.Minute, build(5, nil)); err != nil || v != 5 {
		t.Fatalf("got %d, %v", v, err)
	}
	if v, _ := cache.GetOrMake(ctx, c, "k", time.Second, time.Minute, build(6, nil)); v != 5 || builds != 2 {
		t.Fatalf("a kept value was built again: %d after %d builds", v, builds)
	}
	if ok, _ := c.Lock(ctx, "lock|k", time.Second); !ok {
		t.Fatal("the fill lock outlived the build")
	}
}
