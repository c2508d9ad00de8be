package fake

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/forgegraph/forgegraph/providers"
)

// minPartialSearch is GitLab's shortest term matched as a substring (Gitlab::SQL::Pattern): a
// shorter term matches a name or path only exactly, ignoring case.
const minPartialSearch = 3

// filterProjects keeps the projects of all that GET /projects' filter parameters let through, as
// GitLab documents them: search (name, path or description contain it, ignoring case; with
// search_namespaces=true also the full path with the namespace; terms shorter than three characters
// match a name or path exactly), visibility (public, internal, private: the fake has no internal
// projects), archived, owned (the projects of the user's own namespace, user). It returns the name
// of an invalid parameter instead when there is one.
func filterProjects(q url.Values, all []providers.Repository, user string) ([]providers.Repository, string) {
	searchNS, ok := parseBool(q.Get("search_namespaces"))
	if !ok {
		return nil, "search_namespaces"
	}
	owned, ok := parseBool(q.Get("owned"))
	if !ok {
		return nil, "owned"
	}
	var archived *bool
	if v := q.Get("archived"); v != "" {
		b, ok := parseBool(v)
		if !ok {
			return nil, "archived"
		}
		archived = &b
	}
	vis := q.Get("visibility")
	switch vis {
	case "", "public", "internal", "private":
	default:
		return nil, "visibility"
	}
	term := strings.ToLower(q.Get("search"))
	out := all[:0:0]
	for i := range all {
		r := &all[i]
		if term != "" && !searchMatches(r, term, searchNS) {
			continue
		}
		if vis != "" && vis != visibilityOf(r) {
			continue
		}
		if archived != nil && *archived != (r.IsArchived != nil && *r.IsArchived) {
			continue
		}
		if owner, _ := providers.SplitPath(r.NameWithOwner); owned && (r.Affiliation == providers.AffOrganizationMember || !strings.EqualFold(owner, user)) {
			continue
		}
		out = append(out, *r)
	}
	return out, ""
}

// searchMatches is GitLab's project search for a lower-cased term.
func searchMatches(r *providers.Repository, term string, namespaces bool) bool {
	fields := []string{nameOf(r), pathOf(r)}
	if namespaces {
		fields = append(fields, r.NameWithOwner)
	}
	if utf8.RuneCountInString(term) < minPartialSearch {
		for _, f := range fields {
			if strings.ToLower(f) == term {
				return true
			}
		}
		return false
	}
	if r.Description != nil {
		fields = append(fields, *r.Description)
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), term) {
			return true
		}
	}
	return false
}

// visibilityOf is the visibility the fake serves r with.
func visibilityOf(r *providers.Repository) string {
	if r.IsPrivate {
		return "private"
	}
	return "public"
}
