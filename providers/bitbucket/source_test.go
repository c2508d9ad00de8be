package bitbucket_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

func TestNameAndProviders(t *testing.T) {
	e := newEnv(t, token, nil)
	if e.src.Name() != "bitbucket" {
		t.Fatalf("Name() = %q", e.src.Name())
	}
	if p := e.src.Providers(); len(p) != 1 || p[0] != providers.Bitbucket {
		t.Fatalf("Providers() = %v", p)
	}
}

func TestNewRejectsBadBaseURL(t *testing.T) {
	for _, raw := range []string{"api.bitbucket.org/2.0", "ftp://x/2.0", "https://x/2.0?a=b", "::"} {
		if _, err := bitbucket.New(bitbucket.Config{BaseURL: raw}); err == nil {
			t.Errorf("New(%q) accepted", raw)
		}
	}
	if _, err := bitbucket.New(bitbucket.Config{}); err != nil {
		t.Fatalf("New with the default URL: %v", err)
	}
}

func TestStreamIDs(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(1, 1)), map[string]int{"a": 2, "b": 2})
	e := newEnv(t, token, repos)
	ids := map[string]bool{}
	for _, o := range providertest.AllOrders() {
		for _, s := range e.streams(t, token, o) {
			id := s.ID()
			if strings.Contains(id, token) {
				t.Fatalf("stream ID %q holds the token", id)
			}
			if ids[id] {
				t.Fatalf("duplicate stream ID %q", id)
			}
			ids[id] = true
		}
	}
	if len(ids) != 2*len(providertest.AllOrders()) {
		t.Fatalf("%d IDs, want %d", len(ids), 2*len(providertest.AllOrders()))
	}
}

// TestNativePageRequests checks the request a native page sends: the workspace route with
// role=member, the sort, pagelen=100 and page = index + 1.
func TestNativePageRequests(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(2, 2)), map[string]int{"jdoe": 250})
	cases := map[providers.Order]string{
		{Sort: providers.SortPushed, Direction: providers.Desc}:  "-updated_on",
		{Sort: providers.SortPushed, Direction: providers.Asc}:   "updated_on",
		{Sort: providers.SortUpdated, Direction: providers.Desc}: "-updated_on",
		{Sort: providers.SortUpdated, Direction: providers.Asc}:  "updated_on",
		{Sort: providers.SortCreated, Direction: providers.Desc}: "-created_on",
		{Sort: providers.SortCreated, Direction: providers.Asc}:  "created_on",
	}
	for o, sort := range cases {
		e := newEnv(t, token, repos)
		st := e.streams(t, token, o)[0]
		e.reset()
		p, err := st.FetchPage(context.Background(), 2, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 50 || p.More || p.Total != 250 || p.LastIndex != -1 {
			t.Fatalf("%v page 2: %d items, more %v, total %d, last %d", o, len(p.Items), p.More, p.Total, p.LastIndex)
		}
		reqs := e.requests()
		if len(reqs) != 1 {
			t.Fatalf("%v: %d requests, want 1", o, len(reqs))
		}
		r := reqs[0]
		q := url.Values(r.Query)
		if r.Path != "/repositories/jdoe" || q.Get("role") != "member" || q.Get("sort") != sort ||
			q.Get("pagelen") != "100" || q.Get("page") != "3" {
			t.Fatalf("%v: request %s?%s", o, r.Path, q.Encode())
		}
		p0, err := st.FetchPage(context.Background(), 0, "")
		if err != nil || len(p0.Items) != 100 || !p0.More || p0.Total != 250 {
			t.Fatalf("%v page 0: %d items, more %v, total %d, err %v", o, len(p0.Items), p0.More, p0.Total, err)
		}
	}
}

func TestQueryFilterAndOrder(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(9, 9)), map[string]int{"jdoe": 3})
	e := newEnv(t, token, repos)
	st, err := e.src.Streams(context.Background(), providers.Query{Token: token, Order: providers.NewOrder("", ""), Providers: []providers.Provider{providers.GitHub}})
	if err != nil || len(st) != 0 || len(e.requests()) != 0 {
		t.Fatalf("filtered out: %d streams, %d requests, err %v", len(st), len(e.requests()), err)
	}
	_, err = e.src.Streams(context.Background(), providers.Query{Token: token, Order: providers.Order{Sort: "STARS", Direction: providers.Asc}})
	// An invalid order is a server bug, not the client's input.
	if k := kindOf(t, err); k != providers.KindInternal {
		t.Fatalf("invalid order: kind %s", k)
	}
}

func TestETag(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(12, 12)), map[string]int{"jdoe": 120})
	e := newEnv(t, token, repos)
	st := e.streams(t, token, providers.NewOrder(providers.SortCreated, providers.Asc))[0]
	ctx := context.Background()
	p, err := st.FetchPage(ctx, 1, "")
	if err != nil || p.ETag == "" || len(p.Items) != 20 {
		t.Fatalf("page 1: %d items, etag %q, err %v", len(p.Items), p.ETag, err)
	}
	e.reset()
	if _, err := st.FetchPage(ctx, 1, p.ETag); !errors.Is(err, providers.ErrNotModified) {
		t.Fatalf("same etag: %v, want ErrNotModified", err)
	}
	if r := e.requests(); len(r) != 1 {
		t.Fatalf("%d requests", len(r))
	}
	e.fake.SetRepos(repos[:110])
	p2, err := st.FetchPage(ctx, 1, p.ETag)
	if err != nil || len(p2.Items) != 10 || p2.ETag == p.ETag {
		t.Fatalf("changed page: %d items, etag %q, err %v", len(p2.Items), p2.ETag, err)
	}
}

func TestPageAfterTheEnd(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(13, 13)), map[string]int{"jdoe": 100})
	e := newEnv(t, token, repos)
	st := e.streams(t, token, providers.NewOrder(providers.SortPushed, ""))[0]
	for _, i := range []int{1, 5} {
		p, err := st.FetchPage(context.Background(), i, "")
		if err != nil || len(p.Items) != 0 || p.More {
			t.Fatalf("page %d after the end: %d items, more %v, err %v", i, len(p.Items), p.More, err)
		}
	}
	if _, err := st.FetchPage(context.Background(), -1, ""); kindOf(t, err) != providers.KindInternal {
		t.Fatalf("negative page: %v", err)
	}
}

func TestLocalSortBounded(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(15, 15)), map[string]int{"jdoe": 450})
	e := newEnv(t, token, repos, func(c *bitbucket.Config) { c.Local = providers.NewLocal(nil, 150, 0) })
	st := e.streams(t, token, providers.NewOrder(providers.SortFullName, ""))[0]
	e.reset()
	_, err := st.FetchPage(context.Background(), 0, "")
	if k := kindOf(t, err); k != providers.KindBadResponse {
		t.Fatalf("kind %s (%v)", k, err)
	}
	if n := e.count("/repositories/jdoe"); n != 2 {
		t.Fatalf("read %d pages of a list bounded at 150, want 2", n)
	}
}

// TestLocalSortReadsOnce: the FULL_NAME streams of both directions share one read of the
// workspace, asked in a stable order.
func TestLocalSortReadsOnce(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(16, 16)), map[string]int{"jdoe": 230, "team": 5})
	e := newEnv(t, token, repos)
	for _, d := range []providers.Direction{providers.Asc, providers.Desc} {
		o := providers.NewOrder(providers.SortFullName, d)
		walk(t, fmt.Sprint(o), e.streams(t, token, o), o, expectedOrder(repos, o))
	}
	if n := e.count("/repositories/jdoe"); n != 3 {
		t.Fatalf("%d page reads of jdoe, want 3 (one read of 230)", n)
	}
	for _, r := range e.requests() {
		if r.Path == "/repositories/jdoe" {
			q := url.Values(r.Query)
			if q.Get("role") != "member" || q.Get("pagelen") != "100" || q.Get("sort") != "created_on" {
				t.Fatalf("local read request %s", q.Encode())
			}
		}
	}
}

func TestRepository(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(17, 17)), map[string]int{"jdoe": 5, "team": 2})
	e := newEnv(t, token, repos)
	ctx := context.Background()
	want := expectedOrder(repos, providers.NewOrder(providers.SortFullName, ""))[2]
	id, err := providers.DecodeGlobalID(want.ID())
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.src.Repository(ctx, token, id)
	if err != nil {
		t.Fatal(err)
	}
	if canon(t, *got) != canon(t, want) {
		t.Fatalf("got %s\nwant %s", canon(t, *got), canon(t, want))
	}
	if r := e.requests(); r[len(r)-1].Path != "/repositories/"+want.Owner+"/"+want.ForgeID { // by {uuid}: it survives renames
		t.Fatalf("requested %s", r[len(r)-1].Path)
	}
	for _, bad := range []providers.GlobalID{
		{Provider: providers.Bitbucket, ForgeID: "{x}", NameWithOwner: "jdoe/missing"},
		{Provider: providers.Bitbucket, ForgeID: "{x}", NameWithOwner: "nobody/repo-0000"},
		{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: want.NameWithOwner},
	} {
		_, err := e.src.Repository(ctx, token, bad)
		if k := kindOf(t, err); k != providers.KindNotFound {
			t.Fatalf("%+v: kind %s (%v)", bad, k, err)
		}
	}
	// A path that cannot be workspace/slug is a malformed id: BAD_USER_INPUT, as on every forge.
	for _, bad := range []string{"no-slash", "a/b/c"} {
		_, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Bitbucket, ForgeID: "{x}", NameWithOwner: bad})
		if k := kindOf(t, err); k != providers.KindBadInput {
			t.Fatalf("%q: kind %s (%v)", bad, k, err)
		}
	}
	_, err = e.src.Repository(ctx, "wrong", id)
	if k := kindOf(t, err); k != providers.KindUnauth {
		t.Fatalf("wrong token: kind %s", k)
	}
}

// TestCraftedIDsStayInRepositories: a hand-made id whose path would steer the request elsewhere
// (/2.0/repositories/../user) or smuggle characters into it never reaches the forge and is one
// BAD_USER_INPUT error; a valid one asks for exactly /repositories/{workspace}/{uuid}.
func TestCraftedIDsStayInRepositories(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(4, 4)), map[string]int{"jdoe": 2})
	e := newEnv(t, token, repos)
	ctx := context.Background()
	for _, p := range []string{"..", "../user", "jdoe/..", "../..", "%2e%2e/user", "jdoe/%2e%2e", "jdoe/%2E%2E", "jdoe/.", "./x",
		"a/b/c", "jdoe/../../user", "a%2Fb/c", `a\..\b/c`, "/", "a/", "/b", "a//b", "a/b\x00", "a/b\n", "a\r/b",
		"a/\x7f", "jd oe/x", "jdoe/he?llo", "jdoe/b#x", "jdoe/\xff", "{x}/y", "jdoe/{../..}"} {
		_, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Bitbucket, ForgeID: "{x}", NameWithOwner: p})
		if k := kindOf(t, err); k != providers.KindBadInput || !strings.Contains(err.Error(), "Repository's id") {
			t.Errorf("%q: kind %s (%v)", p, k, err)
		}
	}
	if r := e.requests(); len(r) != 0 {
		t.Fatalf("crafted ids reached the forge: %+v", r)
	}
	_, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Bitbucket, ForgeID: repos[0].ForgeID, NameWithOwner: repos[0].NameWithOwner})
	if err != nil {
		t.Fatal(err)
	}
	if r := e.requests(); len(r) != 1 || r[0].Path != "/repositories/"+strings.SplitN(repos[0].NameWithOwner, "/", 2)[0]+"/"+repos[0].ForgeID {
		t.Fatalf("requests %+v", r)
	}
}

// TestUnusableWorkspaceSlugsAreSkipped: a workspace listing whose slugs could not be one path
// segment ("..", "a/b", control characters) gives no stream for them and no request outside
// /repositories/{workspace}.
func TestUnusableWorkspaceSlugsAreSkipped(t *testing.T) {
	e := newEnv(t, token, genRepos(rand.New(rand.NewPCG(6, 6)), map[string]int{"jdoe": 2}))
	e.setWrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/user/workspaces" {
			e.fake.ServeHTTP(w, r)
			return
		}
		var values []string
		for _, slug := range []string{"..", ".", "a/b", `a\b`, "a b", "a\u0001", "", "jdoe"} {
			b, _ := json.Marshal(slug)
			values = append(values, `{"type":"workspace_access","workspace":{"type":"workspace","slug":`+string(b)+`}}`)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"pagelen":100,"page":1,"size":8,"values":[` + strings.Join(values, ",") + `]}`))
	}))
	o := providers.NewOrder(providers.SortPushed, "")
	streams := e.streams(t, token, o)
	if len(streams) != 1 || streams[0].Key() != "jdoe" {
		keys := []string{}
		for _, s := range streams {
			keys = append(keys, s.Key())
		}
		t.Fatalf("streams %q", keys)
	}
	if _, err := streams[0].FetchPage(context.Background(), 0, ""); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.requests() {
		if r.Path != "/user/workspaces" && r.Path != "/repositories/jdoe" {
			t.Errorf("requested %s", r.Path)
		}
	}
}
