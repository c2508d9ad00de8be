package cache

import (
	"context"
	"time"
)

// DefaultAPQTTL is how long a persisted query is kept by APQ when TTL is zero.
const DefaultAPQTTL = 24 * time.Hour

// APQ adapts a Cache to gqlgen's graphql.Cache[string], the store of automatic persisted queries
// (sha256 hash -> query text), so replicas share them through Redis. Queries are no user's data:
// they are stored unsealed, whatever the request's credentials.
type APQ struct {
	C Cache[string]
	// TTL is how long a query is kept; zero means DefaultAPQTTL.
	TTL time.Duration
}

// Get implements graphql.Cache[string].
func (a APQ) Get(ctx context.Context, key string) (string, bool) {
	return a.C.Get(WithSecret(ctx, ""), key)
}

// Add implements graphql.Cache[string].
func (a APQ) Add(ctx context.Context, key, value string) {
	ttl := a.TTL
	if ttl <= 0 {
		ttl = DefaultAPQTTL
	}
	a.C.Set(WithSecret(ctx, ""), key, value, ttl)
}
