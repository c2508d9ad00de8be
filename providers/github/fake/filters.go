package fake

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// filterList keeps the repositories of GET /user/repos that its documented filters let through:
// visibility (all, public, private; default all), affiliation (a comma list of owner,
// collaborator, organization_member; default all three) and type (all, owner, public, private,
// member), which GitHub refuses with 422 when given with visibility or affiliation. owner is a
// repository of viewer's, organization_member one of an organization (its owner's type), and
// collaborator another user's. It returns the 422 answer instead for a bad value.
func filterList(q url.Values, repos []providers.Repository, viewer string) ([]providers.Repository, *answer) {
	if q.Has("type") && (q.Has("visibility") || q.Has("affiliation")) {
		return nil, jsonAnswer(http.StatusUnprocessableEntity, errorBody{
			Message:          "If you specify visibility or affiliation, you cannot specify type.",
			DocumentationURL: docsList,
		})
	}
	vis := q.Get("visibility")
	switch vis {
	case "", "all", "public", "private":
	default:
		return nil, invalid("visibility")
	}
	aff := map[string]bool{"owner": true, "collaborator": true, "organization_member": true}
	if q.Has("affiliation") {
		aff = map[string]bool{}
		for _, a := range strings.Split(q.Get("affiliation"), ",") {
			a = strings.TrimSpace(a)
			if a != "owner" && a != "collaborator" && a != "organization_member" {
				return nil, invalid("affiliation")
			}
			aff[a] = true
		}
	}
	typ := q.Get("type")
	switch typ {
	case "", "all", "owner", "public", "private", "member":
	default:
		return nil, invalid("type")
	}
	out := repos[:0:0]
	for i := range repos {
		r := &repos[i]
		owner, _ := providers.SplitPath(r.NameWithOwner)
		kind := "collaborator"
		switch {
		case ownerType(r) == "Organization":
			kind = "organization_member"
		case strings.EqualFold(owner, viewer):
			kind = "owner"
		}
		if !aff[kind] || (vis == "public" && r.IsPrivate) || (vis == "private" && !r.IsPrivate) {
			continue
		}
		switch typ {
		case "owner":
			if kind != "owner" {
				continue
			}
		case "member":
			if kind == "owner" {
				continue
			}
		case "public", "private":
			if r.IsPrivate != (typ == "private") {
				continue
			}
		}
		out = append(out, *r)
	}
	return out, nil
}
