package bitbucket_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// A credential in more workspaces than a list can merge gets a clear Bitbucket error from Streams
// (before any cursor is issued), read from no more workspace pages than it takes to know; at the
// bound, every workspace is a stream and, merged with another forge, every cursor opens again.
func TestWorkspaceBound(t *testing.T) {
	o := providers.NewOrder(providers.SortPushed, "")
	for _, n := range []int{bitbucket.MaxWorkspaces, bitbucket.MaxWorkspaces + 1} {
		sizes := map[string]int{}
		for i := range n {
			sizes[fmt.Sprintf("ws-%03d", i)] = 1
		}
		e := newEnv(t, token, genRepos(rand.New(rand.NewPCG(7, 7)), sizes))
		st, err := e.src.Streams(context.Background(), providers.Query{Token: token, Order: o})
		if n > bitbucket.MaxWorkspaces {
			if kindOf(t, err) != providers.KindBadResponse || !strings.Contains(err.Error(), fmt.Sprintf("more than %d workspaces", bitbucket.MaxWorkspaces)) ||
				!strings.Contains(err.Error(), "provider:") || !strings.Contains(err.Error(), "leave the workspaces") {
				t.Fatalf("%d workspaces: %v", n, err)
			}
			if got, want := e.count("/user/workspaces"), (n+providers.PageSize-1)/providers.PageSize; got != want {
				t.Fatalf("%d workspaces: %d workspace pages read, want %d", n, got, want)
			}
			continue
		}
		if err != nil || len(st) != n {
			t.Fatalf("%d workspaces: %d streams, %v", n, len(st), err)
		}
		// The other sources' streams at their most (one per forge) fit beside them.
		for _, src := range []string{"codearts", "github", "gitlab", "openhands-1", "openhands-2", "openhands-3"} {
			st = append(st, providertest.NewStream(src, "", o, nil))
		}
		providers.SortStreams(st)
		codec := providers.NewCodec([]byte("secret"))
		b := providers.Binding{Args: "*|" + o.String()}
		size := 10
		res := providers.List(context.Background(), st, o, providers.FetchDirect, providers.Window{First: &size})
		if len(res.Failed) != 0 || len(res.Edges) != size {
			t.Fatalf("%d workspaces: failed %v, %d edges", n, res.Failed, len(res.Edges))
		}
		for i, edge := range res.Edges {
			if _, err := codec.Decode(b, codec.Encode(b, edge.Cursor)); err != nil {
				t.Fatalf("%d workspaces: the cursor of edge %d is refused: %v", n, i, err)
			}
		}
	}
}
