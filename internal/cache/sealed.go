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
// credential is refused: Set stores nothing and logs an error (it is a caller's bug), Get is a miss.
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

// Backend returns the cache the values are kept in.
func (c *Sealed[V]) Backend() Backend[V] { return c.b }

// Refused returns how many values were not kept because no credential was given.
func (c *Sealed[V]) Refused() int64 { return c.refused.Load() }

// key is key within the scope's current generation.
func (c *Sealed[V]) key(ctx context.Context, source, token, key string) string {
	if g := c.scopes.Generation(ctx, source, token); g != "" {
		return key + "|g" + g
	}
	return key
}

// Get returns the value kept under key for source and token; false when none, or when token is
// empty.
func (c *Sealed[V]) Get(ctx context.Context, source, token, key string) (V, bool) {
	if token == "" {
		var zero V
		return zero, false
	}
	return c.b.GetSealed(ctx, token, c.key(ctx, source, token, key))
}

// Set keeps v under key for source and token, for ttl. An empty token stores nothing: it is counted
// (Refused) and logged as an error.
func (c *Sealed[V]) Set(ctx context.Context, source, token, key string, v V, ttl time.Duration) {
	if token == "" {
		c.refuse(ctx, source)
		return
	}
	c.b.SetSealed(ctx, token, c.key(ctx, source, token, key), v, ttl)
}

// Delete removes the value kept under key for source and token in the scope's current generation.
func (c *Sealed[V]) Delete(ctx context.Context, source, token, key string) {
	if token != "" {
		c.b.Delete(ctx, c.key(ctx, source, token, key))
	}
}

// AwaitFill is the package's AwaitFill for key of source and token (see there). With an empty token
// there is nothing to wait for: it returns at once.
func (c *Sealed[V]) AwaitFill(ctx context.Context, source, token, key string, wait time.Duration, last V, seen bool, accept func(V) bool) Fill[V] {
	k := c.key(ctx, source, token, key)
	l, _ := c.b.(Locker)
	if token == "" {
		l = nil
	}
	return awaitFill(ctx, l, func() (V, bool) { return c.b.GetSealed(ctx, token, k) }, k, wait, last, seen, accept)
}

// GetOrMake returns key's value for source and token or, when none is kept, makes it with build and
// keeps it for ttl; processes sharing the backend make it once between them (wait bounds the wait
// for another's). Errors of build are returned and nothing is kept. With an empty token the value
// is made and not kept (refused as by Set).
func (c *Sealed[V]) GetOrMake(ctx context.Context, source, token, key string, wait, ttl time.Duration, build func(context.Context) (V, error)) (V, error) {
	if v, ok := c.Get(ctx, source, token, key); ok {
		return v, nil
	}
	var zero V
	fill := c.AwaitFill(ctx, source, token, key, wait, zero, false, nil)
	if fill.Peer {
		return fill.Value, nil
	}
	defer fill.Release()
	v, err := build(ctx)
	if err != nil {
		return zero, err
	}
	c.Set(ctx, source, token, key, v, ttl)
	return v, nil
}

var lastRefusalLog atomic.Int64

func (c *Sealed[V]) refuse(ctx context.Context, source string) {
	c.refused.Add(1)
	if logLimit(&lastRefusalLog) {
		slog.Default().ErrorContext(ctx, "a user's value was not cached: no credential was given to seal it with (a bug in the caller)",
			"source", source)
	}
}
