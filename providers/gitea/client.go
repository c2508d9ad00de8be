// Package gitea is forgegraph's source for Gitea and Forgejo (Codeberg runs Forgejo; its API is
// Gitea's v1). It lists the repositories the credential's user owns or collaborates on, as
// GET /user/repos gives them, through GET /repos/search?uid=<viewer> (the same list, with a sort):
// natively by update time (PUSHED and UPDATED: Gitea has no push time) and creation time, and
// locally by full path. Pages hold at most the server's MAX_RESPONSE_ITEMS (50 by default); the
// source asks 50 per upstream page, two per 100-item page of forgegraph's, and checks every answer
// against X-Total-Count and Link. Tokens are sent as "Authorization: token …". Every error it
// returns is a *providers.Error with Source "gitea".
package gitea

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// TokenVar and TokenHeader are where the source's credential comes from: the server's environment
// variable and the per-request header that replaces it (the registry and error messages use them).
const (
	TokenVar    = "GITEA_TOKEN"
	TokenHeader = "X-Gitea-Token"
)

// SourceName is the configuration name of the source (PROVIDERS=gitea, GITEA_TOKEN).
const SourceName = "gitea"

// askLimit is the page size asked of Gitea: its default MAX_RESPONSE_ITEMS, which a larger limit
// would be silently cut to. It divides providers.PageSize.
const askLimit = 50

// viewerTTL is how long the user id behind a credential is kept (it never changes for a token;
// the bound only limits memory held for tokens no longer used).
const viewerTTL = 10 * time.Minute

// Config configures a Source. BaseURL is required (Gitea has no default instance).
type Config struct {
	// BaseURL is the API root, e.g. https://codeberg.org/api/v1 or https://git.example.com/api/v1;
	// "" fails New.
	BaseURL string
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each upstream request; 0 means rest.DefaultTimeout.
	Timeout time.Duration
	// Local serves the FULL_NAME sort, which Gitea cannot give (its alpha sort orders by owner,
	// then name, as the database collates them); nil means providers.NewLocal(nil, 0, 0).
	Local *providers.Local
	// Upstream are the shared request behaviours (retries, rate-limit state, metrics); the zero
	// value disables them.
	Upstream rest.Options
}

// Source is the Gitea source. It is safe for concurrent use.
type Source struct {
	client *rest.Client
	local  *providers.Local
	// users keeps each credential's user (GET /user: id and login; me), read once for concurrent
	// callers.
	users *providers.Kept[user]
	// orgs keeps the names of each credential's organizations for affiliation filters (filter.go).
	orgs *providers.Kept[[]string]
	// limit is the upstream page size in use: askLimit until the server is seen to cap pages
	// lower, then the largest divisor of providers.PageSize under its cap.
	limit atomic.Int32
}

var _ providers.Source = (*Source)(nil)

// New returns a Gitea source. It fails, naming the source, when cfg.BaseURL is empty or not an
// absolute http(s) URL without a query.
func New(cfg Config) (*Source, error) {
	if strings.TrimSpace(cfg.BaseURL) == "" {
		return nil, fmt.Errorf("%s: the API URL is required: set GITEA_API_URL to the instance's API root, e.g. https://codeberg.org/api/v1", SourceName)
	}
	client, err := (&rest.Client{Source: SourceName, TokenEnv: TokenVar, TokenHeader: TokenHeader, Options: cfg.Upstream, HTTP: cfg.HTTP, Timeout: cfg.Timeout,
		Auth: tokenAuth, ErrorMessage: errorMessage, WriteError: writeError,
		// Gitea's user, organization and repository names: ASCII letters, digits, "-", "_" and ".".
		Segment: rest.NameChars, SegmentRule: rest.NameCharsRule}).WithBase(cfg.BaseURL, "")
	if err != nil {
		return nil, err
	}
	s := &Source{client: client, local: providers.LocalOr(cfg.Local), users: providers.NewKept[user](0, viewerTTL), orgs: providers.NewKept[[]string](0, providers.ViewerTTL)}
	s.limit.Store(askLimit)
	return s, nil
}

// tokenAuth sends the credential as Gitea documents for access tokens: "Authorization: token …".
func tokenAuth(req *http.Request, token string) { req.Header.Set("Authorization", "token "+token) }

// maxMessage bounds an error message taken from a body.
const maxMessage = 300

// errorMessage extracts the readable message of a Gitea error body: the API error
// {"message": "...", "url": "..."} or the search error {"ok": false, "error": "..."}. It returns ""
// for anything else. The message is logged, never returned to a client.
func errorMessage(body []byte) string {
	var e struct {
		Message string `json:"message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	msg := strings.TrimSpace(e.Message)
	if msg == "" {
		msg = strings.TrimSpace(e.Error)
	}
	if len(msg) > maxMessage {
		msg = msg[:maxMessage] + "…"
	}
	return msg
}

func (s *Source) errorf(kind providers.Kind, format string, args ...any) *providers.Error {
	return providers.Errorf(kind, SourceName, format, args...)
}
