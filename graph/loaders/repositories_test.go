package loaders

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/providers"
)

// blockingSource answers Repository only once released, and records how many lookups it had in
// flight at most.
type blockingSource struct {
	entered           chan string
	release           chan struct{}
	inFlight, maxSeen atomic.Int64
}

func (s *blockingSource) Name() string { return "github" }
func (s *blockingSource) Providers() []providers.Provider {
	return []providers.Provider{providers.GitHub}
}
func (s *blockingSource) Streams(context.Context, providers.Query) ([]providers.Stream, error) {
	return nil, nil
}

func (s *blockingSource) Repository(ctx context.Context, _ string, id providers.GlobalID) (*providers.Repository, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for m := s.maxSeen.Load(); n > m && !s.maxSeen.CompareAndSwap(m, n); m = s.maxSeen.Load() {
	}
	s.entered <- id.NameWithOwner
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &providers.Repository{ForgeID: id.ForgeID, Provider: id.Provider, NameWithOwner: id.NameWithOwner}, nil
}

// TestRepositoryLookupsBoundedPerSource: thirty distinct lookups in one request have at most
// MaxLookupsInFlight upstream requests in flight, and all of them are answered.
func TestRepositoryLookupsBoundedPerSource(t *testing.T) {
	const n = 30
	src := &blockingSource{entered: make(chan string, n), release: make(chan struct{})}
	l := New(pages.New(cache.NewMemory[pages.Entry](10), time.Minute, 0))
	ctx := context.Background()
	var wg sync.WaitGroup
	got := make([]*providers.Repository, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := providers.GlobalID{Provider: providers.GitHub, ForgeID: fmt.Sprint(i + 1), NameWithOwner: fmt.Sprintf("octo/r%d", i)}
			got[i], errs[i] = l.Repository(ctx, src, "tok", id)
		}()
	}
	for range MaxLookupsInFlight {
		<-src.entered
	}
	// The bound is full: no further lookup may start until one ends. Give one the chance to.
	select {
	case name := <-src.entered:
		t.Errorf("lookup of %s started while %d were in flight", name, MaxLookupsInFlight)
	case <-time.After(100 * time.Millisecond):
	}
	close(src.release)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || got[i] == nil || got[i].NameWithOwner != fmt.Sprintf("octo/r%d", i) {
			t.Fatalf("lookup %d: %v %v", i, got[i], errs[i])
		}
	}
	if m := src.maxSeen.Load(); m > MaxLookupsInFlight {
		t.Fatalf("%d lookups were in flight at once, want at most %d", m, MaxLookupsInFlight)
	}
}
