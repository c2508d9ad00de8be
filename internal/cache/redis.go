package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Observer is told about every Redis operation that failed ("get", "set", "delete", "lock",
// "unlock", "generation"), every
// value that could not be stored ("encode") and every stored value that could not be read back
// ("decode", e.g. sealed for another credential or altered); it feeds metrics. Operations skipped
// while Redis is paused after a failure are not reported.
type Observer func(op string, err error)

// DefaultRedisTimeout is the dial, read and write timeout NewRedisClient sets when the URL does not:
// a Redis that does not answer costs the request that finds out about twice this (one retry), and
// then nothing for RedisPause.
const DefaultRedisTimeout = 300 * time.Millisecond

// RedisPause is how long every cache over a client skips Redis after one of its operations failed.
// One operation then probes it again; a success ends the pause.
const RedisPause = time.Second

// redisLogEvery bounds how often a process logs that Redis fails.
const redisLogEvery = 10 * time.Second

// defaultLockTTL bounds a lock taken with no ttl.
const defaultLockTTL = 10 * time.Second

// ErrRedisPaused is Lock's error while Redis is skipped after a failure.
var ErrRedisPaused = errors.New("cache: redis failed a moment ago; not asking it for now")

// errNoSecret is a sealed value read without a secret (a miss, not a failure), or a user's value
// given no secret to seal it with (not stored).
var errNoSecret = errors.New("cache: no secret to seal or open a user's value with")

// NewRedisClient returns a client for url (redis://[user:password@]host:port/db, rediss:// for TLS)
// with timeouts short enough that a dead Redis does not slow answers: dial, read and write
// DefaultRedisTimeout, pool wait 500 ms, one retry; options given in the URL's query (dial_timeout,
// read_timeout, ...) win. Errors never contain the password.
func NewRedisClient(rawURL string) (*redis.Client, error) {
	opt, err := ParseRedisURL(rawURL)
	if err != nil {
		return nil, err
	}
	if opt.DialTimeout == 0 {
		opt.DialTimeout = DefaultRedisTimeout
	}
	if opt.ReadTimeout == 0 {
		opt.ReadTimeout = DefaultRedisTimeout
	}
	if opt.WriteTimeout == 0 {
		opt.WriteTimeout = DefaultRedisTimeout
	}
	if opt.PoolTimeout == 0 {
		opt.PoolTimeout = 500 * time.Millisecond
	}
	if opt.MaxRetries == 0 {
		opt.MaxRetries = 1
	}
	if opt.MaxRetryBackoff == 0 {
		opt.MaxRetryBackoff = 50 * time.Millisecond
	}
	redisLogger.Do(func() { redis.SetLogger(slogLogger{}) })
	return redis.NewClient(opt), nil
}

// ParseRedisURL parses a Redis URL like redis.ParseURL, but its errors never repeat the URL (which
// may hold a password).
func ParseRedisURL(rawURL string) (*redis.Options, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // *url.Error quotes the whole URL
		}
		return nil, err
	}
	return opt, nil
}

var redisLogger sync.Once

// slogLogger sends go-redis's own log lines to slog (JSON on stderr) instead of plain text.
type slogLogger struct{}

func (slogLogger) Printf(ctx context.Context, format string, v ...any) {
	slog.Default().DebugContext(ctx, "redis client: "+fmt.Sprintf(format, v...))
}

// Redis is a Cache (and a Locker) in Redis, shared by every replica using the same Redis and prefix.
// Values are JSON with a time to live; a value set with SetSealed is sealed with
// AES-256-GCM under a key derived from the secret and the Redis key (HKDF-SHA256), so Redis alone
// reveals nothing and a value sealed for one credential does not open for another (a miss).
//
// Redis failing never fails a caller: a Get is a miss, a Set is dropped, a Lock returns an error (go
// on without the lock). After a failure every cache over the same client skips Redis for RedisPause,
// so a Redis that is down costs requests nothing; failures are counted through the Observer and
// logged at most once per 10 s. The client reconnects by itself when Redis is back.
type Redis[V any] struct {
	client  *redis.Client
	prefix  string
	observe Observer
	// token is the value of the locks this cache takes (random per cache; a process builds one page
	// store, so per process in practice). Unlock deletes a lock only when it still holds it.
	token string
	// held are the keys of the locks this cache took and has not released: Unlock of any other key
	// costs nothing.
	held         sync.Map
	brk          *breaker
	hits, misses atomic.Int64
}

// NewRedis returns a cache over client whose Redis keys are prefix + key; m may be nil.
func NewRedis[V any](client *redis.Client, prefix string, m Observer) *Redis[V] {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	brk, _ := breakers.LoadOrStore(client, &breaker{})
	return &Redis[V]{client: client, prefix: prefix, observe: m, token: hex.EncodeToString(b), brk: brk.(*breaker)}
}

// Get implements Cache: an unsealed value (a sealed one is a miss).
func (r *Redis[V]) Get(ctx context.Context, key string) (V, bool) {
	v, ok, _ := r.lookup(ctx, "", key)
	return v, ok
}

// GetSealed implements Backend: a value sealed with secret (an unsealed one, or one sealed with
// another secret, is a miss).
func (r *Redis[V]) GetSealed(ctx context.Context, secret, key string) (V, bool) {
	if secret == "" {
		var zero V
		return zero, false
	}
	v, ok, _ := r.lookup(ctx, secret, key)
	return v, ok
}

// lookup is Get (secret "") or GetSealed that also returns ErrRedisPaused or Redis's error when
// Redis did not answer (a value that does not decode is a miss, not an error).
func (r *Redis[V]) lookup(ctx context.Context, secret, key string) (V, bool, error) {
	var zero V
	if !r.brk.allow() {
		r.misses.Add(1)
		return zero, false, ErrRedisPaused
	}
	k := r.prefix + key
	b, err := r.client.Get(ctx, k).Bytes()
	if err != nil {
		r.misses.Add(1)
		if errors.Is(err, redis.Nil) {
			r.succeeded()
			return zero, false, nil
		}
		r.failed(ctx, "get", err)
		return zero, false, err
	}
	r.succeeded()
	v, err := decode[V](secret, k, b)
	if err != nil {
		if !errors.Is(err, errNoSecret) && r.observe != nil {
			r.observe("decode", err)
		}
		r.misses.Add(1)
		return zero, false, nil
	}
	r.hits.Add(1)
	return v, true, nil
}

// Set implements Cache: v is stored unsealed. A ttl of zero or less stores nothing. The write is not
// canceled with ctx (the value is worth keeping when the request that fetched it has gone).
func (r *Redis[V]) Set(ctx context.Context, key string, v V, ttl time.Duration) {
	r.set(ctx, "", key, v, ttl)
}

// SetSealed implements Backend: v is sealed with secret. An empty secret stores nothing (observed
// as "encode": a user's value is never written unsealed).
func (r *Redis[V]) SetSealed(ctx context.Context, secret, key string, v V, ttl time.Duration) {
	if secret == "" {
		if r.observe != nil {
			r.observe("encode", errNoSecret)
		}
		return
	}
	r.set(ctx, secret, key, v, ttl)
}

func (r *Redis[V]) set(ctx context.Context, secret, key string, v V, ttl time.Duration) {
	if ttl <= 0 || !r.brk.allow() {
		return
	}
	k := r.prefix + key
	b, err := encode(secret, k, v)
	if err != nil {
		if r.observe != nil {
			r.observe("encode", err)
		}
		return
	}
	ctx = context.WithoutCancel(ctx)
	if err := r.client.Set(ctx, k, b, ttl).Err(); err != nil {
		r.failed(ctx, "set", err)
		return
	}
	r.succeeded()
}

// Delete implements Cache: DEL prefix+key (not canceled with ctx). Skipped while Redis is paused.
func (r *Redis[V]) Delete(ctx context.Context, key string) {
	if !r.brk.allow() {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if err := r.client.Del(ctx, r.prefix+key).Err(); err != nil {
		r.failed(ctx, "delete", err)
		return
	}
	r.succeeded()
}

// Lock implements Locker: SET key token NX PX ttl.
func (r *Redis[V]) Lock(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if !r.brk.allow() {
		return false, ErrRedisPaused
	}
	if ttl <= 0 {
		ttl = defaultLockTTL
	}
	got, err := r.client.SetNX(ctx, r.prefix+key, r.token, ttl).Result()
	if err != nil {
		r.failed(ctx, "lock", err)
		return false, err
	}
	r.succeeded()
	if got {
		r.held.Store(key, struct{}{})
	}
	return got, nil
}

// unlock deletes KEYS[1] only when it holds ARGV[1], in one step.
var unlock = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// Unlock implements Locker: it deletes the lock only when this cache holds it, so a lock another
// replica holds (or took after this one's expired) is left alone; Unlock of a lock this cache did
// not take does not ask Redis at all. A lock that cannot be released expires by itself. While Redis
// is paused the attempt is made in the background: when only this replica's connection had a
// hiccup, other replicas waiting for the lock need not wait for its expiry.
func (r *Redis[V]) Unlock(ctx context.Context, key string) {
	if _, ok := r.held.LoadAndDelete(key); !ok {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if !r.brk.allow() {
		go r.unlock(ctx, key)
		return
	}
	r.unlock(ctx, key)
}

func (r *Redis[V]) unlock(ctx context.Context, key string) {
	if err := unlock.Run(ctx, r.client, []string{r.prefix + key}, r.token).Err(); err != nil && !errors.Is(err, redis.Nil) {
		r.failed(ctx, "unlock", err)
		return
	}
	r.succeeded()
}

// Stats returns the number of hits and misses so far (skipped and failed lookups are misses).
func (r *Redis[V]) Stats() (hits, misses int64) { return r.hits.Load(), r.misses.Load() }

func (r *Redis[V]) failed(ctx context.Context, op string, err error) {
	if ctx.Err() != nil {
		return // the caller left: not Redis's failure
	}
	r.brk.fail()
	if r.observe != nil {
		r.observe(op, err)
	}
	if logLimit(&lastFailureLog) {
		slog.Default().Warn("redis is failing: answering from the forges without the shared cache until it answers again",
			"op", op, "error", err.Error())
	}
}

func (r *Redis[V]) succeeded() {
	if r.brk.reset() && logLimit(&lastRecoveryLog) {
		slog.Default().Info("redis answers again: the shared cache is back in use")
	}
}

var lastFailureLog, lastRecoveryLog atomic.Int64

// logLimit reports whether a line may be logged now (at most once per redisLogEvery per last).
func logLimit(last *atomic.Int64) bool {
	now := time.Now().UnixNano()
	prev := last.Load()
	return now-prev >= int64(redisLogEvery) && last.CompareAndSwap(prev, now)
}

// breakers are the pause states by client: every cache over one client pauses together.
var breakers sync.Map // *redis.Client -> *breaker

// breaker skips Redis for RedisPause after a failure, then lets one operation probe it.
type breaker struct {
	until atomic.Int64 // unix nanoseconds until which Redis is skipped; 0: closed
}

func (b *breaker) allow() bool {
	u := b.until.Load()
	if u == 0 {
		return true
	}
	now := time.Now().UnixNano()
	if now < u {
		return false
	}
	// One caller probes; the others keep skipping until it succeeds or the next pause ends.
	return b.until.CompareAndSwap(u, now+int64(RedisPause))
}

func (b *breaker) fail() { b.until.Store(time.Now().Add(RedisPause).UnixNano()) }

// reset closes the breaker and reports whether it was open.
func (b *breaker) reset() bool { return b.until.Load() != 0 && b.until.Swap(0) != 0 }
