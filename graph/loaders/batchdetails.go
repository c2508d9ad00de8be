package loaders

import (
	"context"
	"sync"

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

// batchGroup is the keys of one batch that miss the cache and share a source and a credential,
// whose source batches them: indexes into the batch's keys, in order, and the repositories they
// name, in order of first appearance.
type batchGroup struct {
	batcher providers.DetailBatcher
	token   string
	source  string
	byRepo  map[string][]int // DetailKey.Repo -> indexes of its keys
	repos   []string         // DetailKey.Repo, each once
	reads   map[int]read
}

// batchGroups are a batch's groups, in order of first appearance.
type batchGroups []*batchGroup

// add puts key i (k, read with rd) in the group of its source and credential.
func (gs *batchGroups) add(i int, k DetailKey, rd read) {
	var g *batchGroup
	for _, x := range *gs {
		if x.source == k.Source && x.token == rd.token {
			g = x
			break
		}
	}
	if g == nil {
		g = &batchGroup{batcher: rd.batched.Batcher, token: rd.token, source: k.Source, byRepo: map[string][]int{}, reads: map[int]read{}}
		*gs = append(*gs, g)
	}
	if _, seen := g.byRepo[k.Repo]; !seen {
		g.repos = append(g.repos, k.Repo)
	}
	g.byRepo[k.Repo] = append(g.byRepo[k.Repo], i)
	g.reads[i] = rd
}

// batchRead reads every group, providers.MaxBatchDetails repositories (with all their keys of the
// batch) per BatchDetails call, each call in its own goroutine (added to wg) holding one slot of
// its source's MaxDetailsInFlight. Each key's result (cached, kept stale, or answered from its
// stale copy as a key read alone is: settle) goes into out at its index.
func (d *Details) batchRead(ctx context.Context, wg *sync.WaitGroup, groups batchGroups, keys []DetailKey, out []*dataloader.Result[any]) {
	for _, g := range groups {
		for lo := 0; lo < len(g.repos); lo += providers.MaxBatchDetails {
			var idx []int
			for _, repo := range g.repos[lo:min(lo+providers.MaxBatchDetails, len(g.repos))] {
				idx = append(idx, g.byRepo[repo]...)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				reqs := make([]providers.DetailRequest, len(idx))
				for j, i := range idx {
					reqs[j] = g.reads[i].batched.Request
				}
				release, err := d.acquire(ctx, g.source)
				if err != nil {
					for _, i := range idx {
						out[i] = &dataloader.Result[any]{Error: err}
					}
					return
				}
				res := g.batcher.BatchDetails(ctx, g.token, reqs)
				release()
				for j, i := range idx {
					var v any
					err := error(providers.Errorf(providers.KindInternal, g.source, "the batched read gave no answer for %s", keys[i].Field))
					if j < len(res) {
						v, err = res[j].Value, res[j].Err
					}
					out[i] = d.settle(ctx, keys[i], g.reads[i], v, err)
				}
			}()
		}
	}
}
