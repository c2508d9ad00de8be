package config

import (
	"strings"
	"testing"
	"time"
)

func load(env map[string]string) (Config, error) {
	return Load(func(k string) string { return env[k] })
}

func TestDefaultsAndDemo(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Demo || c.Addr != ":8080" || c.LoopbackOnly || c.UpstreamTimeout != 10*time.Second || c.Settings["CODEARTS_API_VERSION"] != "v4" ||
		c.MaxRepositories != 10000 || !c.RandomSecret || len(c.CursorSecret) != 32 {
		t.Fatalf("%+v", c)
	}
}

func TestLoopbackRule(t *testing.T) {
	c, _ := load(map[string]string{"GITHUB_TOKEN": "t", "PORT": "9000"})
	if !c.LoopbackOnly || c.Addr != "127.0.0.1:9000" || c.Demo || strings.Join(c.Sources, ",") != "github" {
		t.Fatalf("token without gateway key: %+v", c)
	}
	c, _ = load(map[string]string{"GITHUB_TOKEN": "t", "GATEWAY_API_KEY": "a, b", "PORT": "9000"})
	if c.LoopbackOnly || c.Addr != ":9000" || len(c.GatewayKeys) != 2 {
		t.Fatalf("token with gateway key: %+v", c)
	}
	// Per-request tokens only: sources enabled, no server-held token, any address.
	c, _ = load(map[string]string{"PROVIDERS": "github,GitLab"})
	if c.LoopbackOnly || c.Demo || strings.Join(c.Sources, ",") != "github,gitlab" {
		t.Fatalf("PROVIDERS only: %+v", c)
	}
}

func TestClearErrors(t *testing.T) {
	for env, want := range map[string]string{
		"PROVIDERS=github,sourceforge":   "use a comma list",
		"PORT=http":                      "not a port",
		"UPSTREAM_TIMEOUT=10":            "Go duration",
		"PROVIDERS=codearts":             "CODEARTS_API_URL",
		"CODEARTS_API_VERSION=v3":        "use v4 or v2",
		"MAX_REPOSITORIES_PER_SOURCE=-4": "positive whole number",
		"LOG_LEVEL=loud":                 "debug, info",
		"ALLOW_MUTATIONS=yes":            "use true or false",
	} {
		k, v, _ := strings.Cut(env, "=")
		_, err := load(map[string]string{k: v})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: %v, want it to say %q", env, err, want)
		}
	}
}

// TestCORSAnyOriginWithServerTokens: CORS_ALLOWED_ORIGINS=* with server-held tokens and no gateway
// key stops the server with a message naming the variable; with a gateway key it starts with a
// warning; with per-request tokens only it is fine.
func TestCORSAnyOriginWithServerTokens(t *testing.T) {
	_, err := load(map[string]string{"GITHUB_TOKEN": "t", "CORS_ALLOWED_ORIGINS": "https://a.example, *"})
	if err == nil || !strings.Contains(err.Error(), "CORS_ALLOWED_ORIGINS") || !strings.Contains(err.Error(), "GATEWAY_API_KEY") {
		t.Fatalf("* with a server-held token and no gateway key: %v, want an error naming CORS_ALLOWED_ORIGINS", err)
	}
	c, err := load(map[string]string{"GITHUB_TOKEN": "t", "GATEWAY_API_KEY": "k", "CORS_ALLOWED_ORIGINS": "*"})
	if err != nil || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "CORS_ALLOWED_ORIGINS") {
		t.Fatalf("* with a gateway key: %v, warnings %q", err, c.Warnings)
	}
	for _, env := range []map[string]string{
		{"PROVIDERS": "github", "CORS_ALLOWED_ORIGINS": "*"},
		{"GITHUB_TOKEN": "t", "CORS_ALLOWED_ORIGINS": "https://a.example"},
	} {
		if c, err := load(env); err != nil || len(c.Warnings) != 0 {
			t.Fatalf("%v: %v, warnings %q", env, err, c.Warnings)
		}
	}
}

func TestMetricsAddr(t *testing.T) {
	c, err := load(map[string]string{"METRICS_ADDR": "127.0.0.1:9090"})
	if err != nil || c.MetricsAddr != "127.0.0.1:9090" {
		t.Fatalf("%v %q", err, c.MetricsAddr)
	}
	if c, _ := load(nil); c.MetricsAddr != "" {
		t.Fatalf("default METRICS_ADDR %q", c.MetricsAddr)
	}
	for _, bad := range []string{"9090", "localhost", "127.0.0.1:http", "[::1]:99999"} {
		if _, err := load(map[string]string{"METRICS_ADDR": bad}); err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
			t.Fatalf("METRICS_ADDR=%s: %v", bad, err)
		}
	}
}

func TestStaleIfError(t *testing.T) {
	for env, want := range map[string]time.Duration{"": 24 * time.Hour, "0": 0, "90m": 90 * time.Minute} {
		c, err := Load(func(k string) string { return map[string]string{"STALE_IF_ERROR": env}[k] })
		if err != nil || c.StaleIfError != want {
			t.Fatalf("STALE_IF_ERROR=%q: %v %v", env, c.StaleIfError, err)
		}
	}
	if _, err := Load(func(k string) string { return map[string]string{"STALE_IF_ERROR": "soon"}[k] }); err == nil ||
		!strings.Contains(err.Error(), "STALE_IF_ERROR") {
		t.Fatalf("bad value: %v", err)
	}
}

// TestAllowMutations: ALLOW_MUTATIONS is off by default and on with true (any case) or 1.
func TestAllowMutations(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, "0": false, "true": true, "TRUE": true, "1": true} {
		c, err := load(map[string]string{"ALLOW_MUTATIONS": v})
		if err != nil || c.AllowMutations != want {
			t.Fatalf("ALLOW_MUTATIONS=%q: %v, %v", v, c.AllowMutations, err)
		}
	}
}
