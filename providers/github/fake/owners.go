package fake

// This file is the fake's accounts and public list: GET /users/{u} and GET /orgs/{org} (404 "Not
// Found" for an unknown login, as GitHub answers), GET /users/{u}/repos and GET /orgs/{org}/repos
// (type, sort, direction, page, per_page, Link), and GET /repositories?since=ID (keyset by id, 30
// per page whatever per_page says, Link rel="next" carrying since).

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// docsUsers is GitHub's documentation of the user endpoints.
const docsUsers = "https://docs.github.com/rest/users/users#get-a-user"

// PublicPageSize is how many repositories one GET /repositories page holds: GitHub's default page,
// which that endpoint does not let per_page change.
const PublicPageSize = 30

// SetUsers marks logins that own served repositories as users rather than organizations: unset,
// the token holder (SetLogin) is the only user and every other owner of a served repository is an
// organization.
func (s *Server) SetUsers(logins ...string) {
	s.mu.Lock()
	s.users = append([]string(nil), logins...)
	s.mu.Unlock()
}

// SetPublicOthers sets public repositories of other accounts that only GET /repositories lists
// (with the served repositories that are not private).
func (s *Server) SetPublicOthers(repos []providers.Repository) {
	c := make([]providers.Repository, len(repos))
	for i := range repos {
		c[i] = normalize(repos[i])
	}
	s.mu.Lock()
	s.others = c
	s.mu.Unlock()
}

// account returns the spelling and kind of login when it is an account the fake knows: the token
// holder, a user of SetUsers or an owner of a served repository (logins compare ignoring case, as
// GitHub's do). s.mu is held.
func (s *Server) account(login string) (name, typ string, ok bool) {
	if v := s.viewer(); strings.EqualFold(v, login) {
		return v, "User", true
	}
	for _, u := range s.users {
		if strings.EqualFold(u, login) {
			return u, "User", true
		}
	}
	for i := range s.repos {
		if o, _ := providers.SplitPath(s.repos[i].NameWithOwner); strings.EqualFold(o, login) {
			return o, "Organization", true
		}
	}
	return "", "", false
}

// serveOwners answers the account and public-list endpoints, nil for other requests.
func (s *Server) serveOwners(r *http.Request, segs []string, repos []providers.Repository) *answer {
	if len(segs) == 1 && segs[0] == "repositories" {
		return s.public(r, repos)
	}
	if len(segs) < 2 || len(segs) > 3 || (segs[0] != "users" && segs[0] != "orgs") || (len(segs) == 3 && segs[2] != "repos") {
		return nil
	}
	login, err := url.PathUnescape(segs[1])
	if err != nil {
		return errorAnswer(http.StatusNotFound, "Not Found", docsUsers)
	}
	s.mu.Lock()
	name, typ, ok := s.account(login)
	s.mu.Unlock()
	if !ok || (segs[0] == "orgs" && typ != "Organization") {
		return errorAnswer(http.StatusNotFound, "Not Found", docsUsers)
	}
	_, api := origin(r)
	if len(segs) == 2 {
		body := map[string]any{"login": name, "id": numericID("user:" + name), "type": typ,
			"html_url": "https://github.com/" + name, "avatar_url": "https://avatars.githubusercontent.com/u/" + strconv.FormatInt(numericID("user:"+name), 10),
			"url": api + "/" + segs[0] + "/" + name, "name": strings.ToUpper(name[:1]) + name[1:]}
		if segs[0] == "orgs" {
			body["description"] = "Repositories of " + name + "."
		}
		return jsonAnswer(http.StatusOK, body)
	}
	// A user's list is its public repositories; an organization's every one the token can see.
	typeParam := r.URL.Query().Get("type")
	allowed := []string{"all", "owner", "member", "public", "private", "forks", "sources"}
	if typ == "User" {
		allowed = []string{"all", "owner", "member"}
	}
	if typeParam != "" && !slices.Contains(allowed, typeParam) {
		return invalid("type")
	}
	owned := make([]providers.Repository, 0, len(repos))
	for i := range repos {
		if o, _ := providers.SplitPath(repos[i].NameWithOwner); strings.EqualFold(o, name) && (typ == "Organization" || !repos[i].IsPrivate) {
			owned = append(owned, repos[i])
		}
	}
	return list(r, owned, s.listItem)
}

// public answers GET /repositories?since=ID: the public repositories with an id above since, by id,
// PublicPageSize at a time; Link rel="next" names the next page by the last id shown.
func (s *Server) public(r *http.Request, repos []providers.Repository) *answer {
	since := int64(0)
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return invalid("since")
		}
		since = n
	}
	s.mu.Lock()
	all := append(slices.Clone(s.others), repos...)
	s.mu.Unlock()
	all = slices.DeleteFunc(all, func(r providers.Repository) bool { return r.IsPrivate || numericID(r.ForgeID) <= since })
	slices.SortFunc(all, func(a, b providers.Repository) int {
		return int(min(max(numericID(a.ForgeID)-numericID(b.ForgeID), -1), 1))
	})
	page := all[:min(len(all), PublicPageSize)]
	self, api := origin(r)
	items := make([]repository, len(page))
	for i := range page {
		items[i] = toWire(&page[i], api) // minimal repositories: no details
	}
	a := jsonAnswer(http.StatusOK, items)
	if len(all) > len(page) {
		a.header.Set("Link", "<"+self+"?since="+strconv.FormatInt(numericID(page[len(page)-1].ForgeID), 10)+`>; rel="next"`)
	}
	return a
}

// findable returns repos with the public ones of others (SetPublicOthers, read under s.mu): what
// GET /repos/{owner}/{repo} and GET /repositories/{id} find, as GitHub finds any public
// repository.
func findable(repos, others []providers.Repository) []providers.Repository {
	if len(others) == 0 {
		return repos
	}
	out := slices.Clone(repos)
	for _, r := range others {
		if !r.IsPrivate {
			out = append(out, r)
		}
	}
	return out
}
