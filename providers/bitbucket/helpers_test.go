package bitbucket_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	"github.com/forgegraph/forgegraph/providers/bitbucket/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

const token = "bb-access-token"

// request is what the recorder saw of one request (path relative to the API base).
type request struct {
	Path  string
	Query map[string][]string
	Auth  string
}

// env is a fake Bitbucket mounted under /2.0 on a loopback server, with a recorder in front.
type env struct {
	fake *fake.Server
	rec  *providertest.Recorder
	base string // the API root: server URL + "/2.0"
	src  *bitbucket.Source
}

func newEnv(t *testing.T, tok string, repos []providers.Repository, cfg ...func(*bitbucket.Config)) *env {
	t.Helper()
	e := &env{fake: fake.New(tok, repos)}
	e.rec, e.base = providertest.Serve(t, "/2.0", e.fake)
	c := bitbucket.Config{BaseURL: e.base, Timeout: 5 * time.Second}
	for _, f := range cfg {
		f(&c)
	}
	src, err := bitbucket.New(c)
	if err != nil {
		t.Fatal(err)
	}
	e.src = src
	return e
}

// setWrap makes h answer instead of the fake (h may call the fake itself); nil restores the fake.
func (e *env) setWrap(h http.Handler) {
	if h == nil {
		h = e.fake
	}
	e.rec.SetHandler(h)
}

func (e *env) requests() []request {
	var out []request
	for _, s := range e.rec.Requests() {
		out = append(out, request{Path: s.Path, Query: s.Values(), Auth: s.Header.Get("Authorization")})
	}
	return out
}

// count returns how many recorded requests had path p.
func (e *env) count(p string) int { return e.rec.Count(p) }

func (e *env) reset() { e.rec.Take() }

func (e *env) streams(t *testing.T, tok string, o providers.Order) []providers.Stream {
	t.Helper()
	st, err := e.src.Streams(context.Background(), providers.Query{Token: tok, Order: o})
	if err != nil {
		t.Fatalf("Streams(%v): %v", o, err)
	}
	return st
}

// genRepos returns n repositories per workspace with few distinct dates, so sort keys tie often,
// some names differing only in case, and Pushed/Updated times that differ.
func genRepos(rng *rand.Rand, sizes map[string]int) []providers.Repository {
	base := time.Date(2024, 3, 1, 10, 20, 30, 123456789, time.UTC)
	var out []providers.Repository
	ws := make([]string, 0, len(sizes))
	for w := range sizes {
		ws = append(ws, w)
	}
	slices.Sort(ws)
	for _, w := range ws {
		for i := range sizes[w] {
			at := func() *time.Time {
				t := base.Add(time.Duration(rng.IntN(30)) * time.Hour)
				return &t
			}
			slug := fmt.Sprintf("repo-%04d", i)
			name := slug
			if rng.IntN(8) == 0 {
				name = fmt.Sprintf("Repo-%04d", i)
			}
			r := providers.Repository{
				ForgeID:       fmt.Sprintf("{%08d-0000-4000-8000-%012d}", i, len(out)),
				Provider:      providers.Bitbucket,
				Name:          name,
				NameWithOwner: w + "/" + slug,
				IsPrivate:     rng.IntN(2) == 0,
				CreatedAt:     at(),
				UpdatedAt:     at(),
				PushedAt:      at(),
			}
			if rng.IntN(3) == 0 {
				r.Description = new("description " + slug)
			}
			if rng.IntN(2) == 0 {
				r.PrimaryLanguage = new("go")
			}
			if rng.IntN(2) == 0 {
				r.DefaultBranch = new("main")
			}
			if rng.IntN(5) == 0 {
				r.IsFork = new(true)
			}
			out = append(out, r)
		}
	}
	return out
}

// expectedOrder is the list providers.List must give over the source's streams: each workspace in
// Order.Compare, the workspaces in slug order, merged by sort key with ties kept in stream order.
func expectedOrder(repos []providers.Repository, o providers.Order) []providers.Repository {
	view := fake.View(repos)
	byWS := map[string][]providers.Repository{}
	var wss []string
	for _, r := range view {
		ws, _, _ := strings.Cut(r.NameWithOwner, "/")
		if _, ok := byWS[ws]; !ok {
			wss = append(wss, ws)
		}
		byWS[ws] = append(byWS[ws], r)
	}
	slices.Sort(wss)
	var all []providers.Repository
	for _, ws := range wss {
		list := byWS[ws]
		slices.SortStableFunc(list, laneOrder(o))
		all = append(all, list...)
	}
	slices.SortStableFunc(all, func(a, b providers.Repository) int { return o.CompareKey(&a, &b) })
	return all
}

func canon(t *testing.T, r providers.Repository) string {
	t.Helper()
	r.Details = nil // made up by the fake; detail_test.go checks them
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sameRepos(t *testing.T, what string, got []*providers.Repository, want []providers.Repository) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d repositories, want %d", what, len(got), len(want))
	}
	for i := range got {
		if g, w := canon(t, *got[i]), canon(t, want[i]); g != w {
			t.Fatalf("%s: position %d:\n got %s\nwant %s", what, i, g, w)
		}
	}
}

// walk pages the whole list forward and backward with uneven page sizes and checks both against
// want, and the count.
func walk(t *testing.T, what string, streams []providers.Stream, o providers.Order, want []providers.Repository) {
	t.Helper()
	ctx := context.Background()
	sizes := []int{37, 100, 1, 64}
	for _, backward := range []bool{false, true} {
		got, err := providertest.Walk(ctx, streams, o, nil, sizes, backward)
		if err != nil {
			t.Fatalf("%s (backward %v): %v", what, backward, err)
		}
		sameRepos(t, fmt.Sprintf("%s (backward %v)", what, backward), got, want)
	}
	total, err := providers.Count(ctx, streams, providers.FetchDirect)
	if err != nil {
		t.Fatalf("%s: count: %v", what, err)
	}
	if total != len(want) {
		t.Fatalf("%s: count %d, want %d", what, total, len(want))
	}
}

func kindOf(t *testing.T, err error) providers.Kind {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var pe *providers.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %T %v is not a *providers.Error", err, err)
	}
	if pe.Source != bitbucket.SourceName {
		t.Fatalf("error source %q, want bitbucket", pe.Source)
	}
	return pe.Kind
}
