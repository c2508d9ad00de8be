package rest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/forgegraph/forgegraph/providers"
)

// maxLogged bounds how much of a forge's answer goes into a log line.
const maxLogged = 300

// NoToken is the error of a call made without a credential (KindUnauth): it says where to set
// one. Do returns it before any request; a source method that would reach Do only after other
// work returns it first.
func (c *Client) NoToken() *providers.Error {
	if c.TokenEnv == "" || c.TokenHeader == "" {
		return c.errorf(providers.KindUnauth, nil, "no token: set the server's token for %s or send it in the request's header", c.Source)
	}
	return c.errorf(providers.KindUnauth, nil, "no token: set %s on the server or send the %s header", c.TokenEnv, c.TokenHeader)
}

func (c *Client) errorf(kind providers.Kind, cause error, format string, args ...any) *providers.Error {
	e := providers.Errorf(kind, c.Source, format, args...)
	e.Err = cause
	return e
}

// logger is Options.Logger, else slog.Default().
func (c *Client) logger() *slog.Logger {
	if c.Options.Logger != nil {
		return c.Options.Logger
	}
	return slog.Default()
}

// snippet returns at most maxLogged bytes of s, cut at a rune boundary, with token (when not "")
// replaced, so that a forge echoing the credential does not put it in the logs.
func snippet(s, token string) string {
	if token != "" {
		s = strings.ReplaceAll(s, token, "[token]")
	}
	if len(s) > maxLogged {
		cut := maxLogged
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func (c *Client) transportError(ctx context.Context, err error) *providers.Error {
	var ne net.Error
	var re *redirectError
	switch {
	case errors.As(err, &re):
		return c.errorf(providers.KindBadResponse, nil,
			"the forge answered with a redirect that was not followed (%s): check the configured API URL", re.reason)
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout()):
		return c.errorf(providers.KindTimeout, nil, "no answer in time")
	case errors.Is(err, context.Canceled):
		return c.errorf(providers.KindUnavailable, nil, "request canceled")
	}
	// The cause of a url.Error names the URL, never a header, so it carries no token.
	return c.errorf(providers.KindUnavailable, err, "cannot reach the forge")
}

// statusError maps a failed answer to its error. The message holds the status and a fixed
// description only: the forge's own words (ErrorMessage, else the start of the body) go to the log,
// with the request's context so the line carries its request id.
func (c *Client) statusError(ctx context.Context, req *Request, r *Response, token string) *providers.Error {
	msg := ""
	if c.ErrorMessage != nil {
		msg = c.ErrorMessage(r.Body)
	}
	if msg == "" {
		msg = string(r.Body)
	}
	// A 404 is an ordinary answer (a repository not visible, Bitbucket's end of a list): not a warning.
	level := slog.LevelWarn
	if r.Status == http.StatusNotFound {
		level = slog.LevelInfo
	}
	c.logger().LogAttrs(ctx, level, "upstream request failed", slog.String("source", c.Source),
		slog.String("method", req.Method), slog.String("path", req.Path), slog.Int("status", r.Status),
		slog.String("forge_message", snippet(msg, token)))
	retryAt := RetryAfter(r.Header, time.Now())
	var e *providers.Error
	switch {
	case r.Status == http.StatusUnauthorized:
		e = c.errorf(providers.KindUnauth, nil, "token rejected (HTTP 401 Unauthorized): check that the token is valid and not expired")
	case r.Status == http.StatusTooManyRequests,
		r.Status == http.StatusForbidden && ((r.Rate.Known && r.Rate.Remaining == 0) || !retryAt.IsZero()):
		e = c.errorf(providers.KindRateLimited, nil, "rate limit exceeded (HTTP %d %s)", r.Status, http.StatusText(r.Status))
		e.ResetAt = retryAt
		if e.ResetAt.IsZero() && r.Rate.Known {
			e.ResetAt = r.Rate.Reset
		}
	case r.Status == http.StatusForbidden:
		e = c.errorf(providers.KindForbidden, nil, "access denied (HTTP 403 Forbidden): the token lacks a permission or scope this needs")
	case r.Status == http.StatusNotFound:
		e = c.errorf(providers.KindNotFound, nil, "not found (HTTP 404 Not Found), or not visible to this token")
	case !req.Idempotent() && (r.Status == http.StatusConflict || r.Status == http.StatusUnprocessableEntity || r.Status == http.StatusBadRequest):
		if c.WriteError != nil {
			if e = c.WriteError(r.Status, r.Body); e != nil {
				e.Source = c.Source
				break
			}
		}
		if r.Status == http.StatusConflict {
			e = c.errorf(providers.KindConflict, nil, "conflict (HTTP 409 Conflict): the name may be taken")
		} else {
			e = c.errorf(providers.KindBadInput, nil, "the forge refused the input (HTTP %d %s): check the name and fields", r.Status, http.StatusText(r.Status))
		}
	case r.Status >= 500:
		e = c.errorf(providers.KindUnavailable, nil, "forge error (HTTP %d %s)", r.Status, http.StatusText(r.Status))
	default:
		e = c.errorf(providers.KindBadResponse, nil, "unexpected answer (%w)", &StatusError{Status: r.Status})
	}
	return e
}

// StatusError is the HTTP status of an answer the client has no meaning for (the KindBadResponse
// "unexpected answer" errors wrap it), so a forge package that knows what that status means for
// one endpoint can tell it from the others with StatusOf instead of reading the message.
type StatusError struct {
	// Status is the HTTP status code the forge answered.
	Status int
}

// Error returns "HTTP 405 Method Not Allowed".
func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Status, http.StatusText(e.Status))
}

// StatusOf returns the HTTP status of an unexpected answer err wraps (see StatusError), 0 when it
// wraps none.
func StatusOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// Decode decodes a body into v. When it is not the JSON expected it fails with KindBadResponse
// naming the source; the start of the body is logged with ctx (so with its request id), never put
// in the error.
func (c *Client) Decode(ctx context.Context, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		c.logger().LogAttrs(ctx, slog.LevelWarn, "upstream answer is not the JSON expected", slog.String("source", c.Source),
			slog.String("error", err.Error()), slog.String("body", snippet(string(body), "")))
		return c.errorf(providers.KindBadResponse, nil, "answer is not the JSON expected")
	}
	return nil
}

// DecodeJSON is Decode without a request context (its log line carries no request id); prefer
// Decode.
func (c *Client) DecodeJSON(body []byte, v any) error {
	return c.Decode(context.Background(), body, v)
}

// Reported is the error for a failure the forge reported in the body of an answer whose status
// said success (CodeArts' error bodies with HTTP 200): KindBadResponse naming the status. msg, the
// forge's words, is logged with ctx, never put in the error.
func (c *Client) Reported(ctx context.Context, status int, msg string) *providers.Error {
	c.logger().LogAttrs(ctx, slog.LevelWarn, "upstream reported a failure", slog.String("source", c.Source),
		slog.Int("status", status), slog.String("forge_message", snippet(msg, "")))
	return c.errorf(providers.KindBadResponse, nil, "the forge reported a failure in its answer (HTTP %d)", status)
}
