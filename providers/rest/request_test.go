package rest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

func TestWritesAreNeverRetried(t *testing.T) {
	var hits atomic.Int64
	var methods sync.Map
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		methods.Store(r.Method, true)
		if r.URL.Path == "/reset" {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		w.WriteHeader(http.StatusBadGateway)
	})
	c.Options = Options{Retries: 2, Backoff: time.Millisecond}
	for _, method := range []string{http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
		for _, path := range []string{"/x", "/reset"} {
			hits.Store(0)
			req, err := c.NewRequest(method, path, nil, map[string]any{"name": "x"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Do(context.Background(), "s3cr3t", req, nil)
			if providers.KindOf(err) != providers.KindUnavailable || hits.Load() != 1 {
				t.Errorf("%s %s: %v after %d requests; want one request and UPSTREAM_UNAVAILABLE", method, path, err, hits.Load())
			}
		}
		if _, ok := methods.Load(method); !ok {
			t.Errorf("%s was not sent as %s", method, method)
		}
	}
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		hits.Store(0)
		req, _ := c.NewRequest(method, "/x", nil, nil)
		if _, err := c.Do(context.Background(), "s3cr3t", req, nil); providers.KindOf(err) != providers.KindUnavailable || hits.Load() != 3 {
			t.Errorf("%s: %v after %d requests; want 3 (retried twice)", method, err, hits.Load())
		}
	}
}

func TestDoSendsJSONAndDecodes(t *testing.T) {
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPatch || r.Header.Get("Content-Type") != "application/json" || string(body) != `{"description":"new"}` {
			t.Errorf("got %s %q %q", r.Method, r.Header.Get("Content-Type"), body)
		}
		w.Header().Set("X-Remaining", "41")
		_, _ = w.Write([]byte(`{"id":7}`))
	})
	req, err := c.NewRequest(http.MethodPatch, "/repos/a/b", nil, map[string]string{"description": "new"})
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ ID int }
	resp, err := c.Do(context.Background(), "s3cr3t", req, &out)
	if err != nil || out.ID != 7 || resp.Status != 200 || !resp.Rate.Known || resp.Rate.Remaining != 41 || resp.Header.Get("X-Remaining") != "41" {
		t.Fatalf("%+v %+v %v", resp, out, err)
	}
	if _, err := c.NewRequest("TRACE", "/x", nil, nil); providers.KindOf(err) != providers.KindInternal {
		t.Fatalf("TRACE: %v", err)
	}
	if _, err := c.NewRequest(http.MethodPost, "/x", nil, func() {}); providers.KindOf(err) != providers.KindInternal {
		t.Fatalf("unencodable body: %v", err)
	}
}

func TestRejectedCredentialIsRemembered(t *testing.T) {
	var hits atomic.Int64
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "Bearer good" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`[]`))
	})
	limits := cache.NewMemory[Rate](10)
	c.Options = Options{Limits: limits}
	for i := 0; i < 3; i++ {
		if _, err := c.Get(context.Background(), "junk", "/x", nil, ""); providers.KindOf(err) != providers.KindUnauth {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("the forge was asked %d times for a credential it rejected", n)
	}
	if _, err := c.Get(context.Background(), "good", "/x", nil, ""); err != nil || hits.Load() != 2 {
		t.Fatalf("another credential: %v after %d requests", err, hits.Load())
	}
	// Another source sharing the store still asks its forge.
	other := *c
	other.Source = "other"
	if _, err := other.Get(context.Background(), "junk", "/x", nil, ""); providers.KindOf(err) != providers.KindUnauth || hits.Load() != 3 {
		t.Fatalf("other source: %v after %d requests", err, hits.Load())
	}
	// The memory ends: once its time is over, the forge is asked again.
	limits.Set(context.Background(), rejectedKey("test", "junk"), Rate{Reset: time.Now().Add(-time.Second)}, time.Minute)
	if _, err := c.Get(context.Background(), "junk", "/x", nil, ""); providers.KindOf(err) != providers.KindUnauth || hits.Load() != 4 {
		t.Fatalf("after the memory: %v after %d requests", err, hits.Load())
	}
}

type ctxKey struct{}

// logSink is a slog handler that keeps each record's text and the ctx value it was logged with.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) WithAttrs([]slog.Attr) slog.Handler       { return s }
func (s *logSink) WithGroup(string) slog.Handler            { return s }
func (s *logSink) Handle(ctx context.Context, r slog.Record) error {
	var b bytes.Buffer
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	if id, _ := ctx.Value(ctxKey{}).(string); id != "" {
		b.WriteString(" ctx=" + id)
	}
	s.mu.Lock()
	s.lines = append(s.lines, b.String())
	s.mu.Unlock()
	return nil
}

func (s *logSink) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

func TestForgeTextIsLoggedNotReturned(t *testing.T) {
	body := `{"message":"secret internal detail s3cr3t"}`
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/garbage" {
			_, _ = w.Write([]byte("<html>proxy detail page</html>"))
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(body))
	})
	sink := &logSink{}
	c.Options.Logger = slog.New(sink)
	ctx := context.WithValue(context.Background(), ctxKey{}, "req-42")
	_, err := c.Get(ctx, "s3cr3t", "/x", nil, "")
	if providers.KindOf(err) != providers.KindBadResponse || strings.Contains(err.Error(), "internal detail") || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("error %q", err)
	}
	var v []int
	resp, err := c.Get(ctx, "s3cr3t", "/garbage", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	err = c.Decode(ctx, resp.Body, &v)
	if providers.KindOf(err) != providers.KindBadResponse || strings.Contains(err.Error(), "proxy detail") {
		t.Fatalf("decode error %q", err)
	}
	logs := sink.text()
	for _, want := range []string{"internal detail [token]", "status=400", "proxy detail page", "ctx=req-42", "source=test"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "s3cr3t") {
		t.Errorf("logs hold the token:\n%s", logs)
	}
}
