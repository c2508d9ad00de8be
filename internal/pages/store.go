// Package pages is the shared cache of upstream pages. A page is fresh for a short time (60 s by
// default) and served from the cache; after that it is revalidated with its ETag when the forge sent
// one (a 304 costs GitHub no rate limit) or fetched again. Concurrent misses for the same page cause
// one upstream request. Single-repository lookups (Query.node) are kept the same way, per
// credential (see Lookups).
package pages

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// DefaultFresh is how long a page is served without asking the forge.
const DefaultFresh = 60 * time.Second

// DefaultKeep is how long a page with an ETag is kept for revalidation after it went stale.
const DefaultKeep = 10 * time.Minute

// Entry is a cached page and the time until which it is served without asking the forge.
type Entry struct {
	Page       providers.Page `json:"page"`
	FreshUntil time.Time      `json:"freshUntil"`
}

// EntrySize estimates the memory of a cached page, for caches bounded by size.
func EntrySize(e Entry) int64 { return 64 + int64(len(e.Page.ETag)) + providers.SizeOf(e.Page.Items) }

// Uncached is implemented by streams whose pages are already held in memory (locally sorted lists):
// the store does not cache them again.
type Uncached interface {
	NoPageCache()
}

// Held is an Uncached stream that can tell whether its pages are at hand (its whole list in
// memory), so that reading one costs no upstream request.
type Held interface {
	Uncached
	Held(ctx context.Context) bool
}

// Store fetches pages through the cache. The zero value is not usable: build it with New or
// NewStore.
type Store struct {
	cache                     *cache.Sealed[Entry]
	freshFor, keep            time.Duration
	flight                    flight[fetched]
	now                       func() time.Time
	hits, misses, revalidated atomic.Int64
	peers                     atomic.Int64 // pages another replica fetched while this one waited
	// Lookups keeps single-repository lookups (Query.node) for the store's freshness time. New sets
	// an in-memory one of 1 MiB (about a thousand repositories); a server replaces it with one over its shared caches.
	// Nil: every lookup asks the forge (a request still asks once per repository).
	Lookups *Lookups
	// OnFetch, when set, is called after every upstream fetch with the stream's source and the outcome
	// ("ok", "not_modified" or the error kind); it feeds metrics.
	OnFetch func(source, outcome string, d time.Duration)
	// StaleIfError is how long a page is kept after it was fetched (or revalidated) to be served
	// when the forge fails (STALE_IF_ERROR): a failure that StaleServable accepts (5xx, timeout,
	// connection error, rate limit; never 401 or 403) is answered with the copy the same credential
	// read within this time, in its current generation (an invalidated credential has no copy), and
	// the request's providers.StaleSet is told. Zero keeps pages only for freshness and
	// revalidation and serves no stale copy.
	StaleIfError time.Duration
}

// fetched is what one upstream fetch of a page gave: the page, and when it is a stale copy served
// because the forge failed, when it was fetched and the failure's kind.
type fetched struct {
	page   providers.Page
	asOf   time.Time
	reason providers.Kind
}

// New returns a store over c with generations of its own in memory (keyed by providers.HashToken)
// and its Lookups in memory; fresh and keep of zero take the defaults.
func New(c cache.Backend[Entry], fresh, keep time.Duration) *Store {
	return NewStore(cache.NewSealed(c, cache.NewScopes(providers.HashToken, 0)), fresh, keep)
}

// NewStore returns a store over c, with Lookups in memory sharing c's generations; fresh and keep
// of zero take the defaults. Pages are a user's data: c keeps each for the credential it was read
// with (the request's token for the stream's source), in the credential's current generation, so
// Invalidate reaches them.
func NewStore(c *cache.Sealed[Entry], fresh, keep time.Duration) *Store {
	if fresh <= 0 {
		fresh = DefaultFresh
	}
	if keep < fresh {
		keep = DefaultKeep
	}
	return &Store{cache: c, freshFor: fresh, keep: keep, now: time.Now,
		Lookups: NewLookups(cache.NewSealed(cache.NewMemoryBytes(defaultLookupBytes, FoundSize), c.Scopes()), fresh)}
}

// Scopes returns the generations of the store's keys: what Invalidate changes.
func (st *Store) Scopes() *cache.Scopes { return st.cache.Scopes() }

// Invalidate makes every page, whole list, lookup, workspace listing and replayed answer kept for
// source and token unreachable on every replica sharing the store's generations (see
// cache.Scopes.Invalidate): the next request with that credential asks the forge again. Values of
// other credentials and other sources are untouched. It fails only for an empty token.
func (st *Store) Invalidate(ctx context.Context, source, token string) error {
	return st.cache.Scopes().Invalidate(ctx, source, token)
}

func key(s providers.Stream, i int) string { return s.ID() + "#" + strconv.Itoa(i) }

// tokenFor is the credential s is read with in ctx's request.
func tokenFor(ctx context.Context, s providers.Stream) string {
	return providers.CredentialsFrom(ctx).Token(s.Source())
}

// Fresh returns page i of s when the cache holds a fresh copy.
func (st *Store) Fresh(ctx context.Context, s providers.Stream, i int) (providers.Page, bool) {
	if _, ok := s.(Uncached); ok {
		return providers.Page{}, false
	}
	e, ok := st.cache.Get(ctx, s.Source(), tokenFor(ctx, s), key(s, i))
	if ok && st.fresh(e) {
		st.hits.Add(1)
		return e.Page, true
	}
	return providers.Page{}, false
}

func (st *Store) fresh(e Entry) bool { return st.now().Before(e.FreshUntil) }

// Fetch returns page i of s: from the cache when fresh, else from the forge (conditionally when a
// stale copy has an ETag). Errors are the stream's and are not cached. The cache is looked up once,
// and once more only after taking a shared cache's lock.
func (st *Store) Fetch(ctx context.Context, s providers.Stream, i int) (providers.Page, error) {
	if _, ok := s.(Uncached); ok {
		return st.fetchUncached(ctx, s, i)
	}
	// The credential's scope is pinned for the whole fetch: a page read before an invalidation is
	// never kept under the generation after it.
	k, sc := key(s, i), st.cache.At(ctx, s.Source(), tokenFor(ctx, s))
	old, had := sc.Get(ctx, k)
	if had && st.fresh(old) {
		st.hits.Add(1)
		return old.Page, nil
	}
	// A fetch that began before the credential was invalidated is not joined after it.
	f, err := st.flight.do(ctx, k+"|g"+sc.Generation(), func(ctx context.Context) (fetched, error) {
		fill := sc.AwaitFill(ctx, k, peerWait, old, had, st.fresh)
		if fill.Peer {
			st.peers.Add(1)
			return fetched{page: fill.Value.Page}, nil
		}
		defer fill.Release()
		old, had := fill.Value, fill.Seen
		st.misses.Add(1)
		etag := ""
		if had {
			etag = old.Page.ETag
		}
		start := st.now()
		p, err := s.FetchPage(ctx, i, etag)
		outcome := "ok"
		switch {
		case errors.Is(err, providers.ErrNotModified) && had:
			st.revalidated.Add(1)
			p, err, outcome = old.Page, nil, "not_modified"
		case err != nil:
			outcome = string(providers.KindOf(err))
		}
		if st.OnFetch != nil {
			st.OnFetch(s.Source(), outcome, st.now().Sub(start))
		}
		if err != nil {
			if asOf, ok := st.staleCopy(old, had); ok && providers.StaleServable(err) {
				return fetched{page: old.Page, asOf: asOf, reason: providers.KindOf(err)}, nil
			}
			return fetched{}, err
		}
		ttl := st.freshFor
		if p.ETag != "" {
			ttl = st.keep
		}
		ttl = max(ttl, st.StaleIfError)
		sc.Set(ctx, k, Entry{Page: p, FreshUntil: st.now().Add(st.freshFor)}, ttl)
		return fetched{page: p}, nil
	})
	if err != nil {
		return providers.Page{}, err
	}
	if !f.asOf.IsZero() {
		// Every request that shared the fetch is told, each in its own set.
		providers.MarkStale(ctx, s.Source(), f.asOf, f.reason)
	}
	return f.page, nil
}

// staleCopy reports whether old (when had) may be served after a failure, and when it was fetched:
// within StaleIfError of its fetch or last revalidation.
func (st *Store) staleCopy(old Entry, had bool) (time.Time, bool) {
	if !had || st.StaleIfError <= 0 {
		return time.Time{}, false
	}
	asOf := old.FreshUntil.Add(-st.freshFor)
	return asOf, st.now().Before(asOf.Add(st.StaleIfError))
}

// peerWait bounds how long a replica waits for another replica's fetch of the same page.
const peerWait = 5 * time.Second

// Stats returns cache hits, misses (upstream fetches) and how many of those a 304 answered.
func (st *Store) Stats() (hits, misses, revalidated int64) {
	return st.hits.Load(), st.misses.Load(), st.revalidated.Load()
}
