package fake

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/forgegraph/forgegraph/providers"
)

// filterV4 keeps the repositories GET /v4/user/repositories' filters let through: archived
// (true or false; absent keeps both), search (1 to 512 characters: the repository's name or path
// contains it, ignoring case, as GitLab's project search on which the Repo API is built; the
// namespace is not searched), user_created (true: the ones the caller created, whose Affiliation
// is not ORGANIZATION_MEMBER), membership and starred (every repository served is a membership;
// none is starred). It returns a message naming a bad parameter instead.
func filterV4(q url.Values, repos []providers.Repository) ([]providers.Repository, string) {
	flags := map[string]*bool{}
	for _, name := range []string{"archived", "user_created", "membership", "starred"} {
		if v := q.Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, name + " must be true or false"
			}
			flags[name] = &b
		}
	}
	search := q.Get("search")
	if q.Has("search") && (search == "" || utf8.RuneCountInString(search) > 512) {
		return nil, "search must be 1 to 512 characters"
	}
	search = strings.ToLower(search)
	out := repos[:0:0]
	for i := range repos {
		r := &repos[i]
		if a := flags["archived"]; a != nil && *a != (r.IsArchived != nil && *r.IsArchived) {
			continue
		}
		if u := flags["user_created"]; u != nil && *u && r.Affiliation == providers.AffOrganizationMember {
			continue
		}
		if s := flags["starred"]; s != nil && *s {
			continue
		}
		_, path := providers.SplitPath(r.NameWithOwner)
		if search != "" && !strings.Contains(strings.ToLower(r.Name), search) && !strings.Contains(strings.ToLower(path), search) {
			continue
		}
		out = append(out, *r)
	}
	return out, ""
}
