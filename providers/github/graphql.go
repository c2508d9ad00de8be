package github

import (
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/forgegraph/forgegraph/providers/rest"
)

// GitHub's GraphQL API (v4) beside its REST API: one POST answers many repositories' languages and
// branch and tag counts (batch.go). Its endpoint is derived from the configured REST base URL.

// graphQLPath is the GraphQL endpoint's path under the client root graphQLClient builds.
const graphQLPath = "/graphql"

// NoGraphQLFor is how long a source that got HTTP 404 from the GraphQL endpoint (a GitHub
// Enterprise Server or a proxy without it) reads details through REST only before asking again.
const NoGraphQLFor = 10 * time.Minute

// GraphQLURL returns the GraphQL endpoint of the REST API root base: https://api.github.com →
// https://api.github.com/graphql; GitHub Enterprise Server's https://HOST/api/v3 →
// https://HOST/api/graphql; any other root (a test server, a proxy mount) → root + "/graphql".
func GraphQLURL(base *url.URL) *url.URL {
	u := *base
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.RawQuery, u.Fragment = "", ""
	if root, ok := strings.CutSuffix(u.Path, "/api/v3"); ok {
		u.Path = root + "/api"
	}
	u.Path += graphQLPath
	return &u
}

// graphQLClient returns a copy of rest, the REST client, whose root is the directory of the
// GraphQL endpoint (so the endpoint is its path graphQLPath and nothing outside it can be asked):
// same host, credential, headers, timeout, breakers and metrics. It keeps no rate-limit state
// (Options.Limits nil): GraphQL's quota is not REST's, so a spent GraphQL quota must not stop REST
// requests, nor a REST one GraphQL.
func graphQLClient(restClient *rest.Client) *rest.Client {
	c := *restClient
	root := *GraphQLURL(restClient.Base)
	root.Path = strings.TrimSuffix(root.Path, graphQLPath)
	c.Base = &root
	c.Options.Limits = nil
	return &c
}

// graphQLGate remembers that the GraphQL endpoint answered 404, so that details are read through
// REST for NoGraphQLFor before GraphQL is asked again. The zero value allows GraphQL.
type graphQLGate struct {
	mu    sync.Mutex
	until time.Time
}

// open reports whether GraphQL may be asked at now.
func (g *graphQLGate) open(now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return !now.Before(g.until)
}

// close keeps GraphQL from being asked until now + NoGraphQLFor.
func (g *graphQLGate) close(now time.Time) {
	g.mu.Lock()
	g.until = now.Add(NoGraphQLFor)
	g.mu.Unlock()
}
