package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultScopeRetain is how long a scope's generation is remembered after its last invalidation
// when NewScopes is given no retain time. It must outlast every value a Sealed cache keeps (pages
// kept for revalidation, whole lists, lookups, workspace listings, replayed answers) and the longest
// request: once a generation is forgotten the scope reads as never invalidated, and only values
// written before its first invalidation carry that (empty) generation.
const DefaultScopeRetain = 24 * time.Hour

// scopeMemoSize bounds the last generations read from Redis that a process remembers for when Redis
// does not answer.
const scopeMemoSize = 1 << 16

// Scopes keeps one generation per scope, a source and a credential: Invalidate changes it, and
// Sealed folds it into the key of every value of that scope, so every value kept before the
// invalidation becomes unreachable at once (O(1), no scan), in this process and, over Redis, on every
// replica. The generation is read at most once per request per scope when the request's context
// went through Begin (one Redis round trip for all of the request's scopes); elsewhere it is read on
// every use. Without Redis generations live in this process's memory. Build it with NewScopes or
// NewRedisScopes; it is safe for concurrent use.
type Scopes struct {
	hash   func(token string) string
	retain time.Duration
	now    func() time.Time
	// local are the generations of invalidations made in this process's memory (all of them
	// without Redis; with Redis only those that could not reach it).
	mu        sync.Mutex
	local     map[string]localGen
	lastPrune time.Time
	// shared is nil without Redis; known holds the last generation read from it per scope, used
	// while it does not answer.
	shared *redisGens
	known  *lru.Cache[string, string]
	// down is the shared generation of a scope Redis could not tell and known does not hold: a value
	// of this process's own, so such keys never meet values kept under a real generation.
	down  string
	reads atomic.Int64
}

type localGen struct {
	gen int64
	at  time.Time
}

// NewScopes returns generations kept in this process's memory. hash turns a token into the
// credential hash that names its scope (providers.HashToken, keyed by the server secret, so replicas
// name scopes alike; never the token itself); nil means an unkeyed SHA-256, fit only for memory.
// retain is how long an invalidation is remembered (zero: DefaultScopeRetain).
func NewScopes(hash func(token string) string, retain time.Duration) *Scopes {
	if retain <= 0 {
		retain = DefaultScopeRetain
	}
	if hash == nil {
		hash = func(token string) string {
			sum := sha256.Sum256([]byte(token))
			return hex.EncodeToString(sum[:16])
		}
	}
	known, _ := lru.New[string, string](scopeMemoSize)
	return &Scopes{hash: hash, retain: retain, now: time.Now, local: map[string]localGen{}, known: known,
		down: "down" + strconv.FormatInt(time.Now().UnixNano(), 36)}
}

// ErrNoCredential is Invalidate's error for an empty token: there is no scope to invalidate.
var ErrNoCredential = errors.New("cache: no credential given: invalidate the scope of the token the change was made with")

// scope is the name of the scope of source and token: the source and the credential's hash.
func (s *Scopes) scope(source, token string) string { return source + ":" + s.hash(token) }

// Generation returns the generation of the scope of source and token ("" while never invalidated):
// from the request's memo when ctx went through Begin, else from where generations are kept.
func (s *Scopes) Generation(ctx context.Context, source, token string) string {
	sc := s.scope(source, token)
	m := memoFrom(ctx)
	if m != nil {
		if g, ok := m.get(sc); ok {
			return g
		}
	}
	g := s.load(ctx, []string{sc})[0]
	if m != nil {
		m.put(sc, g)
	}
	return g
}

// Begin returns ctx with a memo of the generations of creds' scopes (source -> token; empty tokens
// are skipped), all read at once (one Redis round trip), and a fingerprint of them: a string that
// changes whenever one of those scopes is invalidated ("" while none ever was). Every Sealed use
// under the returned context reads generations from the memo.
func (s *Scopes) Begin(ctx context.Context, creds map[string]string) (context.Context, string) {
	names := make([]string, 0, len(creds))
	for src, tok := range creds {
		if tok != "" {
			names = append(names, src)
		}
	}
	sort.Strings(names)
	scopes := make([]string, len(names))
	for i, src := range names {
		scopes[i] = s.scope(src, creds[src])
	}
	gens := s.load(ctx, scopes)
	m := &memo{m: make(map[string]string, len(scopes))}
	var fp strings.Builder
	for i, sc := range scopes {
		m.m[sc] = gens[i]
		if gens[i] != "" {
			fp.WriteString(names[i] + "=" + gens[i] + ";")
		}
	}
	return context.WithValue(ctx, memoKey{}, m), fp.String()
}

// Invalidate makes every value that Sealed caches over s keep for the scope of source and token
// unreachable, in every process sharing s's Redis (or this process without Redis), and updates the
// request's memo so the rest of the request sees the change. Values written afterwards by requests
// that began before it land under the old generation and are never read. It fails only for an
// empty token (ErrNoCredential). When Redis does not answer, the invalidation reaches this process
// only (logged and observed as "generation"); other replicas still see the old values for at most
// their time to live.
func (s *Scopes) Invalidate(ctx context.Context, source, token string) error {
	if token == "" {
		return ErrNoCredential
	}
	sc := s.scope(source, token)
	if s.shared != nil {
		if g, err := s.shared.bump(ctx, sc, s.retain); err == nil {
			s.known.Add(sc, g)
			s.refresh(ctx, sc)
			return nil
		}
	}
	s.bumpLocal(sc)
	s.refresh(ctx, sc)
	return nil
}

// Reads returns how many times generations were read from where they are kept (Redis round trips
// with Redis): at most one per request that went through Begin.
func (s *Scopes) Reads() int64 { return s.reads.Load() }

// refresh puts scope sc's current generation in ctx's memo, if any.
func (s *Scopes) refresh(ctx context.Context, sc string) {
	if m := memoFrom(ctx); m != nil {
		m.put(sc, s.load(context.WithoutCancel(ctx), []string{sc})[0])
	}
}

// load returns the generations of scopes: the shared part (Redis; the last known one while it does
// not answer) and the local part (invalidations made in this process's memory), joined.
func (s *Scopes) load(ctx context.Context, scopes []string) []string {
	out := make([]string, len(scopes))
	if len(scopes) == 0 {
		return out
	}
	s.reads.Add(1)
	if s.shared != nil {
		gens, err := s.shared.get(ctx, scopes)
		for i, sc := range scopes {
			if err == nil {
				out[i] = gens[i]
				s.known.Add(sc, gens[i])
			} else if g, ok := s.known.Get(sc); ok {
				out[i] = g
			} else {
				out[i] = s.down
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for i, sc := range scopes {
		if l, ok := s.local[sc]; ok && now.Sub(l.at) < s.retain {
			out[i] += "l" + strconv.FormatInt(l.gen, 36)
		}
	}
	return out
}

// bumpLocal gives scope sc a new local generation, unique over time in this process (the current
// time in microseconds, or one more than the previous generation), and forgets the local
// generations older than retain.
func (s *Scopes) bumpLocal(sc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	g := now.UnixMicro()
	if l, ok := s.local[sc]; ok && l.gen >= g {
		g = l.gen + 1
	}
	s.local[sc] = localGen{gen: g, at: now}
	if now.Sub(s.lastPrune) >= s.retain {
		s.lastPrune = now
		for k, l := range s.local {
			if now.Sub(l.at) >= s.retain {
				delete(s.local, k)
			}
		}
	}
}

// memo holds a request's generations by scope.
type memo struct {
	mu sync.Mutex
	m  map[string]string
}

type memoKey struct{}

func memoFrom(ctx context.Context) *memo {
	m, _ := ctx.Value(memoKey{}).(*memo)
	return m
}

func (m *memo) get(sc string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g, ok := m.m[sc]
	return g, ok
}

func (m *memo) put(sc, g string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[sc] = g
}
