package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
)

const token = "tok"

type item struct {
	ID       int64  `json:"id"`
	FullName string `json:"full_name"`
	Name     string `json:"name"`
	Owner    struct {
		Login string `json:"login"`
	} `json:"owner"`
	Private   bool   `json:"private"`
	UpdatedAt string `json:"updated_at"`
}

func repos(n int) []providers.Repository {
	base := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	owners := []string{fake.DefaultViewer, "acme", "acme-labs"}
	out := make([]providers.Repository, n)
	for i := range out {
		owner := owners[i%len(owners)]
		name := fmt.Sprintf("r%02d", n-i)
		t := base.Add(time.Duration(i%4) * time.Hour).Add(300 * time.Millisecond)
		out[i] = providers.Repository{ForgeID: fmt.Sprint(100 + i), Provider: providers.Gitea, Name: name,
			NameWithOwner: owner + "/" + name, Owner: owner, IsPrivate: i%2 == 0, CreatedAt: &t, UpdatedAt: &t}
	}
	return out
}

func get(t *testing.T, h http.Handler, target string, auth string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://git.test"+target, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func search(t *testing.T, h http.Handler, query string) ([]item, *httptest.ResponseRecorder) {
	t.Helper()
	rec := get(t, h, "/repos/search?"+query, "token "+token)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
	}
	var body struct {
		OK   bool   `json:"ok"`
		Data []item `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !body.OK {
		t.Fatalf("%s: %s, %v", query, rec.Body, err)
	}
	return body.Data, rec
}

// TestLimitIsCappedSilentlyAndPagesLink: a limit above MAX_RESPONSE_ITEMS is cut to it without a
// word; X-Total-Count is the whole list; Link has next and last except on the last page, first
// and prev except on the first, none for a list of one page; the default page size is 30.
func TestLimitIsCappedSilentlyAndPagesLink(t *testing.T) {
	f := fake.New(token, repos(120))
	items, rec := search(t, f, "uid=1&limit=100&page=1")
	if len(items) != 50 || rec.Header().Get("X-Total-Count") != "120" {
		t.Fatalf("limit 100: %d items, total %q", len(items), rec.Header().Get("X-Total-Count"))
	}
	rels := func(rec *httptest.ResponseRecorder) string {
		var out []string
		for _, l := range strings.Split(rec.Header().Get("Link"), ",") {
			if _, rel, ok := strings.Cut(l, `rel="`); ok {
				out = append(out, strings.TrimSuffix(rel, `"`))
			}
		}
		return strings.Join(out, " ")
	}
	if got := rels(rec); got != "next last" || !strings.Contains(rec.Header().Get("Link"), "http://git.test/repos/search?") ||
		!strings.Contains(rec.Header().Get("Link"), "page=3") {
		t.Fatalf("first page Link %q", rec.Header().Get("Link"))
	}
	if _, rec := search(t, f, "uid=1&limit=50&page=2"); rels(rec) != "next last first prev" {
		t.Fatalf("middle page Link %q", rec.Header().Get("Link"))
	}
	if items, rec := search(t, f, "uid=1&limit=50&page=3"); len(items) != 20 || rels(rec) != "first prev" {
		t.Fatalf("last page: %d items, Link %q", len(items), rec.Header().Get("Link"))
	}
	if items, rec := search(t, f, "uid=1&limit=50&page=9"); len(items) != 0 || rels(rec) != "first prev" {
		t.Fatalf("past the end: %d items, Link %q", len(items), rec.Header().Get("Link"))
	}
	if items, rec := search(t, f, "uid=1"); len(items) != 30 || rec.Header().Get("Link") == "" {
		t.Fatalf("default page: %d items", len(items))
	}
	if items, rec := search(t, fake.New(token, repos(3)), "uid=1&limit=50"); len(items) != 3 || rec.Header().Get("Link") != "" || rec.Header().Get("X-Total-Count") != "3" {
		t.Fatalf("one page: %d items, Link %q", len(items), rec.Header().Get("Link"))
	}
	f.MaxResponseItems = 20
	if items, _ := search(t, f, "uid=1&sort=id&limit=50&page=2"); len(items) != 20 || items[0].ID != 120 {
		t.Fatalf("cap 20, page 2: %d items from id %d", len(items), items[0].ID)
	}
}

// TestSearchIsTheViewersList: uid=viewer gives the same repositories as GET /user/repos, never
// others' public ones (which a search without uid includes); exclusive keeps the viewer's own;
// private=false drops private ones; alpha orders by owner, then name; dates order by Unix
// seconds with ties in id order; times are written in the server's zone.
func TestSearchIsTheViewersList(t *testing.T) {
	rs := repos(12)
	f := fake.New(token, rs)
	stranger := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Others = []providers.Repository{{ForgeID: "9", Name: "pub", NameWithOwner: "stranger/pub", Owner: "stranger", CreatedAt: &stranger, UpdatedAt: &stranger}}
	names := func(items []item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.FullName)
		}
		return out
	}
	mine, _ := search(t, f, "uid=1&private=true&sort=id&order=asc&limit=50")
	rec := get(t, f, "/user/repos?limit=50", "token "+token)
	var user []item
	json.Unmarshal(rec.Body.Bytes(), &user)
	a, b := names(mine), names(user)
	slices.Sort(a)
	slices.Sort(b)
	if len(a) != 12 || strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatalf("search uid %v, /user/repos %v", a, b)
	}
	if all, _ := search(t, f, "limit=50"); len(all) != 13 {
		t.Fatalf("search without uid: %d, want 13", len(all))
	}
	if own, _ := search(t, f, "uid=1&exclusive=true&limit=50"); len(own) != 4 {
		t.Fatalf("exclusive: %v", names(own))
	}
	if pub, _ := search(t, f, "uid=1&private=false&limit=50"); len(pub) != 6 {
		t.Fatalf("private=false: %v", names(pub))
	}
	alpha, _ := search(t, f, "uid=1&sort=alpha&order=asc&limit=50")
	if got := names(alpha)[:5]; strings.Join(got, ",") != "acme/r02,acme/r05,acme/r08,acme/r11,acme-labs/r01" {
		t.Fatalf("alpha: %v", got)
	}
	upd, _ := search(t, f, "uid=1&sort=updated&order=desc&limit=50")
	if upd[0].ID != 103 || upd[1].ID != 107 || upd[2].ID != 111 || upd[0].UpdatedAt != "2025-05-01T15:00:00+02:00" {
		t.Fatalf("updated desc starts %d %d %d at %s", upd[0].ID, upd[1].ID, upd[2].ID, upd[0].UpdatedAt)
	}
}

// TestErrors: Gitea's error answers and bodies.
func TestErrors(t *testing.T) {
	f := fake.New(token, repos(3))
	for _, c := range []struct {
		target, auth string
		status       int
	}{
		{"/repos/search", "", http.StatusUnauthorized},
		{"/repos/search", "token nope", http.StatusUnauthorized},
		{"/repos/search", "Bearer " + token, http.StatusOK},
		{"/repos/search?sort=pushed", "token " + token, http.StatusUnprocessableEntity},
		{"/repos/search?sort=id&order=up", "token " + token, http.StatusUnprocessableEntity},
		{"/repos/search?mode=weird", "token " + token, http.StatusUnprocessableEntity},
		{"/repos/nobody/nothing", "token " + token, http.StatusNotFound},
		{"/nothing/here", "token " + token, http.StatusNotFound},
		{"/user", "token " + token, http.StatusOK},
	} {
		rec := get(t, f, c.target, c.auth)
		var body struct {
			Message string `json:"message"`
		}
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != c.status || (c.status >= 400 && body.Message == "") {
			t.Fatalf("%s with %q: %d %s, want %d with a message", c.target, c.auth, rec.Code, rec.Body, c.status)
		}
	}
	post := func(body string) int {
		req := httptest.NewRequest(http.MethodPost, "http://git.test/user/repos", strings.NewReader(body))
		req.Header.Set("Authorization", "token "+token)
		rec := httptest.NewRecorder()
		f.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := post(`{"name":"fresh"}`); c != http.StatusCreated {
		t.Fatalf("create: %d", c)
	}
	if c := post(`{"name":"FRESH"}`); c != http.StatusConflict {
		t.Fatalf("create a taken name: %d, want 409", c)
	}
	if c := post(`{}`); c != http.StatusUnprocessableEntity {
		t.Fatalf("create without a name: %d, want 422", c)
	}
}
