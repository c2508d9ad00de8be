//go:build unix

package cache

import (
	"context"
	"testing"
	"time"
)

func TestTiered(t *testing.T) {
	ctx := context.Background()
	far := NewMemory[int](10)
	tc := &Tiered[int]{Near: NewMemory[int](10), Far: far, NearTTL: time.Minute}
	tc.Set(ctx, "a", 1, time.Minute)
	if v, ok := far.Get(ctx, "a"); !ok || v != 1 {
		t.Fatal("Set must reach the far tier")
	}
	far.Set(ctx, "b", 2, time.Minute) // as another replica would
	if v, ok := tc.Get(ctx, "b"); !ok || v != 2 {
		t.Fatal("a far value must be found")
	}
	if v, ok := tc.Near.Get(ctx, "b"); !ok || v != 2 {
		t.Fatal("a far value must be kept near")
	}
	if _, ok := tc.Get(ctx, "c"); ok {
		t.Fatal("miss expected")
	}
	if h, m := tc.Stats(); h != 1 || m != 1 {
		t.Fatalf("stats %d %d", h, m)
	}
}

func TestFallbackDuringOutage(t *testing.T) {
	s := startRedis(t)
	client := s.client(t)
	ctx := context.Background()
	f := &Fallback[record]{Shared: NewRedis[record](client, "fb:", nil), Local: NewMemory[record](10)}
	peer := NewRedis[record](client, "fb:", nil) // another replica
	var _ Locker = f

	f.Set(ctx, "a", record{Name: "mine"}, time.Minute)
	peer.Set(ctx, "a", record{Name: "peer's newer"}, time.Minute)
	if v, _ := f.Get(ctx, "a"); v.Name != "peer's newer" {
		t.Fatalf("while Redis answers, Redis wins over memory: got %q", v.Name)
	}
	if got, err := f.Lock(ctx, "lock|a", time.Second); err != nil || !got {
		t.Fatalf("Lock = %v %v", got, err)
	}
	if got, _ := peer.Lock(ctx, "lock|a", time.Second); got {
		t.Fatal("Fallback's lock must be Redis's")
	}
	f.Unlock(ctx, "lock|a")

	s.stop()
	if v, ok := f.Get(ctx, "a"); !ok || v.Name != "mine" {
		t.Fatalf("during an outage memory answers: %+v %v", v, ok)
	}
	f.Set(ctx, "b", record{Name: "during"}, time.Minute)
	if v, ok := f.Get(ctx, "b"); !ok || v.Name != "during" {
		t.Fatalf("a value set during the outage: %+v %v", v, ok)
	}
	if _, err := f.Lock(ctx, "lock|b", time.Second); err == nil {
		t.Fatal("Lock during an outage must fail")
	}
	if h, m := f.Stats(); h != 3 || m != 0 {
		t.Fatalf("stats %d %d", h, m)
	}
}
