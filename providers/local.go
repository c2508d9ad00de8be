package providers

import (
	"context"
	"slices"
	"time"
)

// DefaultMaxRepositories bounds a source's whole list when it must be read whole
// (MAX_REPOSITORIES_PER_SOURCE).
const DefaultMaxRepositories = 10000

// listWait bounds how long a replica waits for another replica's read of the same whole list
// (about 100 upstream pages at MAX_REPOSITORIES_PER_SOURCE's default) before reading it itself.
const listWait = 30 * time.Second

// DefaultListTTL is how long a whole list read for a local sort is kept.
const DefaultListTTL = 60 * time.Second

// ReadAll reads a source's whole list, unsorted. It should stop and fail with KindBadResponse once
// the list has more than max repositories. Its context is not canceled when the first caller leaves,
// since other requests may wait for the same list.
type ReadAll func(ctx context.Context, max int) ([]Repository, error)

// Local serves lists that a forge cannot page in the order asked: it reads the whole list once
// (bounded by Max), sorts it by the order's total order, and keeps it per credential for TTL, so a
// walk reads the forge once. The zero value is not usable; build it with NewLocal.
type Local struct {
	// Max bounds a whole list; longer lists fail with a clear error.
	Max int
	// TTL is how long a list is kept.
	TTL   time.Duration
	cache UserCache[[]Repository]
	group flight
}

// NewLocal returns a Local keeping lists in c, per source and credential (nil: NewMemoryCache of 256
// lists); max and ttl of zero or less take DefaultMaxRepositories and DefaultListTTL.
func NewLocal(c UserCache[[]Repository], max int, ttl time.Duration) *Local {
	if c == nil {
		c = NewMemoryCache[[]Repository](256)
	}
	if max <= 0 {
		max = DefaultMaxRepositories
	}
	if ttl <= 0 {
		ttl = DefaultListTTL
	}
	return &Local{Max: max, TTL: ttl, cache: c}
}

// LocalOr returns l, or when l is nil a Local of its own with the defaults (NewLocal(nil, 0, 0)): what
// a source uses when its configuration gives none.
func LocalOr(l *Local) *Local {
	if l == nil {
		return NewLocal(nil, 0, 0)
	}
	return l
}

// Stream returns a stream of source src and key k over the repositories of the whole list that read
// returns for which keep reports true (nil keeps all), sorted by q.Order.Compare. listKey names what
// read reads beyond the source and credential; streams with the same listKey share one read: the list
// is read once per source, credential and listKey, whatever the order or stream.
func (l *Local) Stream(src, k string, q Query, listKey string, read ReadAll, keep func(*Repository) bool) Stream {
	raw := "list|" + src + "|" + HashToken(q.Token) + "|" + listKey
	return &localStream{l: l, src: src, k: k, q: q, read: read, keep: keep,
		id: StreamID(src, k, q) + "|local", rawKey: raw, sortedKey: raw + "|" + k + "|" + q.Order.String()}
}

// Filtered is Stream for a filtered list: the repositories of read's list that pass q.Filter.Match,
// in q.Order. Its id and its sorted copy's cache key carry the filter (so two filters over one read
// never share a sorted list), and its id differs from a Stream's with the same query (so a source's
// own local stream, read whole here, is never confused with it).
func (l *Local) Filtered(src, k string, q Query, listKey string, read ReadAll) Stream {
	raw := "list|" + src + "|" + HashToken(q.Token) + "|" + listKey
	return &localStream{l: l, src: src, k: k, q: q, read: read, keep: q.Filter.Match,
		id:        StreamID(src, k, q) + "|filtered",
		rawKey:    raw,
		sortedKey: raw + "|" + k + "|" + q.Order.String() + "|filter=" + q.Filter.Key()}
}

type localStream struct {
	l      *Local
	src, k string
	q      Query
	read   ReadAll
	keep   func(*Repository) bool
	// id, and the cache keys of the whole list and of its sorted copy, computed once.
	id, rawKey, sortedKey string
}

func (s *localStream) ID() string     { return s.id }
func (s *localStream) Key() string    { return s.k }
func (s *localStream) Source() string { return s.src }

// NoPageCache marks the stream as held in memory already (see pages.Uncached).
func (s *localStream) NoPageCache() {}

// Held reports whether the stream's sorted list is in the cache now, so that its pages are read
// without asking the forge (see pages.Held).
func (s *localStream) Held(ctx context.Context) bool {
	_, ok := s.l.cache.Get(ctx, s.src, s.q.Token, s.sortedKey)
	return ok
}

// sorted returns the whole list in the stream's order.
func (s *localStream) sorted(ctx context.Context) ([]Repository, error) {
	// The list is a user's data: the cache keeps it for the credential (sealed with it when the
	// cache leaves the process), in the credential's current generation.
	src, tok := s.src, s.q.Token
	rawKey, sortedKey := s.rawKey, s.sortedKey
	if v, ok := s.l.cache.Get(ctx, src, tok, sortedKey); ok {
		return v, nil
	}
	// A read that began before the credential was invalidated is not joined after it.
	gen := s.l.cache.Generation(ctx, src, tok)
	v, err := s.l.group.do(sortedKey+"|g"+gen, func() (any, error) {
		v, err := s.l.group.do(rawKey+"|g"+gen, func() (any, error) {
			// One read serves every waiter (and replicas sharing the cache wait for one another's),
			// so it must not end when the first caller leaves.
			return s.l.cache.GetOrMake(context.WithoutCancel(ctx), src, tok, rawKey, listWait, s.l.TTL,
				func(ctx context.Context) ([]Repository, error) {
					raw, err := s.read(ctx, s.l.Max)
					if err == nil && len(raw) > s.l.Max {
						err = Errorf(KindBadResponse, s.src, "more than %d repositories: raise MAX_REPOSITORIES_PER_SOURCE or use a sort the forge supports natively", s.l.Max)
					}
					return raw, err
				})
		})
		if err != nil {
			return nil, err
		}
		raw := v.([]Repository)
		out := make([]Repository, 0, len(raw))
		for i := range raw {
			if s.keep == nil || s.keep(&raw[i]) {
				out = append(out, raw[i])
			}
		}
		o := s.q.Order
		slices.SortStableFunc(out, func(a, b Repository) int { return o.Compare(&a, &b) })
		// A list read before an invalidation that came meanwhile is this request's answer, but is
		// not kept under the new generation.
		if s.l.cache.Generation(ctx, src, tok) == gen {
			s.l.cache.Set(ctx, src, tok, sortedKey, out, s.l.TTL)
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]Repository), nil
}

func (s *localStream) FetchPage(ctx context.Context, i int, _ string) (Page, error) {
	if err := CheckPageIndex(s.src, i, -1); err != nil {
		return Page{}, err
	}
	all, err := s.sorted(ctx)
	if err != nil {
		return Page{}, err
	}
	lo := min(i*PageSize, len(all))
	hi := min(lo+PageSize, len(all))
	return Page{Items: all[lo:hi:hi], More: hi < len(all), Total: len(all), LastIndex: -1}, nil
}
