package pages

import (
	"context"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// A repository found within StaleIfError is served when the lookup then fails with a servable
// kind (and the request's StaleSet names the source, the copy's time and the reason); within its
// freshness the forge is not asked; after StaleIfError, after a 401 or 403, or with StaleIfError 0
// the failure is the answer.
func TestLookupStaleIfError(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	l := NewLookups(cache.NewSealed(cache.NewMemory[Found](100), nil), time.Minute)
	l.now = func() time.Time { return now }
	l.StaleIfError = time.Hour
	var fail error
	asked := 0
	fetch := func(context.Context) (*providers.Repository, error) {
		asked++
		if fail != nil {
			return nil, fail
		}
		return &providers.Repository{ForgeID: "7", NameWithOwner: "o/r"}, nil
	}
	id := providers.GlobalID{Provider: providers.GitHub, NameWithOwner: "o/r"}
	get := func() (*providers.Repository, []providers.Stale, error) {
		ctx, set := providers.WithStaleSet(context.Background())
		r, err := l.Get(ctx, "github", "tok", id, fetch)
		return r, set.List(), err
	}
	fetchedAt := now
	if r, st, err := get(); err != nil || r.ForgeID != "7" || st != nil || asked != 1 {
		t.Fatalf("first: %v %v %v, asked %d", r, st, err, asked)
	}
	fail = providers.Errorf(providers.KindUnavailable, "github", "down")
	now = now.Add(30 * time.Second)
	if r, st, err := get(); err != nil || r == nil || st != nil || asked != 1 {
		t.Fatalf("fresh: %v %v %v, asked %d", r, st, err, asked)
	}
	now = now.Add(time.Minute)
	r, st, err := get()
	if err != nil || r == nil || r.ForgeID != "7" || asked != 2 || len(st) != 1 || st[0].Source != "github" ||
		!st[0].AsOf.Equal(fetchedAt) || st[0].Reason != string(providers.KindUnavailable) {
		t.Fatalf("stale: %v %v %v, asked %d", r, st, err, asked)
	}
	for _, k := range []providers.Kind{providers.KindUnauth, providers.KindForbidden} {
		fail = providers.Errorf(k, "github", "no")
		if r, st, err := get(); providers.KindOf(err) != k || r != nil || st != nil {
			t.Fatalf("%s: %v %v %v", k, r, st, err)
		}
	}
	fail = providers.Errorf(providers.KindTimeout, "github", "slow")
	now = fetchedAt.Add(time.Hour + time.Second)
	if r, st, err := get(); providers.KindOf(err) != providers.KindTimeout || r != nil || st != nil {
		t.Fatalf("past StaleIfError: %v %v %v", r, st, err)
	}
	l.StaleIfError = 0
	now = fetchedAt.Add(2 * time.Minute)
	if r, _, err := get(); err == nil || r != nil {
		t.Fatalf("StaleIfError 0: %v %v", r, err)
	}
}
