package gitlab_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

// TestMissingTotals: above 10,000 projects GitLab omits x-total, x-total-pages and rel="last".
func TestMissingTotals(t *testing.T) {
	repos := makeRepos(250)
	f := fake.New(token, repos)
	f.OmitTotals = true
	e := newEnv(t, f, nil, nil)
	o := providers.NewOrder(providers.SortPushed, "")
	st := streamsFor(t, e.src, token, o)
	ctx := context.Background()
	for i, w := range []struct {
		n    int
		more bool
	}{{100, true}, {100, true}, {50, false}} {
		p, err := st[0].FetchPage(ctx, i, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != w.n || p.More != w.more || p.Total != -1 || p.LastIndex != -1 {
			t.Fatalf("page %d: %d items more %v total %d last %d", i, len(p.Items), p.More, p.Total, p.LastIndex)
		}
	}
	equal(t, "walk without totals", ids2(walkForward(t, st, o, []int{100, 33})), gitlabOrder(repos, o))
	equal(t, "backward walk without totals", walkBackward(t, st, o, []int{100, 33}), gitlabOrder(repos, o))
	if n, err := providers.Count(ctx, st, providers.FetchDirect); err != nil || n != 250 {
		t.Fatalf("count without totals: %d, %v", n, err)
	}
}

// TestMissingNextPageHeader: with neither totals nor x-next-page, Link rel="next" says whether a
// page follows; its URL is never requested.
func TestMissingNextPageHeader(t *testing.T) {
	repos := makeRepos(201)
	f := fake.New(token, repos)
	f.OmitTotals = true
	strip := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(headerEditor{ResponseWriter: w, edit: func(hd http.Header) {
				hd.Del("X-Next-Page")
				// A Link pointing elsewhere must not be followed.
				hd.Set("Link", strings.ReplaceAll(hd.Get("Link"), "http://127.0.0.1", "https://evil.example"))
			}}, r)
		})
	}
	e2 := newEnv(t, f, nil, strip)
	o := providers.NewOrder(providers.SortCreated, providers.Asc)
	st := streamsFor(t, e2.src, token, o)
	for i, more := range []bool{true, true, false} {
		p, err := st[0].FetchPage(context.Background(), i, "")
		if err != nil {
			t.Fatal(err)
		}
		if p.More != more || p.Total != -1 {
			t.Fatalf("page %d: more %v total %d", i, p.More, p.Total)
		}
	}
	equal(t, "walk with Link only", ids2(walkForward(t, st, o, []int{100})), gitlabOrder(repos, o))
	for _, r := range e2.rec.all() {
		if r.URL.Path != "/api/v4/projects" {
			t.Fatalf("requested %s", r.URL)
		}
	}
}

type headerEditor struct {
	http.ResponseWriter
	edit func(http.Header)
}

func (h headerEditor) WriteHeader(code int) {
	h.edit(h.Header())
	h.ResponseWriter.WriteHeader(code)
}

func (h headerEditor) Write(b []byte) (int, error) { return h.ResponseWriter.Write(b) }

func TestETag(t *testing.T) {
	repos := makeRepos(150)
	f := fake.New(token, repos)
	e := newEnv(t, f, nil, nil)
	st := streamsFor(t, e.src, token, providers.NewOrder(providers.SortUpdated, ""))
	ctx := context.Background()
	p, err := st[0].FetchPage(ctx, 0, "")
	if err != nil || p.ETag == "" {
		t.Fatalf("etag %q, %v", p.ETag, err)
	}
	if _, err := st[0].FetchPage(ctx, 0, p.ETag); !errors.Is(err, providers.ErrNotModified) {
		t.Fatalf("same page with its etag: %v", err)
	}
	if r := e.rec.all(); r[len(r)-1].Header.Get("If-None-Match") != p.ETag {
		t.Fatalf("If-None-Match %q", r[len(r)-1].Header.Get("If-None-Match"))
	}
	for i := range repos {
		if repos[i].ForgeID == p.Items[0].ForgeID {
			repos[i].Description = ptr("changed")
		}
	}
	f.SetRepos(repos)
	p2, err := st[0].FetchPage(ctx, 0, p.ETag)
	if err != nil || p2.ETag == p.ETag || len(p2.Items) != 100 {
		t.Fatalf("changed page: etag %q, %d items, %v", p2.ETag, len(p2.Items), err)
	}
}
