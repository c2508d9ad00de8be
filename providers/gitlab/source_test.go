package gitlab_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestNativeQueryParameters checks each sort's order_by/sort and that page i is GitLab's page i+1.
func TestNativeQueryParameters(t *testing.T) {
	want := map[providers.Order][2]string{
		{Sort: providers.SortPushed, Direction: providers.Desc}:  {"last_activity_at", "desc"},
		{Sort: providers.SortPushed, Direction: providers.Asc}:   {"last_activity_at", "asc"},
		{Sort: providers.SortUpdated, Direction: providers.Desc}: {"updated_at", "desc"},
		{Sort: providers.SortUpdated, Direction: providers.Asc}:  {"updated_at", "asc"},
		{Sort: providers.SortCreated, Direction: providers.Desc}: {"created_at", "desc"},
		{Sort: providers.SortCreated, Direction: providers.Asc}:  {"created_at", "asc"},
	}
	e := newEnv(t, fake.New(token, makeRepos(250)), nil, nil)
	for o, w := range want {
		st := streamsFor(t, e.src, token, o)
		before := len(e.rec.all())
		p, err := st[0].FetchPage(context.Background(), 1, "")
		if err != nil {
			t.Fatal(err)
		}
		reqs := e.rec.all()[before:]
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests for one page", o, len(reqs))
		}
		r := reqs[0]
		q := r.URL.Query()
		if q.Get("order_by") != w[0] || q.Get("sort") != w[1] || q.Get("page") != "2" || q.Get("per_page") != "100" || q.Get("membership") != "true" {
			t.Fatalf("%s: query %v", o, q)
		}
		if r.Header.Get("PRIVATE-TOKEN") != token || r.Header.Get("Authorization") != "" {
			t.Fatalf("%s: auth headers %v", o, r.Header)
		}
		if len(p.Items) != 100 || !p.More || p.Total != 250 || p.LastIndex != 2 || p.ETag == "" {
			t.Fatalf("%s: page 1: %d items more %v total %d last %d etag %q", o, len(p.Items), p.More, p.Total, p.LastIndex, p.ETag)
		}
		if !strings.HasPrefix(st[0].ID(), "gitlab||") || strings.Contains(st[0].ID(), token) {
			t.Fatalf("stream id %q", st[0].ID())
		}
	}
}

// TestMembershipTrap: without membership=true GitLab (and the fake) list every public project; the
// source must always ask for the member's list.
func TestMembershipTrap(t *testing.T) {
	repos := makeRepos(30)
	f := fake.New(token, repos)
	f.PublicOthers = others()
	e := newEnv(t, f, nil, nil)

	// The trap is real: the same request without membership=true lists the strangers' projects.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v4/projects?per_page=100&order_by=last_activity_at", nil)
	req.Header.Set("PRIVATE-TOKEN", token)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "stranger0/public-0") || resp.Header.Get("X-Total") != fmt.Sprint(30+len(others())) {
		t.Fatalf("fake without membership does not list public projects of others: total %s", resp.Header.Get("X-Total"))
	}

	for _, o := range providertest.AllOrders() {
		got := walkForward(t, streamsFor(t, e.src, token, o), o, []int{100})
		if len(got) != len(repos) {
			t.Fatalf("%s: got %d projects, want %d", o, len(got), len(repos))
		}
		for _, r := range got {
			if strings.HasPrefix(r.NameWithOwner, "stranger") {
				t.Fatalf("%s: listed %s, a public project of someone else", o, r.NameWithOwner)
			}
		}
	}
	qs := e.queries("/projects")
	if len(qs) < len(providertest.AllOrders()) {
		t.Fatalf("only %d list requests", len(qs))
	}
	for _, q := range qs[1:] {
		if q.Get("membership") != "true" {
			t.Fatalf("request without membership=true: %v", q)
		}
	}
}

// TestNestedGroups: group/sub/name keeps its full path, its owner is the namespace's full path, and
// a repository is found by numeric id or by its URL-encoded path.
func TestNestedGroups(t *testing.T) {
	repos := makeRepos(20)
	e := newEnv(t, fake.New(token, repos), nil, nil)
	got := walkForward(t, streamsFor(t, e.src, token, providers.NewOrder(providers.SortFullName, "")), providers.NewOrder(providers.SortFullName, ""), []int{100})
	nested := 0
	for _, r := range got {
		if r.Owner != r.NameWithOwner[:strings.LastIndex(r.NameWithOwner, "/")] {
			t.Fatalf("%s: owner %q", r.NameWithOwner, r.Owner)
		}
		if strings.Count(r.NameWithOwner, "/") >= 3 {
			nested++
		}
	}
	if nested == 0 {
		t.Fatal("no deeply nested project in the test data")
	}
	ctx := context.Background()
	deep := repos[3] // acme/platform/infra/...
	if strings.Count(deep.NameWithOwner, "/") != 3 {
		t.Fatalf("test data: %s", deep.NameWithOwner)
	}
	r, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.GitLab, ForgeID: deep.ForgeID, NameWithOwner: deep.NameWithOwner})
	if err != nil || jsonOf(t, r) != jsonOf(t, deep) {
		t.Fatalf("by id: %v, %v", r, err)
	}
	if last := e.rec.all(); last[len(last)-1].URL.EscapedPath() != "/api/v4/projects/"+deep.ForgeID {
		t.Fatalf("requested %s", last[len(last)-1].URL.EscapedPath())
	}
	r, err = e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.GitLab, ForgeID: "not-a-number", NameWithOwner: strings.ToUpper(deep.NameWithOwner)})
	if err != nil || jsonOf(t, r) != jsonOf(t, deep) {
		t.Fatalf("by path: %v, %v", r, err)
	}
	last := e.rec.all()
	if p := last[len(last)-1].URL.EscapedPath(); p != "/api/v4/projects/ACME%2FPLATFORM%2FINFRA%2F"+strings.ToUpper(deep.Name) {
		t.Fatalf("requested %s, want the URL-encoded full path", p)
	}
}

func TestRepositoryNotFound(t *testing.T) {
	e := newEnv(t, fake.New(token, makeRepos(3)), nil, nil)
	ctx := context.Background()
	for _, id := range []providers.GlobalID{
		{Provider: providers.GitLab, ForgeID: "999", NameWithOwner: "nobody/nothing"},
		{Provider: providers.GitLab, ForgeID: "x", NameWithOwner: "nobody/nothing"},
	} {
		_, err := e.src.Repository(ctx, token, id)
		pe := kindOf(t, err)
		if pe.Kind != providers.KindNotFound || strings.Contains(pe.Error(), "Project Not Found") || pe.Source != "gitlab" {
			t.Fatalf("%+v: %v (%s)", id, err, pe.Kind)
		}
	}
	_, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.GitHub, ForgeID: "1000", NameWithOwner: "alice/repo-000"})
	if providers.KindOf(err) != providers.KindNotFound {
		t.Fatalf("GitHub id: %v", err)
	}
	_, err = e.src.Repository(ctx, "wrong", providers.GlobalID{Provider: providers.GitLab, ForgeID: "1000", NameWithOwner: "alice/Repo-000"})
	if providers.KindOf(err) != providers.KindUnauth {
		t.Fatalf("wrong token: %v", err)
	}
}

func TestStreamsInputs(t *testing.T) {
	e := newEnv(t, fake.New(token, nil), nil, nil)
	ctx := context.Background()
	o := providers.NewOrder("", "")
	if _, err := e.src.Streams(ctx, providers.Query{Order: o}); providers.KindOf(err) != providers.KindUnauth {
		t.Fatalf("no token: %v", err)
	}
	if _, err := e.src.Streams(ctx, providers.Query{Token: token, Order: providers.Order{Sort: "STARS", Direction: providers.Asc}}); providers.KindOf(err) != providers.KindInternal {
		t.Fatalf("bad order: %v", err)
	}
	if st, err := e.src.Streams(ctx, providers.Query{Token: token, Order: o, Providers: []providers.Provider{providers.GitHub}}); err != nil || len(st) != 0 {
		t.Fatalf("filtered out: %v %v", st, err)
	}
	a := streamsFor(t, e.src, token, o)[0].ID()
	b := streamsFor(t, e.src, "other", o)[0].ID()
	c := streamsFor(t, e.src, token, providers.NewOrder(providers.SortCreated, ""))[0].ID()
	if a == b || a == c || strings.Contains(a+b, token) || strings.Contains(b, "other") {
		t.Fatalf("stream ids %q %q %q", a, b, c)
	}
	if e.src.Name() != "gitlab" || len(e.src.Providers()) != 1 || e.src.Providers()[0] != providers.GitLab {
		t.Fatal("name or providers")
	}
	if _, err := streamsFor(t, e.src, token, o)[0].FetchPage(ctx, -1, ""); err == nil {
		t.Fatal("negative page")
	}
}

// roundTripFunc answers requests in process, so the default base URL is checked without network.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewDefaultsAndInvalidBase(t *testing.T) {
	for _, bad := range []string{"gitlab.com/api/v4", "ftp://gitlab.com", "https://gitlab.com/api/v4?x=1", "https:///api"} {
		if _, err := gitlab.New(gitlab.Config{BaseURL: bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	var seen string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.URL.String()
		return &http.Response{StatusCode: 200, Header: http.Header{"X-Next-Page": {""}}, Body: io.NopCloser(strings.NewReader("[]")), Request: r}, nil
	})}
	src, err := gitlab.New(gitlab.Config{HTTP: hc})
	if err != nil {
		t.Fatal(err)
	}
	st := streamsFor(t, src, token, providers.NewOrder("", ""))
	if _, err := st[0].FetchPage(context.Background(), 0, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(seen, "https://gitlab.com/api/v4/projects?") {
		t.Fatalf("default base: requested %s", seen)
	}
}

// TestCraftedIDsStayInProjects: a hand-made id whose path would steer the request elsewhere
// (/projects/..%2F..%2Fuser, encoded dots, control characters) never reaches the forge, whether its
// forge part is numeric or not, and is one BAD_USER_INPUT error; valid paths go to exactly one
// /projects/<segment>.
func TestCraftedIDsStayInProjects(t *testing.T) {
	e := newEnv(t, fake.New(token, makeRepos(3)), nil, nil)
	ctx := context.Background()
	for _, p := range []string{"..", "../user", "a/..", "a/../../user", "%2e%2e/user", "a/%2e%2e", "a/%2E%2E", "a/.", "./a",
		"a%2Fb", "a%2F..%2Fb", `a\..\b/c`, "/", "a/", "/b", "a//b", "a/b\x00", "a/b\n", "a\r/b", "a/\x7f",
		"gr oup/x", "a/he?llo", "a/b#x", "a/\xff", "noslash"} {
		for _, forgeID := range []string{"x", "5"} {
			_, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.GitLab, ForgeID: forgeID, NameWithOwner: p})
			if pe := kindOf(t, err); pe.Kind != providers.KindBadInput || !strings.Contains(pe.Msg, "Repository's id") {
				t.Errorf("%q (forge id %s): %v", p, forgeID, err)
			}
		}
	}
	if n := len(e.rec.all()); n != 0 {
		t.Fatalf("%d crafted ids reached the forge", n)
	}
	_, _ = e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.GitLab, ForgeID: "x", NameWithOwner: "a.b/c_d/e-f"})
	if n := len(e.rec.all()); n != 1 {
		t.Fatalf("%d requests for a valid path, want 1", n)
	}
	for _, r := range e.rec.all() {
		p := r.URL.EscapedPath()
		if rest, ok := strings.CutPrefix(p, "/api/v4/projects/"); !ok || strings.Contains(rest, "/") || p != "/api/v4/projects/a.b%2Fc_d%2Fe-f" {
			t.Fatalf("requested %s", p)
		}
	}
}
