package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

const tok = "ghp_fake"

func ptr[T any](v T) *T { return &v }

// repos returns n repositories named o/r-000.. with pushed times decreasing in i and created times
// increasing, a few names in upper case.
func repos(n int) []providers.Repository {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]providers.Repository, n)
	for i := range out {
		name := fmt.Sprintf("r-%03d", i)
		if i%7 == 3 {
			name = strings.ToUpper(name)
		}
		pushed := base.Add(time.Duration(n-i) * time.Hour)
		created := base.Add(time.Duration(i) * time.Minute)
		out[i] = providers.Repository{ForgeID: strconv.Itoa(100 + i), Provider: providers.GitHub, Name: name,
			NameWithOwner: "o/" + name, Owner: "o", PushedAt: &pushed, CreatedAt: &created, UpdatedAt: &created}
	}
	return out
}

// mount serves s under /api/v3 and returns the root URL.
func mount(t *testing.T, s *Server) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/api/v3/", http.StripPrefix("/api/v3", s))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/v3"
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func fetch(t *testing.T, rawURL, auth string, hdr ...string) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return result{resp.StatusCode, resp.Header, []byte(b.String())}
}

func names(t *testing.T, body []byte) []string {
	t.Helper()
	var items []map[string]any
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it["full_name"].(string)
	}
	return out
}

func TestListDefaultsAndPaging(t *testing.T) {
	all := repos(45)
	s := New(tok, all)
	base := mount(t, s)
	bearer := "Bearer " + tok

	// No parameters: full_name ascending (case-insensitive), 30 per page.
	r := fetch(t, base+"/user/repos", bearer)
	got := names(t, r.body)
	if r.status != 200 || len(got) != 30 || got[0] != "o/r-000" || got[3] != "o/R-003" || got[29] != "o/r-029" {
		t.Fatalf("default list: %d %v", r.status, got)
	}
	// sort=pushed without direction is descending: the newest push (i=0) first.
	got = names(t, fetch(t, base+"/user/repos?sort=pushed&per_page=5", bearer).body)
	if fmt.Sprint(got) != "[o/r-000 o/r-001 o/r-002 o/R-003 o/r-004]" {
		t.Fatalf("pushed desc: %v", got)
	}
	got = names(t, fetch(t, base+"/user/repos?sort=created&direction=desc&per_page=2", bearer).body)
	if fmt.Sprint(got) != "[o/r-044 o/r-043]" {
		t.Fatalf("created desc: %v", got)
	}
	got = names(t, fetch(t, base+"/user/repos?sort=full_name&direction=desc&per_page=2", bearer).body)
	if fmt.Sprint(got) != "[o/r-044 o/r-043]" {
		t.Fatalf("full_name desc: %v", got)
	}
	// per_page is capped at 100; page 0 and junk mean page 1; past the end is [].
	s.SetRepos(repos(150))
	for q, want := range map[string]int{"per_page=500": 100, "per_page=0": 30, "per_page=x&page=0": 30, "per_page=100&page=2": 50, "per_page=100&page=3": 0} {
		r := fetch(t, base+"/user/repos?"+q, bearer)
		if n := len(names(t, r.body)); r.status != 200 || n != want {
			t.Errorf("%s: %d items, want %d", q, n, want)
		}
	}
	// Ties are broken by id in the sort's direction (GitHub does not document its tie order; the
	// fake deliberately differs from forgegraph's full-path tie-break): ids 100..103, desc.
	same := repos(4)
	for i := range same {
		same[i].PushedAt = same[0].PushedAt
	}
	s.SetRepos(same)
	got = names(t, fetch(t, base+"/user/repos?sort=pushed", bearer).body)
	if fmt.Sprint(got) != "[o/R-003 o/r-002 o/r-001 o/r-000]" {
		t.Fatalf("ties: %v", got)
	}
	got = names(t, fetch(t, base+"/user/repos?sort=pushed&direction=asc", bearer).body)
	if fmt.Sprint(got) != "[o/r-000 o/r-001 o/r-002 o/R-003]" {
		t.Fatalf("ties ascending: %v", got)
	}
	// Unknown values are GitHub's 422.
	for _, q := range []string{"sort=stars", "direction=up"} {
		r := fetch(t, base+"/user/repos?"+q, bearer)
		var e errorBody
		if r.status != 422 || json.Unmarshal(r.body, &e) != nil || e.Message != "Validation Failed" || e.DocumentationURL == "" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
}

func TestLinkHeader(t *testing.T) {
	s := New(tok, repos(250))
	base := mount(t, s)
	bearer := "token " + tok // GitHub's older scheme works too
	u, _ := url.Parse(base)
	rels := func(link string) map[string]string {
		out := map[string]string{}
		for _, part := range strings.Split(link, ", ") {
			l, rel, ok := strings.Cut(part, `>; rel="`)
			if !ok || !strings.HasPrefix(l, "<") || !strings.HasSuffix(rel, `"`) {
				t.Fatalf("malformed Link part %q", part)
			}
			out[strings.TrimSuffix(rel, `"`)] = strings.TrimPrefix(l, "<")
		}
		return out
	}
	page := func(link string) string {
		lu, err := url.Parse(link)
		if err != nil || lu.Scheme != "http" || lu.Host != u.Host || lu.Path != "/api/v3/user/repos" {
			t.Fatalf("link %q is not this API's absolute URL", link)
		}
		q := lu.Query()
		if q.Get("sort") != "pushed" || q.Get("per_page") != "100" {
			t.Fatalf("link %q lost the request's parameters", link)
		}
		return q.Get("page")
	}
	check := func(p string, want map[string]string) {
		t.Helper()
		r := fetch(t, base+"/user/repos?sort=pushed&per_page=100&page="+p, bearer)
		got := rels(r.header.Get("Link"))
		if len(got) != len(want) {
			t.Fatalf("page %s: Link %q", p, r.header.Get("Link"))
		}
		for rel, pg := range want {
			if page(got[rel]) != pg {
				t.Fatalf("page %s: rel %s is %q, want page %s", p, rel, got[rel], pg)
			}
		}
	}
	check("1", map[string]string{"next": "2", "last": "3"})
	check("2", map[string]string{"prev": "1", "next": "3", "last": "3", "first": "1"})
	check("3", map[string]string{"prev": "2", "first": "1"})

	s.SetRepos(repos(100))
	if r := fetch(t, base+"/user/repos?per_page=100", bearer); r.header.Get("Link") != "" || r.status != 200 {
		t.Fatalf("single page has Link %q", r.header.Get("Link"))
	}
	s.SetRepos(nil)
	if r := fetch(t, base+"/user/repos", bearer); r.header.Get("Link") != "" || string(r.body) != "[]" {
		t.Fatalf("empty list: Link %q body %s", r.header.Get("Link"), r.body)
	}
}

func TestServeHTTPWithoutRequestURI(t *testing.T) {
	// As an in-process RoundTripper hands client requests to ServeHTTP: no RequestURI, absolute URL.
	s := New(tok, repos(3))
	req := httptest.NewRequest(http.MethodGet, "https://ghe.example/user/repos?per_page=1&page=2", nil)
	req.RequestURI = ""
	req.Header.Set("Authorization", "Bearer "+tok)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Link"), "<https://ghe.example/user/repos?page=3&per_page=1>") {
		t.Fatalf("%d Link %q", w.Code, w.Header().Get("Link"))
	}
	var items []repository
	if err := json.Unmarshal(w.Body.Bytes(), &items); err != nil || len(items) != 1 || items[0].URL != "https://ghe.example/repos/o/r-001" {
		t.Fatalf("%v %+v", err, items)
	}
}

func TestErrors(t *testing.T) {
	s := New(tok, repos(3))
	base := mount(t, s)
	for _, auth := range []string{"", "Bearer wrong", "Bearer", "Basic " + tok, tok} {
		r := fetch(t, base+"/user/repos", auth)
		if r.status != 401 || string(r.body) != `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}` {
			t.Errorf("auth %q: %d %s", auth, r.status, r.body)
		}
	}
	if r := fetch(t, base+"/user/repos", "Bearer "+tok); r.status != 200 {
		t.Fatalf("%d", r.status)
	}
	if New("", repos(1)).authorized(httptest.NewRequest("GET", "/", nil)) {
		t.Fatal("an empty token authorizes a request without one")
	}
	for _, path := range []string{"/repos/o/missing", "/repos/o", "/users", "/nothing"} {
		r := fetch(t, base+path, "Bearer "+tok)
		var e errorBody
		if r.status != 404 || json.Unmarshal(r.body, &e) != nil || e.Message != "Not Found" || !strings.HasPrefix(e.DocumentationURL, "https://docs.github.com/rest") {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	if s.Requests() != 5+1+4 {
		t.Fatalf("Requests() = %d, want 10", s.Requests())
	}
}

func TestGetRepository(t *testing.T) {
	all := repos(3)
	all[1].Description = ptr("second")
	all[1].URL = ptr("https://github.com/o/r-001")
	all[1].IsArchived = ptr(true)
	all[1].StargazerCount = ptr(7)
	all[1].PushedAt = nil
	all[1].ForgeID = "not-a-number"
	s := New(tok, all)
	base := mount(t, s)
	r := fetch(t, base+"/repos/O/R-001", "Bearer "+tok)
	if r.status != 200 || r.header.Get("ETag") == "" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatal(err)
	}
	owner, _ := m["owner"].(map[string]any)
	if m["full_name"] != "o/r-001" || m["name"] != "r-001" || owner["login"] != "o" || m["description"] != "second" ||
		m["archived"] != true || m["stargazers_count"] != 7.0 || m["html_url"] != "https://github.com/o/r-001" ||
		m["git_url"] != "git://github.com/o/r-001.git" || m["visibility"] != "public" || m["private"] != false {
		t.Fatalf("wire shape: %s", r.body)
	}
	if v, ok := m["pushed_at"]; !ok || v != nil {
		t.Fatalf("pushed_at %v (present %v), want null", v, ok)
	}
	if m["created_at"] != "2024-01-01T00:01:00Z" || m["url"] != base+"/repos/o/r-001" {
		t.Fatalf("created_at %v url %v", m["created_at"], m["url"])
	}
	id, _ := m["id"].(float64)
	if id <= 0 || id >= 1<<53 || float64(numericID("not-a-number")) != id {
		t.Fatalf("id %v", m["id"])
	}
	// Numeric forge ids are GitHub's ids.
	r = fetch(t, base+"/repos/o/r-002", "Bearer "+tok)
	json.Unmarshal(r.body, &m)
	if m["id"] != 102.0 || m["node_id"] != "MDEwOlJlcG9zaXRvcnkxMDI=" {
		t.Fatalf("id %v node_id %v", m["id"], m["node_id"])
	}
}

func TestETagAndRateLimit(t *testing.T) {
	s := New(tok, repos(10))
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s.SetRateLimit(3)
	base := mount(t, s)
	bearer := "Bearer " + tok
	reset := strconv.FormatInt(now.Add(time.Hour).Unix(), 10)

	r := fetch(t, base+"/user/repos", bearer)
	etag := r.header.Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) || r.header.Get("X-RateLimit-Limit") != "3" ||
		r.header.Get("X-RateLimit-Remaining") != "2" || r.header.Get("X-RateLimit-Reset") != reset {
		t.Fatalf("headers %v", r.header)
	}
	// 304 on a matching tag (weak or strong form, or in a list), and it uses no quota.
	for _, inm := range []string{etag, strings.TrimPrefix(etag, "W/"), `"other", ` + etag} {
		r = fetch(t, base+"/user/repos", bearer, "If-None-Match", inm)
		if r.status != 304 || len(r.body) != 0 || r.header.Get("ETag") != etag || r.header.Get("X-RateLimit-Remaining") != "2" {
			t.Fatalf("If-None-Match %s: %d remaining %s", inm, r.status, r.header.Get("X-RateLimit-Remaining"))
		}
	}
	// Another page, another tag.
	if r = fetch(t, base+"/user/repos?per_page=5&page=2", bearer, "If-None-Match", etag); r.status != 200 || r.header.Get("ETag") == etag {
		t.Fatalf("page 2: %d", r.status)
	}
	if r = fetch(t, base+"/user/repos", bearer); r.status != 200 || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("last of the quota: %d %s", r.status, r.header.Get("X-RateLimit-Remaining"))
	}
	r = fetch(t, base+"/user/repos", bearer)
	var e errorBody
	if r.status != 403 || r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Reset") != reset ||
		json.Unmarshal(r.body, &e) != nil || !strings.Contains(e.Message, "rate limit") {
		t.Fatalf("quota spent: %d %v %s", r.status, r.header, r.body)
	}
	// A new window restores the quota.
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	if r = fetch(t, base+"/user/repos", bearer); r.status != 200 || r.header.Get("X-RateLimit-Remaining") != "2" {
		t.Fatalf("new window: %d %s", r.status, r.header.Get("X-RateLimit-Remaining"))
	}
	// No quota: no headers.
	s.SetRateLimit(0)
	if r = fetch(t, base+"/user/repos", bearer); r.status != 200 || r.header.Get("X-RateLimit-Limit") != "" {
		t.Fatalf("unlimited: %d %v", r.status, r.header)
	}
}

func TestTimesAreWholeSecondsAndSortedAsSent(t *testing.T) {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	a := providers.Repository{ForgeID: "1", Name: "b", NameWithOwner: "o/b", Owner: "o", PushedAt: ptr(base.Add(700 * time.Millisecond))}
	b := providers.Repository{ForgeID: "2", Name: "a", NameWithOwner: "o/a", Owner: "o", PushedAt: ptr(base.Add(300 * time.Millisecond).In(time.FixedZone("x", 3600)))}
	s := New(tok, []providers.Repository{a, b})
	got := names(t, fetch(t, mount(t, s)+"/user/repos?sort=pushed", "Bearer "+tok).body)
	// Both were pushed at 00:00:00 as GitHub says it, so the tie goes to the path.
	if fmt.Sprint(got) != "[o/a o/b]" {
		t.Fatalf("%v", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := New(tok, repos(120))
	s.SetRateLimit(0)
	base := mount(t, s)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				if j%3 == 0 {
					s.SetRepos(repos(100 + i))
				}
				r := fetch(t, base+"/user/repos?per_page=100&page=2", "Bearer "+tok)
				if r.status != 200 {
					t.Errorf("status %d", r.status)
				}
			}
		}()
	}
	wg.Wait()
	if s.Requests() != 80 {
		t.Fatalf("Requests() = %d", s.Requests())
	}
}
