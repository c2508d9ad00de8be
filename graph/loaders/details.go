package loaders

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// MaxDetailsInFlight bounds the upstream detail reads one request has in flight per source.
const MaxDetailsInFlight = 8

// DetailCacheBytes bounds the memory of the in-memory detail cache NewDetailCache returns.
const DetailCacheBytes = 32 << 20

// DetailKey names one upstream read of a repository's details: the source, a hash of the
// credential (providers.HashToken; never a token), the repository (providers.Repository.Identity),
// the field (details, branches, tags, languages, contributors, teams) and the upstream page.
type DetailKey struct {
	Source, Cred, Repo, Field string
	Page                      int
}

// String is the key's cache key.
func (k DetailKey) String() string {
	return "detail|" + k.Source + "|" + k.Cred + "|" + k.Repo + "|" + k.Field + "|" + strconv.Itoa(k.Page)
}

// Details is one request's loader of repository details: each DetailKey is read once per request
// (whatever fields, aliases and repositories ask for it), from the shared cache when it holds it,
// else from the forge, at most MaxDetailsInFlight at a time per source. Values are kept in the
// cache as JSON, sealed under the credential that read them where the cache is shared (Redis).
// The zero value is not usable: build it with NewDetails.
type Details struct {
	cache  *cache.Sealed[json.RawMessage] // nil: nothing shared between requests
	ttl    time.Duration
	loader *dataloader.Loader[DetailKey, any]
	reads  sync.Map // DetailKey -> read
	sems   sync.Map // source -> chan struct{}
	hashes sync.Map // token -> providers.HashToken(token), this request's
	// pending are the batches being collected, by source and credential hash (batchdetails.go).
	pmu     sync.Mutex
	pending map[string]*pendingBatch
	// staleFor is how long stale copies are kept (STALE_IF_ERROR; see stale.go); zero: none.
	staleFor time.Duration
	now      func() time.Time
}

// read is how one key is fetched and what its cached JSON decodes to; batched, when its Batcher
// is set, is how it may be fetched together with other keys of its source and credential.
type read struct {
	token   string
	fetch   func(context.Context) (any, error)
	decode  func(json.RawMessage) (any, error)
	batched Batched
}

// NewDetails returns one request's detail loader over c (nil: no cache), whose entries live ttl.
func NewDetails(c *cache.Sealed[json.RawMessage], ttl time.Duration) *Details {
	d := &Details{cache: c, ttl: ttl, now: time.Now}
	d.loader = dataloader.NewBatchedLoader(d.batch, dataloader.WithWait[DetailKey, any](Wait))
	return d
}

// NewDetailCache returns an in-memory cache for detail pages, bounded by DetailCacheBytes.
func NewDetailCache() *cache.Memory[json.RawMessage] {
	return cache.NewMemoryBytes(DetailCacheBytes, func(v json.RawMessage) int64 { return int64(len(v)) + 64 })
}

// Load returns the value of key, read with token: from this request's earlier loads, the cache
// (decode turns the cached JSON back into the value; a value that does not decode is a miss), or
// fetch (called at most once per key per request; its successful results are cached as JSON).
// Errors are fetch's.
func (d *Details) Load(ctx context.Context, key DetailKey, token string, fetch func(context.Context) (any, error), decode func(json.RawMessage) (any, error)) (any, error) {
	return d.LoadBatched(ctx, key, token, Batched{}, fetch, decode)
}

// LoadBatched is Load for a key that b says how to read together with the other keys of its
// source and credential that miss the cache in the same batch (see Batched); a zero b is Load.
// fetch is still what reads it alone (never called when b batches it). Errors are fetch's, or the
// batch's error for this key.
func (d *Details) LoadBatched(ctx context.Context, key DetailKey, token string, b Batched, fetch func(context.Context) (any, error), decode func(json.RawMessage) (any, error)) (any, error) {
	d.reads.LoadOrStore(key, read{token: token, fetch: fetch, decode: decode, batched: b})
	return d.loader.Load(ctx, key)()
}

// CredHash returns providers.HashToken(token), computed once per request and token (an HMAC per
// detail key was a tenth of a warm dashboard page's CPU).
func (d *Details) CredHash(token string) string {
	if h, ok := d.hashes.Load(token); ok {
		return h.(string)
	}
	h := providers.HashToken(token)
	d.hashes.Store(token, h)
	return h
}

// cached returns the cache's value of key, false on a miss; JSON it decoded before is not decoded
// again (decodedMemo).
func (d *Details) cached(ctx context.Context, k DetailKey, rd read) (any, bool) {
	if d.cache == nil {
		return nil, false
	}
	key := k.String()
	raw, ok := d.cache.Get(ctx, k.Source, rd.token, key)
	if !ok {
		return nil, false
	}
	if v, ok := decoded.get(key, raw); ok {
		return v, true
	}
	v, err := rd.decode(raw)
	if err != nil {
		return nil, false
	}
	decoded.put(key, raw, v)
	return v, true
}

// batch fetches keys in parallel, at most MaxDetailsInFlight upstream requests per source: keys
// in the cache are answered from it; keys whose source batches them (read.batched) join the
// pending batch of their source and credential (batchdetails.go: collected for BatchWindow, also
// from later batches, then read MaxBatchDetails repositories per upstream request); the others
// are read one at a time.
func (d *Details) batch(ctx context.Context, keys []DetailKey) []*dataloader.Result[any] {
	out := make([]*dataloader.Result[any], len(keys))
	ctx, span := startBatch(ctx, "details", len(keys), func(i int) string { return keys[i].Source })
	cachedKeys := 0
	var wg sync.WaitGroup
	var waits []batchWait
	for i, k := range keys {
		x, _ := d.reads.Load(k)
		rd := x.(read)
		if v, ok := d.cached(ctx, k, rd); ok {
			out[i] = &dataloader.Result[any]{Data: v}
			cachedKeys++
			continue
		}
		if rd.batched.Batcher != nil {
			waits = append(waits, d.join(ctx, i, k, rd))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := d.acquire(ctx, k.Source)
			if err != nil {
				out[i] = &dataloader.Result[any]{Error: err}
				return
			}
			var v any
			func() {
				defer release()
				v, err = rd.fetch(ctx)
			}()
			out[i] = d.settle(ctx, k, rd, v, err)
		}()
	}
	wg.Wait()
	for _, w := range waits {
		<-w.p.done
		out[w.i] = w.p.out[w.pos]
	}
	if span != nil {
		endBatch(span, failures(out), cachedKeys)
	}
	return out
}

// acquire takes one of source's MaxDetailsInFlight slots, waiting for one; release gives it back.
// The error is ctx's when it ends first.
func (d *Details) acquire(ctx context.Context, source string) (release func(), err error) {
	s, _ := d.sems.LoadOrStore(source, make(chan struct{}, MaxDetailsInFlight))
	sem := s.(chan struct{})
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// settle is the result of reading k with rd: a value read is cached (and kept as k's stale copy);
// a failure is answered from k's stale copy when it may be (stale.go), else it is the result.
func (d *Details) settle(ctx context.Context, k DetailKey, rd read, v any, err error) *dataloader.Result[any] {
	if err == nil && d.cache != nil {
		if raw, jerr := json.Marshal(v); jerr == nil {
			d.cache.Set(ctx, k.Source, rd.token, k.String(), raw, d.ttl)
			d.keepStale(ctx, k, rd.token, raw)
		}
	}
	if err != nil {
		if sv, ok := d.stale(ctx, k, rd, err); ok {
			v, err = sv, nil
		}
	}
	return &dataloader.Result[any]{Data: v, Error: err}
}

type detailsKey struct{}

// DetailMiddleware puts a fresh Details over the shared cache c (entries live ttl) into each
// request's context, keeping no stale copies (see DetailMiddlewareWith).
func DetailMiddleware(c *cache.Sealed[json.RawMessage], ttl time.Duration, next http.Handler) http.Handler {
	return DetailMiddlewareWith(DetailOptions{Cache: c, TTL: ttl}, next)
}

// WithDetails returns ctx carrying d.
func WithDetails(ctx context.Context, d *Details) context.Context {
	return context.WithValue(ctx, detailsKey{}, d)
}

// DetailsFor returns the request's detail loader; outside a request (tests, tools) a new one
// without a cache.
func DetailsFor(ctx context.Context) *Details {
	if d, ok := ctx.Value(detailsKey{}).(*Details); ok {
		return d
	}
	return NewDetails(nil, 0)
}
