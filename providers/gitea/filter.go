package gitea

// This file is how Gitea narrows a filtered list natively (/repos/search's q, is_private,
// archived, mode and exclusive) and works out affiliations (GET /user, GET /user/orgs); the exact
// predicate is applied on top by providers.FilterStreams.

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// filteredStreams returns the stream of a filtered list: the viewer's whole list narrowed by
// nativeFilter, read once per credential and filter and kept by cfg.Local, with affiliations when
// the filter asks for them.
func (s *Source) filteredStreams(q providers.Query) []providers.Stream {
	extra := nativeFilter(q.Filter)
	read := s.readAllWith(q.Token, extra)
	if q.Filter.Affiliations != nil {
		read = s.withAffiliations(q.Token, read)
	}
	return []providers.Stream{s.local.Stream(SourceName, "", q, listKey+"|filtered|"+extra.Encode()+"|"+q.Filter.Key(), read, nil)}
}

// nativeFilter returns the /repos/search parameters that narrow the viewer's list to a superset of
// f's answer:
//   - q for a query holding "/": Gitea searches names only (never owners), and a full path
//     owner/name holds "x/y" only when the name begins with y, so q=y (the part after the last "/")
//     keeps a superset; a query without "/" may match an owner and is applied locally only;
//   - is_private=true or false for privacy, archived=true or false, mode=fork or source for isFork;
//   - exclusive=true when only OWNER is asked (the repositories the viewer owns).
func nativeFilter(f providers.Filter) url.Values {
	v := url.Values{}
	if i := strings.LastIndex(f.Query, "/"); i >= 0 && i < len(f.Query)-1 {
		v.Set("q", f.Query[i+1:])
	}
	switch f.Privacy {
	case providers.PrivacyPublic:
		v.Set("is_private", "false")
	case providers.PrivacyPrivate:
		v.Set("is_private", "true")
	}
	if f.IsArchived != nil {
		v.Set("archived", strconv.FormatBool(*f.IsArchived))
	}
	if f.IsFork != nil {
		v.Set("mode", map[bool]string{true: "fork", false: "source"}[*f.IsFork])
	}
	if slices.Equal(f.Affiliations, []providers.Affiliation{providers.AffOwner}) {
		v.Set("exclusive", "true")
	}
	return v
}

// withAffiliations returns read with each repository's affiliation: OWNER when the viewer owns
// it, ORGANIZATION_MEMBER when one of the viewer's organizations (GET /user/orgs) does, else
// COLLABORATOR. The login and the organizations are kept per credential for providers.ViewerTTL.
func (s *Source) withAffiliations(token string, read providers.ReadAll) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		out, err := read(ctx, max)
		if err != nil {
			return nil, err
		}
		u, err := s.me(ctx, token)
		if err != nil {
			return nil, err
		}
		me := u.Login
		orgs, err := s.orgs.Get(ctx, SourceName, token, "orgs", func(ctx context.Context) ([]string, error) {
			return s.readOrgs(ctx, token)
		})
		if err != nil {
			return nil, err
		}
		in := map[string]bool{}
		for _, o := range orgs {
			in[strings.ToLower(o)] = true
		}
		for i := range out {
			switch {
			case strings.EqualFold(out[i].Owner, me):
				out[i].Affiliation = providers.AffOwner
			case in[strings.ToLower(out[i].Owner)]:
				out[i].Affiliation = providers.AffOrganizationMember
			default:
				out[i].Affiliation = providers.AffCollaborator
			}
		}
		return out, nil
	}
}

// maxOrgPages bounds GET /user/orgs: 50 pages of 50 organizations.
const maxOrgPages = 50

// readOrgs reads the names of the viewer's organizations, page by page until an empty page (a server may cap pages below the limit asked, so a short page is not the end).
func (s *Source) readOrgs(ctx context.Context, token string) ([]string, error) {
	var names []string
	for page := 1; page <= maxOrgPages; page++ {
		var orgs []struct {
			Name     string `json:"name"`
			Username string `json:"username"`
		}
		q := url.Values{"page": {strconv.Itoa(page)}, "limit": {"50"}}
		if _, err := s.client.Do(ctx, token, &rest.Request{Method: http.MethodGet, Path: "/user/orgs", Query: q}, &orgs); err != nil {
			return nil, err
		}
		if len(orgs) == 0 {
			break
		}
		for _, o := range orgs {
			name := o.Username
			if name == "" {
				name = o.Name
			}
			names = append(names, name)
		}
	}
	return names, nil
}
