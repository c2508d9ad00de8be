package loaders_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/graph/loaders"
	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// TestDetailsDecodeCachedJSONOnce: warm requests that find the same JSON in the cache decode it
// once, not once per request; when the cached JSON changes, the new JSON is decoded and served.
func TestDetailsDecodeCachedJSONOnce(t *testing.T) {
	c := cache.NewSealed[json.RawMessage](loaders.NewDetailCache(), cache.NewScopes(nil, 0))
	var decodes atomic.Int64
	decode := func(raw json.RawMessage) (any, error) {
		decodes.Add(1)
		return decodeRefs(raw)
	}
	fetch := func(context.Context) (any, error) {
		return providers.ListPage[providers.Ref]{Items: []providers.Ref{{Name: "main"}}, Total: 1, LastIndex: -1}, nil
	}
	key := loaders.DetailKey{Source: "github", Cred: providers.HashToken("t-decode"), Repo: "GITHUB/o/decoded", Field: "branches"}
	ctx := context.Background()
	load := func() providers.ListPage[providers.Ref] {
		t.Helper()
		v, err := loaders.NewDetails(c, time.Minute).Load(ctx, key, "t-decode", fetch, decode)
		if err != nil {
			t.Fatal(err)
		}
		return v.(providers.ListPage[providers.Ref])
	}
	load() // fetched and cached
	for range 5 {
		if p := load(); len(p.Items) != 1 || p.Items[0].Name != "main" {
			t.Fatalf("page %+v, want main", p)
		}
	}
	if n := decodes.Load(); n != 1 {
		t.Fatalf("the same cached JSON was decoded %d times over 5 requests, want once", n)
	}
	raw, _ := json.Marshal(providers.ListPage[providers.Ref]{Items: []providers.Ref{{Name: "dev"}}, Total: 1, LastIndex: -1})
	c.Set(ctx, key.Source, "t-decode", key.String(), raw, time.Minute)
	if p := load(); len(p.Items) != 1 || p.Items[0].Name != "dev" {
		t.Fatalf("after the cached JSON changed: page %+v, want dev", p)
	}
	if n := decodes.Load(); n != 2 {
		t.Fatalf("%d decodes, want 2 (the changed JSON decoded once)", n)
	}
}

// TestCredHash: the request's hash of a token is providers.HashToken's, and differs by token.
func TestCredHash(t *testing.T) {
	d := loaders.NewDetails(nil, 0)
	for range 2 {
		if got, want := d.CredHash("a"), providers.HashToken("a"); got != want {
			t.Fatalf("CredHash(a) = %s, want %s", got, want)
		}
	}
	if d.CredHash("a") == d.CredHash("b") {
		t.Fatal("two tokens hash the same")
	}
}
