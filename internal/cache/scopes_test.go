//go:build unix

package cache

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/testkit"
)

// TestScopesMemory: invalidating a scope changes its generation and no other's; a request that went
// through Begin reads generations once, sees its own invalidation, and gets a fingerprint that
// changes with each invalidation of its credentials.
func TestScopesMemory(t *testing.T) {
	s := NewScopes(nil, 0)
	bg := context.Background()
	if g := s.Generation(bg, "github", "alice"); g != "" {
		t.Fatalf("a scope never invalidated has generation %q, want empty", g)
	}
	creds := map[string]string{"github": "alice", "gitlab": "carol", "bitbucket": ""}
	ctx, fp := s.Begin(bg, creds)
	if fp != "" {
		t.Fatalf("fingerprint %q before any invalidation, want empty", fp)
	}
	reads := s.Reads()
	for range 3 {
		s.Generation(ctx, "github", "alice")
		s.Generation(ctx, "gitlab", "carol")
	}
	if s.Reads() != reads {
		t.Fatalf("a request's generations were read %d more times after Begin", s.Reads()-reads)
	}
	if err := s.Invalidate(ctx, "github", "alice"); err != nil {
		t.Fatal(err)
	}
	g1 := s.Generation(ctx, "github", "alice")
	if g1 == "" || s.Generation(bg, "github", "alice") != g1 {
		t.Fatalf("after Invalidate the request sees %q and a new one %q", g1, s.Generation(bg, "github", "alice"))
	}
	if s.Generation(bg, "github", "bob") != "" || s.Generation(bg, "gitlab", "alice") != "" || s.Generation(ctx, "gitlab", "carol") != "" {
		t.Fatal("another credential's or another source's generation changed")
	}
	_, fp1 := s.Begin(bg, creds)
	if err := s.Invalidate(bg, "github", "alice"); err != nil {
		t.Fatal(err)
	}
	_, fp2 := s.Begin(bg, creds)
	if fp1 == "" || fp2 == "" || fp1 == fp2 {
		t.Fatalf("fingerprints %q then %q: each invalidation must change it", fp1, fp2)
	}
	if _, other := s.Begin(bg, map[string]string{"github": "bob", "gitlab": "carol"}); other != "" {
		t.Fatalf("another credential's fingerprint %q changed", other)
	}
	if err := s.Invalidate(bg, "github", ""); err != ErrNoCredential {
		t.Fatalf("Invalidate without a token: %v", err)
	}
}

// TestScopesForgetAfterRetain: a local invalidation is remembered for retain, then forgotten (the
// values it hid have expired by then).
func TestScopesForgetAfterRetain(t *testing.T) {
	s := NewScopes(nil, time.Hour)
	now := time.Unix(1000, 0)
	s.now = func() time.Time { return now }
	_ = s.Invalidate(context.Background(), "github", "alice")
	if s.Generation(context.Background(), "github", "alice") == "" {
		t.Fatal("no generation after Invalidate")
	}
	now = now.Add(2 * time.Hour)
	_ = s.Invalidate(context.Background(), "gitlab", "carol") // prunes
	if g := s.Generation(context.Background(), "github", "alice"); g != "" || len(s.local) != 1 {
		t.Fatalf("generation %q and %d scopes kept after retain", g, len(s.local))
	}
}

// TestScopesRedis: generations in Redis are shared by processes, grow with each invalidation, expire
// after retain, and are read with one round trip per Begin; while Redis is down the last ones read
// are used and an invalidation reaches this process.
func TestScopesRedis(t *testing.T) {
	ctx := context.Background()
	srv := startRedis(t)
	client := srv.client(t)
	var obs observed
	a := NewRedisScopes(client, "gen:", nil, time.Hour, obs.observe)
	b := NewRedisScopes(srv.client(t), "gen:", nil, time.Hour, nil)
	var prev int64
	for i := range 3 {
		if err := a.Invalidate(ctx, "github", "alice"); err != nil {
			t.Fatal(err)
		}
		g := b.Generation(ctx, "github", "alice")
		n, err := strconv.ParseInt(g, 10, 64)
		if err != nil || n <= prev {
			t.Fatalf("invalidation %d: replica b reads generation %q after %d, want a larger number", i, g, prev)
		}
		prev = n
	}
	keys, _ := client.Keys(ctx, "gen:*").Result()
	if len(keys) != 1 {
		t.Fatalf("generation keys %v", keys)
	}
	if ttl, _ := client.PTTL(ctx, keys[0]).Result(); ttl <= 0 || ttl > time.Hour {
		t.Fatalf("generation kept for %v, want at most retain", ttl)
	}
	reads := b.Reads()
	bctx, fp := b.Begin(ctx, map[string]string{"github": "alice", "gitlab": "carol", "codearts": "dave"})
	if b.Reads()-reads != 1 || fp == "" {
		t.Fatalf("Begin read %d times, fingerprint %q", b.Reads()-reads, fp)
	}
	if b.Generation(bctx, "github", "alice") != strconv.FormatInt(prev, 10) || b.Reads()-reads != 1 {
		t.Fatal("Generation after Begin must come from the request's memo")
	}

	known := a.Generation(ctx, "github", "alice")
	srv.stop()
	if g := a.Generation(ctx, "github", "alice"); g != known {
		t.Fatalf("during an outage the last generation read is used: got %q, want %q", g, known)
	}
	if g := a.Generation(ctx, "gitlab", "never-read"); g == "" {
		t.Fatal("a generation Redis could not tell must not read as never invalidated")
	}
	if err := a.Invalidate(ctx, "github", "alice"); err != nil {
		t.Fatal(err)
	}
	if g := a.Generation(ctx, "github", "alice"); g == known {
		t.Fatal("an invalidation during an outage must reach this process")
	}
	if obs.count("generation") == 0 {
		t.Fatalf("failed generation reads must be observed, got %v", obs.list())
	}
}

// BenchmarkScopesBegin measures what Begin adds to every /graphql request for a credential set of
// four sources: in memory (nothing ever invalidated, and after an invalidation), and over a local
// redis-server (one MGET).
func BenchmarkScopesBegin(b *testing.B) {
	creds := map[string]string{"github": "ghp_a", "gitlab": "glpat-b", "bitbucket": "c", "codearts": "d"}
	ctx := context.Background()
	run := func(name string, s *Scopes) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Begin(ctx, creds)
			}
		})
	}
	run("memory", NewScopes(nil, 0))
	invalidated := NewScopes(nil, 0)
	_ = invalidated.Invalidate(ctx, "github", "ghp_a")
	run("memory-invalidated", invalidated)
	client, err := NewRedisClient(testkit.RedisURL(testkit.StartRedis(b)))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	run("redis", NewRedisScopes(client, "gen:", nil, 0, nil))
}
