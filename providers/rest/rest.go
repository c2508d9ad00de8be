// Package rest is the one request helper the forge packages share: it builds request URLs from the
// configured base URL only (checking every name put into a path), sends the credential the way each
// forge wants and never to another host, sends any method (retrying only GET and HEAD), reads
// rate-limit headers, remembers spent quotas and rejected credentials, and maps every failure
// (status codes, timeouts, redirects, unreadable bodies) to a *providers.Error once. Errors never
// carry the forge's body text; it is logged with the request's context instead.
package rest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// maxBody bounds how much of an answer is read.
const maxBody = 32 << 20

// DefaultTimeout is the per-request timeout when Client.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Rate is a forge's rate-limit state as its headers said it. Known is false when it sent none.
type Rate struct {
	Known     bool
	Limit     int
	Remaining int
	Reset     time.Time
}

// Response is a successful (2xx or 304) answer, its body read whole: its status, headers and the
// rate-limit state its headers gave.
type Response struct {
	Status      int
	Header      http.Header
	Body        []byte
	Rate        Rate
	NotModified bool
}

// Client sends requests to one forge. Source, Base and Auth are required; the hooks are optional.
// Requests only go under Base: path segments from ids go through Path, every URL is checked before
// the credential is sent, and redirects to another host or scheme are refused.
type Client struct {
	// Source names the configured source in errors ("github").
	Source string
	// TokenEnv and TokenHeader name where the source's credential comes from (GITHUB_TOKEN on the
	// server, the X-GitHub-Token request header), for NoToken's message; empty: a generic one.
	TokenEnv, TokenHeader string
	// Base is the API root, e.g. https://api.github.com or https://HOST/api/v3; every request URL is
	// built from it, so a token only goes to this host.
	Base *url.URL
	// HTTP is the client used; nil means http.DefaultClient. Each request goes through a copy whose
	// CheckRedirect keeps the credential on Base's host and scheme; the given client is not changed.
	HTTP *http.Client
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
	// Auth sets the credential on a request.
	Auth func(req *http.Request, token string)
	// Header sets forge-specific headers (API version, Accept); nil sets none.
	Header func(req *http.Request)
	// RateLimit reads the forge's rate-limit headers; nil means the forge sends none.
	RateLimit func(h http.Header) Rate
	// ErrorMessage extracts the human message from an error body for the log line of a failed
	// request; nil or "" logs the start of the body. It never reaches a client-facing error.
	ErrorMessage func(body []byte) string
	// WriteError, when set, classifies the failed answer of a write (POST, PATCH, PUT, DELETE) with
	// status 400, 409 or 422 from its body: e.g. a name taken (providers.KindConflict) or the forge's
	// validation reasons (providers.Validation). nil, or a nil result, leaves the default: 409 is
	// KindConflict, 400 and 422 KindBadInput without the forge's text.
	WriteError func(status int, body []byte) *providers.Error
	// Segment, when set, reports whether a raw path segment (a name taken from an id) uses only the
	// characters the forge allows in names; Path and NestedPath refuse the others. nil allows every
	// segment that passes the rules all forges share.
	Segment func(seg string) bool
	// SegmentRule says in words what Segment allows, for errors; "" gives a generic sentence.
	SegmentRule string
	// Options are the shared behaviours: retries, rate-limit state, rejected credentials,
	// observation, logging.
	Options Options
}

// ParseBase parses a configured base URL: absolute http(s), without query or fragment.
func ParseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must be an absolute http(s) URL without query, like https://api.example.com/v4", raw)
	}
	return u, nil
}

// WithBase sets c.Base from the configured base URL raw (defaultBase when raw is blank) and returns
// c. It fails, naming c.Source, when the URL is not an absolute http(s) URL without a query.
func (c *Client) WithBase(raw, defaultBase string) (*Client, error) {
	if strings.TrimSpace(raw) == "" {
		raw = defaultBase
	}
	base, err := ParseBase(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Source, err)
	}
	c.Base = base
	return c, nil
}

// URL returns the absolute URL of path, relative to Base and starting with "/", with query. path is
// in escaped form: callers escape each segment with url.PathEscape, so an encoded slash inside a
// segment (GitLab's group%2Fproject) is sent as it is.
func (c *Client) URL(path string, query url.Values) *url.URL {
	u := *c.Base
	plain, err := url.PathUnescape(path)
	if err != nil {
		plain = path
	}
	u.Path = strings.TrimRight(c.Base.Path, "/") + plain
	u.RawPath = strings.TrimRight(c.Base.EscapedPath(), "/") + path
	u.RawQuery = query.Encode()
	return &u
}

// Relative checks that link (a Link-header or body "next" URL) points under Base and returns its path
// relative to Base and its query. A link to another host or outside Base fails with KindBadResponse:
// the token is never sent there.
func (c *Client) Relative(link string) (string, url.Values, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", nil, c.errorf(providers.KindBadResponse, nil, "the forge gave an unparsable link")
	}
	u = c.Base.ResolveReference(u)
	if c.checkURL(u) != nil {
		return "", nil, c.errorf(providers.KindBadResponse, nil, "refusing to follow a link outside %s", c.Base.Redacted())
	}
	return strings.TrimPrefix(u.EscapedPath(), strings.TrimRight(c.Base.EscapedPath(), "/")), u.Query(), nil
}

// RetryAfter returns when a Retry-After header (seconds or HTTP date) says to come back, zero when
// there is none.
func RetryAfter(h http.Header, now time.Time) time.Time {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return time.Time{}
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return now.Add(time.Duration(s) * time.Second).UTC().Truncate(time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

// HeaderInt returns the integer value of header k, and whether it had one.
func HeaderInt(h http.Header, k string) (int, bool) {
	v, err := strconv.Atoi(strings.TrimSpace(h.Get(k)))
	return v, err == nil
}

// Bearer is an Auth that sends "Authorization: Bearer token".
func Bearer(req *http.Request, token string) { req.Header.Set("Authorization", "Bearer "+token) }

// HeaderAuth returns an Auth that sends the token in header name.
func HeaderAuth(name string) func(*http.Request, string) {
	return func(req *http.Request, token string) { req.Header.Set(name, token) }
}
