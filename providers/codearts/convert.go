package codearts

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// ChinaZone is the zone CodeArts writes zone-less times in (UTC+8, Huawei Cloud's zone). v2 answers
// give times like "2019-10-15 11:00:11" without a zone; they are read in this zone and converted to
// UTC. Times that carry a zone or offset (v4's "2025-06-19T19:30:41.000+08:00") keep their own.
var ChinaZone = time.FixedZone("UTC+8", 8*60*60)

// parseTime returns s as a UTC time, nil when it is empty or unparsable: zoned times keep their
// zone, zone-less ones are read in ChinaZone.
func parseTime(s string) *time.Time { return wire.Time(s, ChinaZone) }

// flexID is a repository id sent as a JSON number (documented) or string; it keeps the text.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexID(n.String())
	return nil
}

// v4Repo is a RepositorySimplestDto of GET /v4/user/repositories (only the fields we use).
type v4Repo struct {
	ID         flexID          `json:"id"`
	Name       string          `json:"name"`
	Namespace  string          `json:"namespace"`
	Path       string          `json:"path"`
	Visibility string          `json:"visibility"`
	StarCount  *int            `json:"star_count"`
	ForksCount *int            `json:"forks_count"`
	Archived   *bool           `json:"archived"`
	ForkedFrom json.RawMessage `json:"forked_from_repository"`
	// LastActivityAt is the last action on the repository: PushedAt.
	LastActivityAt string `json:"last_activity_at"`
	// LastRepositoryUpdatedAt is the last update: UpdatedAt.
	LastRepositoryUpdatedAt string `json:"last_repository_updated_at"`
	// CreatedAt is not documented for this endpoint; it is used when the forge sends it anyway.
	CreatedAt   string  `json:"created_at"`
	Description *string `json:"description"`
	SSHURL      string  `json:"ssh_url_to_repo"`
	HTTPURL     string  `json:"http_url_to_repo"`
}

// v2Answer is the body of GET /v2/projects/repositories.
type v2Answer struct {
	Result *struct {
		Repositories v2List `json:"repositories"`
		Total        *int   `json:"total"`
	} `json:"result"`
	Status string          `json:"status"`
	Error  json.RawMessage `json:"error"`
}

// v2List is result.repositories: documented as an array, but the documentation's own example shows
// a single object; both (and null) are accepted.
type v2List []v2Repo

func (l *v2List) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*l = nil
		return nil
	case len(b) > 0 && b[0] == '{':
		var r v2Repo
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		*l = v2List{r}
		return nil
	}
	var rs []v2Repo
	if err := json.Unmarshal(b, &rs); err != nil {
		return err
	}
	*l = rs
	return nil
}

// v2Repo is a RepoInfoV2 (only the fields we use; userRole, which may be null, is not read).
type v2Repo struct {
	RepositoryID    flexID `json:"repository_id"`
	RepositoryName  string `json:"repository_name"`
	GroupName       string `json:"group_name"`
	HTTPSURL        string `json:"https_url"`
	SSHURL          string `json:"ssh_url"`
	WebURL          string `json:"web_url"`
	VisibilityLevel *int   `json:"visibility_level"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
	// IsOwner is 1 when the viewer created the repository, 0 when not.
	IsOwner *int `json:"is_owner"`
}

// convertV4 converts a v4 repository. nameWithOwner is the namespace (which the forge gives as the
// full path, repository included); when the namespace does not end with the repository's path, the
// path of http_url_to_repo is used, else namespace/path. The web URL is http_url_to_repo without
// ".git". v4 reports no creation time: CreatedAt is nil unless the forge sends created_at anyway.
// Visibility "private" or "internal" is private.
func convertV4(w *v4Repo) providers.Repository {
	r := providers.Repository{
		ForgeID:        string(w.ID),
		Provider:       providers.CodeArts,
		Name:           w.Name,
		StargazerCount: w.StarCount,
		ForkCount:      w.ForksCount,
		IsArchived:     w.Archived,
		IsFork:         ptr(isFork(w.ForkedFrom)),
		CreatedAt:      parseTime(w.CreatedAt),
		UpdatedAt:      parseTime(w.LastRepositoryUpdatedAt),
		PushedAt:       parseTime(w.LastActivityAt),
		SSHURL:         providers.NonEmpty(w.SSHURL),
		CloneURL:       providers.NonEmpty(w.HTTPURL),
		URL:            providers.NonEmpty(strings.TrimSuffix(w.HTTPURL, ".git")),
	}
	switch strings.ToLower(w.Visibility) {
	case "private", "internal":
		r.IsPrivate = true
	}
	if w.Description != nil {
		r.Description = providers.NonEmpty(*w.Description)
	}
	path := w.Path
	if path == "" {
		path = w.Name
	}
	ns := strings.Trim(w.Namespace, "/")
	switch {
	case ns != "" && (path == "" || ns == path || strings.HasSuffix(ns, "/"+path)):
		r.NameWithOwner = ns
	case urlPath(w.HTTPURL) != "":
		r.NameWithOwner = urlPath(w.HTTPURL)
	case ns != "":
		r.NameWithOwner = ns + "/" + path
	default:
		r.NameWithOwner = path
	}
	if r.Name == "" {
		_, r.Name = providers.SplitPath(r.NameWithOwner)
	}
	r.Owner, _ = providers.SplitPath(r.NameWithOwner)
	return r
}

// convertV2 converts a v2 repository. nameWithOwner is the path of https_url without ".git", else
// group_name/repository_name. updated_at is both UpdatedAt and PushedAt (v2 reports no push time).
// Its zone-less times are read at UTC+8 (ChinaZone) and converted to UTC.
// visibility_level 0 (and GitLab's 10, internal) is private, 20 public. v2 reports no description,
// fork, archive or counts: those stay nil.
func convertV2(w *v2Repo) providers.Repository {
	r := providers.Repository{
		ForgeID:   string(w.RepositoryID),
		Provider:  providers.CodeArts,
		Name:      w.RepositoryName,
		URL:       providers.NonEmpty(w.WebURL),
		SSHURL:    providers.NonEmpty(w.SSHURL),
		CloneURL:  providers.NonEmpty(w.HTTPSURL),
		CreatedAt: parseTime(w.CreatedAt),
		UpdatedAt: parseTime(w.UpdatedAt),
		PushedAt:  parseTime(w.UpdatedAt),
	}
	if w.VisibilityLevel != nil && *w.VisibilityLevel < 20 {
		r.IsPrivate = true
	}
	switch {
	case urlPath(w.HTTPSURL) != "":
		r.NameWithOwner = urlPath(w.HTTPSURL)
	case strings.Trim(w.GroupName, "/") != "":
		r.NameWithOwner = strings.Trim(w.GroupName, "/") + "/" + w.RepositoryName
	default:
		r.NameWithOwner = w.RepositoryName
	}
	if r.Name == "" {
		_, r.Name = providers.SplitPath(r.NameWithOwner)
	}
	r.Owner, _ = providers.SplitPath(r.NameWithOwner)
	if w.IsOwner != nil {
		// Repositories live in projects: the viewer's own are the ones it created.
		r.Affiliation = providers.AffOrganizationMember
		if *w.IsOwner == 1 {
			r.Affiliation = providers.AffOwner
		}
	}
	return r
}

// isFork reports whether forked_from_repository names a repository: an object with at least one
// non-null member. Absent, null and {} mean not a fork.
func isFork(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	if len(bytes.TrimSpace(raw)) == 0 || json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, v := range m {
		if !bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return true
		}
	}
	return false
}

// urlPath returns the path of an http(s) clone URL without slashes around it and without ".git",
// "" when raw is not such a URL.
func urlPath(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return strings.Trim(strings.TrimSuffix(strings.Trim(u.Path, "/"), ".git"), "/")
}

func ptr[T any](v T) *T { return &v }
