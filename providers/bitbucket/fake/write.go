package fake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// writeBody is the repository object of POST and PUT /repositories/{workspace}/{repo_slug}.
type writeBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	IsPrivate   *bool   `json:"is_private"`
	HasIssues   *bool   `json:"has_issues"`
	HasWiki     *bool   `json:"has_wiki"`
	Website     *string `json:"website"`
	Mainbranch  *struct {
		Name string `json:"name"`
	} `json:"mainbranch"`
}

// slugOf is the slug Bitbucket makes of a repository name: lower case, spaces as "-".
func slugOf(name string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), " ", "-"))
}

// serveWrite answers POST (create, 200), PUT (update, 200) and DELETE (204) of
// /repositories/{workspace}/{repo_slug}, the slug also as the repository's {uuid}; false for other
// requests. A workspace must already hold one of the holder's repositories (others 403). Writes
// change the list served at once.
func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request, parts []string) bool {
	if len(parts) != 3 || parts[0] != "repositories" || parts[1] == "" || parts[2] == "" ||
		(r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodDelete) {
		return false
	}
	var b writeBody
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if len(raw) > 0 && json.Unmarshal(raw, &b) != nil {
		writeError(w, http.StatusBadRequest, "Bad request", "invalid JSON", nil)
		return true
	}
	ws, slug := parts[1], parts[2]
	s.mu.Lock()
	defer s.mu.Unlock()
	idx, member := -1, false
	for i := range s.repos {
		if strings.EqualFold(workspaceOf(&s.repos[i]), ws) {
			member, ws = true, workspaceOf(&s.repos[i])
			if strings.EqualFold(s.repos[i].NameWithOwner, ws+"/"+slug) || s.repos[i].ForgeID == slug {
				idx = i
			}
		}
	}
	if !member {
		writeError(w, http.StatusForbidden, "Access denied", "You do not have access to this workspace.", nil)
		return true
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	switch r.Method {
	case http.MethodPost:
		if idx >= 0 {
			writeError(w, http.StatusBadRequest, "Repository with this Slug and Owner already exists.", "", nil)
			return true
		}
		if strings.HasPrefix(slug, "{") || slug != slugOf(slug) {
			writeError(w, http.StatusBadRequest, "Invalid slug", "slug: Only lowercase letters, digits, '-', '_' and '.' are allowed.", nil)
			return true
		}
		name := slug
		if b.Name != nil {
			name = *b.Name
		}
		repo := providers.Repository{ForgeID: uuidFor(fmt.Sprintf("created:%s/%s:%d", ws, slug, now.UnixNano())), Provider: providers.Bitbucket,
			Name: name, NameWithOwner: ws + "/" + slug, Owner: ws, Description: b.Description,
			IsPrivate: b.IsPrivate == nil || *b.IsPrivate, CreatedAt: &now, UpdatedAt: &now, PushedAt: &now}
		v, _ := view(repo)
		s.put(-1, v)
		writeJSON(w, r, toWire(&v, apiRoot(r)))
	case http.MethodPut:
		if idx < 0 {
			writeError(w, http.StatusNotFound, fmt.Sprintf("Repository %s/%s not found", ws, slug), "", nil)
			return true
		}
		c := s.repos[idx]
		if b.Name != nil && slugOf(*b.Name) != strings.ToLower(c.NameWithOwner[len(ws)+1:]) {
			for i := range s.repos {
				if i != idx && strings.EqualFold(s.repos[i].NameWithOwner, ws+"/"+slugOf(*b.Name)) {
					writeError(w, http.StatusBadRequest, "Repository with this Slug and Owner already exists.", "", nil)
					return true
				}
			}
			c.Name, c.NameWithOwner = *b.Name, ws+"/"+slugOf(*b.Name)
			c.URL, c.SSHURL, c.CloneURL = nil, nil, nil
		}
		if b.Description != nil {
			c.Description = b.Description
		}
		if b.IsPrivate != nil {
			c.IsPrivate = *b.IsPrivate
		}
		if b.Mainbranch != nil {
			c.DefaultBranch = &b.Mainbranch.Name
		}
		c.UpdatedAt, c.PushedAt = &now, &now
		v, _ := view(c)
		s.put(idx, v)
		writeJSON(w, r, toWire(&v, apiRoot(r)))
	default:
		if idx < 0 {
			writeError(w, http.StatusNotFound, fmt.Sprintf("Repository %s/%s not found", ws, slug), "", nil)
			return true
		}
		s.put(idx, providers.Repository{})
		w.WriteHeader(http.StatusNoContent)
	}
	return true
}

// put replaces repository idx by v (removes it when v has no path; appends v when idx < 0),
// keeping the list sorted by full name. s.mu is held.
func (s *Server) put(idx int, v providers.Repository) {
	out := make([]providers.Repository, 0, len(s.repos)+1)
	for i := range s.repos {
		if i != idx {
			out = append(out, s.repos[i])
		}
	}
	if v.NameWithOwner != "" {
		out = append(out, v)
	}
	s.repos = sorted(out, providers.NewOrder(providers.SortFullName, providers.Asc))
}
