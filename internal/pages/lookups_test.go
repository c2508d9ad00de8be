package pages

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// ttls is a cache recording the ttl of every Set and the secret it was set under.
type ttls struct {
	*cache.Memory[Found]
	mu      sync.Mutex
	ttl     map[string]time.Duration
	secrets map[string]string
}

func (c *ttls) SetSealed(ctx context.Context, secret, key string, v Found, ttl time.Duration) {
	c.mu.Lock()
	c.ttl[key], c.secrets[key] = ttl, secret
	c.mu.Unlock()
	c.Memory.Set(ctx, key, v, ttl)
}

func newTTLs() *ttls {
	return &ttls{Memory: cache.NewMemory[Found](100), ttl: map[string]time.Duration{}, secrets: map[string]string{}}
}

var testID = providers.GlobalID{Provider: providers.GitHub, ForgeID: "7", NameWithOwner: "octo/seven"}

func TestLookupsKeepFoundAndNotFoundPerCredential(t *testing.T) {
	c := newTTLs()
	l := NewLookups(cache.NewSealed[Found](c, nil), time.Minute)
	ctx := context.Background()
	var calls atomic.Int64
	found := func(context.Context) (*providers.Repository, error) {
		calls.Add(1)
		return &providers.Repository{ForgeID: "7", Provider: providers.GitHub, NameWithOwner: "octo/seven"}, nil
	}
	for range 3 {
		r, err := l.Get(ctx, "github", "tok-a", testID, found)
		if err != nil || r == nil || r.NameWithOwner != "octo/seven" {
			t.Fatalf("found: %v %v", r, err)
		}
		r.NameWithOwner = "changed by a caller" // callers get copies
	}
	if calls.Load() != 1 {
		t.Fatalf("a kept repository was fetched %d times", calls.Load())
	}
	kA := LookupKey("github", "tok-a", testID)
	if c.ttl[kA] != time.Minute || c.secrets[kA] != "tok-a" {
		t.Fatalf("found kept for %v sealed with %q, want 1m and the credential", c.ttl[kA], c.secrets[kA])
	}

	// Another credential asks for itself; the forge does not show it the repository: NotFound, kept
	// for MissTTL only.
	missing := func(context.Context) (*providers.Repository, error) {
		calls.Add(1)
		return nil, providers.Errorf(providers.KindNotFound, "github", "not found for this credential")
	}
	for range 2 {
		r, err := l.Get(ctx, "github", "tok-b", testID, missing)
		if r != nil || providers.KindOf(err) != providers.KindNotFound {
			t.Fatalf("other credential: %v %v", r, err)
		}
	}
	if calls.Load() != 2 {
		t.Fatalf("fetches %d, want 2 (one per credential)", calls.Load())
	}
	kB := LookupKey("github", "tok-b", testID)
	if kB == kA || c.ttl[kB] != MissTTL {
		t.Fatalf("not found kept for %v under %q (found under %q)", c.ttl[kB], kB, kA)
	}
	if hits, misses := l.Stats(); hits != 3 || misses != 2 {
		t.Fatalf("stats %d/%d", hits, misses)
	}
}

func TestLookupsDoNotKeepErrors(t *testing.T) {
	l := NewLookups(cache.NewSealed[Found](newTTLs(), nil), time.Minute)
	var calls atomic.Int64
	fail := func(context.Context) (*providers.Repository, error) {
		calls.Add(1)
		return nil, providers.Errorf(providers.KindUnavailable, "github", "502")
	}
	for range 2 {
		if _, err := l.Get(context.Background(), "github", "tok", testID, fail); providers.KindOf(err) != providers.KindUnavailable {
			t.Fatalf("error: %v", err)
		}
	}
	if calls.Load() != 2 {
		t.Fatalf("a failed lookup was kept: %d fetches", calls.Load())
	}
}

// TestLookupsConcurrentMissesAskOnce: callers that miss the same lookup at once share one fetch.
func TestLookupsConcurrentMissesAskOnce(t *testing.T) {
	l := NewLookups(cache.NewSealed[Found](newTTLs(), nil), time.Minute)
	var calls atomic.Int64
	entered, release := make(chan struct{}), make(chan struct{})
	fetch := func(context.Context) (*providers.Repository, error) {
		if calls.Add(1) == 1 {
			close(entered)
		}
		<-release
		return &providers.Repository{ForgeID: "7", NameWithOwner: "octo/seven"}, nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	get := func() {
		defer wg.Done()
		if _, err := l.Get(context.Background(), "github", "tok", testID, fetch); err != nil {
			errs <- err
		}
	}
	wg.Add(1)
	go get()
	<-entered // the first fetch is in flight: the others join it
	for range 9 {
		wg.Add(1)
		go get()
	}
	// Every later caller either joined the flight or, once it ended, found the kept value.
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Fatalf("10 concurrent lookups made %d fetches", calls.Load())
	}
}
