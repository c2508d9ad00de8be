// Package cache is forgegraph's small cache interface and its in-memory implementation. A nil Cache
// is never passed around: use NewMemory (or a Redis-backed one) and size it.
package cache

import (
	"context"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Cache maps string keys to values of type V for a limited time. Its values are no user's data: a
// cache that leaves the process (Redis) keeps them unsealed, readable by whoever reads the key. A
// user's data goes through Sealed, which needs the credential. Keys never hold a token (callers put
// a credential hash in them). Get reports false for a missing or expired entry; no method fails: a
// cache that cannot answer behaves as empty, and a Delete it cannot make is dropped.
type Cache[V any] interface {
	Get(ctx context.Context, key string) (V, bool)
	Set(ctx context.Context, key string, v V, ttl time.Duration)
	// Delete removes key's value, if any.
	Delete(ctx context.Context, key string)
}

// Backend is a cache that can also keep a user's values: GetSealed and SetSealed take the secret
// (the credential) the value belongs to. A backend that leaves the process (Redis) seals such a
// value with a key derived from the secret and the key, so it opens only with the same secret; an
// in-process one keeps it as it is. Callers never use it directly for a user's data: they go
// through Sealed, which refuses an empty secret and keys the value by its credential's scope.
type Backend[V any] interface {
	Cache[V]
	// GetSealed returns the value set with SetSealed under key and secret; a value set with another
	// secret, or unsealed, is a miss.
	GetSealed(ctx context.Context, secret, key string) (V, bool)
	// SetSealed keeps v under key, sealed with secret (which must not be empty), for ttl.
	SetSealed(ctx context.Context, secret, key string, v V, ttl time.Duration)
}

type entry[V any] struct {
	v       V
	expires time.Time
	size    int64
}

// Memory is an in-process LRU Cache with a time to live per entry, bounded by a number of entries
// and, when built with NewMemoryBytes, by the total size of its values. It is safe for concurrent
// use.
type Memory[V any] struct {
	lru          *lru.Cache[string, entry[V]]
	hits, misses atomic.Int64
	now          func() time.Time
	sizeOf       func(V) int64 // nil: no byte bound
	maxBytes     int64
	bytes        atomic.Int64
}

// NewMemory returns a cache holding at most size entries (at least 1).
func NewMemory[V any](size int) *Memory[V] {
	if size < 1 {
		size = 1
	}
	c, _ := lru.New[string, entry[V]](size) // only fails for size < 1
	return &Memory[V]{lru: c, now: time.Now}
}

// Get implements Cache.
func (m *Memory[V]) Get(_ context.Context, key string) (V, bool) {
	e, ok := m.lru.Get(key)
	if !ok || m.now().After(e.expires) {
		if ok {
			m.lru.Remove(key)
		}
		m.misses.Add(1)
		var zero V
		return zero, false
	}
	m.hits.Add(1)
	return e.v, true
}

// GetSealed implements Backend: the value stays in this process, so the secret is not needed to
// open it (keys hold the credential's hash, so another credential never asks for it).
func (m *Memory[V]) GetSealed(ctx context.Context, _, key string) (V, bool) { return m.Get(ctx, key) }

// SetSealed implements Backend (see GetSealed).
func (m *Memory[V]) SetSealed(ctx context.Context, _, key string, v V, ttl time.Duration) {
	m.Set(ctx, key, v, ttl)
}

// Delete implements Cache.
func (m *Memory[V]) Delete(_ context.Context, key string) { m.lru.Remove(key) }

// NewMemoryBytes returns a cache whose values' sizes, as sizeOf estimates them, add up to at most
// maxBytes: the least recently used entries go first. A value larger than maxBytes is kept alone
// (everything else is evicted), so a whole list larger than the budget is still read once per walk
// rather than once per page.
func NewMemoryBytes[V any](maxBytes int64, sizeOf func(V) int64) *Memory[V] {
	m := &Memory[V]{now: time.Now, sizeOf: sizeOf, maxBytes: maxBytes}
	m.lru, _ = lru.NewWithEvict[string, entry[V]](1<<20, func(_ string, e entry[V]) { m.bytes.Add(-e.size) })
	return m
}

// Set implements Cache; a ttl of zero or less stores nothing.
func (m *Memory[V]) Set(_ context.Context, key string, v V, ttl time.Duration) {
	if ttl <= 0 {
		return
	}
	e := entry[V]{v: v, expires: m.now().Add(ttl)}
	if m.sizeOf == nil {
		m.lru.Add(key, e)
		return
	}
	e.size = m.sizeOf(v)
	m.lru.Remove(key) // so the replaced value's size is given back
	if e.size > m.maxBytes {
		m.lru.Purge()
	}
	m.lru.Add(key, e)
	m.bytes.Add(e.size)
	for m.bytes.Load() > m.maxBytes && m.lru.Len() > 1 {
		if _, _, ok := m.lru.RemoveOldest(); !ok {
			break
		}
	}
}

// Bytes returns the estimated size of the values held (0 without a byte bound).
func (m *Memory[V]) Bytes() int64 { return m.bytes.Load() }

// Stats returns the number of hits and misses so far.
func (m *Memory[V]) Stats() (hits, misses int64) { return m.hits.Load(), m.misses.Load() }

// Len returns the number of entries, expired ones included until they are touched or evicted.
func (m *Memory[V]) Len() int { return m.lru.Len() }
