package cache

import (
	"context"
	"testing"
	"time"
)

func TestMemoryExpiresAndEvicts(t *testing.T) {
	ctx := context.Background()
	c := NewMemory[int](2)
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	c.Set(ctx, "a", 1, time.Minute)
	c.Set(ctx, "b", 2, time.Second)
	if v, ok := c.Get(ctx, "a"); !ok || v != 1 {
		t.Fatalf("a = %v %v", v, ok)
	}
	now = now.Add(2 * time.Second)
	if _, ok := c.Get(ctx, "b"); ok {
		t.Fatal("b should have expired")
	}
	c.Set(ctx, "c", 3, time.Minute)
	c.Set(ctx, "d", 4, time.Minute) // evicts the least recently used
	if _, ok := c.Get(ctx, "a"); ok {
		t.Fatal("a should have been evicted")
	}
	c.Set(ctx, "z", 9, 0)
	if _, ok := c.Get(ctx, "z"); ok {
		t.Fatal("ttl 0 must store nothing")
	}
	h, m := c.Stats()
	if h != 1 || m != 3 {
		t.Fatalf("stats %d/%d, want 1/3", h, m)
	}
}
