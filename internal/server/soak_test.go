package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestSoak runs concurrent clients walking lists while the forges fail at random (502, slow answers
// past the timeout, 429s), for SOAK_DURATION (default 5s, at most a minute). Every answer must be a
// GraphQL answer (never a 5xx, never a panic), and no goroutine may be left behind.
func TestSoak(t *testing.T) {
	d := 5 * time.Second
	if v, err := time.ParseDuration(os.Getenv("SOAK_DURATION")); err == nil && v > 0 {
		d = min(v, time.Minute)
	}
	if testing.Short() {
		d = time.Second
	}
	// Registered first, so it runs after every other cleanup has closed its servers.
	t.Cleanup(func() {
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		goleak.VerifyNone(t, goleak.IgnoreCurrent())
	})
	s := newStack(t)
	var faults atomic.Int64
	inject := func(w http.ResponseWriter, r *http.Request) bool {
		switch n := rand.IntN(100); {
		case n < 10:
			faults.Add(1)
			w.WriteHeader(http.StatusBadGateway)
			return true
		case n < 13:
			faults.Add(1)
			select {
			case <-r.Context().Done():
			case <-time.After(time.Second):
			}
			return true
		case n < 15:
			faults.Add(1)
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return true
		}
		return false
	}
	s.gh.set(inject)
	s.gl.set(inject)

	var queries, errs, bad atomic.Int64
	codes := sync.Map{}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for c := 0; c < 16; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			after, sort := "", "PUSHED"
			for time.Now().Before(deadline) {
				if after == "" { // a new walk, in any order
					sort = []string{"PUSHED", "CREATED", "FULL_NAME"}[rand.IntN(3)]
				}
				vars := map[string]any{"first": 1 + rand.IntN(30), "sort": sort}
				if after != "" {
					vars["after"] = after
				}
				body, _ := json.Marshal(map[string]any{"query": listQuery, "variables": vars})
				resp, err := client.Post(s.ts.URL+"/graphql", "application/json", bytes.NewReader(body))
				if err != nil {
					bad.Add(1)
					continue
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				queries.Add(1)
				var r gqlResponse
				if resp.StatusCode >= 500 || json.Unmarshal(raw, &r) != nil {
					bad.Add(1)
					t.Errorf("status %d body %.200s", resp.StatusCode, raw)
					continue
				}
				for _, e := range r.Errors {
					errs.Add(1)
					n, _ := codes.LoadOrStore(fmt.Sprint(e.Extensions["code"]), new(atomic.Int64))
					n.(*atomic.Int64).Add(1)
				}
				after = ""
				var c conn
				if json.Unmarshal(r.Data, &c) == nil && c.Viewer.Repositories.PageInfo.HasNextPage && rand.IntN(4) > 0 {
					after = *c.Viewer.Repositories.PageInfo.EndCursor
				}
			}
		}()
	}
	wg.Wait()
	client.CloseIdleConnections()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	summary := ""
	codes.Range(func(k, v any) bool { summary += fmt.Sprintf(" %s=%d", k, v.(*atomic.Int64).Load()); return true })
	t.Logf("soak %v: %d queries, %d faults injected, %d GraphQL errors (%s), %d bad answers", d, queries.Load(), faults.Load(), errs.Load(), summary, bad.Load())
	if n, ok := codes.Load("INVALID_CURSOR"); ok {
		t.Fatalf("%d cursors of the server's own answers were refused", n.(*atomic.Int64).Load())
	}
	if bad.Load() != 0 || queries.Load() == 0 {
		t.Fatalf("%d bad answers of %d", bad.Load(), queries.Load())
	}
	// The server is healthy afterwards.
	s.gh.set(func(http.ResponseWriter, *http.Request) bool { return false })
	s.gl.set(func(http.ResponseWriter, *http.Request) bool { return false })
	time.Sleep(1100 * time.Millisecond) // the 429s' Retry-After passes
	r := post(t, s.ts, smallQuery, nil)
	if len(r.Errors) != 0 {
		t.Fatalf("after the soak: %+v", r.Errors)
	}
}
