package wire

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// Page is one page of a whole-list read, as the forge's fetch function understood it.
type Page[T any] struct {
	// Items are the page's items, converted (a fetch may drop items it cannot list, say a
	// workspace slug that cannot be a path).
	Items []T
	// More is whether another page follows, by the forge's own paging signal (a next link, a next
	// page header, a full page, a total not yet reached).
	More bool
	// Total is the whole list's length when the forge said it, else -1 (0 is a real total).
	Total int
}

// Read describes one whole-list read. Every field is required (a nil function panics, a
// programming error caught by any test of the forge); Max 0 allows only an empty list.
type Read[T any] struct {
	// Source names the forge in the errors the loop itself makes ("github", ...).
	Source string
	// Max is the most items the list may hold; one more fails with TooMany.
	Max int
	// PageSize is the size of a full page; it bounds how many pages are read (Max/PageSize + 2).
	PageSize int
	// Key is an item's identity: an item whose key was already read (the list moved during the
	// read and shifted it onto a later page) is kept once.
	Key func(T) string
	// Fetch reads page n, counted from 1. A forge-specific end of list (Bitbucket's 404 for a page
	// past the end) is Fetch's to turn into a Page without More.
	Fetch func(ctx context.Context, n int) (Page[T], error)
	// TooMany is the error for a list longer than Max: it says which limit to raise or which
	// order to ask instead, in the forge's terms.
	TooMany func() error
}

// ReadAll reads r's whole list page by page and returns its items in the order read, each once.
// The one stop rule, the same for every forge:
//   - a page whose Total is above Max, or that brings the list above Max, fails with r.TooMany
//     (at once: more pages would not change the answer);
//   - a page without More, or an empty page, ends the list;
//   - a page with More that adds no item not already read fails with KindBadResponse: the forge
//     ignores the page parameter or repeats itself, and asking on would never end;
//   - more pages than a list of Max items can fill (Max/PageSize + 2, one for a page shifted by
//     the list moving, one for an empty last page) fail with r.TooMany.
//
// Errors of Fetch come back as they are.
func ReadAll[T any](ctx context.Context, r Read[T]) ([]T, error) {
	var out []T
	seen := map[string]bool{}
	maxPages := r.Max/max(r.PageSize, 1) + 2
	for n := 1; ; n++ {
		p, err := r.Fetch(ctx, n)
		if err != nil {
			return nil, err
		}
		if p.Total > r.Max {
			return nil, r.TooMany()
		}
		added := 0
		for _, it := range p.Items {
			if k := r.Key(it); !seen[k] {
				seen[k] = true
				out = append(out, it)
				added++
			}
		}
		if len(out) > r.Max {
			return nil, r.TooMany()
		}
		if !p.More || len(p.Items) == 0 {
			return out, nil
		}
		if added == 0 {
			return nil, providers.Errorf(providers.KindBadResponse, r.Source,
				"page %d repeats only what earlier pages listed although the forge says more follow: it does not page as documented", n)
		}
		if n >= maxPages {
			return nil, r.TooMany()
		}
	}
}
