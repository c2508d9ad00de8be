package loaders

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/forgegraph/forgegraph/internal/cache"
)

// MaxDetailsInFlight bounds the upstream detail reads one request has in flight per source.
const MaxDetailsInFlight = 8

// DetailCacheEntries bounds the detail pages a replica keeps (a page is at most 100 refs,
// contributors or teams, or one repository's details or languages).
const DetailCacheEntries = 2048

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
// else from the forge, at most MaxDetailsInFlight at a time per source. The zero value is not
// usable: build it with NewDetails.
type Details struct {
	cache  cache.Cache[any] // nil: nothing shared between requests
	ttl    time.Duration
	loader *dataloader.Loader[DetailKey, any]
	fetch  sync.Map // DetailKey -> func(context.Context) (any, error)
	sems   sync.Map // source -> chan struct{}
}

// NewDetails returns one request's detail loader over c (nil: no cache), whose entries live ttl.
func NewDetails(c cache.Cache[any], ttl time.Duration) *Details {
	d := &Details{cache: c, ttl: ttl}
	d.loader = dataloader.NewBatchedLoader(d.batch, dataloader.WithWait[DetailKey, any](Wait))
	return d
}

// NewDetailCache returns the in-memory cache detail pages are kept in, DetailCacheEntries of them.
func NewDetailCache() cache.Cache[any] { return cache.NewMemory[any](DetailCacheEntries) }

// Load returns the value of key: from this request's earlier loads, the cache, or fetch (called at
// most once per key per request; its successful results are cached). Errors are fetch's.
func (d *Details) Load(ctx context.Context, key DetailKey, fetch func(context.Context) (any, error)) (any, error) {
	if d.cache != nil {
		if v, ok := d.cache.Get(ctx, key.String()); ok {
			return v, nil
		}
	}
	d.fetch.LoadOrStore(key, fetch)
	return d.loader.Load(ctx, key)()
}

// batch fetches keys in parallel, at most MaxDetailsInFlight per source.
func (d *Details) batch(ctx context.Context, keys []DetailKey) []*dataloader.Result[any] {
	out := make([]*dataloader.Result[any], len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _ := d.sems.LoadOrStore(k.Source, make(chan struct{}, MaxDetailsInFlight))
			sem := s.(chan struct{})
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = &dataloader.Result[any]{Error: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			f, _ := d.fetch.Load(k)
			v, err := f.(func(context.Context) (any, error))(ctx)
			if err == nil && d.cache != nil {
				d.cache.Set(ctx, k.String(), v, d.ttl)
			}
			out[i] = &dataloader.Result[any]{Data: v, Error: err}
		}()
	}
	wg.Wait()
	return out
}

type detailsKey struct{}

// DetailMiddleware puts a fresh Details over the shared cache c (entries live ttl) into each
// request's context.
func DetailMiddleware(c cache.Cache[any], ttl time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithDetails(r.Context(), NewDetails(c, ttl))))
	})
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
