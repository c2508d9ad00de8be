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

func TestMemoryBytesBound(t *testing.T) {
	ctx := context.Background()
	c := NewMemoryBytes[string](10, func(s string) int64 { return int64(len(s)) })
	c.Set(ctx, "a", "aaaa", time.Minute)
	c.Set(ctx, "b", "bbbb", time.Minute)
	c.Get(ctx, "a") // a is now the most recently used
	c.Set(ctx, "c", "cccc", time.Minute)
	if _, ok := c.Get(ctx, "b"); ok {
		t.Fatal("b should have been evicted to stay within 10 bytes")
	}
	if _, ok := c.Get(ctx, "a"); !ok {
		t.Fatal("a was used recently and should stay")
	}
	if c.Bytes() != 8 {
		t.Fatalf("bytes %d, want 8", c.Bytes())
	}
	c.Set(ctx, "a", "aa", time.Minute) // replacing gives the old size back
	if c.Bytes() != 6 {
		t.Fatalf("bytes %d after replace, want 6", c.Bytes())
	}
	c.Set(ctx, "big", "0123456789abc", time.Minute)
	if _, ok := c.Get(ctx, "big"); !ok || c.Len() != 1 || c.Bytes() != 13 {
		t.Fatalf("a value over the bound must be kept alone (len %d, bytes %d)", c.Len(), c.Bytes())
	}
	c.Set(ctx, "a", "aa", time.Minute)
	if _, ok := c.Get(ctx, "big"); ok || c.Bytes() != 2 {
		t.Fatalf("the oversized value must go first (bytes %d)", c.Bytes())
	}
}
