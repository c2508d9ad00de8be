package providertest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

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

// Owner is an owner of generated repositories and how the viewer reaches its repositories.
type Owner struct {
	Path        string
	Affiliation providers.Affiliation
}

// FilterData returns n repositories of provider p spread over owners, with random privacy, fork,
// archived flags, times (ties included) and descriptions (some holding "needle", so a forge search
// that also matches descriptions returns more than the filter keeps), and names of which about one
// in a hundred hold "needle". Each carries its owner's affiliation.
func FilterData(rng *rand.Rand, p providers.Provider, owners []Owner, n int) []providers.Repository {
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]providers.Repository, n)
	for i := range out {
		o := owners[rng.IntN(len(owners))]
		name := fmt.Sprintf("repo-%04d", i)
		if rng.IntN(100) == 0 {
			name = fmt.Sprintf("Needle-%04d", i)
		}
		t1 := base.Add(time.Duration(rng.IntN(n/2+1)) * time.Hour)
		t2 := t1.Add(time.Duration(rng.IntN(3)) * time.Hour)
		fork, archived := rng.IntN(4) == 0, rng.IntN(5) == 0
		if p == providers.Bitbucket {
			archived = false
		}
		var desc *string
		if rng.IntN(20) == 0 {
			d := "a needle in the description"
			desc = &d
		}
		out[i] = providers.Repository{ForgeID: fmt.Sprint(1000 + i), Provider: p, Name: name, Owner: o.Path,
			NameWithOwner: o.Path + "/" + name, IsPrivate: rng.IntN(2) == 0, IsFork: &fork, IsArchived: &archived,
			CreatedAt: &t1, UpdatedAt: &t2, PushedAt: &t2, Description: desc, Affiliation: o.Affiliation}
	}
	return out
}

// RandomFilter returns a random filter: each part set or not, the query a piece of a name that
// may hit many, few or no repositories (short ones included, which some forges cannot search).
func RandomFilter(rng *rand.Rand, archiving bool) providers.Filter {
	var f providers.Filter
	if rng.IntN(2) == 0 {
		f.Query = []string{"needle", "NEEDLE-0", "o-00", "ne", "/repo-01", "zzz", "e", "ee"}[rng.IntN(8)]
	}
	switch rng.IntN(3) {
	case 0:
		f.Privacy = providers.PrivacyPublic
	case 1:
		f.Privacy = providers.PrivacyPrivate
	}
	if rng.IntN(2) == 0 {
		for _, a := range providers.AllAffiliations {
			if rng.IntN(2) == 0 {
				f.Affiliations = append(f.Affiliations, a)
			}
		}
		if f.Affiliations == nil {
			f.Affiliations = []providers.Affiliation{providers.AffOwner}
		}
	}
	if rng.IntN(3) == 0 {
		f.IsFork = new(rng.IntN(2) == 0)
	}
	if rng.IntN(3) == 0 && archiving {
		f.IsArchived = new(rng.IntN(2) == 0)
	}
	return f
}
