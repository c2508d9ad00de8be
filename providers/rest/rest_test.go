package rest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
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
	return &Client{Source: "test", Base: base, Auth: Bearer, Timeout: 5 * time.Second,
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
	// The last case is a forge that does not answer in time; the others have the whole 200 ms.
	c.Timeout = 200 * time.Millisecond
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
		if strings.Contains(e.Error(), "forge says no") {
			t.Fatalf("status %d: message %q quotes the forge's body", tc.status, e.Error())
		}
		if want := strconv.Itoa(tc.status); tc.status != 0 && !strings.Contains(e.Error(), "HTTP "+want) {
			t.Fatalf("status %d: message %q does not name the status", tc.status, e.Error())
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

func TestRetriesOnlyTransientFailures(t *testing.T) {
	var hits atomic.Int64
	fail := atomic.Int64{}
	code := atomic.Int64{}
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if fail.Add(-1) >= 0 {
			w.WriteHeader(int(code.Load()))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	})
	c.Options = Options{Retries: 2, Backoff: time.Millisecond}
	for _, tc := range []struct {
		code, failures int
		wantHits       int64
		ok             bool
	}{
		{502, 1, 2, true}, {503, 2, 3, true}, {504, 3, 3, false}, {500, 1, 1, false}, {404, 1, 1, false},
	} {
		hits.Store(0)
		fail.Store(int64(tc.failures))
		code.Store(int64(tc.code))
		_, err := c.Get(context.Background(), "s3cr3t", "/x", nil, "")
		if (err == nil) != tc.ok || hits.Load() != tc.wantHits {
			t.Fatalf("%d x%d: err %v, %d requests; want ok=%v and %d requests", tc.code, tc.failures, err, hits.Load(), tc.ok, tc.wantHits)
		}
	}
}

func TestRetryOnConnectionReset(t *testing.T) {
	var hits atomic.Int64
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close() // the client sees the connection drop without an answer
			return
		}
		_, _ = w.Write([]byte(`[]`))
	})
	c.Options = Options{Retries: 2, Backoff: time.Millisecond}
	if _, err := c.Get(context.Background(), "s3cr3t", "/x", nil, ""); err != nil || hits.Load() != 2 {
		t.Fatalf("err %v after %d requests", err, hits.Load())
	}
}

func TestSpentQuotaStopsAsking(t *testing.T) {
	var hits atomic.Int64
	reset := time.Now().Add(time.Hour).Truncate(time.Second)
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("X-Remaining", "0")
		w.WriteHeader(http.StatusForbidden)
	})
	c.RateLimit = func(h http.Header) Rate {
		n, ok := HeaderInt(h, "X-Remaining")
		return Rate{Known: ok, Limit: 5000, Remaining: n, Reset: reset}
	}
	c.Options = Options{Limits: cache.NewMemory[Rate](10)}
	for i := 0; i < 3; i++ {
		_, err := c.Get(context.Background(), "s3cr3t", "/x", nil, "")
		e := providers.AsError(err, "")
		if e == nil || e.Kind != providers.KindRateLimited || !e.ResetAt.Equal(reset) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("the forge was asked %d times after it said the quota was spent", hits.Load())
	}
	// Another credential is not blocked.
	if _, err := c.Get(context.Background(), "other", "/x", nil, ""); hits.Load() != 2 || providers.KindOf(err) != providers.KindRateLimited {
		t.Fatalf("other credential: %v, %d requests", err, hits.Load())
	}
	if r, ok := c.RateFor(context.Background(), "s3cr3t"); !ok || r.Remaining != 0 || r.Limit != 5000 {
		t.Fatalf("RateFor: %+v %v", r, ok)
	}
}

func TestCanceledRequestStops(t *testing.T) {
	started := make(chan struct{})
	gone := make(chan struct{})
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
		close(gone)
	})
	c.Timeout = 10 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := c.Get(ctx, "s3cr3t", "/x", nil, "")
	if err == nil {
		t.Fatal("no error")
	}
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Fatal("the forge's request was not canceled with the caller")
	}
}

func TestWithBase(t *testing.T) {
	c, err := (&Client{Source: "gitlab"}).WithBase("  ", "https://gitlab.com/api/v4/")
	if err != nil || c.Base.String() != "https://gitlab.com/api/v4" {
		t.Fatalf("blank base: %v, %v; want the default without its trailing slash", c, err)
	}
	if c, err = (&Client{Source: "gitlab"}).WithBase("https://git.example.com/api/v4", "https://gitlab.com/api/v4"); err != nil || c.Base.Host != "git.example.com" {
		t.Fatalf("configured base: %v, %v", c, err)
	}
	for _, bad := range []string{"ftp://x", "git.example.com", "https://x/?a=1", "https://x/#f"} {
		if _, err := (&Client{Source: "gitlab"}).WithBase(bad, "https://gitlab.com/api/v4"); err == nil || !strings.HasPrefix(err.Error(), "gitlab: base URL") {
			t.Errorf("%q: %v, want an error naming the source and the base URL", bad, err)
		}
	}
	if _, err := (&Client{Source: "codearts"}).WithBase("", ""); err == nil {
		t.Error("no base and no default was accepted")
	}
}

// TestNoTokenNamesWhereToSetIt: a call without a credential is KindUnauth with the source's name,
// and names the server's variable and the request header when the client knows them.
func TestNoTokenNamesWhereToSetIt(t *testing.T) {
	c := &Client{Source: "gitea", TokenEnv: "GITEA_TOKEN", TokenHeader: "X-Gitea-Token"}
	e := c.NoToken()
	if e.Kind != providers.KindUnauth || e.Source != "gitea" || !strings.Contains(e.Error(), "GITEA_TOKEN") || !strings.Contains(e.Error(), "X-Gitea-Token") {
		t.Fatalf("%+v: %v", e, e)
	}
	if e := (&Client{Source: "x"}).NoToken(); e.Kind != providers.KindUnauth || !strings.Contains(e.Error(), "token for x") {
		t.Fatalf("without names: %v", e)
	}
}
