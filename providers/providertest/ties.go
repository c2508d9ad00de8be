package providertest

import (
	"context"
	"fmt"

	"github.com/forgegraph/forgegraph/providers"
)

// CheckTies reads every page of st, a stream in the date order o, and checks that it lists
// repositories with the same date in the order it declares (providers.TieOrderer): each with a
// known tie key, in ascending order of those keys. It returns how many pairs of neighbours with one
// date it checked (a test demands some, so that its data had ties), and an error when st declares
// no tie order, a page cannot be read, or a pair is out of the declared order.
func CheckTies(ctx context.Context, st providers.Stream, o providers.Order) (int, error) {
	t, ok := st.(providers.TieOrderer)
	if !ok {
		return 0, fmt.Errorf("stream %q of %s declares no order of ties (providers.TieOrderer)", st.Key(), st.Source())
	}
	var prev *providers.Repository
	pairs := 0
	for i := 0; ; i++ {
		p, err := st.FetchPage(ctx, i, "")
		if err != nil {
			return pairs, fmt.Errorf("page %d: %w", i, err)
		}
		for j := range p.Items {
			r := &p.Items[j]
			if prev != nil && o.MarkKey(r) != 0 && o.CompareKey(prev, r) == 0 {
				pairs++
				a, _ := t.TieKey(prev)
				b, _ := t.TieKey(r)
				if a == "" || b == "" || a >= b {
					return pairs, fmt.Errorf("%v: %s (id %s) then %s (id %s), with one date, are not in the stream's declared order of ties (keys %q, %q)",
						o, prev.NameWithOwner, prev.ForgeID, r.NameWithOwner, r.ForgeID, a, b)
				}
			}
			prev = r
		}
		if !p.More || len(p.Items) == 0 {
			return pairs, nil
		}
	}
}
