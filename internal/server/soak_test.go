package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestSoak runs concurrent clients walking lists while the forges fail at random (502, slow answers
// past the timeout, 429s), for SOAK_DURATION (default 5s, at most a minute). Every answer must be a
// GraphQL answer (never a 5xx, never a panic), and no goroutine may be left behind. Its random
// choices come from a seed it logs; SOAK_SEED=<seed> draws the same choices again (the goroutines'
// interleaving is the scheduler's, so a replay repeats the faults and walks, not their timing).
func TestSoak(t *testing.T) {
	seed, err := soakSeed(os.Getenv("SOAK_SEED"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("SOAK_SEED=%d (set it to replay these random choices)", seed)
	faultRNG := &lockedRand{r: rand.New(rand.NewPCG(seed, 0))}
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
		switch n := faultRNG.IntN(100); {
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
	// Generous: the server answers within its own timeouts, but a race build on a loaded machine
	// (CI's neighbours, other test binaries) can starve it for seconds; a client giving up is not
	// the server failing (a 5xx or a broken answer still is).
	client := &http.Client{Timeout: 45 * time.Second}
	for c := 0; c < 16; c++ {
		wg.Add(1)
		rng := rand.New(rand.NewPCG(seed, uint64(c)+1)) // each client's own stream of choices
		go func() {
			defer wg.Done()
			after, sort := "", "PUSHED"
			for time.Now().Before(deadline) {
				if after == "" { // a new walk, in any order
					sort = []string{"PUSHED", "CREATED", "FULL_NAME"}[rng.IntN(3)]
				}
				vars := map[string]any{"first": 1 + rng.IntN(30), "sort": sort}
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
				if json.Unmarshal(r.Data, &c) == nil && c.Viewer.Repositories.PageInfo.HasNextPage && rng.IntN(4) > 0 {
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

// soakSeed is the seed of the soak test's random choices: v (SOAK_SEED) when set, else a random
// one. A v that is not an unsigned integer is an error that says what to set.
func soakSeed(v string) (uint64, error) {
	if strings.TrimSpace(v) == "" {
		return rand.Uint64(), nil
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("SOAK_SEED=%q is not a seed: use the unsigned integer a soak run logged", v)
	}
	return n, nil
}

// lockedRand is a *rand.Rand the forges' handlers share across goroutines.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

// IntN is rand.Rand.IntN under the lock.
func (l *lockedRand) IntN(n int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.IntN(n)
}

func TestSoakSeed(t *testing.T) {
	if n, err := soakSeed(" 42 "); err != nil || n != 42 {
		t.Errorf("SOAK_SEED=42: %d, %v", n, err)
	}
	if _, err := soakSeed("forty-two"); err == nil || !strings.Contains(err.Error(), "SOAK_SEED") {
		t.Errorf("a bad SOAK_SEED: %v", err)
	}
	a, _ := soakSeed("")
	b, _ := soakSeed("")
	if a == b {
		t.Errorf("two unset seeds are both %d", a)
	}
	// The same seed draws the same choices.
	x, y := rand.New(rand.NewPCG(7, 1)), rand.New(rand.NewPCG(7, 1))
	for range 10 {
		if x.IntN(100) != y.IntN(100) {
			t.Fatal("a seed does not replay its draws")
		}
	}
}
