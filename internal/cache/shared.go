package cache

import (
	"context"
	"time"
)

type secretKey struct{}

// WithSecret returns ctx carrying the credential that values set under it belong to. A cache that
// leaves the process (Redis) seals such values with a key derived from it, so the cache alone
// reveals nothing; the in-memory cache ignores it. "" means the value is not a user's data.
func WithSecret(ctx context.Context, secret string) context.Context {
	return context.WithValue(ctx, secretKey{}, secret)
}

// SecretFrom returns the secret set by WithSecret, "" when none.
func SecretFrom(ctx context.Context) string {
	s, _ := ctx.Value(secretKey{}).(string)
	return s
}

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
