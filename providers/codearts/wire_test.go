package codearts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts"
	"github.com/forgegraph/forgegraph/providers/codearts/fake"
)

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func fixture(t *testing.T, name string) http.HandlerFunc {
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}

// TestSeedExampleV4 converts the documentation's example answer field by field.
func TestSeedExampleV4(t *testing.T) {
	s := newSource(t, codearts.APIv4, serve(t, fixture(t, "v4_user_repositories.json")))
	p, err := streamOf(t, s, token, providers.NewOrder(providers.SortCreated, providers.Desc)).FetchPage(context.Background(), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.More || p.Total != -1 {
		t.Fatalf("%d items, more %v, total %d", len(p.Items), p.More, p.Total)
	}
	str := func(s string) *string { return &s }
	at := time.Date(2025, 6, 19, 11, 30, 41, 0, time.UTC)
	f, zero := false, 0
	want := providers.Repository{
		ForgeID:        "2112036156",
		Provider:       providers.CodeArts,
		Name:           "GPublic01",
		NameWithOwner:  "80ffa3ec7a6d4ba9ba33aaddce828d26/G001/GPublic01",
		Owner:          "80ffa3ec7a6d4ba9ba33aaddce828d26/G001",
		Description:    nil, // "" in the answer
		URL:            str("https://repo.com/80ffa3ec7a6d4ba9ba33aaddce828d26/G001/GPublic01"),
		SSHURL:         str("git@repo.com:80ffa3ec7a6d4ba9ba33aaddce828d26/G001/GPublic01.git"),
		CloneURL:       str("https://repo.com/80ffa3ec7a6d4ba9ba33aaddce828d26/G001/GPublic01.git"),
		IsPrivate:      true,
		IsFork:         &f, // forked_from_repository: { }
		IsArchived:     &f,
		StargazerCount: &zero,
		ForkCount:      &zero,
		CreatedAt:      nil, // v4 has no creation time
		UpdatedAt:      &at, // "2025-06-19T19:30:41.000+08:00"
		PushedAt:       &at,
	}
	if got, w := jsonOf(t, p.Items[0]), jsonOf(t, want); got != w {
		t.Fatalf("got\n%s\nwant\n%s", got, w)
	}
	if p.Items[0].PushedAt.Location() != time.UTC || p.Items[0].UpdatedAt.Location() != time.UTC {
		t.Fatal("times are not in UTC")
	}
}

// TestSeedExampleV2 converts the documentation's example answer (repositories as one object)
// field by field.
func TestSeedExampleV2(t *testing.T) {
	s := newSource(t, codearts.APIv2, serve(t, fixture(t, "v2_projects_repositories.json")))
	p, err := streamOf(t, s, token, providers.NewOrder("", "")).FetchPage(context.Background(), 0, "")
	if err != nil {
		t.Fatal(err)
	}
	// The example says total 29 but holds one repository: the short page ends the list.
	if len(p.Items) != 1 || p.More || p.Total != 1 {
		t.Fatalf("%d items, more %v, total %d", len(p.Items), p.More, p.Total)
	}
	str := func(s string) *string { return &s }
	at := time.Date(2019, 10, 15, 3, 0, 11, 0, time.UTC) // "2019-10-15 11:00:11" at UTC+8
	want := providers.Repository{
		ForgeID:       "468564",
		Provider:      providers.CodeArts,
		Name:          "test",
		NameWithOwner: "test_new00001/test",
		Owner:         "test_new00001",
		URL:           str("https://alpha.devcloud.intest.com/repo/468564/home"),
		SSHURL:        str("git@repo.alpha.devcloud.intest.com:test_new00001/test.git"),
		CloneURL:      str("https://repo.alpha.devcloud.intest.com/test_new00001/test.git"),
		IsPrivate:     true, // visibility_level 0
		CreatedAt:     &at,
		UpdatedAt:     &at,
		PushedAt:      &at,
		Affiliation:   providers.AffOwner, // is_owner 1
	}
	if got, w := jsonOf(t, p.Items[0]), jsonOf(t, want); got != w {
		t.Fatalf("got\n%s\nwant\n%s", got, w)
	}
}

// TestTimeZones: the fake writes v4 times at +08:00 and v2 times without a zone at UTC+8 (the
// calendar day can differ from UTC's); the source reads both back as the same UTC instants.
func TestTimeZones(t *testing.T) {
	created := time.Date(2024, 3, 1, 16, 30, 5, 0, time.UTC) // 2024-03-02 00:30:05 at UTC+8
	updated := time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC)
	pushed := time.Date(2024, 6, 1, 2, 0, 0, 0, time.UTC)
	repo := makeRepos(9, 1)[0]
	repo.CreatedAt, repo.UpdatedAt, repo.PushedAt = &created, &updated, &pushed
	raw := map[string][]string{
		codearts.APIv4: {`"last_repository_updated_at":"2025-01-01T07:59:59.000+08:00"`, `"last_activity_at":"2024-06-01T10:00:00.000+08:00"`},
		codearts.APIv2: {`"created_at":"2024-03-02 00:30:05"`, `"updated_at":"2025-01-01 07:59:59"`},
	}
	paths := map[string]string{codearts.APIv4: "/v4/user/repositories", codearts.APIv2: "/v2/projects/repositories"}
	for _, v := range versions {
		f, _, s := withFake(t, v, []providers.Repository{repo})
		// The wire.
		srv := httptest.NewServer(f)
		req, _ := http.NewRequest(http.MethodGet, srv.URL+paths[v], nil)
		req.Header.Set("X-Auth-Token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		for _, want := range raw[v] {
			if !strings.Contains(string(body), want) {
				t.Fatalf("%s answer %s lacks %s", v, body, want)
			}
		}
		if v == codearts.APIv4 && strings.Contains(string(body), "created_at") {
			t.Fatalf("v4 answer has a created_at: %s", body)
		}
		// Read back.
		p, err := firstPage(t, s, token)
		if err != nil || len(p.Items) != 1 {
			t.Fatal(p, err)
		}
		r := p.Items[0]
		if !r.UpdatedAt.Equal(updated) || r.UpdatedAt.Location() != time.UTC {
			t.Fatalf("%s: updatedAt %v", v, r.UpdatedAt)
		}
		switch v {
		case codearts.APIv4:
			if r.CreatedAt != nil || !r.PushedAt.Equal(pushed) {
				t.Fatalf("v4: createdAt %v pushedAt %v", r.CreatedAt, r.PushedAt)
			}
		case codearts.APIv2:
			if !r.CreatedAt.Equal(created) || r.CreatedAt.Location() != time.UTC || !r.PushedAt.Equal(updated) {
				t.Fatalf("v2: createdAt %v pushedAt %v", r.CreatedAt, r.PushedAt)
			}
		}
	}
}

// TestV2ObjectShaped: the documentation's example carries a one-repository page as an object.
func TestV2ObjectShaped(t *testing.T) {
	for _, n := range []int{1, 101, 201} {
		repos := makeRepos(10, n)
		f, _, s := withFake(t, codearts.APIv2, repos)
		f.ObjectShaped = true
		o := providers.NewOrder(providers.SortFullName, providers.Asc)
		fwd, bwd := walk(t, []providers.Stream{streamOf(t, s, token, o)}, o, 50)
		want := expectedOrder(codearts.APIv2, o, repos)
		sameList(t, fmt.Sprintf("%d forward", n), fwd, want)
		sameList(t, fmt.Sprintf("%d backward", n), bwd, want)
	}
	// The fake's answer really is an object.
	f := fake.New(token, makeRepos(11, 1))
	f.ObjectShaped = true
	srv := httptest.NewServer(f)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/projects/repositories", nil)
	req.Header.Set("X-Auth-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a struct {
		Result struct {
			Repositories json.RawMessage `json:"repositories"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || !strings.HasPrefix(string(a.Result.Repositories), "{") {
		t.Fatalf("repositories %s, %v", a.Result.Repositories, err)
	}
}
