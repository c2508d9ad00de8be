package rest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// authStyles are the ways forges send a credential.
var authStyles = map[string]func(*http.Request, string){
	"Bearer":            Bearer,
	"PRIVATE-TOKEN":     HeaderAuth("PRIVATE-TOKEN"),
	"X-Auth-Token":      HeaderAuth("X-Auth-Token"),
	"X-Session-API-Key": HeaderAuth("X-Session-API-Key"),
	"Basic":             func(r *http.Request, token string) { r.SetBasicAuth("me@example.com", token) },
}

// credentialHeaders are every header a credential travels in.
var credentialHeaders = []string{"Authorization", "PRIVATE-TOKEN", "X-Auth-Token", "X-Session-API-Key", "Cookie"}

func TestRedirectToAnotherHostIsRefused(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		for _, h := range credentialHeaders {
			if r.Header.Get(h) != "" {
				t.Errorf("the other host got %s", h)
			}
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer other.Close()
	shared := &http.Client{Timeout: 5 * time.Second}
	for name, auth := range authStyles {
		for _, code := range []int{301, 302, 307, 308} {
			c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/steal", code)
			})
			c.Auth, c.HTTP = auth, shared
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				req, err := c.NewRequest(method, "/user/repos", nil, map[string]string{"name": "x"})
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Do(context.Background(), "s3cr3t", req, nil)
				e := providers.AsError(err, "")
				if e == nil || e.Kind != providers.KindBadResponse || e.Source != "test" || !strings.Contains(e.Msg, "redirect") {
					t.Errorf("%s %d %s: %v, want a BadResponse error about the redirect", name, code, method, err)
				}
			}
		}
	}
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("the other host got %d requests", n)
	}
	if shared.CheckRedirect != nil {
		t.Fatal("the shared client was changed")
	}
}

func TestRedirectDowngradeIsRefused(t *testing.T) {
	var plain atomic.Int64
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			plain.Add(1)
		}
		http.Redirect(w, r, "http://"+r.Host+r.URL.Path, http.StatusFound)
	}))
	defer ts.Close()
	base, err := ParseBase(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{Source: "test", Base: base, HTTP: ts.Client(), Auth: HeaderAuth("PRIVATE-TOKEN")}
	if _, err := c.Get(context.Background(), "s3cr3t", "/x", nil, ""); providers.KindOf(err) != providers.KindBadResponse {
		t.Fatalf("https to http: %v", err)
	}
	if plain.Load() != 0 {
		t.Fatal("the credential was sent over plain http")
	}
}

func TestRedirectWithinBaseIsFollowed(t *testing.T) {
	var hops atomic.Int64
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, "/api/v3/new", http.StatusMovedPermanently)
		case "/loop":
			hops.Add(1)
			http.Redirect(w, r, "/api/v3/loop", http.StatusFound)
		case "/out":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		default:
			if r.Header.Get("Authorization") != "Bearer s3cr3t" {
				t.Errorf("credential lost on a same-host redirect")
			}
			_, _ = w.Write([]byte(`{"ok":true}`))
		}
	})
	var out struct{ OK bool }
	req, _ := c.NewRequest(http.MethodGet, "/old", nil, nil)
	if _, err := c.Do(context.Background(), "s3cr3t", req, &out); err != nil || !out.OK {
		t.Fatalf("same host: %v %+v", err, out)
	}
	if _, err := c.Get(context.Background(), "s3cr3t", "/loop", nil, ""); providers.KindOf(err) != providers.KindBadResponse {
		t.Fatalf("loop: %v", err)
	}
	if n := hops.Load(); n != MaxRedirects+1 {
		t.Fatalf("loop: %d requests, want %d", n, MaxRedirects+1)
	}
	if _, err := c.Get(context.Background(), "s3cr3t", "/out", nil, ""); providers.KindOf(err) != providers.KindBadResponse {
		t.Fatalf("out of the API root: %v", err)
	}
}
