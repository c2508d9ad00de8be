package loaders

import (
	"context"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/forgegraph/forgegraph/providers"
)

// Batched says how a detail key may be read together with other keys: Batcher (the key's source)
// answers Request in one upstream request with other repositories' requests
// (providers.DetailBatcher). The value it gives for Request must be what the key's own fetch
// returns, since both are cached under the key. The zero value (nil Batcher) reads the key alone.
type Batched struct {
	Batcher providers.DetailBatcher
	Request providers.DetailRequest
}

// BatchWindow is how long the keys a source batches are collected before their upstream requests
// go: from the first such key of a source and credential that misses the cache, keys of later
// dataloader batches (resolvers that ran after the loader's Wait) join the same requests.
const BatchWindow = 5 * time.Millisecond

// pendingBatch is the keys of one source and credential, which its source batches, collected
// during BatchWindow; out and done are filled by flush.
type pendingBatch struct {
	batcher providers.DetailBatcher
	source  string
	token   string
	keys    []DetailKey
	reads   []read
	out     []*dataloader.Result[any] // by position in keys; set before done is closed
	done    chan struct{}
}

// batchWait is a key of a dataloader batch waiting for its pending batch.
type batchWait struct {
	i   int // index in the dataloader batch
	p   *pendingBatch
	pos int // index in p.keys
}

// join adds key k (read with rd) to the pending batch of its source and credential, opening one
// (flushed after BatchWindow) when there is none, and returns where its result will be.
func (d *Details) join(ctx context.Context, i int, k DetailKey, rd read) batchWait {
	gk := k.Source + "\x00" + k.Cred
	d.pmu.Lock()
	defer d.pmu.Unlock()
	p := d.pending[gk]
	if p == nil {
		if d.pending == nil {
			d.pending = map[string]*pendingBatch{}
		}
		p = &pendingBatch{batcher: rd.batched.Batcher, source: k.Source, token: rd.token, done: make(chan struct{})}
		d.pending[gk] = p
		go d.flush(ctx, gk, p)
	}
	p.keys = append(p.keys, k)
	p.reads = append(p.reads, rd)
	return batchWait{i: i, p: p, pos: len(p.keys) - 1}
}

// flush waits BatchWindow (or for ctx to end), closes p to new keys, and reads its keys
// providers.MaxBatchDetails repositories (with all their keys) per BatchDetails call, the calls in
// parallel, each holding one slot of the source's MaxDetailsInFlight. Each key's result (cached,
// kept stale, or answered from its stale copy, as a key read alone is: settle) goes into p.out.
func (d *Details) flush(ctx context.Context, gk string, p *pendingBatch) {
	t := time.NewTimer(BatchWindow)
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
	}
	d.pmu.Lock()
	if d.pending[gk] == p {
		delete(d.pending, gk)
	}
	d.pmu.Unlock()
	p.out = make([]*dataloader.Result[any], len(p.keys))
	byRepo := map[string][]int{}
	var repos []string
	for j, k := range p.keys {
		if _, seen := byRepo[k.Repo]; !seen {
			repos = append(repos, k.Repo)
		}
		byRepo[k.Repo] = append(byRepo[k.Repo], j)
	}
	var wg sync.WaitGroup
	for lo := 0; lo < len(repos); lo += providers.MaxBatchDetails {
		var idx []int
		for _, repo := range repos[lo:min(lo+providers.MaxBatchDetails, len(repos))] {
			idx = append(idx, byRepo[repo]...)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.readChunk(ctx, p, idx)
		}()
	}
	wg.Wait()
	close(p.done)
}

// readChunk reads p's keys at idx with one BatchDetails call holding one in-flight slot.
func (d *Details) readChunk(ctx context.Context, p *pendingBatch, idx []int) {
	release, err := d.acquire(ctx, p.source)
	if err != nil {
		for _, j := range idx {
			p.out[j] = &dataloader.Result[any]{Error: err}
		}
		return
	}
	reqs := make([]providers.DetailRequest, len(idx))
	for n, j := range idx {
		reqs[n] = p.reads[j].batched.Request
	}
	var res []providers.DetailResult
	func() {
		defer release()
		res = p.batcher.BatchDetails(ctx, p.token, reqs)
	}()
	for n, j := range idx {
		var v any
		err := error(providers.Errorf(providers.KindInternal, p.source, "the batched read gave no answer for %s", p.keys[j].Field))
		if n < len(res) {
			v, err = res[n].Value, res[n].Err
		}
		p.out[j] = d.settle(ctx, p.keys[j], p.reads[j], v, err)
	}
}
