package fake

// This file is the fake's writes, as the CodeArts Repo API reference documents them: POST
// /v1/repositories (CreateRepository: {"project_uuid", "name", "visibility_level", "description",
// "gitignore_id", "license_id", "enable_readme", "import_members"}, answering
// {"result":{"repository_uuid":"..."},"status":"success"}), GET /v2/repositories/{repository_uuid}
// (ShowRepositoryByUuid: a RepoInfoV2 in v2's envelope) and DELETE /v1/repositories/{repository_uuid}
// (DeleteRepository: {"result":"false","status":"success"}, the documented example). Failures use
// the v1/v2 error body {"error":{"code","message"},"status":"failed"}.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// The write paths, relative to the API base.
const (
	// CreatePath is POST /v1/repositories.
	CreatePath = "/v1/repositories"
	// V1RepoPrefix + "{repository_uuid}" is DELETE's path.
	V1RepoPrefix = "/v1/repositories/"
)

// repoName is CreateRepository's documented name rule: it starts with a letter, digit or "_" and
// holds letters, digits, "-", "_" and "."; 1 to 256 characters; it may not end with ".git", ".atom"
// or ".".
var repoName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}$`)

// IsUUID reports whether s has the shape of a CodeArts project or repository UUID: 32 letters and
// digits.
func IsUUID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// UUIDOf is the repository UUID the fake gives the repository whose forge id is id: derived from
// the id, so it is stable and distinct per repository.
func UUIDOf(id string) string {
	sum := sha256.Sum256([]byte("codearts-repository:" + id))
	return hex.EncodeToString(sum[:16])
}

// ProjectOf is the project UUID of a repository: the first segment of its path when it is a UUID
// (CodeArts paths start with the project's UUID), else one derived from that segment.
func ProjectOf(nameWithOwner string) string {
	first, _, _ := strings.Cut(nameWithOwner, "/")
	if IsUUID(first) {
		return first
	}
	sum := sha256.Sum256([]byte("codearts-project:" + first))
	return hex.EncodeToString(sum[:16])
}

// projectName is the name the fake gives project uuid: ProjectNames' entry, else "project-" and its
// first 8 characters.
func (s *Server) projectName(uuid string) string {
	if n, ok := s.ProjectNames[uuid]; ok {
		return n
	}
	return "project-" + uuid[:8]
}

// isWrite reports whether r's path is one of this file's: /v1/repositories,
// /v1/repositories/{uuid} or /v2/repositories/{uuid}.
func isWrite(r *http.Request) bool {
	p := r.URL.Path
	return p == CreatePath || strings.HasPrefix(p, V1RepoPrefix) ||
		strings.HasPrefix(p, V2RefsPrefix) && IsUUID(strings.TrimPrefix(p, V2RefsPrefix))
}

// serveWrite answers the write routes of this file; it reports false for any other request.
func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	switch {
	case p == CreatePath && r.Method == http.MethodPost:
		s.create(w, r)
	case strings.HasPrefix(p, V1RepoPrefix) && r.Method == http.MethodDelete && IsUUID(strings.TrimPrefix(p, V1RepoPrefix)):
		s.delete(w, strings.TrimPrefix(p, V1RepoPrefix))
	case strings.HasPrefix(p, V2RefsPrefix) && r.Method == http.MethodGet && IsUUID(strings.TrimPrefix(p, V2RefsPrefix)):
		s.show(w, strings.TrimPrefix(p, V2RefsPrefix))
	default:
		return false
	}
	return true
}

// flexInt is an integer sent as a JSON number or, as the API reference's own example does, a string.
type flexInt struct {
	n   int
	set bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case float64:
		f.n, f.set = int(x), true
	case string:
		n, err := strconv.Atoi(x)
		if err != nil {
			return err
		}
		f.n, f.set = n, true
	}
	return nil
}

// create answers POST /v1/repositories.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ProjectUUID     string  `json:"project_uuid"`
		Name            string  `json:"name"`
		VisibilityLevel flexInt `json:"visibility_level"`
		Description     *string `json:"description"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeV2Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: the body is not valid JSON")
		return
	}
	if !IsUUID(in.ProjectUUID) {
		writeV2Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: project_uuid must be 32 digits and letters")
		return
	}
	if !repoName.MatchString(in.Name) || strings.HasSuffix(in.Name, ".git") || strings.HasSuffix(in.Name, ".atom") || strings.HasSuffix(in.Name, ".") {
		writeV2Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: the repository name must start with a letter, digit or underscore, use only letters, digits, hyphens, underscores and periods, and not end with .git, .atom or a period")
		return
	}
	if in.VisibilityLevel.set && in.VisibilityLevel.n != 0 && in.VisibilityLevel.n != 20 {
		writeV2Error(w, http.StatusBadRequest, "CH.010001", "Param invalid: visibility_level must be 0 (private) or 20 (public read-only)")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	known := s.ProjectNames[in.ProjectUUID] != ""
	host := "codehub.example.com"
	var maxID int64
	for i := range s.repos {
		rp := &s.repos[i]
		if ProjectOf(rp.NameWithOwner) == in.ProjectUUID {
			known = true
		}
		if rp.CloneURL != nil {
			if h := hostOf(*rp.CloneURL); h != "" {
				host = h
			}
		}
		if n, err := strconv.ParseInt(rp.ForgeID, 10, 64); err == nil && n > maxID {
			maxID = n
		}
	}
	if !known {
		writeV2Error(w, http.StatusNotFound, "CH.004404", "The project does not exist or you are not a member of it")
		return
	}
	full := in.ProjectUUID + "/" + in.Name
	for i := range s.repos {
		if strings.EqualFold(s.repos[i].NameWithOwner, full) {
			writeV2Error(w, http.StatusBadRequest, "CH.004406", "The repository name already exists in this project")
			return
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	id := strconv.FormatInt(maxID+1, 10)
	clone, ssh, web := "https://"+host+"/"+full+".git", "git@"+host+":"+full+".git", "https://"+host+"/codehub/"+id+"/home"
	repo := providers.Repository{ForgeID: id, Provider: providers.CodeArts, Name: in.Name, NameWithOwner: full,
		Owner: in.ProjectUUID, IsPrivate: in.VisibilityLevel.n != 20, CreatedAt: &now, UpdatedAt: &now, PushedAt: &now,
		CloneURL: &clone, SSHURL: &ssh, URL: &web, Affiliation: providers.AffOwner}
	if in.Description != nil && *in.Description != "" {
		repo.Description = in.Description
	}
	s.repos = append(append([]providers.Repository(nil), s.repos...), repo)
	writeJSON(w, http.StatusOK, map[string]any{"result": map[string]string{"repository_uuid": UUIDOf(id)}, "status": "success"})
}

// find returns the index of the repository whose UUID is uuid, -1 when none; s.mu is held.
func (s *Server) find(uuid string) int {
	for i := range s.repos {
		if UUIDOf(s.repos[i].ForgeID) == uuid {
			return i
		}
	}
	return -1
}

// show answers GET /v2/repositories/{repository_uuid}.
func (s *Server) show(w http.ResponseWriter, uuid string) {
	s.mu.RLock()
	i := s.find(uuid)
	var rp providers.Repository
	if i >= 0 {
		rp = s.repos[i]
	}
	s.mu.RUnlock()
	if i < 0 {
		writeV2Error(w, http.StatusNotFound, "CH.004404", "The repository does not exist")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": s.toV2(&rp), "status": "success"})
}

// delete answers DELETE /v1/repositories/{repository_uuid}.
func (s *Server) delete(w http.ResponseWriter, uuid string) {
	s.mu.Lock()
	i := s.find(uuid)
	if i >= 0 {
		s.repos = append(append([]providers.Repository(nil), s.repos[:i]...), s.repos[i+1:]...)
	}
	s.mu.Unlock()
	if i < 0 {
		writeV2Error(w, http.StatusNotFound, "CH.004404", "The repository does not exist")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": "false", "status": "success"})
}

// hostOf is the host of an http(s) URL, "" when raw is not one.
func hostOf(raw string) string {
	rest, ok := strings.CutPrefix(raw, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(raw, "http://"); !ok {
			return ""
		}
	}
	h, _, _ := strings.Cut(rest, "/")
	return h
}
