package rest

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// Options are the behaviours every forge client shares, configured once by the server and passed
// through each forge package's Config. The zero value retries nothing, tracks no rate limit and
// observes nothing.
type Options struct {
	// Retries is how many times a GET or HEAD (never another method) is retried after a 502, 503
	// or 504 answer or a broken connection (never after a timeout or another status); at most
	// MaxRetries.
	Retries int
	// Backoff is the base delay before the first retry (doubled each time, with ±50 % jitter);
	// zero means DefaultBackoff.
	Backoff time.Duration
	// Limits keeps each credential's rate-limit state per source; when the forge said a quota is
	// spent, requests fail with KindRateLimited at once until its reset. It also remembers a
	// credential the forge rejected (401) for RejectedFor, failing requests with it with KindUnauth
	// at once. Nil tracks nothing.
	Limits cache.Cache[Rate]
	// Observe, when set, is called after every upstream attempt with the source, the HTTP status
	// (0 for a transport failure) and its duration; it feeds metrics.
	Observe func(source string, status int, d time.Duration)
	// Breakers, when set, stop requests to a source's host after repeated failures (see Breakers);
	// nil sends every request.
	Breakers *Breakers
	// Logger receives the forge's error texts, unreadable bodies and refused redirects, logged with
	// the request's context (so a handler can add its request id); nil means slog.Default().
	Logger *slog.Logger
}

// RejectedFor is how long a credential the forge answered 401 to is refused without asking the
// forge again (per source, kept in Options.Limits).
const RejectedFor = 30 * time.Second

// MaxRetries bounds Options.Retries.
const MaxRetries = 2

// DefaultBackoff is the base retry delay.
const DefaultBackoff = 100 * time.Millisecond

// maxRetryWait is the longest Retry-After a retry waits for; a longer one ends the retries.
const maxRetryWait = 2 * time.Second

// LimitKey is the key of a credential's rate-limit state for a source; it holds a hash of the token.
func LimitKey(source, token string) string {
	return "rate|" + source + "|" + providers.HashToken(token)
}

// rejectedKey is the key under which a credential the forge rejected is remembered for a source.
// It holds a hash of the token; the value is a Rate whose Reset is when the memory ends.
func rejectedKey(source, token string) string {
	return "rejected|" + source + "|" + providers.HashToken(token)
}

// spent returns the error to answer at once, without asking the forge: the credential was rejected
// (401) within RejectedFor, or its quota is known to be spent.
func (c *Client) spent(ctx context.Context, token string) *providers.Error {
	if c.Options.Limits == nil {
		return nil
	}
	if r, ok := c.Options.Limits.Get(ctx, rejectedKey(c.Source, token)); ok && time.Now().Before(r.Reset) {
		return c.errorf(providers.KindUnauth, nil, "token rejected (HTTP 401) in the last %s: check that the token is valid and not expired", RejectedFor)
	}
	r, ok := c.Options.Limits.Get(ctx, LimitKey(c.Source, token))
	if !ok || !r.Known || r.Remaining != 0 || !time.Now().Before(r.Reset) {
		return nil
	}
	e := c.errorf(providers.KindRateLimited, nil, "rate limit spent; not asking the forge again until %s", r.Reset.UTC().Format(time.RFC3339))
	e.ResetAt = r.Reset
	return e
}

// remember stores what an answer said about the credential: its quota, and whether the forge
// rejected it.
func (c *Client) remember(ctx context.Context, token string, r Rate, err *providers.Error) {
	if c.Options.Limits == nil {
		return
	}
	if err != nil && err.Kind == providers.KindUnauth {
		c.Options.Limits.Set(ctx, rejectedKey(c.Source, token), Rate{Reset: time.Now().Add(RejectedFor)}, RejectedFor)
	}
	if err != nil && err.Kind == providers.KindRateLimited && !err.ResetAt.IsZero() {
		r = Rate{Known: true, Limit: r.Limit, Remaining: 0, Reset: err.ResetAt}
	}
	if !r.Known {
		return
	}
	ttl := time.Until(r.Reset)
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if ttl > 2*time.Hour {
		ttl = 2 * time.Hour
	}
	c.Options.Limits.Set(ctx, LimitKey(c.Source, token), r, ttl)
}

// RateFor returns the last rate-limit state the forge reported for token, and whether there is one.
func (c *Client) RateFor(ctx context.Context, token string) (Rate, bool) {
	if c.Options.Limits == nil {
		return Rate{}, false
	}
	return c.Options.Limits.Get(ctx, LimitKey(c.Source, token))
}

// retryable reports whether an attempt's outcome is worth another try, and how long to wait at
// least (a Retry-After).
func retryable(resp *http.Response, err error) (bool, time.Duration) {
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return false, 0
		}
		return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
			errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE), 0
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if at := RetryAfter(resp.Header, time.Now()); !at.IsZero() {
			wait := time.Until(at)
			return wait <= maxRetryWait, max(wait, 0)
		}
		return true, 0
	}
	return false, 0
}

// backoff returns the delay before retry number i (0-based): base·2^i with ±50 % jitter, at least
// floor.
func (c *Client) backoff(i int, floor time.Duration) time.Duration {
	base := c.Options.Backoff
	if base <= 0 {
		base = DefaultBackoff
	}
	d := base << i
	d = d/2 + time.Duration(rand.Int64N(int64(d)))
	return max(d, floor)
}

// sleep waits d or until ctx ends; it reports whether the wait completed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
