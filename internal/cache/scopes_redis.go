package cache

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

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
// milliseconds, and returns it.
var bumpScript = redis.NewScript(`
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
