package rest

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

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
