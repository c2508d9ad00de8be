package github_test

import (
	"context"
	"net/http"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// The fixtures are the seed's examples (GitHub's documentation of GET /user/repos and
// GET /repos/:owner/:repo) with the URLs the seed's copy lost put back as GitHub documents them.

// fixture serves a testdata file as a 200 JSON answer with the seed's headers.
func fixture(t *testing.T, file string) http.Handler {
	t.Helper()
	body, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4999")
		w.Write(body)
	})
}

func mustTime(t *testing.T, s string) *time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

// seedRepository is the seed's octocat/Hello-World converted by hand, field by field.
func seedRepository(t *testing.T, fork bool) providers.Repository {
	return providers.Repository{
		ForgeID:         "1296269",
		Provider:        providers.GitHub,
		Name:            "Hello-World",
		NameWithOwner:   "octocat/Hello-World",
		Owner:           "octocat",
		Description:     ptr("This your first repo!"),
		URL:             ptr("https://github.com/octocat/Hello-World"),
		SSHURL:          ptr("git@github.com:octocat/Hello-World.git"),
		CloneURL:        ptr("https://github.com/octocat/Hello-World.git"),
		IsPrivate:       false,
		IsFork:          ptr(fork),
		IsArchived:      nil, // the seed's body has no "archived"
		StargazerCount:  ptr(80),
		ForkCount:       ptr(9),
		DefaultBranch:   ptr("master"),
		PrimaryLanguage: nil, // "language": null
		CreatedAt:       mustTime(t, "2011-01-26T19:01:12Z"),
		UpdatedAt:       mustTime(t, "2011-01-26T19:14:43Z"),
		PushedAt:        mustTime(t, "2011-01-26T19:06:43Z"),
	}
}

// sameRepository compares two repositories field by field, naming the first field that differs.
func sameRepository(t *testing.T, got, want providers.Repository) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		// Details come from the fake's made-up data; detail_test.go checks them.
		if !gv.Type().Field(i).IsExported() || gv.Type().Field(i).Name == "Details" {
			continue
		}
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s: %s = %v, want %v", want.NameWithOwner, gv.Type().Field(i).Name, show(gv.Field(i)), show(wv.Field(i)))
		}
	}
}

func show(v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "nil"
		}
		return v.Elem().Interface()
	}
	return v.Interface()
}

func TestConvertSeedListExample(t *testing.T) {
	_, base := serve(t, fixture(t, "user_repos.json"))
	s := newSource(t, base, 0)
	p, err := stream(t, s, providers.NewOrder("", "")).FetchPage(context.Background(), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.More || p.Total != -1 || p.LastIndex != -1 {
		t.Fatalf("page: %d items, more %v, total %d, last %d", len(p.Items), p.More, p.Total, p.LastIndex)
	}
	got := p.Items[0]
	sameRepository(t, got, seedRepository(t, true))
	for _, tm := range []*time.Time{got.CreatedAt, got.UpdatedAt, got.PushedAt} {
		if tm.Location() != time.UTC {
			t.Errorf("time %v not in UTC", tm)
		}
	}
}

func TestConvertSeedRepositoryExample(t *testing.T) {
	// GET /repos/:owner/:repo: the top level is not a fork; parent and source (forks) must not leak.
	rc, base := serve(t, fixture(t, "repo.json"))
	s := newSource(t, base, 0)
	id := providers.GlobalID{Provider: providers.GitHub, ForgeID: "1296269", NameWithOwner: "octocat/Hello-World"}
	got, err := s.Repository(context.Background(), token, id)
	if err != nil {
		t.Fatal(err)
	}
	sameRepository(t, *got, seedRepository(t, false))
	if reqs := rc.Requests(); len(reqs) != 1 || reqs[0].URI != "/api/v3/repositories/1296269" {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestConvertVariants(t *testing.T) {
	body := `[
	  {"id": 1, "name": "a", "full_name": "o/a", "owner": {"login": "o"}, "description": "", "private": true,
	   "fork": false, "archived": true, "html_url": "", "language": "Go", "stargazers_count": 0,
	   "forks_count": 0, "default_branch": "", "pushed_at": null, "created_at": "2020-05-01T12:00:00+02:00",
	   "updated_at": "not a time"},
	  {"id": 2, "name": "b", "owner": {"login": "org"}},
	  {"id": 9007199254740993, "full_name": "x/y"}
	]`
	_, base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
	p, err := stream(t, newSource(t, base, 0), providers.NewOrder("", "")).FetchPage(context.Background(), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 3 {
		t.Fatalf("%d items", len(p.Items))
	}
	sameRepository(t, p.Items[0], providers.Repository{
		ForgeID: "1", Provider: providers.GitHub, Name: "a", NameWithOwner: "o/a", Owner: "o",
		IsPrivate: true, IsFork: ptr(false), IsArchived: ptr(true), PrimaryLanguage: ptr("Go"),
		StargazerCount: ptr(0), ForkCount: ptr(0),
		CreatedAt: mustTime(t, "2020-05-01T10:00:00Z"),
	})
	if p.Items[0].CreatedAt.Location() != time.UTC {
		t.Errorf("created_at with an offset not converted to UTC: %v", p.Items[0].CreatedAt)
	}
	// Without full_name the path is owner.login/name.
	sameRepository(t, p.Items[1], providers.Repository{ForgeID: "2", Provider: providers.GitHub, Name: "b", NameWithOwner: "org/b", Owner: "org"})
	// Without name the name is the path's last part; ids beyond 2^53 stay exact.
	sameRepository(t, p.Items[2], providers.Repository{ForgeID: "9007199254740993", Provider: providers.GitHub, Name: "y", NameWithOwner: "x/y", Owner: "x"})
}

func TestConvertRejectsItemsWithoutIdentity(t *testing.T) {
	for _, body := range []string{`[{"name": "a", "full_name": "o/a"}]`, `[{"id": 3}]`} {
		_, base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		_, err := stream(t, newSource(t, base, 0), providers.NewOrder("", "")).FetchPage(context.Background(), 0, "")
		wantKind(t, err, providers.KindBadResponse)
	}
}
