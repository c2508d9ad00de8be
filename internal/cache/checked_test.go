package cache

import (
	"context"
	"testing"
	"time"
)

// Checked bounds what it reads: a value its check refuses is a miss, a corrected one comes back
// corrected; what is stored is stored as given.
func TestChecked(t *testing.T) {
	ctx := context.Background()
	m := NewMemory[int](10)
	c := Checked[int]{C: m, Check: func(v int) (int, bool) { return min(v, 100), v >= 0 }}
	c.Set(ctx, "big", 1000, time.Minute)
	c.Set(ctx, "negative", -1, time.Minute)
	if v, ok := c.Get(ctx, "big"); !ok || v != 100 {
		t.Fatalf("big: %d %v", v, ok)
	}
	if _, ok := c.Get(ctx, "negative"); ok {
		t.Fatal("a refused value was a hit")
	}
	if v, _ := m.Get(ctx, "big"); v != 1000 {
		t.Fatalf("stored %d", v)
	}
	if v, ok := (Checked[int]{C: m}).Get(ctx, "negative"); !ok || v != -1 {
		t.Fatalf("no check: %d %v", v, ok)
	}
	if _, ok := c.Get(ctx, "absent"); ok {
		t.Fatal("absent key was a hit")
	}
}
