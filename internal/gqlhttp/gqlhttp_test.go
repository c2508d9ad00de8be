package gqlhttp_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/gqlhttp"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

const (
	grj    = gqlhttp.MediaTypeGraphQLResponse
	jsonMT = gqlhttp.MediaTypeJSON
)

// newServer is the real handler (server.New) over an in-memory GitHub source of n repositories.
func newServer(t *testing.T, env map[string]string, n int) *httptest.Server {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	repos := make([]providers.Repository, n)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range repos {
		at := base.Add(time.Duration(i) * time.Hour)
		name := fmt.Sprintf("repository-%03d", i)
		repos[i] = providers.Repository{ForgeID: fmt.Sprint(i + 1), Provider: providers.GitHub, Name: name, Owner: "octo",
			NameWithOwner: "octo/" + name, PushedAt: &at, UpdatedAt: &at, CreatedAt: &at}
	}
	src := providertest.NewSource("github", repos)
	src.Token = "held"
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{src}, Tokens: map[string]string{"github": "held"},
		Pages:  pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// client never asks for or undoes compression by itself, so the tests see what the server sends.
var client = &http.Client{Transport: &http.Transport{DisableCompression: true}}

type answer struct {
	status int
	header http.Header
	raw    []byte         // the body as sent
	body   []byte         // the body decoded (gunzipped)
	fields map[string]any // the body as JSON
}

func (a answer) contentType() string { return a.header.Get("Content-Type") }

// errs returns the response's errors.
func (a answer) errs() []map[string]any {
	list, _ := a.fields["errors"].([]any)
	out := make([]map[string]any, len(list))
	for i, e := range list {
		out[i], _ = e.(map[string]any)
	}
	return out
}

func (a answer) ext(key string) string {
	es := a.errs()
	if len(es) == 0 {
		return ""
	}
	ext, _ := es[0]["extensions"].(map[string]any)
	s, _ := ext[key].(string)
	return s
}

func (a answer) message() string {
	es := a.errs()
	if len(es) == 0 {
		return ""
	}
	s, _ := es[0]["message"].(string)
	return s
}

func (a answer) hasData() bool { _, ok := a.fields["data"]; return ok }

func (a answer) String() string {
	return fmt.Sprintf("HTTP %d %s %s", a.status, a.contentType(), a.body)
}

// do sends a request; headers are name, value pairs.
func do(t *testing.T, method, u string, body io.Reader, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	a.raw, err = io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a.body = a.raw
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(a.raw))
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		if a.body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("gzip body: %v", err)
		}
	}
	if len(a.body) > 0 && method != http.MethodHead {
		if err := json.Unmarshal(a.body, &a.fields); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %v: %q", method, u, err, a.body)
		}
	}
	return a
}

func post(t *testing.T, ts *httptest.Server, body string, headers ...string) answer {
	t.Helper()
	return do(t, http.MethodPost, ts.URL+"/graphql", strings.NewReader(body), headers...)
}

func get(t *testing.T, ts *httptest.Server, params url.Values, headers ...string) answer {
	t.Helper()
	return do(t, http.MethodGet, ts.URL+"/graphql?"+params.Encode(), nil, headers...)
}

func jsonBody(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

const typename = `{"query":"{ __typename }"}`

// TestNegotiationThroughHandler: each Accept header gives the media type (or 406) the spec asks for.
func TestNegotiationThroughHandler(t *testing.T) {
	ts := newServer(t, nil, 3)
	cases := []struct {
		accept string // "" sends none
		status int
		want   string
	}{
		{"", 200, jsonMT},
		{"application/json", 200, jsonMT},
		{"application/graphql-response+json", 200, grj},
		{"application/graphql-response+json, application/json;q=0.9", 200, grj},
		{"application/json, application/graphql-response+json", 200, grj},
		{"application/json;q=0.9, application/graphql-response+json", 200, grj},
		{"application/graphql-response+json;q=0.5, application/json", 200, jsonMT},
		{"application/graphql-response+json;charset=utf-8", 200, grj},
		{"*/*", 200, jsonMT},
		{"application/*", 200, jsonMT},
		{"application/graphql-response+json, */*;q=0.1", 200, grj},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 200, jsonMT},
		{"text/html", 406, jsonMT},
		{"application/json;q=0, text/plain", 406, jsonMT},
		{"application/xml, application/graphql-response+json;q=0", 406, jsonMT},
		{"not a media type", 406, jsonMT},
	}
	for _, c := range cases {
		t.Run(c.accept, func(t *testing.T) {
			var h []string
			if c.accept != "" {
				h = []string{"Accept", c.accept}
			}
			a := post(t, ts, typename, append(h, "Content-Type", "application/json")...)
			if a.status != c.status || a.contentType() != c.want+"; charset=utf-8" {
				t.Fatalf("got %v, want HTTP %d %s", a, c.status, c.want)
			}
			if c.status == 406 {
				if a.ext("reason") != gqlhttp.ReasonNotAcceptable || !strings.Contains(a.message(), "application/graphql-response+json") {
					t.Fatalf("406 does not say what to accept: %v", a)
				}
				return
			}
			if string(a.body) != `{"data":{"__typename":"Query"}}` {
				t.Fatalf("body %s", a.body)
			}
			// GET negotiates the same way.
			g := get(t, ts, url.Values{"query": {"{ __typename }"}}, h...)
			if g.status != c.status || g.contentType() != c.want+"; charset=utf-8" {
				t.Fatalf("GET: got %v, want HTTP %d %s", g, c.status, c.want)
			}
		})
	}
}

// TestContentTypes: a POST is read only as application/json in UTF-8; anything else is 415.
func TestContentTypes(t *testing.T) {
	ts := newServer(t, nil, 3)
	cases := []struct {
		name    string
		headers []string
		status  int
		msg     string
	}{
		{"json", []string{"Content-Type", "application/json"}, 200, ""},
		{"json utf-8", []string{"Content-Type", "application/json; charset=utf-8"}, 200, ""},
		{"json UTF-8", []string{"Content-Type", "Application/JSON; charset=UTF-8"}, 200, ""},
		{"json latin1", []string{"Content-Type", "application/json; charset=iso-8859-1"}, 415, "encode the body as UTF-8"},
		{"none", nil, 415, "Content-Type: application/json"},
		{"text/plain", []string{"Content-Type", "text/plain;charset=UTF-8"}, 415, "send the header Content-Type: application/json"},
		{"form", []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "Content-Type: application/json"},
		{"multipart", []string{"Content-Type", "multipart/form-data; boundary=x"}, 415, "Content-Type: application/json"},
		{"application/graphql", []string{"Content-Type", "application/graphql"}, 415, "Content-Type: application/json"},
		{"malformed", []string{"Content-Type", "application/json; ="}, 415, "Content-Type: application/json"},
		{"gzipped body", []string{"Content-Type", "application/json", "Content-Encoding", "gzip"}, 415, "send the body uncompressed"},
		{"identity body", []string{"Content-Type", "application/json", "Content-Encoding", "identity"}, 200, ""},
	}
	for _, c := range cases {
		for _, accept := range []string{jsonMT, grj} {
			t.Run(c.name+" "+accept, func(t *testing.T) {
				a := post(t, ts, typename, append(c.headers, "Accept", accept)...)
				if a.status != c.status || a.contentType() != accept+"; charset=utf-8" {
					t.Fatalf("got %v, want %d", a, c.status)
				}
				if c.status == 415 && (a.ext("reason") != gqlhttp.ReasonUnsupportedMediaType || !strings.Contains(a.message(), c.msg) ||
					a.ext("code") != "BAD_USER_INPUT" || a.ext("requestId") == "" || a.hasData()) {
					t.Fatalf("415 answer %v does not say %q", a, c.msg)
				}
			})
		}
	}
}

// TestStatusCodes: the status of each kind of request under each response media type.
func TestStatusCodes(t *testing.T) {
	ts := newServer(t, map[string]string{"MAX_BODY_BYTES": "65536"}, 30)
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf("a%d: repositories(first: 100) { nodes { id nameWithOwner } }", i)
	}
	complex := jsonBody(map[string]any{"query": "{ viewer { " + strings.Join(many, " ") + " } }"})
	cases := []struct {
		name      string
		body      string
		grjStatus int // under application/graphql-response+json
		jsStatus  int // under application/json
		data      bool
		reason    string // extensions.reason of the first error
		msg       string // in the first error's message
	}{
		{"ok", typename, 200, 200, true, "", ""},
		{"ok with variables", `{"query":"query($n: String!) { __type(name: $n) { name } }","variables":{"n":"Query"}}`, 200, 200, true, "", ""},
		{"operationName", `{"query":"query A { __typename } query B { __typename }","operationName":"B"}`, 200, 200, true, "", ""},
		{"null members", `{"query":"{ __typename }","variables":null,"operationName":null,"extensions":null}`, 200, 200, true, "", ""},
		{"unknown members ignored", `{"query":"{ __typename }","documentId":"x","extensions":{"some":"value"}}`, 200, 200, true, "", ""},
		{"field error keeps data", `{"query":"{ viewer { repositories(first: 101) { totalCount } } }"}`, 200, 200, true, "", "between 0 and 100"},
		{"parse failure", `{"query":"{"}`, 400, 200, false, "GRAPHQL_PARSE_FAILED", ""},
		{"validation failure", `{"query":"{ nope }"}`, 400, 200, false, "GRAPHQL_VALIDATION_FAILED", "Cannot query field"},
		{"unknown operation", `{"query":"query A { __typename }","operationName":"B"}`, 400, 200, false, "GRAPHQL_VALIDATION_FAILED", "operation B not found"},
		{"variable coercion", `{"query":"query($id: ID!) { node(id: $id) { id } }","variables":{"id":null}}`, 400, 200, false, "GRAPHQL_VALIDATION_FAILED", ""},
		{"complexity", complex, 400, 200, false, "COMPLEXITY_LIMIT_EXCEEDED", "complexity"},
		{"mutation by POST", `{"query":"mutation { __typename }"}`, 200, 200, true, "", ""},
		{"unknown mutation field", `{"query":"mutation { nope }"}`, 400, 200, false, "GRAPHQL_VALIDATION_FAILED", "Cannot query field"},
		{"malformed JSON", `{"query": "{ __typename }"`, 400, 400, false, gqlhttp.ReasonInvalidBody, "not valid JSON"},
		{"not JSON", `NONSENSE`, 400, 400, false, gqlhttp.ReasonInvalidBody, "not valid JSON (invalid character 'N' looking for beginning of value at byte 1)"},
		{"empty body", ``, 400, 400, false, gqlhttp.ReasonInvalidBody, "the request body is empty"},
		// An array is a batch (internal/server's batch tests): one whose element is not an object is refused whole.
		{"array of a non-object", `[1]`, 400, 400, false, gqlhttp.ReasonInvalidBatch, "operation 1 of the batch is a number, not an object"},
		{"empty array", `[]`, 400, 400, false, gqlhttp.ReasonInvalidBatch, "the batch is an empty array"},
		{"null body", `null`, 400, 400, false, gqlhttp.ReasonInvalidBody, "JSON null, not an object"},
		{"two objects", typename + typename, 400, 400, false, gqlhttp.ReasonInvalidBody, "exactly one JSON object"},
		{"missing query", `{"qeury":"{ __typename }"}`, 400, 400, false, gqlhttp.ReasonMissingQuery, `send it in "query"`},
		{"empty query", `{"query":""}`, 400, 400, false, gqlhttp.ReasonMissingQuery, "no GraphQL document"},
		{"query number", `{"query":1}`, 400, 400, false, gqlhttp.ReasonInvalidParameter, `"query" must be a string holding the GraphQL document`},
		{"query object", `{"query":{"obj":"ect"}}`, 400, 400, false, gqlhttp.ReasonInvalidParameter, "not an object"},
		{"operationName array", `{"query":"{ __typename }","operationName":["x"]}`, 400, 400, false, gqlhttp.ReasonInvalidParameter, `"operationName" must be a string`},
		{"variables array", `{"query":"{ __typename }","variables":[7]}`, 400, 400, false, gqlhttp.ReasonInvalidParameter, `"variables" must be a JSON object, like {"first": 10}, not an array`},
		{"variables string", `{"query":"{ __typename }","variables":"{\"a\":1}"}`, 400, 400, false, gqlhttp.ReasonInvalidParameter, "not a string"},
		{"extensions boolean", `{"query":"{ __typename }","extensions":false}`, 400, 400, false, gqlhttp.ReasonInvalidParameter, `"extensions" must be a JSON object`},
	}
	for _, c := range cases {
		for _, accept := range []string{grj, jsonMT} {
			t.Run(c.name+" "+accept, func(t *testing.T) {
				a := post(t, ts, c.body, "Content-Type", "application/json", "Accept", accept)
				want := c.jsStatus
				if accept == grj {
					want = c.grjStatus
				}
				if a.status != want || a.contentType() != accept+"; charset=utf-8" {
					t.Fatalf("got %v, want HTTP %d", a, want)
				}
				if a.hasData() != c.data {
					t.Fatalf("data entry present %v, want %v: %s", a.hasData(), c.data, a.body)
				}
				if c.reason != "" && a.ext("reason") != c.reason {
					t.Fatalf("reason %q, want %q: %s", a.ext("reason"), c.reason, a.body)
				}
				if !strings.Contains(a.message(), c.msg) {
					t.Fatalf("message %q does not say %q", a.message(), c.msg)
				}
				if len(a.errs()) > 0 && (a.ext("code") == "" || a.ext("requestId") == "") {
					t.Fatalf("error without code or request id: %s", a.body)
				}
				if !c.data && len(a.errs()) == 0 {
					t.Fatalf("no data and no errors: %s", a.body)
				}
			})
		}
	}
}

func TestBodyOverLimit(t *testing.T) {
	ts := newServer(t, map[string]string{"MAX_BODY_BYTES": "512"}, 3)
	body := `{"query":"{ __typename }` + strings.Repeat(" ", 1000) + `"}`
	// A body of unknown length is cut by the limit while it is read.
	a := do(t, http.MethodPost, ts.URL+"/graphql", io.MultiReader(strings.NewReader(body)), "Content-Type", "application/json", "Accept", grj)
	if a.status != http.StatusRequestEntityTooLarge || a.ext("reason") != gqlhttp.ReasonBodyTooLarge || !strings.Contains(a.message(), "limit of 512 bytes") {
		t.Fatalf("got %v", a)
	}
}

func TestGET(t *testing.T) {
	ts := newServer(t, nil, 30)
	q := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	list := "query($n: Int) { viewer { repositories(sort: FULL_NAME, first: $n) { nodes { nameWithOwner } } } }"
	cases := []struct {
		name      string
		params    url.Values
		raw       string // a raw URL query instead of params
		grjStatus int
		jsStatus  int
		reason    string
		msg       string
		allow     string
	}{
		{"query", q("query", "{ __typename }"), "", 200, 200, "", "", ""},
		{"variables", q("query", list, "variables", `{"n":2}`), "", 200, 200, "", "", ""},
		{"empty optional parameters", q("query", "{ __typename }", "operationName", "", "variables", "", "extensions", ""), "", 200, 200, "", "", ""},
		{"null variables", q("query", "{ __typename }", "variables", "null"), "", 200, 200, "", "", ""},
		{"named query", q("query", "query A { __typename } mutation B { __typename }", "operationName", "A"), "", 200, 200, "", "", ""},
		{"mutation", q("query", "mutation { __typename }"), "", 405, 405, gqlhttp.ReasonMethodNotAllowed, "send it with POST", "POST"},
		{"named mutation", q("query", "query A { __typename } mutation B { __typename }", "operationName", "B"), "", 405, 405, gqlhttp.ReasonMethodNotAllowed, "operation is a mutation", "POST"},
		{"subscription", q("query", "subscription S($x: Int = 1) { __typename }"), "", 405, 405, gqlhttp.ReasonMethodNotAllowed, "operation is a subscription", "POST"},
		{"mutation after a fragment", q("query", "fragment F on Query { __typename } mutation { ...F }"), "", 405, 405, gqlhttp.ReasonMethodNotAllowed, "", "POST"},
		{"parse failure", q("query", "{"), "", 400, 200, "GRAPHQL_PARSE_FAILED", "", ""},
		{"missing query", q("variables", `{"n":1}`), "", 400, 400, gqlhttp.ReasonMissingQuery, "send it in the parameter query", ""},
		{"variables not JSON", q("query", list, "variables", `{n:1}`), "", 400, 400, gqlhttp.ReasonInvalidParameter, `"variables" is not valid JSON: give a URL-encoded JSON object`, ""},
		{"variables array", q("query", list, "variables", `[1]`), "", 400, 400, gqlhttp.ReasonInvalidParameter, "not an array", ""},
		{"extensions number", q("query", list, "extensions", `1`), "", 400, 400, gqlhttp.ReasonInvalidParameter, `"extensions" must be a JSON object`, ""},
		{"query twice", q("query", "{ __typename }", "query", "{ __typename }"), "", 400, 400, gqlhttp.ReasonInvalidParameter, "given 2 times", ""},
		{"malformed URL query", nil, "query=%zz", 400, 400, gqlhttp.ReasonInvalidParameter, "URL query is malformed", ""},
	}
	for _, c := range cases {
		for _, accept := range []string{grj, jsonMT} {
			t.Run(c.name+" "+accept, func(t *testing.T) {
				raw := c.raw
				if c.params != nil {
					raw = c.params.Encode()
				}
				a := do(t, http.MethodGet, ts.URL+"/graphql?"+raw, nil, "Accept", accept)
				want := c.jsStatus
				if accept == grj {
					want = c.grjStatus
				}
				if a.status != want || a.contentType() != accept+"; charset=utf-8" {
					t.Fatalf("got %v, want HTTP %d", a, want)
				}
				if a.header.Get("Allow") != c.allow {
					t.Fatalf("Allow %q, want %q", a.header.Get("Allow"), c.allow)
				}
				if c.reason != "" && a.ext("reason") != c.reason {
					t.Fatalf("reason %q, want %q: %s", a.ext("reason"), c.reason, a.body)
				}
				if !strings.Contains(a.message(), c.msg) {
					t.Fatalf("message %q does not say %q", a.message(), c.msg)
				}
				if want == 200 && c.reason == "" && (!a.hasData() || len(a.errs()) != 0) {
					t.Fatalf("not executed: %s", a.body)
				}
			})
		}
	}
	a := get(t, ts, q("query", list, "variables", `{"n":2}`))
	if string(a.body) != `{"data":{"viewer":{"repositories":{"nodes":[{"nameWithOwner":"octo/repository-000"},{"nameWithOwner":"octo/repository-001"}]}}}}` {
		t.Fatalf("GET with variables: %s", a.body)
	}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestPersistedQueries is Apollo's automatic persisted query flow with hash-only GETs: a miss
// (HTTP 200, PERSISTED_QUERY_NOT_FOUND, never cached), the registering POST, then hits.
func TestPersistedQueries(t *testing.T) {
	ts := newServer(t, nil, 30)
	query := "query Mobile($n: Int) { viewer { repositories(first: $n) { nodes { nameWithOwner } } } }"
	hash := sha(query)
	ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":%q}}`, hash)
	hashOnly := url.Values{"operationName": {"Mobile"}, "variables": {`{"n":3}`}, "extensions": {ext}}

	for _, accept := range []string{"", grj, jsonMT} {
		a := get(t, ts, hashOnly, "Accept", accept)
		if a.status != 200 || a.ext("code") != "PERSISTED_QUERY_NOT_FOUND" || a.message() != "PersistedQueryNotFound" || a.hasData() {
			t.Fatalf("first hash-only GET (Accept %q): %v", accept, a)
		}
		if a.header.Get("Cache-Control") != "no-store" || a.ext("requestId") == "" {
			t.Fatalf("a miss must not be cached: %v %v", a.header, a.body)
		}
	}

	reg := post(t, ts, jsonBody(map[string]any{"query": query, "operationName": "Mobile", "variables": map[string]any{"n": 3},
		"extensions": json.RawMessage(ext)}), "Content-Type", "application/json", "Accept", grj)
	if reg.status != 200 || len(reg.errs()) != 0 || !reg.hasData() {
		t.Fatalf("registering POST: %v", reg)
	}
	for _, accept := range []string{grj, jsonMT} {
		a := get(t, ts, hashOnly, "Accept", accept)
		if a.status != 200 || len(a.errs()) != 0 || !bytes.Equal(a.body, reg.body) {
			t.Fatalf("hash-only GET after registering: %v, want %s", a, reg.body)
		}
		if a.header.Get("Cache-Control") != gqlhttp.CacheControl {
			t.Fatalf("Cache-Control %q", a.header.Get("Cache-Control"))
		}
	}
	// The hash may be sent in upper case; the query may be sent again with it.
	up := url.Values{"variables": {`{"n":3}`}, "extensions": {strings.ReplaceAll(ext, hash, strings.ToUpper(hash))}}
	if a := get(t, ts, up); a.status != 200 || !bytes.Equal(a.body, reg.body) {
		t.Fatalf("upper-case hash: %v", a)
	}
	if a := get(t, ts, url.Values{"query": {query}, "variables": {`{"n":3}`}, "extensions": {ext}}); a.status != 200 || !bytes.Equal(a.body, reg.body) {
		t.Fatalf("query and hash by GET: %v", a)
	}

	// A mutation sent for registration never runs by a hash-only GET: refused (405) by the operation
	// the hash names once registered (the schema now has mutations, so it validates and may be
	// registered), or not found.
	mutation := "mutation { __typename }"
	mext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":%q}}`, sha(mutation))
	_ = post(t, ts, jsonBody(map[string]any{"query": mutation, "extensions": json.RawMessage(mext)}), "Content-Type", "application/json")
	if a := get(t, ts, url.Values{"extensions": {mext}}, "Accept", grj); a.hasData() || (a.status != 405 && a.ext("code") != "PERSISTED_QUERY_NOT_FOUND") {
		t.Fatalf("hash-only GET of a mutation: %v", a)
	}

	bad := []struct {
		name, ext, query, msg string
	}{
		{"wrong hash", fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":%q}}`, sha("other")), query, "is not the SHA-256 of the query"},
		{"version 2", fmt.Sprintf(`{"persistedQuery":{"version":2,"sha256Hash":%q}}`, hash), query, "version must be 1"},
		{"no version", fmt.Sprintf(`{"persistedQuery":{"sha256Hash":%q}}`, hash), "", "version must be 1"},
		{"short hash", `{"persistedQuery":{"version":1,"sha256Hash":"abc"}}`, "", "not a hex SHA-256"},
		{"no hash", `{"persistedQuery":{"version":1}}`, "", "not a hex SHA-256"},
		{"not an object", `{"persistedQuery":"abc"}`, "", "not an object"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			for _, accept := range []string{grj, jsonMT} {
				body := map[string]any{"extensions": json.RawMessage(c.ext)}
				if c.query != "" {
					body["query"] = c.query
				}
				a := post(t, ts, jsonBody(body), "Content-Type", "application/json", "Accept", accept)
				if a.status != 400 || a.ext("reason") != gqlhttp.ReasonInvalidPersisted || !strings.Contains(a.message(), c.msg) {
					t.Fatalf("got %v, want 400 saying %q", a, c.msg)
				}
			}
		})
	}
}

// TestMethods: methods other than GET, POST and OPTIONS are 405 with an Allow header.
func TestMethods(t *testing.T) {
	ts := newServer(t, nil, 3)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, "PROPFIND"} {
		a := do(t, m, ts.URL+"/graphql", strings.NewReader(typename), "Content-Type", "application/json", "Accept", grj)
		if a.status != 405 || a.header.Get("Allow") != "GET, POST, OPTIONS" {
			t.Fatalf("%s: %v allow %q", m, a, a.header.Get("Allow"))
		}
		if m != http.MethodHead && (a.ext("reason") != gqlhttp.ReasonMethodNotAllowed || a.contentType() != grj+"; charset=utf-8" || a.ext("requestId") == "") {
			t.Fatalf("%s: %v", m, a)
		}
	}
	a := do(t, http.MethodPut, ts.URL+"/graphql", nil, "Accept", "text/html")
	if a.status != 405 || a.contentType() != jsonMT+"; charset=utf-8" {
		t.Fatalf("PUT accepting only HTML: %v", a)
	}
	a = do(t, http.MethodOptions, ts.URL+"/graphql", nil)
	if a.status != 200 || !strings.Contains(a.header.Get("Allow"), "POST") {
		t.Fatalf("OPTIONS: %v %v", a, a.header)
	}
}

// TestCompression: a body over the threshold is gzipped exactly when Accept-Encoding allows it.
func TestCompression(t *testing.T) {
	ts := newServer(t, nil, 100)
	big := `{"query":"{ viewer { repositories(sort: FULL_NAME, first: 100) { nodes { id nameWithOwner pushedAt } } } }"}`
	plain := post(t, ts, big, "Content-Type", "application/json")
	if len(plain.body) < 4*gqlhttp.MinGzipSize || plain.header.Get("Content-Encoding") != "" {
		t.Fatalf("uncompressed answer: %d bytes, Content-Encoding %q", len(plain.body), plain.header.Get("Content-Encoding"))
	}
	cases := []struct {
		acceptEncoding string
		gzip           bool
	}{
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
		{"x-gzip", true},
		{"*", true},
		{"GZIP;Q=0.5", true},
		{"gzip;q=0", false},
		{"*;q=0", false},
		{"gzip;q=0, *", false},
		{"br", false},
		{"identity", false},
		{"gzip;q=bad", false},
		{"", false},
	}
	for _, c := range cases {
		t.Run(c.acceptEncoding, func(t *testing.T) {
			a := post(t, ts, big, "Content-Type", "application/json", "Accept-Encoding", c.acceptEncoding)
			if got := a.header.Get("Content-Encoding") == "gzip"; got != c.gzip {
				t.Fatalf("gzipped %v, want %v", got, c.gzip)
			}
			if !bytes.Equal(a.body, plain.body) {
				t.Fatalf("decoded body differs")
			}
			if c.gzip && (len(a.raw) >= len(a.body)/2 || a.header.Get("Content-Length") == fmt.Sprint(len(a.body))) {
				t.Fatalf("gzip sent %d bytes for %d (Content-Length %q)", len(a.raw), len(a.body), a.header.Get("Content-Length"))
			}
			if !strings.Contains(strings.Join(a.header.Values("Vary"), ", "), "Accept-Encoding") {
				t.Fatalf("Vary %q", a.header.Values("Vary"))
			}
		})
	}
	// GET answers are compressed the same way.
	g := get(t, ts, url.Values{"query": {"{ viewer { repositories(sort: FULL_NAME, first: 100) { nodes { id nameWithOwner pushedAt } } } }"}}, "Accept-Encoding", "gzip")
	if g.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(g.body, plain.body) {
		t.Fatalf("GET: Content-Encoding %q", g.header.Get("Content-Encoding"))
	}
	// A small answer goes as it is, with its length.
	s := post(t, ts, typename, "Content-Type", "application/json", "Accept-Encoding", "gzip")
	if s.header.Get("Content-Encoding") != "" || s.header.Get("Content-Length") != fmt.Sprint(len(s.raw)) || !strings.Contains(strings.Join(s.header.Values("Vary"), ", "), "Accept-Encoding") {
		t.Fatalf("small answer: %v %v", s.header, s.body)
	}
	// So does an error answer.
	e := post(t, ts, `{"query":1}`, "Content-Type", "application/json", "Accept-Encoding", "gzip")
	if e.status != 400 || e.header.Get("Content-Encoding") != "" {
		t.Fatalf("error answer: %v", e)
	}
}

// TestPrivateAnswers: every /graphql answer, whatever its status, is private to its credentials.
func TestPrivateAnswers(t *testing.T) {
	ts := newServer(t, map[string]string{"GATEWAY_API_KEY": "key"}, 100)
	auth := []string{"Authorization", "Bearer key", "Content-Type", "application/json"}
	answers := map[string]answer{
		"200":          post(t, ts, typename, auth...),
		"200 gzipped":  post(t, ts, `{"query":"{ viewer { repositories(first: 100) { nodes { id nameWithOwner } } } }"}`, append(auth, "Accept-Encoding", "gzip")...),
		"200 GET":      get(t, ts, url.Values{"query": {"{ __typename }"}}, "Authorization", "Bearer key"),
		"200 token":    post(t, ts, typename, append(auth, "X-GitHub-Token", "other")...),
		"400":          post(t, ts, `{"query":"{"}`, append(auth, "Accept", grj)...),
		"401":          post(t, ts, typename, "Content-Type", "application/json"),
		"405":          do(t, http.MethodDelete, ts.URL+"/graphql", nil, "Authorization", "Bearer key"),
		"405 mutation": get(t, ts, url.Values{"query": {"mutation { __typename }"}}, "Authorization", "Bearer key"),
		"406":          post(t, ts, typename, append(auth, "Accept", "text/csv")...),
		"415":          post(t, ts, typename, "Authorization", "Bearer key", "Content-Type", "text/plain"),
	}
	for name, a := range answers {
		if !strings.HasPrefix(name, fmt.Sprint(a.status)) {
			t.Fatalf("%s: status %d", name, a.status)
		}
		if a.header.Get("Cache-Control") != "private" {
			t.Fatalf("%s: Cache-Control %q", name, a.header.Get("Cache-Control"))
		}
		vary := strings.Join(a.header.Values("Vary"), ", ")
		for _, h := range []string{"Accept", "Accept-Encoding", "Authorization", "X-GitHub-Token", "X-GitLab-Token", "X-Bitbucket-Token", "X-CodeArts-Token", "X-OpenHands-Api-Key"} {
			if !strings.Contains(", "+vary+",", ", "+h+",") {
				t.Fatalf("%s: Vary %q lacks %s", name, vary, h)
			}
		}
	}
	// Every per-request credential header the server reads is in Vary.
	vary := strings.ToLower(strings.Join(answers["200"].header.Values("Vary"), ", "))
	for _, h := range server.TokenHeaders {
		if !strings.Contains(vary, strings.ToLower(h)) {
			t.Fatalf("Vary %q lacks %s", vary, h)
		}
	}
}
