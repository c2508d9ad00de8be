package providers

import (
	"context"
	"time"
)

// ViewerTTL is how long a credential's user login is kept by Viewers.
const ViewerTTL = 10 * time.Minute

// Kept keeps one value per source, credential and key for a fixed time, read once for concurrent
// callers: what a forge says about a credential's own user (its login, id, organizations), which
// every page of a list or filter needs and which changes rarely. The zero value is not usable;
// build it with NewKept. It is safe for concurrent use.
type Kept[T any] struct {
	c     UserCache[T]
	ttl   time.Duration
	group flight
}

// NewKept returns a Kept keeping at most n values in memory (n < 1: 1024), each for ttl.
func NewKept[T any](n int, ttl time.Duration) *Kept[T] {
	if n < 1 {
		n = 1024
	}
	return &Kept[T]{c: NewMemoryCache[T](n), ttl: ttl}
}

// Get returns the value kept under key for token on source, else calls fetch once for all
// concurrent callers and keeps its answer (a call that starts just after another ended finds that
// answer kept). fetch's error comes back as it is and nothing is kept.
func (k *Kept[T]) Get(ctx context.Context, source, token, key string, fetch func(context.Context) (T, error)) (T, error) {
	if v, ok := k.c.Get(ctx, source, token, key); ok {
		return v, nil
	}
	out, err := k.group.do(source+"|"+key+"|"+HashToken(token), func() (any, error) {
		if v, ok := k.c.Get(ctx, source, token, key); ok {
			return v, nil
		}
		v, err := fetch(ctx)
		if err != nil {
			return v, err
		}
		k.c.Set(ctx, source, token, key, v, k.ttl)
		return v, nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out.(T), nil
}

// Viewers keeps the login of each credential's user per source, so that working out affiliations
// (owner == viewer) costs one upstream request (GET /user) per credential and ViewerTTL, not one per
// page. The zero value is not usable; build it with NewViewers. It is safe for concurrent use.
type Viewers struct {
	k *Kept[string]
}

// NewViewers returns a Viewers keeping at most n logins in memory (n < 1: 1024).
func NewViewers(n int) *Viewers {
	return &Viewers{k: NewKept[string](n, ViewerTTL)}
}

// Login returns the login of token's user on source, calling fetch (once for concurrent callers)
// when it is not kept. fetch's error comes back as it is and nothing is kept.
func (v *Viewers) Login(ctx context.Context, source, token string, fetch func(context.Context) (string, error)) (string, error) {
	return v.k.Get(ctx, source, token, "viewer", fetch)
}
