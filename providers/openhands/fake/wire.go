package fake

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
)

// OpenHands' ProviderType values.
const (
	forgeGitHub        = "github"
	forgeGitLab        = "gitlab"
	forgeBitbucket     = "bitbucket"
	forgeEnterpriseSSO = "enterprise_sso"
)

// forgeOf is the ProviderType of p, "" for providers OpenHands does not front.
func forgeOf(p providers.Provider) string {
	switch p {
	case providers.GitHub:
		return forgeGitHub
	case providers.GitLab:
		return forgeGitLab
	case providers.Bitbucket:
		return forgeBitbucket
	}
	return ""
}

// repository is OpenHands' Repository schema.
type repository struct {
	ID              string  `json:"id"`
	FullName        string  `json:"full_name"`
	GitProvider     string  `json:"git_provider"`
	IsPublic        bool    `json:"is_public"`
	StargazersCount *int    `json:"stargazers_count"`
	LinkHeader      *string `json:"link_header"`
	PushedAt        *string `json:"pushed_at"`
	OwnerType       *string `json:"owner_type"`
	MainBranch      *string `json:"main_branch"`
}

// pushedLayouts are the forms each forge writes the time OpenHands passes on as pushed_at.
var pushedLayouts = map[string]string{
	forgeGitHub:        "2006-01-02T15:04:05Z",             // GitHub pushed_at
	forgeGitLab:        "2006-01-02T15:04:05.000Z",         // GitLab last_activity_at
	forgeBitbucket:     "2006-01-02T15:04:05.000000+00:00", // Bitbucket updated_on
	forgeEnterpriseSSO: time.RFC3339,
}

// toWire converts r to the wire shape of forge's items, with link as link_header.
func toWire(forge string, r *providers.Repository, link *string) repository {
	owner := "user"
	if strings.Contains(r.Owner, "/") || forge == forgeBitbucket || r.Affiliation == providers.AffOrganizationMember {
		owner = "organization" // GitLab groups, Bitbucket workspaces
	}
	w := repository{
		ID:              r.ForgeID,
		FullName:        r.NameWithOwner,
		GitProvider:     forge,
		IsPublic:        !r.IsPrivate,
		StargazersCount: r.StargazerCount,
		LinkHeader:      link,
		OwnerType:       &owner,
		MainBranch:      r.DefaultBranch,
	}
	if r.PushedAt != nil {
		s := r.PushedAt.UTC().Format(pushedLayouts[forge])
		w.PushedAt = &s
	}
	return w
}

// sorted returns a copy of list in the order forge answers OpenHands' sort value.
func sorted(forge, sort string, list []providers.Repository) []providers.Repository {
	out := slices.Clone(list)
	switch forge {
	case forgeGitLab:
		// order_by=last_activity_at|created_at|name, sort=desc; GitLab breaks ties by id, desc.
		slices.SortStableFunc(out, func(a, b providers.Repository) int {
			var c int
			switch sort {
			case "created":
				c = compareTime(a.CreatedAt, b.CreatedAt)
			case "full_name":
				c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
			default:
				c = compareTime(a.PushedAt, b.PushedAt)
			}
			if c == 0 {
				c = compareID(a.ForgeID, b.ForgeID)
			}
			return -c
		})
	case forgeBitbucket:
		// Workspace by workspace; within one, sort=-updated_on|-created_on|name.
		slices.SortStableFunc(out, func(a, b providers.Repository) int {
			if c := strings.Compare(a.Owner, b.Owner); c != 0 {
				return c
			}
			var c int
			switch sort {
			case "created":
				c = -compareTime(a.CreatedAt, b.CreatedAt)
			case "full_name":
				c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
			default:
				c = -compareTime(a.PushedAt, b.PushedAt)
			}
			if c == 0 {
				c = strings.Compare(a.NameWithOwner, b.NameWithOwner)
			}
			return c
		})
	default:
		// GitHub's sort=pushed|updated|created|full_name in its default direction, as the GitHub
		// fake orders it (github/fake.Order: written from GitHub's docs, not forgegraph's
		// comparator; ties by repository id).
		s := providers.SortPushed
		switch sort {
		case "updated":
			s = providers.SortUpdated
		case "created":
			s = providers.SortCreated
		case "full_name":
			s = providers.SortFullName
		}
		slices.SortStableFunc(out, githubfake.Order(providers.NewOrder(s, "")))
	}
	return out
}

// compareTime orders times ascending, unknown ones first.
func compareTime(a, b *time.Time) int {
	ka, kb := int64(math.MinInt64), int64(math.MinInt64)
	if a != nil {
		ka = a.UnixNano()
	}
	if b != nil {
		kb = b.UnixNano()
	}
	switch {
	case ka < kb:
		return -1
	case ka > kb:
		return 1
	}
	return 0
}

// compareID orders ids numerically when both are numbers, else as text.
func compareID(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return strings.Compare(a, b)
}

// linkHeader is the Link header forge sends for page of a list of n items, as OpenHands passes it
// on: GitHub's (prev/next/last/first; none when the list fits one page), GitLab's (always first and
// last) or the rel="next" link OpenHands builds from Bitbucket's body.
func linkHeader(forge, sort, workspace string, page, perPage, n int) string {
	last := max(1, (n+perPage-1)/perPage)
	var base string
	q := url.Values{"per_page": {strconv.Itoa(perPage)}}
	switch forge {
	case forgeGitLab:
		base = "https://gitlab.com/api/v4/projects"
		q.Set("membership", "true")
		q.Set("order_by", map[string]string{"created": "created_at", "full_name": "name"}[sort])
		if q.Get("order_by") == "" {
			q.Set("order_by", "last_activity_at")
		}
		q.Set("sort", "desc")
	case forgeBitbucket:
		if page >= last {
			return ""
		}
		return "<https://api.bitbucket.org/2.0/repositories/" + url.PathEscape(workspace) + "?page=" + strconv.Itoa(page+1) + `>; rel="next"`
	default:
		if last == 1 {
			return ""
		}
		base = "https://api.github.com/user/repos"
		q.Set("sort", sort)
	}
	link := func(p int, rel string) string {
		q.Set("page", strconv.Itoa(p))
		return "<" + base + "?" + q.Encode() + `>; rel="` + rel + `"`
	}
	var parts []string
	if page > 1 {
		parts = append(parts, link(min(page-1, last), "prev"))
	}
	if page < last {
		parts = append(parts, link(page+1, "next"))
	}
	if forge == forgeGitLab || page < last {
		parts = append(parts, link(last, "last"))
	}
	if forge == forgeGitLab || page > 1 {
		parts = append(parts, link(1, "first"))
	}
	return strings.Join(parts, ", ")
}
