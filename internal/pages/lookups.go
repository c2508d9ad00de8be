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
}

// NewLookups returns lookups kept in c for ttl (found) and min(ttl, MissTTL) (not found); a ttl of
// zero or less keeps nothing. c should share the page store's generations (Store.Scopes), so that
// Store.Invalidate reaches lookups too.
func NewLookups(c *cache.Sealed[Found], ttl time.Duration) *Lookups {
	return &Lookups{cache: c, ttl: ttl}
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
// Repo or Owner set is kept for the freshness time, a KindNotFound error (or an empty Found) as
// Missing for at most MissTTL, other errors not at all.
func (l *Lookups) get(ctx context.Context, source, token, k string, fetch func(context.Context) (Found, error)) (Found, error) {
	// The credential's scope is pinned for the whole lookup (see Store.Fetch).
	sc := l.cache.At(ctx, source, token)
	if f, ok := sc.Get(ctx, k); ok {
		l.hits.Add(1)
		return f, nil
	}
	// A lookup that began before the credential was invalidated is not joined after it.
	return l.flight.do(ctx, k+"|g"+sc.Generation(), func(ctx context.Context) (Found, error) {
		fill := sc.AwaitFill(ctx, k, peerWait, Found{}, false, nil)
		if fill.Peer {
			return fill.Value, nil
		}
		defer fill.Release()
		l.misses.Add(1)
		f, err := fetch(ctx)
		switch {
		case err == nil && (f.Repo != nil || f.Owner != nil):
			sc.Set(ctx, k, f, l.ttl)
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
		default:
			return Found{}, err
		}
	})
}

// answer is what a kept lookup means to the caller: a copy of the repository (callers may not share
// one value), or a KindNotFound error.
func (f Found) answer(source string) (*providers.Repository, error) {
	if f.Repo == nil {
		msg := f.Missing
		if msg == "" {
			msg = "no such repository"
		}
		return nil, providers.Errorf(providers.KindNotFound, source, "%s", msg)
	}
	r := *f.Repo
	return &r, nil
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
		msg := f.Missing
		if msg == "" {
			msg = "no such owner"
		}
		return nil, providers.Errorf(providers.KindNotFound, source, "%s", msg)
	}
	o := *f.Owner
	return &o, nil
}
