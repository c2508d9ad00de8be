// Package github is forgegraph's GitHub source: it lists the authenticated user's repositories with
// GitHub's REST API v3 (GET /user/repos) on github.com or GitHub Enterprise Server, and fetches one
// repository (GET /repos/{owner}/{repo}). GitHub sorts every order forgegraph offers (pushed,
// updated, created, full_name; asc or desc), so every list is paged natively, 100 per upstream page.
// Several repositories' languages and branch and tag counts are read with one request to GitHub's
// GraphQL API (batch.go), with REST as the fallback.
// Every error it returns is a *providers.Error with Source "github".
package github

import (
	"context"
	"net/http"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Config configures a Source. The zero value talks to api.github.com with http.DefaultClient.
type Config struct {
	// BaseURL is the API root: "" means DefaultBaseURL; GitHub Enterprise Server is
	// https://HOST/api/v3.
	BaseURL string
	// HTTP is the client requests go through; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each upstream request; 0 means rest.DefaultTimeout.
	Timeout time.Duration
	// Local serves lists a forge cannot sort natively. GitHub sorts every order natively, so it is
	// not used; it is here so every forge's Config has the same shape. nil is fine.
	Local *providers.Local
	// Upstream are the shared request behaviours (retries, rate-limit state, metrics); the zero
	// value disables them.
	Upstream rest.Options
}

// Source is the GitHub providers.Source. It is safe for concurrent use.
type Source struct {
	client *rest.Client
	// gql is client's copy for the GraphQL endpoint (batch.go); graphQL remembers its 404.
	gql     *rest.Client
	graphQL graphQLGate
	// viewers keeps each credential's login (GET /user) for affiliation filters.
	viewers *providers.Viewers
}

var _ providers.Source = (*Source)(nil)

// New returns a GitHub source for cfg. It fails when BaseURL is not an absolute http(s) URL
// without query or fragment.
func New(cfg Config) (*Source, error) {
	client, err := newClient(cfg.HTTP, cfg.Timeout, cfg.Upstream).WithBase(cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	return &Source{client: client, gql: graphQLClient(client), viewers: providers.NewViewers(0)}, nil
}

// Name returns "github".
func (s *Source) Name() string { return SourceName }

// Providers returns [providers.GitHub].
func (s *Source) Providers() []providers.Provider { return []providers.Provider{providers.GitHub} }

// Repository fetches the repository id names: by its numeric forge id with GET /repositories/{id}
// (so an id keeps resolving after a rename or transfer), by path with GET /repos/{owner}/{repo}
// when the id has no forge id (Query.repository). It fails, before
// any request, with KindBadInput when id's path is not owner/name made of the characters GitHub
// allows in names (letters, digits, "-", "_", "."; never "." or ".."); with KindNotFound when the
// repository is not on GitHub, the credential cannot see it, or the path now holds another
// repository than id's; and with the rest errors otherwise.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.GitHub {
		return nil, providers.Errorf(providers.KindNotFound, SourceName, "%s repository %q is not on GitHub", id.Provider, id)
	}
	path, err := s.lookupPath(id)
	if err != nil {
		return nil, err
	}
	var w repository
	if _, err := s.client.GetJSON(ctx, token, path, nil, &w); err != nil {
		return nil, err
	}
	r, err := convertRepository(&w)
	if err != nil {
		return nil, err
	}
	r.Details = convertDetails(&w.detailFields, w.Private, allFields) // the detail endpoint's answer
	if id.ForgeID != "" && r.ForgeID != id.ForgeID {
		return nil, providers.Errorf(providers.KindNotFound, SourceName,
			"repository %q is now another repository (id %s, not %s)", id, r.ForgeID, id.ForgeID)
	}
	return &r, nil
}
