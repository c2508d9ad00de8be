package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// Request is one upstream request before it is sent: built by NewRequest, sent by Do. Do builds a
// fresh http.Request for every attempt, so a Request may be sent again.
type Request struct {
	// Method is the HTTP method (GET, POST, PATCH, PUT, DELETE, HEAD).
	Method string
	// Path is the escaped path relative to Client.Base, starting with "/"; build it with Path or
	// NestedPath when it holds names.
	Path string
	// Query is the query string; nil means none.
	Query url.Values
	// Body is the JSON body; nil sends none.
	Body []byte
	// ETag, when set, makes the request conditional (If-None-Match); a 304 answer comes back with
	// Response.NotModified set.
	ETag string
}

// Idempotent reports whether the request may be sent again after a failure: only GET and HEAD.
// POST, PATCH, PUT and DELETE are never retried, whatever the failure, so a write happens at most
// once per Do.
func (r *Request) Idempotent() bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead
}

// NewRequest builds a request for method on path (escaped, relative to Base) with query. A non-nil
// body is encoded as JSON and sent with Content-Type application/json. It fails with KindInternal
// for an unknown method (methods are chosen by the code, never by a client) and KindInternal when body cannot be encoded.
func (c *Client) NewRequest(method, path string, query url.Values, body any) (*Request, error) {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
	default:
		return nil, c.errorf(providers.KindInternal, nil, "HTTP method %q is not supported: use GET, HEAD, POST, PATCH, PUT or DELETE", method)
	}
	r := &Request{Method: method, Path: path, Query: query}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, c.errorf(providers.KindInternal, err, "encode the request body")
		}
		r.Body = b
	}
	return r, nil
}

// Get sends GET path?query with token; it is Do with a GET request and no decoding. An etag makes
// the request conditional; a 304 answer comes back with NotModified set. Errors are those of Do.
func (c *Client) Get(ctx context.Context, token, path string, query url.Values, etag string) (*Response, error) {
	return c.Do(ctx, token, &Request{Method: http.MethodGet, Path: path, Query: query, ETag: etag}, nil)
}

// GetJSON is Get without an etag followed by Decode of the answer into out: a body that is not the
// JSON expected (an empty one included) is KindBadResponse. Errors are Get's and Decode's; the
// answer comes back only with a nil error.
func (c *Client) GetJSON(ctx context.Context, token, path string, query url.Values, out any) (*Response, error) {
	r, err := c.Get(ctx, token, path, query, "")
	if err != nil {
		return nil, err
	}
	if err := c.Decode(ctx, r.Body, out); err != nil {
		return nil, err
	}
	return r, nil
}

// Send is NewRequest followed by Do: one request of method to path (no query) with body encoded as
// JSON (nil: none) and the answer decoded into out (nil: not decoded). Its errors are NewRequest's
// (KindInternal) and Do's.
func (c *Client) Send(ctx context.Context, token, method, path string, body, out any) (*Response, error) {
	req, err := c.NewRequest(method, path, nil, body)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, token, req, out)
}

// Do sends req with token and, when out is not nil, decodes a 2xx answer's JSON body into it (an
// empty body, a 204 or a 304 leaves out unchanged). Idempotent requests are retried per
// Options.Retries; others are sent once. Every failure is a *providers.Error: KindUnauth (401, a
// credential the forge rejected within RejectedFor, or no token), KindForbidden (403),
// KindRateLimited (429, or 403 with the quota spent; ResetAt set when known), KindNotFound (404),
// KindUnavailable (5xx, connection failures, or the source's circuit is open: see Breakers; ResetAt
// is then when it half-opens), KindTimeout, KindBadInput (a path that leaves Base),
// KindBadResponse (other statuses, a redirect to another host or scheme, unreadable bodies). Error
// messages hold the status and a fixed description, never the forge's body text, which is logged.
func (c *Client) Do(ctx context.Context, token string, req *Request, out any) (*Response, error) {
	ctx, span := c.startSpan(ctx, req)
	var t trail
	r, err := c.do(ctx, token, req, out, &t)
	endSpan(span, t, r, err)
	return r, err
}

// do is Do inside its span: the checks that need no request, then the attempts; t receives the
// retries and the last status.
func (c *Client) do(ctx context.Context, token string, req *Request, out any, t *trail) (*Response, error) {
	if token == "" {
		return nil, c.NoToken()
	}
	if e := c.spent(ctx, token); e != nil {
		return nil, e
	}
	if e := c.Options.Breakers.allow(c.Source, c.Base.Host); e != nil {
		return nil, e
	}
	r, err := c.send(ctx, token, req, out, t)
	c.Options.Breakers.record(c.Source, c.Base.Host, outcomeOf(ctx, err))
	return r, err
}

// send is Do past the checks that need no request: the attempts and their retries; t receives the
// number of retries sent and the last attempt's status.
func (c *Client) send(ctx context.Context, token string, req *Request, out any, t *trail) (*Response, error) {
	retries := 0
	if req.Idempotent() {
		retries = min(max(c.Options.Retries, 0), MaxRetries)
	}
	for attempt := 0; ; attempt++ {
		r, resp, err := c.attempt(ctx, token, req)
		t.retries, t.status = attempt, 0
		if r != nil {
			t.status = r.Status
		} else if resp != nil {
			t.status = resp.StatusCode
		}
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
			pe = c.statusError(ctx, req, r, token)
		}
		c.remember(ctx, token, r.Rate, pe)
		if pe != nil {
			return nil, pe
		}
		if out != nil && !r.NotModified && len(bytes.TrimSpace(r.Body)) > 0 {
			if err := c.Decode(ctx, r.Body, out); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
}

// attempt sends one request and reads its answer whole. resp is returned (with its body consumed)
// so the caller can decide on a retry.
func (c *Client) attempt(ctx context.Context, token string, rq *Request) (*Response, *http.Response, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := c.URL(rq.Path, rq.Query)
	if e := c.checkURL(u); e != nil {
		return nil, nil, e
	}
	var body io.Reader
	if rq.Body != nil {
		body = bytes.NewReader(rq.Body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.Method, u.String(), body)
	if err != nil {
		return nil, nil, c.errorf(providers.KindInternal, err, "build request")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "forgegraph")
	if rq.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Header != nil {
		c.Header(req)
	}
	c.Auth(req, token)
	if rq.ETag != "" {
		req.Header.Set("If-None-Match", rq.ETag)
	}
	start := time.Now()
	resp, err := c.httpClient().Do(req)
	if err != nil {
		c.observe(0, start)
		if ctx.Err() == context.DeadlineExceeded {
			err = context.DeadlineExceeded
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	c.observe(resp.StatusCode, start)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			err = context.DeadlineExceeded
		}
		return nil, resp, err
	}
	if len(raw) > maxBody {
		return nil, resp, c.errorf(providers.KindBadResponse, nil, "answer larger than %d bytes", maxBody)
	}
	r := &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
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

// MaxRedirects is how many redirects within the forge's own host and scheme one request follows.
const MaxRedirects = 3

// redirectError is a redirect the client refused to follow. It says why without naming the
// target, which is the forge's text.
type redirectError struct{ reason string }

func (e *redirectError) Error() string { return "redirect not followed: " + e.reason }

// httpClient returns the client a request goes through: a copy of c.HTTP (http.DefaultClient when
// nil) whose CheckRedirect refuses every redirect that leaves the first request's host or scheme
// (Go drops only Authorization on such a redirect: PRIVATE-TOKEN, X-Auth-Token and
// X-Session-API-Key would go along), an https to http downgrade included, or that leaves Base. A
// redirect that stays is followed at most MaxRedirects times, then the given client's own
// CheckRedirect, if any, decides. The shared client itself is never changed.
func (c *Client) httpClient() *http.Client {
	hc := http.DefaultClient
	if c.HTTP != nil {
		hc = c.HTTP
	}
	clone := *hc
	next := hc.CheckRedirect
	clone.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		reason := ""
		switch {
		case req.URL.Scheme != first.Scheme:
			reason = fmt.Sprintf("it changes the scheme from %s to %s", first.Scheme, req.URL.Scheme)
		case !strings.EqualFold(req.URL.Host, first.Host):
			reason = "it leads to another host"
		case c.checkURL(req.URL) != nil:
			reason = "it leads outside the API root"
		case len(via) > MaxRedirects:
			reason = fmt.Sprintf("more than %d redirects", MaxRedirects)
		}
		if reason != "" {
			c.logger().WarnContext(req.Context(), "upstream redirect refused", slog.String("source", c.Source),
				slog.String("from", first.Redacted()), slog.String("to_host", req.URL.Scheme+"://"+req.URL.Host),
				slog.String("reason", reason))
			return &redirectError{reason: reason}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &clone
}

// SendRepository sends one write (Send) whose answer is the forge's repository object W and
// returns convert's Repository of it. Every failure, of the request or of the conversion, goes
// through providers.Ambiguous with what and check, since the write may have reached the forge (the
// request is never sent twice: Send does not retry writes).
func SendRepository[W any](ctx context.Context, c *Client, token, method, path string, body any,
	convert func(*W) (providers.Repository, error), what, check string) (*providers.Repository, error) {
	var w W
	if _, err := c.Send(ctx, token, method, path, body, &w); err != nil {
		return nil, providers.Ambiguous(err, c.Source, what, check)
	}
	r, err := convert(&w)
	if err != nil {
		return nil, providers.Ambiguous(err, c.Source, what, check)
	}
	return &r, nil
}
