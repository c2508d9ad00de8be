package pages

import (
	"context"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// TestInvalidateDoesNotJoinEarlierFetch: a request that begins after its credential was invalidated
// does not join a fetch of the same page (or lookup) that began before, which may return the old
// value: it fetches again, and gets the new value.
func TestInvalidateDoesNotJoinEarlierFetch(t *testing.T) {
	st, _ := newStore()
	started := make(chan int, 2)
	release := make(chan struct{})
	s := &stream{}
	s.fetch = func(_ context.Context, i int, _ string) (providers.Page, error) {
		n := int(s.calls.Load())
		started <- n
		<-release
		return providers.Page{Total: n}, nil
	}
	ctx := userCtx()
	first := make(chan providers.Page, 1)
	go func() { p, _ := st.Fetch(ctx, s, 0); first <- p }()
	<-started
	if err := st.Invalidate(ctx, "test", "tok"); err != nil {
		t.Fatal(err)
	}
	second := make(chan providers.Page, 1)
	go func() { p, _ := st.Fetch(userCtx(), s, 0); second <- p }()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("the request after the invalidation joined the fetch that began before it")
	}
	close(release)
	if p := <-second; p.Total != 2 {
		t.Fatalf("the request after the invalidation got the answer of fetch %d, want 2", p.Total)
	}
	<-first
	if p, err := st.Fetch(userCtx(), s, 0); err != nil || p.Total != 2 {
		t.Fatalf("the page kept after the invalidation is fetch %d (%v), want 2", p.Total, err)
	}

	// Lookups likewise.
	lstarted := make(chan struct{}, 2)
	lrelease := make(chan struct{})
	calls := 0
	fetch := func(context.Context) (*providers.Repository, error) {
		calls++
		desc := "old"
		if calls > 1 {
			desc = "new"
		}
		lstarted <- struct{}{}
		<-lrelease
		return &providers.Repository{Description: &desc}, nil
	}
	id := providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: "o/r"}
	go func() { _, _ = st.Lookups.Get(context.Background(), "test", "tok", id, fetch) }()
	<-lstarted
	if err := st.Invalidate(context.Background(), "test", "tok"); err != nil {
		t.Fatal(err)
	}
	got := make(chan *providers.Repository, 1)
	go func() { r, _ := st.Lookups.Get(context.Background(), "test", "tok", id, fetch); got <- r }()
	select {
	case <-lstarted:
	case <-time.After(5 * time.Second):
		close(lrelease)
		t.Fatal("the lookup after the invalidation joined the lookup that began before it")
	}
	close(lrelease)
	if r := <-got; r == nil || *r.Description != "new" {
		t.Fatalf("the lookup after the invalidation got %v, want the new value", r)
	}
}
