package cache

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// Sealed keeps a user's values (pages, whole lists, lookups, workspace listings): every method
// takes the source and the credential (token) the value belongs to, explicitly. The token seals the
// value in a backend that leaves the process, and the scope's generation (see Scopes) is folded into
// the key, so Scopes.Invalidate makes all of a scope's values unreachable at once. A value given no
// credential is refused: Set stores nothing, counts it (Refused) and logs an error, Get is a miss.
// Sealed offers no way to reach its backend, so code holding one cannot write a value unsealed.
// Keys never hold the token (callers put a credential hash in them). Build it with NewSealed; it is
// safe for concurrent use.
type Sealed[V any] struct {
	b       Backend[V]
	scopes  *Scopes
	refused atomic.Int64
}

// NewSealed returns a Sealed over b whose generations are s's; nil s means generations of its own in
// memory (NewScopes(nil, 0)). Caches that must be invalidated together share one Scopes.
func NewSealed[V any](b Backend[V], s *Scopes) *Sealed[V] {
	if s == nil {
		s = NewScopes(nil, 0)
	}
	return &Sealed[V]{b: b, scopes: s}
}

// Scopes returns the generations the cache's keys carry.
func (c *Sealed[V]) Scopes() *Scopes { return c.scopes }

// Refused returns how many values were not kept because no credential was given.
func (c *Sealed[V]) Refused() int64 { return c.refused.Load() }

// Generation returns the current generation of the scope of source and token ("" while never
// invalidated; see Scopes.Generation). Callers that share in-flight work between requests fold it
// into the work's key, so a request that begins after an invalidation never joins a fetch that
// began before it.
func (c *Sealed[V]) Generation(ctx context.Context, source, token string) string {
	return c.scopes.Generation(ctx, source, token)
}

// At returns the cache pinned to the scope of source and token at its current generation: what one
// operation (a fetch, a lookup) uses from its start to its end, so that a value it made from what it
// read before an invalidation is never kept under the generation that came after it.
func (c *Sealed[V]) At(ctx context.Context, source, token string) Scoped[V] {
	s := Scoped[V]{c: c, source: source, token: token}
	if token != "" {
		s.gen = c.scopes.Generation(ctx, source, token)
	}
	return s
}

// Get returns the value kept under key for source and token; false when none, or when token is
// empty.
func (c *Sealed[V]) Get(ctx context.Context, source, token, key string) (V, bool) {
	return c.At(ctx, source, token).Get(ctx, key)
}

// Set keeps v under key for source and token, for ttl. An empty token stores nothing: it is counted
// (Refused) and logged as an error.
func (c *Sealed[V]) Set(ctx context.Context, source, token, key string, v V, ttl time.Duration) {
	c.At(ctx, source, token).Set(ctx, key, v, ttl)
}

// Delete removes the value kept under key for source and token in the scope's current generation.
func (c *Sealed[V]) Delete(ctx context.Context, source, token, key string) {
	c.At(ctx, source, token).Delete(ctx, key)
}

// GetOrMake returns key's value for source and token or, when none is kept, makes it with build and
// keeps it for ttl, in the generation current when it was called; processes sharing the backend
// make it once between them (wait bounds the wait for another's). Errors of build are returned and
// nothing is kept. With an empty token the value is made and not kept (refused as by Set).
func (c *Sealed[V]) GetOrMake(ctx context.Context, source, token, key string, wait, ttl time.Duration, build func(context.Context) (V, error)) (V, error) {
	sc := c.At(ctx, source, token)
	if v, ok := sc.Get(ctx, key); ok {
		return v, nil
	}
	var zero V
	fill := sc.AwaitFill(ctx, key, wait, zero, false, nil)
	if fill.Peer {
		return fill.Value, nil
	}
	defer fill.Release()
	v, err := build(ctx)
	if err != nil {
		return zero, err
	}
	sc.Set(ctx, key, v, ttl)
	return v, nil
}

// Scoped is a Sealed cache pinned to one scope at one generation (see Sealed.At). An empty token
// keeps nothing, as Sealed.
type Scoped[V any] struct {
	c                  *Sealed[V]
	source, token, gen string
}

// Generation is the generation the cache is pinned to ("" while never invalidated). Callers that
// share in-flight work between requests fold it into the work's key, so a request that begins
// after an invalidation never joins work that began before it.
func (s Scoped[V]) Generation() string { return s.gen }

// key is key within the pinned generation.
func (s Scoped[V]) key(key string) string {
	if s.gen != "" {
		return key + "|g" + s.gen
	}
	return key
}

// Get returns the value kept under key; false when none, or when the token is empty.
func (s Scoped[V]) Get(ctx context.Context, key string) (V, bool) {
	if s.token == "" {
		var zero V
		return zero, false
	}
	return s.c.b.GetSealed(ctx, s.token, s.key(key))
}

// Set keeps v under key for ttl, sealed with the token; with an empty token it is refused (see
// Sealed.Set).
func (s Scoped[V]) Set(ctx context.Context, key string, v V, ttl time.Duration) {
	if s.token == "" {
		s.c.refuse(ctx, s.source)
		return
	}
	s.c.b.SetSealed(ctx, s.token, s.key(key), v, ttl)
}

// Delete removes the value kept under key.
func (s Scoped[V]) Delete(ctx context.Context, key string) {
	if s.token != "" {
		s.c.b.Delete(ctx, s.key(key))
	}
}

// AwaitFill is the package's AwaitFill for key (see there). With an empty token there is nothing to
// wait for: it returns at once.
func (s Scoped[V]) AwaitFill(ctx context.Context, key string, wait time.Duration, last V, seen bool, accept func(V) bool) Fill[V] {
	k := s.key(key)
	l, _ := s.c.b.(Locker)
	if s.token == "" {
		l = nil
	}
	return awaitFill(ctx, l, func() (V, bool) { return s.Get(ctx, key) }, k, wait, last, seen, accept)
}

var lastRefusalLog atomic.Int64

func (c *Sealed[V]) refuse(ctx context.Context, source string) {
	c.refused.Add(1)
	if logLimit(&lastRefusalLog) {
		slog.Default().ErrorContext(ctx, "a value was not cached: it was offered without the credential it was fetched with, so there is nothing to seal it with (the caller must pass that token)",
			"source", source)
	}
}
