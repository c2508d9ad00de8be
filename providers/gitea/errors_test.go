package gitea_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// TestNewNeedsTheAPIURL: Gitea has no default instance; a missing or bad URL fails at start with a
// message that names the variable and an example.
func TestNewNeedsTheAPIURL(t *testing.T) {
	for _, raw := range []string{"", "  ", "codeberg.org/api/v1", "https://x/api/v1?a=b"} {
		s, err := gitea.New(gitea.Config{BaseURL: raw})
		if err == nil || s != nil || !strings.Contains(err.Error(), "gitea") {
			t.Fatalf("%q: %v, %v", raw, s, err)
		}
		if strings.TrimSpace(raw) == "" && !strings.Contains(err.Error(), "GITEA_API_URL") {
			t.Fatalf("%q: %v does not name GITEA_API_URL", raw, err)
		}
	}
}

// TestTokenIsSentAsGiteaAccessToken: every request carries "Authorization: token …"; a wrong
// token is KindUnauth from the fake's 401, and no token is KindUnauth before any request.
func TestTokenIsSentAsGiteaAccessToken(t *testing.T) {
	var seen []string
	f := fake.New(token, makeRepos(3))
	e := newEnv(t, f, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		f.ServeHTTP(w, r)
	}), nil)
	if _, err := streamsFor(t, e, providers.NewOrder("", ""))[0].FetchPage(context.Background(), 0, ""); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] != "token "+token || seen[1] != "token "+token {
		t.Fatalf("Authorization headers %q", seen)
	}
	st, err := e.src.Streams(context.Background(), providers.Query{Token: "wrong", Order: providers.NewOrder("", "")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st[0].FetchPage(context.Background(), 0, "")
	if pe := kindOf(t, err); pe.Kind != providers.KindUnauth || pe.Source != "gitea" {
		t.Fatalf("wrong token: %v", err)
	}
	providertest.ForgeTextLogged(t, err, "invalid username, password or token", e.logs)
	if _, err := e.src.Streams(context.Background(), providers.Query{Order: providers.NewOrder("", "")}); kindOf(t, err).Kind != providers.KindUnauth ||
		!strings.Contains(err.Error(), "X-Gitea-Token") {
		t.Fatalf("no token: %v", err)
	}
	// A provider filter without Gitea gives no stream and asks nothing.
	before := f.Requests()
	if st, err := e.src.Streams(context.Background(), providers.Query{Token: token, Order: providers.NewOrder("", ""), Providers: []providers.Provider{providers.GitHub}}); err != nil || st != nil {
		t.Fatalf("GITHUB only: %v, %v", st, err)
	}
	if f.Requests() != before {
		t.Fatal("a list without Gitea asked Gitea")
	}
}

// TestFailuresMapToKinds: Gitea's failure answers become the error kinds of every forge, and its
// own words go to the log only.
func TestFailuresMapToKinds(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
		kind   providers.Kind
		text   string
	}{
		{http.StatusUnauthorized, `{"message":"token is required","url":"x"}`, providers.KindUnauth, "token is required"},
		{http.StatusForbidden, `{"message":"token does not have at least one of required scope(s): [read:repository]","url":"x"}`, providers.KindForbidden, "required scope"},
		{http.StatusNotFound, `{"message":"GetUserByName","url":"x"}`, providers.KindNotFound, "GetUserByName"},
		{http.StatusUnprocessableEntity, `{"message":"Invalid sort mode: \"pushed\"","url":"x"}`, providers.KindBadResponse, "Invalid sort mode"},
		{http.StatusInternalServerError, `{"ok":false,"error":"SearchRepository: database is locked"}`, providers.KindUnavailable, "database is locked"},
		{http.StatusOK, `{"ok":true,"data":[{"id":1,"full_name":"me/x"`, providers.KindBadResponse, ""},
		{http.StatusOK, `{"ok":true,"data":[{"id":0,"full_name":"me/x"}]}`, providers.KindBadResponse, ""},
		{http.StatusOK, `{"ok":true,"data":[{"id":3,"full_name":"me/x/y"}]}`, providers.KindBadResponse, ""},
		{http.StatusOK, `{"ok":false,"data":[]}`, providers.KindBadResponse, ""},
	} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/user" {
				w.Write([]byte(`{"id":7,"login":"me"}`))
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(c.status)
			w.Write([]byte(c.body))
		})
		e := newEnv(t, nil, h, nil)
		_, err := streamsFor(t, e, providers.NewOrder("", ""))[0].FetchPage(context.Background(), 0, "")
		if pe := kindOf(t, err); pe.Kind != c.kind || pe.Source != "gitea" {
			t.Fatalf("%d %s: %v (%s), want %s", c.status, c.body, err, pe.Kind, c.kind)
		}
		if c.text != "" {
			providertest.ForgeTextLogged(t, err, c.text, e.logs)
		}
	}
}

// TestViewerFailures: the list needs the viewer's id; GET /user failing or answering no id fails
// the list with a clear kind, and asks no list.
func TestViewerFailures(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
		kind   providers.Kind
	}{
		{http.StatusUnauthorized, `{"message":"invalid username, password or token"}`, providers.KindUnauth},
		{http.StatusOK, `{"login":"me"}`, providers.KindBadResponse},
		{http.StatusOK, `not json`, providers.KindBadResponse},
	} {
		lists := 0
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/user" {
				lists++
			}
			w.WriteHeader(c.status)
			w.Write([]byte(c.body))
		})
		e := newEnv(t, nil, h, nil)
		_, err := streamsFor(t, e, providers.NewOrder("", ""))[0].FetchPage(context.Background(), 0, "")
		if pe := kindOf(t, err); pe.Kind != c.kind {
			t.Fatalf("%d %s: %v", c.status, c.body, err)
		}
		if lists != 0 {
			t.Fatalf("%d %s: the list was asked without a viewer", c.status, c.body)
		}
	}
}

// TestRepositoryLookup: GET /repositories/{id} by a global id finds the viewer's and others'
// public repositories, answers KindNotFound for an invisible one, another forge's id or an id whose
// path now holds another repository.
func TestRepositoryLookup(t *testing.T) {
	repos := makeRepos(5)
	f := fake.New(token, repos)
	f.Others = others()
	e := newEnv(t, f, nil, nil)
	ctx := context.Background()
	r, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Gitea, ForgeID: repos[2].ForgeID, NameWithOwner: strings.ToUpper(repos[2].NameWithOwner)})
	if err != nil || jsonOf(t, listFields(r)) != jsonOf(t, repos[2]) {
		t.Fatalf("lookup: %v, %v", r, err)
	}
	if got := e.paths(); len(got) != 1 || got[0] != "/api/v1/repositories/"+repos[2].ForgeID { // by id: it survives renames
		t.Fatalf("lookup asked %v", got)
	}
	if r, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Gitea, ForgeID: "900003", NameWithOwner: "stranger3/public-3"}); err != nil || r.Owner != "stranger3" {
		t.Fatalf("public repository of another user: %v, %v", r, err)
	}
	for _, id := range []providers.GlobalID{
		{Provider: providers.Gitea, ForgeID: "1", NameWithOwner: "nobody/nothing"},
		{Provider: providers.GitHub, ForgeID: repos[0].ForgeID, NameWithOwner: repos[0].NameWithOwner},
		{Provider: providers.Gitea, ForgeID: "123", NameWithOwner: repos[0].NameWithOwner},
	} {
		if _, err := e.src.Repository(ctx, token, id); kindOf(t, err).Kind != providers.KindNotFound {
			t.Fatalf("%v: %v", id, err)
		}
	}
}

// TestCraftedIDsNeverReachTheForge: an id whose path is not owner/name of Gitea's name characters
// is KindBadInput before any request; no request ever leaves /repos/{owner}/{repo}.
func TestCraftedIDsNeverReachTheForge(t *testing.T) {
	f := fake.New(token, makeRepos(3))
	e := newEnv(t, f, nil, nil)
	for _, path := range []string{"..", "a/..", "../b", "a/b/c", "a", "a/", "/b", "a/b%2f..", "a/%2e%2e", "a/b?x=1", "a/b#c",
		"a b/c", "a/b\x00", "a/b\\c", "a/./b", "a/b/../../user", "é/x"} {
		_, err := e.src.Repository(context.Background(), token, providers.GlobalID{Provider: providers.Gitea, ForgeID: "1", NameWithOwner: path})
		if pe := kindOf(t, err); pe.Kind != providers.KindBadInput || !strings.Contains(pe.Error(), "Repository's id") {
			t.Fatalf("%q: %v", path, err)
		}
	}
	if n := f.Requests(); n != 0 {
		t.Fatalf("crafted ids made %d requests: %v", n, e.paths())
	}
}
