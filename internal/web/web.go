// Package web serves forgegraph's browser pages: GraphiQL at / with sample queries prefilled (one
// tab each), and the dashboard at /dashboard (the merged list with search, filters and forges; owner
// pages; repository pages; create, edit, archive and delete). Every file they load is embedded here and
// served under /assets/: GraphiQL, React and ReactDOM are npm's UMD builds in static/vendor/, written
// by browser/fetch-graphiql.sh with a MANIFEST of versions and sha256 sums. No page loads anything
// from another host (each page's Content-Security-Policy says so to the browser too).
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

//go:embed static
var static embed.FS

// SampleQuery is the query GraphiQL opens with: the merged list, newest push first.
const SampleQuery = `# Your repositories on every enabled forge, newest push first.
# Press the run button (or Ctrl-Enter); page on with after: "<endCursor>".
query Repositories($after: String) {
  viewer {
    repositories(sort: PUSHED, first: 10, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        provider
        nameWithOwner
        description
        isPrivate
        stargazerCount
        pushedAt
        url
      }
    }
  }
}
`

// graphiqlPolicy lets GraphiQL run from this server only: its scripts are files (no inline script),
// its fonts and icons are data: URLs, and it sets inline styles.
const graphiqlPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// dashboardPolicy: the dashboard is one HTML file, one script, one stylesheet, inline SVG.
const dashboardPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

var page = template.Must(template.ParseFS(static, "static/graphiql.html"))

// GraphiQL serves the GraphiQL page for endpoint. It opens with one tab per sample of
// GraphiQLSamples that schema can run (every sample when schema is nil), SampleQuery first.
func GraphiQL(endpoint string, schema *ast.Schema) http.Handler {
	tabs := tabsJSON(schema)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		var b bytes.Buffer
		if err := page.Execute(&b, map[string]string{"Endpoint": endpoint, "Query": SampleQuery, "Tabs": tabs}); err != nil {
			http.Error(w, "graphiql page: "+err.Error(), http.StatusInternalServerError)
			return
		}
		pageHeaders(w, graphiqlPolicy)
		_, _ = w.Write(b.Bytes())
	})
}

// Dashboard serves the dashboard page (static/dashboard.{html,js,css} and static/dash/): every view
// is this one page, chosen by the URL's query string, loaded from POST /graphql.
func Dashboard() http.Handler {
	html, err := static.ReadFile("static/dashboard.html")
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		pageHeaders(w, dashboardPolicy)
		_, _ = w.Write(html)
	})
}

func pageHeaders(w http.ResponseWriter, policy string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", policy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
}

// Assets serves the embedded static files under /assets/. Each answer carries a strong ETag (the
// file's sha256) and Cache-Control: no-cache, so a browser revalidates with one cheap 304 and never
// runs a stale GraphiQL after an upgrade. Directories are not listed.
func Assets() http.Handler {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	etags := map[string]string{}
	_ = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		etags[p] = `"` + hex.EncodeToString(sum[:16]) + `"`
		return nil
	})
	files := http.StripPrefix("/assets/", http.FileServer(http.FS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/assets/")
		tag, ok := etags[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("ETag", tag)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}
