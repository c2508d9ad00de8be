package codearts

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	want := func(s string) time.Time {
		u, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	cases := []struct {
		in   string
		want string // "" means nil
	}{
		{"2025-06-19T19:30:41.000+08:00", "2025-06-19T11:30:41Z"},
		{"2025-06-19T19:30:41+08:00", "2025-06-19T11:30:41Z"},
		{"2025-06-19T19:30:41.123+0800", "2025-06-19T11:30:41.123Z"},
		{"2025-06-19T11:30:41Z", "2025-06-19T11:30:41Z"},
		{"2025-06-19T01:30:41.000-05:00", "2025-06-19T06:30:41Z"},
		// Zone-less: UTC+8.
		{"2019-10-15 11:00:11", "2019-10-15T03:00:11Z"},
		{"2019-10-15 03:00:11", "2019-10-14T19:00:11Z"},
		{"2019-10-15T11:00:11", "2019-10-15T03:00:11Z"},
		{"2019-10-15 11:00:11.5", "2019-10-15T03:00:11.5Z"},
		{"  2019-10-15 11:00:11 ", "2019-10-15T03:00:11Z"},
		{"", ""},
		{"yesterday", ""},
		{"2019-13-45 11:00:11", ""},
	}
	for _, c := range cases {
		got := parseTime(c.in)
		if c.want == "" {
			if got != nil {
				t.Errorf("parseTime(%q) = %v, want nil", c.in, got)
			}
			continue
		}
		if got == nil {
			t.Errorf("parseTime(%q) = nil, want %s", c.in, c.want)
			continue
		}
		if !got.Equal(want(c.want)) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v (%v), want %s in UTC", c.in, got, got.Location(), c.want)
		}
	}
}

func TestIsFork(t *testing.T) {
	cases := map[string]bool{
		``:                                    false,
		`null`:                                false,
		`{ }`:                                 false,
		`{"id": null, "name": null}`:          false,
		`{"id": 7, "name": "up"}`:             true,
		`{"path_with_namespace": "a/b/up"}`:   true,
		`[]`:                                  false,
		`"not an object"`:                     false,
		`{"name_with_namespace": "a / b"}   `: true,
	}
	for in, want := range cases {
		if got := isFork(json.RawMessage(in)); got != want {
			t.Errorf("isFork(%q) = %v, want %v", in, got, want)
		}
	}
}

func decodeV4(t *testing.T, body string) v4Repo {
	t.Helper()
	var w v4Repo
	if err := json.Unmarshal([]byte(body), &w); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestConvertV4Fields(t *testing.T) {
	// Absent forked_from_repository, public, a description, a string id, counts.
	w := decodeV4(t, `{"id":"42","name":"Svc","namespace":"tenant/Grp/Svc","path":"Svc","visibility":"public",
		"star_count":3,"forks_count":2,"archived":true,"description":"the service",
		"last_activity_at":"2024-01-02T08:00:00.000+08:00","last_repository_updated_at":"2024-01-01T08:00:00.000+08:00",
		"ssh_url_to_repo":"git@h:tenant/Grp/Svc.git","http_url_to_repo":"https://h/tenant/Grp/Svc.git"}`)
	r := convertV4(&w)
	if r.ForgeID != "42" || r.Name != "Svc" || r.NameWithOwner != "tenant/Grp/Svc" || r.Owner != "tenant/Grp" {
		t.Fatalf("identity: %+v", r)
	}
	if r.IsPrivate || r.IsFork == nil || *r.IsFork || r.IsArchived == nil || !*r.IsArchived {
		t.Fatalf("flags: private %v fork %v archived %v", r.IsPrivate, r.IsFork, r.IsArchived)
	}
	if *r.StargazerCount != 3 || *r.ForkCount != 2 || *r.Description != "the service" {
		t.Fatalf("counts/description: %+v", r)
	}
	if r.URL == nil || *r.URL != "https://h/tenant/Grp/Svc" || *r.CloneURL != "https://h/tenant/Grp/Svc.git" || *r.SSHURL != "git@h:tenant/Grp/Svc.git" {
		t.Fatalf("urls: %v %v %v", r.URL, r.CloneURL, r.SSHURL)
	}
	if !r.PushedAt.Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) || !r.UpdatedAt.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || r.CreatedAt != nil {
		t.Fatalf("times: %v %v %v", r.PushedAt, r.UpdatedAt, r.CreatedAt)
	}

	// Visibility values.
	for vis, private := range map[string]bool{"private": true, "Private": true, "internal": true, "public": false, "": false} {
		w := decodeV4(t, `{"id":1,"name":"a","namespace":"o/a","visibility":"`+vis+`"}`)
		if got := convertV4(&w).IsPrivate; got != private {
			t.Errorf("visibility %q: IsPrivate %v, want %v", vis, got, private)
		}
	}

	// A fork, absent counts and archive stay nil; a null description is nil.
	w = decodeV4(t, `{"id":5,"name":"f","namespace":"o/f","forked_from_repository":{"id":4,"name":"up"},"description":null}`)
	r = convertV4(&w)
	if r.IsFork == nil || !*r.IsFork || r.StargazerCount != nil || r.ForkCount != nil || r.IsArchived != nil || r.Description != nil || r.URL != nil {
		t.Fatalf("fork: %+v", r)
	}
	// created_at, though not documented for v4, is read when sent.
	w = decodeV4(t, `{"id":5,"name":"f","namespace":"o/f","created_at":"2020-05-05T10:00:00.000+08:00"}`)
	if r := convertV4(&w); r.CreatedAt == nil || !r.CreatedAt.Equal(time.Date(2020, 5, 5, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("created_at: %v", r.CreatedAt)
	}
}

func TestConvertV4NameWithOwnerFallbacks(t *testing.T) {
	cases := []struct {
		body, nwo, owner, name string
	}{
		// The documented shape: namespace is the full path.
		{`{"id":1,"name":"r","path":"r","namespace":"t/g/r"}`, "t/g/r", "t/g", "r"},
		// A namespace that is only the group: the clone URL's path wins.
		{`{"id":1,"name":"r","path":"r","namespace":"t/g","http_url_to_repo":"https://h/t/g/r.git"}`, "t/g/r", "t/g", "r"},
		// Only the group and no URL: group/path.
		{`{"id":1,"name":"r","path":"r","namespace":"t/g"}`, "t/g/r", "t/g", "r"},
		// No namespace: the URL's path.
		{`{"id":1,"name":"r","http_url_to_repo":"https://h/t/r.git"}`, "t/r", "t", "r"},
		// Nothing but a name.
		{`{"id":1,"name":"r"}`, "r", "", "r"},
		// No name: the path's last segment.
		{`{"id":1,"namespace":"/t/g/r/"}`, "t/g/r", "t/g", "r"},
	}
	for _, c := range cases {
		w := decodeV4(t, c.body)
		r := convertV4(&w)
		if r.NameWithOwner != c.nwo || r.Owner != c.owner || r.Name != c.name {
			t.Errorf("%s: got %q %q %q, want %q %q %q", c.body, r.NameWithOwner, r.Owner, r.Name, c.nwo, c.owner, c.name)
		}
	}
}

func TestConvertV2Fields(t *testing.T) {
	var w v2Repo
	if err := json.Unmarshal([]byte(`{"repository_id":"9","repository_name":"r","group_name":"g",
		"https_url":"","ssh_url":"git@h:g/r.git","web_url":"https://h/repo/9/home","visibility_level":20,
		"created_at":"2020-01-01 08:00:00","updated_at":"2020-01-02 08:00:00","userRole":null}`), &w); err != nil {
		t.Fatal(err)
	}
	r := convertV2(&w)
	if r.ForgeID != "9" || r.NameWithOwner != "g/r" || r.Owner != "g" || r.IsPrivate || r.CloneURL != nil {
		t.Fatalf("fallback to group_name: %+v", r)
	}
	if !r.CreatedAt.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) || !r.UpdatedAt.Equal(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)) || !r.PushedAt.Equal(*r.UpdatedAt) {
		t.Fatalf("times: %v %v %v", r.CreatedAt, r.UpdatedAt, r.PushedAt)
	}
	if r.Description != nil || r.IsFork != nil || r.IsArchived != nil || r.StargazerCount != nil || r.ForkCount != nil {
		t.Fatalf("v2 does not report these: %+v", r)
	}
	for level, private := range map[string]bool{"0": true, "10": true, "20": false, "null": false} {
		var w v2Repo
		_ = json.Unmarshal([]byte(`{"repository_id":1,"repository_name":"r","visibility_level":`+level+`}`), &w)
		if got := convertV2(&w).IsPrivate; got != private {
			t.Errorf("visibility_level %s: IsPrivate %v, want %v", level, got, private)
		}
	}
}

func TestV2ListShapes(t *testing.T) {
	cases := map[string]int{
		`{"result":{"repositories":[],"total":0},"status":"success"}`:                                            0,
		`{"result":{"repositories":null,"total":0},"status":"success"}`:                                          0,
		`{"result":{"total":0},"status":"success"}`:                                                              0,
		`{"result":{"repositories":{"repository_id":1},"total":1},"status":"success"}`:                           1,
		`{"result":{"repositories":[{"repository_id":1},{"repository_id":2}],"total":2},"status":"success"}`:     2,
		`{"result":{"repositories" : { "repository_id" : 1, "userRole" : null },"total":29},"status":"success"}`: 1,
	}
	for body, n := range cases {
		var a v2Answer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if len(a.Result.Repositories) != n {
			t.Errorf("%s: %d repositories, want %d", body, len(a.Result.Repositories), n)
		}
	}
	var a v2Answer
	if err := json.Unmarshal([]byte(`{"result":{"repositories":"x"}}`), &a); err == nil {
		t.Fatal("a string as repositories decoded without error")
	}
}

func TestErrorMessage(t *testing.T) {
	cases := map[string]string{
		`{"error_code":"CH.010001","error_msg":"Param invalid"}`:                     "Param invalid (CH.010001)",
		`{"error":{"code":"CH.080401","message":"No Permission"},"status":"failed"}`: "No Permission (CH.080401)",
		`{"error":{"message":"busy"},"status":"failed"}`:                             "busy",
		`{"error":"plain text"}`:                                                     "plain text",
		`{"error_code":"APIGW.0308"}`:                                                "APIGW.0308",
		`<html>bad gateway</html>`:                                                   "",
		`{"status":"failed"}`:                                                        "",
	}
	for body, want := range cases {
		if got := errorMessage([]byte(body)); got != want {
			t.Errorf("errorMessage(%s) = %q, want %q", body, got, want)
		}
	}
}
