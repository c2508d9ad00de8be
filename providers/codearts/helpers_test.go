package codearts_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts"
	"github.com/forgegraph/forgegraph/providers/codearts/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

const (
	token    = "iam-token-of-the-user"
	basePath = "/codearts"
)

var versions = []string{codearts.APIv4, codearts.APIv2}

// recorder is the shared request recorder.
type recorder = providertest.Recorder

// mount serves h under basePath (absolute paths fail) and returns the base URL.
func mount(t *testing.T, h http.Handler) string {
	t.Helper()
	_, base := providertest.Serve(t, basePath, h)
	return base
}

// newSource builds a Source of version against base.
func newSource(t *testing.T, version, base string, mod ...func(*codearts.Config)) *codearts.Source {
	t.Helper()
	cfg := codearts.Config{BaseURL: base, APIVersion: version, Timeout: 5 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := codearts.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// withFake serves repos from a fake and returns the fake, a recorder and a Source of version.
func withFake(t *testing.T, version string, repos []providers.Repository, mod ...func(*codearts.Config)) (*fake.Server, *recorder, *codearts.Source) {
	t.Helper()
	f := fake.New(token, repos)
	rc, base := providertest.Serve(t, basePath, f)
	return f, rc, newSource(t, version, base, mod...)
}

// serve mounts a test handler under basePath and returns the base URL.
func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	return mount(t, h)
}

// makeRepos returns n repositories with second-precision times drawn from a few values, so keys tie
// often; some lack a push time; some names differ only in case.
func makeRepos(seed uint64, n int) []providers.Repository {
	rng := rand.New(rand.NewPCG(seed, 99))
	base := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func() *time.Time {
		t := base.Add(time.Duration(rng.IntN(50)) * time.Hour).Add(time.Duration(rng.IntN(3)) * time.Second)
		return &t
	}
	out := make([]providers.Repository, n)
	for i := range out {
		owner := fmt.Sprintf("tenant%d/group%d", i%3, i%5)
		name := fmt.Sprintf("repo-%04d", (i*7919)%10007)
		if i%9 == 0 {
			name = strings.ToUpper(name[:1]) + name[1:]
		}
		nwo := owner + "/" + name
		web := "https://codehub.example.com/" + nwo
		clone := web + ".git"
		ssh := "git@codehub.example.com:" + nwo + ".git"
		out[i] = providers.Repository{
			ForgeID: fmt.Sprint(1000 + i), Provider: providers.CodeArts, Name: name,
			NameWithOwner: nwo, Owner: owner, URL: &web, CloneURL: &clone, SSHURL: &ssh,
			IsPrivate: i%2 == 0, CreatedAt: at(), UpdatedAt: at(), PushedAt: at(),
		}
		if rng.IntN(15) == 0 {
			out[i].PushedAt = nil
		}
	}
	return out
}

// wireView is what the fake's answer carries of r in version: v2 has one update time for both
// UpdatedAt and PushedAt. The creation time is kept: the fake orders v4's created_at by it.
func wireView(version string, r providers.Repository) providers.Repository {
	if version == codearts.APIv2 {
		u := r.UpdatedAt
		if u == nil {
			u = r.PushedAt
		}
		r.UpdatedAt, r.PushedAt = u, u
	}
	return r
}

// expectedOrder is the full paths of repos in order o as the source must list them.
func expectedOrder(version string, o providers.Order, repos []providers.Repository) []string {
	c := make([]providers.Repository, len(repos))
	for i, r := range repos {
		c[i] = wireView(version, r)
	}
	slices.SortStableFunc(c, laneOrder(version, o))
	out := make([]string, len(c))
	for i := range c {
		out[i] = c[i].NameWithOwner
	}
	return out
}

// walk lists the whole stream forward with first n and backward with last n.
func walk(t *testing.T, streams []providers.Stream, o providers.Order, n int) (forward, backward []string) {
	t.Helper()
	f, b := providertest.WalkBoth(t, streams, o, []int{n})
	return names(f), names(b)
}

// names are the repositories' full paths, in order.
func names(rs []*providers.Repository) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.NameWithOwner
	}
	return out
}

func sameList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d repositories, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: position %d: got %s, want %s", what, i, got[i], want[i])
		}
	}
}

// wantKind checks err is a *providers.Error of kind k from codearts whose message holds each of
// parts.
func wantKind(t *testing.T, err error, k providers.Kind, parts ...string) *providers.Error {
	t.Helper()
	var e *providers.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	if e.Kind != k || e.Source != codearts.SourceName {
		t.Fatalf("error %q: kind %s source %q, want %s codearts", e, e.Kind, e.Source, k)
	}
	for _, p := range parts {
		if !strings.Contains(e.Error(), p) {
			t.Fatalf("error %q does not mention %q", e, p)
		}
	}
	return e
}

// streamOf returns the one stream of the source for order o.
func streamOf(t *testing.T, s *codearts.Source, tok string, o providers.Order) providers.Stream {
	t.Helper()
	st, err := s.Streams(context.Background(), providers.Query{Token: tok, Order: o})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 {
		t.Fatalf("%d streams, want 1", len(st))
	}
	return st[0]
}
