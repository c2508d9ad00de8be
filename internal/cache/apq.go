package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// MaxPersistedQueryBytes bounds the text of an automatic persisted query: APQ neither stores nor
// serves a longer one (the server refuses to register it, with a message saying to send the query
// without registering it).
const MaxPersistedQueryBytes = 32 << 10

// DefaultAPQTTL is how long a persisted query is kept when APQ.TTL is zero. A client whose query
// expired gets PERSISTED_QUERY_NOT_FOUND once and registers it again.
const DefaultAPQTTL = time.Hour

// DefaultAPQBudget is how many bytes of persisted queries one process writes per TTL when
// APQ.Budget is zero: with one hour, a replica's persisted queries in Redis never exceed twice
// this (the window being written and the one before it, still alive), whatever clients send.
const DefaultAPQBudget = 16 << 20

// APQMemoryBytes bounds the in-process store of persisted queries (NewAPQMemory).
const APQMemoryBytes = 8 << 20

// apqEntryOverhead is what an entry costs besides its text (key, expiry, bookkeeping), in bytes.
const apqEntryOverhead = 128

// NewAPQMemory returns an in-process store for APQ bounded by APQMemoryBytes: the least recently
// used queries go first.
func NewAPQMemory() *Memory[string] {
	return NewMemoryBytes(APQMemoryBytes, func(q string) int64 { return int64(len(q)) + apqEntryOverhead })
}

// APQ adapts a Cache to gqlgen's graphql.Cache[string], the store of automatic persisted queries
// (lower-case hex SHA-256 of the text -> text), so replicas share them through Redis. Queries are
// no user's data: they are stored unsealed, whatever the request's credentials. Because nothing
// seals them, a text read back is used only when its SHA-256 is its key and it is at most
// MaxPersistedQueryBytes long; anything else (a value altered in Redis, a key collision with
// something else) is a miss. Writes are bounded: at most Budget bytes per TTL per process, and no
// text over MaxPersistedQueryBytes. Build it with NewAPQ; it is safe for concurrent use.
type APQ struct {
	c      Cache[string]
	ttl    time.Duration
	budget int64
	now    func() time.Time

	mu        sync.Mutex
	windowEnd time.Time // end of the current write window (one TTL long)
	spent     int64     // bytes written in the current window
}

// NewAPQ returns a persisted-query store over c keeping each query for ttl (zero: DefaultAPQTTL)
// and writing at most budget bytes per ttl (zero: DefaultAPQBudget); past the budget new queries
// are not stored (they still run; their clients send them in full again) until the window ends.
func NewAPQ(c Cache[string], ttl time.Duration, budget int64) *APQ {
	if ttl <= 0 {
		ttl = DefaultAPQTTL
	}
	if budget <= 0 {
		budget = DefaultAPQBudget
	}
	return &APQ{c: c, ttl: ttl, budget: budget, now: time.Now}
}

// Get implements graphql.Cache[string]: the query stored under key, if its SHA-256 is key.
func (a *APQ) Get(ctx context.Context, key string) (string, bool) {
	q, ok := a.c.Get(ctx, key)
	if !ok || !validPersisted(key, q) {
		return "", false
	}
	return q, true
}

// Add implements graphql.Cache[string]: it stores query under key when the key is its SHA-256, it
// is at most MaxPersistedQueryBytes long and the write budget allows; otherwise it does nothing.
func (a *APQ) Add(ctx context.Context, key, query string) {
	if !validPersisted(key, query) || !a.spend(int64(len(key)+len(query))+apqEntryOverhead) {
		return
	}
	a.c.Set(ctx, key, query, a.ttl)
}

// spend takes n bytes from the current window's budget; false when they are not left.
func (a *APQ) spend(n int64) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if now := a.now(); !now.Before(a.windowEnd) {
		a.windowEnd, a.spent = now.Add(a.ttl), 0
	}
	if a.spent+n > a.budget {
		return false
	}
	a.spent += n
	return true
}

// validPersisted tells whether query may be stored or served under key: not over
// MaxPersistedQueryBytes, and key is the lower-case hex SHA-256 of it.
func validPersisted(key, query string) bool {
	if len(query) > MaxPersistedQueryBytes || len(key) != 2*sha256.Size {
		return false
	}
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:]) == key
}
