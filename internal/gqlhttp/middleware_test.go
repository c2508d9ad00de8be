package gqlhttp_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/internal/gqlhttp"
)

func TestNegotiate(t *testing.T) {
	cases := []struct {
		accept []string
		want   string // "" for 406
	}{
		{nil, jsonMT},
		{[]string{""}, jsonMT},
		{[]string{" , "}, jsonMT},
		{[]string{"*"}, jsonMT},
		{[]string{"text/html, *; q=.2"}, jsonMT},
		{[]string{"text/html", "application/graphql-response+json"}, grj},
		{[]string{"application/json;q=0.9", "application/graphql-response+json;q=1"}, grj},
		{[]string{"application/*;q=0.9, application/json;q=0.1"}, grj},
		{[]string{"application/*, application/graphql-response+json;q=0"}, jsonMT},
		{[]string{"application/json;q=2"}, ""},
		{[]string{"application/json;q=x"}, ""},
		{[]string{"*/json"}, ""},
		{[]string{"application"}, ""},
		{[]string{"text/html;q=1, bogus"}, ""},
		{[]string{"bogus, application/json"}, jsonMT},
	}
	for _, c := range cases {
		got, ok := gqlhttp.Negotiate(c.accept)
		if ok != (c.want != "") || got != c.want {
			t.Errorf("Negotiate(%q) = %q, %v; want %q", c.accept, got, ok, c.want)
		}
	}
}

// serveMiddleware runs h behind Middleware and returns the recorded answer, its body decoded.
func serveMiddleware(t *testing.T, h http.HandlerFunc, method string, headers ...string) (*httptest.ResponseRecorder, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, "/graphql", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	gqlhttp.Middleware(h, "X-B", "x-b", " ", "Authorization").ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return rec, body
}

func TestMiddlewareWriter(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", gqlhttp.MinGzipSize/16)
	cases := []struct {
		name    string
		h       http.HandlerFunc
		status  int
		gzipped bool
		body    string
		flushed bool
	}{
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, 200, false, "", false},
		{"status only", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusAccepted) }, 202, false, "", false},
		{"no content", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }, 204, false, "", false},
		{"one byte short", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, big[1:]) }, 200, false, big[1:], false},
		{"at the threshold", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, big) }, 200, true, big, false},
		{"in small writes", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			for i := 0; i < 3*len(big); i += 100 {
				_, _ = io.WriteString(w, (big + big + big)[i:min(i+100, 3*len(big))])
			}
			w.WriteHeader(http.StatusOK) // superfluous: ignored
		}, 418, true, big + big + big, false},
		{"already encoded", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "br")
			_, _ = io.WriteString(w, big)
		}, 200, false, big, false},
		{"flushed early", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "a")
			_ = http.NewResponseController(w).Flush()
			_, _ = io.WriteString(w, big)
		}, 200, false, "a" + big, true},
		{"flushed late", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, big)
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, "z")
		}, 200, true, big + "z", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, body := serveMiddleware(t, c.h, http.MethodGet, "Accept-Encoding", "gzip")
			if rec.Code != c.status || (rec.Header().Get("Content-Encoding") == "gzip") != c.gzipped || string(body) != c.body || rec.Flushed != c.flushed {
				t.Fatalf("got %d gzip %q flushed %v body %d bytes; want %d gzip %v flushed %v body %d bytes",
					rec.Code, rec.Header().Get("Content-Encoding"), rec.Flushed, len(body), c.status, c.gzipped, c.flushed, len(c.body))
			}
			if c.gzipped && rec.Header().Get("Content-Length") != "" {
				t.Fatalf("Content-Length %q on a gzipped body", rec.Header().Get("Content-Length"))
			}
			if got := strings.Join(rec.Header().Values("Vary"), ", "); got != "Accept, Accept-Encoding, Authorization, X-B" {
				t.Fatalf("Vary %q", got)
			}
			if rec.Header().Get("Cache-Control") != "private" {
				t.Fatalf("Cache-Control %q", rec.Header().Get("Cache-Control"))
			}
		})
	}
	// Without Accept-Encoding nothing is held back or compressed.
	rec, body := serveMiddleware(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, big+big) }, http.MethodPost)
	if rec.Header().Get("Content-Encoding") != "" || string(body) != big+big {
		t.Fatalf("no Accept-Encoding: %q", rec.Header().Get("Content-Encoding"))
	}
	// OPTIONS passes through untouched.
	rec, _ = serveMiddleware(t, func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("Allow", "x") }, http.MethodOptions, "Accept-Encoding", "gzip")
	if rec.Code != 200 || rec.Header().Get("Allow") != "x" {
		t.Fatalf("OPTIONS: %d %v", rec.Code, rec.Header())
	}
}

// TestMiddlewareEarlyHints: an informational status goes out at once; the final one still decides.
func TestMiddlewareEarlyHints(t *testing.T) {
	big := strings.Repeat("x", 2*gqlhttp.MinGzipSize)
	ts := httptest.NewServer(gqlhttp.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Del("Link")
		_, _ = io.WriteString(w, big)
	})))
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || resp.StatusCode != 200 || string(got) != big {
		t.Fatalf("status %d, %d bytes, %v", resp.StatusCode, len(got), err)
	}
}

// TestMiddlewareGzipPool: concurrent requests reuse gzip writers without mixing bodies.
func TestMiddlewareGzipPool(t *testing.T) {
	h := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat(r.URL.Query().Get("c"), 3*gqlhttp.MinGzipSize))
	}
	ts := httptest.NewServer(gqlhttp.Middleware(http.HandlerFunc(h)))
	defer ts.Close()
	done := make(chan error)
	for _, c := range "abcdefghijklmnop" {
		go func() {
			want := strings.Repeat(string(c), 3*gqlhttp.MinGzipSize)
			for range 20 {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+"/?c="+string(c), nil)
				req.Header.Set("Accept-Encoding", "gzip")
				resp, err := client.Do(req)
				if err != nil {
					done <- err
					return
				}
				zr, err := gzip.NewReader(resp.Body)
				if err != nil {
					done <- err
					return
				}
				got, err := io.ReadAll(zr)
				resp.Body.Close()
				if err != nil || string(got) != want {
					done <- fmt.Errorf("body for %c: %d bytes, err %v", c, len(got), err)
					return
				}
			}
			done <- nil
		}()
	}
	for range 16 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
