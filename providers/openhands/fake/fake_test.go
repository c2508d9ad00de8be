package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/openhands/fake"
)

const key = "k"

type item struct {
	ID          string  `json:"id"`
	FullName    string  `json:"full_name"`
	GitProvider string  `json:"git_provider"`
	IsPublic    bool    `json:"is_public"`
	Stars       *int    `json:"stargazers_count"`
	LinkHeader  *string `json:"link_header"`
	PushedAt    *string `json:"pushed_at"`
	OwnerType   *string `json:"owner_type"`
	MainBranch  *string `json:"main_branch"`
}

func repos(p providers.Provider, n int) []providers.Repository {
	out := make([]providers.Repository, n)
	for i := range out {
		owner := []string{"b-owner", "a-owner/sub"}[i%2]
		if p == providers.Bitbucket {
			owner = []string{"ws1", "ws2"}[i%2]
		}
		name := fmt.Sprintf("n%03d", (i*7)%n)
		pushed := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i*13%n) * time.Hour)
		created := pushed.Add(-time.Duration(i) * time.Hour)
		out[i] = providers.Repository{ForgeID: fmt.Sprint(i + 1), Provider: p, Name: name, NameWithOwner: owner + "/" + name,
			Owner: owner, PushedAt: &pushed, CreatedAt: &created, UpdatedAt: &created, IsPrivate: i%3 == 0}
	}
	return out
}

func get(t *testing.T, srv *httptest.Server, apiKey, query string) (int, []item, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/oh/api/user/repositories?"+query, nil)
	if apiKey != "" {
		req.Header.Set("X-Session-API-Key", apiKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	var items []item
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(raw, &items); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	return resp.StatusCode, items, resp.Header, string(raw)
}

func start(t *testing.T, s *fake.Server) *httptest.Server {
	srv := httptest.NewServer(http.StripPrefix("/oh", s))
	t.Cleanup(srv.Close)
	return srv
}

func names(items []item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.FullName
	}
	return out
}

func TestUnpagedIgnoresPaging(t *testing.T) {
	all := append(append(repos(providers.Bitbucket, 5), repos(providers.GitLab, 4)...), repos(providers.GitHub, 3)...)
	all = append(all, providers.Repository{ForgeID: "x", Provider: providers.CodeArts, Name: "c", NameWithOwner: "o/c", Owner: "o"})
	s := fake.New(key, all)
	s.EnterpriseSSO = repos(providers.GitHub, 2)
	srv := start(t, s)
	for _, q := range []string{"", "page=2&per_page=1", "sort=full_name&page=9"} {
		code, items, _, _ := get(t, srv, key, q)
		if code != 200 || len(items) != 14 {
			t.Fatalf("%q: %d, %d items, want all 14", q, code, len(items))
		}
		var forges []string
		for _, it := range items {
			if len(forges) == 0 || forges[len(forges)-1] != it.GitProvider {
				forges = append(forges, it.GitProvider)
			}
			if it.LinkHeader != nil {
				t.Errorf("%q: unpaged item has link_header %q", q, *it.LinkHeader)
			}
		}
		if !slices.Equal(forges, []string{"github", "gitlab", "bitbucket", "enterprise_sso"}) {
			t.Errorf("%q: forges in order %v", q, forges)
		}
	}
	if s.Requests() != 3 {
		t.Errorf("Requests() = %d", s.Requests())
	}
}

func TestUnpagedLimit(t *testing.T) {
	srv := start(t, fake.New(key, repos(providers.GitHub, fake.UnpagedLimit+5)))
	if _, items, _, _ := get(t, srv, key, ""); len(items) != fake.UnpagedLimit {
		t.Fatalf("%d items, want %d", len(items), fake.UnpagedLimit)
	}
}

func TestGitHubOrdersAndPages(t *testing.T) {
	rs := repos(providers.GitHub, 250)
	srv := start(t, fake.New(key, rs))
	for _, sort := range []string{"pushed", "updated", "created", "full_name"} {
		s := map[string]providers.Sort{"pushed": providers.SortPushed, "updated": providers.SortUpdated, "created": providers.SortCreated, "full_name": providers.SortFullName}[sort]
		o := providers.NewOrder(s, "")
		want := slices.Clone(rs)
		slices.SortStableFunc(want, githubfake.Order(o))
		var got []string
		for page := 1; page <= 3; page++ {
			_, items, _, _ := get(t, srv, key, fmt.Sprintf("selected_provider=github&sort=%s&page=%d&per_page=100", sort, page))
			got = append(got, names(items)...)
			link := *items[0].LinkHeader
			for _, it := range items {
				if it.LinkHeader == nil || *it.LinkHeader != link {
					t.Fatalf("items of one page carry different link headers")
				}
			}
			if hasNext := strings.Contains(link, `rel="next"`); hasNext != (page < 3) {
				t.Errorf("%s page %d: link %q", sort, page, link)
			}
			if page < 3 && !strings.Contains(link, "page=3&per_page=100&sort="+sort+`>; rel="last"`) {
				t.Errorf("%s page %d: no rel=last to page 3: %q", sort, page, link)
			}
		}
		wantNames := make([]string, len(want))
		for i := range want {
			wantNames[i] = want[i].NameWithOwner
		}
		if !slices.Equal(got, wantNames) {
			t.Errorf("github sort=%s: wrong order", sort)
		}
	}
	// One page only: GitHub sends no Link.
	small := start(t, fake.New(key, repos(providers.GitHub, 10)))
	_, items, _, _ := get(t, small, key, "selected_provider=github&page=1&per_page=100")
	if len(items) != 10 || *items[0].LinkHeader != "" {
		t.Errorf("single page: %d items, link %q", len(items), *items[0].LinkHeader)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(*items[0].PushedAt) {
		t.Errorf("github pushed_at %q", *items[0].PushedAt)
	}
}

func TestGitLabOrders(t *testing.T) {
	rs := repos(providers.GitLab, 50)
	srv := start(t, fake.New(key, rs))
	_, items, _, _ := get(t, srv, key, "selected_provider=gitlab&sort=full_name&page=1&per_page=100")
	var projectNames []string
	for _, it := range items {
		projectNames = append(projectNames, it.FullName[strings.LastIndex(it.FullName, "/")+1:])
	}
	if !slices.IsSortedFunc(projectNames, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("gitlab full_name is not by project name descending: %v", projectNames)
	}
	if slices.IsSorted(names(items)) || slices.IsSortedFunc(names(items), func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("test data should make name order differ from path order")
	}
	link := *items[0].LinkHeader
	if !strings.Contains(link, `rel="first"`) || !strings.Contains(link, `rel="last"`) || strings.Contains(link, `rel="next"`) {
		t.Errorf("gitlab single page link %q", link)
	}
	if !strings.HasSuffix(*items[0].PushedAt, ".000Z") {
		t.Errorf("gitlab pushed_at %q", *items[0].PushedAt)
	}
	for _, sort := range []string{"pushed", "updated"} {
		_, items, _, _ := get(t, srv, key, "selected_provider=gitlab&sort="+sort+"&page=1&per_page=100")
		var times []string
		for _, it := range items {
			times = append(times, *it.PushedAt)
		}
		if !slices.IsSortedFunc(times, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Errorf("gitlab sort=%s is not by last activity descending", sort)
		}
	}
}

func TestBitbucketNeedsWorkspace(t *testing.T) {
	rs := repos(providers.Bitbucket, 150)
	srv := start(t, fake.New(key, rs))
	code, items, _, _ := get(t, srv, key, "selected_provider=bitbucket&page=1&per_page=100")
	if code != 200 || len(items) != 0 {
		t.Fatalf("without installation_id: %d, %d items, want 200 []", code, len(items))
	}
	var all []string
	for page := 1; page <= 2; page++ {
		_, items, _, _ = get(t, srv, key, fmt.Sprintf("selected_provider=bitbucket&installation_id=ws1&sort=full_name&page=%d&per_page=50", page))
		if len(items) != []int{50, 25}[page-1] {
			t.Fatalf("ws1 page %d: %d items", page, len(items))
		}
		next := strings.Contains(*items[0].LinkHeader, `rel="next"`)
		if next != (page == 1) || (page == 1 && !strings.Contains(*items[0].LinkHeader, "/repositories/ws1?page=2>")) {
			t.Errorf("page %d link %q", page, *items[0].LinkHeader)
		}
		for _, it := range items {
			if !strings.HasPrefix(it.FullName, "ws1/") {
				t.Fatalf("ws1 page holds %s", it.FullName)
			}
			if !strings.HasSuffix(*it.PushedAt, "+00:00") {
				t.Fatalf("bitbucket pushed_at %q", *it.PushedAt)
			}
		}
		all = append(all, names(items)...)
	}
	if !slices.IsSorted(all) {
		t.Errorf("bitbucket sort=full_name (name) not ascending")
	}
}

func TestPerPageDefaultAndCap(t *testing.T) {
	srv := start(t, fake.New(key, repos(providers.GitHub, 150)))
	if _, items, _, _ := get(t, srv, key, "selected_provider=github"); len(items) != 30 {
		t.Errorf("default per_page: %d items", len(items))
	}
	if _, items, _, _ := get(t, srv, key, "selected_provider=github&per_page=500"); len(items) != 100 {
		t.Errorf("per_page=500: %d items, want 100", len(items))
	}
	if _, items, _, _ := get(t, srv, key, "selected_provider=github&page=9&per_page=100"); len(items) != 0 {
		t.Errorf("page past the end: %d items", len(items))
	}
}

func TestErrorAnswers(t *testing.T) {
	srv := start(t, fake.New(key, repos(providers.GitHub, 3)))
	cases := []struct {
		key, query string
		code       int
		body       string
	}{
		{"", "", 401, `{"detail":"User is not authenticated"}`},
		{"wrong", "selected_provider=github&page=1&per_page=10", 401, `"detail"`},
		{key, "selected_provider=github&page=1&per_page=0", 422, `"loc":["query","per_page"],"msg":"Input should be greater than 0"`},
		{key, "selected_provider=sourceforge&page=1&per_page=10", 422, `"loc":["query","selected_provider"]`},
		{key, "selected_provider=github&page=abc&per_page=10", 422, `"type":"int_parsing"`},
	}
	for _, c := range cases {
		code, _, _, body := get(t, srv, c.key, c.query)
		if code != c.code || !strings.Contains(body, c.body) {
			t.Errorf("%q with key %q: %d %s, want %d with %s", c.query, c.key, code, body, c.code, c.body)
		}
	}
	resp, err := http.Post(srv.URL+"/oh/api/user/repositories", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/oh/api/user/repos", nil)
	req.Header.Set("X-Session-API-Key", key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("other path: %d", resp.StatusCode)
	}
}

func TestETag(t *testing.T) {
	s := fake.New(key, repos(providers.GitHub, 3))
	srv := start(t, s)
	_, _, h, _ := get(t, srv, key, "")
	etag := h.Get("ETag")
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/oh/api/user/repositories", nil)
	req.Header.Set("X-Session-API-Key", key)
	req.Header.Set("If-None-Match", etag)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if etag == "" || resp.StatusCode != http.StatusNotModified {
		t.Fatalf("etag %q, conditional GET %d", etag, resp.StatusCode)
	}
	s.SetRepos(repos(providers.GitHub, 4))
	if _, _, h2, _ := get(t, srv, key, ""); h2.Get("ETag") == etag {
		t.Errorf("ETag unchanged after the list changed")
	}
}

func TestConcurrentUse(t *testing.T) {
	s := fake.New(key, repos(providers.GitHub, 20))
	srv := start(t, s)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				s.SetRepos(repos(providers.GitLab, 10+j))
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/oh/api/user/repositories?selected_provider=gitlab&page=1&per_page=5", nil)
				req.Header.Set("X-Session-API-Key", key)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	if s.Requests() != 80 {
		t.Errorf("Requests() = %d, want 80", s.Requests())
	}
}
