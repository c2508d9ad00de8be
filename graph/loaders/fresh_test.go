package loaders

import (
	"context"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestFreshKeepsThePageForFetch: Fresh finds a page the store holds, and the request's Fetch then
// answers it without the store (nor the forge); a page the store lacks is not fresh; a local list
// (Uncached) is fresh only once it is held in memory, and is then read once for the request.
func TestFreshKeepsThePageForFetch(t *testing.T) {
	ctx := providers.WithCredentials(context.Background(), providers.Credentials{"src": "tok"})
	store := pages.New(cache.NewMemory[pages.Entry](100), time.Minute, 0)
	items := make([]providers.Repository, 3)
	for i := range items {
		items[i] = providers.Repository{ForgeID: string(rune('a' + i)), Provider: providers.GitHub, Name: "r", NameWithOwner: "o/r" + string(rune('a'+i))}
	}
	src := providertest.NewStream("src", "k", providers.NewOrder("", ""), items)
	src.Q.Token = "tok"
	l := New(store)
	if l.Fresh(ctx, src, 0) {
		t.Fatal("a page never read is fresh")
	}
	if _, err := store.Fetch(ctx, src, 0); err != nil {
		t.Fatal(err)
	}
	before := src.Fetches.Load()
	l = New(store)
	if !l.Fresh(ctx, src, 0) {
		t.Fatal("a page the store holds is not fresh")
	}
	p, err := l.Fetch(ctx, src, 0)
	if err != nil || len(p.Items) != 3 || src.Fetches.Load() != before {
		t.Fatalf("Fetch after Fresh: %d items, err %v, %d forge reads (want 3, nil, %d)", len(p.Items), err, src.Fetches.Load(), before)
	}

	local := providers.NewLocal(nil, 0, 0)
	reads := 0
	ls := local.Stream("src", "k", providers.Query{Token: "tok"}, "all", func(context.Context, int) ([]providers.Repository, error) {
		reads++
		return items, nil
	}, nil)
	l = New(store)
	if l.Fresh(ctx, ls, 0) || reads != 0 {
		t.Fatalf("a local list not yet read is fresh (or was read: %d)", reads)
	}
	if _, err := l.Fetch(ctx, ls, 0); err != nil || reads != 1 {
		t.Fatalf("first read: err %v, %d reads", err, reads)
	}
	l = New(store)
	if !l.Fresh(ctx, ls, 0) || reads != 1 {
		t.Fatalf("a held local list is not fresh (or was read again: %d)", reads)
	}
}
