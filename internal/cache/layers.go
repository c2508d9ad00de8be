package cache

import (
	"context"
	"sync/atomic"
	"time"
)

// Plain is a Cache restricted to values that are no user's data (rate-limit state, persisted
// queries): it offers only Cache's methods, which keep values unsealed, so a shared cache keeps them
// readable by every request whatever credential it carries. A user's data goes through Sealed.
type Plain[V any] struct{ C Cache[V] }

// Get implements Cache.
func (p Plain[V]) Get(ctx context.Context, key string) (V, bool) { return p.C.Get(ctx, key) }

// Set implements Cache.
func (p Plain[V]) Set(ctx context.Context, key string, v V, ttl time.Duration) {
	p.C.Set(ctx, key, v, ttl)
}

// Delete implements Cache.
func (p Plain[V]) Delete(ctx context.Context, key string) { p.C.Delete(ctx, key) }

// Tiered keeps values in this process's memory in front of a shared cache: a Get is answered from
// memory when it can, else from the shared cache (the value is then kept in memory for at most
// NearTTL); a Set goes to both. It suits large values that do not change while cached (whole lists
// for local sorts): each page of a walk reads memory, not Redis, and a Redis outage does not make
// every page re-read a whole list. Its locks are Far's (see Locker). A Delete reaches this process's
// memory and the shared cache, not other processes' memory: what must become unreachable on every
// replica is made so by Scopes, whose generation is part of the key.
type Tiered[V any] struct {
	Near         *Memory[V]
	Far          Backend[V]
	NearTTL      time.Duration
	hits, misses atomic.Int64
}

// Get implements Cache.
func (t *Tiered[V]) Get(ctx context.Context, key string) (V, bool) {
	return t.get(ctx, key, func() (V, bool) { return t.Far.Get(ctx, key) })
}

// GetSealed implements Backend.
func (t *Tiered[V]) GetSealed(ctx context.Context, secret, key string) (V, bool) {
	return t.get(ctx, key, func() (V, bool) { return t.Far.GetSealed(ctx, secret, key) })
}

func (t *Tiered[V]) get(ctx context.Context, key string, far func() (V, bool)) (V, bool) {
	if v, ok := t.Near.Get(ctx, key); ok {
		t.hits.Add(1)
		return v, true
	}
	v, ok := far()
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

// SetSealed implements Backend.
func (t *Tiered[V]) SetSealed(ctx context.Context, secret, key string, v V, ttl time.Duration) {
	t.Near.Set(ctx, key, v, ttl)
	t.Far.SetSealed(ctx, secret, key, v, ttl)
}

// Delete implements Cache.
func (t *Tiered[V]) Delete(ctx context.Context, key string) {
	t.Near.Delete(ctx, key)
	t.Far.Delete(ctx, key)
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
// while it does not (an error, or the pause after one), Gets read memory. Sets and Deletes go to
// both, so memory holds recent values when an outage starts: a replica then behaves as one without
// REDIS_URL, not as one without any cache (which would multiply upstream requests and forget spent
// rate limits). Locks are Redis's.
type Fallback[V any] struct {
	Shared       *Redis[V]
	Local        *Memory[V]
	hits, misses atomic.Int64
}

// Get implements Cache.
func (f *Fallback[V]) Get(ctx context.Context, key string) (V, bool) {
	return f.GetSealed(ctx, "", key)
}

// GetSealed implements Backend ("" reads an unsealed value, as Get).
func (f *Fallback[V]) GetSealed(ctx context.Context, secret, key string) (V, bool) {
	v, ok, err := f.Shared.lookup(ctx, secret, key)
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

// SetSealed implements Backend.
func (f *Fallback[V]) SetSealed(ctx context.Context, secret, key string, v V, ttl time.Duration) {
	f.Local.Set(ctx, key, v, ttl)
	f.Shared.SetSealed(ctx, secret, key, v, ttl)
}

// Delete implements Cache.
func (f *Fallback[V]) Delete(ctx context.Context, key string) {
	f.Local.Delete(ctx, key)
	f.Shared.Delete(ctx, key)
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
// trusted. A nil Check accepts everything. Sets and Deletes go to C unchanged.
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

// Delete implements Cache.
func (c Checked[V]) Delete(ctx context.Context, key string) { c.C.Delete(ctx, key) }
