package server

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"

	"github.com/forgegraph/forgegraph/providers"
)

// staleCollector gives each request a providers.StaleSet, where the page store notes the sources it
// answered from stale copies (STALE_IF_ERROR); staleExtension turns it into extensions.stale and the
// micro-cache keeps no answer that has one. It sits outside the micro-cache.
func staleCollector(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := providers.WithStaleSet(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// staleExtension adds the top-level extensions.stale to an answer when some source was served from a
// stale copy: a list of {provider, source, asOf, reason}, one per source. The source is not an
// error: no entry in errors is added for it.
func staleExtension(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	if list := providers.StaleSetFrom(ctx).List(); list != nil {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["stale"] = list
	}
	return resp
}

// servedStale reports whether the request's answer holds data from a stale copy.
func servedStale(ctx context.Context) bool { return providers.StaleSetFrom(ctx).List() != nil }
