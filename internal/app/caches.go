package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/forgegraph/forgegraph/graph/loaders"
	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/metrics"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// sharedCaches are the caches a replica keeps: in memory, or shared with other replicas in Redis.
// A user's data (pages, whole lists, lookups, workspace listings) is kept Sealed, per credential,
// under the generations of scopes, which Invalidate changes; rate-limit state and persisted queries
// are no user's data and are kept Plain.
type sharedCaches struct {
	scopes               *cache.Scopes
	pages                *cache.Sealed[pages.Entry]
	lists                *cache.Sealed[[]providers.Repository]
	lookups              *cache.Sealed[pages.Found] // single repositories (Query.node)
	workspaces           *cache.Sealed[[]string]
	limits               cache.Cache[rest.Rate]
	apq                  graphql.Cache[string]          // nil: the server's in-memory default
	details              *cache.Sealed[json.RawMessage] // repository detail pages (nested connections)
	replays              cache.Backend[json.RawMessage] // clientMutationId answers; nil: in memory
	pageStats, listStats func() (hits, misses int64)
}

// Redis key prefixes; keys after them hold hashes of credentials, never a token.
const (
	redisPages  = "forgegraph:v1:page:"
	redisLists  = "forgegraph:v1:list:"
	redisLimits = "forgegraph:v1:rate:"
	redisAPQ    = "forgegraph:v1:apq:"
	redisWS     = "forgegraph:v1:workspaces:"
	redisRepos  = "forgegraph:v1:repo:"
	redisDetail = "forgegraph:v1:detail:"
	redisGens   = "forgegraph:v1:gen:"
	redisReplay = "forgegraph:v1:mutation:"
)

// scopeRetain is how long an invalidation is remembered: longer than anything kept under a
// generation (pages kept for revalidation, lists, lookups, workspaces, replayed answers) lives, plus
// the longest request.
func scopeRetain(cfg config.Config) time.Duration {
	return max(cache.DefaultScopeRetain, 2*(cfg.CacheTTL+pages.DefaultKeep))
}

// lookupBytes is the memory for single-repository lookups: a sixteenth of the cache budget, at most
// 16 MiB (some ten thousand repositories).
func lookupBytes(cfg config.Config) int64 { return min(cfg.CacheMaxBytes/16, 16<<20) }

// caches returns the caches cfg asks for, and a function releasing them. With REDIS_URL, pages,
// whole lists (with a short-lived copy in memory), repository lookups, rate-limit state and
// persisted queries are shared through Redis; a Redis that is down at start (or later) only means
// answering from the forges.
func caches(ctx context.Context, cfg config.Config, m *metrics.Metrics, log *slog.Logger) (sharedCaches, func(), error) {
	if cfg.RedisURL == "" {
		scopes := cache.NewScopes(providers.HashToken, scopeRetain(cfg))
		pageCache := cache.NewMemoryBytes(cfg.CacheMaxBytes/2, pages.EntrySize)
		lists := cache.NewMemoryBytes(cfg.CacheMaxBytes/2, providers.SizeOf)
		log.Info("caches are in memory (REDIS_URL is not set): replicas do not share pages, lists, repository lookups, rate-limit state or persisted queries")
		return sharedCaches{scopes: scopes, pages: cache.NewSealed(pageCache, scopes), lists: cache.NewSealed(lists, scopes),
			limits:     cache.NewMemory[rest.Rate](10000),
			lookups:    cache.NewSealed(cache.NewMemoryBytes(lookupBytes(cfg), pages.FoundSize), scopes),
			workspaces: cache.NewSealed(cache.NewMemory[[]string](10000), scopes),
			details:    cache.NewSealed[json.RawMessage](loaders.NewDetailCache(), scopes),
			pageStats:  pageCache.Stats, listStats: lists.Stats}, func() {}, nil
	}
	client, err := cache.NewRedisClient(cfg.RedisURL)
	if err != nil {
		return sharedCaches{}, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	observe := func(op string, _ error) { m.RedisError(op) }
	// While Redis is down, each replica falls back to its own memory (as without REDIS_URL). Whole
	// lists are large and do not change while cached: a copy stays in memory for the walk's pages.
	pageCache := &cache.Fallback[pages.Entry]{Shared: cache.NewRedis[pages.Entry](client, redisPages, observe),
		Local: cache.NewMemoryBytes(cfg.CacheMaxBytes/2, pages.EntrySize)}
	lists := &cache.Tiered[[]providers.Repository]{Near: cache.NewMemoryBytes(cfg.CacheMaxBytes/2, providers.SizeOf),
		Far: cache.NewRedis[[]providers.Repository](client, redisLists, observe), NearTTL: 10 * time.Second}
	// Rate-limit state is set while a user's pages are fetched but read by Viewer.rateLimit without
	// the credential: it is stored unsealed (it holds no user data), and so bounded when read.
	limits := cache.Plain[rest.Rate]{C: cache.Checked[rest.Rate]{C: &cache.Fallback[rest.Rate]{Shared: cache.NewRedis[rest.Rate](client, redisLimits, observe),
		Local: cache.NewMemory[rest.Rate](10000)}, Check: rateCheck(time.Now)}}
	// Persisted queries are bounded per entry, in time and in bytes written (see cache.APQ).
	apq := cache.NewAPQ(&cache.Fallback[string]{Shared: cache.NewRedis[string](client, redisAPQ, observe),
		Local: cache.NewAPQMemory()}, 0, 0)
	workspaces := &cache.Fallback[[]string]{Shared: cache.NewRedis[[]string](client, redisWS, observe),
		Local: cache.NewMemory[[]string](10000)}
	// Repository lookups are a user's data, sealed per credential in Redis like pages.
	lookups := &cache.Fallback[pages.Found]{Shared: cache.NewRedis[pages.Found](client, redisRepos, observe),
		Local: cache.NewMemoryBytes(lookupBytes(cfg), pages.FoundSize)}
	// Repository details (branches, languages, ...) are a user's data: sealed like pages.
	details := &cache.Fallback[json.RawMessage]{Shared: cache.NewRedis[json.RawMessage](client, redisDetail, observe),
		Local: loaders.NewDetailCache()}
	// Generations of scopes: one Redis round trip per request reads all of its credentials' (see
	// server's scope middleware), one INCR-like write invalidates a credential on every replica.
	scopes := cache.NewRedisScopes(client, redisGens, providers.HashToken, scopeRetain(cfg), observe)
	c := sharedCaches{scopes: scopes, pages: cache.NewSealed(pageCache, scopes), lists: cache.NewSealed(lists, scopes),
		limits: limits, apq: apq, workspaces: cache.NewSealed(workspaces, scopes),
		lookups: cache.NewSealed(lookups, scopes), details: cache.NewSealed[json.RawMessage](details, scopes), pageStats: pageCache.Stats, listStats: lists.Stats,
		// clientMutationId answers, sealed with the credential, shared so a replica that did not
		// run the mutation answers its repeat (see graph.ReplayTTL).
		replays: &cache.Fallback[json.RawMessage]{Shared: cache.NewRedis[json.RawMessage](client, redisReplay, observe),
			Local: cache.NewMemory[json.RawMessage](10000)}}
	opt := client.Options() // logged without the password
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := client.Ping(pctx).Err(); err != nil {
		log.Warn("REDIS_URL is set but Redis does not answer yet: serving from the forges until it does",
			"redis_addr", opt.Addr, "redis_db", opt.DB, "error", err.Error())
	} else {
		log.Info("caches are shared through Redis: pages, lists, repository lookups, rate-limit state and persisted queries",
			"redis_addr", opt.Addr, "redis_db", opt.DB, "tls", opt.TLSConfig != nil)
	}
	return c, func() { _ = client.Close() }, nil
}
