package gitea_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestPagingEdges reads every page of lists whose lengths sit at Gitea's and forgegraph's page
// edges: each page full but the last, More, Total and LastIndex exact, and the fewest upstream
// requests (two pages of 50 per page of 100, one when the list ends in the first half, one for
// an empty list).
func TestPagingEdges(t *testing.T) {
	for _, c := range []struct{ n, requests int }{
		{0, 1}, {1, 1}, {49, 1}, {50, 1}, {51, 2}, {100, 2}, {101, 3}, {250, 5},
	} {
		repos := makeRepos(c.n)
		e := newEnv(t, fake.New(token, repos), nil, nil)
		o := providers.NewOrder(providers.SortUpdated, providers.Desc)
		st := streamsFor(t, e, o)[0]
		var got []providers.Repository
		lastIndex := max(0, (c.n+99)/100-1)
		for i := 0; ; i++ {
			p, err := st.FetchPage(context.Background(), i, "")
			if err != nil {
				t.Fatalf("%d repos, page %d: %v", c.n, i, err)
			}
			if p.Total != c.n || p.LastIndex != lastIndex {
				t.Fatalf("%d repos, page %d: total %d last index %d", c.n, i, p.Total, p.LastIndex)
			}
			if want := min(100, c.n-100*i); len(p.Items) != want || p.More != (i < lastIndex) {
				t.Fatalf("%d repos, page %d: %d items, more %v; want %d, more %v", c.n, i, len(p.Items), p.More, want, i < lastIndex)
			}
			got = append(got, p.Items...)
			if !p.More {
				break
			}
		}
		ids := make([]string, len(got))
		for i := range got {
			ids[i] = got[i].Identity()
		}
		equal(t, fmt.Sprint(c.n, " repos"), ids, giteaOrder(repos, o))
		if n := len(e.requests("/repos/search")); n != c.requests {
			t.Fatalf("%d repos: %d list requests, want %d", c.n, n, c.requests)
		}
	}
}

// TestPageBeyondTheEnd: a page past the list is empty and says it is the last, without asking
// Gitea a second page.
func TestPageBeyondTheEnd(t *testing.T) {
	e := newEnv(t, fake.New(token, makeRepos(30)), nil, nil)
	p, err := streamsFor(t, e, providers.NewOrder("", ""))[0].FetchPage(context.Background(), 3, "")
	if err != nil || len(p.Items) != 0 || p.More || p.Total != 30 {
		t.Fatalf("page 3 of 30: %d items more %v total %d, %v", len(p.Items), p.More, p.Total, err)
	}
	if n := len(e.requests("/repos/search")); n != 1 {
		t.Fatalf("%d list requests, want 1", n)
	}
}

// TestServerCapBelowFifty: a server whose MAX_RESPONSE_ITEMS is below 50 cuts every page short
// without saying so; the source sees it from X-Total-Count, learns the cap once (a divisor of
// 100 at most the cap) and still walks every order exactly.
func TestServerCapBelowFifty(t *testing.T) {
	for _, c := range []struct{ cap, limit int }{{20, 20}, {30, 25}, {7, 5}} {
		repos := makeRepos(133)
		f := fake.New(token, repos)
		f.MaxResponseItems = c.cap
		e := newEnv(t, f, nil, nil)
		for _, o := range providertest.AllOrders() {
			st := streamsFor(t, e, o)
			equal(t, fmt.Sprintf("cap %d %s", c.cap, o), providertest.Identities(walk(t, st, o, []int{41, 100}, false)), giteaOrder(repos, o))
			equal(t, fmt.Sprintf("cap %d %s backward", c.cap, o), providertest.Identities(walk(t, st, o, []int{17}, true)), giteaOrder(repos, o))
		}
		qs := e.requests("/repos/search")
		learned := 0
		for _, q := range qs {
			if q.Get("limit") == "50" {
				learned++
			} else if q.Get("limit") != fmt.Sprint(c.limit) {
				t.Fatalf("cap %d: asked limit %s, want 50 then %d", c.cap, q.Get("limit"), c.limit)
			}
		}
		// The first answer shows the cap, a read of page 1 confirms it: two requests at 50.
		if learned != 2 {
			t.Fatalf("cap %d: %d requests with limit 50, want 2", c.cap, learned)
		}
	}
}

// TestShortPageWithoutTotalUsesLink: without X-Total-Count (a proxy may drop it), a short page
// followed by Link rel="next" is still seen as cut by the server, never as the end.
func TestShortPageWithoutTotalUsesLink(t *testing.T) {
	repos := makeRepos(90)
	f := fake.New(token, repos)
	f.MaxResponseItems = 20
	strip := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.ServeHTTP(headerDropper{w}, r)
	})
	e := newEnv(t, f, strip, nil)
	o := providers.NewOrder(providers.SortCreated, providers.Asc)
	st := streamsFor(t, e, o)
	equal(t, "no totals", providertest.Identities(walk(t, st, o, []int{100}, false)), giteaOrder(repos, o))
}

// headerDropper removes X-Total-Count from the answers it writes.
type headerDropper struct{ http.ResponseWriter }

func (h headerDropper) WriteHeader(code int) {
	h.Header().Del("X-Total-Count")
	h.ResponseWriter.WriteHeader(code)
}

func (h headerDropper) Write(b []byte) (int, error) {
	h.Header().Del("X-Total-Count")
	return h.ResponseWriter.Write(b)
}

// TestInconsistentPagingIsAnError: a forge whose later pages come back short while its first page
// is full (neither a cap nor the end) is a clear error, not a silently short page.
func TestInconsistentPagingIsAnError(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/user":
			w.Write([]byte(`{"id":1,"login":"me"}`))
		default:
			// The first page full, the others 10 items, while the total says 500.
			w.Header().Set("X-Total-Count", "500")
			n := 10
			if r.URL.Query().Get("page") == "1" {
				n = 50
			}
			body := `{"ok":true,"data":[`
			for i := 0; i < n; i++ {
				if i > 0 {
					body += ","
				}
				body += fmt.Sprintf(`{"id":%d,"full_name":"me/r%d","name":"r%d"}`, i+1+100*len(r.URL.Query().Get("page")), i, i)
			}
			w.Write([]byte(body + "]}"))
		}
	})
	e := newEnv(t, nil, h, nil)
	_, err := streamsFor(t, e, providers.NewOrder("", ""))[0].FetchPage(context.Background(), 1, "")
	if pe := kindOf(t, err); pe.Kind != providers.KindBadResponse {
		t.Fatalf("%v", err)
	}
}
