package gitea

import (
	"encoding/json"
	"testing"
)

// TestConvertRepository: times in the server's zone come out in UTC, PushedAt is updated_at (Gitea
// has no push time), the zero Unix time and empty strings are absent, and the full name is built
// from the owner when Gitea leaves it out.
func TestConvertRepository(t *testing.T) {
	var w repository
	raw := `{"id":42,"owner":{"id":3,"login":"acme"},"name":"api","full_name":"acme/api","description":"",
		"private":true,"fork":true,"archived":false,"html_url":"https://codeberg.org/acme/api",
		"ssh_url":"git@codeberg.org:acme/api.git","clone_url":"https://codeberg.org/acme/api.git",
		"stars_count":5,"forks_count":2,"default_branch":"","language":"Go",
		"created_at":"2024-02-03T10:11:12+08:00","updated_at":"1970-01-01T08:00:00+08:00"}`
	if err := json.Unmarshal([]byte(raw), &w); err != nil {
		t.Fatal(err)
	}
	r, err := convertRepository(&w)
	if err != nil {
		t.Fatal(err)
	}
	if r.ForgeID != "42" || r.NameWithOwner != "acme/api" || r.Owner != "acme" || r.Name != "api" || !r.IsPrivate || !*r.IsFork || *r.IsArchived {
		t.Fatalf("%+v", r)
	}
	if r.CreatedAt.Location().String() != "UTC" || r.CreatedAt.Format("2006-01-02T15:04:05Z07:00") != "2024-02-03T02:11:12Z" {
		t.Fatalf("created %v", r.CreatedAt)
	}
	if r.UpdatedAt != nil || r.PushedAt != nil || r.Description != nil || r.DefaultBranch != nil || *r.StargazerCount != 5 {
		t.Fatalf("absent values: updated %v pushed %v description %v branch %v", r.UpdatedAt, r.PushedAt, r.Description, r.DefaultBranch)
	}
	w.UpdatedAt = w.CreatedAt
	w.FullName = ""
	r, err = convertRepository(&w)
	if err != nil || r.NameWithOwner != "acme/api" || r.PushedAt == nil || !r.PushedAt.Equal(*r.UpdatedAt) {
		t.Fatalf("%+v, %v", r, err)
	}
}
