package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/metrics"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/internal/testkit"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// edgeServer is the real handler with metrics, over one GitHub source holding a server-held
// token, with env as the configuration; logs go to logs when not nil.
func edgeServer(t *testing.T, env map[string]string, logs io.Writer) *httptest.Server {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if logs == nil {
		logs = io.Discard
	}
	src := providertest.NewSource("github", repos(rand.New(rand.NewPCG(1, 1)), providers.GitHub, "octo", 3))
	h := server.New(server.Deps{Config: cfg, Sources: []providers.Source{src}, Tokens: map[string]string{"github": src.Token},
		Pages:   pages.New(cache.NewMemory[pages.Entry](100), time.Minute, 0),
		Metrics: metrics.New(),
		Logger:  slog.New(requestid.LogHandler{Handler: slog.NewJSONHandler(logs, nil)})})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// send does one request with headers (name, value pairs; "Host" sets the Host header) and returns
// the status, the body and the response headers.
func send(t *testing.T, method, u string, headers ...string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// errorCode is extensions.code of the first error of a GraphQL-shaped body.
func errorCode(t *testing.T, body string) string {
	t.Helper()
	var r struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || len(r.Errors) == 0 {
		t.Fatalf("body %q is not a GraphQL error: %v", body, err)
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

const typenameURL = "/graphql?query=%7B__typename%7D"

// TestGatewaySchemeCaseInsensitive: "bearer", "BEARER" and "Bearer" are the same auth scheme
// (RFC 7235); another scheme or no key is refused.
func TestGatewaySchemeCaseInsensitive(t *testing.T) {
	ts := edgeServer(t, map[string]string{"GATEWAY_API_KEY": "k1"}, nil)
	for auth, want := range map[string]int{
		"Bearer k1": 200, "bearer k1": 200, "BEARER  k1 ": 200, "Basic k1": 401, "k1": 401, "bearer": 401, "bearer k2": 401,
	} {
		if got, body, _ := send(t, http.MethodGet, ts.URL+typenameURL, "Authorization", auth); got != want {
			t.Errorf("Authorization %q: status %d (%s), want %d", auth, got, body, want)
		}
	}
}

// TestMetricsNeedTheGatewayKey: with GATEWAY_API_KEY, /metrics needs it as /graphql does; with
// METRICS_ADDR, the main handler does not serve /metrics at all (MetricsHandler does, without key).
func TestMetricsNeedTheGatewayKey(t *testing.T) {
	ts := edgeServer(t, map[string]string{"GATEWAY_API_KEY": "k1"}, nil)
	if got, body, h := send(t, http.MethodGet, ts.URL+"/metrics"); got != 401 || errorCode(t, body) != "UNAUTHENTICATED" || h.Get("WWW-Authenticate") == "" {
		t.Fatalf("/metrics without the key: %d %s", got, body)
	}
	if got, _, _ := send(t, http.MethodGet, ts.URL+"/metrics", "Authorization", "Bearer wrong"); got != 401 {
		t.Fatalf("/metrics with a wrong key: %d", got)
	}
	if got, body, _ := send(t, http.MethodGet, ts.URL+"/metrics", "Authorization", "bearer k1"); got != 200 || !strings.Contains(body, "forgegraph_") {
		t.Fatalf("/metrics with the key: %d", got)
	}
	// No gateway key: /metrics is open, as before.
	open := edgeServer(t, nil, nil)
	if got, _, _ := send(t, http.MethodGet, open.URL+"/metrics"); got != 200 {
		t.Fatalf("/metrics without GATEWAY_API_KEY: %d", got)
	}

	cfg, err := config.Load(func(k string) string {
		return map[string]string{"GATEWAY_API_KEY": "k1", "METRICS_ADDR": "127.0.0.1:9090"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	d := server.Deps{Config: cfg, Pages: pages.New(cache.NewMemory[pages.Entry](10), time.Minute, 0), Metrics: metrics.New(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	main := httptest.NewServer(server.New(d))
	defer main.Close()
	if got, _, _ := send(t, http.MethodGet, main.URL+"/metrics", "Authorization", "Bearer k1"); got != 404 {
		t.Fatalf("/metrics on the main port with METRICS_ADDR set: %d, want 404", got)
	}
	side := httptest.NewServer(server.MetricsHandler(d))
	defer side.Close()
	if got, body, _ := send(t, http.MethodGet, side.URL+"/metrics"); got != 200 || !strings.Contains(body, "forgegraph_") {
		t.Fatalf("/metrics on the metrics listener without a key: %d", got)
	}
	if got, _, _ := send(t, http.MethodGet, side.URL+"/graphql"); got != 404 {
		t.Fatalf("/graphql on the metrics listener: %d, want 404", got)
	}
}

// TestLoopbackHostCheck: a loopback-only server (server-held token, no gateway key) answers only
// Host localhost, 127.0.0.1 and [::1], on every path; another Host (DNS rebinding) gets 421 and a
// warning with the request id. With a gateway key any Host is served.
func TestLoopbackHostCheck(t *testing.T) {
	var logs testkit.SyncBuffer
	ts := edgeServer(t, map[string]string{"GITHUB_TOKEN": "held"}, &logs)
	paths := []string{typenameURL, "/", "/dashboard", "/metrics", "/healthz"}
	for _, host := range []string{"localhost", "localhost:8080", "LOCALHOST:1", "127.0.0.1", "127.0.0.1:8080", "[::1]", "[::1]:8080"} {
		for _, p := range paths {
			if got, body, _ := send(t, http.MethodGet, ts.URL+p, "Host", host); got != 200 {
				t.Fatalf("Host %q %s: %d %s", host, p, got, body)
			}
		}
	}
	for _, host := range []string{"attacker.example", "attacker.example:8080", "localhost.attacker.example", "127.0.0.1.nip.io", "localhost:", "localhost:80a", "[::2]:80"} {
		for _, p := range paths {
			got, body, h := send(t, http.MethodGet, ts.URL+p, "Host", host)
			if got != http.StatusMisdirectedRequest || errorCode(t, body) != "FORBIDDEN" || !strings.Contains(body, "localhost") || !strings.Contains(body, "GATEWAY_API_KEY") {
				t.Fatalf("Host %q %s: %d %s, want 421 saying to use localhost or set GATEWAY_API_KEY", host, p, got, body)
			}
			if id := h.Get(requestid.Header); id == "" || !strings.Contains(logs.String(), `"request_id":"`+id+`"`) {
				t.Fatalf("Host %q %s: no warning with request id %q in the log:\n%s", host, p, id, logs.String())
			}
		}
	}
	if !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), "attacker.example") {
		t.Fatalf("no warning naming the host:\n%s", logs.String())
	}
	keyed := edgeServer(t, map[string]string{"GITHUB_TOKEN": "held", "GATEWAY_API_KEY": "k"}, nil)
	if got, _, _ := send(t, http.MethodGet, keyed.URL+"/healthz", "Host", "forgegraph.example"); got != 200 {
		t.Fatalf("with a gateway key, another Host: %d", got)
	}
}

// TestCrossSiteGETs: a GET the browser marks cross-site is refused (403, FORBIDDEN) unless its
// Origin is allowed by CORS_ALLOWED_ORIGINS (or * is); other Sec-Fetch-Site values, POSTs and
// requests without the header pass.
func TestCrossSiteGETs(t *testing.T) {
	ts := edgeServer(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://dash.example"}, nil)
	u := ts.URL + typenameURL
	for _, c := range []struct {
		site, origin string
		want         int
	}{
		{"cross-site", "", 403},
		{"cross-site", "https://evil.example", 403},
		{"Cross-Site", "https://evil.example", 403},
		{"cross-site", "https://dash.example", 200},
		{"same-origin", "", 200},
		{"same-site", "", 200},
		{"none", "", 200},
		{"", "", 200},
	} {
		got, body, _ := send(t, http.MethodGet, u, "Sec-Fetch-Site", c.site, "Origin", c.origin)
		if got != c.want {
			t.Fatalf("Sec-Fetch-Site %q Origin %q: %d %s, want %d", c.site, c.origin, got, body, c.want)
		}
		if got == 403 && (errorCode(t, body) != "FORBIDDEN" || !strings.Contains(body, "POST") || !strings.Contains(body, "CORS_ALLOWED_ORIGINS")) {
			t.Fatalf("refusal does not say how to fix it: %s", body)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", strings.NewReader(`{"query":"{__typename}"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("a cross-site POST is CORS's business: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	anyOrigin := edgeServer(t, map[string]string{"CORS_ALLOWED_ORIGINS": "*"}, nil)
	if got, _, _ := send(t, http.MethodGet, anyOrigin.URL+"/graphql?query="+url.QueryEscape("{__typename}"), "Sec-Fetch-Site", "cross-site"); got != 200 {
		t.Fatalf("with CORS_ALLOWED_ORIGINS=*: %d", got)
	}
}

// TestCORSDefaultAllowsNoOrigin: without CORS_ALLOWED_ORIGINS no origin is allowed (rs/cors alone
// allows every origin for an empty list); a listed origin is.
func TestCORSDefaultAllowsNoOrigin(t *testing.T) {
	preflight := func(ts *httptest.Server, origin string) string {
		_, _, h := send(t, http.MethodOptions, ts.URL+"/graphql", "Origin", origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
		return h.Get("Access-Control-Allow-Origin")
	}
	if got := preflight(edgeServer(t, nil, nil), "https://evil.example"); got != "" {
		t.Fatalf("no CORS_ALLOWED_ORIGINS: Access-Control-Allow-Origin %q", got)
	}
	listed := edgeServer(t, map[string]string{"CORS_ALLOWED_ORIGINS": "https://dash.example"}, nil)
	if got := preflight(listed, "https://dash.example"); got != "https://dash.example" {
		t.Fatalf("listed origin: Access-Control-Allow-Origin %q", got)
	}
	if got := preflight(listed, "https://evil.example"); got != "" {
		t.Fatalf("unlisted origin: Access-Control-Allow-Origin %q", got)
	}
}
