package fake

// This file is the fake's accounts: GET /orgs/{org} (404 for a user, as Gitea answers), GET
// /users/{username} (users and, as in Gitea, organizations too), and their repository lists GET
// /orgs/{org}/repos and GET /users/{username}/repos (by id, paged like every list: page, limit
// capped at MaxResponseItems, X-Total-Count, Link).

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// accountOf returns the spelling of login and whether it is an organization; ok is false for a
// login the fake does not know. The viewer and Server.Users are users; every other owner of a
// served repository (the viewer's or Others) is an organization. Logins compare ignoring case.
func (s *Server) accountOf(login string) (name string, org, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, u := range append([]string{s.viewer()}, s.Users...) {
		if strings.EqualFold(u, login) {
			return u, false, true
		}
	}
	for _, list := range [][]providers.Repository{s.repos, s.Others} {
		for i := range list {
			if o, _ := providers.SplitPath(list[i].NameWithOwner); strings.EqualFold(o, login) {
				return o, true, true
			}
		}
	}
	return "", false, false
}

// serveOwners answers the account routes; it reports false for other requests.
func (s *Server) serveOwners(w http.ResponseWriter, r *http.Request, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if r.Method != http.MethodGet || len(segs) < 2 || len(segs) > 3 || (segs[0] != "orgs" && segs[0] != "users") || (len(segs) == 3 && segs[2] != "repos") {
		return false
	}
	login, err := url.PathUnescape(segs[1])
	name, org, ok := s.accountOf(login)
	if err != nil || !ok || (segs[0] == "orgs" && !org) {
		apiError(w, r, http.StatusNotFound, "GetUserByName")
		return true
	}
	if len(segs) == 2 {
		body := map[string]any{"id": s.ownerID(name), "avatar_url": "https://codeberg.org/avatars/" + url.PathEscape(strings.ToLower(name)),
			"full_name": strings.ToUpper(name[:1]) + name[1:]}
		if segs[0] == "orgs" {
			body["name"], body["username"], body["description"] = name, name, "Repositories of "+name+"."
		} else {
			body["login"], body["html_url"] = name, "https://codeberg.org/"+name
		}
		writeJSON(w, http.StatusOK, body)
		return true
	}
	list := slices.DeleteFunc(s.visible(true), func(e entry) bool {
		o, _ := providers.SplitPath(e.repo.NameWithOwner)
		return !strings.EqualFold(o, name)
	})
	cmp, _ := orderBy("id", false)
	slices.SortStableFunc(list, cmp)
	writeJSON(w, http.StatusOK, s.paged(w, r, list))
	return true
}

// SetUsers sets Users (logins that are users besides Viewer) while the server serves.
func (s *Server) SetUsers(logins ...string) {
	s.mu.Lock()
	s.Users = append([]string(nil), logins...)
	s.mu.Unlock()
}
