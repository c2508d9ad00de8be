package github

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// The GitHub source is a providers.DetailBatcher: a page's languages and branch and tag counts come
// from one POST to GitHub's GraphQL API (v4; the document and its answer: query.go) instead of two
// REST reads per repository; when that endpoint answers 404 the same values are read through REST.
// The endpoint is derived from the configured REST base URL (GraphQLURL).

var _ providers.DetailBatcher = (*Source)(nil)

// batchable are the fields BatchDetails answers.
var batchable = map[string]bool{providers.BatchLanguages: true, providers.BatchBranchCount: true, providers.BatchTagCount: true}

// restFallbackInFlight bounds the REST reads in flight of one BatchDetails call that reads through
// REST (the call itself holds one of the caller's in-flight slots).
const restFallbackInFlight = 4

// BatchesDetail reports whether field is one BatchDetails answers: providers.BatchLanguages,
// BatchBranchCount or BatchTagCount.
func (s *Source) BatchesDetail(field string) bool { return batchable[field] }

// BatchDetails answers reqs with one GraphQL request (owner and name passed as variables): each
// repository's languages (the values Languages gives for the same bytes, with GraphQL's colors),
// branch count and tag count (those CountNested gives). A repository GitHub does not find, or the
// credential cannot see, is KindNotFound for its requests only; a field other than those or a
// path that is not owner/name is KindBadInput for its request only. A failure of the request is
// every request's: KindUnauth (401), KindRateLimited (429, 403 with the quota spent, or a
// RATE_LIMITED error; ResetAt from the x-ratelimit-reset or Retry-After header when given),
// KindForbidden (another 403), KindUnavailable (5xx, unreachable), KindTimeout, KindBadResponse
// (an answer that is not GraphQL's). When the endpoint answers 404 (a GitHub Enterprise Server or
// a proxy without GraphQL), the call reads through REST and the source does not ask GraphQL again
// for NoGraphQLFor; a repository with more than 100 languages has its languages read through
// REST too.
func (s *Source) BatchDetails(ctx context.Context, token string, reqs []providers.DetailRequest) []providers.DetailResult {
	out := make([]providers.DetailResult, len(reqs))
	var asks []*repoAsk
	byName := map[string]*repoAsk{}
	for i, r := range reqs {
		if !batchable[r.Field] {
			out[i].Err = providers.Errorf(providers.KindBadInput, SourceName, "%q is not read in batches: ask %s, %s or %s",
				r.Field, providers.BatchLanguages, providers.BatchBranchCount, providers.BatchTagCount)
			continue
		}
		if r.Repo == nil {
			out[i].Err = providers.Errorf(providers.KindBadInput, SourceName, "a batched %s read names no repository", r.Field)
			continue
		}
		owner, name, ok := strings.Cut(r.Repo.NameWithOwner, "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			out[i].Err = providers.Errorf(providers.KindBadInput, SourceName, "%q is not a GitHub repository path: it must be owner/name", r.Repo.NameWithOwner)
			continue
		}
		a := byName[r.Repo.NameWithOwner]
		if a == nil {
			a = &repoAsk{owner: owner, name: name, repo: r.Repo}
			byName[r.Repo.NameWithOwner] = a
			asks = append(asks, a)
		}
		a.idx = append(a.idx, i)
		a.fields = append(a.fields, r.Field)
	}
	if len(asks) == 0 {
		return out
	}
	if !s.graphQL.open(time.Now()) {
		s.restDetails(ctx, token, reqs, asks, out)
		return out
	}
	viaREST, err := s.queryDetails(ctx, token, asks, reqs, out)
	switch {
	case providers.KindOf(err) == providers.KindNotFound:
		// The endpoint itself is missing (a repository GitHub does not find is a 200 answer).
		s.graphQL.close(time.Now())
		s.restDetails(ctx, token, reqs, asks, out)
	case err != nil:
		for _, a := range asks {
			for _, i := range a.idx {
				out[i].Err = err
			}
		}
	case len(viaREST) > 0:
		s.restDetails(ctx, token, reqs, viaREST, out)
	}
	return out
}

// repoAsk is one repository of a BatchDetails call: its owner and name, the fields asked of it
// and the indexes of their requests.
type repoAsk struct {
	owner, name string
	repo        *providers.Repository
	fields      []string
	idx         []int
}

// restDetails answers the requests of asks through REST (Languages, CountNested), at most
// restFallbackInFlight at a time.
func (s *Source) restDetails(ctx context.Context, token string, reqs []providers.DetailRequest, asks []*repoAsk, out []providers.DetailResult) {
	sem := make(chan struct{}, restFallbackInFlight)
	var wg sync.WaitGroup
	for _, a := range asks {
		for _, i := range a.idx {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				out[i] = s.restDetail(ctx, token, reqs[i])
			}()
		}
	}
	wg.Wait()
}

// restDetail reads one batchable request through REST.
func (s *Source) restDetail(ctx context.Context, token string, r providers.DetailRequest) providers.DetailResult {
	var v any
	var err error
	switch r.Field {
	case providers.BatchLanguages:
		v, err = s.Languages(ctx, token, r.Repo)
	default:
		v, err = s.CountNested(ctx, token, r.Repo, strings.TrimSuffix(r.Field, ".count"))
	}
	if err != nil {
		return providers.DetailResult{Err: err}
	}
	return providers.DetailResult{Value: v}
}

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
