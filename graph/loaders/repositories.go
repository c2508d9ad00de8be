package loaders

import (
	"context"
	"sync"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/providers"
)

// MaxLookupsInFlight bounds the repository lookups one request has in flight per source: a query
// with many node fields is answered a few upstream requests at a time, not all at once.
const MaxLookupsInFlight = 8

// lookup is one repository lookup: source, credential and id. The key of its loader is
// pages.LookupKey (source, credential hash, provider, forge id and path).
type lookup struct {
	source providers.Source
	token  string
	id     providers.GlobalID
}

// repositories is the request's repository loader and what it needs to answer its keys.
type repositories struct {
	once    sync.Once
	loader  *dataloader.Loader[string, *providers.Repository]
	lookups sync.Map // key -> lookup
	gates   sync.Map // source name -> chan struct{} of capacity MaxLookupsInFlight
}

// Repository returns id as src shows it to token, once per request for each source, credential and
// id: identical lookups in one request (aliases of one node) share one answer, and distinct ones go
// through the store's Lookups (kept per credential across requests), at most MaxLookupsInFlight
// upstream requests at a time per source. A repository the credential cannot see is a KindNotFound
// error; other errors are src's.
func (l *Loaders) Repository(ctx context.Context, src providers.Source, token string, id providers.GlobalID) (*providers.Repository, error) {
	r := &l.repos
	r.once.Do(func() {
		r.loader = dataloader.NewBatchedLoader(l.lookupBatch, dataloader.WithWait[string, *providers.Repository](Wait))
	})
	k := pages.LookupKey(src.Name(), token, id)
	r.lookups.LoadOrStore(k, lookup{source: src, token: token, id: id})
	repo, err := r.loader.Load(ctx, k)()
	if err != nil || repo == nil {
		return nil, err
	}
	// Fields of one request may hold the same answer: each gets its own copy.
	c := *repo
	return &c, nil
}

// lookupBatch answers keys in parallel, each through the store's Lookups when it has them.
func (l *Loaders) lookupBatch(ctx context.Context, keys []string) []*dataloader.Result[*providers.Repository] {
	out := make([]*dataloader.Result[*providers.Repository], len(keys))
	ctx, span := startBatch(ctx, "lookups", len(keys), func(i int) string {
		v, _ := l.repos.lookups.Load(keys[i])
		return v.(lookup).source.Name()
	})
	var wg sync.WaitGroup
	for i, k := range keys {
		v, _ := l.repos.lookups.Load(k)
		lk := v.(lookup)
		wg.Add(1)
		go func() {
			defer wg.Done()
			repo, err := l.lookupOne(ctx, lk)
			out[i] = &dataloader.Result[*providers.Repository]{Data: repo, Error: err}
		}()
	}
	wg.Wait()
	if span != nil {
		endBatch(span, failures(out), 0)
	}
	return out
}

// lookupOne answers one lookup from the store's Lookups, asking the source through the request's
// gate for it.
func (l *Loaders) lookupOne(ctx context.Context, lk lookup) (*providers.Repository, error) {
	fetch := func(ctx context.Context) (*providers.Repository, error) {
		g, _ := l.repos.gates.LoadOrStore(lk.source.Name(), make(chan struct{}, MaxLookupsInFlight))
		gate := g.(chan struct{})
		select {
		case gate <- struct{}{}:
		case <-ctx.Done():
			return nil, providers.AsError(ctx.Err(), lk.source.Name())
		}
		defer func() { <-gate }()
		return lk.source.Repository(ctx, lk.token, lk.id)
	}
	if l.store == nil || l.store.Lookups == nil {
		return fetch(ctx)
	}
	return l.store.Lookups.Get(ctx, lk.source.Name(), lk.token, lk.id, fetch)
}
