// Package cachetest holds test doubles for the cache package's interfaces.
package cachetest

import (
	"context"
	"sync"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
)

// Shared is an in-memory cache with locks (a cache.Locker), standing in for a Redis that several
// replicas share. Lock ignores its ttl: a lock lasts until Unlock.
type Shared[V any] struct {
	*cache.Memory[V]
	mu    sync.Mutex
	locks map[string]bool
	// Locks counts the locks granted.
	Locks int
}

// NewShared returns an empty Shared holding at most n values.
func NewShared[V any](n int) *Shared[V] {
	return &Shared[V]{Memory: cache.NewMemory[V](n), locks: map[string]bool{}}
}

// Lock implements cache.Locker.
func (c *Shared[V]) Lock(_ context.Context, key string, _ time.Duration) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.locks[key] {
		return false, nil
	}
	c.locks[key] = true
	c.Locks++
	return true, nil
}

// Unlock implements cache.Locker.
func (c *Shared[V]) Unlock(_ context.Context, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.locks, key)
}
