package openhands

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// TokenVar and TokenHeader are where the source's credential comes from: the server's environment
// variable and the per-request header that replaces it (the registry and error messages use them).
const (
	TokenVar    = "OPENHANDS_API_KEY"
	TokenHeader = "X-OpenHands-Api-Key"
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
	return (&rest.Client{Source: SourceName, TokenEnv: TokenVar, TokenHeader: TokenHeader, Options: cfg.Upstream, HTTP: cfg.HTTP, Timeout: cfg.Timeout,
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

// errorBody is FastAPI's error body: detail is a list of validation errors (422) or a string.
type errorBody struct {
	Detail  json.RawMessage `json:"detail"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

type validationError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// maxMessage bounds an error message taken from a body.
const maxMessage = 400

// errorMessage extracts the message of an OpenHands error body: a 422's validation errors joined
// ("query.per_page: Input should be greater than 0; …"), {"detail": "…"}, {"error": "…"}, or a bare
// JSON string (what OpenHands' JSONResponse(content=str(e)) sends). "" when there is none.
func errorMessage(body []byte) string {
	var msg string
	var bare string
	var b errorBody
	switch {
	case json.Unmarshal(body, &bare) == nil:
		msg = bare
	case json.Unmarshal(body, &b) == nil:
		var detail string
		var list []validationError
		switch {
		case json.Unmarshal(b.Detail, &detail) == nil:
			msg = detail
		case json.Unmarshal(b.Detail, &list) == nil:
			parts := make([]string, 0, len(list))
			for _, e := range list {
				loc := make([]string, len(e.Loc))
				for i, l := range e.Loc {
					loc[i] = strings.Trim(strings.TrimSpace(jsonText(l)), `"`)
				}
				if len(loc) > 0 {
					parts = append(parts, strings.Join(loc, ".")+": "+e.Msg)
				} else {
					parts = append(parts, e.Msg)
				}
			}
			msg = strings.Join(parts, "; ")
		case b.Error != "":
			msg = b.Error
		default:
			msg = b.Message
		}
	}
	msg = strings.TrimSpace(msg)
	if len(msg) > maxMessage {
		msg = msg[:maxMessage] + "…"
	}
	return msg
}

func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}
