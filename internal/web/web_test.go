package web

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// serve mounts the handlers as internal/server does.
func serve() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", GraphiQL("/graphql", nil))
	mux.Handle("GET /assets/", Assets())
	mux.Handle("GET /dashboard", Dashboard())
	return mux
}

func get(t *testing.T, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var refs = regexp.MustCompile(`(?i)\b(?:src|href)="([^"]*)"`)

// checkPage asserts a page is HTML with a Content-Security-Policy, names no other host, and that every
// file it loads is served under /assets/.
func checkPage(t *testing.T, h http.Handler, target string) string {
	t.Helper()
	w := get(t, h, target)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("%s: %d %q", target, w.Code, w.Header().Get("Content-Type"))
	}
	csp := w.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "connect-src 'self'") || strings.Contains(csp, "unsafe-eval") {
		t.Fatalf("%s: Content-Security-Policy %q", target, csp)
	}
	body := w.Body.String()
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") || strings.Contains(body, "//unpkg") {
		t.Fatalf("%s names another host:\n%s", target, body)
	}
	if strings.Contains(body, "<script>") {
		t.Fatalf("%s has an inline script, which its policy refuses", target)
	}
	found := refs.FindAllStringSubmatch(body, -1)
	if len(found) < 3 {
		t.Fatalf("%s loads %d files", target, len(found))
	}
	for _, m := range found {
		ref := m[1]
		if strings.HasPrefix(ref, "#") && len(ref) > 1 {
			if !strings.Contains(body, `id="`+ref[1:]+`"`) {
				t.Fatalf("%s links to %s, which it does not have", target, ref)
			}
			continue // a link within the page (the skip link)
		}
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Fatalf("%s loads %q: want a path on this server", target, ref)
		}
		if !strings.HasPrefix(ref, "/assets/") {
			continue // a link to another page
		}
		a := get(t, h, ref)
		if a.Code != http.StatusOK || a.Body.Len() == 0 {
			t.Fatalf("%s loads %s: %d", target, ref, a.Code)
		}
		want := map[string]string{".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}[path.Ext(ref)]
		if !strings.HasPrefix(a.Header().Get("Content-Type"), want) {
			t.Fatalf("%s: Content-Type %q, want %s", ref, a.Header().Get("Content-Type"), want)
		}
	}
	return body
}

func TestGraphiQLPageIsServedLocally(t *testing.T) {
	body := checkPage(t, serve(), "/")
	for _, f := range []string{"/assets/vendor/graphiql.min.js", "/assets/vendor/graphiql.min.css",
		"/assets/vendor/react.production.min.js", "/assets/vendor/react-dom.production.min.js", "/assets/graphiql-page.js"} {
		if !strings.Contains(body, `"`+f+`"`) {
			t.Errorf("the page does not load %s", f)
		}
	}
	m := regexp.MustCompile(`data-query="([^"]*)"`).FindStringSubmatch(body)
	if m == nil || html.UnescapeString(m[1]) != SampleQuery {
		t.Fatalf("data-query is not SampleQuery: %v", m)
	}
	if !strings.Contains(body, `data-endpoint="/graphql"`) {
		t.Fatal("data-endpoint is not /graphql")
	}
}

func TestDashboardPageIsServedLocally(t *testing.T) {
	body := checkPage(t, serve(), "/dashboard")
	for _, s := range []string{`src="/assets/dashboard.js"`, `href="/assets/dashboard.css"`, `id="sentinel"`, `id="list"`, `data-provider="GITLAB"`,
		`src="/assets/dash/queries.js"`, `id="search"`, `data-chip="OWNER"`, `<dialog id="create-dialog"`, `<dialog id="delete-dialog"`} {
		if !strings.Contains(body, s) {
			t.Errorf("the dashboard has no %s", s)
		}
	}
}

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	sdl, err := os.ReadFile("../../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	return schema
}

// The pages' queries are valid against the schema: a renamed field fails here, not in a browser.
// dash/queries.js marks the lines that need the list filters ("# filters", "# ownerfilters") and
// the documents that need owners ("# needs: owners"); each document is checked as the dashboard
// sends it to a server with this schema (FG.prepare: those lines dropped when the schema lacks
// them, the Card fragment appended where it is spread).
func TestQueriesMatchSchema(t *testing.T) {
	schema := loadSchema(t)
	if _, errs := gqlparser.LoadQuery(schema, SampleQuery); errs != nil {
		t.Errorf("SampleQuery: %v", errs)
	}
	for _, s := range GraphiQLSamples {
		if !s.Fits(schema) {
			t.Logf("GraphiQL sample %q needs %s, which this schema has not yet: GraphiQL does not open it", s.Name, s.Needs)
			continue
		}
		if _, errs := gqlparser.LoadQuery(schema, s.Query); errs != nil {
			t.Errorf("GraphiQL sample %q: %v", s.Name, errs)
		}
	}
	js, err := static.ReadFile("static/dash/queries.js")
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	for _, m := range regexp.MustCompile("(?s)Q\\.(\\w+) = `(.*?)`;").FindAllSubmatch(js, -1) {
		docs[string(m[1])] = string(m[2])
	}
	for _, name := range []string{"Card", "Features", "Dashboard", "Owner", "Repository", "Branches", "Tags", "Contributors", "Create", "Update", "Delete"} {
		if docs[name] == "" {
			t.Fatalf("dash/queries.js has no Q.%s = `...`;", name)
		}
	}
	has := func(typ, field, arg string) bool {
		d := schema.Types[typ]
		if d == nil {
			return false
		}
		f := d.Fields.ForName(field)
		if f == nil {
			return false
		}
		return arg == "" || f.Arguments.ForName(arg) != nil
	}
	filters, owners := has("Viewer", "repositories", "query"), has("Query", "repositoryOwner", "")
	ownerFilters := owners && has("RepositoryOwner", "repositories", "query")
	t.Logf("schema: filters %v, owners %v, owner filters %v", filters, owners, ownerFilters)
	for name, doc := range docs {
		if name == "Card" {
			continue
		}
		if strings.HasPrefix(doc, "# needs: owners") && !owners {
			t.Logf("Q.%s needs Query.repositoryOwner, which this schema has not yet: the dashboard does not send it", name)
			continue
		}
		var kept []string
		for _, line := range strings.Split(doc, "\n") {
			l := strings.TrimSpace(line)
			if (strings.HasSuffix(l, "# filters") && !filters) || (strings.HasSuffix(l, "# ownerfilters") && !ownerFilters) {
				continue
			}
			kept = append(kept, line)
		}
		q := strings.Join(kept, "\n")
		if strings.Contains(q, "...Card") {
			q += "\n" + docs["Card"]
		}
		if _, errs := gqlparser.LoadQuery(schema, q); errs != nil {
			t.Errorf("Q.%s: %v", name, errs)
		}
	}
}

// static/vendor/ holds exactly the files MANIFEST lists, with the sums it records (the files
// browser/fetch-graphiql.sh took from npm), and what is embedded stays small.
func TestVendorMatchesManifest(t *testing.T) {
	mf, err := static.ReadFile("static/vendor/MANIFEST")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{"MANIFEST": true}
	packages := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(mf))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 4 && f[0] == "package":
			packages[f[1]] = f[2]
		case len(f) == 5 && f[0] == "file":
			name, sum, size := f[1], f[2], f[3]
			listed[name] = true
			b, err := static.ReadFile("static/vendor/" + name)
			if err != nil {
				t.Errorf("MANIFEST lists %s: %v", name, err)
				continue
			}
			got := sha256.Sum256(b)
			if hex.EncodeToString(got[:]) != sum || strconv.Itoa(len(b)) != size {
				t.Errorf("%s changed since browser/fetch-graphiql.sh wrote it: run the script, never edit vendor files", name)
			}
		}
	}
	for _, p := range []string{"graphiql", "react", "react-dom"} {
		if packages[p] == "" {
			t.Errorf("MANIFEST names no version of %s", p)
		}
	}
	entries, err := static.ReadDir("static/vendor")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			t.Errorf("static/vendor/%s is not in MANIFEST", e.Name())
		}
	}
	var total int64
	_ = fs.WalkDir(static, "static", func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			total += info.Size()
		}
		return err
	})
	if total > 3<<20 {
		t.Errorf("the embedded pages weigh %d bytes, over 3 MiB", total)
	}
}

func TestAssetsRevalidateAndListNothing(t *testing.T) {
	h := serve()
	w := get(t, h, "/assets/vendor/graphiql.min.js")
	tag := w.Header().Get("ETag")
	if w.Code != 200 || tag == "" || w.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("graphiql.min.js: %d etag %q cache %q", w.Code, tag, w.Header().Get("Cache-Control"))
	}
	if w := get(t, h, "/assets/vendor/graphiql.min.js", "If-None-Match", tag); w.Code != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d, want 304", w.Code)
	}
	if other := get(t, h, "/assets/dashboard.js").Header().Get("ETag"); other == tag || other == "" {
		t.Fatalf("ETags %q and %q", tag, other)
	}
	for _, p := range []string{"/assets/", "/assets/vendor/", "/assets/nope.js", "/assets/index.html"} {
		if w := get(t, h, p); w.Code != http.StatusNotFound {
			b, _ := io.ReadAll(w.Body)
			t.Errorf("%s: %d %.80s, want 404", p, w.Code, b)
		}
	}
}

// GraphiQL opens one tab per sample the served schema can run, the merged list first; a sample
// that needs a part the schema lacks is left out (its tab would fail validation).
func TestGraphiQLTabsFitTheSchema(t *testing.T) {
	schema := loadSchema(t)
	body := get(t, GraphiQL("/graphql", schema), "/").Body.String()
	m := regexp.MustCompile(`data-tabs="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no data-tabs")
	}
	var tabs []struct{ Query, Variables string }
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &tabs); err != nil {
		t.Fatalf("data-tabs: %v", err)
	}
	var want []string
	for _, s := range GraphiQLSamples {
		if s.Fits(schema) {
			want = append(want, s.Query)
		}
	}
	if len(tabs) != len(want) || len(tabs) < 5 || tabs[0].Query != SampleQuery {
		t.Fatalf("%d tabs, want %d (the sample first)", len(tabs), len(want))
	}
	for i, tab := range tabs {
		if tab.Query != want[i] {
			t.Errorf("tab %d is not sample %d", i, i)
		}
		if _, errs := gqlparser.LoadQuery(schema, tab.Query); errs != nil {
			t.Errorf("tab %d: %v", i, errs)
		}
		if tab.Variables != "" && !json.Valid([]byte(tab.Variables)) {
			t.Errorf("tab %d: variables are not JSON: %s", i, tab.Variables)
		}
	}
	names := map[string]bool{}
	for _, s := range GraphiQLSamples {
		names[s.Name] = true
		if s.Needs != "" && s.Needs != "filters" && s.Needs != "owners" && s.Needs != "public" {
			t.Errorf("sample %q needs %q, which Fits does not know", s.Name, s.Needs)
		}
	}
	for _, n := range []string{"Details", "Filters", "Owner", "Public", "Create", "Rename and archive", "Delete"} {
		if !names[n] {
			t.Errorf("no %s sample", n)
		}
	}
}
