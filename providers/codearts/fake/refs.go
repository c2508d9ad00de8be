package fake

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// The ref paths the server answers, relative to the API base, around the repository id:
// V4RefsPrefix + "/{id}/repository/branches" (or tags) and V2RefsPrefix + "/{id}/branches" (or
// tags).
const (
	V4RefsPrefix = "/v4/repositories/"
	V2RefsPrefix = "/v2/repositories/"
)

// refSet is the branches and tags of one repository.
type refSet struct {
	branches, tags []providers.Ref
}

// SetRefs sets the branches and tags of the repository whose forge id is id (copied). A repository
// in the list that was given none serves DemoRefs; an id not in the list is the forge's 404.
func (s *Server) SetRefs(id string, branches, tags []providers.Ref) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs == nil {
		s.refs = map[string]refSet{}
	}
	s.refs[id] = refSet{branches: append([]providers.Ref(nil), branches...), tags: append([]providers.Ref(nil), tags...)}
}

// ForbidRefs makes the ref endpoints of repository id answer 403, as the forge does for a
// repository of another tenant.
func (s *Server) ForbidRefs(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forbidden == nil {
		s.forbidden = map[string]bool{}
	}
	s.forbidden[id] = true
}

// refsRoute parses a ref path: the repository id, branches or tags, v2 or not; ok is false for any
// other path.
func refsRoute(p string) (id string, kind providers.RefKind, v2, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(p, V4RefsPrefix):
		rest = strings.TrimPrefix(p, V4RefsPrefix)
		parts := strings.Split(rest, "/")
		if len(parts) != 3 || parts[1] != "repository" {
			return "", "", false, false
		}
		id, kind = parts[0], providers.RefKind(parts[2])
	case strings.HasPrefix(p, V2RefsPrefix):
		rest = strings.TrimPrefix(p, V2RefsPrefix)
		parts := strings.Split(rest, "/")
		if len(parts) != 2 {
			return "", "", false, false
		}
		id, kind, v2 = parts[0], providers.RefKind(parts[1]), true
	default:
		return "", "", false, false
	}
	return id, kind, v2, (kind == providers.Branches || kind == providers.Tags) && id != ""
}

// serveRefs answers a ref path for repository id: v4 pages by offset/limit (a bare array, X-Total
// header), as the API reference's ListBranches and ListTags pages document them
// (https://support.huaweicloud.com/intl/en-us/api-codeartsrepo/ListBranches.html, .../ListTags.html:
// offset from 0, limit 1–100 defaulting to 20); v2 branches by page/per_page and v2 tags whole, in
// v2's envelope. Branches carry their commit and protection; tags their commit.
func (s *Server) serveRefs(w http.ResponseWriter, r *http.Request, id string, kind providers.RefKind, v2 bool) {
	fail := writeV4Error
	if v2 {
		fail = writeV2Error
	}
	s.mu.RLock()
	var repo *providers.Repository
	for i := range s.repos {
		if s.repos[i].ForgeID == id {
			repo = &s.repos[i]
		}
	}
	set, given := s.refs[id]
	forbidden := s.forbidden[id]
	s.mu.RUnlock()
	known := repo != nil
	if known && !given {
		set.branches, set.tags = DemoRefs(repo)
	}
	if forbidden {
		fail(w, http.StatusForbidden, "CH.00403", "no permission to access this repository")
		return
	}
	if !known {
		fail(w, http.StatusNotFound, "CH.004404", "repository not found")
		return
	}
	refs := set.branches
	if kind == providers.Tags {
		refs = set.tags
	}
	q := r.URL.Query()
	lo, hi := 0, len(refs)
	switch {
	case !v2:
		offset, ok := intParam(q.Get("offset"), 0, 0, maxOffset)
		limit, ok2 := intParam(q.Get("limit"), DefaultLimit, 1, MaxLimit)
		if !ok || !ok2 {
			fail(w, http.StatusBadRequest, "CH.010001", "Param invalid: offset must be 0 to 2147483647 and limit 1 to 100")
			return
		}
		lo = min(offset, len(refs))
		hi = min(lo+limit, len(refs))
	case kind == providers.Branches:
		page, ok := intParam(q.Get("page"), 1, 1, maxOffset)
		per, ok2 := intParam(q.Get("per_page"), DefaultPageSize, 1, MaxLimit)
		if !ok || !ok2 {
			fail(w, http.StatusBadRequest, "CH.010001", "Param invalid: page must be at least 1 and per_page 1 to 100")
			return
		}
		lo = len(refs)
		if page-1 <= len(refs)/per {
			lo = min((page-1)*per, len(refs))
		}
		hi = min(lo+per, len(refs))
	}
	items := make([]map[string]any, 0, hi-lo)
	for _, ref := range refs[lo:hi] {
		m := map[string]any{"name": ref.Name}
		if ref.CommitSHA != nil {
			m["commit"] = map[string]any{"id": *ref.CommitSHA}
		}
		if kind == providers.Branches {
			prot := ref.IsProtected != nil && *ref.IsProtected
			if v2 {
				m["is_protected"] = prot
			} else {
				m["protected"] = prot
			}
		}
		items = append(items, m)
	}
	if !v2 {
		w.Header().Set("X-Total", strconv.Itoa(len(refs)))
		writeJSON(w, http.StatusOK, items)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"result": map[string]any{"total": len(refs), string(kind): items},
		"status": "success",
	})
}

// refCounts are the demo branch counts, picked by a hash of the name: the paging edges (0, 1, 100,
// 101, 250) and a few ordinary ones.
var refCounts = []int{1, 3, 0, 100, 101, 250, 2, 12}

// DemoRefs returns the branches and tags the fake serves for r unless SetRefs gave others: made up
// from a hash of its full name, the same on every run. The default branch (when r names one) comes
// first and is protected.
func DemoRefs(r *providers.Repository) (branches, tags []providers.Ref) {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(r.NameWithOwner)))
	x := h.Sum64()
	sha := func(i int) *string {
		v := fmt.Sprintf("%016x%024x", x, i+1)
		return &v
	}
	n := refCounts[x>>38%uint64(len(refCounts))]
	for i := range n {
		name, prot := fmt.Sprintf("feature-%03d", i), false
		if i == 0 {
			name, prot = "master", true
			if r.DefaultBranch != nil {
				name = *r.DefaultBranch
			}
		}
		branches = append(branches, providers.Ref{Name: name, CommitSHA: sha(i), IsProtected: &prot})
	}
	if n > 0 {
		for i := range int(x >> 41 % 30) {
			tags = append(tags, providers.Ref{Name: fmt.Sprintf("v1.%d.0", i), CommitSHA: sha(1000 + i)})
		}
	}
	return branches, tags
}
