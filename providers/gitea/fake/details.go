package fake

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// Team is one team with access to a fake organization repository; Permission is Gitea's word
// (none, read, write, admin, owner).
type Team struct {
	Name, Description, Permission string
}

// RepoDetails is what the fake serves for one repository beyond its list fields: the detail
// fields of every repository object (lists, GET /repos/{owner}/{repo}, writes), and the branches,
// tags, languages, teams and topics endpoints.
type RepoDetails struct {
	Website    string
	Internal   bool
	OpenIssues int
	Watchers   int
	SizeKB     int
	HasIssues  bool
	HasWiki    bool
	Topics     []string
	// Parent is the full name of the repository this one was forked from ("" for none); it is sent
	// when the server serves that repository.
	Parent string
	// Permission is the token holder's access: admin, write or read.
	Permission string
	Branches   []string
	// Protected are the indexes in Branches of protected branches.
	Protected []int
	Tags      []string
	Languages map[string]int64
	Teams     []Team
	// Personal marks a repository a user owns: GET .../teams answers 405, as Gitea does for a
	// repository not owned by an organization.
	Personal bool
}

// RefCounts are the branch counts of the demo repositories, picked by a hash of the name: the
// paging edges of Gitea's 50-item pages and forgegraph's 100-item pages (0, 1, 50, 51, 100, 101,
// 250) and a few ordinary ones.
var RefCounts = []int{0, 1, 50, 51, 100, 101, 250, 3, 12}

// demoLanguages are the languages demo repositories mix.
var demoLanguages = []string{"Go", "TypeScript", "Python", "Shell", "Rust", "HTML", "CSS", "Makefile"}

// DemoDetails returns the details the fake serves for r unless SetDetails gave others: made up
// from a hash of its full name, the same on every run. A repository of viewer is personal (no
// teams) and its holder is admin.
func DemoDetails(r *providers.Repository, viewer string) RepoDetails {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(r.NameWithOwner)))
	x := h.Sum64()
	d := RepoDetails{
		OpenIssues: int(x % 40),
		Watchers:   int(x>>8%25) + 1,
		SizeKB:     int(x>>16%50000) + 10,
		HasIssues:  x>>24%4 != 0,
		HasWiki:    x>>26%2 == 0,
		Topics:     []string{},
		Permission: []string{"admin", "write", "read"}[x>>28%3],
		Personal:   strings.EqualFold(r.Owner, viewer),
		Languages:  map[string]int64{},
	}
	if d.Personal {
		d.Permission = "admin"
	}
	if x>>33%2 == 0 {
		d.Website = "https://" + strings.ToLower(strings.ReplaceAll(r.NameWithOwner, "/", ".")) + ".example.org"
	}
	for i := range int(x >> 35 % 4) {
		d.Topics = append(d.Topics, []string{"cli", "forgejo", "self-hosted", "tools"}[i])
	}
	n := RefCounts[x>>38%uint64(len(RefCounts))]
	for i := range n {
		if i == 0 && r.DefaultBranch != nil {
			d.Branches = append(d.Branches, *r.DefaultBranch)
			d.Protected = append(d.Protected, 0)
			continue
		}
		d.Branches = append(d.Branches, fmt.Sprintf("feature-%03d", i))
	}
	if n > 0 {
		for i := range int(x >> 41 % 60) {
			d.Tags = append(d.Tags, fmt.Sprintf("v2.%d.0", 59-i)) // newest first, as Gitea lists tags
		}
		for i := range int(x>>47%5) + 1 {
			d.Languages[demoLanguages[(int(x>>50)+i)%len(demoLanguages)]] = int64((x>>(i*3))%90000) + 100
		}
	}
	if !d.Personal {
		d.Teams = []Team{{Name: "Owners", Permission: "owner"}, {Name: "Maintainers", Description: "Keep the lights on", Permission: "write"},
			{Name: "Readers", Permission: "read"}}
	}
	return d
}

// SetDetails replaces what the fake serves for the repository fullName (see RepoDetails).
func (s *Server) SetDetails(fullName string, d RepoDetails) {
	s.dmu.Lock()
	defer s.dmu.Unlock()
	s.details.Set(fullName, d)
}

// detailsOf returns what the fake serves for r: what SetDetails gave, else DemoDetails (made once
// and kept). It takes only the details' lock, so it may be called with s.mu held.
func (s *Server) detailsOf(r *providers.Repository) RepoDetails {
	s.dmu.Lock()
	defer s.dmu.Unlock()
	return s.details.Get(r.NameWithOwner, func() RepoDetails { return DemoDetails(r, s.viewer()) })
}

// withDetails adds d's fields to w, as every repository object of Gitea carries them (the topics
// only when the fake is a server from before 1.21 that sends none: see Server.NoTopics).
func (s *Server) withDetails(w *wireRepo, d RepoDetails) {
	w.Website, w.Internal = d.Website, d.Internal && !w.Private
	w.OpenIssuesCount, w.WatchersCount, w.Size = d.OpenIssues, d.Watchers, d.SizeKB
	w.HasIssues, w.HasWiki = d.HasIssues, d.HasWiki
	w.Permissions = permissions{Admin: d.Permission == "admin", Push: d.Permission == "admin" || d.Permission == "write", Pull: true}
	w.Topics = nil
	if !s.NoTopics {
		t := append([]string{}, d.Topics...)
		w.Topics = &t
	}
}

// withParent sets w's parent when d names one the viewer can see. It takes s.mu: callers must not
// hold it.
func (s *Server) withParent(w *wireRepo, d RepoDetails) {
	if d.Parent == "" {
		return
	}
	for _, x := range s.visible(true) {
		if strings.EqualFold(x.repo.NameWithOwner, d.Parent) {
			p := s.toWire(&x.repo)
			p.Permissions = w.Permissions // Gitea gives the parent the child's permissions
			w.Parent = &p
			w.Fork = true
			return
		}
	}
}
