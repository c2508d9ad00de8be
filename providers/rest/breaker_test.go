package rest

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// The circuit opens after Threshold failures (requests then fail fast with UPSTREAM_UNAVAILABLE and
// ResetAt = end of the cool-down, without reaching the forge), half-opens after it and lets one
// probe through; a failed probe doubles the cool-down, a successful one closes the circuit. Each
// change is logged once and reported to OnChange.
func TestBreakerOpensProbesAndCloses(t *testing.T) {
	var down atomic.Bool
	var hits atomic.Int64
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	})
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var logs syncBuffer
	var mu sync.Mutex
	var states []CircuitState
	b := &Breakers{Threshold: 3, CoolDown: 30 * time.Second, MaxCoolDown: 50 * time.Second, Now: clock.Now,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		OnChange: func(source string, s CircuitState) {
			mu.Lock()
			states = append(states, s)
			mu.Unlock()
		}}
	c.Options.Breakers = b
	ctx := context.Background()
	get := func() error { _, err := c.Get(ctx, "tok", "/x", nil, ""); return err }

	down.Store(true)
	for i := range 3 {
		if err := get(); providers.KindOf(err) != providers.KindUnavailable {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if s := b.State("test", c.Base.Host); s != CircuitOpen {
		t.Fatalf("after 3 failures: %v", s)
	}
	hits.Store(0)
	for range 10 {
		err := get()
		var pe *providers.Error
		if providers.KindOf(err) != providers.KindUnavailable || !asError(err, &pe) || !pe.ResetAt.Equal(clock.Now().Add(30*time.Second)) {
			t.Fatalf("open: %v", err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("an open circuit sent %d requests", hits.Load())
	}
	// Half-open: one probe; it fails, and the circuit opens for twice the cool-down (capped at 50s).
	clock.Add(30 * time.Second)
	if err := get(); providers.KindOf(err) != providers.KindUnavailable || hits.Load() != 1 {
		t.Fatalf("probe: %v, %d requests", err, hits.Load())
	}
	var pe *providers.Error
	if err := get(); !asError(err, &pe) || !pe.ResetAt.Equal(clock.Now().Add(50*time.Second)) || hits.Load() != 1 {
		t.Fatalf("reopened: %v, %d requests", err, hits.Load())
	}
	// The forge is back: the next probe closes the circuit.
	down.Store(false)
	clock.Add(50 * time.Second)
	if err := get(); err != nil {
		t.Fatalf("probe after recovery: %v", err)
	}
	if s := b.State("test", c.Base.Host); s != CircuitClosed {
		t.Fatalf("after a good probe: %v", s)
	}
	if err := get(); err != nil || hits.Load() != 3 {
		t.Fatalf("closed: %v, %d requests", err, hits.Load())
	}
	mu.Lock()
	got := states
	mu.Unlock()
	want := []CircuitState{CircuitOpen, CircuitHalfOpen, CircuitOpen, CircuitHalfOpen, CircuitClosed}
	if len(got) != len(want) {
		t.Fatalf("state changes %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("state changes %v, want %v", got, want)
		}
	}
	if n := strings.Count(logs.String(), "upstream circuit state changed"); n != len(want) {
		t.Fatalf("%d log lines for %d changes:\n%s", n, len(want), logs.String())
	}
}

// While a probe is in flight, other requests fail fast instead of joining it.
func TestBreakerOneProbeAtATime(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 10)
	var hits atomic.Int64
	var down atomic.Bool
	down.Store(true)
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if down.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		entered <- struct{}{}
		select {
		case <-release:
			_, _ = w.Write([]byte(`{}`))
		case <-r.Context().Done():
		}
	})
	clock := &fakeClock{t: time.Unix(0, 0)}
	b := &Breakers{Threshold: 1, Now: clock.Now, Logger: slog.New(slog.NewTextHandler(&syncBuffer{}, nil))}
	c.Options.Breakers = b
	ctx := context.Background()
	if _, err := c.Get(ctx, "tok", "/x", nil, ""); providers.KindOf(err) != providers.KindUnavailable {
		t.Fatal(err)
	}
	down.Store(false)
	clock.Add(DefaultCoolDown)
	done := make(chan error)
	go func() { _, err := c.Get(ctx, "tok", "/x", nil, ""); done <- err }()
	<-entered
	// Bounded, so that a breaker that let it through fails the test instead of hanging it.
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := c.Get(short, "tok", "/x", nil, ""); providers.KindOf(err) != providers.KindUnavailable || short.Err() != nil {
		t.Fatalf("second request while probing: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("probe: %v", err)
	}
	if hits.Load() != 2 {
		t.Fatalf("%d requests reached the forge, want 2", hits.Load())
	}
}

// A user's bad token (401s, also 403 and 404) never opens the circuit: another user's requests
// still go through.
func TestBreakerIgnoresBadTokens(t *testing.T) {
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Authorization") {
		case "Bearer good":
			_, _ = w.Write([]byte(`{}`))
		case "Bearer forbidden":
			w.WriteHeader(http.StatusForbidden)
		case "Bearer missing":
			w.WriteHeader(http.StatusNotFound)
		default:
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	b := &Breakers{Threshold: 2, Logger: slog.New(slog.NewTextHandler(&syncBuffer{}, nil))}
	c.Options.Breakers = b
	c.Options.Limits = cache.NewMemory[Rate](100)
	ctx := context.Background()
	for i := range 20 {
		tok := []string{"bad", "forbidden", "missing", "bad" + string(rune('a'+i))}[i%4]
		if _, err := c.Get(ctx, tok, "/x", nil, ""); err == nil {
			t.Fatalf("%s: no error", tok)
		}
	}
	if s := b.State("test", c.Base.Host); s != CircuitClosed {
		t.Fatalf("bad tokens set the circuit %v", s)
	}
	if _, err := c.Get(ctx, "good", "/x", nil, ""); err != nil {
		t.Fatalf("good token: %v", err)
	}
}

func asError(err error, pe **providers.Error) bool {
	*pe = providers.AsError(err, "test")
	return *pe != nil && err != nil
}
