package bitbucket

import (
	"encoding/base64"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func newTestSource(t *testing.T) *Source {
	t.Helper()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDefaultBaseURL(t *testing.T) {
	s := newTestSource(t)
	if DefaultBaseURL != "https://api.bitbucket.org/2.0" {
		t.Fatalf("DefaultBaseURL %q", DefaultBaseURL)
	}
	if got := s.client.Base.String(); got != DefaultBaseURL {
		t.Fatalf("base %q", got)
	}
	p, err := s.repositoriesPath("{470c176d-3574-4d3e-8f1a-0123456789ab}")
	if err != nil {
		t.Fatal(err)
	}
	if u := s.client.URL(p, nil); u.String() != "https://api.bitbucket.org/2.0/repositories/%7B470c176d-3574-4d3e-8f1a-0123456789ab%7D" {
		t.Fatalf("workspace uuid path %s", u)
	}
	for _, bad := range []string{"{470c176d-3574}", "{x}", "{470c176d-3574-4d3e-8f1a-0123456789ab", "a b", ".."} {
		if _, err := s.repositoriesPath(bad); providers.KindOf(err) != providers.KindBadInput {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestConvertDocumentedRepository converts a repository object as GET
// /2.0/repositories/{workspace}/{repo_slug} documents it.
func TestConvertDocumentedRepository(t *testing.T) {
	s := newTestSource(t)
	var w repository
	if err := s.client.DecodeJSON(readFixture(t, "repository.json"), &w); err != nil {
		t.Fatal(err)
	}
	r, err := convertRepository(&w)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ field, got, want string }{
		{"ForgeID", r.ForgeID, "{2d9f2d61-5a1c-4f25-a7b3-0c4a5f0b8e11}"},
		{"Provider", string(r.Provider), "BITBUCKET"},
		{"Name", r.Name, "Bamboo Specs"},
		{"NameWithOwner", r.NameWithOwner, "teamsinspace/bamboo-specs"},
		{"Owner", r.Owner, "teamsinspace"},
		{"Description", str(r.Description), "Build plans as code for the Teams in Space project"},
		{"URL", str(r.URL), "https://bitbucket.org/teamsinspace/bamboo-specs"},
		{"CloneURL", str(r.CloneURL), "https://bitbucket.org/teamsinspace/bamboo-specs.git"},
		{"SSHURL", str(r.SSHURL), "git@bitbucket.org:teamsinspace/bamboo-specs.git"},
		{"DefaultBranch", str(r.DefaultBranch), "master"},
		{"PrimaryLanguage", str(r.PrimaryLanguage), "java"},
		{"CreatedAt", r.CreatedAt.Format(time.RFC3339Nano), "2018-11-29T04:29:12.451218Z"},
		{"UpdatedAt", r.UpdatedAt.Format(time.RFC3339Nano), "2024-03-01T10:20:30.123456Z"},
		{"PushedAt", r.PushedAt.Format(time.RFC3339Nano), "2024-03-01T10:20:30.123456Z"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if !r.IsPrivate {
		t.Error("IsPrivate false")
	}
	if r.IsFork == nil || *r.IsFork {
		t.Errorf("IsFork %v, want false (parent null)", r.IsFork)
	}
	if r.IsArchived != nil || r.StargazerCount != nil || r.ForkCount != nil {
		t.Error("Bitbucket reports no archived flag, stars or fork count; they must be nil")
	}
	if r.CreatedAt.Location() != time.UTC || r.UpdatedAt.Location() != time.UTC {
		t.Error("times not UTC")
	}
	if r.PushedAt == r.UpdatedAt {
		t.Error("PushedAt and UpdatedAt share one pointer")
	}
	id, err := providers.DecodeGlobalID(r.ID())
	if err != nil || id.ForgeID != r.ForgeID || id.NameWithOwner != "" { // the id rests on the uuid alone
		t.Fatalf("global id round trip: %+v %v", id, err)
	}
}

// TestConvertPage converts a page of GET /2.0/repositories/{workspace}: a fork with empty
// description and language, other time zones, and a sparse object with a bad time.
func TestConvertPage(t *testing.T) {
	s := newTestSource(t)
	var page paginated[repository]
	if err := s.client.DecodeJSON(readFixture(t, "repositories.json"), &page); err != nil {
		t.Fatal(err)
	}
	if page.Size == nil || *page.Size != 2 || page.Next != "" || page.Pagelen != 100 {
		t.Fatalf("envelope %+v", page)
	}
	items, err := s.convertRepositories(page.Values)
	if err != nil {
		t.Fatal(err)
	}
	fork := items[0]
	if fork.IsFork == nil || !*fork.IsFork {
		t.Error("parent present but IsFork not true")
	}
	if fork.Description != nil || fork.PrimaryLanguage != nil || fork.DefaultBranch != nil {
		t.Errorf("empty description/language and no mainbranch must be nil: %q %q %q", str(fork.Description), str(fork.PrimaryLanguage), str(fork.DefaultBranch))
	}
	if got := fork.UpdatedAt.Format(time.RFC3339Nano); got != "2023-12-24T16:30:00.5Z" {
		t.Errorf("UpdatedAt %s", got)
	}
	if got := fork.CreatedAt.Format(time.RFC3339Nano); got != "2021-06-15T08:00:00Z" {
		t.Errorf("CreatedAt %s", got)
	}
	if str(fork.CloneURL) != "https://bitbucket.org/jdoe/website.git" || str(fork.SSHURL) != "git@bitbucket.org:jdoe/website.git" {
		t.Errorf("clone links %s %s", str(fork.CloneURL), str(fork.SSHURL))
	}
	sparse := items[1]
	if sparse.Owner != "jdoe" || sparse.Name != "notes" || sparse.CreatedAt != nil || sparse.UpdatedAt != nil ||
		sparse.PushedAt != nil || sparse.CloneURL != nil || sparse.SSHURL != nil || sparse.DefaultBranch != nil {
		t.Errorf("sparse repository %+v", sparse)
	}
	if sparse.IsFork == nil || *sparse.IsFork {
		t.Error("no parent but IsFork not false")
	}

	if _, err := s.convertRepositories([]repository{{FullName: "a/b"}}); providers.KindOf(err) != providers.KindBadResponse {
		t.Fatalf("repository without uuid: %v", err)
	}
}

func TestDecodeDocumentedWorkspaces(t *testing.T) {
	s := newTestSource(t)
	var page paginated[workspaceAccess]
	if err := s.client.DecodeJSON(readFixture(t, "workspaces.json"), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Values) != 1 || page.Values[0].slug() != "bbworkspace1" || !page.Values[0].Administrator {
		t.Fatalf("workspaces %+v", page.Values)
	}
	if (workspaceAccess{Slug: "legacy"}).slug() != "legacy" {
		t.Fatal("top-level slug not read")
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-01T10:20:30.123456+00:00": "2024-03-01T10:20:30.123456Z",
		"2024-03-01T10:20:30+05:30":        "2024-03-01T04:50:30Z",
		"2024-03-01T10:20:30Z":             "2024-03-01T10:20:30Z",
	} {
		got := parseTime(in)
		if got == nil || got.Format(time.RFC3339Nano) != want || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v, want %s", in, got, want)
		}
	}
	for _, in := range []string{"", "yesterday", "2024-03-01"} {
		if parseTime(in) != nil {
			t.Errorf("parseTime(%q) not nil", in)
		}
	}
}

func TestStripUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"https://jdoe@bitbucket.org/ws/r.git":     "https://bitbucket.org/ws/r.git",
		"https://x:secret@bitbucket.org/ws/r.git": "https://bitbucket.org/ws/r.git",
		"https://bitbucket.org/ws/r.git":          "https://bitbucket.org/ws/r.git",
		"git@bitbucket.org:ws/r.git":              "git@bitbucket.org:ws/r.git",
	} {
		if got := stripUserinfo(in); got != want {
			t.Errorf("stripUserinfo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://api.bitbucket.org/2.0/user/workspaces", nil)
	authorize(req, "opaque-access-token")
	if got := req.Header.Get("Authorization"); got != "Bearer opaque-access-token" {
		t.Fatalf("bearer: %q", got)
	}
	req.Header.Del("Authorization")
	authorize(req, "jane@example.com:ATATT3x:with-colon")
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("jane@example.com:ATATT3x:with-colon"))
	if got := req.Header.Get("Authorization"); got != want {
		t.Fatalf("basic: %q, want %q", got, want)
	}
	user, pass, _ := req.BasicAuth()
	if user != "jane@example.com" || pass != "ATATT3x:with-colon" {
		t.Fatalf("basic split %q %q", user, pass)
	}
}

func TestErrorMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"type":"error","error":{"message":"Bad request","detail":"Invalid field name: stars"}}`:                                    "Bad request: Invalid field name: stars",
		`{"type":"error","error":{"message":"Repository not found"}}`:                                                                "Repository not found",
		`{"message":"CHANGE-2770 - Functionality has been deprecated","detail":"Please read the changelog entry for more details."}`: "CHANGE-2770 - Functionality has been deprecated: Please read the changelog entry for more details.",
		`{"type":"error","error":{"message":"same","detail":"same"}}`:                                                                "same",
		`{"type":"error","error":{"detail":"only detail"}}`:                                                                          "only detail",
		`Rate limit for this resource has been exceeded`:                                                                             "",
		`<html>502</html>`: "",
	} {
		if got := errorMessage([]byte(body)); got != want {
			t.Errorf("errorMessage(%s) = %q, want %q", body, got, want)
		}
	}
	long := `{"type":"error","error":{"message":"` + strings.Repeat("x", 1000) + `"}}`
	if got := errorMessage([]byte(long)); len([]rune(got)) != maxErrorMessage+1 {
		t.Errorf("long message not truncated: %d runes", len([]rune(got)))
	}
}

func TestRateLimitHook(t *testing.T) {
	h := http.Header{}
	if rateLimit(h).Known {
		t.Fatal("no headers but Known")
	}
	h.Set("X-RateLimit-Limit", "1000")
	h.Set("X-RateLimit-NearLimit", "true")
	r := rateLimit(h)
	if !r.Known || r.Limit != 1000 || r.Remaining != -1 || !r.Reset.IsZero() {
		t.Fatalf("rate %+v", r)
	}
}

func TestNativeSort(t *testing.T) {
	for o, want := range map[providers.Order]string{
		{Sort: providers.SortPushed, Direction: providers.Desc}:  "-updated_on",
		{Sort: providers.SortUpdated, Direction: providers.Asc}:  "updated_on",
		{Sort: providers.SortCreated, Direction: providers.Desc}: "-created_on",
		{Sort: providers.SortCreated, Direction: providers.Asc}:  "created_on",
	} {
		if got, ok := nativeSort(o); !ok || got != want {
			t.Errorf("nativeSort(%v) = %q %v, want %q", o, got, ok, want)
		}
	}
	for _, d := range []providers.Direction{providers.Asc, providers.Desc} {
		if _, ok := nativeSort(providers.Order{Sort: providers.SortFullName, Direction: d}); ok {
			t.Error("FULL_NAME must be local")
		}
	}
}
