// Package config reads forgegraph's configuration from the environment (names fixed by the contract)
// and validates it, so a mistake is reported at start with what to change.
package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forgegraph/forgegraph/providers/registry"
)

// SourceNames are the sources PROVIDERS may name, in the order they are built (the registry's).
var SourceNames = registry.Names()

// Config is the validated configuration. The zero value is not meaningful: use Load.
type Config struct {
	// Addr is the listen address: ":PORT", or "127.0.0.1:PORT" under the loopback rule.
	Addr string
	// LoopbackOnly is set when server-held tokens are configured without GATEWAY_API_KEY.
	LoopbackOnly bool
	// GatewayKeys are the accepted bearer keys for /graphql; empty means no key is needed.
	GatewayKeys []string
	// Sources are the enabled source names; empty means demo mode.
	Sources []string
	// Demo is set when no source is enabled: the embedded demo data is served.
	Demo bool
	// AllowMutations (ALLOW_MUTATIONS=true) lets mutations use server-held tokens; false: only
	// per-request header credentials (and demo mode) may mutate.
	AllowMutations bool
	// PlainExecution (DIRECT_LISTS=off) runs every query through gqlgen's executor; false (the
	// default) lets graph.Direct write list queries' answers itself (the same bytes, less CPU).
	PlainExecution bool
	// Tokens are the server-held tokens by source name ("" when none).
	Tokens map[string]string
	// URLs are the configured API base URLs by source name ("" means the source's default).
	URLs map[string]string
	// Settings are the sources' extra settings (registry.Setting) by variable name, each validated
	// and defaulted, e.g. Settings["CODEARTS_API_VERSION"] = "v4".
	Settings map[string]string
	// UpstreamTimeout bounds each upstream request.
	UpstreamTimeout time.Duration
	// CursorSecret signs cursors; RandomSecret tells it was generated for this process.
	CursorSecret []byte
	RandomSecret bool
	// CORSOrigins are the allowed browser origins; empty allows none, "*" all.
	CORSOrigins []string
	// MetricsAddr, when set (METRICS_ADDR, e.g. "127.0.0.1:9090"), is the address of a separate
	// listener that serves /metrics without the gateway key; the main port then does not serve
	// /metrics. "" serves /metrics on the main port (behind the gateway key when there is one).
	MetricsAddr string
	// Warnings are configuration risks that do not stop the server: the server logs each one at
	// start, at level warn. Empty when there are none.
	Warnings []string
	// MaxRepositories bounds a whole list read for a local sort (MAX_REPOSITORIES_PER_SOURCE).
	MaxRepositories int
	// CacheTTL is how long upstream pages and whole lists are fresh (CACHE_TTL).
	CacheTTL time.Duration
	// StaleIfError is how long a fetched page is kept to be served when its forge fails
	// (STALE_IF_ERROR, default 24h); zero turns stale-if-error off.
	StaleIfError time.Duration
	// ResponseCacheTTL is how long an identical request is answered from the previous answer
	// (RESPONSE_CACHE_TTL, default 1s; 0 disables it).
	ResponseCacheTTL time.Duration
	// CacheMaxBytes bounds the memory of the in-process caches of upstream pages and whole lists
	// (CACHE_MAX_MB, default 256; half for each) and of replayed answers (an eighth more, at most
	// 32 MiB).
	CacheMaxBytes int64
	// MaxBodyBytes bounds a request body (MAX_BODY_BYTES).
	MaxBodyBytes int64
	// LogLevel is debug, info, warn or error (LOG_LEVEL).
	LogLevel string
	// RedisURL is the Redis through which replicas share upstream pages, whole lists, rate-limit state
	// and persisted queries (REDIS_URL); "" keeps them in memory. It may hold a password: never log it.
	RedisURL string
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Load reads the configuration through getenv (os.Getenv in production). It fails with a message
// naming the variable and the fix for any invalid value.
func Load(getenv func(string) string) (Config, error) {
	c := Config{Tokens: map[string]string{}, URLs: map[string]string{}, Settings: map[string]string{}}
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return c, fmt.Errorf("PORT=%q is not a port number (0-65535)", port)
	}
	c.GatewayKeys = splitList(getenv("GATEWAY_API_KEY"))
	anyToken := false
	for _, f := range registry.All() {
		c.Tokens[f.Name] = strings.TrimSpace(getenv(f.TokenVar))
		c.URLs[f.Name] = strings.TrimSpace(getenv(f.URLVar))
		anyToken = anyToken || c.Tokens[f.Name] != ""
	}
	if v := getenv("PROVIDERS"); strings.TrimSpace(v) != "" {
		for _, s := range splitList(strings.ToLower(v)) {
			if !slices.Contains(SourceNames, s) {
				return c, fmt.Errorf("PROVIDERS names %q: use a comma list of %s", s, strings.Join(SourceNames, ","))
			}
			if !slices.Contains(c.Sources, s) {
				c.Sources = append(c.Sources, s)
			}
		}
	} else {
		for _, s := range SourceNames {
			if c.Tokens[s] != "" {
				c.Sources = append(c.Sources, s)
			}
		}
	}
	c.Demo = len(c.Sources) == 0
	if err := sourceSettings(&c, getenv); err != nil {
		return c, err
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("ALLOW_MUTATIONS"))); v {
	case "", "false", "0":
	case "true", "1":
		c.AllowMutations = true
	default:
		return c, fmt.Errorf("ALLOW_MUTATIONS=%q is not a boolean: use true or false (default false)", v)
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("DIRECT_LISTS"))); v {
	case "", "on", "true", "1":
	case "off", "false", "0":
		c.PlainExecution = true
	default:
		return c, fmt.Errorf("DIRECT_LISTS=%q is not on or off: use on (the default) or off (every query through gqlgen's executor)", v)
	}
	var err error
	if c.UpstreamTimeout, err = duration(getenv, "UPSTREAM_TIMEOUT", 10*time.Second); err != nil {
		return c, err
	}
	if c.CacheTTL, err = duration(getenv, "CACHE_TTL", 60*time.Second); err != nil {
		return c, err
	}
	if v := getenv("STALE_IF_ERROR"); v == "0" {
		c.StaleIfError = 0
	} else if c.StaleIfError, err = duration(getenv, "STALE_IF_ERROR", 24*time.Hour); err != nil {
		return c, err
	}
	if v := getenv("RESPONSE_CACHE_TTL"); v == "0" {
		c.ResponseCacheTTL = 0
	} else if c.ResponseCacheTTL, err = duration(getenv, "RESPONSE_CACHE_TTL", time.Second); err != nil {
		return c, err
	}
	if c.MaxRepositories, err = integer(getenv, "MAX_REPOSITORIES_PER_SOURCE", 10000); err != nil {
		return c, err
	}
	mb, err := integer(getenv, "CACHE_MAX_MB", 256)
	if err != nil {
		return c, err
	}
	c.CacheMaxBytes = int64(mb) << 20
	body, err := integer(getenv, "MAX_BODY_BYTES", 1<<20)
	if err != nil {
		return c, err
	}
	c.MaxBodyBytes = int64(body)
	if s := getenv("CURSOR_SECRET"); s != "" {
		c.CursorSecret = []byte(s)
	} else {
		c.CursorSecret = make([]byte, 32)
		_, _ = rand.Read(c.CursorSecret)
		c.RandomSecret = true
	}
	c.CORSOrigins = splitList(getenv("CORS_ALLOWED_ORIGINS"))
	if slices.Contains(c.CORSOrigins, "*") && anyToken {
		if len(c.GatewayKeys) == 0 {
			return c, fmt.Errorf("CORS_ALLOWED_ORIGINS=* with server-held forge tokens and no GATEWAY_API_KEY would let any web page read your repositories through a visitor's browser: list the origins that may call /graphql (e.g. CORS_ALLOWED_ORIGINS=https://dashboard.example.com), or set GATEWAY_API_KEY")
		}
		c.Warnings = append(c.Warnings, "CORS_ALLOWED_ORIGINS=* with server-held forge tokens: any web page whose script holds the GATEWAY_API_KEY can read the repositories of those tokens; list the allowed origins instead of *")
	}
	if c.MetricsAddr = strings.TrimSpace(getenv("METRICS_ADDR")); c.MetricsAddr != "" {
		if _, p, err := net.SplitHostPort(c.MetricsAddr); err != nil || p == "" {
			return c, fmt.Errorf("METRICS_ADDR=%q is not a listen address: use host:port, e.g. 127.0.0.1:9090 (or :9090 for every interface)", c.MetricsAddr)
		} else if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
			return c, fmt.Errorf("METRICS_ADDR=%q: the port is not a port number (0-65535); use host:port, e.g. 127.0.0.1:9090", c.MetricsAddr)
		}
	}
	c.LogLevel = strings.ToLower(getenv("LOG_LEVEL"))
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		return c, fmt.Errorf("LOG_LEVEL=%q: use debug, info, warn or error", c.LogLevel)
	}
	if c.RedisURL = strings.TrimSpace(getenv("REDIS_URL")); c.RedisURL != "" {
		if _, err := redis.ParseURL(c.RedisURL); err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // url.Error repeats the URL, password included
			}
			return c, fmt.Errorf("REDIS_URL is not a valid Redis URL (%v): use redis://[user:password@]host:6379/0, or rediss:// for TLS", err)
		}
	}
	c.Addr = ":" + port
	if anyToken && len(c.GatewayKeys) == 0 {
		c.LoopbackOnly = true
		c.Addr = "127.0.0.1:" + port
	}
	return c, nil
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q is not a positive Go duration such as 10s or 1m30s", name, v)
	}
	return d, nil
}

func integer(getenv func(string) string, name string, def int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s=%q is not a positive whole number", name, v)
	}
	return n, nil
}
