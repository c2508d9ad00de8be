//go:build unix

package pages

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/testkit"
	"github.com/forgegraph/forgegraph/providers"
)

// TestPagesNeverUnsealedInRedis: a page fetched by a request that carries no credential for the
// stream's source is not written to Redis at all (it cannot be sealed), and one fetched with a
// credential is written sealed: no page of a user is ever readable in Redis.
func TestPagesNeverUnsealedInRedis(t *testing.T) {
	client, err := cache.NewRedisClient(testkit.RedisURL(testkit.StartRedis(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	st := New(cache.NewRedis[Entry](client, "p:", nil), time.Minute, 0)
	s := &stream{fetch: func(context.Context, int, string) (providers.Page, error) {
		return providers.Page{Items: []providers.Repository{{NameWithOwner: "octo/very-private"}}}, nil
	}}
	unsealed := func() int {
		keys, err := client.Keys(context.Background(), "p:*").Result()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range keys {
			raw, _ := client.Get(context.Background(), k).Bytes()
			if len(raw) == 0 || raw[0] != 1 || bytes.Contains(raw, []byte("very-private")) {
				n++
			}
		}
		return n
	}
	if _, err := st.Fetch(context.Background(), s, 0); err != nil {
		t.Fatal(err)
	}
	if n := unsealed(); n != 0 {
		t.Fatalf("%d pages written to Redis unsealed by a request without a credential", n)
	}
	if _, err := st.Fetch(userCtx(), s, 1); err != nil {
		t.Fatal(err)
	}
	keys, _ := client.Keys(context.Background(), "p:*").Result()
	if n := unsealed(); n != 0 || len(keys) != 1 {
		t.Fatalf("with a credential: keys %v, %d unsealed; want one sealed page", keys, n)
	}
}
