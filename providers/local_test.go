package providers_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/cache/cachetest"
	"github.com/forgegraph/forgegraph/providers"
)

// TestLocalReplicasReadOnce: two replicas (two Locals) sharing a locking cache read a whole list
// once between them when both miss it at the same time, and serve the same sorted pages.
func TestLocalReplicasReadOnce(t *testing.T) {
	signal := &lockSignal[[]providers.Repository]{Shared: cachetest.NewShared[[]providers.Repository](16), lost: make(chan struct{})}
	shared := cache.NewSealed[[]providers.Repository](signal, nil)
	a := providers.NewLocal(shared, 0, time.Minute)
	b := providers.NewLocal(shared, 0, time.Minute)
	var reads atomic.Int64
	release := make(chan struct{})
	entered := make(chan struct{})
	read := func(ctx context.Context, max int) ([]providers.Repository, error) {
		if reads.Add(1) == 1 {
			close(entered)
		}
		<-release
		out := make([]providers.Repository, 150)
		for i := range out {
			out[i] = providers.Repository{Provider: providers.GitLab, ForgeID: fmt.Sprint(i),
				NameWithOwner: fmt.Sprintf("group/repo-%03d", (i*37)%150)}
		}
		return out, nil
	}
	q := providers.Query{Token: "tok", Order: providers.Order{Sort: providers.SortFullName, Direction: providers.Asc}}
	pages := make([]providers.Page, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, l := range []*providers.Local{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages[i], errs[i] = l.Stream("gitlab", "gitlab", q, "all", read, nil).FetchPage(context.Background(), 1, "")
		}()
		if i == 0 {
			<-entered // replica a holds the lock and reads
		} else {
			<-signal.lost // replica b found the lock taken and waits for a's list
		}
	}
	close(release)
	wg.Wait()
	for i := range pages {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		if len(pages[i].Items) != 50 || pages[i].Total != 150 || pages[i].More {
			t.Fatalf("replica %d: page 1 has %d items, total %d, more %v; want 50, 150, false", i, len(pages[i].Items), pages[i].Total, pages[i].More)
		}
		if got := pages[i].Items[0].NameWithOwner; got != "group/repo-100" {
			t.Fatalf("replica %d: page 1 starts with %s, want group/repo-100", i, got)
		}
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("the whole list was read %d times by two replicas sharing a cache, want 1", n)
	}
}

// lockSignal is a shared cache that closes lost the first time a Lock is refused: a test waits on it
// to know a replica is waiting for another one's read, instead of sleeping.
type lockSignal[V any] struct {
	*cachetest.Shared[V]
	lost chan struct{}
	once sync.Once
}

// Lock implements cache.Locker.
func (c *lockSignal[V]) Lock(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	ok, err := c.Shared.Lock(ctx, key, ttl)
	if err == nil && !ok {
		c.once.Do(func() { close(c.lost) })
	}
	return ok, err
}
