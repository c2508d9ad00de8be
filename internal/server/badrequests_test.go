package server_test

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestBadRequestCorpus sends the requests a careless or hostile client sends. Each gets a 4xx (or a
// 200 with errors for GraphQL-level mistakes) and a JSON body whose first error says what is wrong
// and carries extensions.code; none gets a 5xx; the server answers normally afterwards.
func TestBadRequestCorpus(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	items := repos(rng, providers.GitHub, "octo", 50)
	ts := newServer(t, map[string]string{"GATEWAY_API_KEY": "gw", "CURSOR_SECRET": "ours"}, providertest.NewSource("github", items))
	other := newServer(t, map[string]string{"CURSOR_SECRET": "theirs"}, providertest.NewSource("github", items))
	foreign := *decode(t, post(t, other, listQuery, map[string]any{"first": 2})).Viewer.Repositories.PageInfo.EndCursor
	own := *decode(t, post(t, ts, listQuery, map[string]any{"first": 2}, "Authorization", "Bearer gw")).Viewer.Repositories.PageInfo.EndCursor
	forged := strings.ToUpper(own[:10]) + own[10:]

	type req struct {
		name, method, ctype, body string
		noKey                     bool
		wantCode                  string
		wantMsg                   string
	}
	q := func(query string, vars string) string {
		b, _ := json.Marshal(query)
		if vars == "" {
			return `{"query":` + string(b) + `}`
		}
		return `{"query":` + string(b) + `,"variables":` + vars + `}`
	}
	list := `query($first: Int, $after: String) { viewer { repositories(first: $first, after: $after) { totalCount } } }`
	cases := []req{
		{"malformed JSON", "POST", "application/json", `{"query": "{ viewer`, false, "BAD_USER_INPUT", ""},
		{"not an object", "POST", "application/json", `[1,2,3]`, false, "BAD_USER_INPUT", ""},
		{"wrong content type", "POST", "text/plain", q(list, ""), false, "", ""},
		{"no content type", "POST", "", q(list, ""), false, "", ""},
		{"10 MB body", "POST", "application/json", `{"query":"` + strings.Repeat("a", 10<<20) + `"}`, false, "BAD_USER_INPUT", "limit"},
		{"empty body", "POST", "application/json", ``, false, "BAD_USER_INPUT", ""},
		{"no query", "POST", "application/json", `{"variables":{}}`, false, "", ""},
		{"syntax error", "POST", "application/json", q(`{ viewer { repositories(first: ) } }`, ""), false, "BAD_USER_INPUT", ""},
		{"unknown field", "POST", "application/json", q(`{ viewer { repositories { stars } } }`, ""), false, "BAD_USER_INPUT", "stars"},
		{"unknown argument", "POST", "application/json", q(`{ viewer { repositories(owner: "x") { totalCount } } }`, ""), false, "BAD_USER_INPUT", "owner"},
		{"wrong variable type", "POST", "application/json", q(list, `{"first":"ten"}`), false, "BAD_USER_INPUT", ""},
		{"variables not an object", "POST", "application/json", q(list, `[1]`), false, "", ""},
		{"first 101", "POST", "application/json", q(list, `{"first":101}`), false, "BAD_USER_INPUT", "between 0 and 100"},
		{"forged cursor", "POST", "application/json", q(list, `{"first":2,"after":"`+forged+`"}`), false, "INVALID_CURSOR", ""},
		{"foreign cursor", "POST", "application/json", q(list, `{"first":2,"after":"`+foreign+`"}`), false, "INVALID_CURSOR", "not issued by this server"},
		{"no gateway key", "POST", "application/json", q(list, `{"first":2}`), true, "UNAUTHENTICATED", "GATEWAY_API_KEY"},
		{"GET without query", "GET", "", "", false, "", ""},
		{"unknown operation name", "POST", "application/json", `{"query":"query A { viewer { rateLimit { known } } }","operationName":"B"}`, false, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(c.body)
			url := ts.URL + "/graphql"
			if c.method == "GET" {
				body = nil
			}
			r, _ := http.NewRequest(c.method, url, body)
			if c.ctype != "" {
				r.Header.Set("Content-Type", c.ctype)
			}
			if !c.noKey {
				r.Header.Set("Authorization", "Bearer gw")
			}
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Fatalf("status %d: %s", resp.StatusCode, raw)
			}
			var out struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) == 0 {
				t.Fatalf("status %d, no JSON errors: %.300s", resp.StatusCode, raw)
			}
			e := out.Errors[0]
			if len(e.Message) < 10 || e.Extensions["code"] == nil {
				t.Fatalf("unclear error: %+v", e)
			}
			if c.wantCode != "" && e.Extensions["code"] != c.wantCode {
				t.Fatalf("code %v, want %s (%s)", e.Extensions["code"], c.wantCode, e.Message)
			}
			if c.wantMsg != "" && !strings.Contains(e.Message, c.wantMsg) {
				t.Fatalf("message %q does not say %q", e.Message, c.wantMsg)
			}
			t.Logf("%d %v: %s", resp.StatusCode, e.Extensions["code"], e.Message)
		})
	}
	// Healthy afterwards.
	r := post(t, ts, listQuery, map[string]any{"first": 50}, "Authorization", "Bearer gw")
	if len(r.Errors) != 0 || decode(t, r).Viewer.Repositories.TotalCount != 50 {
		t.Fatalf("after the corpus: %+v", r.Errors)
	}
	if resp, err := http.Get(ts.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatal("unhealthy after the corpus")
	}
}
