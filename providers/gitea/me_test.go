package gitea_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
)

// TestConcurrentListsAskTheUserOnce: two lists of one credential read at once (a query with a
// filtered and an unfiltered repositories field) need the user id, and ask GET /user once between
// them: the second waits for the first's answer instead of asking again.
func TestConcurrentListsAskTheUserOnce(t *testing.T) {
	f := fake.New(token, nil)
	gate := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/user" {
			<-gate // held until every caller has asked
		}
		f.ServeHTTP(w, r)
	})
	e := newEnv(t, f, h, nil)
	ctx := context.Background()
	const callers = 8
	var wg sync.WaitGroup
	started := make(chan struct{}, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := providers.Query{Token: token, Order: providers.NewOrder("", "")}
			if i%2 == 1 {
				q.Filter.Query = "x"
			}
			started <- struct{}{}
			st, err := e.src.Streams(ctx, q)
			if err == nil && len(st) > 0 {
				_, err = st[0].FetchPage(ctx, 0, "")
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	for range callers {
		<-started
	}
	// Every caller is on its way; let GET /user answer (a caller that asks after the answer finds
	// it kept, which is also one request).
	close(gate)
	wg.Wait()
	if n := len(e.requests("/user")); n != 1 {
		t.Fatalf("%d concurrent lists of one credential made %d GET /user, want 1", callers, n)
	}
}
