// Package web serves forgegraph's browser pages: GraphiQL at / with a sample query prefilled.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
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

var page = template.Must(template.ParseFS(static, "static/graphiql.html"))

// GraphiQL serves the GraphiQL page for endpoint.
func GraphiQL(endpoint string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = page.Execute(w, map[string]string{"Endpoint": endpoint, "Query": SampleQuery})
	})
}

// Assets serves the embedded static files under /assets/.
func Assets() http.Handler {
	sub, _ := fs.Sub(static, "static")
	return http.StripPrefix("/assets/", http.FileServer(http.FS(sub)))
}
