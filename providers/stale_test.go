package providers

import (
	"context"
	"sync"
	"testing"
	"time"
)

// One entry per source, with the oldest copy's time, safe for concurrent marks; no set, no panic.
func TestStaleSet(t *testing.T) {
	MarkStale(context.Background(), "github", time.Now(), KindUnavailable) // no set: ignored
	ctx, set := WithStaleSet(context.Background())
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			MarkStale(ctx, "github", base.Add(time.Duration(i)*time.Minute), KindUnavailable)
		}()
		go func() { defer wg.Done(); MarkStale(ctx, "openhands", base, KindTimeout) }()
	}
	wg.Wait()
	got := set.List()
	if len(got) != 2 || got[0].Source != "github" || got[0].Provider != GitHub || !got[0].AsOf.Equal(base) ||
		got[1].Source != "openhands" || got[1].Provider != "" || got[1].Reason != string(KindTimeout) {
		t.Fatalf("%+v", got)
	}
	if (*StaleSet)(nil).List() != nil {
		t.Fatal("nil set lists entries")
	}
}
