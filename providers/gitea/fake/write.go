package fake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// serveWrite answers GET /repositories/{id}, POST /orgs/{org}/repos (an org is an owner of a
// served repository other than the viewer; others 404), PATCH /repos/{owner}/{repo} (200) and
// DELETE /repos/{owner}/{repo} (204); it reports false for other requests. Writes change the list
// served at once.
func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && len(segs) == 2 && segs[0] == "repositories":
		for _, x := range s.visible(true) { // the viewer's and others' public ones, as GET /repos/...
			if strconv.FormatInt(idOf(&x.repo), 10) == segs[1] {
				writeJSON(w, http.StatusOK, s.toWire(&x.repo))
				return true
			}
		}
		apiError(w, r, http.StatusNotFound, "not found")
		return true
	case r.Method == http.MethodPost && len(segs) == 3 && segs[0] == "orgs" && segs[2] == "repos":
		org, _ := url.PathUnescape(segs[1])
		s.mu.RLock()
		found := ""
		for i := range s.repos {
			if o, _ := providers.SplitPath(s.repos[i].NameWithOwner); strings.EqualFold(o, org) && !strings.EqualFold(o, s.viewer()) {
				found = o
			}
		}
		s.mu.RUnlock()
		if found == "" {
			apiError(w, r, http.StatusNotFound, "org not found")
			return true
		}
		s.createIn(w, r, found)
		return true
	case (r.Method == http.MethodPatch || r.Method == http.MethodDelete) && len(segs) == 3 && segs[0] == "repos":
		s.change(w, r, segs[1], segs[2])
		return true
	}
	return false
}

// createIn creates a repository of owner, as create does for the viewer.
func (s *Server) createIn(w http.ResponseWriter, r *http.Request, owner string) {
	var in struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Private     bool   `json:"private"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || in.Name == "" {
		apiError(w, r, http.StatusUnprocessableEntity, "[Name]: Required")
		return
	}
	full := owner + "/" + in.Name
	now := time.Now().UTC().Truncate(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.repos {
		if strings.EqualFold(x.NameWithOwner, full) {
			apiError(w, r, http.StatusConflict, "The repository with the same name already exists.")
			return
		}
	}
	repo := providers.Repository{ForgeID: nextID(s.repos), Provider: providers.Gitea, Name: in.Name,
		NameWithOwner: full, Owner: owner, IsPrivate: in.Private, CreatedAt: &now, UpdatedAt: &now}
	if in.Description != "" {
		repo.Description = &in.Description
	}
	s.repos = append(append([]providers.Repository(nil), s.repos...), repo)
	writeJSON(w, http.StatusCreated, s.toWire(&repo))
}

// change answers PATCH {"name", "description", "private", "archived", "default_branch"} and DELETE
// of /repos/{owner}/{repo}.
func (s *Server) change(w http.ResponseWriter, r *http.Request, ownerSeg, repoSeg string) {
	owner, _ := url.PathUnescape(ownerSeg)
	name, _ := url.PathUnescape(repoSeg)
	var in struct {
		Name          *string `json:"name"`
		Description   *string `json:"description"`
		Private       *bool   `json:"private"`
		Archived      *bool   `json:"archived"`
		DefaultBranch *string `json:"default_branch"`
	}
	if r.Method == http.MethodPatch && json.NewDecoder(r.Body).Decode(&in) != nil {
		apiError(w, r, http.StatusUnprocessableEntity, "invalid JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := -1
	for i := range s.repos {
		if strings.EqualFold(s.repos[i].NameWithOwner, owner+"/"+name) {
			idx = i
		}
	}
	if idx < 0 {
		apiError(w, r, http.StatusNotFound, "repository does not exist")
		return
	}
	rest := append([]providers.Repository(nil), s.repos[:idx]...)
	if r.Method == http.MethodDelete {
		s.repos = append(rest, s.repos[idx+1:]...)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	c := s.repos[idx]
	if in.Name != nil && *in.Name != c.Name {
		if *in.Name == "" || strings.ContainsAny(*in.Name, "/ ") {
			apiError(w, r, http.StatusUnprocessableEntity, "[Name]: invalid name")
			return
		}
		o, _ := providers.SplitPath(c.NameWithOwner)
		for i := range s.repos {
			if i != idx && strings.EqualFold(s.repos[i].NameWithOwner, o+"/"+*in.Name) {
				apiError(w, r, http.StatusUnprocessableEntity, "repo name is already taken")
				return
			}
		}
		c.Name, c.NameWithOwner = *in.Name, o+"/"+*in.Name
	}
	if in.Description != nil {
		c.Description = in.Description
	}
	if in.Private != nil {
		c.IsPrivate = *in.Private
	}
	if in.Archived != nil {
		c.IsArchived = in.Archived
	}
	if in.DefaultBranch != nil {
		c.DefaultBranch = in.DefaultBranch
	}
	now := time.Now().UTC().Truncate(time.Second)
	c.UpdatedAt = &now
	s.repos = append(append(rest, c), s.repos[idx+1:]...)
	writeJSON(w, http.StatusOK, s.toWire(&c))
}
