package fake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

const token = "glpat-fake"

func repos(n int) []providers.Repository {
	base := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	out := make([]providers.Repository, n)
	for i := range out {
		c := base.Add(time.Duration(i) * time.Hour)
		u := base.Add(time.Duration(n-i) * time.Hour)
		p := base.Add(time.Duration(i%3) * time.Hour)
		owner := "alice"
		if i%2 == 1 {
			owner = "acme/team"
		}
		name := fmt.Sprintf("p%02d", i)
		out[i] = providers.Repository{
			ForgeID: fmt.Sprint(i + 1), Provider: providers.GitLab, Name: strings.ToUpper(name),
			NameWithOwner: owner + "/" + name, Owner: owner, IsPrivate: i%4 == 0,
			CreatedAt: &c, UpdatedAt: &u, PushedAt: &p,
		}
	}
	return out
}

type wire struct {
	ID                int64   `json:"id"`
	Name              string  `json:"name"`
	Path              string  `json:"path"`
	PathWithNamespace string  `json:"path_with_namespace"`
	Visibility        string  `json:"visibility"`
	CreatedAt         string  `json:"created_at"`
	LastActivityAt    string  `json:"last_activity_at"`
	Description       *string `json:"description"`
	Namespace         struct {
		FullPath string `json:"full_path"`
		Kind     string `json:"kind"`
	} `json:"namespace"`
	Forked json.RawMessage `json:"forked_from_project"`
}

func serve(t *testing.T, f *fake.Server) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/api/v4/", http.StripPrefix("/api/v4", f))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, path string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+"/api/v4"+path, nil)
	req.Header.Set("PRIVATE-TOKEN", token)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func list(t *testing.T, srv *httptest.Server, query string) (*http.Response, []wire) {
	t.Helper()
	resp, body := get(t, srv, "/projects?"+query, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", query, resp.StatusCode, body)
	}
	var ws []wire
	if err := json.Unmarshal(body, &ws); err != nil {
		t.Fatal(err)
	}
	return resp, ws
}

func TestDefaultsAndHeaders(t *testing.T) {
	srv := serve(t, fake.New(token, repos(45)))
	resp, ws := list(t, srv, "membership=true&page=2")
	h := resp.Header
	if len(ws) != 20 {
		t.Fatalf("default per_page: %d items", len(ws))
	}
	// Default order: created_at desc. Project i was created at hour i, so page 2 starts at i=24.
	if ws[0].PathWithNamespace != "alice/p24" || ws[19].PathWithNamespace != "acme/team/p05" {
		t.Fatalf("page 2 of created_at desc: %s .. %s", ws[0].PathWithNamespace, ws[19].PathWithNamespace)
	}
	want := map[string]string{"X-Total": "45", "X-Total-Pages": "3", "X-Page": "2", "X-Per-Page": "20", "X-Next-Page": "3", "X-Prev-Page": "1"}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s: %q, want %q", k, h.Get(k), v)
		}
	}
	link := h.Get("Link")
	for _, rel := range []string{"prev", "next", "first", "last"} {
		if !strings.Contains(link, `rel="`+rel+`"`) {
			t.Errorf("Link without rel=%s: %s", rel, link)
		}
	}
	if !strings.Contains(link, "<"+srv.URL+"/api/v4/projects?membership=true&page=3&per_page=") && !strings.Contains(link, "<"+srv.URL+"/api/v4/projects?membership=true&page=3>") {
		t.Errorf("next link is not the request URL with page=3: %s", link)
	}

	resp, ws = list(t, srv, "membership=true&page=3")
	if len(ws) != 5 || resp.Header.Get("X-Next-Page") != "" || strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
		t.Fatalf("last page: %d items, next %q, link %s", len(ws), resp.Header.Get("X-Next-Page"), resp.Header.Get("Link"))
	}
	if _, ok := resp.Header["X-Next-Page"]; !ok {
		t.Fatal("x-next-page must be sent empty on the last page")
	}
	resp, ws = list(t, srv, "membership=true&per_page=1000")
	if len(ws) != 45 || resp.Header.Get("X-Per-Page") != "100" {
		t.Fatalf("per_page above 100: %d items, x-per-page %s", len(ws), resp.Header.Get("X-Per-Page"))
	}
	_, ws = list(t, srv, "membership=true&page=9")
	if len(ws) != 0 {
		t.Fatalf("page past the end: %d items", len(ws))
	}
}

func TestOmitTotals(t *testing.T) {
	f := fake.New(token, repos(45))
	f.OmitTotals = true
	srv := serve(t, f)
	resp, _ := list(t, srv, "membership=true&per_page=20")
	h := resp.Header
	if _, ok := h["X-Total"]; ok {
		t.Fatal("x-total sent")
	}
	if _, ok := h["X-Total-Pages"]; ok {
		t.Fatal("x-total-pages sent")
	}
	if strings.Contains(h.Get("Link"), `rel="last"`) || h.Get("X-Next-Page") != "2" {
		t.Fatalf("link %s next %q", h.Get("Link"), h.Get("X-Next-Page"))
	}
	f.SetOmitTotals(false)
	resp, _ = list(t, srv, "membership=true&per_page=20")
	if resp.Header.Get("X-Total") != "45" {
		t.Fatal("SetOmitTotals(false) kept totals hidden")
	}
}

func TestSortsAndWireShape(t *testing.T) {
	srv := serve(t, fake.New(token, repos(12)))
	_, ws := list(t, srv, "membership=true&order_by=last_activity_at&sort=asc&per_page=100")
	// Pushed at hour i%3; ties broken by project id in the same direction (GitLab's
	// order_options_with_tie_breaker), not by forgegraph's full-path comparator.
	for i := 1; i < len(ws); i++ {
		a, b := ws[i-1], ws[i]
		if a.LastActivityAt > b.LastActivityAt || (a.LastActivityAt == b.LastActivityAt && a.ID > b.ID) {
			t.Fatalf("last_activity_at asc: %s (%s) before %s (%s)", a.PathWithNamespace, a.LastActivityAt, b.PathWithNamespace, b.LastActivityAt)
		}
	}
	_, ws = list(t, srv, "membership=true&order_by=updated_at&sort=desc&per_page=100")
	if ws[0].PathWithNamespace != "alice/p00" {
		t.Fatalf("updated_at desc starts with %s", ws[0].PathWithNamespace)
	}
	_, ws = list(t, srv, "membership=true&order_by=id&sort=asc&per_page=100")
	for i, w := range ws {
		if w.ID != int64(i+1) {
			t.Fatalf("id asc: position %d has id %d", i, w.ID)
		}
	}
	// order_by=path sorts by the project's own path, not the full path: p00, p01 (acme/team), ...
	_, ws = list(t, srv, "membership=true&order_by=path&sort=asc&per_page=100")
	if ws[0].Path != "p00" || ws[1].Path != "p01" || ws[1].PathWithNamespace != "acme/team/p01" {
		t.Fatalf("path asc: %s, %s", ws[0].PathWithNamespace, ws[1].PathWithNamespace)
	}
	w := ws[1]
	if w.Name != "P01" || w.Namespace.FullPath != "acme/team" || w.Namespace.Kind != "group" || w.Visibility != "public" || w.Description != nil || len(w.Forked) != 0 {
		t.Fatalf("wire shape: %+v", w)
	}
	if ws[0].Visibility != "private" || ws[0].Namespace.Kind != "user" || ws[0].CreatedAt != "2024-05-01T00:00:00.000Z" {
		t.Fatalf("wire shape: %+v", ws[0])
	}
	resp, body := get(t, srv, "/projects?order_by=stars", nil)
	if resp.StatusCode != 400 || !strings.Contains(string(body), `"error":"order_by does not have a valid value"`) {
		t.Fatalf("bad order_by: %d %s", resp.StatusCode, body)
	}
	resp, _ = get(t, srv, "/projects?sort=up", nil)
	if resp.StatusCode != 400 {
		t.Fatalf("bad sort: %d", resp.StatusCode)
	}
}

func TestMembershipAndPublicOthers(t *testing.T) {
	f := fake.New(token, repos(5))
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	f.PublicOthers = []providers.Repository{
		{ForgeID: "500", Provider: providers.GitLab, Name: "pub", NameWithOwner: "bob/pub", CreatedAt: &t0},
		{ForgeID: "501", Provider: providers.GitLab, Name: "secret", NameWithOwner: "bob/secret", IsPrivate: true, CreatedAt: &t0},
	}
	srv := serve(t, f)
	resp, ws := list(t, srv, "membership=true")
	if len(ws) != 5 || resp.Header.Get("X-Total") != "5" {
		t.Fatalf("membership=true: %d", len(ws))
	}
	resp, ws = list(t, srv, "")
	if len(ws) != 6 || resp.Header.Get("X-Total") != "6" {
		t.Fatalf("without membership: %d projects, want 6 (own + public of others)", len(ws))
	}
	_, ws = list(t, srv, "membership=false")
	if len(ws) != 6 || ws[5].PathWithNamespace != "bob/pub" {
		t.Fatalf("membership=false: %d", len(ws))
	}
	if r, _ := get(t, srv, "/projects/500", nil); r.StatusCode != 200 {
		t.Fatal("a public project of another user is not found by id")
	}
	if r, _ := get(t, srv, "/projects/501", nil); r.StatusCode != 404 {
		t.Fatal("a private project of another user is found")
	}
}

func TestAuthAndNotFound(t *testing.T) {
	f := fake.New(token, repos(3))
	srv := serve(t, f)
	for _, hdr := range []map[string]string{{"PRIVATE-TOKEN": "nope"}, {"PRIVATE-TOKEN": ""}} {
		resp, body := get(t, srv, "/projects?membership=true", hdr)
		if resp.StatusCode != 401 || string(body) != `{"message":"401 Unauthorized"}` {
			t.Fatalf("%v: %d %s", hdr, resp.StatusCode, body)
		}
	}
	if resp, _ := get(t, srv, "/projects?membership=true", map[string]string{"PRIVATE-TOKEN": "", "Authorization": "Bearer " + token}); resp.StatusCode != 200 {
		t.Fatalf("OAuth bearer: %d", resp.StatusCode)
	}
	resp, body := get(t, srv, "/projects/424242", nil)
	if resp.StatusCode != 404 || string(body) != `{"message":"404 Project Not Found"}` {
		t.Fatalf("unknown id: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, srv, "/projects/acme%2Fteam%2Fp01", nil)
	var w wire
	json.Unmarshal(body, &w)
	if resp.StatusCode != 200 || w.ID != 2 || w.PathWithNamespace != "acme/team/p01" {
		t.Fatalf("by encoded path: %d %s", resp.StatusCode, body)
	}
	resp, _ = get(t, srv, "/projects/acme/team/p01", nil)
	if resp.StatusCode != 404 {
		t.Fatalf("unencoded path: %d", resp.StatusCode)
	}
	if f.Requests() != 6 {
		t.Fatalf("requests %d, want 6", f.Requests())
	}
}

func TestETagAndNotModified(t *testing.T) {
	f := fake.New(token, repos(3))
	srv := serve(t, f)
	resp, _ := get(t, srv, "/projects?membership=true", nil)
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	resp, body := get(t, srv, "/projects?membership=true", map[string]string{"If-None-Match": etag})
	if resp.StatusCode != 304 || len(body) != 0 || resp.Header.Get("ETag") != etag {
		t.Fatalf("If-None-Match: %d %q", resp.StatusCode, body)
	}
	resp, _ = get(t, srv, "/projects?membership=true&page=2", map[string]string{"If-None-Match": etag})
	if resp.StatusCode != 200 {
		t.Fatalf("another page with the first page's tag: %d", resp.StatusCode)
	}
	resp, _ = get(t, srv, "/projects/1", nil)
	if r, _ := get(t, srv, "/projects/1", map[string]string{"If-None-Match": resp.Header.Get("ETag")}); r.StatusCode != 304 {
		t.Fatalf("single project 304: %d", r.StatusCode)
	}
}

func TestNonNumericForgeIDAndSubMillisecondTimes(t *testing.T) {
	a := time.Date(2024, 1, 1, 0, 0, 0, 999999, time.UTC) // below a millisecond: stored as :00.000
	b := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	f := fake.New(token, []providers.Repository{
		{ForgeID: "uuid-b", Provider: providers.GitLab, Name: "b", NameWithOwner: "z/b", PushedAt: &a},
		{ForgeID: "uuid-a", Provider: providers.GitLab, Name: "a", NameWithOwner: "z/a", PushedAt: &b},
	})
	srv := serve(t, f)
	_, ws := list(t, srv, "membership=true&order_by=last_activity_at&sort=desc")
	// Equal once truncated, so the tie falls to the project id, descending like the sort.
	if ws[0].ID <= ws[1].ID || ws[1].ID <= 0 || ws[0].LastActivityAt != "2024-01-01T00:00:00.000Z" || ws[1].LastActivityAt != ws[0].LastActivityAt {
		t.Fatalf("got %+v", ws)
	}
	if r, _ := get(t, srv, fmt.Sprintf("/projects/%d", ws[1].ID), nil); r.StatusCode != 200 {
		t.Fatal("hashed id not found")
	}
}
