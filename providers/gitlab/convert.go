package gitlab

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// project is the part of GitLab's project entity (GET /projects, GET /projects/:id) forgegraph
// reads. Optional fields are pointers so that "absent" and "zero" stay apart.
type project struct {
	ID                int64      `json:"id"`
	Name              string     `json:"name"`
	Path              string     `json:"path"`
	PathWithNamespace string     `json:"path_with_namespace"`
	Namespace         *namespace `json:"namespace"`
	Description       *string    `json:"description"`
	WebURL            string     `json:"web_url"`
	SSHURLToRepo      string     `json:"ssh_url_to_repo"`
	HTTPURLToRepo     string     `json:"http_url_to_repo"`
	Visibility        string     `json:"visibility"`
	// ForkedFromProject is only present (and not null) on forks.
	ForkedFromProject json.RawMessage `json:"forked_from_project"`
	Archived          *bool           `json:"archived"`
	StarCount         *int            `json:"star_count"`
	ForksCount        *int            `json:"forks_count"`
	DefaultBranch     *string         `json:"default_branch"`
	CreatedAt         *string         `json:"created_at"`
	UpdatedAt         *string         `json:"updated_at"`
	LastActivityAt    *string         `json:"last_activity_at"`
	detailFields                      // detail.go
}

// namespace is a project's namespace: a user or a (possibly nested) group.
type namespace struct {
	Path     string `json:"path"`
	FullPath string `json:"full_path"`
	Kind     string `json:"kind"`
}

// convertProject converts one wire project. It fails with KindBadResponse when the project lacks
// what a repository cannot do without: its id and its full path.
func convertProject(p *project) (providers.Repository, error) {
	full := p.PathWithNamespace
	if full == "" && p.Namespace != nil && p.Namespace.FullPath != "" && p.Path != "" {
		full = p.Namespace.FullPath + "/" + p.Path
	}
	if p.ID <= 0 || full == "" {
		return providers.Repository{}, providers.Errorf(providers.KindBadResponse, SourceName,
			"project without id or path_with_namespace (id %d, path %q)", p.ID, full)
	}
	r := providers.Repository{
		ForgeID:       strconv.FormatInt(p.ID, 10),
		Provider:      providers.GitLab,
		Name:          p.Name,
		NameWithOwner: full,
		Owner:         ownerOf(p, full),
		Description:   providers.NonEmptyPtr(p.Description),
		URL:           providers.NonEmpty(p.WebURL),
		SSHURL:        providers.NonEmpty(p.SSHURLToRepo),
		CloneURL:      providers.NonEmpty(p.HTTPURLToRepo),
		// internal projects are visible to every signed-in user of the instance, not to the public.
		// An unknown visibility is treated as private: never claim a project is public unasked.
		IsPrivate:      p.Visibility != "public",
		IsFork:         boolPtr(isFork(p.ForkedFromProject)),
		IsArchived:     p.Archived,
		StargazerCount: p.StarCount,
		ForkCount:      p.ForksCount,
		DefaultBranch:  providers.NonEmptyPtr(p.DefaultBranch),
		CreatedAt:      parseTime(p.CreatedAt),
		UpdatedAt:      parseTime(p.UpdatedAt),
		PushedAt:       parseTime(p.LastActivityAt),
		Details:        convertDetails(p, false, false),
	}
	if r.Name == "" {
		r.Name = p.Path
	}
	if r.Name == "" {
		_, r.Name = providers.SplitPath(full)
	}
	return r, nil
}

// convertProjects converts a list page.
func convertProjects(ps []project) ([]providers.Repository, error) {
	out := make([]providers.Repository, len(ps))
	for i := range ps {
		r, err := convertProject(&ps[i])
		if err != nil {
			return nil, err
		}
		out[i] = r
	}
	return out, nil
}

// ownerOf is the namespace's full path (group/sub for nested groups), else everything before the
// last "/" of the project's full path.
func ownerOf(p *project, full string) string {
	if p.Namespace != nil && p.Namespace.FullPath != "" {
		return p.Namespace.FullPath
	}
	owner, _ := providers.SplitPath(full)
	return owner
}

// isFork reports whether forked_from_project was sent with a value.
func isFork(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && s != "null"
}

func boolPtr(b bool) *bool { return &b }

// parseTime parses GitLab's ISO 8601 times ("2013-09-30T13:46:02.000Z", or with an offset) to UTC;
// nil when absent or unparsable. GitLab documents zoned times only, so a zone-less one is refused.
func parseTime(s *string) *time.Time { return wire.TimePtr(s, nil) }
