package gitlab

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// The capabilities the GitLab source has. GitLab has no teams (TeamLister) nor watchers or homepage
// (null).
var (
	_ providers.DetailFinder      = (*Source)(nil)
	_ providers.RefLister         = (*Source)(nil)
	_ providers.LanguageLister    = (*Source)(nil)
	_ providers.ContributorLister = (*Source)(nil)
)

// detailFields are the parts of GitLab's project entity that make providers.Details.
// open_issues_count is sent only while issues are enabled; permissions only by GET /projects/:id;
// statistics only with statistics=true, to members of at least the Reporter role.
type detailFields struct {
	OpenIssuesCount *int         `json:"open_issues_count"`
	IssuesEnabled   *bool        `json:"issues_enabled"`
	WikiEnabled     *bool        `json:"wiki_enabled"`
	Topics          []string     `json:"topics"`
	Permissions     *permissions `json:"permissions"`
	Statistics      *struct {
		RepositorySize *int64 `json:"repository_size"`
	} `json:"statistics"`
}

// permissions holds the token holder's access levels: on the project and through its group.
type permissions struct {
	ProjectAccess *access `json:"project_access"`
	GroupAccess   *access `json:"group_access"`
}

// access is one access level (10 guest, 15 planner, 20 reporter, 30 developer, 40 maintainer, 50
// owner).
type access struct {
	AccessLevel int `json:"access_level"`
}

// listFields are the details a GET /projects item answers for (GitLab has no homepage and no
// watchers: they are null).
const listFields = providers.FieldHomepageURL | providers.FieldVisibility | providers.FieldOpenIssuesCount |
	providers.FieldWatcherCount | providers.FieldHasIssuesEnabled | providers.FieldHasWikiEnabled |
	providers.FieldTopics | providers.FieldParent

// convertDetails turns a project's detail fields into Details answering for listFields, plus the
// permission when the answer carried it or is GET /projects/:id's (single), and the size when it
// carried it or was asked with statistics=true (stats).
func convertDetails(p *project, single, stats bool) *providers.Details {
	f := &p.detailFields
	d := &providers.Details{Known: listFields, OpenIssuesCount: f.OpenIssuesCount, HasIssuesEnabled: f.IssuesEnabled,
		HasWikiEnabled: f.WikiEnabled, Topics: f.Topics}
	if f.IssuesEnabled != nil && *f.IssuesEnabled && f.OpenIssuesCount == nil {
		d.Known &^= providers.FieldOpenIssuesCount // ask GET /projects/:id
	}
	v := providers.VisibilityPrivate // never claim public unasked
	switch p.Visibility {
	case "public":
		v = providers.VisibilityPublic
	case "internal":
		v = providers.VisibilityInternal
	}
	d.Visibility = &v
	if isFork(p.ForkedFromProject) {
		var parent project
		if err := json.Unmarshal(p.ForkedFromProject, &parent); err == nil {
			if r, err := convertProject(&parent); err == nil {
				r.Details = nil // a parent's own details come from its own answers
				d.Parent = &r
			}
		}
	}
	if f.Permissions != nil || single {
		d.Known |= providers.FieldViewerPermission
		d.ViewerPermission = convertAccess(f.Permissions)
	}
	if f.Statistics != nil || stats {
		d.Known |= providers.FieldDiskUsage
		if f.Statistics != nil && f.Statistics.RepositorySize != nil {
			kb := int((*f.Statistics.RepositorySize + 1023) / 1024)
			d.DiskUsage = &kb
		}
	}
	return d
}

// convertAccess maps the higher of the project and group access levels to a Permission: owner
// ADMIN, maintainer MAINTAIN, developer WRITE, reporter and planner TRIAGE, guest READ; nil for
// none.
func convertAccess(p *permissions) *providers.Permission {
	if p == nil {
		return nil
	}
	level := 0
	for _, a := range []*access{p.ProjectAccess, p.GroupAccess} {
		if a != nil {
			level = max(level, a.AccessLevel)
		}
	}
	var v providers.Permission
	switch {
	case level >= 50:
		v = providers.PermissionAdmin
	case level >= 40:
		v = providers.PermissionMaintain
	case level >= 30:
		v = providers.PermissionWrite
	case level >= 15:
		v = providers.PermissionTriage
	case level >= 10:
		v = providers.PermissionRead
	default:
		return nil
	}
	return &v
}

// repoPath is the API path of repo (see projectPath: its numeric id, else its encoded full path,
// checked either way) with the sub-resource segments after it, each checked and escaped. A
// malformed path is a KindBadInput error.
func (s *Source) repoPath(repo *providers.Repository, sub ...string) (string, error) {
	p, err := s.projectPath(providers.GlobalID{Provider: providers.GitLab, ForgeID: repo.ForgeID, NameWithOwner: repo.NameWithOwner})
	if err != nil {
		return "", err
	}
	return s.client.Path(p, sub...)
}

// Details fetches GET /projects/:id?statistics=true for every detail GitLab has: besides the list
// item's, the viewer's permission and the repository size (kilobytes; null below the Reporter
// role). A project the credential cannot see is KindNotFound; other errors are the rest errors.
func (s *Source) Details(ctx context.Context, token string, repo *providers.Repository) (*providers.Details, error) {
	path, err := s.repoPath(repo)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Get(ctx, token, path, url.Values{"statistics": {"true"}}, "")
	if err != nil {
		return nil, err
	}
	var p project
	if err := s.client.DecodeJSON(resp.Body, &p); err != nil {
		return nil, err
	}
	return convertDetails(&p, true, true), nil
}

// pageQuery is the query of upstream page i (from 0), 100 per page, with extra parameters.
func pageQuery(i int, extra ...string) url.Values {
	q := url.Values{"per_page": {strconv.Itoa(providers.PageSize)}, "page": {strconv.Itoa(i + 1)}}
	for j := 0; j+1 < len(extra); j += 2 {
		q.Set(extra[j], extra[j+1])
	}
	return q
}
