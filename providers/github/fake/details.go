package fake

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// More of GitHub's documentation, for error bodies.
const (
	docsBranches     = "https://docs.github.com/rest/branches/branches#list-branches"
	docsTags         = "https://docs.github.com/rest/repos/repos#list-repository-tags"
	docsLanguages    = "https://docs.github.com/rest/repos/repos#list-repository-languages"
	docsContributors = "https://docs.github.com/rest/repos/repos#list-repository-contributors"
	docsTeams        = "https://docs.github.com/rest/repos/repos#list-repository-teams"
)

// Contributor is one entry of a fake repository's contributors.
type Contributor struct {
	Login         string
	Contributions int
}

// Team is one team with access to a fake repository; Permission is GitHub's word (pull, triage,
// push, maintain, admin).
type Team struct {
	Name, Slug, Description, Permission string
}

// RepoDetails is what the fake serves for one repository beyond its list fields: GET
// /repos/{owner}/{repo} (all of it), its list items (all but Subscribers and Parent), and the
// branches, tags, languages, contributors and teams lists.
type RepoDetails struct {
	Homepage    string
	Topics      []string
	OpenIssues  int
	Subscribers int
	SizeKB      int
	HasIssues   bool
	HasWiki     bool
	// Parent is the full name of the repository this one was forked from ("" for none); it is sent
	// when the server serves that repository.
	Parent string
	// Permission is the token holder's highest permission: admin, maintain, push, triage or pull.
	Permission string
	Branches   []string
	// Protected are the indexes in Branches of protected branches.
	Protected    []int
	Tags         []string
	Languages    map[string]int64
	Contributors []Contributor
	Teams        []Team
	// Personal makes GET .../teams answer 404, as GitHub does for a repository a user owns.
	Personal bool
	// TooManyContributors makes GET .../contributors answer GitHub's 403 for a history too large to
	// list contributors through the API.
	TooManyContributors bool
}

// refCounts are the branch counts of the demo repositories, picked by a hash of the name: the
// paging edges (0, 1, 100, 101, 250) and a few ordinary ones.
var refCounts = []int{1, 3, 0, 100, 101, 250, 2, 12}

// demoLanguages are the languages demo repositories mix.
var demoLanguages = []string{"Go", "TypeScript", "Python", "Shell", "Rust", "HTML", "CSS", "Makefile"}

// DemoDetails returns the details the fake serves for r unless SetDetails gave others: made up
// from a hash of its full name, the same on every run.
func DemoDetails(r *providers.Repository) RepoDetails {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(r.NameWithOwner)))
	x := h.Sum64()
	d := RepoDetails{
		Homepage:    "",
		OpenIssues:  int(x % 40),
		Subscribers: int(x>>8%25) + 1,
		SizeKB:      int(x>>16%50000) + 10,
		HasIssues:   x>>24%4 != 0,
		HasWiki:     x>>26%2 == 0,
		Topics:      []string{},
		Permission:  []string{"admin", "maintain", "push", "triage", "pull"}[x>>28%5],
		Personal:    x>>31%3 == 0,
		Languages:   map[string]int64{},
	}
	if x>>33%2 == 0 {
		d.Homepage = "https://" + strings.ToLower(strings.ReplaceAll(r.NameWithOwner, "/", ".")) + ".example.com"
	}
	for i := range int(x >> 35 % 4) {
		d.Topics = append(d.Topics, []string{"cli", "graphql", "api", "tools"}[i])
	}
	n := refCounts[x>>38%uint64(len(refCounts))]
	for i := range n {
		if i == 0 && r.DefaultBranch != nil {
			d.Branches = append(d.Branches, *r.DefaultBranch)
			d.Protected = append(d.Protected, 0)
			continue
		}
		d.Branches = append(d.Branches, fmt.Sprintf("feature-%03d", i))
	}
	if n > 0 {
		for i := range int(x >> 41 % 30) {
			d.Tags = append(d.Tags, fmt.Sprintf("v1.%d.0", i))
		}
		for i := range int(x>>46%5) + 1 {
			d.Languages[demoLanguages[(int(x>>50)+i)%len(demoLanguages)]] = int64((x>>(i*3))%90000) + 100
		}
		for i := range int(x>>52%8) + 1 {
			d.Contributors = append(d.Contributors, Contributor{Login: fmt.Sprintf("dev%d", i), Contributions: 500 / (i + 1)})
		}
	}
	if !d.Personal {
		d.Teams = []Team{{Name: "Maintainers", Slug: "maintainers", Description: "Keep the lights on", Permission: "maintain"},
			{Name: "Everyone", Slug: "everyone", Permission: "pull"}}
	}
	return d
}

// SetDetails replaces what the fake serves for the repository fullName (see RepoDetails).
func (s *Server) SetDetails(fullName string, d RepoDetails) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.details.Set(fullName, d)
}

// detailsOf returns what the fake serves for r: what SetDetails gave, else DemoDetails (made once
// and kept).
func (s *Server) detailsOf(r *providers.Repository) RepoDetails {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.details.Get(r.NameWithOwner, func() RepoDetails { return DemoDetails(r) })
}

// permissionsOf is GitHub's permissions object for the highest permission p.
func permissionsOf(p string) *permissions {
	rank := map[string]int{"pull": 1, "triage": 2, "push": 3, "maintain": 4, "admin": 5}[p]
	return &permissions{Admin: rank >= 5, Maintain: rank >= 4, Push: rank >= 3, Triage: rank >= 2, Pull: rank >= 1}
}

// withDetails adds d's fields to w: the list item's when full is false, all of them (subscribers,
// parent) when it is true.
func (s *Server) withDetails(w *repository, d RepoDetails, repos []providers.Repository, api string, full bool) {
	w.Homepage = &d.Homepage
	w.OpenIssuesCount = &d.OpenIssues
	w.OpenIssues = &d.OpenIssues
	w.Size = &d.SizeKB
	w.HasIssues = &d.HasIssues
	w.HasWiki = &d.HasWiki
	w.Topics = d.Topics
	if w.Topics == nil {
		w.Topics = []string{}
	}
	w.Permissions = permissionsOf(d.Permission)
	if !full {
		return
	}
	w.SubscribersCount = &d.Subscribers
	if d.Parent == "" {
		return
	}
	for i := range repos {
		if strings.EqualFold(repos[i].NameWithOwner, d.Parent) {
			p := toWire(&repos[i], api)
			s.withDetails(&p, s.detailsOf(&repos[i]), nil, api, false)
			w.Parent = &p
			return
		}
	}
}

// find returns the served repository at an escaped owner/repo path, nil when there is none.
func find(repos []providers.Repository, ownerSeg, repoSeg string) *providers.Repository {
	owner, err1 := url.PathUnescape(ownerSeg)
	name, err2 := url.PathUnescape(repoSeg)
	if err1 != nil || err2 != nil {
		return nil
	}
	for i := range repos {
		if strings.EqualFold(repos[i].NameWithOwner, owner+"/"+name) {
			return &repos[i]
		}
	}
	return nil
}

// get answers GET /repos/{owner}/{repo}; GitHub matches the path without regard to case.
func (s *Server) get(r *http.Request, repos []providers.Repository, ownerSeg, repoSeg string) *answer {
	repo := find(repos, ownerSeg, repoSeg)
	if repo == nil {
		return errorAnswer(http.StatusNotFound, "Not Found", docsGet)
	}
	_, api := origin(r)
	w := toWire(repo, api)
	s.withDetails(&w, s.detailsOf(repo), repos, api, true)
	return jsonAnswer(http.StatusOK, w)
}

// sub answers GET /repos/{owner}/{repo}/{branches,tags,languages,contributors,teams}.
func (s *Server) sub(r *http.Request, repos []providers.Repository, ownerSeg, repoSeg, what string) *answer {
	repo := find(repos, ownerSeg, repoSeg)
	if repo == nil {
		return errorAnswer(http.StatusNotFound, "Not Found", docsGet)
	}
	d := s.detailsOf(repo)
	_, api := origin(r)
	base := api + "/repos/" + repo.NameWithOwner
	var items []any
	switch what {
	case "branches":
		for i, b := range d.Branches {
			items = append(items, branch{Name: b, Commit: commitOf(base, b), Protected: slices.Contains(d.Protected, i)})
		}
	case "tags":
		for _, t := range d.Tags {
			items = append(items, tag{Name: t, Commit: commitOf(base, t), ZipballURL: base + "/zipball/refs/tags/" + t,
				TarballURL: base + "/tarball/refs/tags/" + t})
		}
	case "languages":
		return jsonAnswer(http.StatusOK, d.Languages)
	case "contributors":
		if d.TooManyContributors {
			return errorAnswer(http.StatusForbidden, "The history or contributor list is too large to list contributors for this repository via the API.", docsContributors)
		}
		if len(d.Branches) == 0 {
			// An empty repository: 204 No Content.
			return &answer{status: http.StatusNoContent, header: http.Header{}}
		}
		for _, c := range d.Contributors {
			items = append(items, contributor{Login: c.Login, ID: numericID("user:" + c.Login),
				AvatarURL: "https://avatars.githubusercontent.com/u/" + strconv.FormatInt(numericID("user:"+c.Login), 10),
				Type:      "User", Contributions: c.Contributions})
		}
	case "teams":
		if d.Personal {
			return errorAnswer(http.StatusNotFound, "Not Found", docsTeams)
		}
		for _, t := range d.Teams {
			items = append(items, team{ID: numericID("team:" + t.Slug), Name: t.Name, Slug: t.Slug,
				Description: t.Description, Permission: t.Permission, Privacy: "closed"})
		}
	default:
		return errorAnswer(http.StatusNotFound, "Not Found", docsRoot)
	}
	return paged(r, items)
}

// paged answers one page (page, per_page: default 30, at most 100) of items with GitHub's Link
// header.
func paged(r *http.Request, items []any) *answer {
	q := r.URL.Query()
	perPage, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || perPage < 1 {
		perPage = 30
	}
	perPage = min(perPage, 100)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	lastPage := max((len(items)+perPage-1)/perPage, 1)
	lo := min((page-1)*perPage, len(items))
	hi := min(lo+perPage, len(items))
	out := items[lo:hi]
	if out == nil {
		out = []any{}
	}
	a := jsonAnswer(http.StatusOK, out)
	root, _ := origin(r)
	if link := linkHeader(root, q, page, lastPage); link != "" {
		a.header.Set("Link", link)
	}
	return a
}

// commitOf is a ref's commit object, with a made-up but stable SHA.
func commitOf(base, ref string) commit {
	h := fnv.New64a()
	h.Write([]byte(base + "@" + ref))
	sha := fmt.Sprintf("%016x%016x%08x", h.Sum64(), h.Sum64()^0x5bd1e995, uint32(h.Sum64()))
	return commit{SHA: sha, URL: base + "/commits/" + sha}
}

// listItem is a GET /user/repos item: the repository with the details list items carry.
func (s *Server) listItem(r *providers.Repository, api string) repository {
	w := toWire(r, api)
	s.withDetails(&w, s.detailsOf(r), nil, api, false)
	return w
}
