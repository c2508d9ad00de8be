// Package rest is the one request helper the forge packages share: it builds request URLs from the
// configured base URL only, sends the credential the way each forge wants, reads rate-limit headers,
// and maps every failure (status codes, timeouts, unreadable bodies) to a *providers.Error once.
package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
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

// Response is a successful (2xx or 304) answer, its body read whole.
type Response struct {
	Status      int
	Header      http.Header
	Body        []byte
	Rate        Rate
	NotModified bool
}

// Client sends GET requests to one forge. Source, Base and Auth are required; the hooks are optional.
type Client struct {
	// Source names the configured source in errors ("github").
	Source string
	// Base is the API root, e.g. https://api.github.com or https://HOST/api/v3; every request URL is
	// built from it, so a token only goes to this host.
	Base *url.URL
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
	// Auth sets the credential on a request.
	Auth func(req *http.Request, token string)
	// Header sets forge-specific headers (API version, Accept); nil sets none.
	Header func(req *http.Request)
	// RateLimit reads the forge's rate-limit headers; nil means the forge sends none.
	RateLimit func(h http.Header) Rate
	// ErrorMessage extracts the human message from an error body; nil or "" falls back to the status.
	ErrorMessage func(body []byte) string
	// Options are the shared behaviours: retries, rate-limit state, observation.
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
		return "", nil, c.errorf(providers.KindBadResponse, nil, "unparsable link %q", link)
	}
	u = c.Base.ResolveReference(u)
	base := strings.TrimRight(c.Base.Path, "/")
	if u.Scheme != c.Base.Scheme || u.Host != c.Base.Host || !strings.HasPrefix(u.Path, base+"/") {
		return "", nil, c.errorf(providers.KindBadResponse, nil, "refusing to follow a link outside %s", c.Base.Redacted())
	}
	return strings.TrimPrefix(u.Path, base), u.Query(), nil
}

func (c *Client) errorf(kind providers.Kind, cause error, format string, args ...any) *providers.Error {
	e := providers.Errorf(kind, c.Source, format, args...)
	e.Err = cause
	return e
}

// Get sends GET path?query with token. An etag makes the request conditional; a 304 answer comes
// back with NotModified set. Every failure is a *providers.Error: KindUnauth (401, or no token),
// KindForbidden (403), KindRateLimited (429, or 403 with the quota spent; ResetAt set when known),
// KindNotFound (404), KindUnavailable (5xx, connection failures), KindTimeout, KindBadResponse
// (other statuses, unreadable bodies).
func (c *Client) Get(ctx context.Context, token, path string, query url.Values, etag string) (*Response, error) {
	if token == "" {
		return nil, c.errorf(providers.KindUnauth, nil, "no token: set the server's token for %s or send it in the request's header", c.Source)
	}
	if e := c.spent(ctx, token); e != nil {
		return nil, e
	}
	retries := min(max(c.Options.Retries, 0), MaxRetries)
	for attempt := 0; ; attempt++ {
		r, resp, err := c.attempt(ctx, token, path, query, etag)
		if attempt < retries {
			if again, floor := retryable(resp, err); again && sleep(ctx, c.backoff(attempt, floor)) {
				continue
			}
		}
		if err != nil {
			var pe *providers.Error
			if errors.As(err, &pe) {
				return nil, pe
			}
			return nil, c.transportError(ctx, err)
		}
		pe := (*providers.Error)(nil)
		if !r.NotModified && (r.Status < 200 || r.Status >= 300) {
			pe = c.statusError(r)
		}
		c.remember(ctx, token, r.Rate, pe)
		if pe != nil {
			return nil, pe
		}
		return r, nil
	}
}

// attempt sends one request and reads its answer whole. resp is returned (with its body consumed)
// so the caller can decide on a retry.
func (c *Client) attempt(ctx context.Context, token, path string, query url.Values, etag string) (*Response, *http.Response, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := c.URL(path, query)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, c.errorf(providers.KindInternal, err, "build request")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "forgegraph")
	if c.Header != nil {
		c.Header(req)
	}
	c.Auth(req, token)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		c.observe(0, start)
		if ctx.Err() == context.DeadlineExceeded {
			err = context.DeadlineExceeded
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	c.observe(resp.StatusCode, start)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			err = context.DeadlineExceeded
		}
		return nil, resp, err
	}
	if len(body) > maxBody {
		return nil, resp, c.errorf(providers.KindBadResponse, nil, "answer larger than %d bytes", maxBody)
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if c.RateLimit != nil {
		r.Rate = c.RateLimit(resp.Header)
	}
	r.NotModified = resp.StatusCode == http.StatusNotModified
	return r, resp, nil
}

func (c *Client) observe(status int, start time.Time) {
	if c.Options.Observe != nil {
		c.Options.Observe(c.Source, status, time.Since(start))
	}
}

func (c *Client) transportError(ctx context.Context, err error) *providers.Error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout()) {
		return c.errorf(providers.KindTimeout, nil, "no answer in time")
	}
	if errors.Is(err, context.Canceled) {
		return c.errorf(providers.KindUnavailable, nil, "request canceled")
	}
	// The cause of a url.Error names the URL, never a header, so it carries no token.
	return c.errorf(providers.KindUnavailable, err, "cannot reach the forge")
}

func (c *Client) statusError(r *Response) *providers.Error {
	msg := ""
	if c.ErrorMessage != nil {
		msg = c.ErrorMessage(r.Body)
	}
	if msg == "" {
		msg = http.StatusText(r.Status)
	}
	retryAt := RetryAfter(r.Header, time.Now())
	var e *providers.Error
	switch {
	case r.Status == http.StatusUnauthorized:
		e = c.errorf(providers.KindUnauth, nil, "token rejected (HTTP 401: %s)", msg)
	case r.Status == http.StatusTooManyRequests,
		r.Status == http.StatusForbidden && ((r.Rate.Known && r.Rate.Remaining == 0) || !retryAt.IsZero()):
		e = c.errorf(providers.KindRateLimited, nil, "rate limit exceeded (HTTP %d: %s)", r.Status, msg)
		e.ResetAt = retryAt
		if e.ResetAt.IsZero() && r.Rate.Known {
			e.ResetAt = r.Rate.Reset
		}
	case r.Status == http.StatusForbidden:
		e = c.errorf(providers.KindForbidden, nil, "access denied (HTTP 403: %s)", msg)
	case r.Status == http.StatusNotFound:
		e = c.errorf(providers.KindNotFound, nil, "not found (HTTP 404: %s)", msg)
	case r.Status >= 500:
		e = c.errorf(providers.KindUnavailable, nil, "forge error (HTTP %d: %s)", r.Status, msg)
	default:
		e = c.errorf(providers.KindBadResponse, nil, "unexpected answer (HTTP %d: %s)", r.Status, msg)
	}
	return e
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

// DecodeJSON decodes a body into v, failing with KindBadResponse (naming the source) when it is not
// the JSON expected.
func (c *Client) DecodeJSON(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		snippet := string(body)
		if len(snippet) > 80 {
			snippet = snippet[:80] + "…"
		}
		return c.errorf(providers.KindBadResponse, err, "answer is not the JSON expected (%q)", snippet)
	}
	return nil
}

// Bearer is an Auth that sends "Authorization: Bearer token".
func Bearer(req *http.Request, token string) { req.Header.Set("Authorization", "Bearer "+token) }

// HeaderAuth returns an Auth that sends the token in header name.
func HeaderAuth(name string) func(*http.Request, string) {
	return func(req *http.Request, token string) { req.Header.Set(name, token) }
}
