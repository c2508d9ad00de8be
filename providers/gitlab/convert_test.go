package gitlab

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

func loadFixture(t *testing.T) []providers.Repository {
	t.Helper()
	body, err := os.ReadFile("testdata/projects.json")
	if err != nil {
		t.Fatal(err)
	}
	var ps []project
	if err := json.Unmarshal(body, &ps); err != nil {
		t.Fatal(err)
	}
	rs, err := convertProjects(ps)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("got %d repositories, want 3", len(rs))
	}
	return rs
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func tm(p *time.Time) string {
	if p == nil {
		return "<nil>"
	}
	if p.Location() != time.UTC {
		return "not UTC: " + p.String()
	}
	return p.Format(time.RFC3339Nano)
}

func check(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

func TestConvertDocumentedProject(t *testing.T) {
	r := loadFixture(t)[0]
	check(t, "ForgeID", r.ForgeID, "4")
	check(t, "Provider", string(r.Provider), "GITLAB")
	check(t, "Name", r.Name, "Diaspora Client")
	check(t, "NameWithOwner", r.NameWithOwner, "diaspora/diaspora-client")
	check(t, "Owner", r.Owner, "diaspora")
	check(t, "Description", str(r.Description), "foo")
	check(t, "URL", str(r.URL), "https://gitlab.example.com/diaspora/diaspora-client")
	check(t, "SSHURL", str(r.SSHURL), "git@gitlab.example.com:diaspora/diaspora-client.git")
	check(t, "CloneURL", str(r.CloneURL), "https://gitlab.example.com/diaspora/diaspora-client.git")
	if r.IsPrivate {
		t.Error("public project converted as private")
	}
	if r.IsFork == nil || *r.IsFork {
		t.Errorf("IsFork: got %v, want false (no forked_from_project)", r.IsFork)
	}
	if r.IsArchived == nil || *r.IsArchived {
		t.Errorf("IsArchived: got %v, want false", r.IsArchived)
	}
	if r.StargazerCount == nil || *r.StargazerCount != 0 || r.ForkCount == nil || *r.ForkCount != 0 {
		t.Errorf("counts: got %v %v, want 0 0", r.StargazerCount, r.ForkCount)
	}
	check(t, "DefaultBranch", str(r.DefaultBranch), "main")
	if r.PrimaryLanguage != nil {
		t.Errorf("PrimaryLanguage: got %q, want nil (the list has no language)", *r.PrimaryLanguage)
	}
	check(t, "CreatedAt", tm(r.CreatedAt), "2013-09-30T13:46:02Z")
	check(t, "UpdatedAt", tm(r.UpdatedAt), "2013-09-30T13:46:02Z")
	check(t, "PushedAt", tm(r.PushedAt), "2022-06-24T17:11:26.841Z")
}

func TestConvertNestedPrivateArchivedFork(t *testing.T) {
	r := loadFixture(t)[1]
	check(t, "NameWithOwner", r.NameWithOwner, "brightbox/ops/puppet")
	check(t, "Owner", r.Owner, "brightbox/ops")
	check(t, "Name", r.Name, "Puppet")
	check(t, "Description", str(r.Description), "<nil>")
	check(t, "DefaultBranch", str(r.DefaultBranch), "<nil>")
	if !r.IsPrivate {
		t.Error("private project converted as public")
	}
	if r.IsFork == nil || !*r.IsFork {
		t.Errorf("IsFork: got %v, want true (forked_from_project present)", r.IsFork)
	}
	if r.IsArchived == nil || !*r.IsArchived {
		t.Errorf("IsArchived: got %v, want true", r.IsArchived)
	}
	if *r.StargazerCount != 42 || *r.ForkCount != 3 {
		t.Errorf("counts: got %d %d, want 42 3", *r.StargazerCount, *r.ForkCount)
	}
	check(t, "CreatedAt", tm(r.CreatedAt), "2013-09-30T11:46:02.123Z")
	check(t, "UpdatedAt", tm(r.UpdatedAt), "2023-01-02T03:04:05.678Z")
	check(t, "PushedAt", tm(r.PushedAt), "2024-02-29T23:59:59.999Z")
}

func TestConvertInternalWithoutNamespace(t *testing.T) {
	r := loadFixture(t)[2]
	if !r.IsPrivate {
		t.Error("internal project converted as public")
	}
	check(t, "Owner (from the path)", r.Owner, "acme")
	check(t, "Description", str(r.Description), "<nil>")
	check(t, "CreatedAt (unparsable)", tm(r.CreatedAt), "<nil>")
	check(t, "UpdatedAt (absent)", tm(r.UpdatedAt), "<nil>")
	if r.IsFork == nil || *r.IsFork {
		t.Errorf("IsFork with forked_from_project null: got %v, want false", r.IsFork)
	}
	if r.IsArchived == nil || r.DefaultBranch != nil {
		t.Errorf("IsArchived %v DefaultBranch %v", r.IsArchived, r.DefaultBranch)
	}
}

func TestConvertRejectsProjectWithoutIdentity(t *testing.T) {
	for _, body := range []string{
		`{"name":"x","path_with_namespace":"a/x"}`,
		`{"id":3,"name":"x"}`,
	} {
		var p project
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		_, err := convertProject(&p)
		if providers.KindOf(err) != providers.KindBadResponse {
			t.Errorf("%s: got %v, want a bad response", body, err)
		}
	}
	// The full path can be built from the namespace and the path.
	var p project
	json.Unmarshal([]byte(`{"id":3,"path":"x","namespace":{"full_path":"g/s"}}`), &p)
	r, err := convertProject(&p)
	if err != nil || r.NameWithOwner != "g/s/x" || r.Owner != "g/s" || r.Name != "x" {
		t.Errorf("got %+v, %v", r, err)
	}
}

func TestErrorMessageShapes(t *testing.T) {
	cases := map[string]string{
		`{"message":"401 Unauthorized"}`:                                                      "401 Unauthorized",
		`{"message":"404 Project Not Found"}`:                                                 "404 Project Not Found",
		`{"message":{"base":["Pagination limit exceeded"]}}`:                                  "Pagination limit exceeded",
		`{"message":{"name":["has already been taken"],"path":["is too long","is invalid"]}}`: "name has already been taken; path is too long; is invalid",
		`{"message":["first problem","second problem"]}`:                                      "first problem; second problem",
		`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api"}`: "insufficient_scope: The request requires higher privileges than provided by the access token.",
		`{"error":"invalid_token"}`:                        "invalid_token",
		`{"error":"order_by does not have a valid value"}`: "order_by does not have a valid value",
		`{"error_description":"Token expired"}`:            "Token expired",
		`<html><body>502 Bad Gateway</body></html>`:        "",
		`{}`:               "",
		`{"message":null}`: "",
	}
	for body, want := range cases {
		if got := errorMessage([]byte(body)); got != want {
			t.Errorf("%s: got %q, want %q", body, got, want)
		}
	}
}

func TestRateLimitHeaders(t *testing.T) {
	h := http.Header{}
	if r := rateLimit(h); r.Known {
		t.Fatalf("no headers: %+v", r)
	}
	h.Set("RateLimit-Limit", "2000")
	if r := rateLimit(h); r.Known {
		t.Fatalf("limit without remaining must not be known (it would read as spent): %+v", r)
	}
	h.Set("RateLimit-Remaining", "0")
	h.Set("RateLimit-Reset", "1700000000")
	r := rateLimit(h)
	if !r.Known || r.Limit != 2000 || r.Remaining != 0 || !r.Reset.Equal(time.Unix(1700000000, 0)) {
		t.Fatalf("got %+v", r)
	}
	h.Del("RateLimit-Reset")
	h.Set("RateLimit-ResetTime", "Tue, 14 Nov 2023 22:13:20 GMT")
	if r := rateLimit(h); !r.Reset.Equal(time.Unix(1700000000, 0)) {
		t.Fatalf("ResetTime fallback: got %+v", r)
	}
}

func TestReadPaging(t *testing.T) {
	type want struct {
		more        bool
		total, last int
	}
	cases := []struct {
		name    string
		h       map[string]string
		page, n int
		want    want
	}{
		{"totals", map[string]string{"X-Total": "250", "X-Total-Pages": "3", "X-Next-Page": "2"}, 1, 100, want{true, 250, 2}},
		{"last page", map[string]string{"X-Total": "250", "X-Total-Pages": "3", "X-Next-Page": ""}, 3, 50, want{false, 250, 2}},
		{"empty list", map[string]string{"X-Total": "0", "X-Total-Pages": "1", "X-Next-Page": ""}, 1, 0, want{false, 0, 0}},
		{"empty list, zero pages", map[string]string{"X-Total": "0", "X-Total-Pages": "0", "X-Next-Page": ""}, 1, 0, want{false, 0, 0}},
		{"no totals", map[string]string{"X-Next-Page": "5"}, 4, 100, want{true, -1, -1}},
		{"no totals, last", map[string]string{"X-Next-Page": ""}, 5, 100, want{false, -1, -1}},
		{"link next only", map[string]string{"Link": `<https://h/api/v4/projects?page=2>; rel="next", <https://h/api/v4/projects?page=1>; rel="first"`}, 1, 100, want{true, -1, -1}},
		{"link last", map[string]string{"Link": `<https://h/api/v4/projects?page=1>; rel="first", <https://h/api/v4/projects?page=7>; rel="last"`}, 7, 10, want{false, -1, 6}},
		// RFC 8288: relation types are case-insensitive and one rel may name several.
		{"link rel case and types", map[string]string{"Link": `<https://h/api/v4/projects?page=3>; rel="Next Last"`}, 2, 100, want{true, -1, 2}},
		{"nothing, full page", map[string]string{}, 1, 100, want{true, -1, -1}},
		{"nothing, short page", map[string]string{}, 1, 99, want{false, -1, -1}},
	}
	for _, c := range cases {
		h := http.Header{}
		for k, v := range c.h {
			h.Set(k, v)
		}
		p := readPaging(h, c.page, c.n)
		if got := (want{p.More, p.Total, p.LastIndex}); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestProjectPath(t *testing.T) {
	cases := map[providers.GlobalID]string{
		{Provider: providers.GitLab, ForgeID: "278964", NameWithOwner: "gitlab-org/gitlab"}: "/projects/278964",
		{Provider: providers.GitLab, ForgeID: "x", NameWithOwner: "group/sub/name"}:         "/projects/group%2Fsub%2Fname",
		{Provider: providers.GitLab, ForgeID: "-3", NameWithOwner: "a/b.c_d-e"}:             "/projects/a%2Fb.c_d-e",
	}
	src, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range cases {
		if got, err := src.projectPath(id); got != want || err != nil {
			t.Errorf("%+v: got %s, %v, want %s", id, got, err, want)
		}
	}
}
