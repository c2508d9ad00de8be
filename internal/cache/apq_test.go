//go:build unix

package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

var _ graphql.Cache[string] = (*APQ)(nil)

func hashOf(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}

func TestAPQ(t *testing.T) {
	ctx := context.Background()
	mem := NewMemory[string](10)
	apq := NewAPQ(mem, 0, 0)
	q := "{ viewer { repositories { totalCount } } }"
	apq.Add(ctx, hashOf(q), q)
	if got, ok := apq.Get(ctx, hashOf(q)); !ok || got != q {
		t.Fatalf("APQ Get = %q %v", got, ok)
	}
	// Not stored: a key that is not the text's hash, a text over the limit.
	apq.Add(ctx, hashOf("other"), q)
	long := "{ viewer { __typename } }" + strings.Repeat(" ", MaxPersistedQueryBytes)
	apq.Add(ctx, hashOf(long), long)
	if mem.Len() != 1 {
		t.Fatalf("%d entries stored, want 1 (a wrong hash and an over-long text are refused)", mem.Len())
	}
}

// TestAPQChecksWhatItReads: a persisted query read back whose SHA-256 is not its key (altered in
// the shared store: it is not sealed) or whose text is over the limit is a miss.
func TestAPQChecksWhatItReads(t *testing.T) {
	ctx := context.Background()
	mem := NewMemory[string](10)
	apq := NewAPQ(mem, 0, 0)
	q := "{ viewer { __typename } }"
	mem.Set(ctx, hashOf(q), "{ viewer { repositories(first: 100) { nodes { id } } } }", time.Hour)
	if got, ok := apq.Get(ctx, hashOf(q)); ok {
		t.Fatalf("a text that is not the key's query was served: %q", got)
	}
	long := q + strings.Repeat(" ", MaxPersistedQueryBytes)
	mem.Set(ctx, hashOf(long), long, time.Hour)
	if _, ok := apq.Get(ctx, hashOf(long)); ok {
		t.Fatal("an over-long text was served")
	}
	mem.Set(ctx, hashOf(q), q, time.Hour)
	if got, ok := apq.Get(ctx, hashOf(q)); !ok || got != q {
		t.Fatalf("the right text: %q %v", got, ok)
	}
}

// TestAPQBudget: at most budget bytes are written per ttl window; the next window starts afresh.
func TestAPQBudget(t *testing.T) {
	ctx := context.Background()
	mem := NewMemory[string](1000)
	apq := NewAPQ(mem, time.Hour, 10<<10)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	apq.now = func() time.Time { return now }
	add := func(i int) string {
		q := fmt.Sprintf("{ a%d: viewer { __typename } } # %s", i, strings.Repeat("x", 1000))
		apq.Add(ctx, hashOf(q), q)
		return q
	}
	for i := range 20 {
		add(i)
	}
	// 20 queries of about 1.2 KiB each (text, key, overhead) against 10 KiB.
	if n := mem.Len(); n != 8 {
		t.Fatalf("%d queries stored within a budget of 10 KiB, want 8", n)
	}
	now = now.Add(time.Hour)
	q := add(100)
	if _, ok := apq.Get(ctx, hashOf(q)); !ok {
		t.Fatal("a new window did not get a new budget")
	}
}

func TestAPQOverRedis(t *testing.T) {
	s := startRedis(t)
	client := s.client(t)
	ctx := context.Background()
	q := "query { viewer { __typename } }"
	a := NewAPQ(NewRedis[string](client, "apq:", nil), 0, 0)
	a.Add(ctx, hashOf(q), q)
	// Another replica, another user: persisted queries are shared.
	b := NewAPQ(NewRedis[string](client, "apq:", nil), 0, 0)
	if got, ok := b.Get(context.Background(), hashOf(q)); !ok || got != q {
		t.Fatalf("APQ over Redis = %q %v", got, ok)
	}
	if ttl, _ := client.TTL(context.Background(), "apq:"+hashOf(q)).Result(); ttl <= 0 || ttl > DefaultAPQTTL {
		t.Fatalf("APQ ttl %v", ttl)
	}
	// Someone who can write to Redis swaps the text: it is not served.
	raw, err := client.Get(context.Background(), "apq:"+hashOf(q)).Result()
	if err != nil || !strings.Contains(raw, "__typename") {
		t.Fatalf("stored as %q (%v)", raw, err)
	}
	client.Set(context.Background(), "apq:"+hashOf(q), strings.Replace(raw, "__typename", "repositories", 1), time.Hour)
	if got, ok := b.Get(ctx, hashOf(q)); ok {
		t.Fatalf("an altered persisted query was served: %q", got)
	}
}

// TestAPQMemoryBoundedByBytes: the in-process store of persisted queries holds at most
// APQMemoryBytes, however many large queries are registered.
func TestAPQMemoryBoundedByBytes(t *testing.T) {
	ctx := context.Background()
	mem := NewAPQMemory()
	apq := NewAPQ(mem, 0, 1<<30)
	pad := strings.Repeat("x", 30<<10)
	for i := range 400 {
		q := fmt.Sprintf("{ __typename } # %d %s", i, pad)
		apq.Add(ctx, hashOf(q), q)
	}
	if mem.Bytes() > APQMemoryBytes || mem.Len() >= 400 {
		t.Fatalf("%d queries, %d bytes kept: over the bound of %d bytes", mem.Len(), mem.Bytes(), APQMemoryBytes)
	}
}
