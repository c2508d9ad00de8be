package graph

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/forgegraph/forgegraph/providers"
)

// FilterArgs are the filter arguments of Viewer.repositories; nil means not given.
type FilterArgs struct {
	Query        *string
	Privacy      *providers.Privacy
	Affiliations []providers.Affiliation
	IsFork       *bool
	IsArchived   *bool
}

// check validates the filter arguments: a query longer than providers.MaxFilterQuery characters
// (after trimming) and an empty affiliations list are KindBadInput errors that say how to fix them.
func (f FilterArgs) check() error {
	if f.Query != nil {
		if n := utf8.RuneCountInString(strings.TrimSpace(*f.Query)); n > providers.MaxFilterQuery {
			return providers.Errorf(providers.KindBadInput, "", "query is %d characters long, at most %d are allowed: search for a shorter part of the name", n, providers.MaxFilterQuery)
		}
	}
	if f.Affiliations != nil && len(f.Affiliations) == 0 {
		return providers.Errorf(providers.KindBadInput, "", "affiliations is an empty list, which keeps no repository: leave it out (or null) for all three, or name at least one of OWNER, COLLABORATOR, ORGANIZATION_MEMBER")
	}
	return nil
}

// filter is the providers.Filter of f in canonical form: the query trimmed ("" when only spaces),
// the affiliations sorted without repeats, and nil when they name all three (the same list as
// none given, with the same cursors).
func (f FilterArgs) filter() providers.Filter {
	var out providers.Filter
	if f.Query != nil {
		out.Query = strings.TrimSpace(*f.Query)
	}
	if f.Privacy != nil {
		out.Privacy = *f.Privacy
	}
	if f.Affiliations != nil {
		as := slices.Clone(f.Affiliations)
		slices.Sort(as)
		as = slices.Compact(as)
		if !slices.Equal(as, providers.AllAffiliations) {
			out.Affiliations = as
		}
	}
	out.IsFork, out.IsArchived = f.IsFork, f.IsArchived
	return out
}
