package github_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github"
	"github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// token is the credential the fakes accept.
const token = "ghp_secret_test_token"

// apiPrefix is where the fakes are mounted, as on GitHub Enterprise Server: a client that ignores the
// base path gets 404s.
const apiPrefix = "/api/v3"

// recorder is the shared request recorder.
type recorder = providertest.Recorder

// serve mounts h under apiPrefix on a loopback test server and returns the recorder and the API root.
func serve(t *testing.T, h http.Handler) (*recorder, string) {
	t.Helper()
	return providertest.Serve(t, apiPrefix, h)
}

// newSource returns a source for base with an optional timeout.
func newSource(t *testing.T, base string, timeout time.Duration) *github.Source {
	t.Helper()
	s, err := github.New(github.Config{BaseURL: base, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// loggedSource is newSource whose upstream log lines go to the returned Logs.
func loggedSource(t *testing.T, base string) (*github.Source, *providertest.Logs) {
	t.Helper()
	logs := &providertest.Logs{}
	s, err := github.New(github.Config{BaseURL: base, Upstream: rest.Options{Logger: logs.Logger()}})
	if err != nil {
		t.Fatal(err)
	}
	return s, logs
}

// fakeSource serves repos from a fake under apiPrefix and returns the source reading it.
func fakeSource(t *testing.T, repos []providers.Repository) (*github.Source, *fake.Server, *recorder) {
	t.Helper()
	fk := fake.New(token, repos)
	rc, base := serve(t, fk)
	return newSource(t, base, 0), fk, rc
}

// stream returns the one stream of the source for order o.
func stream(t *testing.T, s *github.Source, o providers.Order) providers.Stream {
	t.Helper()
	st, err := s.Streams(context.Background(), providers.Query{Token: token, Order: o})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 {
		t.Fatalf("got %d streams, want 1", len(st))
	}
	return st[0]
}

func ptr[T any](v T) *T { return &v }

// genRepos returns n GitHub repositories with every field set, dates from few distinct seconds (so
// sort keys tie often), some names differing only in case and some never pushed.
func genRepos(rng *rand.Rand, n int) []providers.Repository {
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	date := func() *time.Time { return ptr(base.Add(time.Duration(rng.IntN(60)) * time.Minute)) }
	owners := []string{"octocat", "Octo-Org", "zed", "alpha"}
	out := make([]providers.Repository, n)
	for i := range out {
		owner := owners[rng.IntN(len(owners))]
		name := fmt.Sprintf("repo-%04d", i)
		if rng.IntN(8) == 0 {
			name = fmt.Sprintf("Repo-%04d", i)
		}
		full := owner + "/" + name
		r := providers.Repository{
			ForgeID: fmt.Sprint(1000 + i), Provider: providers.GitHub, Name: name, NameWithOwner: full, Owner: owner,
			Description: ptr("repository " + name), URL: ptr("https://github.com/" + full),
			SSHURL: ptr("git@github.com:" + full + ".git"), CloneURL: ptr("https://github.com/" + full + ".git"),
			IsPrivate: rng.IntN(3) == 0, IsFork: ptr(rng.IntN(4) == 0), IsArchived: ptr(rng.IntN(5) == 0),
			StargazerCount: ptr(rng.IntN(500)), ForkCount: ptr(rng.IntN(50)), DefaultBranch: ptr("main"),
			PrimaryLanguage: ptr([]string{"Go", "Rust", "C"}[rng.IntN(3)]),
			CreatedAt:       date(), UpdatedAt: date(), PushedAt: date(),
		}
		if rng.IntN(15) == 0 {
			r.PushedAt = nil
		}
		out[i] = r
	}
	return out
}

// sorted returns repos in the order GitHub lists them in o: what its docs say (the sort field, in
// the direction asked; full_name without letter case) and, for what they do not (ties), the fake's
// rule, ties by id in the same direction. It does not use providers.Order.Compare: a native GitHub
// list is GitHub's order, not forgegraph's.
func sorted(repos []providers.Repository, o providers.Order) []providers.Repository {
	key := func(r *providers.Repository) string {
		var t *time.Time
		switch o.Sort {
		case providers.SortFullName:
			return strings.ToLower(r.NameWithOwner)
		case providers.SortUpdated:
			t = r.UpdatedAt
		case providers.SortCreated:
			t = r.CreatedAt
		default:
			t = r.PushedAt
		}
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02T15:04:05Z")
	}
	c := slices.Clone(repos)
	slices.SortStableFunc(c, func(a, b providers.Repository) int {
		r := strings.Compare(key(&a), key(&b))
		if r == 0 {
			ia, _ := strconv.ParseInt(a.ForgeID, 10, 64)
			ib, _ := strconv.ParseInt(b.ForgeID, 10, 64)
			r = cmp.Compare(ia, ib)
		}
		if o.Direction == providers.Desc {
			r = -r
		}
		return r
	})
	return c
}

// asError asserts err is a *providers.Error of source github and returns it.
func asError(t *testing.T, err error) *providers.Error {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	if e.Source != github.SourceName {
		t.Fatalf("error source %q, want github", e.Source)
	}
	return e
}

// wantKind asserts err is a github *providers.Error of kind k.
func wantKind(t *testing.T, err error, k providers.Kind) *providers.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", k)
	}
	e := asError(t, err)
	if e.Kind != k {
		t.Fatalf("error %v has kind %s, want %s", err, e.Kind, k)
	}
	return e
}

// query parses a recorded raw query.
func query(t *testing.T, raw string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
