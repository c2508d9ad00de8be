package github_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github/fake"
)

// linkServer answers /user/repos with 100 items per page of total and the Link header link(page).
func linkServer(t *testing.T, total int, link func(host string, page int) []string) (*recorder, string) {
	repos := genRepos(rand.New(rand.NewPCG(9, 9)), total)
	fk := fake.New(token, repos)
	fk.SetRateLimit(0)
	return serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		rec := httptest.NewRecorder()
		fk.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Link")
		for _, l := range link(r.Host, page) {
			w.Header().Add("Link", l)
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
}

func TestLinkHeaderVariants(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name      string
		links     []string
		more      bool
		lastIndex int
	}{
		{"none on a single page", nil, false, -1},
		{"next and last", []string{`<http://H/api/v3/user/repos?page=2&per_page=100>; rel="next", <http://H/api/v3/user/repos?page=7&per_page=100>; rel="last"`}, true, 6},
		{"last page: first and prev only", []string{`<http://H/api/v3/user/repos?page=6&per_page=100>; rel="prev", <http://H/api/v3/user/repos?page=1&per_page=100>; rel="first"`}, false, -1},
		{"next without last", []string{`<http://H/api/v3/user/repos?page=2>; rel="next"`}, true, -1},
		{"two Link header lines", []string{`<http://H/api/v3/user/repos?page=3>; rel="next"`, `<http://H/api/v3/user/repos?per_page=100&page=4>; rel="last"`}, true, 3},
		{"last without a page number", []string{`<http://H/api/v3/user/repos?page=2>; rel="next", <http://H/api/v3/user/repos>; rel="last"`}, true, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, base := linkServer(t, 100, func(string, int) []string { return c.links })
			p, err := stream(t, newSource(t, base, 0), providers.NewOrder("", "")).FetchPage(ctx, 0, "")
			if err != nil {
				t.Fatal(err)
			}
			if p.More != c.more || p.LastIndex != c.lastIndex || p.Total != -1 || len(p.Items) != 100 {
				t.Fatalf("more %v last %d total %d items %d; want more %v last %d", p.More, p.LastIndex, p.Total, len(p.Items), c.more, c.lastIndex)
			}
		})
	}
}

func TestLinkToAnotherHostIsNeverRequested(t *testing.T) {
	var evilHits atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		evilHits.Add(1)
		w.Write([]byte("[]"))
	}))
	defer evil.Close()
	const total = 250
	rc, base := linkServer(t, total, func(_ string, page int) []string {
		var out []string
		if page < 3 {
			out = append(out, fmt.Sprintf(`<%s/api/v3/user/repos?page=%d&per_page=100>; rel="next"`, evil.URL, page+1),
				fmt.Sprintf(`<%s/api/v3/user/repos?page=3&per_page=100>; rel="last"`, evil.URL))
		}
		return out
	})
	s := newSource(t, base, 0)
	o := providers.NewOrder(providers.SortPushed, "")
	st := stream(t, s, o)
	fwd, bwd := walk(t, rand.New(rand.NewPCG(2, 2)), st, o)
	if len(fwd) != total || len(bwd) != total {
		t.Fatalf("walked %d forward, %d backward, want %d", len(fwd), len(bwd), total)
	}
	if evilHits.Load() != 0 {
		t.Fatalf("the host named only in a Link header got %d requests", evilHits.Load())
	}
	pages := map[string]bool{}
	for _, r := range rc.Requests() {
		if r.Path != "/user/repos" {
			t.Fatalf("unexpected request %s", r.URI)
		}
		pages[query(t, r.Query).Get("page")] = true
	}
	if len(pages) != 3 {
		t.Fatalf("pages requested from the base: %v", pages)
	}
}
