package cache

import (
	"context"
	"time"
)

// Locker is implemented by caches shared between processes (Redis). The page store takes the lock of
// a missing page before fetching it, so concurrent misses on several replicas cause one upstream
// request: the others wait for the value to appear.
type Locker interface {
	// Lock tries to take the lock named key for at most ttl; it reports whether it got it. An error
	// (the cache is unreachable) means the caller should go on without the lock.
	Lock(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Unlock releases a lock this process holds.
	Unlock(ctx context.Context, key string)
}

// Fill is the outcome of AwaitFill.
type Fill[V any] struct {
	// Value is the newest value seen under the key (zero when Seen is false).
	Value V
	// Seen reports whether any value was seen; Peer whether it was accepted, meaning another process
	// stored it meanwhile and the caller need not make it.
	Seen, Peer bool
	// Release gives up the fill lock this process holds, if any; call it after storing the value
	// made. Never nil.
	Release func()
}

// AwaitFill coordinates filling key in c, a value that is costly to make (an upstream page, a whole
// list), between processes sharing c. When c is not a Locker it looks in c once more (a fill in this
// process may have ended since the caller's miss) and returns: Peer when that value is accepted,
// else the caller makes the value. Otherwise it takes key's fill lock; while another process holds it, it polls c (10 ms
// doubling to 200 ms) until a value that accept (nil: any value) takes appears, for at most wait.
// It returns with Peer false, and the caller makes the value, when it holds the lock, when the
// cache cannot be reached, when ctx ends, or when the other process took too long. seen/last are
// the caller's newest value, if any.
func AwaitFill[V any](ctx context.Context, c Cache[V], key string, wait time.Duration, last V, seen bool, accept func(V) bool) Fill[V] {
	l, _ := c.(Locker)
	return awaitFill(ctx, l, func() (V, bool) { return c.Get(ctx, key) }, key, wait, last, seen, accept)
}

// awaitFill is AwaitFill over a Locker (nil: none) and a getter of key's value.
func awaitFill[V any](ctx context.Context, l Locker, get func() (V, bool), key string, wait time.Duration, last V, seen bool, accept func(V) bool) Fill[V] {
	f := Fill[V]{Value: last, Seen: seen, Release: func() {}}
	look := func() bool {
		if v, ok := get(); ok {
			f.Value, f.Seen = v, true
		}
		f.Peer = f.Seen && (accept == nil || accept(f.Value))
		return f.Peer
	}
	if l == nil {
		// No lock to share, but a fill in this process may have ended between the caller's miss
		// and now (after its in-flight entry was removed): look once more before fetching again.
		if v, ok := get(); ok && (accept == nil || accept(v)) {
			f.Value, f.Seen, f.Peer = v, true, true
		}
		return f
	}
	lockKey := "lock|" + key
	deadline := time.Now().Add(wait)
	for delay := 10 * time.Millisecond; ; delay = min(delay*2, 200*time.Millisecond) {
		got, err := l.Lock(ctx, lockKey, wait)
		if err != nil {
			return f
		}
		if got {
			// A process that held the lock stored its value before releasing it.
			if look() {
				l.Unlock(ctx, lockKey)
				return f
			}
			f.Release = func() { l.Unlock(ctx, lockKey) }
			return f
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return f
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return f
		case <-t.C:
		}
		if look() {
			return f
		}
	}
}

// GetOrMake returns key's value from c or, when c has none, makes it with build and keeps it for ttl.
// Processes sharing c make it once between them: one makes it while the others wait for it (see
// AwaitFill; wait bounds the wait). Errors of build are returned and nothing is kept.
func GetOrMake[V any](ctx context.Context, c Cache[V], key string, wait, ttl time.Duration, build func(context.Context) (V, error)) (V, error) {
	if v, ok := c.Get(ctx, key); ok {
		return v, nil
	}
	var zero V
	fill := AwaitFill(ctx, c, key, wait, zero, false, nil)
	if fill.Peer {
		return fill.Value, nil
	}
	defer fill.Release()
	v, err := build(ctx)
	if err != nil {
		return zero, err
	}
	c.Set(ctx, key, v, ttl)
	return v, nil
}
