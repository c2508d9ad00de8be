package gitlab

// This file is how GitLab narrows a filtered list natively (GET /projects parameters) and works
// out affiliations; the exact predicate is applied on top by providers.FilterStreams.

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// minSearch is the shortest term GitLab matches as a substring: shorter terms only match a name
// or path exactly (Gitlab::SQL::Pattern's minimum for partial matching), so they are not sent.
const minSearch = 3

// nativeFilter returns the GET /projects parameters that narrow the list to a superset of f's
// answer (never an empty map, so a filtered stream always tells itself from the unfiltered one):
//   - search with search_namespaces=true for a query of at least minSearch characters without
//     spaces: GitLab then matches the name, the path, the full path with its namespace and the
//     description, a superset of "nameWithOwner contains it";
//   - visibility=public for PUBLIC (PRIVATE is private or internal: no one value, so local);
//   - archived=true or false;
//   - owned=true when only OWNER is asked (the projects of the user's own namespace, a superset).
//
// isFork has no GitLab parameter and is applied locally only.
func nativeFilter(f providers.Filter) url.Values {
	v := url.Values{}
	if t := f.Query; utf8.RuneCountInString(t) >= minSearch && !strings.ContainsFunc(t, unicode.IsSpace) {
		v.Set("search", t)
		v.Set("search_namespaces", "true")
	}
	if f.Privacy == providers.PrivacyPublic {
		v.Set("visibility", "public")
	}
	if f.IsArchived != nil {
		v.Set("archived", boolString(*f.IsArchived))
	}
	if slices.Equal(f.Affiliations, []providers.Affiliation{providers.AffOwner}) {
		v.Set("owned", "true")
	}
	return v
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// affiliation is how viewer reaches a project in namespace ns owned by owner (the namespace's
// full path): ORGANIZATION_MEMBER in a group, OWNER in the viewer's own user namespace, else
// COLLABORATOR (another user's namespace).
func affiliation(ns *namespace, owner, viewer string) providers.Affiliation {
	switch {
	case ns != nil && ns.Kind == "group":
		return providers.AffOrganizationMember
	case strings.EqualFold(owner, viewer):
		return providers.AffOwner
	default:
		return providers.AffCollaborator
	}
}

// viewer returns the username of token's user (GET /user), kept per credential for
// providers.ViewerTTL.
func (s *Source) viewer(ctx context.Context, token string) (string, error) {
	return s.viewers.Login(ctx, SourceName, token, func(ctx context.Context) (string, error) {
		var u struct {
			Username string `json:"username"`
		}
		if _, err := s.client.Do(ctx, token, &rest.Request{Method: http.MethodGet, Path: "/user"}, &u); err != nil {
			return "", err
		}
		if u.Username == "" {
			return "", providers.Errorf(providers.KindBadResponse, SourceName, "GET /user answered no username")
		}
		return u.Username, nil
	})
}
