package bitbucket_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
)

// TestWorkspaceListingInvalidated: a credential's workspace listing, kept in a cache over the
// server's generations, is listed again after that credential's Bitbucket scope is invalidated, and
// not after another credential's or another source's.
func TestWorkspaceListingInvalidated(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(6, 6)), map[string]int{"alpha": 3, "beta": 2})
	scopes := cache.NewScopes(providers.HashToken, 0)
	e := newEnv(t, token, repos, func(c *bitbucket.Config) {
		c.Workspaces = cache.NewSealed(cache.NewMemory[[]string](10), scopes)
	})
	o := providers.NewOrder(providers.SortCreated, "")
	ctx := context.Background()
	e.streams(t, token, o)
	e.streams(t, token, o)
	if got := e.count("/user/workspaces"); got != 1 {
		t.Fatalf("workspaces listed %d times, want 1", got)
	}
	for _, other := range [][2]string{{"github", token}, {bitbucket.SourceName, "someone-else"}} {
		if err := scopes.Invalidate(ctx, other[0], other[1]); err != nil {
			t.Fatal(err)
		}
	}
	e.streams(t, token, o)
	if got := e.count("/user/workspaces"); got != 1 {
		t.Fatalf("workspaces listed %d times after invalidating other scopes, want 1", got)
	}
	if err := scopes.Invalidate(ctx, bitbucket.SourceName, token); err != nil {
		t.Fatal(err)
	}
	e.streams(t, token, o)
	if got := e.count("/user/workspaces"); got != 2 {
		t.Fatalf("workspaces listed %d times after invalidating the credential, want 2", got)
	}
}
