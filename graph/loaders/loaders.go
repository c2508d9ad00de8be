// Package loaders builds the per-request dataloaders: every upstream page a request reads goes
// through one loader keyed by stream (source, credential hash, order, filter) and page index, so
// aliases, totalCount and edges of one request share their fetches, and misses go to the shared page
// store together. Repository lookups (Query.node) go through another, keyed by source, credential
// hash and id, to the store's Lookups, a bounded number at a time.
package loaders

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/providers"
)

// Wait is how long a loader collects keys before fetching them.
const Wait = time.Millisecond

type pageKey struct {
	stream string
	index  int
}

// Loaders is one request's loaders. The zero value is not usable: build it with New.
type Loaders struct {
	store   *pages.Store
	streams sync.Map // stream ID -> providers.Stream
	pages   *dataloader.Loader[pageKey, providers.Page]
	repos   repositories // made on the first Repository call
	local   sync.Map     // "stream ID#page" -> *localRead: pages of Uncached streams, once per request
	fresh   sync.Map     // pageKey -> providers.Page: pages Fresh found fresh, for this request's Fetch
}

// localRead is one read of a page of an Uncached stream in this request, shared by its callers.
type localRead struct {
	once sync.Once
	p    providers.Page
	err  error
}

// uncached returns page i of the Uncached stream s through the store, read once per request
// whatever asks for it (the page and totalCount of a connection, both directions), failures
// included: a forge that fails is asked once per page per request, not once per reader.
func (l *Loaders) uncached(ctx context.Context, s providers.Stream, i int) (providers.Page, error) {
	x, _ := l.local.LoadOrStore(s.ID()+"#"+strconv.Itoa(i), &localRead{})
	r := x.(*localRead)
	r.once.Do(func() { r.p, r.err = l.store.Fetch(ctx, s, i) })
	return r.p, r.err
}

// New returns loaders for one request over the shared store.
func New(store *pages.Store) *Loaders {
	l := &Loaders{store: store}
	l.pages = dataloader.NewBatchedLoader(l.batch, dataloader.WithWait[pageKey, providers.Page](Wait))
	return l
}

// batch fetches the pages of keys in parallel through the store.
func (l *Loaders) batch(ctx context.Context, keys []pageKey) []*dataloader.Result[providers.Page] {
	out := make([]*dataloader.Result[providers.Page], len(keys))
	ctx, span := startBatch(ctx, "pages", len(keys), func(i int) string {
		v, _ := l.streams.Load(keys[i].stream)
		return v.(providers.Stream).Source()
	})
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _ := l.streams.Load(k.stream)
			p, err := l.store.Fetch(ctx, v.(providers.Stream), k.index)
			out[i] = &dataloader.Result[providers.Page]{Data: p, Error: err}
		}()
	}
	wg.Wait()
	if span != nil {
		endBatch(span, failures(out), 0)
	}
	return out
}

// Fetch is a providers.Fetcher: page i of s, once per request; fresh pages come straight from the
// store and pages of lists held in memory (local sorts) through the store (which keeps only their
// stale-if-error copies) straight from the stream, without waiting for a batch.
func (l *Loaders) Fetch(ctx context.Context, s providers.Stream, i int) (providers.Page, error) {
	if _, ok := s.(pages.Uncached); ok {
		return l.uncached(ctx, s, i)
	}
	if p, ok := l.fresh.Load(pageKey{stream: s.ID(), index: i}); ok {
		return p.(providers.Page), nil
	}
	if p, ok := l.store.Fresh(ctx, s, i); ok {
		pageCacheHit(ctx, s.Source(), i)
		return p, nil
	}
	l.streams.LoadOrStore(s.ID(), s)
	return l.pages.Load(ctx, pageKey{stream: s.ID(), index: i})()
}

// Fresh reports whether the store holds a fresh copy of page i of s (for an Uncached stream:
// whether its list is held in memory, pages.Held, then read), and keeps it for this request's Fetch, which then returns it without asking the
// store again. A caller that would start a fetch in the background checks this first: a warm page
// needs no goroutine.
func (l *Loaders) Fresh(ctx context.Context, s providers.Stream, i int) bool {
	if _, ok := s.(pages.Uncached); ok {
		// A list held in memory is read now, once for the request (uncached keeps it).
		if h, ok := s.(pages.Held); ok && h.Held(ctx) {
			_, err := l.uncached(ctx, s, i)
			return err == nil
		}
		return false
	}
	k := pageKey{stream: s.ID(), index: i}
	if _, ok := l.fresh.Load(k); ok {
		return true
	}
	p, ok := l.store.Fresh(ctx, s, i)
	if ok {
		pageCacheHit(ctx, s.Source(), i)
		l.fresh.Store(k, p)
	}
	return ok
}

type ctxKey struct{}

// Middleware puts fresh Loaders for each request into its context.
func Middleware(store *pages.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), New(store))))
	})
}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the request's loaders; outside a request (tests, tools) it returns loaders over store.
func For(ctx context.Context, store *pages.Store) *Loaders {
	if l, ok := ctx.Value(ctxKey{}).(*Loaders); ok {
		return l
	}
	return New(store)
}
