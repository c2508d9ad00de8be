package providers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// benchStreams returns five streams of 300 repositories each (few distinct dates, so ties are
// common), as a merged list of five sources would be.
func benchStreams(o providers.Order) []providers.Stream {
	rng := rand.New(rand.NewPCG(1, 2))
	provs := []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.CodeArts, providers.Gitea}
	var st []providers.Stream
	for i, p := range provs {
		st = append(st, providertest.NewStream(fmt.Sprintf("src%d", i), "", o, randomRepos(rng, p, fmt.Sprintf("s%d", i), 300)))
	}
	return st
}

// BenchmarkListPage is the hot path of a list request: a page of 50 after a cursor over five streams,
// with every edge's cursor encoded (what a page that selects edges.cursor costs).
func BenchmarkListPage(b *testing.B) {
	ctx := context.Background()
	o := providers.NewOrder(providers.SortPushed, providers.Desc)
	streams := benchStreams(o)
	codec := providers.NewCodec([]byte("secret"))
	enc := codec.Encoder(pushed)
	n := 50
	first := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n})
	after := first.Edges[len(first.Edges)-1].Cursor
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n, After: &after})
		for _, e := range res.Edges {
			_ = enc(e.Cursor)
		}
	}
}

// BenchmarkCursorDecode opens the cursor of a five-stream list (what every request with after or
// before costs).
func BenchmarkCursorDecode(b *testing.B) {
	ctx := context.Background()
	o := providers.NewOrder(providers.SortPushed, providers.Desc)
	streams := benchStreams(o)
	codec := providers.NewCodec([]byte("secret"))
	n := 50
	res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n})
	text := codec.Encode(pushed, res.Edges[len(res.Edges)-1].Cursor)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := codec.Decode(pushed, text); err != nil {
			b.Fatal(err)
		}
	}
}
