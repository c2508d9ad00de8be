package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/gqlhttp"
)

// maxCachedResponse bounds the size of an answer the micro-cache keeps.
const maxCachedResponse = 256 << 10

// CachedResponse is a whole /graphql answer kept by the micro-cache.
type CachedResponse struct {
	ContentType string
	Body        []byte
	// Gzipped is Body gzipped, for clients that accept it (nil for bodies too small to gain): it is
	// compressed once when kept, not on every replay.
	Gzipped []byte
	// Fresh is when the answer stops being replayed as is; until twice the ttl it is still replayed
	// to identical requests while one of them refreshes it.
	Fresh time.Time
}

// microcache serves an identical request (same method, URL, body, Accept and credential headers)
// from the answer given to it less than ttl ago. Only clean answers of replayable operations are
// kept: status 200, no "errors", and the GraphQL handler marked the validated operation Replayable
// (a query that selects no rateLimit, which changes with every forge answer, under any alias or
// fragment; never a mutation or subscription). The answer's data is at most ttl
// older than the pages it came from (2*ttl while one request refreshes it), which are themselves
// cached for CACHE_TTL; the key holds a
// hash of the credential headers, so no answer reaches another credential, and the generations of
// the request's scopes (see scopes), so no answer kept before an invalidation of one of its
// credentials is replayed after it, on any replica. A replayed answer carries the header
// X-Cache: hit. An answer with data served from a stale copy (extensions.stale) is not kept, so
// a recovered forge is asked again at once. ttl 0 disables it.
func microcache(c cache.Cache[CachedResponse], ttl time.Duration, credentialHeaders []string, next http.Handler) http.Handler {
	if ttl <= 0 || c == nil {
		return next
	}
	var mu sync.Mutex
	running := map[string]chan struct{}{} // keys being answered: identical requests wait for them
	headers := append([]string(nil), credentialHeaders...)
	sort.Strings(headers)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) || r.Header.Get("Content-Encoding") != "" {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			// Over the body limit, or the client went away: let the handler answer that.
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
			next.ServeHTTP(w, r)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Method == http.MethodPost && gqlhttp.IsMutation(body) {
			// Never replayed, and an identical one must not wait here for the first's answer and
			// then run again: identical mutations meet in graph's mutation flights instead.
			next.ServeHTTP(w, r)
			return
		}
		h := sha256.New()
		for _, part := range []string{r.Method, r.URL.RawQuery, r.Header.Get("Accept"), r.Header.Get("Content-Type")} {
			h.Write([]byte(part))
			h.Write([]byte{0})
		}
		for _, k := range headers {
			h.Write([]byte(r.Header.Get(k)))
			h.Write([]byte{0})
		}
		// The generations of the credentials' scopes: an invalidation changes the key.
		h.Write([]byte(scopeFingerprint(r.Context())))
		h.Write([]byte{0})
		h.Write(body)
		key := string(h.Sum(nil))
		ctx, mark := withReplayMark(r.Context())
		r = r.WithContext(ctx)
		hit, had := c.Get(ctx, key)
		replay := func(hit CachedResponse) {
			h := w.Header()
			h.Set("X-Cache", "hit")
			h.Set("Content-Type", hit.ContentType)
			b := hit.Body
			if hit.Gzipped != nil && gqlhttp.AcceptsGzip(r.Header.Values("Accept-Encoding")) {
				b = hit.Gzipped
				h.Set("Content-Encoding", "gzip") // gqlhttp.Middleware passes it through as it is
			}
			h.Set("Content-Length", strconv.Itoa(len(b)))
			_, _ = w.Write(b)
		}
		if had && time.Now().Before(hit.Fresh) {
			replay(hit)
			return
		}
		// One request answers afresh; identical ones meanwhile get the previous answer when there is
		// one (stale for at most ttl), or wait for the new one: an expiring entry never turns into a
		// burst of identical work or a wait for every client.
		mu.Lock()
		done, busy := running[key]
		if !busy {
			done = make(chan struct{})
			running[key] = done
		}
		mu.Unlock()
		if busy {
			if had {
				replay(hit)
				return
			}
			select {
			case <-done:
				if hit, ok := c.Get(ctx, key); ok {
					replay(hit)
					return
				}
			case <-ctx.Done():
				return
			}
		} else {
			defer func() {
				mu.Lock()
				delete(running, key)
				mu.Unlock()
				close(done)
			}()
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status == http.StatusOK && !rec.overflow && mark.ok.Load() && !servedStale(ctx) && cacheable(rec.buf.Bytes()) {
			kept := CachedResponse{ContentType: w.Header().Get("Content-Type"), Body: bytes.Clone(rec.buf.Bytes()),
				Fresh: time.Now().Add(ttl)}
			if len(kept.Body) >= gqlhttp.MinGzipSize {
				kept.Gzipped = gqlhttp.Gzip(kept.Body)
			}
			c.Set(context.WithoutCancel(ctx), key, kept, 2*ttl)
		}
	})
}

// scopes reads, once per request and in one round trip, the generations of the scopes of the
// request's credentials (each source's header, else its server-held token in held), so the page
// store, lists, lookups and workspace listings read them from the request's memo, and the
// micro-cache folds them into its key: an answer replayed after an invalidation (on any replica
// sharing the generations) would be a new key's, so none is. s nil: next as it is.
func scopes(s *cache.Scopes, held map[string]string, next http.Handler) http.Handler {
	if s == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, fp := s.Begin(r.Context(), requestCredentials(held, r))
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, fingerprintKey{}, fp)))
	})
}

type fingerprintKey struct{}

// scopeFingerprint is what scopes found for the request: "" while none of its credentials' scopes
// was ever invalidated.
func scopeFingerprint(ctx context.Context) string {
	fp, _ := ctx.Value(fingerprintKey{}).(string)
	return fp
}

// cacheable reports whether an answer of a replayable operation may be replayed: it has no errors.
func cacheable(body []byte) bool {
	return len(body) > 0 && !bytes.Contains(body, []byte(`"errors"`))
}

// recorder passes an answer through and keeps a copy of it (up to maxCachedResponse).
type recorder struct {
	http.ResponseWriter
	status   int
	buf      bytes.Buffer
	overflow bool
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if !r.overflow {
		if r.buf.Len()+len(p) > maxCachedResponse {
			r.overflow = true
			r.buf.Reset()
		} else {
			r.buf.Write(p)
		}
	}
	return r.ResponseWriter.Write(p)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
