package fake

import (
	"hash/fnv"
	"strconv"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// wireRepo is Gitea's Repository entity as the API writes it (the fields a client of the list
// reads, plus a few it ignores, so clients are tested against a realistic body).
type wireRepo struct {
	ID              int64       `json:"id"`
	Owner           wireUser    `json:"owner"`
	Name            string      `json:"name"`
	FullName        string      `json:"full_name"`
	Description     string      `json:"description"`
	Empty           bool        `json:"empty"`
	Private         bool        `json:"private"`
	Fork            bool        `json:"fork"`
	Template        bool        `json:"template"`
	Parent          *wireRepo   `json:"parent"`
	Mirror          bool        `json:"mirror"`
	Size            int         `json:"size"`
	Language        string      `json:"language"`
	HTMLURL         string      `json:"html_url"`
	URL             string      `json:"url"`
	SSHURL          string      `json:"ssh_url"`
	CloneURL        string      `json:"clone_url"`
	Website         string      `json:"website"`
	StarsCount      int         `json:"stars_count"`
	ForksCount      int         `json:"forks_count"`
	WatchersCount   int         `json:"watchers_count"`
	OpenIssuesCount int         `json:"open_issues_count"`
	DefaultBranch   string      `json:"default_branch"`
	Archived        bool        `json:"archived"`
	CreatedAt       string      `json:"created_at"`
	UpdatedAt       string      `json:"updated_at"`
	ArchivedAt      string      `json:"archived_at"`
	Permissions     permissions `json:"permissions"`
	HasIssues       bool        `json:"has_issues"`
	HasWiki         bool        `json:"has_wiki"`
	Internal        bool        `json:"internal"`
	Topics          *[]string   `json:"topics,omitempty"` // omitted by servers before 1.21
}

type wireUser struct {
	ID        int64  `json:"id"`
	Login     string `json:"login"`
	FullName  string `json:"full_name"`
	AvatarURL string `json:"avatar_url"`
}

type permissions struct {
	Admin bool `json:"admin"`
	Push  bool `json:"push"`
	Pull  bool `json:"pull"`
}

// defaultHost is the instance named in URLs a repository does not carry itself.
const defaultHost = "gitea.example.com"

// normalize returns a copy of r as Gitea stores it: times in whole seconds (Unix seconds in the
// database), no push time (Gitea has none).
func normalize(r providers.Repository) providers.Repository {
	trunc := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := t.UTC().Truncate(time.Second)
		return &v
	}
	r.CreatedAt, r.UpdatedAt, r.PushedAt = trunc(r.CreatedAt), trunc(r.UpdatedAt), nil
	return r
}

// unix is a stored time in Unix seconds; Gitea stores 0 for "never".
func unix(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.Unix()
}

// idOf is a repository's numeric id: its ForgeID when numeric, else a stable hash of it.
func idOf(r *providers.Repository) int64 {
	if n, err := strconv.ParseInt(r.ForgeID, 10, 64); err == nil && n > 0 {
		return n
	}
	h := fnv.New64a()
	h.Write([]byte(r.ForgeID))
	return int64(h.Sum64()>>2) + 1
}

// ownerID is an owner's user id: the viewer's, else a stable hash of the login.
func (s *Server) ownerID(login string) int64 {
	if login == s.viewer() {
		return viewerID
	}
	h := fnv.New32a()
	h.Write([]byte(login))
	return int64(h.Sum32()) + 2
}

// nextID is an id above every id of repos.
func nextID(repos []providers.Repository) string {
	var top int64
	for i := range repos {
		top = max(top, idOf(&repos[i]))
	}
	return strconv.FormatInt(top+1, 10)
}

// toWire renders r as the API writes it, times in the server's zone.
func (s *Server) toWire(r *providers.Repository) wireRepo {
	zone := s.Zone
	if zone == nil {
		zone = time.FixedZone("", 2*3600)
	}
	stamp := func(t *time.Time) string {
		if t == nil {
			return time.Unix(0, 0).In(zone).Format(time.RFC3339)
		}
		return t.In(zone).Format(time.RFC3339)
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	num := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	flag := func(p *bool) bool { return p != nil && *p }
	html := "https://" + defaultHost + "/" + r.NameWithOwner
	w := wireRepo{
		ID: idOf(r), Owner: wireUser{ID: s.ownerID(r.Owner), Login: r.Owner, AvatarURL: "https://" + defaultHost + "/avatars/" + r.Owner},
		Name: r.Name, FullName: r.NameWithOwner, Description: str(r.Description),
		Private: r.IsPrivate, Fork: flag(r.IsFork), Language: str(r.PrimaryLanguage),
		HTMLURL: html, URL: "https://" + defaultHost + "/api/v1/repos/" + r.NameWithOwner,
		SSHURL: "git@" + defaultHost + ":" + r.NameWithOwner + ".git", CloneURL: html + ".git",
		StarsCount: num(r.StargazerCount), ForksCount: num(r.ForkCount), DefaultBranch: str(r.DefaultBranch),
		Archived: flag(r.IsArchived), CreatedAt: stamp(r.CreatedAt), UpdatedAt: stamp(r.UpdatedAt),
		ArchivedAt: stamp(nil), Permissions: permissions{Admin: r.Owner == s.viewer(), Push: true, Pull: true},
	}
	s.withDetails(&w, s.detailsOf(r)) // details.go
	if r.URL != nil {
		w.HTMLURL = *r.URL
	}
	if r.SSHURL != nil {
		w.SSHURL = *r.SSHURL
	}
	if r.CloneURL != nil {
		w.CloneURL = *r.CloneURL
	}
	return w
}
