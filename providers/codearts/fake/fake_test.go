package fake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

const tok = "secret"

func repos(n int) []providers.Repository {
	out := make([]providers.Repository, n)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		c := base.Add(time.Duration(i) * time.Hour)
		u := base.Add(time.Duration(n-i) * time.Minute)
		nwo := fmt.Sprintf("tenant/g/r%03d", i)
		clone := "https://codehub.example.com/" + nwo + ".git"
		out[i] = providers.Repository{ForgeID: fmt.Sprint(i + 1), Provider: providers.CodeArts, Name: fmt.Sprintf("r%03d", i),
			NameWithOwner: nwo, Owner: "tenant/g", CloneURL: &clone, CreatedAt: &c, UpdatedAt: &u, PushedAt: &u}
	}
	return out
}

func get(t *testing.T, h http.Handler, target, token string) (int, string) {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+target, nil)
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func v4IDs(t *testing.T, body string) []int {
	t.Helper()
	var items []struct {
		ID int `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &items); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func TestV4Paging(t *testing.T) {
	s := New(tok, repos(30))
	// Defaults: created_at desc, limit 20.
	code, body := get(t, s, "/v4/user/repositories", tok)
	ids := v4IDs(t, body)
	if code != 200 || len(ids) != 20 || ids[0] != 30 || ids[19] != 11 {
		t.Fatalf("defaults: %d %v", code, ids)
	}
	_, body = get(t, s, "/v4/user/repositories?offset=25&limit=10&order_by=created_at&sort=asc", tok)
	if ids := v4IDs(t, body); fmt.Sprint(ids) != "[26 27 28 29 30]" {
		t.Fatalf("offset 25: %v", ids)
	}
	// updated_at is the reverse of created_at in these repositories.
	_, body = get(t, s, "/v4/user/repositories?limit=3&order_by=updated_at&sort=asc", tok)
	if ids := v4IDs(t, body); fmt.Sprint(ids) != "[30 29 28]" {
		t.Fatalf("updated_at asc: %v", ids)
	}
	_, body = get(t, s, "/v4/user/repositories?offset=30&limit=100", tok)
	if strings.TrimSpace(body) != "[]" {
		t.Fatalf("past the end: %q, want []", body)
	}
	if !strings.Contains(body, "[]") || strings.Contains(body, "null") {
		t.Fatalf("past the end: %q", body)
	}
}

func TestV4Wire(t *testing.T) {
	r := repos(2)
	desc, stars, fork := "", 4, true
	r[0].Description, r[0].StargazerCount, r[0].IsFork, r[0].IsPrivate = &desc, &stars, &fork, true
	s := New(tok, r)
	_, body := get(t, s, "/v4/user/repositories?order_by=created_at&sort=asc", tok)
	var items []map[string]any
	if err := json.Unmarshal([]byte(body), &items); err != nil {
		t.Fatal(err)
	}
	a, b := items[0], items[1]
	if a["namespace"] != "tenant/g/r000" || a["path"] != "r000" || a["name_with_namespace"] != "tenant / g / r000" ||
		a["visibility"] != "private" || a["star_count"] != 4.0 || a["description"] != "" ||
		a["http_url_to_repo"] != "https://codehub.example.com/tenant/g/r000.git" ||
		a["last_activity_at"] != "2024-01-01T08:02:00.000+08:00" || a["id"] != 1.0 {
		t.Fatalf("wire: %v", a)
	}
	if _, ok := a["created_at"]; ok {
		t.Fatal("v4 sends no created_at")
	}
	if m, ok := a["forked_from_repository"].(map[string]any); !ok || len(m) == 0 {
		t.Fatalf("fork: %v", a["forked_from_repository"])
	}
	if m, ok := b["forked_from_repository"].(map[string]any); !ok || len(m) != 0 || b["visibility"] != "public" {
		t.Fatalf("not a fork: %v %v", b["forked_from_repository"], b["visibility"])
	}
	// A non-numeric id goes out as a string.
	r[1].ForgeID = "0abc"
	s.SetRepos(r)
	_, body = get(t, s, "/v4/user/repositories?order_by=created_at&sort=desc&limit=1", tok)
	if !strings.Contains(body, `"id":"0abc"`) {
		t.Fatalf("string id: %s", body)
	}
}

func TestV2Paging(t *testing.T) {
	s := New(tok, repos(25))
	code, body := get(t, s, "/v2/projects/repositories?page_index=2&page_size=10", tok)
	var a struct {
		Result struct {
			Repositories []map[string]any `json:"repositories"`
			Total        int              `json:"total"`
		} `json:"result"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	rs := a.Result.Repositories
	if code != 200 || a.Status != "success" || a.Result.Total != 25 || len(rs) != 10 || rs[0]["repository_id"] != 11.0 {
		t.Fatalf("page 2: %d %s", code, body)
	}
	if rs[0]["created_at"] != "2024-01-01 18:00:00" || rs[0]["group_name"] != "tenant/g" || rs[0]["visibility_level"] != 20.0 ||
		rs[0]["https_url"] != "https://codehub.example.com/tenant/g/r010.git" || rs[0]["userRole"] != nil {
		t.Fatalf("wire: %v", rs[0])
	}
	// Default page size 20; past the end an empty array; one item stays an array unless ObjectShaped.
	_, body = get(t, s, "/v2/projects/repositories", tok)
	if n := strings.Count(body, "repository_id"); n != 20 {
		t.Fatalf("default page: %d repositories", n)
	}
	_, body = get(t, s, "/v2/projects/repositories?page_index=9&page_size=10", tok)
	if !strings.Contains(body, `"repositories":[]`) || !strings.Contains(body, `"total":25`) {
		t.Fatalf("past the end: %s", body)
	}
	_, body = get(t, s, "/v2/projects/repositories?page_index=3&page_size=12", tok)
	if !strings.Contains(body, `"repositories":[{`) {
		t.Fatalf("one item: %s", body)
	}
	s.ObjectShaped = true
	_, body = get(t, s, "/v2/projects/repositories?page_index=3&page_size=12", tok)
	if !strings.Contains(body, `"repositories":{`) {
		t.Fatalf("object shaped: %s", body)
	}
}

func TestErrors(t *testing.T) {
	s := New(tok, repos(3))
	cases := []struct {
		target, token string
		status        int
		body          string
	}{
		{"/v4/user/repositories", "", 401, `"error_code":"APIGW.0301"`},
		{"/v4/user/repositories", "wrong", 401, `"error_msg":"Incorrect IAM authentication information`},
		{"/v2/projects/repositories", "wrong", 401, `"error":{"code":"APIGW.0301"`},
		{"/v2/projects/repositories", "", 401, `"status":"failed"`},
		{"/v4/user/repositories?limit=0", tok, 400, `"error_msg":"Param invalid: limit must be between 1 and 100"`},
		{"/v4/user/repositories?limit=101", tok, 400, `"error_code":"CH.010001"`},
		{"/v4/user/repositories?limit=ten", tok, 400, `limit must be between 1 and 100`},
		{"/v4/user/repositories?offset=-1", tok, 400, `offset must be between`},
		{"/v4/user/repositories?order_by=name", tok, 400, `order_by must be created_at or updated_at`},
		{"/v4/user/repositories?order_by=last_activity_at", tok, 400, `order_by must be created_at or updated_at`},
		{"/v4/user/repositories?sort=ascending", tok, 400, `sort must be asc or desc`},
		{"/v2/projects/repositories?page_index=0", tok, 400, `"message":"Param invalid: page_index must be at least 1"`},
		{"/v2/projects/repositories?page_size=101", tok, 400, `page_size must be between 1 and 100`},
		{"/v2/projects/repositories?page_size=0", tok, 400, `"status":"failed"`},
		{"/v3/user/repositories", tok, 404, `"error_code":"APIGW.0101"`},
		{"/api/v4/user/repositories", tok, 404, `APIGW.0101`},
	}
	for _, c := range cases {
		code, body := get(t, s, c.target, c.token)
		if code != c.status || !strings.Contains(body, c.body) {
			t.Errorf("%s (token %q): %d %s; want %d with %s", c.target, c.token, code, body, c.status, c.body)
		}
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v4/user/repositories", nil)
	req.Header.Set("X-Auth-Token", tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET" {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	if got := s.Requests(); got != int64(len(cases))+1 {
		t.Fatalf("Requests() = %d, want %d", got, len(cases)+1)
	}
}

// TestConcurrent changes the list while it is served (run with -race).
func TestConcurrent(t *testing.T) {
	s := New(tok, repos(50))
	srv := httptest.NewServer(s)
	defer srv.Close()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if i%2 == 0 {
					s.SetRepos(repos(40 + j))
					continue
				}
				req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v4/user/repositories?limit=100&order_by=updated_at", nil)
				req.Header.Set("X-Auth-Token", tok)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if s.Requests() != 80 {
		t.Fatalf("Requests() = %d, want 80", s.Requests())
	}
}

// TestSetReposCopies: the caller's slice can change without changing what is served.
func TestSetReposCopies(t *testing.T) {
	r := repos(2)
	s := New(tok, r)
	r[0].Name = "mutated"
	_, body := get(t, s, "/v4/user/repositories", tok)
	if strings.Contains(body, "mutated") {
		t.Fatal("the server shares the caller's slice")
	}
}
