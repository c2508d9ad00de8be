package pages

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// MissTTL bounds how long a "not found" answer to a repository lookup is kept: long enough that a
// burst of lookups of an absent repository asks the forge once, short enough that a repository
// created or shared meanwhile is seen soon.
const MissTTL = 10 * time.Second

// defaultLookupBytes bounds the in-memory lookups of a Store built by New (about a thousand).
const defaultLookupBytes = 1 << 20

// Found is a kept answer to a repository or owner lookup: the repository (or owner), or Missing,
// the forge's message when the credential cannot see it.
type Found struct {
	Repo *providers.Repository `json:"repo,omitempty"`
	// Owner is a found repository owner (OwnerKey lookups); nil for repository lookups.
	Owner   *providers.Owner `json:"owner,omitempty"`
	Missing string           `json:"missing,omitempty"`
	// AsOf is when the repository or owner was read; a found one is kept StaleIfError past its
	// freshness (see Lookups.StaleIfError). Zero (a value kept before it existed) is fresh while kept.
	AsOf time.Time `json:"asOf,omitzero"`
	// staleReason, set only on the way out of a lookup, is the failure a stale copy answered.
	staleReason providers.Kind
}

// FoundSize estimates the memory of a kept lookup, for caches bounded by size.
func FoundSize(f Found) int64 {
	n := int64(32 + len(f.Missing))
	if f.Repo != nil {
		n += f.Repo.Size()
	}
	if f.Owner != nil {
		n += f.Owner.Size()
	}
	return n
}

// Lookups keeps single-repository lookups (Query.node) per credential, like the Store keeps pages:
// a found repository for the store's freshness time, a "not found" for at most MissTTL, nothing
// else (errors are asked again). Concurrent misses of the same lookup cause one upstream request,
// in this process and, over a shared cache, between replicas. The zero value is not usable: build
// it with NewLookups.
type Lookups struct {
	cache        *cache.Sealed[Found]
	ttl          time.Duration
	flight       flight[Found]
	hits, misses atomic.Int64
	// StaleIfError is how long a found repository or owner is kept past its freshness to be served
	// when the forge fails (STALE_IF_ERROR), as the Store does for pages: a failure
	// providers.StaleServable accepts (never 401 or 403) is answered with the copy the same
	// credential read within this time, and the request's providers.StaleSet is told. Zero serves no
	// stale copy.
	StaleIfError time.Duration
	now          func() time.Time
}

// NewLookups returns lookups kept in c for ttl (found) and min(ttl, MissTTL) (not found); a ttl of
// zero or less keeps nothing. c should share the page store's generations (Store.Scopes), so that
// Store.Invalidate reaches lookups too.
func NewLookups(c *cache.Sealed[Found], ttl time.Duration) *Lookups {
	return &Lookups{cache: c, ttl: ttl, now: time.Now}
}

// LookupKey is the cache key of id looked up on source with token: the source, a hash of the
// credential (never the token) and the id's parts, encoded so that no two lookups share a key.
func LookupKey(source, token string, id providers.GlobalID) string {
	return "repo|" + source + "|" + providers.HashToken(token) + "|" + id.Key()
}

// Get returns id as source shows it to token: from the cache when it holds the answer, else from
// fetch, which asks the forge. A repository the credential cannot see is a KindNotFound error
// (fetch's own, or a copy of it while kept); other errors are fetch's and are not kept. The value
// is sealed with token in caches that leave the process.
func (l *Lookups) Get(ctx context.Context, source, token string, id providers.GlobalID, fetch func(context.Context) (*providers.Repository, error)) (*providers.Repository, error) {
	f, err := l.get(ctx, source, token, LookupKey(source, token, id), func(ctx context.Context) (Found, error) {
		repo, err := fetch(ctx)
		if err == nil && repo != nil {
			return Found{Repo: repo}, nil
		}
		return Found{}, err
	})
	if err != nil {
		return nil, err
	}
	return f.answer(source)
}

// get returns the answer kept under k for source and token, else the one fetch gives: a Found with
// Repo or Owner set is served for the freshness time and kept for the longer of that and
// StaleIfError (when the forge then fails in a way providers.StaleServable accepts, the kept copy
// answers and the request is marked stale), a KindNotFound error (or an empty Found) as Missing for
// at most MissTTL, other errors not at all.
func (l *Lookups) get(ctx context.Context, source, token, k string, fetch func(context.Context) (Found, error)) (Found, error) {
	// The credential's scope is pinned for the whole lookup (see Store.Fetch).
	sc := l.cache.At(ctx, source, token)
	old, had := sc.Get(ctx, k)
	if had && l.fresh(old) {
		l.hits.Add(1)
		return old, nil
	}
	// A lookup that began before the credential was invalidated is not joined after it.
	f, err := l.flight.do(ctx, k+"|g"+sc.Generation(), func(ctx context.Context) (Found, error) {
		fill := sc.AwaitFill(ctx, k, peerWait, old, had, l.fresh)
		if fill.Peer {
			return fill.Value, nil
		}
		defer fill.Release()
		old, had := fill.Value, fill.Seen
		l.misses.Add(1)
		f, err := fetch(ctx)
		switch {
		case err == nil && (f.Repo != nil || f.Owner != nil):
			f.AsOf = l.now()
			sc.Set(ctx, k, f, max(l.ttl, l.StaleIfError))
			return f, nil
		case err == nil || providers.KindOf(err) == providers.KindNotFound:
			f := Found{Missing: "no such repository"}
			if strings.HasPrefix(k, "owner|") {
				f.Missing = "no such owner"
			}
			if e := providers.AsError(err, source); e != nil {
				f.Missing = e.Msg
			}
			sc.Set(ctx, k, f, min(l.ttl, MissTTL))
			return f, nil
		case had && old.found() && !old.AsOf.IsZero() && l.StaleIfError > 0 && providers.StaleServable(err) &&
			l.now().Before(old.AsOf.Add(l.StaleIfError)):
			old.staleReason = providers.KindOf(err)
			return old, nil
		default:
			return Found{}, err
		}
	})
	if err != nil {
		return Found{}, err
	}
	if f.staleReason != "" {
		// Every request that shared the lookup is told, each in its own set.
		providers.MarkStale(ctx, source, f.AsOf, f.staleReason)
	}
	return f, nil
}

// found reports whether f holds a repository or an owner (not a "not found" answer).
func (f Found) found() bool { return f.Repo != nil || f.Owner != nil }

// fresh reports whether a kept lookup is served without asking the forge: within the freshness
// time of its read (a found repository or owner is kept longer for stale-if-error).
func (l *Lookups) fresh(f Found) bool {
	return !f.found() || f.AsOf.IsZero() || l.now().Before(f.AsOf.Add(l.ttl))
}

// answer is what a kept lookup means to the caller: a copy of the repository (callers may not share
// one value), or a KindNotFound error.
func (f Found) answer(source string) (*providers.Repository, error) {
	if f.Repo == nil {
		return nil, f.notFound(source, "no such repository")
	}
	r := *f.Repo
	return &r, nil
}

// notFound is the KindNotFound error of a lookup that found nothing: the forge's words kept in
// Missing, else fallback.
func (f Found) notFound(source, fallback string) error {
	msg := f.Missing
	if msg == "" {
		msg = fallback
	}
	return providers.Errorf(providers.KindNotFound, source, "%s", msg)
}

// Stats returns how many lookups the cache answered and how many asked the forge.
func (l *Lookups) Stats() (hits, misses int64) { return l.hits.Load(), l.misses.Load() }

// OwnerKey is the cache key of owner login of provider p looked up on source with token: the
// source, a hash of the credential (never the token), the provider and the login (quoted, so no two
// lookups share a key, nor one with a repository lookup).
func OwnerKey(source, token string, p providers.Provider, login string) string {
	return "owner|" + source + "|" + providers.HashToken(token) + "|" + string(p) + "|" + strconv.Quote(login)
}

// Owner returns owner login of provider p as source shows it to token, kept like Get keeps
// repositories (per credential, sealed with it, "not found" for at most MissTTL, within the same
// bounded cache): from the cache when it holds the answer, else from fetch. An unknown login is a
// KindNotFound error; other errors are fetch's and are not kept.
func (l *Lookups) Owner(ctx context.Context, source, token string, p providers.Provider, login string, fetch func(context.Context) (*providers.Owner, error)) (*providers.Owner, error) {
	f, err := l.get(ctx, source, token, OwnerKey(source, token, p, login), func(ctx context.Context) (Found, error) {
		o, err := fetch(ctx)
		if err == nil && o != nil {
			return Found{Owner: o}, nil
		}
		return Found{}, err
	})
	if err != nil {
		return nil, err
	}
	if f.Owner == nil {
		return nil, f.notFound(source, "no such owner")
	}
	o := *f.Owner
	return &o, nil
}
