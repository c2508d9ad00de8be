package providertest

import (
	"context"
	"slices"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// CheckFiltered lists q (a filtered query) from src the way the GraphQL layer does
// (src.Streams, then providers.FilterStreams over local) and fails t unless the walk forward and
// backward with page sizes sizes gives exactly the repositories of all that q.Filter.Match keeps
// (all is the forge's ground truth, with its affiliations), each once, in q.Order's key order,
// the same both ways, and providers.Count says exactly how many. It returns the streams it walked.
func CheckFiltered(t testing.TB, src providers.Source, local *providers.Local, q providers.Query, all []providers.Repository, sizes []int) []providers.Stream {
	t.Helper()
	ctx := context.Background()
	inner, err := src.Streams(ctx, q)
	if err != nil {
		t.Fatalf("streams: %v", err)
	}
	sts := providers.FilterStreams(local, q, inner)
	providers.SortStreams(sts)
	var want []string
	for i := range all {
		if q.Filter.Match(&all[i]) {
			want = append(want, all[i].Identity())
		}
	}
	slices.Sort(want)
	fw, bw := WalkBoth(t, sts, q.Order, sizes)
	got := Identities(fw)
	if !slices.Equal(got, Identities(bw)) {
		t.Fatalf("filter %+v, %v: forward and backward walks differ:\n%v\n%v", q.Filter, q.Order, got, Identities(bw))
	}
	for i := 1; i < len(fw); i++ {
		if q.Order.CompareKey(fw[i-1], fw[i]) > 0 {
			t.Fatalf("filter %+v, %v: %s before %s", q.Filter, q.Order, fw[i-1], fw[i])
		}
	}
	sorted := slices.Clone(got)
	slices.Sort(sorted)
	if !slices.Equal(sorted, want) {
		t.Fatalf("filter %+v, %v: got %d repositories %v\nwant %d %v", q.Filter, q.Order, len(sorted), sorted, len(want), want)
	}
	n, err := providers.Count(ctx, sts, providers.FetchDirect)
	if err != nil || n != len(want) {
		t.Fatalf("filter %+v: count %d, %v; want %d", q.Filter, n, err, len(want))
	}
	return sts
}
