package registry_test

import (
	"context"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestInternalConditionsAreInternalOnEveryForge: a condition only a server bug can cause (an order
// the enums cannot produce, a negative page index) is KindInternal on every forge, never
// KindBadInput, which would tell the client to fix input it never gave.
func TestInternalConditionsAreInternalOnEveryForge(t *testing.T) {
	ctx := context.Background()
	d := registry.NewDemo()
	for _, f := range registry.All() {
		t.Run(f.Name, func(t *testing.T) {
			settings, token := registry.Settings{BaseURL: "http://" + f.Name + ".test.invalid"}, "t"
			if url := d.URLs()[f.Name]; url != "" {
				settings, token = registry.Settings{BaseURL: url, HTTP: d.Client}, d.Tokens()[f.Name]
			}
			s, err := f.New(settings)
			if err != nil {
				t.Fatal(err)
			}
			bad := providers.Query{Token: token, Order: providers.Order{Sort: "STARS", Direction: providers.Asc}}
			if _, err := s.Streams(ctx, bad); providers.KindOf(err) != providers.KindInternal {
				t.Errorf("Streams with an invalid order: %v, want kind %s", err, providers.KindInternal)
			}
			for _, sort := range []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated, providers.SortFullName} {
				q := providers.Query{Token: token, Order: providers.NewOrder(sort, providers.Asc)}
				sts, err := s.Streams(ctx, q)
				if err != nil {
					t.Fatalf("Streams %s: %v", q.Order, err)
				}
				if len(sts) == 0 {
					t.Fatalf("Streams %s: no stream", q.Order)
				}
				for _, st := range sts {
					if _, err := st.FetchPage(ctx, -1, ""); providers.KindOf(err) != providers.KindInternal {
						t.Errorf("%s stream %q: FetchPage(-1) = %v, want kind %s", q.Order, st.Key(), err, providers.KindInternal)
					}
				}
			}
		})
	}
}
