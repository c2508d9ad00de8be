package pages

import (
	"context"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// A page fetched within StaleIfError is served when the forge then fails with a servable kind, and
// the request's StaleSet names the source, the copy's time and the reason; an older copy, another
// kind of failure or StaleIfError 0 gives the error.
func TestStaleIfError(t *testing.T) {
	var fail error
	s := &stream{fetch: func(context.Context, int, string) (providers.Page, error) {
		if fail != nil {
			return providers.Page{}, fail
		}
		return providers.Page{Items: []providers.Repository{{ForgeID: "1"}}, Total: 1}, nil
	}}
	st, now := newStore()
	st.StaleIfError = time.Hour
	fetchedAt := *now
	if _, err := st.Fetch(userCtx(), s, 0); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(2 * time.Minute)
	for _, kind := range []providers.Kind{providers.KindUnavailable, providers.KindTimeout, providers.KindRateLimited} {
		fail = providers.Errorf(kind, "test", "down")
		ctx, set := providers.WithStaleSet(userCtx())
		p, err := st.Fetch(ctx, s, 0)
		list := set.List()
		if err != nil || len(p.Items) != 1 || len(list) != 1 || list[0].Source != "test" ||
			!list[0].AsOf.Equal(fetchedAt) || list[0].Reason != string(kind) {
			t.Fatalf("%s: %v %v %+v", kind, p, err, list)
		}
	}
	for _, kind := range []providers.Kind{providers.KindUnauth, providers.KindForbidden, providers.KindNotFound, providers.KindBadResponse} {
		fail = providers.Errorf(kind, "test", "no")
		ctx, set := providers.WithStaleSet(userCtx())
		if _, err := st.Fetch(ctx, s, 0); providers.KindOf(err) != kind || set.List() != nil {
			t.Fatalf("%s served stale: %v %+v", kind, err, set.List())
		}
	}
	fail = providers.Errorf(providers.KindUnavailable, "test", "down")
	*now = fetchedAt.Add(time.Hour + time.Second)
	if _, err := st.Fetch(userCtx(), s, 0); providers.KindOf(err) != providers.KindUnavailable {
		t.Fatalf("a copy older than StaleIfError was served: %v", err)
	}
	*now = fetchedAt.Add(2 * time.Minute)
	st.StaleIfError = 0
	if _, err := st.Fetch(userCtx(), s, 0); providers.KindOf(err) != providers.KindUnavailable {
		t.Fatalf("StaleIfError 0 served a copy: %v", err)
	}
}
