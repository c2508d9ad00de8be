package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// loopbackHostNames are the Host names a loopback-only server answers (compared case-insensitively,
// with or without a port).
var loopbackHostNames = []string{"localhost", "127.0.0.1", "[::1]"}

// loopbackHosts guards a server that listens on loopback only (server-held tokens without a gateway
// key) against DNS rebinding: a web page on a name the attacker controls, re-pointed at 127.0.0.1,
// reaches the server from the visitor's browser, same-origin for the browser, with the Host header
// of the attacker's name. Every request whose Host is not localhost, 127.0.0.1 or [::1] (any port)
// is answered 421 Misdirected Request and logged as a warning (with its request id).
func loopbackHosts(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isLoopbackHost(r.Host) {
			next.ServeHTTP(w, r)
			return
		}
		host := r.Host
		if len(host) > 256 {
			host = host[:256] + "…"
		}
		log.LogAttrs(r.Context(), slog.LevelWarn, "refused a request for a host name other than localhost (DNS rebinding?): this server holds forge tokens and listens on loopback only",
			slog.String("host", host), slog.String("method", r.Method), slog.String("path", r.URL.Path))
		writeError(w, r, http.StatusMisdirectedRequest, providers.KindForbidden, fmt.Sprintf(
			"this server holds forge tokens and answers only requests for localhost, 127.0.0.1 or [::1], not for the host %q: "+
				"open it as http://localhost:PORT, or set GATEWAY_API_KEY to serve it under other host names", host))
	})
}

// isLoopbackHost tells whether a Host header value names the loopback interface: localhost,
// 127.0.0.1 or [::1], optionally followed by ":port".
func isLoopbackHost(host string) bool {
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		name, port = host[:i], host[i+1:]
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return false
		}
	}
	for _, n := range loopbackHostNames {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// crossSiteGETs refuses GET requests that the browser marks Sec-Fetch-Site: cross-site (a page on
// another site loading /graphql through an image, a script tag, a link or a no-cors fetch), with
// HTTP 403 and a FORBIDDEN error, unless allowed(r) (CORS_ALLOWED_ORIGINS is * or names the
// request's Origin). same-origin, same-site and none (typed in the address bar), and requests
// without the header (non-browser clients), pass.
func crossSiteGETs(allowed func(*http.Request) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.EqualFold(strings.TrimSpace(r.Header.Get("Sec-Fetch-Site")), "cross-site") &&
			!allowed(r) {
			writeError(w, r, http.StatusForbidden, providers.KindForbidden,
				"cross-site GET requests to /graphql are refused: call it from an allowed origin with POST (a CORS request), "+
					"or add your page's origin to CORS_ALLOWED_ORIGINS")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// metricsAuth serves /metrics to requests with one of the gateway keys (the same
// "Authorization: Bearer <key>" as /graphql) when keys is not empty; others get HTTP 401.
func metricsAuth(keys []string, next http.Handler) http.Handler {
	if len(keys) == 0 {
		return next
	}
	has := hasKey(keys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !has(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="forgegraph"`)
			writeError(w, r, http.StatusUnauthorized, providers.KindUnauth,
				"/metrics needs the gateway key: send the header Authorization: Bearer <GATEWAY_API_KEY>, or set METRICS_ADDR to serve metrics on a separate (private) listener without it")
			return
		}
		next.ServeHTTP(w, r)
	})
}
