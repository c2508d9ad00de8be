package graph

import (
	"context"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// pagingArgs are the arguments that say which part of a list to answer, not which list: they are
// in the cursors themselves, never in what cursors are bound to.
var pagingArgs = map[string]bool{"First": true, "Last": true, "After": true, "Before": true}

// TestCursorBindingCoversListArgs: every list argument but the paging ones changes, alone, what a
// list's cursors are bound to, so a cursor of one list is never accepted by another (a filter added
// to ListArgs but not to ListArgs.query and providers.Query.Key fails here, naming it).
func TestCursorBindingCoversListArgs(t *testing.T) {
	ctx := context.Background()
	p := providers.GitLab
	for _, base := range []ListArgs{{}, {Provider: &p}} {
		was := cursorBinding(ctx, base.query(), nil).Args
		providertest.EachFieldChanged(t, base, func(field string, changed ListArgs) {
			now := cursorBinding(ctx, changed.query(), nil).Args
			switch {
			case pagingArgs[field] && now != was:
				t.Errorf("the paging argument %s changes the binding (%q to %q)", field, was, now)
			case !pagingArgs[field] && now == was:
				t.Errorf("changing %s alone leaves the cursor binding %q unchanged: carry it into ListArgs.query", field, was)
			}
		})
	}
}

// TestPlansCarryTheListQuery: each source's query is the list's query with the source's credential
// and forges: a field of providers.Query set on the list reaches every source (only Token and
// Providers are the plan's own).
func TestPlansCarryTheListQuery(t *testing.T) {
	r := &Resolver{Sources: []providers.Source{
		providertest.NewSource("github", []providers.Repository{{Provider: providers.GitHub}}),
	}}
	ctx := context.Background()
	base := providers.Query{Order: providers.NewOrder("", "")}
	providertest.EachFieldChanged(t, base, func(field string, changed providers.Query) {
		if field == "Token" || field == "Providers" {
			return
		}
		plans := r.plans(ctx, nil, changed)
		if len(plans) != 1 {
			t.Fatalf("%d plans", len(plans))
		}
		got := plans[0].query
		got.Token, got.Providers = changed.Token, changed.Providers
		if got.Key() != changed.Key() {
			t.Errorf("changing %s: the source is asked %q, the list is %q", field, got.Key(), changed.Key())
		}
	})
}
