package github

// This file is how GitHub narrows a filtered list natively (GET /user/repos's visibility and
// affiliation) and works out affiliations; the exact predicate is applied on top by
// providers.FilterStreams.

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// nativeFilter returns the GET /user/repos parameters that narrow the list to a superset of f's
// answer, nil for the unfiltered list:
//   - visibility=public or private for privacy;
//   - affiliation for affiliations: OWNER is owner, COLLABORATOR collaborator, ORGANIZATION_MEMBER
//     organization_member and collaborator (an outside collaborator of an organization's
//     repository is listed under collaborator, and forgegraph counts every repository of an
//     organization as ORGANIZATION_MEMBER).
//
// type is never sent: GitHub answers 422 when it comes with visibility or affiliation. GitHub's list
// has no search, fork or archived parameter: those are applied locally only. A filtered list always
// sends affiliation (all three when none is asked), so its pages never share an ETag-validated
// copy with the unfiltered list's.
func nativeFilter(f providers.Filter) url.Values {
	if f.IsZero() {
		return nil
	}
	v := url.Values{}
	switch f.Privacy {
	case providers.PrivacyPublic:
		v.Set("visibility", "public")
	case providers.PrivacyPrivate:
		v.Set("visibility", "private")
	}
	var aff []string
	for _, a := range []struct {
		want  providers.Affiliation
		names []string
	}{
		{providers.AffOwner, []string{"owner"}},
		{providers.AffCollaborator, []string{"collaborator"}},
		{providers.AffOrganizationMember, []string{"organization_member", "collaborator"}},
	} {
		if f.Wants(a.want) {
			aff = append(aff, a.names...)
		}
	}
	slices.Sort(aff)
	v.Set("affiliation", strings.Join(slices.Compact(aff), ","))
	return v
}

// affiliation is how viewer reaches a repository owned by o: ORGANIZATION_MEMBER when an
// organization owns it, OWNER when viewer does, else COLLABORATOR.
func affiliation(o *user, viewer string) providers.Affiliation {
	switch {
	case o != nil && o.Type == "Organization":
		return providers.AffOrganizationMember
	case o != nil && strings.EqualFold(o.Login, viewer):
		return providers.AffOwner
	default:
		return providers.AffCollaborator
	}
}

// viewer returns the login of token's user (GET /user), kept per credential for
// providers.ViewerTTL.
func (s *Source) viewer(ctx context.Context, token string) (string, error) {
	return s.viewers.Login(ctx, SourceName, token, func(ctx context.Context) (string, error) {
		var me user
		if _, err := s.client.Do(ctx, token, &rest.Request{Method: http.MethodGet, Path: "/user"}, &me); err != nil {
			return "", err
		}
		if me.Login == "" {
			return "", providers.Errorf(providers.KindBadResponse, SourceName, "GET /user answered no login")
		}
		return me.Login, nil
	})
}
