package providers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// A list of more streams than a cursor can name fails the source with the most streams (one clear
// error) and lists the others with cursors that open again: the server never issues a cursor it
// would itself refuse. With MaxStreams streams, every stream is listed.
func TestListStreamBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	o := providers.NewOrder(providers.SortPushed, "")
	codec := providers.NewCodec([]byte("secret"))
	b := providers.Binding{Args: "*|" + o.String()}
	for _, workspaces := range []int{providers.MaxStreams - 1, providers.MaxStreams + 5} {
		streams := []providers.Stream{providertest.NewStream("github", "", o, randomRepos(rng, providers.GitHub, "gh", 30))}
		for i := range workspaces {
			ws := fmt.Sprintf("ws-%03d", i)
			streams = append(streams, providertest.NewStream("bitbucket", ws, o, randomRepos(rng, providers.Bitbucket, ws, 1)))
		}
		providers.SortStreams(streams)
		n := 20
		res := providers.List(context.Background(), streams, o, providers.FetchDirect, providers.Window{First: &n})
		over := len(streams) > providers.MaxStreams
		if over {
			if len(res.Failed) != 1 || res.Failed[0].Source != "bitbucket" || !strings.Contains(res.Failed[0].Error(), "provider:") {
				t.Fatalf("%d streams: failed %v, want one bitbucket error", len(streams), res.Failed)
			}
		} else if len(res.Failed) != 0 {
			t.Fatalf("%d streams: failed %v", len(streams), res.Failed)
		}
		if len(res.Edges) != n {
			t.Fatalf("%d streams: %d edges", len(streams), len(res.Edges))
		}
		for i, e := range res.Edges {
			if over && e.Node.Provider != providers.GitHub {
				t.Fatalf("%d streams: edge %d from %s, a source that failed", len(streams), i, e.Node.Provider)
			}
			c, err := codec.Decode(b, codec.Encode(b, e.Cursor))
			if err != nil {
				t.Fatalf("%d streams: the cursor of edge %d is refused: %v", len(streams), i, err)
			}
			// The next page from it has no error but the bound's.
			next := providers.List(context.Background(), streams, o, providers.FetchDirect, providers.Window{First: &n, After: &c})
			if len(next.Failed) != len(res.Failed) {
				t.Fatalf("%d streams: after edge %d: %v", len(streams), i, next.Failed)
			}
		}
	}
}

// A cursor's marks for streams the list no longer has are carried on only while the cursor stays
// within MaxStreams: a cursor from a list of MaxStreams streams, given to a list whose workspaces
// all changed, still yields cursors that open.
func TestListCarriedMarksBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	o := providers.NewOrder(providers.SortPushed, "")
	codec := providers.NewCodec([]byte("secret"))
	b := providers.Binding{Args: "*|" + o.String()}
	build := func(prefix string) []providers.Stream {
		var out []providers.Stream
		for i := range providers.MaxStreams {
			ws := fmt.Sprintf("%s-%03d", prefix, i)
			out = append(out, providertest.NewStream("bitbucket", ws, o, randomRepos(rng, providers.Bitbucket, ws, 2)))
		}
		providers.SortStreams(out)
		return out
	}
	n := 5
	res := providers.List(context.Background(), build("old"), o, providers.FetchDirect, providers.Window{First: &n})
	c, err := codec.Decode(b, codec.Encode(b, res.Edges[n-1].Cursor))
	if err != nil {
		t.Fatal(err)
	}
	next := providers.List(context.Background(), build("new"), o, providers.FetchDirect, providers.Window{First: &n, After: &c})
	if len(next.Failed) != 0 || len(next.Edges) != n {
		t.Fatalf("failed %v, %d edges", next.Failed, len(next.Edges))
	}
	for i, e := range next.Edges {
		if _, err := codec.Decode(b, codec.Encode(b, e.Cursor)); err != nil {
			t.Fatalf("edge %d: %v", i, err)
		}
	}
}
