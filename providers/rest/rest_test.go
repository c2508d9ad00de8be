package rest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

func client(t *testing.T, h http.HandlerFunc) (*Client, *httptest.Server) {
	t.Helper()
	ts := httptest.NewServer(http.StripPrefix("/api/v3", h))
	t.Cleanup(ts.Close)
	base, err := ParseBase(ts.URL + "/api/v3/")
	if err != nil {
		t.Fatal(err)
	}
	return &Client{Source: "test", Base: base, Auth: Bearer, Timeout: 200 * time.Millisecond,
		ErrorMessage: func(b []byte) string { return strings.TrimSpace(string(b)) },
		RateLimit: func(h http.Header) Rate {
			n, ok := HeaderInt(h, "X-Remaining")
			return Rate{Known: ok, Remaining: n, Reset: time.Unix(2000000000, 0).UTC()}
		}}, ts
}

func TestURLEscapingAndBasePath(t *testing.T) {
	c, _ := client(t, nil)
	u := c.URL("/projects/"+url.PathEscape("group/sub name"), url.Values{"a": {"1 2"}})
	if got := u.EscapedPath(); !strings.HasSuffix(got, "/api/v3/projects/group%2Fsub%20name") {
		t.Fatalf("escaped path %q", got)
	}
	if u.RawQuery != "a=1+2" {
		t.Fatalf("query %q", u.RawQuery)
	}
	for _, bad := range []string{"ftp://x", "/relative", "http://", "http://h/?q=1"} {
		if _, err := ParseBase(bad); err == nil {
			t.Fatalf("ParseBase(%q) accepted", bad)
		}
	}
}

func TestRelativeRefusesOtherHosts(t *testing.T) {
	c, ts := client(t, nil)
	p, q, err := c.Relative(ts.URL + "/api/v3/user/repos?page=3")
	if err != nil || p != "/user/repos" || q.Get("page") != "3" {
		t.Fatalf("same host: %q %v %v", p, q, err)
	}
	for _, link := range []string{"https://evil.example/api/v3/user/repos", ts.URL + "/other/user/repos", "http://" + strings.TrimPrefix(ts.URL, "http://") + ".evil/api/v3/x"} {
		if _, _, err := c.Relative(link); providers.KindOf(err) != providers.KindBadResponse {
			t.Fatalf("%s: got %v", link, err)
		}
	}
}

func TestStatusMapping(t *testing.T) {
	var hits atomic.Int64
	var status int
	var header http.Header
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "Bearer s3cr3t" {
			t.Errorf("auth header %q", r.Header.Get("Authorization"))
		}
		for k, v := range header {
			w.Header()[k] = v
		}
		if status == 0 {
			time.Sleep(time.Second)
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte("forge says no"))
	})
	cases := []struct {
		status int
		header http.Header
		kind   providers.Kind
		reset  bool
	}{
		{401, nil, providers.KindUnauth, false},
		{403, nil, providers.KindForbidden, false},
		{403, http.Header{"X-Remaining": {"0"}}, providers.KindRateLimited, true},
		{403, http.Header{"Retry-After": {"30"}}, providers.KindRateLimited, true},
		{429, nil, providers.KindRateLimited, false},
		{429, http.Header{"Retry-After": {"5"}}, providers.KindRateLimited, true},
		{404, nil, providers.KindNotFound, false},
		{500, nil, providers.KindUnavailable, false},
		{503, nil, providers.KindUnavailable, false},
		{422, nil, providers.KindBadResponse, false},
		{0, nil, providers.KindTimeout, false},
	}
	for _, tc := range cases {
		status, header = tc.status, tc.header
		_, err := c.Get(context.Background(), "s3cr3t", "/user/repos", nil, "")
		var e *providers.Error
		if providers.KindOf(err) != tc.kind {
			t.Fatalf("status %d %v: kind %s, want %s (%v)", tc.status, tc.header, providers.KindOf(err), tc.kind, err)
		}
		e = providers.AsError(err, "")
		if e.Source != "test" || (tc.reset && e.ResetAt.IsZero()) {
			t.Fatalf("status %d: %+v", tc.status, e)
		}
		if tc.status != 0 && !strings.Contains(e.Error(), "forge says no") {
			t.Fatalf("status %d: message %q lacks the forge's words", tc.status, e.Error())
		}
		if strings.Contains(e.Error(), "s3cr3t") {
			t.Fatalf("error leaks the token: %q", e.Error())
		}
	}
	before := hits.Load()
	if _, err := c.Get(context.Background(), "", "/user/repos", nil, ""); providers.KindOf(err) != providers.KindUnauth {
		t.Fatalf("no token: %v", err)
	}
	if hits.Load() != before {
		t.Fatal("a request was sent without a token")
	}
}

func TestNotModifiedAndRetryAfter(t *testing.T) {
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		_, _ = w.Write([]byte(`[]`))
	})
	r, err := c.Get(context.Background(), "s3cr3t", "/x", nil, "")
	if err != nil || r.NotModified || r.Header.Get("ETag") != `"v1"` {
		t.Fatalf("first: %+v %v", r, err)
	}
	r, err = c.Get(context.Background(), "s3cr3t", "/x", nil, `"v1"`)
	if err != nil || !r.NotModified {
		t.Fatalf("conditional: %+v %v", r, err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := RetryAfter(http.Header{"Retry-After": {"120"}}, now); !got.Equal(now.Add(2 * time.Minute)) {
		t.Fatalf("seconds: %v", got)
	}
	if got := RetryAfter(http.Header{"Retry-After": {"Wed, 02 Jan 2030 00:00:00 GMT"}}, now); !got.Equal(now.Add(24 * time.Hour)) {
		t.Fatalf("date: %v", got)
	}
	if got := RetryAfter(http.Header{"Retry-After": {"soon"}}, now); !got.IsZero() {
		t.Fatalf("garbage: %v", got)
	}
}
