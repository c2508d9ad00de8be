package providertest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Seen is one request as the test server received it.
type Seen struct {
	// Method is the HTTP method.
	Method string
	// Path is the request path below the base path, unescaped; RawPath is it as sent (escaped).
	Path, RawPath string
	// Query is the raw query string.
	Query string
	// URI is the full request URI as sent (base path included).
	URI string
	// Header is a copy of the request headers.
	Header http.Header
}

// Values is the parsed query of s (empty when the query cannot be parsed).
func (s Seen) Values() url.Values {
	v, _ := url.ParseQuery(s.Query)
	return v
}

// Recorder is a loopback test server that records every request its handler is given. It is safe
// for concurrent use.
type Recorder struct {
	mu   sync.Mutex
	seen []Seen
	h    http.Handler
}

// Serve starts a loopback server that serves h under base (a path such as "/api/v3"; "" serves at
// the root) and records each request that reaches h, and returns the recorder and the API root URL
// (server URL + base). A request outside base gets 404 and is not recorded, so a client that builds
// absolute paths instead of joining them to its base fails loudly. The server closes when the test
// ends.
func Serve(t testing.TB, base string, h http.Handler) (*Recorder, string) {
	t.Helper()
	base = strings.TrimRight(base, "/")
	rc := &Recorder{h: h}
	var root http.Handler = rc
	if base != "" {
		mux := http.NewServeMux()
		mux.Handle(base+"/", http.StripPrefix(base, rc))
		root = mux
	}
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return rc, srv.URL + base
}

// ServeHTTP records r and passes it to the handler.
func (rc *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.seen = append(rc.seen, Seen{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
		Query: r.URL.RawQuery, URI: r.RequestURI, Header: r.Header.Clone()})
	h := rc.h
	rc.mu.Unlock()
	h.ServeHTTP(w, r)
}

// SetHandler replaces the handler for the requests that follow.
func (rc *Recorder) SetHandler(h http.Handler) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.h = h
}

// Requests returns the requests recorded so far, oldest first.
func (rc *Recorder) Requests() []Seen {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.seen)
}

// Take returns the requests recorded so far and forgets them.
func (rc *Recorder) Take() []Seen {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.seen
	rc.seen = nil
	return out
}

// Paths returns the path of every recorded request, oldest first.
func (rc *Recorder) Paths() []string {
	var out []string
	for _, s := range rc.Requests() {
		out = append(out, s.Path)
	}
	return out
}

// Queries returns the parsed query of every recorded request to path ("" for every path), oldest
// first.
func (rc *Recorder) Queries(path string) []url.Values {
	var out []url.Values
	for _, s := range rc.Requests() {
		if path == "" || s.Path == path {
			out = append(out, s.Values())
		}
	}
	return out
}

// Count returns how many recorded requests went to path.
func (rc *Recorder) Count(path string) int { return len(rc.Queries(path)) }
