package fake

// This file is the fake's users, groups and public keyset list: GET /users?username= (an array,
// empty for none), GET /groups/:id (numeric id or URL-encoded full path; 404 {"message":"404 Group
// Not Found"}), GET /users/:id/projects and GET /groups/:id/projects (include_subgroups, with the
// list's order_by, sort, page and per_page), and GET /projects?pagination=keyset&order_by=id
// (id_after, per_page, Link rel="next" carrying id_after).

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// SetUsers marks top-level namespaces as users rather than groups: unset, the token holder's
// namespace is the only user and every other namespace of a served project (and each parent of
// one) is a group.
func (s *Server) SetUsers(logins ...string) {
	s.mu.Lock()
	s.users = append([]string(nil), logins...)
	s.mu.Unlock()
}

// kindOf returns the spelling of namespace path and whether it is a user, a group, or unknown
// (ok false). Paths compare ignoring case, as GitLab's routes do.
func (s *Server) kindOf(path string) (name string, user, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !strings.Contains(path, "/") {
		for _, u := range append([]string{s.userNamespace()}, s.users...) {
			if strings.EqualFold(u, path) {
				return u, true, true
			}
		}
	}
	for _, list := range [][]providers.Repository{s.repos, s.PublicOthers} {
		for i := range list {
			owner, _ := providers.SplitPath(list[i].NameWithOwner)
			if strings.EqualFold(owner, path) || strings.HasPrefix(strings.ToLower(owner), strings.ToLower(path)+"/") {
				return owner[:len(path)], false, true
			}
		}
	}
	return "", false, false
}

// serveOwners answers the user, group and keyset endpoints; it reports false for other requests.
func (s *Server) serveOwners(w http.ResponseWriter, r *http.Request, path string) bool {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case path == "/projects" && r.URL.Query().Get("pagination") == "keyset":
		s.keyset(w, r)
	case path == "/users":
		name, user, ok := s.kindOf(r.URL.Query().Get("username"))
		out := []map[string]any{}
		if ok && user {
			out = append(out, s.account(r, name, true))
		}
		writeJSON(w, http.StatusOK, out)
	case (segs[0] == "users" || segs[0] == "groups") && len(segs) >= 2 && len(segs) <= 3 && (len(segs) == 2 || segs[2] == "projects"):
		raw, err := url.PathUnescape(segs[1])
		name, user, ok := s.kindOf(raw)
		if err != nil || !ok || user != (segs[0] == "users") || (segs[0] == "users" && len(segs) == 2) {
			what := "Group"
			if segs[0] == "users" {
				what = "User"
			}
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 " + what + " Not Found"})
			return true
		}
		if len(segs) == 2 {
			writeJSON(w, http.StatusOK, s.account(r, name, false))
			return true
		}
		sub, ok := parseBool(r.URL.Query().Get("include_subgroups"))
		if !ok {
			badParam(w, "include_subgroups")
			return true
		}
		s.listWhere(w, r, func(p *providers.Repository) bool {
			owner, _ := providers.SplitPath(p.NameWithOwner)
			return strings.EqualFold(owner, name) || (sub && strings.HasPrefix(strings.ToLower(owner), strings.ToLower(name)+"/"))
		})
	default:
		return false
	}
	return true
}

// account is the JSON of user or group name.
func (s *Server) account(r *http.Request, name string, user bool) map[string]any {
	last := name[strings.LastIndex(name, "/")+1:]
	out := map[string]any{"id": namespaceID(name), "name": strings.ToUpper(last[:1]) + last[1:],
		"avatar_url": defaultHost + "/uploads/-/system/" + url.PathEscape(last) + "/avatar.png"}
	if user {
		out["username"], out["state"], out["web_url"] = name, "active", defaultHost+"/"+name
	} else {
		out["path"], out["full_path"], out["web_url"] = last, name, defaultHost+"/groups/"+name
		out["description"] = "Projects of the " + name + " group."
	}
	return out
}

// keyset answers GET /projects?pagination=keyset&order_by=id: the projects the request can see
// (with visibility=public, the public ones) with an id above id_after, by id, per_page at a time;
// Link rel="next" is this request with id_after at the page's last id.
func (s *Server) keyset(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("order_by") != "id" || (q.Get("sort") != "" && q.Get("sort") != "asc") {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "Keyset pagination is not yet available for this type of request"})
		return
	}
	_, perPage, ok := pageParams(w, q)
	if !ok {
		return
	}
	after, err := strconv.ParseInt(q.Get("id_after"), 10, 64)
	if q.Get("id_after") == "" {
		after, err = 0, nil
	}
	if err != nil {
		badParam(w, "id_after")
		return
	}
	all, _ := s.visible(true)
	public := q.Get("visibility") == "public"
	all = slices.DeleteFunc(all, func(p providers.Repository) bool {
		return projectID(&p) <= after || (public && p.IsPrivate)
	})
	slices.SortFunc(all, func(a, b providers.Repository) int {
		return int(min(max(projectID(&a)-projectID(&b), -1), 1))
	})
	page := all[:min(perPage, len(all))]
	out := make([]project, len(page))
	for i := range page {
		out[i] = toWire(&page[i])
		s.withDetails(&out[i], &page[i], false, false)
	}
	if len(all) > len(page) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("id_after", strconv.FormatInt(projectID(&page[len(page)-1]), 10))
		w.Header().Set("Link", "<"+requestBase(r)+"?"+next.Encode()+`>; rel="next"`)
	}
	writeJSON(w, http.StatusOK, out)
}
