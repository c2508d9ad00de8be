package fake

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// searchFilters returns the test of /repos/search's narrowing parameters as Gitea documents them:
// q (the repository's lower-cased name contains the keyword, or one of its comma-separated
// keywords; owners are not searched), is_private (only private or only public) and archived (only
// archived or only active). It returns the message of a 422 instead for a value that is not a
// boolean.
func searchFilters(q url.Values) (func(entry) bool, string) {
	var words []string
	for _, w := range strings.Split(strings.ToLower(q.Get("q")), ",") {
		if w = strings.TrimSpace(w); w != "" {
			words = append(words, w)
		}
	}
	flags := map[string]*bool{}
	for _, name := range []string{"is_private", "archived"} {
		if v := q.Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, "Invalid " + name + ": " + strconv.Quote(v)
			}
			flags[name] = &b
		}
	}
	return func(e entry) bool {
		if p := flags["is_private"]; p != nil && *p != e.repo.IsPrivate {
			return false
		}
		if a := flags["archived"]; a != nil && *a != (e.repo.IsArchived != nil && *e.repo.IsArchived) {
			return false
		}
		if len(words) == 0 {
			return true
		}
		_, name := providers.SplitPath(e.repo.NameWithOwner)
		return slices.ContainsFunc(words, func(w string) bool { return strings.Contains(strings.ToLower(name), w) })
	}, ""
}

// userOrgs answers GET /user/orgs: the organizations the viewer belongs to, which the fake knows
// as the owners of its repositories whose Affiliation is ORGANIZATION_MEMBER, by name.
func (s *Server) userOrgs(w http.ResponseWriter, _ *http.Request) {
	s.mu.RLock()
	seen := map[string]bool{}
	var names []string
	for i := range s.repos {
		owner, _ := providers.SplitPath(s.repos[i].NameWithOwner)
		if s.repos[i].Affiliation == providers.AffOrganizationMember && !seen[owner] {
			seen[owner] = true
			names = append(names, owner)
		}
	}
	s.mu.RUnlock()
	var orgs []map[string]any
	for _, owner := range names {
		orgs = append(orgs, map[string]any{"id": s.ownerID(owner), "name": owner, "username": owner, "full_name": owner})
	}
	slices.SortFunc(orgs, func(a, b map[string]any) int { return strings.Compare(a["name"].(string), b["name"].(string)) })
	if orgs == nil {
		orgs = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, orgs)
}
