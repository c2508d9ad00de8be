package gitlab_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
	"github.com/forgegraph/forgegraph/providers/rest"
)

const token = "glpat-test-token"

// env is a GitLab source talking to a fake mounted under /api/v4 on loopback.
type env struct {
	src  *gitlab.Source
	fake *fake.Server
	srv  *httptest.Server
	rec  *recorder
}

// recorder keeps every request's URL and headers as the server saw them.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (r *recorder) add(req *http.Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(req.Context()))
	r.mu.Unlock()
}

func (r *recorder) all() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.reqs...)
}

// newEnv serves f (wrapped by wrap when not nil) under /api/v4 and points a source at it.
func newEnv(t *testing.T, f *fake.Server, local *providers.Local, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	e := &env{fake: f, rec: &recorder{}}
	var h http.Handler = f
	if wrap != nil {
		h = wrap(h)
	}
	mux := http.NewServeMux()
	inner := http.StripPrefix("/api/v4", h)
	mux.Handle("/api/v4/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.rec.add(r)
		inner.ServeHTTP(w, r)
	}))
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	if local == nil {
		local = providers.NewLocal(nil, 0, 0)
	}
	src, err := gitlab.New(gitlab.Config{BaseURL: e.srv.URL + "/api/v4", HTTP: e.srv.Client(), Local: local})
	if err != nil {
		t.Fatal(err)
	}
	e.src = src
	return e
}

// handlerEnv points a source at a plain handler mounted under /api/v4.
func handlerEnv(t *testing.T, h http.HandlerFunc, timeout time.Duration) *gitlab.Source {
	t.Helper()
	src, _ := loggedEnv(t, h, timeout)
	return src
}

// loggedEnv is handlerEnv whose upstream log lines go to the returned Logs.
func loggedEnv(t *testing.T, h http.HandlerFunc, timeout time.Duration) (*gitlab.Source, *providertest.Logs) {
	t.Helper()
	logs := &providertest.Logs{}
	mux := http.NewServeMux()
	mux.Handle("/api/v4/", http.StripPrefix("/api/v4", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	src, err := gitlab.New(gitlab.Config{BaseURL: srv.URL + "/api/v4", HTTP: srv.Client(), Timeout: timeout,
		Upstream: rest.Options{Logger: logs.Logger()}})
	if err != nil {
		t.Fatal(err)
	}
	return src, logs
}

func ptr[T any](v T) *T { return &v }

// makeRepos returns n member projects with few distinct dates (so sort keys tie), names that differ
// only in case, nested groups, and every field a GitLab project has, so they survive the round
// trip through the wire shape unchanged.
func makeRepos(n int) []providers.Repository {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	owners := []string{"alice", "acme", "acme/platform", "acme/platform/infra", "Zeta"}
	out := make([]providers.Repository, n)
	for i := range out {
		owner := owners[i%len(owners)]
		name := fmt.Sprintf("repo-%03d", (i*37)%1000)
		if i%9 == 0 {
			name = fmt.Sprintf("Repo-%03d", (i*37)%1000)
		}
		full := owner + "/" + name
		web := "https://gitlab.example.com/" + full
		t1 := base.Add(time.Duration((i*7)%23) * time.Hour)
		t2 := base.Add(time.Duration((i*5)%17) * time.Hour)
		t3 := base.Add(time.Duration((i*3)%13) * time.Minute)
		r := providers.Repository{
			ForgeID: fmt.Sprint(1000 + i), Provider: providers.GitLab, Name: name,
			NameWithOwner: full, Owner: owner,
			URL: ptr(web), SSHURL: ptr("git@gitlab.example.com:" + full + ".git"), CloneURL: ptr(web + ".git"),
			IsPrivate: i%3 == 0, IsFork: ptr(i%4 == 0), IsArchived: ptr(i%5 == 0),
			StargazerCount: ptr(i % 11), ForkCount: ptr(i % 6),
			PushedAt: &t1, UpdatedAt: &t2, CreatedAt: &t3,
		}
		if i%2 == 0 {
			r.Description = ptr(fmt.Sprintf("project %d", i))
		}
		if i%7 != 0 {
			r.DefaultBranch = ptr("main")
		}
		out[i] = r
	}
	return out
}

// others are public projects of other users, which must never show up in the user's list.
func others() []providers.Repository {
	t := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]providers.Repository, 7)
	for i := range out {
		full := fmt.Sprintf("stranger%d/public-%d", i, i)
		out[i] = providers.Repository{
			ForgeID: fmt.Sprint(900000 + i), Provider: providers.GitLab, Name: fmt.Sprintf("public-%d", i),
			NameWithOwner: full, Owner: fmt.Sprintf("stranger%d", i),
			PushedAt: &t, UpdatedAt: &t, CreatedAt: &t,
		}
	}
	return out
}

// sorted returns the identities of repos in o's total order.
func sorted(repos []providers.Repository, o providers.Order) []string {
	c := append([]providers.Repository(nil), repos...)
	sort.SliceStable(c, func(i, j int) bool { return o.Compare(&c[i], &c[j]) < 0 })
	out := make([]string, len(c))
	for i := range c {
		out[i] = c[i].Identity()
	}
	return out
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	// Details come from the fake's made-up data; detail_test.go checks them.
	switch r := v.(type) {
	case providers.Repository:
		r.Details = nil
		v = r
	case *providers.Repository:
		if r != nil {
			c := *r
			c.Details = nil
			v = c
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func kindOf(t *testing.T, err error) *providers.Error {
	t.Helper()
	var pe *providers.Error
	if err == nil {
		t.Fatal("got no error")
	}
	if !errors.As(err, &pe) {
		t.Fatalf("%v (%T) is not a *providers.Error", err, err)
	}
	return pe
}

// queries returns the query of every recorded request to path.
func (e *env) queries(path string) []url.Values {
	var out []url.Values
	for _, r := range e.rec.all() {
		if r.URL.Path == "/api/v4"+path {
			out = append(out, r.URL.Query())
		}
	}
	return out
}
