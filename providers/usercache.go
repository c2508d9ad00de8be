package providers

import (
	"context"
	"sync"
	"time"
)

// UserCache is what the domain needs from a cache of a user's data (whole lists for local sorts,
// workspace listings): every method takes the source and the credential (token) the value belongs
// to, so a cache that leaves the process can seal the value with it and invalidate all of a
// credential's values at once; a value given an empty token is not kept. Keys never hold a token
// (callers put HashToken in them). internal/cache.Sealed implements it; NewMemoryCache is an
// in-process one for when no cache is configured.
type UserCache[V any] interface {
	// Get returns the value kept under key for source and token; false when none.
	Get(ctx context.Context, source, token, key string) (V, bool)
	// Set keeps v under key for source and token for ttl.
	Set(ctx context.Context, source, token, key string, v V, ttl time.Duration)
	// GetOrMake returns the value kept under key or makes it with build and keeps it for ttl;
	// processes sharing the cache make it once between them (waiting at most wait for another's).
	// build's errors are returned and nothing is kept.
	GetOrMake(ctx context.Context, source, token, key string, wait, ttl time.Duration, build func(context.Context) (V, error)) (V, error)
	// Generation returns a string that changes whenever the credential's values for source are
	// invalidated ("" while never). Callers fold it into the keys of work they share between
	// concurrent requests, so a request that begins after an invalidation never joins work that
	// began before it.
	Generation(ctx context.Context, source, token string) string
}

// memoryCache is an in-process UserCache of at most n values; the oldest written goes first.
type memoryCache[V any] struct {
	mu sync.Mutex
	n  int
	m  map[string]memoryEntry[V]
}

type memoryEntry[V any] struct {
	v       V
	expires time.Time
}

// NewMemoryCache returns an in-process UserCache holding at most n values (at least 1): when full,
// expired values go first, then the one that expires soonest. Values stay in the process, so they
// are kept as they are, per source, credential hash and key.
func NewMemoryCache[V any](n int) UserCache[V] {
	return &memoryCache[V]{n: max(n, 1), m: map[string]memoryEntry[V]{}}
}

func memoryKey(source, token, key string) string {
	return source + "|" + HashToken(token) + "|" + key
}

func (c *memoryCache[V]) Get(_ context.Context, source, token, key string) (V, bool) {
	var zero V
	if token == "" {
		return zero, false
	}
	k := memoryKey(source, token, key)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !time.Now().Before(e.expires) {
		return zero, false
	}
	return e.v, true
}

func (c *memoryCache[V]) Set(_ context.Context, source, token, key string, v V, ttl time.Duration) {
	if token == "" || ttl <= 0 {
		return
	}
	k := memoryKey(source, token, key)
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.n {
		oldest, first := "", true
		for mk, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, mk)
				continue
			}
			if first || e.expires.Before(c.m[oldest].expires) {
				oldest, first = mk, false
			}
		}
		if len(c.m) >= c.n {
			delete(c.m, oldest)
		}
	}
	c.m[k] = memoryEntry[V]{v: v, expires: now.Add(ttl)}
}

func (c *memoryCache[V]) GetOrMake(ctx context.Context, source, token, key string, _, ttl time.Duration, build func(context.Context) (V, error)) (V, error) {
	if v, ok := c.Get(ctx, source, token, key); ok {
		return v, nil
	}
	v, err := build(ctx)
	if err == nil {
		c.Set(ctx, source, token, key, v, ttl)
	}
	return v, err
}

// Generation implements UserCache: values in this process's memory are never invalidated.
func (c *memoryCache[V]) Generation(context.Context, string, string) string { return "" }

// flight runs one call per key for every caller that wants it at the same time (what
// golang.org/x/sync/singleflight does, kept here so the domain needs only the standard library).
type flight struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done chan struct{}
	v    any
	err  error
}

// do runs fn for key unless a call for key is running, in which case it waits for that call's
// result.
func (f *flight) do(key string, fn func() (any, error)) (any, error) {
	f.mu.Lock()
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		<-c.done
		return c.v, c.err
	}
	if f.calls == nil {
		f.calls = map[string]*flightCall{}
	}
	c := &flightCall{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.v, c.err = fn()
	return c.v, c.err
}
