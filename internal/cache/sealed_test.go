//go:build unix

package cache

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// TestSealedRefusesAUserValueWithoutCredential: Sealed has no method that writes without a
// credential, and an empty one is refused at run time: nothing is stored (in memory or in Redis),
// the refusal is counted, and a read without a credential is a miss. Redis's own SetSealed refuses
// an empty secret too.
func TestSealedRefusesAUserValueWithoutCredential(t *testing.T) {
	ctx := context.Background()
	mem := NewMemory[record](10)
	c := NewSealed[record](mem, nil)
	c.Set(ctx, "github", "", "list|github|", record{Name: "private"}, time.Minute)
	if mem.Len() != 0 || c.Refused() != 1 {
		t.Fatalf("a value without a credential was kept (%d entries) or not counted (%d)", mem.Len(), c.Refused())
	}
	mem.Set(ctx, "k", record{Name: "someone's"}, time.Minute)
	if _, ok := c.Get(ctx, "github", "", "k"); ok {
		t.Fatal("a read without a credential must miss")
	}
	if _, err := c.GetOrMake(ctx, "github", "", "made", time.Second, time.Minute, func(context.Context) (record, error) {
		return record{Name: "made"}, nil
	}); err != nil || c.Refused() != 2 {
		t.Fatalf("GetOrMake without a credential: %v, refused %d; want the value made and not kept", err, c.Refused())
	}

	s := startRedis(t)
	client := s.client(t)
	var obs observed
	r := NewRedis[record](client, "refuse:", obs.observe)
	NewSealed[record](r, nil).Set(ctx, "github", "", "list", record{Name: "private"}, time.Minute)
	r.SetSealed(ctx, "", "list", record{Name: "private"}, time.Minute)
	if keys, _ := client.Keys(ctx, "refuse:*").Result(); len(keys) != 0 {
		t.Fatalf("Redis got %v from writes without a credential", keys)
	}
	if obs.count("encode") != 1 {
		t.Fatalf("Redis's SetSealed without a secret is observed once as encode, got %v", obs.list())
	}
}

// TestSealedInRedis: a value set for a credential is sealed in Redis under a key without the token,
// opens for the same credential only, and is gone for it once its scope is invalidated (while
// another credential's value stays).
func TestSealedInRedis(t *testing.T) {
	ctx := context.Background()
	s := startRedis(t)
	client := s.client(t)
	scopes := NewRedisScopes(client, "gen:", nil, time.Hour, nil)
	c := NewSealed[record](NewRedis[record](client, "user:", nil), scopes)
	c.Set(ctx, "github", "ghp_alice", "page|alice", record{Name: "alice's"}, time.Minute)
	c.Set(ctx, "github", "ghp_bob", "page|bob", record{Name: "bob's"}, time.Minute)
	raw, err := client.Get(ctx, "user:page|alice").Bytes()
	if err != nil || raw[0] != sealed || bytes.Contains(raw, []byte("alice's")) {
		t.Fatalf("stored %q (%v): want a sealed value", raw, err)
	}
	if keys, _ := client.Keys(ctx, "*ghp_*").Result(); len(keys) != 0 {
		t.Fatalf("keys hold a token: %v", keys)
	}
	if v, ok := c.Get(ctx, "github", "ghp_alice", "page|alice"); !ok || v.Name != "alice's" {
		t.Fatalf("alice's value: %+v %v", v, ok)
	}
	if _, ok := c.Get(ctx, "github", "ghp_bob", "page|alice"); ok {
		t.Fatal("another credential must not open it")
	}
	if err := scopes.Invalidate(ctx, "github", "ghp_alice"); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(ctx, "github", "ghp_alice", "page|alice"); ok {
		t.Fatal("alice's value must be unreachable after her scope was invalidated")
	}
	if v, ok := c.Get(ctx, "github", "ghp_bob", "page|bob"); !ok || v.Name != "bob's" {
		t.Fatalf("bob's value must stay: %+v %v", v, ok)
	}
	c.Set(ctx, "github", "ghp_alice", "page|alice", record{Name: "alice's new"}, time.Minute)
	if v, ok := c.Get(ctx, "github", "ghp_alice", "page|alice"); !ok || v.Name != "alice's new" {
		t.Fatalf("a value set after the invalidation: %+v %v", v, ok)
	}
	c.Delete(ctx, "github", "ghp_alice", "page|alice")
	if _, ok := c.Get(ctx, "github", "ghp_alice", "page|alice"); ok {
		t.Fatal("Delete must remove the value")
	}
}

// TestDelete: Delete removes a value from memory, Redis and both layers.
func TestDelete(t *testing.T) {
	ctx := context.Background()
	s := startRedis(t)
	client := s.client(t)
	mem := NewMemoryBytes(1<<20, func(record) int64 { return 10 })
	r := NewRedis[record](client, "del:", nil)
	tiered := &Tiered[record]{Near: NewMemory[record](10), Far: NewRedis[record](client, "deltier:", nil), NearTTL: time.Minute}
	fallback := &Fallback[record]{Shared: NewRedis[record](client, "delfb:", nil), Local: NewMemory[record](10)}
	for name, c := range map[string]Cache[record]{"memory": mem, "redis": r, "tiered": tiered, "fallback": fallback,
		"plain": Plain[record]{C: NewMemory[record](10)}, "checked": Checked[record]{C: NewMemory[record](10)}} {
		c.Set(ctx, "k", record{Name: "v"}, time.Minute)
		if _, ok := c.Get(ctx, "k"); !ok {
			t.Fatalf("%s: value not kept", name)
		}
		c.Delete(ctx, "k")
		if _, ok := c.Get(ctx, "k"); ok {
			t.Fatalf("%s: value still there after Delete", name)
		}
	}
	if mem.Bytes() != 0 {
		t.Fatalf("a deleted value's size must be given back, %d bytes left", mem.Bytes())
	}
	if _, ok := tiered.Near.Get(ctx, "k"); ok {
		t.Fatal("Tiered's Delete must reach its memory")
	}
	if _, ok := fallback.Local.Get(ctx, "k"); ok {
		t.Fatal("Fallback's Delete must reach its memory")
	}
}
