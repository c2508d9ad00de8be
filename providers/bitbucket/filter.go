package bitbucket

// This file is how Bitbucket narrows a filtered list natively: workspaces the affiliations leave
// out are not asked at all, and each workspace's list is asked with a BBQL q=; the exact predicate
// is applied on top by providers.FilterStreams.

import (
	"context"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// filteredStreams returns the streams of a filtered list: one per workspace whose affiliation the
// filter wants (the viewer's personal workspace, whose slug is its username, is OWNER; every other
// workspace ORGANIZATION_MEMBER, so COLLABORATOR alone asks none), each paging the workspace's list
// narrowed by bbql(f) in the native updated_on order (the order does not matter: a filtered list is
// read whole and sorted). Bitbucket never archives: isArchived true asks no workspace.
func (s *Source) filteredStreams(ctx context.Context, q providers.Query, workspaces []string) ([]providers.Stream, error) {
	f := q.Filter
	if f.IsArchived != nil && *f.IsArchived {
		return nil, nil
	}
	me := ""
	if f.Affiliations != nil {
		var err error
		if me, err = s.viewer(ctx, q.Token); err != nil {
			return nil, err
		}
	}
	var out []providers.Stream
	for _, ws := range workspaces {
		aff := providers.Affiliation("")
		if me != "" {
			aff = providers.AffOrganizationMember
			if strings.EqualFold(ws, me) {
				aff = providers.AffOwner
			}
			if !f.Wants(aff) {
				continue
			}
		}
		out = append(out, &stream{s: s, ws: ws, q: q, sort: "-updated_on", role: "member", id: providers.StreamID(SourceName, ws, q),
			bbql: bbql(f), aff: aff})
	}
	return out, nil
}

// bbql is the BBQL filter for f's query and privacy: full_name ~ "query" (Bitbucket's ~ is a
// case-insensitive contains, exactly the filter's test) and is_private = true or false, joined by
// AND; "" when f has neither. Forks have no BBQL field forgegraph relies on: they are filtered
// locally only.
func bbql(f providers.Filter) string {
	var terms []string
	if f.Query != "" {
		terms = append(terms, `full_name ~ "`+escapeBBQL(f.Query)+`"`)
	}
	switch f.Privacy {
	case providers.PrivacyPublic:
		terms = append(terms, "is_private = false")
	case providers.PrivacyPrivate:
		terms = append(terms, "is_private = true")
	}
	return strings.Join(terms, " AND ")
}

// escapeBBQL escapes a string for a double-quoted BBQL value.
func escapeBBQL(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// viewer returns the username of token's user (GET /user), the slug of its personal workspace,
// kept per credential for providers.ViewerTTL.
func (s *Source) viewer(ctx context.Context, token string) (string, error) {
	return s.viewers.Login(ctx, SourceName, token, func(ctx context.Context) (string, error) {
		var u struct {
			Username string `json:"username"`
		}
		if _, err := s.client.Do(ctx, token, &rest.Request{Method: http.MethodGet, Path: "/user"}, &u); err != nil {
			return "", err
		}
		if u.Username == "" {
			return "", s.errorf(providers.KindBadResponse, nil, "GET /user answered no username")
		}
		return u.Username, nil
	})
}
