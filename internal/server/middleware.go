package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/graph"
	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TokenHeaders are the per-request credential headers by source name (each registry descriptor's).
var TokenHeaders = registry.Headers()

// CredentialHeaders returns the headers that carry a credential: Authorization (the gateway key)
// and every source's credential header, in the registry's order. CORS allows them, and the
// micro-cache keys answers on them, so one credential's answer is never replayed to another.
func CredentialHeaders() []string {
	out := []string{"Authorization"}
	for _, f := range registry.All() {
		out = append(out, f.Header)
	}
	return out
}

// writeError answers with a GraphQL-shaped error body and the given HTTP status.
func writeError(w http.ResponseWriter, r *http.Request, status int, kind providers.Kind, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	ext := map[string]any{"code": graph.Code(kind)}
	if id := requestid.From(r.Context()); id != "" {
		ext["requestId"] = id
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": ext}}})
}

// gateway requires "Authorization: Bearer <key>" with one of keys (see hasKey) when keys is not
// empty; otherwise HTTP 401. CORS preflights (OPTIONS) pass: browsers send them without credentials.
func gateway(keys []string, next http.Handler) http.Handler {
	if len(keys) == 0 {
		return next
	}
	has := hasKey(keys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodOptions && !has(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="forgegraph"`)
			writeError(w, r, http.StatusUnauthorized, providers.KindUnauth, "this server needs a gateway key: send the header Authorization: Bearer <GATEWAY_API_KEY>")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hasKey returns a check that a request's Authorization header is "Bearer <key>" with one of keys.
// The scheme is matched case-insensitively (RFC 7235: "bearer" and "BEARER" are Bearer); keys are
// compared in constant time, through their SHA-256 sums so their lengths do not show either.
func hasKey(keys []string) func(*http.Request) bool {
	sums := make([][32]byte, len(keys))
	for i, k := range keys {
		sums[i] = sha256.Sum256([]byte(k))
	}
	return func(r *http.Request) bool {
		got, ok := bearer(r.Header.Get("Authorization"))
		sum := sha256.Sum256([]byte(got))
		match := 0
		for _, s := range sums {
			match |= subtle.ConstantTimeCompare(sum[:], s[:])
		}
		return ok && match == 1
	}
}

// bearer returns the credentials of an Authorization header value with the Bearer scheme (in any
// case), trimmed; ok is false for another scheme or no credentials.
func bearer(header string) (key string, ok bool) {
	scheme, rest, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	key = strings.TrimSpace(rest)
	return key, key != ""
}

// bodyLimit refuses bodies over max bytes with HTTP 413.
func bodyLimit(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeError(w, r, http.StatusRequestEntityTooLarge, providers.KindBadInput, fmt.Sprintf("request body of %d bytes is over the limit of %d bytes: send a smaller query, or a persisted query's hash", r.ContentLength, max))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// credentials puts the request's credentials in its context: each source's header when sent, else the
// server-held token.
func credentials(held map[string]string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := providers.WithCredentials(r.Context(), requestCredentials(held, r))
		ctx = providers.WithHeaderSources(ctx, headerSources(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// headerSources names the sources whose credential r sends in its own header (mutations may use
// those without ALLOW_MUTATIONS).
func headerSources(r *http.Request) map[string]bool {
	m := map[string]bool{}
	for src, h := range TokenHeaders {
		if strings.TrimSpace(r.Header.Get(h)) != "" {
			m[src] = true
		}
	}
	return m
}

// requestCredentials are r's credentials by source: each source's header, else its server-held
// token in held.
func requestCredentials(held map[string]string, r *http.Request) providers.Credentials {
	c := make(providers.Credentials, len(TokenHeaders))
	for src, h := range TokenHeaders {
		if v := strings.TrimSpace(r.Header.Get(h)); v != "" {
			c[src] = v
		} else if held[src] != "" {
			c[src] = held[src]
		}
	}
	return c
}
