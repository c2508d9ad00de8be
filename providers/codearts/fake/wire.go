package fake

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// The wire time formats: v4 writes milliseconds and the +08:00 offset, v2 a zone-less UTC+8 time.
const (
	v4Time = "2006-01-02T15:04:05.000-07:00"
	v2Time = "2006-01-02 15:04:05"
)

// v4Repo is a RepositorySimplestDto as GET /v4/user/repositories sends it.
type v4Repo struct {
	ID                      json.RawMessage `json:"id"`
	Name                    string          `json:"name"`
	Namespace               string          `json:"namespace"`
	Path                    string          `json:"path"`
	DevelopMode             string          `json:"develop_mode"`
	Visibility              string          `json:"visibility"`
	StarCount               int             `json:"star_count"`
	ForksCount              int             `json:"forks_count"`
	Starred                 bool            `json:"starred"`
	NameWithNamespace       string          `json:"name_with_namespace"`
	LastActivityAt          *string         `json:"last_activity_at,omitempty"`
	ForkedFromRepository    map[string]any  `json:"forked_from_repository"`
	Archived                bool            `json:"archived"`
	Description             string          `json:"description"`
	LastRepositoryUpdatedAt *string         `json:"last_repository_updated_at,omitempty"`
	SSHURLToRepo            string          `json:"ssh_url_to_repo"`
	HTTPURLToRepo           string          `json:"http_url_to_repo"`
	Status                  string          `json:"status"`
}

// toV4 converts a domain repository to v4's wire shape. namespace is the full path (as the
// documentation's example shows); http_url_to_repo is CloneURL, else URL + ".git"; a fork's
// forked_from_repository names a stand-in parent (the domain does not know the real one), a
// non-fork's is {}. CreatedAt is not sent: v4 has no such field.
func toV4(r *providers.Repository) v4Repo {
	w := v4Repo{
		ID:                      wireID(r.ForgeID),
		Name:                    r.Name,
		Namespace:               r.NameWithOwner,
		Path:                    r.NameWithOwner[strings.LastIndex(r.NameWithOwner, "/")+1:],
		DevelopMode:             "normal",
		Visibility:              "public",
		NameWithNamespace:       strings.ReplaceAll(r.NameWithOwner, "/", " / "),
		LastActivityAt:          format(r.PushedAt, v4Time),
		ForkedFromRepository:    map[string]any{},
		LastRepositoryUpdatedAt: format(r.UpdatedAt, v4Time),
		SSHURLToRepo:            deref(r.SSHURL),
		HTTPURLToRepo:           deref(r.CloneURL),
		Status:                  "0",
	}
	if r.IsPrivate {
		w.Visibility = "private"
	}
	if r.StargazerCount != nil {
		w.StarCount = *r.StargazerCount
	}
	if r.ForkCount != nil {
		w.ForksCount = *r.ForkCount
	}
	if r.IsArchived != nil {
		w.Archived = *r.IsArchived
	}
	if r.IsFork != nil && *r.IsFork {
		w.ForkedFromRepository = map[string]any{
			"name":                r.Name,
			"path_with_namespace": "upstream/" + r.Name,
			"name_with_namespace": "upstream / " + r.Name,
		}
	}
	if r.Description != nil {
		w.Description = *r.Description
	}
	if w.HTTPURLToRepo == "" && r.URL != nil {
		w.HTTPURLToRepo = *r.URL + ".git"
	}
	return w
}

// v2Repo is a RepoInfoV2 as GET /v2/projects/repositories sends it.
type v2Repo struct {
	RepositoryID     json.RawMessage `json:"repository_id"`
	RepositoryName   string          `json:"repository_name"`
	SSHURL           string          `json:"ssh_url"`
	HTTPSURL         string          `json:"https_url"`
	GroupName        string          `json:"group_name"`
	WebURL           string          `json:"web_url"`
	VisibilityLevel  int             `json:"visibility_level"`
	CreatedAt        *string         `json:"created_at,omitempty"`
	UpdatedAt        *string         `json:"updated_at,omitempty"`
	Star             bool            `json:"star"`
	Status           int             `json:"status"`
	IsOwner          int             `json:"is_owner"`
	ProjectIsDeleted string          `json:"project_is_deleted"`
	UserRole         *int            `json:"userRole"`
}

// toV2 converts a domain repository to v2's wire shape: https_url is CloneURL, group_name the
// owner, web_url the URL, updated_at UpdatedAt (else PushedAt), visibility_level 0 or 20.
func toV2(r *providers.Repository) v2Repo {
	w := v2Repo{
		RepositoryID:     wireID(r.ForgeID),
		RepositoryName:   r.Name,
		SSHURL:           deref(r.SSHURL),
		HTTPSURL:         deref(r.CloneURL),
		GroupName:        r.Owner,
		WebURL:           deref(r.URL),
		VisibilityLevel:  20,
		CreatedAt:        format(r.CreatedAt, v2Time),
		UpdatedAt:        format(r.UpdatedAt, v2Time),
		IsOwner:          isOwner(r),
		ProjectIsDeleted: "false",
	}
	if w.UpdatedAt == nil {
		w.UpdatedAt = format(r.PushedAt, v2Time)
	}
	if r.IsPrivate {
		w.VisibilityLevel = 0
	}
	return w
}

// wireID is the id as a JSON number (documented as an integer), or a string when it is not one.
func wireID(id string) json.RawMessage {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && strconv.FormatInt(n, 10) == id {
		return json.RawMessage(id)
	}
	b, _ := json.Marshal(id)
	return b
}

func format(t *time.Time, layout string) *string {
	if t == nil {
		return nil
	}
	s := t.In(Zone).Format(layout)
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// isOwner is v2's is_owner: 0 for a repository another user created (Affiliation
// ORGANIZATION_MEMBER), else 1.
func isOwner(r *providers.Repository) int {
	if r.Affiliation == providers.AffOrganizationMember {
		return 0
	}
	return 1
}
