package codearts

// This file is how CodeArts narrows a filtered list natively (v4's archived and user_created) and
// works out affiliations (v4: user_created; v2: is_owner); the exact predicate is applied on top
// by providers.FilterStreams.

import (
	"context"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// filteredStreams returns the stream of a filtered list: the whole list, read once per credential
// and native parameters (archivedParam) and kept by cfg.Local, with each repository's affiliation
// when the filter asks for affiliations. CodeArts repositories live in projects: the ones the
// viewer created are OWNER, all others ORGANIZATION_MEMBER (never COLLABORATOR, so a filter of
// COLLABORATOR alone asks nothing).
//
// v4 knows the viewer's repositories only through user_created=true: with OWNER alone only that
// list is read; with ORGANIZATION_MEMBER both the list and the viewer's are read, and the
// repositories of the second are OWNER. v2 items carry is_owner, so v2 reads its list once.
//
// search is not sent: CodeArts documents it only as "Repository search", and a search that does not
// look at the namespace would drop repositories the filter keeps; query is applied locally.
func (s *Source) filteredStreams(q providers.Query) []providers.Stream {
	f := q.Filter
	wantOwner, wantOther := f.Wants(providers.AffOwner), f.Wants(providers.AffOrganizationMember)
	if !wantOwner && !wantOther {
		return nil
	}
	extra := url.Values{}
	if s.version == APIv4 && f.IsArchived != nil {
		extra.Set("archived", strconv.FormatBool(*f.IsArchived))
	}
	listKey := s.listKey + "|filtered|" + extra.Encode()
	var read providers.ReadAll
	switch {
	case f.Affiliations == nil:
		read = s.readAllWith(q.Token, extra)
	case s.version == APIv2:
		read = s.readAllWith(q.Token, nil)
	case !wantOther:
		mine := cloneValues(extra)
		mine.Set("user_created", "true")
		listKey += "|owner"
		read = marked(s.readAllWith(q.Token, mine), nil)
	default:
		mine := cloneValues(extra)
		mine.Set("user_created", "true")
		listKey += "|all"
		read = marked(s.readAllWith(q.Token, extra), s.readAllWith(q.Token, mine))
	}
	return []providers.Stream{s.local.Stream(SourceName, "", q, listKey, read, nil)}
}

// marked returns a reader of all's list with affiliations: the repositories mine also lists are
// OWNER, the others ORGANIZATION_MEMBER. With mine nil every repository of all is OWNER (all is the
// viewer's own list).
func marked(all, mine providers.ReadAll) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		out, err := all(ctx, max)
		if err != nil {
			return nil, err
		}
		owned := map[string]bool{}
		if mine != nil {
			own, err := mine(ctx, max)
			if err != nil {
				return nil, err
			}
			for i := range own {
				owned[own[i].ForgeID] = true
			}
		}
		for i := range out {
			out[i].Affiliation = providers.AffOrganizationMember
			if mine == nil || owned[out[i].ForgeID] {
				out[i].Affiliation = providers.AffOwner
			}
		}
		return out, nil
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
