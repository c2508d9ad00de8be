package fake

import (
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// defaultHost is the instance named in URLs a repository does not carry itself.
const defaultHost = "https://gitlab.com"

// timeLayout is how GitLab writes times: UTC with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z"

// project is GitLab's project entity as GET /projects and GET /projects/:id return it (the fields a
// client of the list reads, plus a few it ignores, so clients are tested against a realistic body).
type project struct {
	ID                int64          `json:"id"`
	Description       *string        `json:"description"`
	Name              string         `json:"name"`
	NameWithNamespace string         `json:"name_with_namespace"`
	Path              string         `json:"path"`
	PathWithNamespace string         `json:"path_with_namespace"`
	CreatedAt         *string        `json:"created_at"`
	UpdatedAt         *string        `json:"updated_at"`
	DefaultBranch     *string        `json:"default_branch"`
	TagList           []string       `json:"tag_list"`
	Topics            []string       `json:"topics"`
	SSHURLToRepo      string         `json:"ssh_url_to_repo"`
	HTTPURLToRepo     string         `json:"http_url_to_repo"`
	WebURL            string         `json:"web_url"`
	ReadmeURL         *string        `json:"readme_url"`
	AvatarURL         *string        `json:"avatar_url"`
	ForksCount        int            `json:"forks_count"`
	StarCount         int            `json:"star_count"`
	LastActivityAt    *string        `json:"last_activity_at"`
	Namespace         namespace      `json:"namespace"`
	ForkedFromProject *forkedProject `json:"forked_from_project,omitempty"`
	EmptyRepo         bool           `json:"empty_repo"`
	Archived          bool           `json:"archived"`
	Visibility        string         `json:"visibility"`
	// Details (details.go).
	OpenIssuesCount *int         `json:"open_issues_count,omitempty"`
	IssuesEnabled   *bool        `json:"issues_enabled,omitempty"`
	WikiEnabled     *bool        `json:"wiki_enabled,omitempty"`
	Permissions     *permissions `json:"permissions,omitempty"`
	Statistics      *statistics  `json:"statistics,omitempty"`
}

type namespace struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Path     string  `json:"path"`
	Kind     string  `json:"kind"`
	FullPath string  `json:"full_path"`
	ParentID *int64  `json:"parent_id"`
	WebURL   string  `json:"web_url"`
	Avatar   *string `json:"avatar_url"`
}

type forkedProject struct {
	ID                int64  `json:"id"`
	Name              string `json:"name"`
	Path              string `json:"path"`
	PathWithNamespace string `json:"path_with_namespace"`
	WebURL            string `json:"web_url"`
}

// normalize returns a copy of r as GitLab would store it: times in UTC with millisecond precision,
// so the fake sorts exactly the values it writes.
func normalize(r providers.Repository) providers.Repository {
	trunc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := t.UTC().Truncate(time.Millisecond)
		return &v
	}
	r.CreatedAt, r.UpdatedAt, r.PushedAt = trunc(r.CreatedAt), trunc(r.UpdatedAt), trunc(r.PushedAt)
	return r
}

// projectID is the numeric id of r: its ForgeID when numeric, else a stable hash of it.
func projectID(r *providers.Repository) int64 {
	if n, err := strconv.ParseInt(r.ForgeID, 10, 64); err == nil && n > 0 {
		return n
	}
	return hashID(r.ForgeID + "\x00" + r.NameWithOwner)
}

func hashID(s string) int64 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int64(h.Sum32()&0x7fffffff) + 1
}

// toWire converts a domain repository into GitLab's project entity. Missing URLs are made up on
// the repository's own host (gitlab.com when it has none); missing counts are 0, as GitLab says.
func toWire(r *providers.Repository) project {
	full := r.NameWithOwner
	owner, path := "", pathOf(r)
	if i := strings.LastIndex(full, "/"); i >= 0 {
		owner = full[:i]
	}
	if r.Owner != "" {
		owner = r.Owner
	}
	host := defaultHost
	if r.URL != nil {
		if u, err := url.Parse(*r.URL); err == nil && u.Host != "" {
			host = u.Scheme + "://" + u.Host
		}
	}
	web := host + "/" + full
	if r.URL != nil {
		web = *r.URL
	}
	hostname := strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://")
	p := project{
		ID:                projectID(r),
		Description:       r.Description,
		Name:              nameOf(r),
		NameWithNamespace: nameOf(r),
		Path:              path,
		PathWithNamespace: full,
		CreatedAt:         formatTime(r.CreatedAt),
		UpdatedAt:         formatTime(r.UpdatedAt),
		LastActivityAt:    formatTime(r.PushedAt),
		DefaultBranch:     r.DefaultBranch,
		TagList:           []string{},
		Topics:            []string{},
		SSHURLToRepo:      "git@" + hostname + ":" + full + ".git",
		HTTPURLToRepo:     web + ".git",
		WebURL:            web,
		EmptyRepo:         r.DefaultBranch == nil,
		Visibility:        "public",
	}
	if owner != "" {
		p.NameWithNamespace = strings.ReplaceAll(owner, "/", " / ") + " / " + p.Name
	}
	if r.SSHURL != nil {
		p.SSHURLToRepo = *r.SSHURL
	}
	if r.CloneURL != nil {
		p.HTTPURLToRepo = *r.CloneURL
	}
	if r.Description != nil {
		d := *r.Description
		p.Description = &d
	}
	if r.IsPrivate {
		p.Visibility = "private"
	}
	if r.IsArchived != nil {
		p.Archived = *r.IsArchived
	}
	if r.StargazerCount != nil {
		p.StarCount = *r.StargazerCount
	}
	if r.ForkCount != nil {
		p.ForksCount = *r.ForkCount
	}
	p.Namespace = namespaceOf(owner, host)
	if r.Affiliation == providers.AffOrganizationMember {
		// A top-level group has one segment, like a user: the repository says which it is.
		p.Namespace.Kind = "group"
	}
	if r.IsFork != nil && *r.IsFork {
		p.ForkedFromProject = &forkedProject{
			ID:                hashID("upstream\x00" + full),
			Name:              p.Name,
			Path:              path,
			PathWithNamespace: "upstream/" + path,
			WebURL:            host + "/upstream/" + path,
		}
	}
	return p
}

// namespaceOf describes the namespace at fullPath: a nested path is a group, a single segment a user.
func namespaceOf(fullPath, host string) namespace {
	last := fullPath[strings.LastIndex(fullPath, "/")+1:]
	ns := namespace{
		ID:       hashID("namespace\x00" + fullPath),
		Name:     last,
		Path:     last,
		Kind:     "user",
		FullPath: fullPath,
		WebURL:   host + "/" + fullPath,
	}
	if i := strings.LastIndex(fullPath, "/"); i >= 0 {
		ns.Kind = "group"
		ns.WebURL = host + "/groups/" + fullPath
		parent := hashID("namespace\x00" + fullPath[:i])
		ns.ParentID = &parent
	}
	return ns
}

func formatTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.UTC().Format(timeLayout)
	return &s
}

// permissions is the token holder's access in GET /projects/:id.
type permissions struct {
	ProjectAccess *access `json:"project_access"`
	GroupAccess   *access `json:"group_access"`
}

// access is one access level.
type access struct {
	AccessLevel       int `json:"access_level"`
	NotificationLevel int `json:"notification_level"`
}

// statistics is GET /projects/:id?statistics=true's statistics (bytes).
type statistics struct {
	RepositorySize int64 `json:"repository_size"`
	StorageSize    int64 `json:"storage_size"`
}

// commit is a ref's commit.
type commit struct {
	ID      string `json:"id"`
	ShortID string `json:"short_id"`
	Title   string `json:"title"`
}

// branch is one item of GET /projects/:id/repository/branches.
type branch struct {
	Name      string `json:"name"`
	Commit    commit `json:"commit"`
	Merged    bool   `json:"merged"`
	Protected bool   `json:"protected"`
	Default   bool   `json:"default"`
}

// tag is one item of GET /projects/:id/repository/tags.
type tag struct {
	Name      string  `json:"name"`
	Message   string  `json:"message"`
	Target    string  `json:"target"`
	Commit    commit  `json:"commit"`
	Protected bool    `json:"protected"`
	Release   *string `json:"release"`
}

// contributor is one item of GET /projects/:id/repository/contributors.
type contributor struct {
	Name      string `json:"name"`
	Email     string `json:"email"`
	Commits   int    `json:"commits"`
	Additions int    `json:"additions"`
	Deletions int    `json:"deletions"`
}
