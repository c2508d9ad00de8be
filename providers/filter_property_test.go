package providers_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestFilteredListProperty: over random repositories of three sources (random privacy, forks,
// archived flags, owners and affiliations, times with ties), random filter combinations, every
// order, random page sizes, forward and backward, merged and one provider at a time, a filtered
// list through FilterStreams is exactly the repositories the filter keeps, each once, in the
// merged order (sort key, then provider, then each forge's total order), with the exact count.
func TestFilteredListProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	owners := []providertest.Owner{
		{Path: "me", Affiliation: providers.AffOwner},
		{Path: "friend", Affiliation: providers.AffCollaborator},
		{Path: "acme", Affiliation: providers.AffOrganizationMember},
	}
	var all []providers.Repository
	var srcs []providers.Source
	for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket} {
		rs := providertest.FilterData(rng, p, owners, 150+rng.IntN(100))
		all = append(all, rs...)
		srcs = append(srcs, providertest.NewSource(strings.ToLower(string(p)), rs))
	}
	ctx := context.Background()
	// One Local for every filter, as the server keeps one: lists of different filters must never
	// be mixed up in it.
	local := providers.NewLocal(nil, 0, 0)
	for i := range 60 {
		q := providers.Query{Token: "t", Order: providertest.AllOrders()[i%8], Filter: providertest.RandomFilter(rng, true)}
		pool := all
		if i%4 == 3 {
			p := []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket}[i/4%3]
			q.Providers = []providers.Provider{p}
			pool = slices.DeleteFunc(slices.Clone(all), func(r providers.Repository) bool { return r.Provider != p })
		}
		var sts []providers.Stream
		for _, s := range srcs {
			inner, err := s.Streams(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			sts = append(sts, providers.FilterStreams(local, q, inner)...)
		}
		providers.SortStreams(sts)
		var want []providers.Repository
		for _, r := range pool {
			if q.Filter.Match(&r) {
				want = append(want, r)
			}
		}
		o := q.Order
		slices.SortStableFunc(want, func(a, b providers.Repository) int {
			if c := o.CompareKey(&a, &b); c != 0 {
				return c
			}
			if c := strings.Compare(string(a.Provider), string(b.Provider)); c != 0 {
				return c
			}
			return o.Compare(&a, &b)
		})
		wantIDs := make([]string, len(want))
		for j := range want {
			wantIDs[j] = want[j].Identity()
		}
		sizes := providertest.RandomSizes(rng.IntN, 4)
		fw, bw := providertest.WalkBoth(t, sts, o, sizes)
		if got := providertest.Identities(fw); !slices.Equal(got, wantIDs) {
			t.Fatalf("filter %+v, %v, providers %v, sizes %v: forward\n got %v\nwant %v", q.Filter, o, q.Providers, sizes, got, wantIDs)
		}
		if got := providertest.Identities(bw); !slices.Equal(got, wantIDs) {
			t.Fatalf("filter %+v, %v, providers %v, sizes %v: backward\n got %v\nwant %v", q.Filter, o, q.Providers, sizes, got, wantIDs)
		}
		if n, err := providers.Count(ctx, sts, providers.FetchDirect); err != nil || n != len(want) {
			t.Fatalf("filter %+v: count %d, %v; want %d", q.Filter, n, err, len(want))
		}
	}
}

// TestFilterStreamsZeroIsUnchanged: the zero filter returns the source's own streams (the same
// ids, so the same cached pages and upstream requests), and a filtered stream's id differs from
// its unfiltered one and from another filter's.
func TestFilterStreamsZeroIsUnchanged(t *testing.T) {
	src := providertest.NewSource("github", []providers.Repository{{ForgeID: "1", Provider: providers.GitHub, NameWithOwner: "a/b"}})
	q := providers.Query{Token: "t", Order: providers.NewOrder("", "")}
	inner, _ := src.Streams(context.Background(), q)
	local := providers.NewLocal(nil, 0, 0)
	if got := providers.FilterStreams(local, q, inner); len(got) != 1 || got[0] != inner[0] {
		t.Fatalf("zero filter: %v", got)
	}
	ids := map[string]bool{inner[0].ID(): true}
	for _, f := range []providers.Filter{{Query: "a"}, {Query: "b"}, {IsFork: new(true)}} {
		fq := q
		fq.Filter = f
		in, _ := src.Streams(context.Background(), fq)
		id := providers.FilterStreams(local, fq, in)[0].ID()
		if ids[id] {
			t.Errorf("filter %+v: stream id %q seen before", f, id)
		}
		ids[id] = true
	}
}
