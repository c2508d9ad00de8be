package openhands_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/openhands/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

func TestErrors(t *testing.T) {
	reply := func(status int, body string, h ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(h); i += 2 {
				w.Header().Set(h[i], h[i+1])
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	cases := []struct {
		name    string
		h       http.Handler
		kind    providers.Kind
		msg     string
		timeout time.Duration
		reset   bool
		forge   string // the forge's own words: logged, never in the error
	}{
		{name: "401 from the fake", h: fake.New("other-key", nil), kind: providers.KindUnauth, msg: "HTTP 401", forge: "User is not authenticated"},
		{name: "401 bare string", h: reply(401, `"Git provider token required. (such as GitHub)."`), kind: providers.KindUnauth, msg: "HTTP 401", forge: "Git provider token required"},
		{name: "403", h: reply(403, `{"detail":"Forbidden: key lacks scope"}`), kind: providers.KindForbidden, msg: "HTTP 403", forge: "Forbidden: key lacks scope"},
		{name: "404", h: reply(404, `{"detail":"Not Found"}`), kind: providers.KindNotFound, msg: "Not Found"},
		{name: "429", h: reply(429, `{"detail":"Too many requests"}`, "Retry-After", "30"), kind: providers.KindRateLimited, msg: "HTTP 429", forge: "Too many requests", reset: true},
		{name: "500", h: reply(500, `"GitHub API error"`), kind: providers.KindUnavailable, msg: "HTTP 500", forge: "GitHub API error"},
		{name: "502 html", h: reply(502, `<html>bad gateway</html>`), kind: providers.KindUnavailable, msg: "Bad Gateway"},
		{name: "422", h: reply(422, `{"detail":[{"loc":["query","page"],"msg":"Input should be a valid integer","type":"int_parsing"}]}`), kind: providers.KindBadResponse, msg: "HTTP 422", forge: "query.page: Input should be a valid integer"},
		{name: "invalid JSON", h: reply(200, `[{"id": "1", "full_na`), kind: providers.KindBadResponse, msg: "not the JSON expected"},
		{name: "object instead of array", h: reply(200, `{"detail":"ok"}`), kind: providers.KindBadResponse, msg: "not the JSON expected"},
		{name: "slow", timeout: 50 * time.Millisecond, kind: providers.KindTimeout, h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
		})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.StripPrefix("/oh", c.h))
			defer srv.Close()
			src, logs := loggedSource(t, srv.URL+"/oh", nil, c.timeout)
			o := providers.NewOrder("", "")
			// The native stream, a local single-forge read and the unpaged read all fail alike.
			for _, ps := range [][]providers.Provider{{providers.GitHub}, {providers.GitLab}, nil} {
				st, err := src.Streams(context.Background(), providers.Query{Token: key, Order: o, Providers: ps})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				_, err = st[0].FetchPage(context.Background(), 0, "")
				var pe *providers.Error
				if !errors.As(err, &pe) {
					t.Fatalf("%v: got %T %v, want *providers.Error", ps, err, err)
				}
				if pe.Kind != c.kind || pe.Source != "openhands" {
					t.Errorf("%v: kind %s source %q, want %s openhands (%v)", ps, pe.Kind, pe.Source, c.kind, err)
				}
				if !strings.Contains(err.Error(), c.msg) {
					t.Errorf("%v: message %q lacks %q", ps, err.Error(), c.msg)
				}
				if c.forge != "" {
					providertest.ForgeTextLogged(t, err, c.forge, logs)
				}
				if strings.Contains(err.Error(), key) {
					t.Errorf("%v: error holds the key", ps)
				}
				if c.reset && (pe.ResetAt.Before(time.Now().Add(20*time.Second)) || pe.ResetAt.After(time.Now().Add(40*time.Second))) {
					t.Errorf("%v: resetAt %v, want about 30s from now", ps, pe.ResetAt)
				}
				if c.timeout > 0 && time.Since(start) > time.Second {
					t.Errorf("%v: timeout took %v", ps, time.Since(start))
				}
			}
		})
	}
}

func TestNoKey(t *testing.T) {
	e := newEnv(t, allRepos(5, 1), nil)
	st, err := e.src.Streams(context.Background(), providers.Query{Order: providers.NewOrder("", "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st[0].FetchPage(context.Background(), 0, ""); providers.KindOf(err) != providers.KindUnauth {
		t.Fatalf("no key: got %v, want UNAUTHENTICATED", err)
	}
	if e.fake.Requests() != 0 {
		t.Errorf("a request without a key was sent")
	}
}

// Answers that cannot be paged by position are errors, not silently short lists.
func TestMalformedPages(t *testing.T) {
	item := func(provider, link string) string {
		return `{"id":"1","full_name":"a/b","git_provider":"` + provider + `","is_public":true,"link_header":` + link + `}`
	}
	cases := map[string]string{
		"other forge in a github page":    "[" + item("gitlab", "null") + "]",
		"enterprise_sso in a github page": "[" + item("enterprise_sso", "null") + "]",
		"short page claiming a next one":  "[" + item("github", `"<https://api.github.com/user/repos?page=2>; rel=\"next\""`) + "]",
		"item without id":                 `[{"id":"","full_name":"a/b","git_provider":"github","is_public":true}]`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.StripPrefix("/oh", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(body))
			})))
			defer srv.Close()
			src := newSource(t, srv.URL+"/oh", nil, 0)
			st, err := src.Streams(context.Background(), providers.Query{Token: key, Order: providers.NewOrder("", ""), Providers: []providers.Provider{providers.GitHub}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st[0].FetchPage(context.Background(), 0, ""); providers.KindOf(err) != providers.KindBadResponse {
				t.Fatalf("got %v, want a bad-response error", err)
			}
		})
	}
}
