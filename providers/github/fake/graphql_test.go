package fake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// postGraphQL sends a GraphQL document with variables to the fake mounted under /gh and returns
// the status and the decoded answer.
func postGraphQL(t *testing.T, s *Server, auth, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/gh/", http.StripPrefix("/gh", s))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/gh/graphql", bytes.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%d %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

// TestGraphQLRepositories: POST /graphql answers each aliased repository(owner:, name:) with the
// fields selected only (languages biggest first with colors, refs counts), a repository it does
// not serve as null with a NOT_FOUND error whose path is the alias, a field it does not know as a
// document error, and no token as 401.
func TestGraphQLRepositories(t *testing.T) {
	s := New("t", repos(2))
	s.SetDetails("o/r-000", RepoDetails{Languages: map[string]int64{"Go": 30, "Shell": 10, "Zig": 10},
		Branches: []string{"main", "dev", "x"}, Tags: []string{"v1"}})
	q := `query($o: String!, $n: String!, $m: String!) {
	  a: repository(owner: $o, name: $n) { languages(first: 2, orderBy: {field: SIZE, direction: DESC}) { totalCount totalSize edges { size node { name color } } }
	    branches: refs(refPrefix: "refs/heads/", first: 1) { totalCount } }
	  b: repository(owner: $o, name: $m) { tags: refs(refPrefix: "refs/tags/", first: 1) { totalCount } } }`
	status, out := postGraphQL(t, s, "Bearer t", q, map[string]any{"o": "o", "n": "r-000", "m": "gone"})
	if status != http.StatusOK {
		t.Fatalf("status %d %v", status, out)
	}
	got, _ := json.Marshal(out)
	want := `{"data":{"a":{"branches":{"totalCount":3},"languages":{"edges":[{"node":{"color":"#00ADD8","name":"Go"},"size":30},{"node":{"color":"#89e051","name":"Shell"},"size":10}],"totalCount":3,"totalSize":50}},"b":null},` +
		`"errors":[{"message":"Could not resolve to a Repository with the name 'o/gone'.","path":["b"],"type":"NOT_FOUND"}]}`
	if string(got) != want {
		t.Fatalf("answer\n%s\nwant\n%s", got, want)
	}
	_, out = postGraphQL(t, s, "Bearer t", `{ r: repository(owner: "o", name: "r-000") { stargazerCount } }`, nil)
	errs, _ := json.Marshal(out["errors"])
	if _, hasData := out["data"]; hasData || !strings.Contains(string(errs), "stargazerCount") {
		t.Fatalf("unknown field: %v", out)
	}
	if status, _ := postGraphQL(t, s, "", q, nil); status != http.StatusUnauthorized {
		t.Fatalf("no token: %d", status)
	}
}
