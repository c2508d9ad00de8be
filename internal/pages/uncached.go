package pages

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// Stale-if-error for streams the store does not cache (Uncached: the pages of a whole list read
// for a local sort, which providers.Local keeps for its own TTL). Such a page is not kept fresh
// here, but with StaleIfError set each page served is kept as a stale copy, under its own key in
// the store's sealed cache (per credential, in its generation, within the cache's budget), so
// that when the whole list can no longer be read (the forge fails in a way
// providers.StaleServable accepts; never 401 or 403) a walk the same credential made within
// StaleIfError is answered whole from those copies and marked stale, like pages of natively
// sorted lists.

// staleOnlyKey is the key of the stale copy of page i of an Uncached stream.
func staleOnlyKey(s providers.Stream, i int) string { return "stale|" + key(s, i) }

// fetchUncached returns page i of the Uncached stream s from s itself, keeping a stale copy of it
// (rewritten at most once per freshness time) or, when s fails, answering from that copy.
func (st *Store) fetchUncached(ctx context.Context, s providers.Stream, i int) (providers.Page, error) {
	p, err := s.FetchPage(ctx, i, "")
	token := tokenFor(ctx, s)
	if st.StaleIfError <= 0 || token == "" {
		return p, err
	}
	k, sc := staleOnlyKey(s, i), st.cache.At(ctx, s.Source(), token)
	old, had := sc.Get(ctx, k)
	if err == nil {
		// A copy younger than the freshness time is as good: a walk's repeated reads of the same
		// page do not rewrite it.
		if !had || !st.fresh(old) {
			sc.Set(ctx, k, Entry{Page: p, FreshUntil: st.now().Add(st.freshFor)}, st.StaleIfError)
		}
		return p, nil
	}
	if asOf, ok := st.staleCopy(old, had); ok && providers.StaleServable(err) {
		providers.MarkStale(ctx, s.Source(), asOf, providers.KindOf(err))
		return old.Page, nil
	}
	return p, err
}
