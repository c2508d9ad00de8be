package gitea_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
	"github.com/forgegraph/forgegraph/providers/rest"
)

const token = "gitea-test-token"

// env is a Gitea source talking to a fake mounted under /api/v1 on loopback, every request
// recorded.
type env struct {
	src  *gitea.Source
	fake *fake.Server
	logs *providertest.Logs
	mu   sync.Mutex
	reqs []*url.URL
}

// newEnv serves h (a fake, or any handler) under /api/v1 and points a source at it.
func newEnv(t *testing.T, f *fake.Server, h http.Handler, local *providers.Local) *env {
	t.Helper()
	e := &env{fake: f, logs: &providertest.Logs{}}
	if h == nil {
		h = f
	}
	inner := http.StripPrefix("/api/v1", h)
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := *r.URL
		e.mu.Lock()
		e.reqs = append(e.reqs, &u)
		e.mu.Unlock()
		inner.ServeHTTP(w, r)
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if local == nil {
		local = providers.NewLocal(nil, 0, 0)
	}
	src, err := gitea.New(gitea.Config{BaseURL: srv.URL + "/api/v1", HTTP: srv.Client(), Local: local,
		Upstream: rest.Options{Logger: e.logs.Logger()}})
	if err != nil {
		t.Fatal(err)
	}
	e.src = src
	return e
}

// requests returns the recorded requests to path (relative to /api/v1).
func (e *env) requests(path string) []url.Values {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []url.Values
	for _, u := range e.reqs {
		if u.Path == "/api/v1"+path {
			out = append(out, u.Query())
		}
	}
	return out
}

// paths returns every recorded request's escaped path.
func (e *env) paths() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, u := range e.reqs {
		out = append(out, u.EscapedPath())
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// makeRepos returns n repositories of the viewer's with few distinct dates (so sort keys tie),
// names that differ only in case, owners whose order by owner then name differs from the order of
// full names (acme and acme-labs), and every field Gitea reports, with PushedAt equal to
// UpdatedAt, so they survive the round trip through the wire shape unchanged.
func makeRepos(n int) []providers.Repository {
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	owners := []string{fake.DefaultViewer, "acme", "acme-labs", "Zeta"}
	out := make([]providers.Repository, n)
	for i := range out {
		owner := owners[i%len(owners)]
		name := fmt.Sprintf("repo-%03d", (i*37)%1000)
		if i%9 == 0 {
			name = fmt.Sprintf("Repo-%03d", (i*37)%1000)
		}
		full := owner + "/" + name
		web := "https://gitea.example.com/" + full
		updated := base.Add(time.Duration((i*7)%23) * time.Hour)
		created := base.Add(-time.Duration((i*5)%17) * time.Hour)
		r := providers.Repository{
			ForgeID: strconv.Itoa(5000 - 3*i), Provider: providers.Gitea, Name: name, NameWithOwner: full, Owner: owner,
			URL: ptr(web), SSHURL: ptr("git@gitea.example.com:" + full + ".git"), CloneURL: ptr(web + ".git"),
			IsPrivate: i%3 == 0, IsFork: ptr(i%4 == 0), IsArchived: ptr(i%5 == 0),
			StargazerCount: ptr(i % 11), ForkCount: ptr(i % 6),
			CreatedAt: &created, UpdatedAt: &updated, PushedAt: &updated,
		}
		if i%2 == 0 {
			r.Description = ptr(fmt.Sprintf("repository %d", i))
		}
		if i%7 != 0 {
			r.DefaultBranch = ptr("main")
			r.PrimaryLanguage = ptr("Go")
		}
		out[i] = r
	}
	return out
}

// others are public repositories of other users, which must never show up in the viewer's list.
func others() []providers.Repository {
	t := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]providers.Repository, 7)
	for i := range out {
		out[i] = providers.Repository{
			ForgeID: fmt.Sprint(900000 + i), Provider: providers.Gitea, Name: fmt.Sprintf("public-%d", i),
			NameWithOwner: fmt.Sprintf("stranger%d/public-%d", i, i), Owner: fmt.Sprintf("stranger%d", i),
			CreatedAt: &t, UpdatedAt: &t,
		}
	}
	return out
}

// giteaOrder is the order the test expects of Gitea for a native sort, written from its
// documentation: the date asked (updated for PUSHED and UPDATED, created for CREATED) in whole
// seconds in the direction asked, ties in the fake table's id order. FULL_NAME is the project's
// total order (served locally).
func giteaOrder(repos []providers.Repository, o providers.Order) []string {
	c := append([]providers.Repository(nil), repos...)
	if o.Sort == providers.SortFullName {
		slices.SortStableFunc(c, func(a, b providers.Repository) int { return o.Compare(&a, &b) })
	} else {
		at := func(r *providers.Repository) int64 {
			if o.Sort == providers.SortCreated {
				return r.CreatedAt.Unix()
			}
			return r.UpdatedAt.Unix()
		}
		id := func(r *providers.Repository) int64 { n, _ := strconv.ParseInt(r.ForgeID, 10, 64); return n }
		slices.SortStableFunc(c, func(a, b providers.Repository) int {
			k := cmp.Compare(at(&a), at(&b))
			if o.Direction == providers.Desc {
				k = -k
			}
			if k == 0 {
				k = cmp.Compare(id(&a), id(&b))
			}
			return k
		})
	}
	out := make([]string, len(c))
	for i := range c {
		out[i] = c[i].Identity()
	}
	return out
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// listFields is r without its details (detail_test.go checks those), for comparing a conversion
// with the repository the fake served.
func listFields(r *providers.Repository) providers.Repository {
	c := *r
	c.Details = nil
	return c
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

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("%s: position %d: got %s, want %s (%d vs %d items)", what, i, got[i], want[i], len(got), len(want))
			}
		}
		t.Fatalf("%s: got %d repositories, want %d", what, len(got), len(want))
	}
}
