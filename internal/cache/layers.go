package cache

import (
	"context"
	"sync/atomic"
	"time"
)

// Plain stores C's values as no user's data: it drops the secret from the context, so a shared cache
// keeps them unsealed and every request can read them, whatever credential it carries (rate-limit
// state, which forge clients set while fetching a user's pages and Viewer.rateLimit reads without).
type Plain[V any] struct{ C Cache[V] }

// Get implements Cache.
func (p Plain[V]) Get(ctx context.Context, key string) (V, bool) {
	return p.C.Get(WithSecret(ctx, ""), key)
}

// Set implements Cache.
func (p Plain[V]) Set(ctx context.Context, key string, v V, ttl time.Duration) {
	p.C.Set(WithSecret(ctx, ""), key, v, ttl)
}

// Tiered keeps values in this process's memory in front of a shared cache: a Get is answered from
// memory when it can, else from the shared cache (the value is then kept in memory for at most
// NearTTL); a Set goes to both. It suits large values that do not change while cached (whole lists
// for local sorts): each page of a walk reads memory, not Redis, and a Redis outage does not make
// every page re-read a whole list. Its locks are Far's (see Locker).
type Tiered[V any] struct {
	Near         *Memory[V]
	Far          Cache[V]
	NearTTL      time.Duration
	hits, misses atomic.Int64
}

// Get implements Cache.
func (t *Tiered[V]) Get(ctx context.Context, key string) (V, bool) {
	if v, ok := t.Near.Get(ctx, key); ok {
		t.hits.Add(1)
		return v, true
	}
	v, ok := t.Far.Get(ctx, key)
	if !ok {
		t.misses.Add(1)
		return v, false
	}
	t.hits.Add(1)
	t.Near.Set(ctx, key, v, t.NearTTL)
	return v, true
}

// Set implements Cache.
func (t *Tiered[V]) Set(ctx context.Context, key string, v V, ttl time.Duration) {
	t.Near.Set(ctx, key, v, ttl)
	t.Far.Set(ctx, key, v, ttl)
}

// Lock implements Locker with Far's lock; when Far is not a Locker there is no other process to wait
// for, and every lock is granted.
func (t *Tiered[V]) Lock(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if l, ok := t.Far.(Locker); ok {
		return l.Lock(ctx, key, ttl)
	}
	return true, nil
}

// Unlock implements Locker.
func (t *Tiered[V]) Unlock(ctx context.Context, key string) {
	if l, ok := t.Far.(Locker); ok {
		l.Unlock(ctx, key)
	}
}

// Stats returns the number of hits (in either tier) and misses so far.
func (t *Tiered[V]) Stats() (hits, misses int64) { return t.hits.Load(), t.misses.Load() }

// Fallback is a Redis cache with this process's memory behind it. While Redis answers, Gets read
// Redis alone (so replicas see each other's values and a stale copy in memory is never preferred);
// while it does not (an error, or the pause after one), Gets read memory. Sets go to both, so memory
// holds recent values when an outage starts: a replica then behaves as one without REDIS_URL, not as
// one without any cache (which would multiply upstream requests and forget spent rate limits). Locks
// are Redis's.
type Fallback[V any] struct {
	Shared       *Redis[V]
	Local        *Memory[V]
	hits, misses atomic.Int64
}

// Get implements Cache.
func (f *Fallback[V]) Get(ctx context.Context, key string) (V, bool) {
	v, ok, err := f.Shared.lookup(ctx, key)
	if err != nil {
		v, ok = f.Local.Get(ctx, key)
	}
	if ok {
		f.hits.Add(1)
	} else {
		f.misses.Add(1)
	}
	return v, ok
}

// Set implements Cache.
func (f *Fallback[V]) Set(ctx context.Context, key string, v V, ttl time.Duration) {
	f.Local.Set(ctx, key, v, ttl)
	f.Shared.Set(ctx, key, v, ttl)
}

// Lock implements Locker.
func (f *Fallback[V]) Lock(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return f.Shared.Lock(ctx, key, ttl)
}

// Unlock implements Locker.
func (f *Fallback[V]) Unlock(ctx context.Context, key string) { f.Shared.Unlock(ctx, key) }

// Stats returns the number of hits (in Redis, or in memory during outages) and misses so far.
func (f *Fallback[V]) Stats() (hits, misses int64) { return f.hits.Load(), f.misses.Load() }

// Checked passes every value C's Get returns through Check, which returns the value to use (it may
// correct it) or false to treat it as a miss. It is for values a shared cache keeps unsealed
// (Plain): whoever can write to Redis can write them, so what is read is bounded before it is
// trusted. A nil Check accepts everything. Sets go to C unchanged.
type Checked[V any] struct {
	C     Cache[V]
	Check func(V) (V, bool)
}

// Get implements Cache.
func (c Checked[V]) Get(ctx context.Context, key string) (V, bool) {
	v, ok := c.C.Get(ctx, key)
	if !ok || c.Check == nil {
		return v, ok
	}
	return c.Check(v)
}

// Set implements Cache.
func (c Checked[V]) Set(ctx context.Context, key string, v V, ttl time.Duration) {
	c.C.Set(ctx, key, v, ttl)
}
