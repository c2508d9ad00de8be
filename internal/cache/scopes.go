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
	"github.com/redis/go-redis/v9"
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
	c := cred{source, token}
	m := memoFrom(ctx)
	if m != nil {
		if g, ok := m.get(c); ok {
			return g
		}
	}
	g := s.load(ctx, []cred{c})[0]
	if m != nil {
		m.put(c, g)
	}
	return g
}

// Begin returns ctx with a memo of the generations of creds' scopes (source -> token; empty tokens
// are skipped), all read at once (one Redis round trip), and a fingerprint of them: a string that
// changes whenever one of those scopes is invalidated ("" while none ever was). Every Sealed use
// under the returned context reads generations from the memo.
func (s *Scopes) Begin(ctx context.Context, creds map[string]string) (context.Context, string) {
	list := make([]cred, 0, len(creds))
	for src, tok := range creds {
		if tok != "" {
			list = append(list, cred{src, tok})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].source < list[j].source })
	gens := s.load(ctx, list)
	m := &memo{m: make(map[cred]string, len(list))}
	var fp strings.Builder
	for i, c := range list {
		m.m[c] = gens[i]
		if gens[i] != "" {
			fp.WriteString(c.source + "=" + gens[i] + ";")
		}
	}
	return context.WithValue(ctx, memoKey{}, m), fp.String()
}

// cred is a source and a token: a request's memo is keyed by them (it never leaves the process),
// so a memo hit costs no hashing.
type cred struct{ source, token string }

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
	sc, c := s.scope(source, token), cred{source, token}
	if s.shared != nil {
		if g, err := s.shared.bump(ctx, sc, s.retain); err == nil {
			s.known.Add(sc, g)
			s.remember(ctx, c, g+s.localPart(sc))
			return nil
		}
	}
	s.bumpLocal(sc)
	shared := ""
	if s.shared != nil {
		shared = s.down
		if g, ok := s.known.Get(sc); ok {
			shared = g
		}
	}
	s.remember(ctx, c, shared+s.localPart(sc))
	return nil
}

// Reads returns how many times generations were read from where they are kept (Redis round trips
// with Redis): at most one per request that went through Begin.
func (s *Scopes) Reads() int64 { return s.reads.Load() }

// remember puts generation g of c's scope in ctx's memo, if any.
func (s *Scopes) remember(ctx context.Context, c cred, g string) {
	if m := memoFrom(ctx); m != nil {
		m.put(c, g)
	}
}

// localPart is the part of scope sc's generation that invalidations made in this process's memory
// give it ("" when none is remembered).
func (s *Scopes) localPart(sc string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.localPartLocked(sc, s.now())
}

func (s *Scopes) localPartLocked(sc string, now time.Time) string {
	if l, ok := s.local[sc]; ok && now.Sub(l.at) < s.retain {
		return "l" + strconv.FormatInt(l.gen, 36)
	}
	return ""
}

// load returns the generations of the scopes of creds: the shared part (Redis; the last known one while it does
// not answer) and the local part (invalidations made in this process's memory), joined.
func (s *Scopes) load(ctx context.Context, creds []cred) []string {
	out := make([]string, len(creds))
	if len(creds) == 0 {
		return out
	}
	s.reads.Add(1)
	s.mu.Lock()
	none := len(s.local) == 0
	s.mu.Unlock()
	if s.shared == nil && none {
		return out // in memory, nothing was ever invalidated: no need to hash the tokens
	}
	scopes := make([]string, len(creds))
	for i, c := range creds {
		scopes[i] = s.scope(c.source, c.token)
	}
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
		out[i] += s.localPartLocked(sc, now)
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

// memo holds a request's generations by source and token.
type memo struct {
	mu sync.Mutex
	m  map[cred]string
}

type memoKey struct{}

func memoFrom(ctx context.Context) *memo {
	m, _ := ctx.Value(memoKey{}).(*memo)
	return m
}

func (m *memo) get(c cred) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g, ok := m.m[c]
	return g, ok
}

func (m *memo) put(c cred, g string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[c] = g
}

// NewRedisScopes returns generations kept in Redis under prefix + source + ":" + credential hash,
// shared by every replica using the same Redis and prefix (see NewScopes for hash and retain). While
// Redis does not answer (or during the pause after a failure, shared with every cache over client),
// a scope's last generation read is used, and invalidations reach this process only. m may be nil.
func NewRedisScopes(client *redis.Client, prefix string, hash func(token string) string, retain time.Duration, m Observer) *Scopes {
	s := NewScopes(hash, retain)
	// A Redis cache's client, pause and failure reporting (one log line per 10 s in all).
	s.shared = &redisGens{r: NewRedis[struct{}](client, prefix, m)}
	return s
}

// redisGens reads and bumps generations in Redis.
type redisGens struct{ r *Redis[struct{}] }

// bumpScript sets KEYS[1] to a generation larger than its previous one and than Redis's clock in
// microseconds (so a generation is never reused, even after the key expired), for ARGV[1]
// milliseconds, and returns it. (Before Redis 5 a script that reads TIME may write only after
// asking for effects replication; later versions always replicate effects.)
var bumpScript = redis.NewScript(`
if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call("TIME")
local g = tonumber(t[1]) * 1000000 + tonumber(t[2])
local old = tonumber(redis.call("GET", KEYS[1]) or "0") or 0
if old >= g then g = old + 1 end
local s = string.format("%.0f", g)
redis.call("SET", KEYS[1], s, "PX", ARGV[1])
return s`)

// get returns the generations of scopes ("" for one never invalidated) with one MGET.
func (g *redisGens) get(ctx context.Context, scopes []string) ([]string, error) {
	r := g.r
	if !r.brk.allow() {
		return nil, ErrRedisPaused
	}
	keys := make([]string, len(scopes))
	for i, sc := range scopes {
		keys[i] = r.prefix + sc
	}
	vals, err := r.client.MGet(ctx, keys...).Result()
	if err != nil {
		r.failed(ctx, "generation", err)
		return nil, err
	}
	r.succeeded()
	out := make([]string, len(scopes))
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[i] = s
		}
	}
	return out, nil
}

// bump gives scope sc a new generation, kept for retain, and returns it.
func (g *redisGens) bump(ctx context.Context, sc string, retain time.Duration) (string, error) {
	r := g.r
	if !r.brk.allow() {
		return "", ErrRedisPaused
	}
	ctx = context.WithoutCancel(ctx)
	v, err := bumpScript.Run(ctx, r.client, []string{r.prefix + sc}, strconv.FormatInt(retain.Milliseconds(), 10)).Text()
	if err == nil && v == "" {
		err = errors.New("cache: redis returned no generation")
	}
	if err != nil {
		r.failed(ctx, "generation", err)
		return "", err
	}
	r.succeeded()
	return v, nil
}
