package fake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket/fake"
)

const tok = "secret-token"

type page struct {
	Pagelen  int               `json:"pagelen"`
	Size     *int              `json:"size"`
	Page     int               `json:"page"`
	Next     string            `json:"next"`
	Previous string            `json:"previous"`
	Values   []json.RawMessage `json:"values"`
}

type errBody struct {
	Type  string `json:"type"`
	Error struct {
		Message string         `json:"message"`
		Detail  string         `json:"detail"`
		Data    map[string]any `json:"data"`
	} `json:"error"`
}

func repos(ws map[string]int) []providers.Repository {
	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var out []providers.Repository
	keys := make([]string, 0, len(ws))
	for k := range ws {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, w := range keys {
		for i := range ws[w] {
			c := base.Add(time.Duration(i%7) * time.Hour)
			u := base.Add(time.Duration(i%5) * time.Minute)
			out = append(out, providers.Repository{
				ForgeID: fmt.Sprintf("{id-%s-%03d}", w, i), Provider: providers.Bitbucket,
				Name: fmt.Sprintf("r%03d", i), NameWithOwner: fmt.Sprintf("%s/r%03d", w, i),
				CreatedAt: &c, UpdatedAt: &u,
			})
		}
	}
	return out
}

func serve(t *testing.T, s *fake.Server) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/2.0/", http.StripPrefix("/2.0", s))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, rawURL string, auth func(*http.Request)) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != nil {
		auth(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func bearer(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func decodeErr(t *testing.T, b []byte) errBody {
	t.Helper()
	var e errBody
	if err := json.Unmarshal(b, &e); err != nil || e.Type != "error" || e.Error.Message == "" {
		t.Fatalf("not a Bitbucket error body: %s", b)
	}
	return e
}

// TestWorkspacesPagedWithAbsoluteLinks follows /user/workspaces with the default pagelen of 10
// through its absolute next links, which keep the /2.0 mount prefix.
func TestWorkspacesPagedWithAbsoluteLinks(t *testing.T) {
	ws := map[string]int{}
	for i := range 25 {
		ws[fmt.Sprintf("w%02d", i)] = 1
	}
	s := fake.New(tok, repos(ws))
	srv := serve(t, s)
	next := srv.URL + "/2.0/user/workspaces"
	var slugs []string
	pages := 0
	for next != "" {
		resp, b := get(t, next, bearer(tok))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", next, resp.StatusCode, b)
		}
		var p page
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Pagelen != 10 || p.Size == nil || *p.Size != 25 || p.Page != pages {
			t.Fatalf("page %d envelope: pagelen %d size %v page %d", pages, p.Pagelen, p.Size, p.Page)
		}
		if (pages > 1) != (p.Previous != "") {
			t.Fatalf("page %d previous %q", pages, p.Previous)
		}
		for _, v := range p.Values {
			var wa struct {
				Type          string `json:"type"`
				Administrator bool   `json:"administrator"`
				Workspace     struct {
					Slug  string `json:"slug"`
					UUID  string `json:"uuid"`
					Links struct {
						Self struct{ Href string } `json:"self"`
					} `json:"links"`
				} `json:"workspace"`
			}
			if err := json.Unmarshal(v, &wa); err != nil {
				t.Fatal(err)
			}
			if wa.Type != "workspace_access" || !strings.HasPrefix(wa.Workspace.UUID, "{") ||
				wa.Workspace.Links.Self.Href != srv.URL+"/2.0/workspaces/"+wa.Workspace.Slug {
				t.Fatalf("workspace value %s", v)
			}
			slugs = append(slugs, wa.Workspace.Slug)
		}
		if p.Next != "" && !strings.HasPrefix(p.Next, srv.URL+"/2.0/user/workspaces?") {
			t.Fatalf("next %q is not absolute under the mount", p.Next)
		}
		next = p.Next
	}
	if pages != 3 || len(slugs) != 25 || !slices.IsSorted(slugs) {
		t.Fatalf("%d pages, slugs %v", pages, slugs)
	}
	// -slug reverses; other sorts are refused.
	_, b := get(t, srv.URL+"/2.0/user/workspaces?sort=-slug&pagelen=1", bearer(tok))
	if !strings.Contains(string(b), `"slug":"w24"`) {
		t.Fatalf("sort=-slug first page %s", b)
	}
	resp, b := get(t, srv.URL+"/2.0/user/workspaces?sort=name", bearer(tok))
	if resp.StatusCode != 400 {
		t.Fatalf("sort=name: %d", resp.StatusCode)
	}
	decodeErr(t, b)
}

func TestRepositoriesSortAndPaging(t *testing.T) {
	data := repos(map[string]int{"alpha": 23, "beta": 4})
	s := fake.New(tok, data)
	srv := serve(t, s)
	view := fake.View(data)
	for _, sort := range []string{"", "updated_on", "-updated_on", "created_on", "-created_on", "full_name", "-full_name"} {
		o := providers.NewOrder(providers.SortFullName, providers.Asc)
		switch strings.TrimPrefix(sort, "-") {
		case "updated_on":
			o.Sort = providers.SortUpdated
		case "created_on":
			o.Sort = providers.SortCreated
		}
		if strings.HasPrefix(sort, "-") {
			o.Direction = providers.Desc
		}
		var want []string
		for _, r := range view {
			if strings.HasPrefix(r.NameWithOwner, "alpha/") {
				want = append(want, r.NameWithOwner)
			}
		}
		// The field's order, ties by id in the same direction (the fake's rule for what Bitbucket
		// does not document), not forgegraph's full-path tie-break.
		slices.SortStableFunc(want, func(a, b string) int {
			ra, rb := find(view, a), find(view, b)
			if c := o.CompareKey(&ra, &rb); c != 0 {
				return c
			}
			c := strings.Compare(ra.ForgeID, rb.ForgeID)
			if o.Direction == providers.Desc {
				c = -c
			}
			return c
		})
		var got []string
		next := srv.URL + "/2.0/repositories/alpha?role=member&pagelen=7&sort=" + url.QueryEscape(sort)
		for next != "" {
			resp, b := get(t, next, bearer(tok))
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", next, resp.StatusCode, b)
			}
			var p page
			if err := json.Unmarshal(b, &p); err != nil {
				t.Fatal(err)
			}
			if *p.Size != 23 || p.Pagelen != 7 {
				t.Fatalf("envelope size %d pagelen %d", *p.Size, p.Pagelen)
			}
			if p.Next != "" && !strings.Contains(p.Next, "sort="+url.QueryEscape(sort)) {
				t.Fatalf("next %q lost the sort", p.Next)
			}
			for _, v := range p.Values {
				var r struct {
					FullName string `json:"full_name"`
				}
				_ = json.Unmarshal(v, &r)
				got = append(got, r.FullName)
			}
			next = p.Next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("sort %q:\n got %v\nwant %v", sort, got, want)
		}
	}
}

func find(view []providers.Repository, full string) providers.Repository {
	for _, r := range view {
		if r.NameWithOwner == full {
			return r
		}
	}
	panic(full)
}

func TestBadParameters(t *testing.T) {
	srv := serve(t, fake.New(tok, repos(map[string]int{"alpha": 23})))
	for q, status := range map[string]int{
		"pagelen=0":         400,
		"pagelen=101":       400,
		"pagelen=x":         400,
		"page=0":            400,
		"page=-1":           400,
		"sort=stars":        400,
		"role=boss":         400,
		"page=3&pagelen=10": 200,
		"page=4&pagelen=10": 404, // after the last page
		"pagelen=100":       200,
	} {
		resp, b := get(t, srv.URL+"/2.0/repositories/alpha?"+q, bearer(tok))
		if resp.StatusCode != status {
			t.Errorf("%s: %d, want %d", q, resp.StatusCode, status)
		}
		if status != 200 {
			decodeErr(t, b)
		}
	}
	resp, b := get(t, srv.URL+"/2.0/repositories/nobody", bearer(tok))
	if resp.StatusCode != 404 {
		t.Fatalf("unknown workspace: %d", resp.StatusCode)
	}
	decodeErr(t, b)
}

func TestRemovedRoutes(t *testing.T) {
	srv := serve(t, fake.New(tok, repos(map[string]int{"alpha": 1})))
	for _, p := range []string{"/repositories", "/repositories/", "/workspaces", "/user/permissions/workspaces", "/user/permissions/repositories"} {
		resp, b := get(t, srv.URL+"/2.0"+p+"?role=member", bearer(tok))
		if resp.StatusCode != http.StatusGone {
			t.Fatalf("%s: %d, want 410", p, resp.StatusCode)
		}
		e := decodeErr(t, b)
		if !strings.Contains(e.Error.Message, "CHANGE-2770") || e.Error.Data["announcement_url"] != fake.ChangeURL {
			t.Fatalf("%s: body %s", p, b)
		}
	}
}

func TestAuth(t *testing.T) {
	data := repos(map[string]int{"alpha": 1})
	bearerSrv := serve(t, fake.New(tok, data))
	basicSrv := serve(t, fake.New("jane@example.com:api-token", data))
	emptySrv := serve(t, fake.New("", data))
	basic := func(u, p string) func(*http.Request) { return func(r *http.Request) { r.SetBasicAuth(u, p) } }
	cases := []struct {
		name string
		url  string
		auth func(*http.Request)
		ok   bool
	}{
		{"bearer", bearerSrv.URL, bearer(tok), true},
		{"wrong bearer", bearerSrv.URL, bearer("nope"), false},
		{"missing", bearerSrv.URL, nil, false},
		{"basic for bearer token", bearerSrv.URL, basic("x", tok), false},
		{"basic", basicSrv.URL, basic("jane@example.com", "api-token"), true},
		{"basic wrong token", basicSrv.URL, basic("jane@example.com", "other"), false},
		{"basic wrong email", basicSrv.URL, basic("john@example.com", "api-token"), false},
		{"pair as bearer", basicSrv.URL, bearer("jane@example.com:api-token"), false},
		{"empty server token", emptySrv.URL, bearer(""), false},
	}
	for _, c := range cases {
		resp, b := get(t, c.url+"/2.0/user/workspaces", c.auth)
		if c.ok != (resp.StatusCode == 200) {
			t.Fatalf("%s: status %d", c.name, resp.StatusCode)
		}
		if !c.ok {
			if resp.StatusCode != 401 {
				t.Fatalf("%s: %d, want 401", c.name, resp.StatusCode)
			}
			decodeErr(t, b)
		}
	}
}

func TestGetRepositoryAndETag(t *testing.T) {
	data := repos(map[string]int{"alpha": 3})
	fork := true
	data[1].IsFork = &fork
	data[1].Description = new("hello")
	data[1].DefaultBranch = new("main")
	data[1].PrimaryLanguage = new("go")
	s := fake.New(tok, data)
	srv := serve(t, s)
	resp, b := get(t, srv.URL+"/2.0/repositories/alpha/r001", bearer(tok))
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	var r map[string]any
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	links := r["links"].(map[string]any)
	clone := links["clone"].([]any)
	if r["type"] != "repository" || r["uuid"] != "{id-alpha-001}" || r["full_name"] != "alpha/r001" || r["slug"] != "r001" ||
		r["description"] != "hello" || r["language"] != "go" || r["mainbranch"].(map[string]any)["name"] != "main" ||
		r["parent"] == nil || r["workspace"].(map[string]any)["slug"] != "alpha" ||
		r["updated_on"] != "2025-01-02T03:05:05.000000+00:00" ||
		links["html"].(map[string]any)["href"] != "https://bitbucket.org/alpha/r001" ||
		links["self"].(map[string]any)["href"] != srv.URL+"/2.0/repositories/alpha/r001" ||
		clone[0].(map[string]any)["name"] != "https" || clone[1].(map[string]any)["href"] != "git@bitbucket.org:alpha/r001.git" {
		t.Fatalf("repository %s", b)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	before := s.Requests()
	resp, b = get(t, srv.URL+"/2.0/repositories/alpha/r001", func(r *http.Request) {
		bearer(tok)(r)
		r.Header.Set("If-None-Match", etag)
	})
	if resp.StatusCode != http.StatusNotModified || len(b) != 0 {
		t.Fatalf("If-None-Match: %d %s", resp.StatusCode, b)
	}
	if s.Requests() != before+1 {
		t.Fatalf("Requests() %d, want %d", s.Requests(), before+1)
	}
	resp, b = get(t, srv.URL+"/2.0/repositories/alpha/none", bearer(tok))
	if resp.StatusCode != 404 {
		t.Fatalf("missing repository: %d", resp.StatusCode)
	}
	decodeErr(t, b)
}

func TestView(t *testing.T) {
	at := func(h int) *time.Time {
		x := time.Date(2025, 1, 1, h, 0, 0, 123456789, time.FixedZone("X", 3600))
		return &x
	}
	in := []providers.Repository{
		{ForgeID: "1", Provider: providers.Bitbucket, NameWithOwner: "ws/a", Description: new(""), PrimaryLanguage: new(""),
			StargazerCount: new(5), ForkCount: new(2), IsArchived: new(true), UpdatedAt: at(1), PushedAt: at(3), CreatedAt: at(0),
			CloneURL: new("https://jane@bitbucket.org/ws/a.git")},
		{Provider: providers.GitHub, NameWithOwner: "gh/x"},
		{NameWithOwner: "no-slash"},
		{NameWithOwner: "a/b/c"},
		{NameWithOwner: "ws/b", PushedAt: at(2)},
	}
	v := fake.View(in)
	if len(v) != 2 {
		t.Fatalf("view kept %d repositories, want 2", len(v))
	}
	a, b := v[0], v[1]
	if a.Owner != "ws" || a.Name != "a" || a.Description != nil || a.PrimaryLanguage != nil || a.StargazerCount != nil ||
		a.ForkCount != nil || a.IsArchived != nil || a.IsFork == nil || *a.IsFork || a.Provider != providers.Bitbucket {
		t.Fatalf("view %+v", a)
	}
	want := at(3).UTC().Truncate(time.Microsecond)
	if !a.UpdatedAt.Equal(want) || !a.PushedAt.Equal(want) || a.UpdatedAt.Location() != time.UTC || a.CreatedAt.Nanosecond()%1000 != 0 {
		t.Fatalf("times %v %v %v", a.UpdatedAt, a.PushedAt, a.CreatedAt)
	}
	if *a.URL != "https://bitbucket.org/ws/a" || *a.SSHURL != "git@bitbucket.org:ws/a.git" {
		t.Fatalf("urls %s %s", *a.URL, *a.SSHURL)
	}
	if !strings.HasPrefix(b.ForgeID, "{") || len(b.ForgeID) != 38 || b.UpdatedAt == nil || b.CreatedAt != nil {
		t.Fatalf("view %+v", b)
	}
	if again := fake.View(in); again[1].ForgeID != b.ForgeID {
		t.Fatal("derived uuid not deterministic")
	}
}

// TestInProcessRoundTrip serves a request that never went through a connection, as the embedded
// demo's RoundTripper does: links are still absolute.
func TestInProcessRoundTrip(t *testing.T) {
	s := fake.New(tok, repos(map[string]int{"alpha": 15}))
	req := httptest.NewRequest(http.MethodGet, "https://api.bitbucket.org/repositories/alpha", nil)
	req.RequestURI = ""
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	var p page
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if p.Next != "https://api.bitbucket.org/repositories/alpha?page=2" {
		t.Fatalf("next %q", p.Next)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := fake.New(tok, repos(map[string]int{"alpha": 30, "beta": 5}))
	srv := serve(t, s)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				if i%4 == 0 && j%3 == 0 {
					s.SetRepos(repos(map[string]int{"alpha": 30 + j, "beta": 5}))
				}
				resp, _ := get(t, srv.URL+"/2.0/repositories/alpha?pagelen=10&sort=-updated_on", bearer(tok))
				if resp.StatusCode != 200 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	if s.Requests() != 80 {
		t.Fatalf("Requests() = %d, want 80", s.Requests())
	}
}

func TestMethodNotAllowed(t *testing.T) {
	srv := serve(t, fake.New(tok, nil))
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/2.0/repositories/alpha", nil)
	bearer(tok)(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
}
