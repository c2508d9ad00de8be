package github

import (
	"context"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// The capabilities the GitHub source has (README's table of detail fields).
var (
	_ providers.DetailFinder      = (*Source)(nil)
	_ providers.RefLister         = (*Source)(nil)
	_ providers.LanguageLister    = (*Source)(nil)
	_ providers.ContributorLister = (*Source)(nil)
	_ providers.TeamLister        = (*Source)(nil)
)

// detailFields are the parts of GitHub's repository JSON that make providers.Details. List items
// (GET /user/repos) carry all but subscribers_count and parent, which only GET
// /repos/{owner}/{repo} sends.
type detailFields struct {
	Homepage         *string      `json:"homepage"`
	Visibility       *string      `json:"visibility"`
	OpenIssuesCount  *int         `json:"open_issues_count"`
	SubscribersCount *int         `json:"subscribers_count"`
	Size             *int         `json:"size"`
	HasIssues        *bool        `json:"has_issues"`
	HasWiki          *bool        `json:"has_wiki"`
	Topics           []string     `json:"topics"`
	Parent           *repository  `json:"parent"`
	Permissions      *permissions `json:"permissions"`
}

// permissions is the token holder's access to a repository.
type permissions struct {
	Admin    bool `json:"admin"`
	Maintain bool `json:"maintain"`
	Push     bool `json:"push"`
	Triage   bool `json:"triage"`
	Pull     bool `json:"pull"`
}

// listFields are the details a GET /user/repos item answers for.
const listFields = providers.FieldHomepageURL | providers.FieldVisibility | providers.FieldOpenIssuesCount |
	providers.FieldDiskUsage | providers.FieldHasIssuesEnabled | providers.FieldHasWikiEnabled |
	providers.FieldTopics | providers.FieldViewerPermission

// allFields are the details GET /repos/{owner}/{repo} answers for.
const allFields = listFields | providers.FieldWatcherCount | providers.FieldParent

// convertDetails turns the detail fields of a repository's JSON into Details answering for known.
// private is the item's private flag, the visibility when GitHub (an old Enterprise Server) sends
// none.
func convertDetails(f *detailFields, private bool, known providers.DetailField) *providers.Details {
	d := &providers.Details{
		Known:            known,
		HomepageURL:      providers.NonEmptyPtr(f.Homepage),
		OpenIssuesCount:  f.OpenIssuesCount,
		DiskUsage:        f.Size,
		HasIssuesEnabled: f.HasIssues,
		HasWikiEnabled:   f.HasWiki,
		Topics:           f.Topics,
		ViewerPermission: convertPermissions(f.Permissions),
	}
	if known&providers.FieldWatcherCount != 0 {
		d.WatcherCount = f.SubscribersCount
	}
	v := providers.VisibilityPublic
	if private {
		v = providers.VisibilityPrivate
	}
	if f.Visibility != nil {
		switch x := providers.Visibility(strings.ToUpper(*f.Visibility)); x {
		case providers.VisibilityPublic, providers.VisibilityPrivate, providers.VisibilityInternal:
			v = x
		}
	}
	d.Visibility = &v
	if f.Parent != nil && known&providers.FieldParent != 0 {
		if p, err := convertRepository(f.Parent); err == nil {
			d.Parent = &p
		}
	}
	return d
}

// convertPermissions returns the highest permission set, nil for none.
func convertPermissions(p *permissions) *providers.Permission {
	if p == nil {
		return nil
	}
	return providers.HighestPermission(p.Admin, p.Maintain, p.Push, p.Triage, p.Pull)
}

// teamPermission maps a team's permission word (pull, triage, push, maintain, admin) to a
// Permission; nil for another word.
func teamPermission(s string) *providers.Permission {
	v, ok := map[string]providers.Permission{
		"pull": providers.PermissionRead, "triage": providers.PermissionTriage, "push": providers.PermissionWrite,
		"maintain": providers.PermissionMaintain, "admin": providers.PermissionAdmin,
	}[s]
	if !ok {
		return nil
	}
	return &v
}

// Details fetches GET /repos/{owner}/{repo} for every scalar detail (watchers are its
// subscribers_count; parent is set for forks). It fails with KindNotFound when the credential cannot
// see the repository, KindBadInput when its path is not owner/name, and the rest errors otherwise.
func (s *Source) Details(ctx context.Context, token string, repo *providers.Repository) (*providers.Details, error) {
	path, err := s.repoPath(repo.NameWithOwner)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Get(ctx, token, path, nil, "")
	if err != nil {
		return nil, err
	}
	var w repository
	if err := s.client.DecodeJSON(resp.Body, &w); err != nil {
		return nil, err
	}
	return convertDetails(&w.detailFields, w.Private, allFields), nil
}
