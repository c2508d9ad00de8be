// Package bitbucket is forgegraph's Bitbucket Cloud source (REST API 2.0). Bitbucket has no
// cross-workspace repository listing any more (GET /2.0/repositories was removed by Atlassian's
// CHANGE-2770), so the source lists the caller's workspaces with GET /2.0/user/workspaces and
// returns one stream per workspace, each paging GET /2.0/repositories/{workspace}?role=member. The
// core's k-way merge (providers.List) merges the streams; this package never merges workspaces.
//
// A token containing ":" is an Atlassian "email:api_token" pair sent with HTTP Basic; any other
// token (OAuth, workspace/project/repository access token) is sent as a Bearer token.
package bitbucket

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// TokenVar and TokenHeader are where the source's credential comes from: the server's environment
// variable and the per-request header that replaces it (the registry and error messages use them).
const (
	TokenVar    = "BITBUCKET_TOKEN"
	TokenHeader = "X-Bitbucket-Token"
)

// DefaultBaseURL is the Bitbucket Cloud API root used when Config.BaseURL is "".
const DefaultBaseURL = "https://api.bitbucket.org/2.0"

// SourceName is the source's configuration name, returned by Source.Name.
const SourceName = "bitbucket"

// WorkspaceTTL is how long a credential's workspace list is kept, so that a walk page by page does
// not list the workspaces again on every request.
const WorkspaceTTL = 60 * time.Second

// workspaceCacheSize bounds how many credentials' workspace lists are kept.
const workspaceCacheSize = 1024

// maxErrorMessage bounds the forge's error message carried into the log.
const maxErrorMessage = 300

// Config configures a Source.
type Config struct {
	// BaseURL is the API root; "" means DefaultBaseURL (https://api.bitbucket.org/2.0).
	BaseURL string
	// HTTP is the client for upstream requests; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each upstream request; 0 means rest.DefaultTimeout.
	Timeout time.Duration
	// Local serves the FULL_NAME sort, which Bitbucket cannot give in forgegraph's order; nil means
	// providers.NewLocal(nil, 0, 0).
	Local *providers.Local
	// Upstream are the shared request behaviours (retries, rate-limit state, metrics); the zero
	// value disables them.
	Upstream rest.Options
	// Workspaces keeps each credential's workspace list (per source and credential, sealed with it
	// when the cache leaves the process, and invalidated with the credential's other values); nil
	// means providers.NewMemoryCache. Replicas that share one list the workspaces once between them.
	Workspaces providers.UserCache[[]string]
}

// Source is the Bitbucket Cloud source. It is safe for concurrent use.
type Source struct {
	client *rest.Client
	local  *providers.Local
	// workspaces keeps each credential's sorted workspace slugs, keyed by providers.HashToken.
	workspaces providers.UserCache[[]string]
	group      singleflight.Group
	// viewers keeps each credential's username (GET /user), its personal workspace's slug.
	viewers *providers.Viewers
}

var _ providers.Source = (*Source)(nil)

// New returns a Source for cfg. It fails only when cfg.BaseURL is not an absolute http(s) URL
// without query.
func New(cfg Config) (*Source, error) {
	workspaces := cfg.Workspaces
	if workspaces == nil {
		workspaces = providers.NewMemoryCache[[]string](workspaceCacheSize)
	}
	client, err := (&rest.Client{Source: SourceName, TokenEnv: TokenVar, TokenHeader: TokenHeader, Options: cfg.Upstream, HTTP: cfg.HTTP, Timeout: cfg.Timeout,
		Auth: authorize, RateLimit: rateLimit, ErrorMessage: errorMessage, WriteError: writeError,
		Segment: slugOrUUID, SegmentRule: slugRule}).WithBase(cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	return &Source{client: client, local: providers.LocalOr(cfg.Local), workspaces: workspaces, viewers: providers.NewViewers(0)}, nil
}

// slugRule says what slugOrUUID allows, for errors.
const slugRule = `a Bitbucket workspace or repository is a slug (ASCII letters, digits, "-", "_" and ".") or a {uuid}`

// slugOrUUID reports whether s can name a workspace or a repository in a Bitbucket path: a slug
// (Bitbucket makes them of lowercase ASCII letters, digits, "-", "_" and "."; upper case is
// accepted, as full_name may carry it) or a UUID in braces.
func slugOrUUID(s string) bool {
	if inner, ok := strings.CutPrefix(s, "{"); ok {
		inner, ok = strings.CutSuffix(inner, "}")
		return ok && isUUID(inner)
	}
	return rest.NameChars(s)
}

// isUUID reports whether s is a UUID in its 8-4-4-4-12 hexadecimal form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// authorize sends "email:api_token" with HTTP Basic and any other token as a Bearer token.
func authorize(req *http.Request, token string) {
	if user, secret, ok := strings.Cut(token, ":"); ok {
		req.SetBasicAuth(user, secret)
		return
	}
	rest.Bearer(req, token)
}

// rateLimit reads Bitbucket's rate-limit headers. Bitbucket sends X-RateLimit-Limit (requests per
// hour), X-RateLimit-NearLimit and X-RateLimit-Resource, and only to access tokens; it sends no
// remaining count nor reset time, so Remaining is -1 (unknown) and Reset zero. 429 answers carry
// Retry-After when Bitbucket says when to come back, which rest reads itself.
func rateLimit(h http.Header) rest.Rate {
	limit, ok := rest.HeaderInt(h, "X-RateLimit-Limit")
	if !ok {
		return rest.Rate{}
	}
	return rest.Rate{Known: true, Limit: limit, Remaining: -1}
}

// errorMessage extracts "message: detail" from Bitbucket's error body, "" when the body is not one.
func errorMessage(body []byte) string {
	var e errorBody
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	msg, detail := e.Error.Message, e.Error.Detail
	if msg == "" && detail == "" {
		msg, detail = e.Message, e.Detail
	}
	switch {
	case msg == "":
		msg = detail
	case detail != "" && detail != msg:
		msg += ": " + detail
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if r := []rune(msg); len(r) > maxErrorMessage {
		msg = string(r[:maxErrorMessage]) + "…"
	}
	return msg
}

// errorf builds a *providers.Error of this source.
func (s *Source) errorf(kind providers.Kind, cause error, format string, args ...any) *providers.Error {
	e := providers.Errorf(kind, SourceName, format, args...)
	e.Err = cause
	return e
}
