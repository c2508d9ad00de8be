package fake

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// RepoDetails is what the fake serves for one repository beyond its list fields: the repository
// object's website, size and flags, and its branches and tags (GET .../refs/branches, .../tags).
type RepoDetails struct {
	Website   string
	SizeBytes int
	HasIssues bool
	HasWiki   bool
	Branches  []string
	Tags      []string
}

// DemoDetails returns the details the fake serves for r unless SetDetails gave others: made up
// from a hash of its full name, with 0, 1, 100, 101 and 250 branches among the demo repositories.
func DemoDetails(r *providers.Repository) RepoDetails {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(r.NameWithOwner)))
	x := h.Sum64()
	d := RepoDetails{SizeBytes: int(x%(80<<20)) + 2048, HasIssues: x>>30%3 == 0, HasWiki: x>>32%4 == 0}
	if x>>34%3 == 0 {
		d.Website = "https://" + strings.ReplaceAll(strings.ToLower(r.NameWithOwner), "/", "-") + ".example.org"
	}
	n := []int{1, 3, 0, 100, 101, 250, 2, 12}[x>>36%8]
	for i := range n {
		if i == 0 && r.DefaultBranch != nil {
			d.Branches = append(d.Branches, *r.DefaultBranch)
			continue
		}
		d.Branches = append(d.Branches, fmt.Sprintf("bugfix-%03d", i))
	}
	if n > 0 {
		for i := range int(x >> 40 % 15) {
			d.Tags = append(d.Tags, fmt.Sprintf("release-%d", i))
		}
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

// withDetails is toWire with r's details.
func (s *Server) withDetails(r *providers.Repository, api string) wireRepository {
	w := toWire(r, api)
	d := s.detailsOf(r)
	w.Website, w.Size, w.HasIssues, w.HasWiki = d.Website, d.SizeBytes, d.HasIssues, d.HasWiki
	return w
}

// wireRef is one value of .../refs/branches or .../refs/tags.
type wireRef struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Target struct {
		Type string `json:"type"`
		Hash string `json:"hash"`
	} `json:"target"`
}

// listRefs answers GET /repositories/{workspace}/{repo_slug}/refs/{branches,tags}.
func (s *Server) listRefs(w http.ResponseWriter, r *http.Request, ws, slug, kind string) {
	full := ws + "/" + slug
	var repo *providers.Repository
	for _, x := range s.snapshot() {
		if strings.EqualFold(x.NameWithOwner, full) {
			repo = &x
			break
		}
	}
	if repo == nil || (kind != "branches" && kind != "tags") {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Repository %s not found", full), "", nil)
		return
	}
	page, pagelen, msg := pageParams(r.URL.Query())
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg, "", nil)
		return
	}
	d := s.detailsOf(repo)
	names, typ := d.Branches, "branch"
	if kind == "tags" {
		names, typ = d.Tags, "tag"
	}
	items := make([]wireRef, len(names))
	for i, n := range names {
		items[i] = wireRef{Type: typ, Name: n}
		h := fnv.New64a()
		h.Write([]byte(full + "@" + n))
		items[i].Target.Type = "commit"
		items[i].Target.Hash = fmt.Sprintf("%016x%016x%08x", h.Sum64(), ^h.Sum64(), uint32(h.Sum64()))
	}
	e, ok := paged(r, items, page, pagelen)
	if !ok {
		writeError(w, http.StatusNotFound, "Invalid page", "", nil)
		return
	}
	writeJSON(w, r, e)
}
