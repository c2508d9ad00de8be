package openhands

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

func ptr[T any](v T) *T { return &v }

func utc(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	t = t.UTC()
	return &t
}

func TestConvertDocumentedShape(t *testing.T) {
	body, err := os.ReadFile("testdata/repositories.json")
	if err != nil {
		t.Fatal(err)
	}
	var items []repository
	if err := json.Unmarshal(body, &items); err != nil {
		t.Fatal(err)
	}
	var got []providers.Repository
	for i := range items {
		r, ok, err := convertRepository(&items[i])
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		if ok {
			got = append(got, r)
		}
	}
	want := []providers.Repository{
		{ForgeID: "1296269", Provider: providers.GitHub, Name: "Hello-World", NameWithOwner: "octocat/Hello-World",
			Owner: "octocat", StargazerCount: ptr(80), DefaultBranch: ptr("master"), PushedAt: utc("2011-01-26T19:06:43Z"),
			Affiliation: providers.AffOwner},
		{ForgeID: "8", Provider: providers.GitLab, Name: "api", NameWithOwner: "acme/platform/backend/api",
			Owner: "acme/platform/backend", IsPrivate: true, StargazerCount: ptr(3), DefaultBranch: ptr("main"),
			PushedAt: utc("2024-04-02T08:30:00.123Z"), Affiliation: providers.AffOrganizationMember},
		{ForgeID: "{21fa9bf8-b5b2-4891-97ed-d590bad0f871}", Provider: providers.Bitbucket, Name: "infra",
			NameWithOwner: "team-ws/infra", Owner: "team-ws", IsPrivate: true, PushedAt: utc("2024-01-01T00:00:00.123456Z"),
			Affiliation: providers.AffOrganizationMember},
		{ForgeID: "4242", Provider: providers.GitHub, Name: "numeric-id", NameWithOwner: "octocat/numeric-id",
			Owner: "octocat", PushedAt: utc("2023-12-31T22:00:00Z")},
		{ForgeID: "77", Provider: providers.GitLab, Name: "no-zone", NameWithOwner: "acme/no-zone", Owner: "acme",
			DefaultBranch: ptr("develop"), PushedAt: utc("2024-03-04T05:06:07.5Z"), Affiliation: providers.AffOrganizationMember},
		{ForgeID: "78", Provider: providers.GitLab, Name: "no-push", NameWithOwner: "acme/no-push", Owner: "acme"},
	}
	if len(got) != len(want) {
		t.Fatalf("converted %d repositories (enterprise_sso and azure_devops must be skipped), want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			g, _ := json.Marshal(got[i])
			w, _ := json.Marshal(want[i])
			t.Errorf("item %d:\n got %s\nwant %s", i, g, w)
		}
		if got[i].PushedAt != nil && got[i].PushedAt.Location() != time.UTC {
			t.Errorf("item %d: pushedAt not UTC", i)
		}
		if got[i].URL != nil || got[i].CloneURL != nil || got[i].SSHURL != nil || got[i].CreatedAt != nil || got[i].UpdatedAt != nil {
			t.Errorf("item %d: fields OpenHands does not report must be nil", i)
		}
	}
}

func TestConvertRejectsItemsWithoutID(t *testing.T) {
	for _, body := range []string{
		`{"id": null, "full_name": "a/b", "git_provider": "github", "is_public": true}`,
		`{"id": "1", "full_name": "", "git_provider": "gitlab", "is_public": true}`,
	} {
		var w repository
		if err := json.Unmarshal([]byte(body), &w); err != nil {
			t.Fatal(err)
		}
		if _, _, err := convertRepository(&w); providers.KindOf(err) != providers.KindBadResponse {
			t.Errorf("%s: got %v, want a bad-response error", body, err)
		}
	}
}

func TestParseTimeForms(t *testing.T) {
	want := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{
		"2024-01-01T00:00:00Z",
		"2024-01-01T00:00:00+00:00",
		"2024-01-01T00:00:00.000Z",
		"2024-01-01T00:00:00.000000+00:00",
		"2024-01-01T00:00:00",
		"2024-01-01 00:00:00",
		"2024-01-01 00:00:00+00:00",
		"2024-01-01T01:00:00+01:00",
	} {
		got := parseTime(&s)
		if got == nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v, want %v UTC", s, got, want)
		}
	}
	for _, s := range []string{"", "  ", "yesterday", "2024-13-01T00:00:00Z"} {
		if got := parseTime(&s); got != nil {
			t.Errorf("parseTime(%q) = %v, want nil", s, got)
		}
	}
	if parseTime(nil) != nil {
		t.Error("parseTime(nil) != nil")
	}
}

func TestErrorMessage(t *testing.T) {
	cases := map[string]string{
		`{"detail":[{"type":"greater_than","loc":["query","per_page"],"msg":"Input should be greater than 0","input":"0"},` +
			`{"type":"enum","loc":["query","selected_provider"],"msg":"Input should be 'github'"}]}`: "query.per_page: Input should be greater than 0; query.selected_provider: Input should be 'github'",
		`{"detail":[{"loc":["body",0,"x"],"msg":"bad","type":"t"}]}`: "body.0.x: bad",
		`{"detail":"User is not authenticated"}`:                     "User is not authenticated",
		`"Git provider token required. (such as GitHub)."`:           "Git provider token required. (such as GitHub).",
		`{"error":"Invalid API key"}`:                                "Invalid API key",
		`<html>oops</html>`:                                          "",
		`{}`:                                                         "",
	}
	for body, want := range cases {
		if got := errorMessage([]byte(body)); got != want {
			t.Errorf("errorMessage(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestLinkInfo(t *testing.T) {
	gh := `<https://api.github.com/user/repos?page=2&per_page=100&sort=pushed>; rel="next", <https://api.github.com/user/repos?page=5&per_page=100&sort=pushed>; rel="last"`
	lastPage := `<https://api.github.com/user/repos?page=4&per_page=100>; rel="prev", <https://api.github.com/user/repos?page=1&per_page=100>; rel="first"`
	bb := `<https://api.bitbucket.org/2.0/repositories/ws?page=3>; rel="next"`
	cases := []struct {
		items             []repository
		more, known       bool
		last              int
		perPage, wantLast int
	}{
		{items: []repository{{LinkHeader: &gh}}, more: true, known: true, perPage: 100, wantLast: 4},
		{items: []repository{{LinkHeader: &gh}}, more: true, known: true, perPage: 30, wantLast: -1},
		{items: []repository{{}, {LinkHeader: ptr("")}, {LinkHeader: &lastPage}}, more: false, known: true, perPage: 100, wantLast: -1},
		{items: []repository{{LinkHeader: &bb}}, more: true, known: true, perPage: 100, wantLast: -1},
		{items: []repository{{LinkHeader: ptr("")}}, known: false, perPage: 100, wantLast: -1},
		{items: nil, known: false, perPage: 100, wantLast: -1},
	}
	for i, c := range cases {
		more, known, last := linkInfo(c.items, c.perPage)
		if more != c.more || known != c.known || last != c.wantLast {
			t.Errorf("case %d: got (%v, %v, %d), want (%v, %v, %d)", i, more, known, last, c.more, c.known, c.wantLast)
		}
	}
}
