package gqlhttp

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// MinGzipSize is the smallest body Middleware compresses: below about one packet, gzip's framing and
// the client's inflating cost more than the bytes saved.
const MinGzipSize = 1024

// CacheControl is what Middleware sets on every answer: each one depends on the request's
// credentials, so only the client's own cache may keep it.
const CacheControl = "private"

// Middleware is the HTTP layer around the GraphQL handler. Every answer gets Cache-Control: private
// and Vary: Accept, Accept-Encoding and credentialHeaders (the headers that select whose data is
// served: Authorization and the per-request token headers), so no cache serves one client's answer
// to another. A body of MinGzipSize bytes or more is gzipped when the request's Accept-Encoding
// allows gzip. Methods other than GET, POST and OPTIONS are answered 405.
func Middleware(next http.Handler, credentialHeaders ...string) http.Handler {
	vary := varyValue(credentialHeaders)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", vary)
		h.Set("Cache-Control", CacheControl)
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodOptions:
		default:
			mediaType, ok := Negotiate(r.Header.Values("Accept"))
			if !ok {
				mediaType = MediaTypeJSON
			}
			writeRequestError(w, r, mediaType, &requestError{status: http.StatusMethodNotAllowed,
				reason: ReasonMethodNotAllowed, allow: "GET, POST, OPTIONS",
				message: "the method " + r.Method + " is not supported here: send GraphQL requests with POST (queries may also use GET)"})
			return
		}
		if r.Method == http.MethodOptions || !AcceptsGzip(r.Header.Values("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		next.ServeHTTP(gw, r)
		gw.finish()
	})
}

// varyValue is the Vary header value: the negotiated headers, then the credential headers sorted
// (case-insensitively, without duplicates).
func varyValue(credentialHeaders []string) string {
	var creds []string
	for _, c := range credentialHeaders {
		c = strings.TrimSpace(c)
		if c != "" && !slices.ContainsFunc(creds, func(s string) bool { return strings.EqualFold(s, c) }) {
			creds = append(creds, c)
		}
	}
	slices.SortFunc(creds, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return strings.Join(append([]string{"Accept", "Accept-Encoding"}, creds...), ", ")
}

// AcceptsGzip tells whether Accept-Encoding header values allow a gzip-coded answer: gzip (or
// x-gzip) with a non-zero quality, or "*" with a non-zero quality when gzip is not named.
func AcceptsGzip(values []string) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
					if err != nil {
						f = 0
					}
					q = f
				}
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, q)
			case "*":
				anyQ = max(anyQ, q)
			}
		}
	}
	return gzipQ > 0 || (gzipQ < 0 && anyQ > 0)
}

// Answers compressed as they are sent use gzip's fastest level: half the CPU of the default level
// for about 13% more bytes on a typical answer (a 10.7 kB first page: 52 µs and 2,881 bytes against
// 113 µs and 2,552). Answers kept and sent many times (Gzip) use the default level.
var gzipPool, gzipKeptPool = newGzipPool(gzip.BestSpeed), newGzipPool(gzip.DefaultCompression)

func newGzipPool(level int) *sync.Pool {
	return &sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(io.Discard, level)
		return w
	}}
}

// Gzip returns b gzipped (at the default level), for answers kept and sent many times; a body the
// handler sends with its own Content-Encoding header goes through Middleware as it is.
func Gzip(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b)/4 + 64)
	gz := gzipKeptPool.Get().(*gzip.Writer)
	gz.Reset(&out)
	_, _ = gz.Write(b) // writing to memory does not fail
	_ = gz.Close()
	gz.Reset(io.Discard)
	gzipKeptPool.Put(gz)
	return out.Bytes()
}

// gzipWriter holds the first MinGzipSize bytes of a body back: if the handler ends before, the
// body goes out as it is; once they are reached, it goes out gzipped.
type gzipWriter struct {
	http.ResponseWriter
	status  int  // 0 until WriteHeader
	decided bool // the header is sent
	buf     []byte
	gz      *gzip.Writer
}

// bodyAllowed tells whether a status may carry a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

func (g *gzipWriter) WriteHeader(code int) {
	switch {
	case code >= 100 && code < 200 && code != http.StatusSwitchingProtocols:
		g.ResponseWriter.WriteHeader(code) // informational: more headers follow
		return
	case g.decided:
		g.ResponseWriter.WriteHeader(code) // superfluous; net/http says so in its log
		return
	case g.status != 0:
		return
	}
	g.status = code
	if !bodyAllowed(code) || g.Header().Get("Content-Encoding") != "" {
		g.commit(false)
	}
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	if g.status == 0 {
		g.WriteHeader(http.StatusOK)
	}
	if !g.decided {
		g.buf = append(g.buf, p...)
		if len(g.buf) >= MinGzipSize {
			if err := g.commit(true); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	}
	if g.gz != nil {
		return g.gz.Write(p)
	}
	return g.ResponseWriter.Write(p)
}

// commit sends the header, gzipped or not, and what is held back.
func (g *gzipWriter) commit(compress bool) error {
	g.decided = true
	if g.status == 0 {
		g.status = http.StatusOK
	}
	h := g.Header()
	if compress && bodyAllowed(g.status) && h.Get("Content-Encoding") == "" {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(g.status)
	buf := g.buf
	g.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if g.gz != nil {
		_, err = g.gz.Write(buf)
	} else {
		_, err = g.ResponseWriter.Write(buf)
	}
	return err
}

// finish sends what is held back and ends the gzip stream.
func (g *gzipWriter) finish() {
	if !g.decided {
		if g.status == 0 && len(g.buf) == 0 {
			return // nothing written: net/http answers 200 with no body
		}
		_ = g.commit(false)
	}
	if g.gz != nil {
		_ = g.gz.Close()
		g.gz.Reset(io.Discard)
		gzipPool.Put(g.gz)
		g.gz = nil
	}
}

// Flush sends what is written so far; a body flushed before MinGzipSize bytes goes out as it is.
func (g *gzipWriter) Flush() {
	if !g.decided {
		_ = g.commit(false)
	}
	if g.gz != nil {
		_ = g.gz.Flush()
	}
	_ = http.NewResponseController(g.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }
