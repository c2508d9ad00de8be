package openhands

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// SourceName is the source's configuration name, its Name().
const SourceName = "openhands"

// DefaultBaseURL is OpenHands Cloud, used when Config.BaseURL is "".
const DefaultBaseURL = "https://app.all-hands.dev"

// APIKeyHeader is the header that carries the OpenHands API key.
const APIKeyHeader = "X-Session-API-Key"

// repositoriesPath is the one route the source reads, relative to the base URL.
const repositoriesPath = "/api/user/repositories"

// Config configures a Source.
type Config struct {
	// BaseURL is the OpenHands server, e.g. https://app.all-hands.dev or http://localhost:3000; ""
	// means DefaultBaseURL. Requests go to BaseURL + "/api/user/repositories".
	BaseURL string
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each upstream request; 0 means rest.DefaultTimeout.
	Timeout time.Duration
	// Local serves the lists OpenHands cannot page in the order asked (every list but GitHub's in
	// its default directions) and the unpaged list of every forge; nil means
	// providers.NewLocal(nil, 0, 0).
	Local *providers.Local
	// Upstream are the shared request behaviours (retries, rate-limit state, metrics); the zero
	// value disables them.
	Upstream rest.Options
}

// newClient builds the request helper: the API key goes in X-Session-API-Key, error bodies are
// FastAPI's. OpenHands documents no rate-limit headers, so none are read (a 429's Retry-After still
// is, by rest).
func newClient(cfg Config) (*rest.Client, error) {
	return (&rest.Client{Source: SourceName, Options: cfg.Upstream, HTTP: cfg.HTTP, Timeout: cfg.Timeout,
		Auth: rest.HeaderAuth(APIKeyHeader), ErrorMessage: errorMessage}).WithBase(cfg.BaseURL, DefaultBaseURL)
}

// list sends GET /api/user/repositories?query with token and decodes the answer. A 304 answer to
// a request with an etag comes back with NotModified set and no items. Errors are *providers.Error.
func (s *Source) list(ctx context.Context, token string, query url.Values, etag string) (*rest.Response, []repository, error) {
	resp, err := s.c.Get(ctx, token, repositoriesPath, query, etag)
	if err != nil {
		return nil, nil, err
	}
	if resp.NotModified {
		return resp, nil, nil
	}
	var items []repository
	if err := s.c.Decode(ctx, resp.Body, &items); err != nil {
		return nil, nil, err
	}
	return resp, items, nil
}
