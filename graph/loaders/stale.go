package loaders

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// Stale-if-error for repository details (STALE_IF_ERROR): beside each detail read kept for its
// freshness time, a copy is kept for StaleIfError under its own key, sealed with the credential
// like the fresh one, in the same bounded cache. When the forge then fails in a way
// providers.StaleServable accepts (5xx, timeout, connection error, rate limit, open circuit; never
// 401 or 403), the copy the same credential read within StaleIfError is served and the request's
// providers.StaleSet is told, so the answer carries extensions.stale and no error for it.

// staleCopy is a detail read kept to be served when its forge fails: the JSON value and when it
// was read.
type staleCopy struct {
	AsOf  time.Time       `json:"asOf"`
	Value json.RawMessage `json:"v"`
}

// staleKey is the cache key of k's stale copy.
func staleKey(k DetailKey) string { return "stale|" + k.String() }

// keepStale keeps raw, read for k with token now, as k's stale copy for d.staleFor.
func (d *Details) keepStale(ctx context.Context, k DetailKey, token string, raw json.RawMessage) {
	if d.cache == nil || d.staleFor <= 0 {
		return
	}
	if b, err := json.Marshal(staleCopy{AsOf: d.now(), Value: raw}); err == nil {
		d.cache.Set(ctx, k.Source, token, staleKey(k), b, d.staleFor)
	}
}

// stale returns k's stale copy for rd's credential, decoded, when the fetch failed with err that
// may be answered from a copy and one was read within d.staleFor; it marks the request stale.
func (d *Details) stale(ctx context.Context, k DetailKey, rd read, err error) (any, bool) {
	if d.cache == nil || d.staleFor <= 0 || !providers.StaleServable(err) {
		return nil, false
	}
	b, ok := d.cache.Get(ctx, k.Source, rd.token, staleKey(k))
	if !ok {
		return nil, false
	}
	var c staleCopy
	if json.Unmarshal(b, &c) != nil || !d.now().Before(c.AsOf.Add(d.staleFor)) {
		return nil, false
	}
	v, derr := rd.decode(c.Value)
	if derr != nil {
		return nil, false
	}
	providers.MarkStale(ctx, k.Source, c.AsOf, providers.KindOf(err))
	return v, true
}

// DetailOptions configure the detail loaders of DetailMiddlewareWith.
type DetailOptions struct {
	// Cache keeps detail reads between requests; nil keeps nothing (and no stale copies).
	Cache *cache.Sealed[json.RawMessage]
	// TTL is how long a detail read is served without asking the forge.
	TTL time.Duration
	// StaleIfError is how long a copy of each detail read is kept to be served when the forge
	// fails (STALE_IF_ERROR); zero keeps none.
	StaleIfError time.Duration
}

// DetailMiddlewareWith puts a fresh Details configured by o into each request's context.
func DetailMiddlewareWith(o DetailOptions, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := NewDetails(o.Cache, o.TTL)
		d.staleFor = o.StaleIfError
		next.ServeHTTP(w, r.WithContext(WithDetails(r.Context(), d)))
	})
}
