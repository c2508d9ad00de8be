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

// Contributor is one entry of a fake project's contributors (GitLab knows them by commit author).
type Contributor struct {
	Name, Email string
	Commits     int
}

// RepoDetails is what the fake serves for one project beyond its list fields: the list items and
// GET /projects/:id carry the scalars (GET /projects/:id alone the permissions and, with
// statistics=true, the size), and the languages, branches, tags and contributors lists.
type RepoDetails struct {
	OpenIssues    int
	IssuesEnabled bool
	WikiEnabled   bool
	Topics        []string
	// Internal makes the project's visibility "internal" (when it is not public); demo projects are
	// never internal, so their wire shape stays as the list tests know it.
	Internal bool
	// AccessLevel is the token holder's project access level (10 guest ... 50 owner); 0 for none.
	AccessLevel int
	// RepositorySize is in bytes.
	RepositorySize int64
	Branches       []string
	// Protected are the indexes in Branches of protected branches.
	Protected    []int
	Tags         []string
	Languages    map[string]float64
	Contributors []Contributor
}

// DemoDetails returns the details the fake serves for r unless SetDetails gave others: made up
// from a hash of its full path, the same on every run, with 0, 1, 100, 101 and 250 branches among
// the demo projects.
func DemoDetails(r *providers.Repository) RepoDetails {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(r.NameWithOwner)))
	x := h.Sum64()
	d := RepoDetails{OpenIssues: int(x % 30), IssuesEnabled: x>>5%4 != 0, WikiEnabled: x>>7%2 == 0,
		Topics: []string{}, AccessLevel: []int{10, 20, 30, 40, 50}[x>>11%5],
		RepositorySize: int64(x>>14%(50<<20)) + 1024, Languages: map[string]float64{}}
	for i := range int(x >> 40 % 3) {
		d.Topics = append(d.Topics, []string{"devops", "ci", "ml"}[i])
	}
	n := []int{1, 3, 0, 100, 101, 250, 2, 12}[x>>20%8]
	for i := range n {
		if i == 0 && r.DefaultBranch != nil {
			d.Branches = append(d.Branches, *r.DefaultBranch)
			d.Protected = append(d.Protected, 0)
			continue
		}
		d.Branches = append(d.Branches, fmt.Sprintf("topic-%03d", i))
	}
	if n > 0 {
		for i := range int(x >> 24 % 20) {
			d.Tags = append(d.Tags, fmt.Sprintf("v2.%d.0", i))
		}
		langs := []string{"Go", "Ruby", "Vue", "Python", "Shell"}
		left := 100.0
		for i := range int(x>>28%4) + 1 {
			share := left
			if i < int(x>>28%4) {
				share = float64(int(left*60)) / 100
			}
			d.Languages[langs[(int(x>>32)+i)%len(langs)]] = share
			left -= share
		}
		for i := range int(x>>36%6) + 1 {
			d.Contributors = append(d.Contributors, Contributor{Name: fmt.Sprintf("Dev %d", i),
				Email: fmt.Sprintf("dev%d@example.com", i), Commits: 300 / (i + 1)})
		}
	}
	return d
}

// SetDetails replaces what the fake serves for the project fullPath (see RepoDetails).
func (s *Server) SetDetails(fullPath string, d RepoDetails) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.details.Set(fullPath, d)
}

// detailsOf returns what the fake serves for r: what SetDetails gave, else DemoDetails (made once
// and kept).
func (s *Server) detailsOf(r *providers.Repository) RepoDetails {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.details.Get(r.NameWithOwner, func() RepoDetails { return DemoDetails(r) })
}

// withDetails adds the details of r to its entity p: the list item's, and with single (GET
// /projects/:id) the permissions, and the statistics when asked.
func (s *Server) withDetails(p *project, r *providers.Repository, single, withStats bool) {
	d := s.detailsOf(r)
	p.IssuesEnabled, p.WikiEnabled = &d.IssuesEnabled, &d.WikiEnabled
	if d.IssuesEnabled {
		p.OpenIssuesCount = &d.OpenIssues
	}
	if d.Topics != nil {
		p.Topics, p.TagList = d.Topics, d.Topics
	}
	if r.IsPrivate && d.Internal {
		p.Visibility = "internal"
	}
	if !single {
		return
	}
	p.Permissions = &permissions{}
	if d.AccessLevel > 0 {
		p.Permissions.ProjectAccess = &access{AccessLevel: d.AccessLevel, NotificationLevel: 3}
	}
	if withStats && d.AccessLevel >= 20 {
		p.Statistics = &statistics{RepositorySize: d.RepositorySize, StorageSize: d.RepositorySize * 2}
	}
}

// sub answers GET /projects/:id/languages and /projects/:id/repository/{branches,tags,contributors}.
func (s *Server) sub(w http.ResponseWriter, r *http.Request, rawID string, rest []string) {
	repo := s.find(rawID)
	if repo == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Project Not Found"})
		return
	}
	d := s.detailsOf(repo)
	var items []any
	switch strings.Join(rest, "/") {
	case "languages":
		writeJSON(w, http.StatusOK, d.Languages)
		return
	case "repository/branches":
		for i, b := range d.Branches {
			items = append(items, branch{Name: b, Commit: commitOf(repo.NameWithOwner, b), Protected: slices.Contains(d.Protected, i),
				Default: repo.DefaultBranch != nil && *repo.DefaultBranch == b})
		}
	case "repository/tags":
		for _, t := range d.Tags {
			items = append(items, tag{Name: t, Target: commitOf(repo.NameWithOwner, t).ID, Commit: commitOf(repo.NameWithOwner, t)})
		}
	case "repository/contributors":
		q := r.URL.Query()
		if ob := q.Get("order_by"); ob != "" && ob != "name" && ob != "email" && ob != "commits" {
			badParam(w, "order_by")
			return
		}
		cs := slices.Clone(d.Contributors)
		if q.Get("order_by") == "commits" {
			slices.SortStableFunc(cs, func(a, b Contributor) int { return a.Commits - b.Commits })
		}
		if q.Get("sort") == "desc" {
			slices.Reverse(cs)
		}
		for _, c := range cs {
			items = append(items, contributor{Name: c.Name, Email: c.Email, Commits: c.Commits})
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "404 Not Found"})
		return
	}
	s.paged(w, r, items)
}

// find returns the visible project with the escaped id or full path rawID, nil when none.
func (s *Server) find(rawID string) *providers.Repository {
	id, err := url.PathUnescape(rawID)
	if err != nil || id == "" {
		return nil
	}
	all, _ := s.visible(true)
	n, numErr := strconv.ParseInt(id, 10, 64)
	for i := range all {
		if (numErr == nil && projectID(&all[i]) == n) || (numErr != nil && strings.EqualFold(all[i].NameWithOwner, id)) {
			return &all[i]
		}
	}
	return nil
}

// pageParams reads GitLab's page (from 1) and per_page (default 20, at most 100; below 1 is the
// default) parameters; a value that is not a number is answered 400 and ok is false.
func pageParams(w http.ResponseWriter, q url.Values) (page, perPage int, ok bool) {
	perPage, ok = parseInt(q.Get("per_page"), defaultPerPage)
	if !ok {
		badParam(w, "per_page")
		return 0, 0, false
	}
	if perPage < 1 {
		perPage = defaultPerPage
	}
	perPage = min(perPage, maxPerPage)
	page, ok = parseInt(q.Get("page"), 1)
	if !ok {
		badParam(w, "page")
		return 0, 0, false
	}
	page = max(page, 1)
	return page, perPage, true
}

// paged answers one page (page, per_page: default 20, at most 100) of items with GitLab's paging
// headers.
func (s *Server) paged(w http.ResponseWriter, r *http.Request, items []any) {
	q := r.URL.Query()
	page, perPage, ok := pageParams(w, q)
	if !ok {
		return
	}
	total := len(items)
	lo := min((page-1)*perPage, total)
	hi := min(lo+perPage, total)
	out := items[lo:hi]
	if out == nil {
		out = []any{}
	}
	totalPages := max(1, (total+perPage-1)/perPage)
	next, prev := "", ""
	if hi < total {
		next = strconv.Itoa(page + 1)
	}
	if page > 1 {
		prev = strconv.Itoa(page - 1)
	}
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Next-Page", next)
	h.Set("X-Prev-Page", prev)
	h.Set("X-Total", strconv.Itoa(total))
	h.Set("X-Total-Pages", strconv.Itoa(totalPages))
	h.Set("Link", links(r, q, page, next != "", totalPages, true))
	writeJSON(w, http.StatusOK, out)
}

// commitOf is a ref's commit, with a made-up but stable SHA.
func commitOf(project, ref string) commit {
	h := fnv.New64a()
	h.Write([]byte(project + "@" + ref))
	id := fmt.Sprintf("%016x%016x%08x", h.Sum64(), h.Sum64()^0x9e3779b97f4a7c15, uint32(h.Sum64()))
	return commit{ID: id, ShortID: id[:8], Title: "Update " + ref}
}
