package gitea

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// The capabilities the Gitea source has (README's table of detail fields). Gitea has no
// contributors listing in its API: that field is null.
var (
	_ providers.DetailFinder   = (*Source)(nil)
	_ providers.RefLister      = (*Source)(nil)
	_ providers.LanguageLister = (*Source)(nil)
	_ providers.TeamLister     = (*Source)(nil)
)

// detailFields are the parts of Gitea's Repository entity that make providers.Details. Every
// answer carrying a repository (GET /repos/search, GET /repos/{owner}/{repo}, the writes) has all
// of them; topics only since Gitea 1.21 (older servers leave the key out, and the topics come from
// GET /repos/{owner}/{repo}/topics).
type detailFields struct {
	Website string `json:"website"`
	// Internal is a public repository of an owner whose visibility is private (seen by its
	// members only): Gitea's counterpart of an internal repository.
	Internal   bool `json:"internal"`
	OpenIssues *int `json:"open_issues_count"`
	// Watchers is the number of people watching (Gitea's stars are stars_count).
	Watchers *int `json:"watchers_count"`
	// Size is in kilobytes (Gitea divides the repository's bytes by 1024).
	Size        *int         `json:"size"`
	HasIssues   *bool        `json:"has_issues"`
	HasWiki     *bool        `json:"has_wiki"`
	Topics      topics       `json:"topics"`
	Parent      *repository  `json:"parent"`
	Permissions *permissions `json:"permissions"`
}

// permissions is the token holder's access to a repository, as Gitea reports it.
type permissions struct {
	Admin bool `json:"admin"`
	Push  bool `json:"push"`
	Pull  bool `json:"pull"`
}

// topics is the topics key of a repository: present (a list, or null for none) or absent (a
// server older than 1.21).
type topics struct {
	list    []string
	present bool
}

// UnmarshalJSON implements json.Unmarshaler; it is called only when the key is present.
func (t *topics) UnmarshalJSON(b []byte) error {
	t.present = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		t.list = nil
		return nil
	}
	return json.Unmarshal(b, &t.list)
}

// allFields are the details a Gitea repository object answers for when it carries its topics.
const allFields = providers.FieldHomepageURL | providers.FieldVisibility | providers.FieldOpenIssuesCount |
	providers.FieldWatcherCount | providers.FieldDiskUsage | providers.FieldHasIssuesEnabled |
	providers.FieldHasWikiEnabled | providers.FieldTopics | providers.FieldParent | providers.FieldViewerPermission

// convertDetails turns a repository object's details into Details. Without a topics key the
// topics are not known (Details asks for them). A parent's own parent and permissions are not
// known: Gitea sends no grandparent and gives the parent the child's permissions.
func convertDetails(w *repository, isParent bool) *providers.Details {
	f := &w.detailFields
	d := &providers.Details{Known: allFields, HomepageURL: providers.NonEmpty(f.Website),
		OpenIssuesCount: f.OpenIssues, WatcherCount: f.Watchers, DiskUsage: f.Size,
		HasIssuesEnabled: f.HasIssues, HasWikiEnabled: f.HasWiki}
	v := providers.VisibilityPublic
	switch {
	case w.Private:
		v = providers.VisibilityPrivate
	case f.Internal:
		v = providers.VisibilityInternal
	}
	d.Visibility = &v
	if f.Topics.present {
		d.Topics = f.Topics.list
		if d.Topics == nil {
			d.Topics = []string{}
		}
	} else {
		d.Known &^= providers.FieldTopics
	}
	if isParent {
		d.Known &^= providers.FieldParent | providers.FieldViewerPermission
		return d
	}
	d.ViewerPermission = convertPermissions(f.Permissions)
	if f.Parent != nil {
		if p, err := convertParent(f.Parent); err == nil {
			d.Parent = &p
		}
	}
	return d
}

// convertParent converts the parent object of a fork; its details are marked as a parent's.
func convertParent(w *repository) (providers.Repository, error) {
	p, err := convertRepository(w)
	if err != nil {
		return p, err
	}
	p.Details = convertDetails(w, true)
	return p, nil
}

// convertPermissions returns the highest permission set: admin is ADMIN, push WRITE, pull READ
// (Gitea has no maintain or triage level); nil for none.
func convertPermissions(p *permissions) *providers.Permission {
	if p == nil {
		return nil
	}
	return providers.HighestPermission(p.Admin, false, p.Push, false, p.Pull)
}

// maxTopicPages bounds the pages of GET .../topics read (Gitea allows 25 topics per repository).
const maxTopicPages = 10

// Details fetches GET /repos/{owner}/{repo} for every scalar detail and, when the server is older
// than 1.21 (no topics in the repository object), GET /repos/{owner}/{repo}/topics. Lists already
// carry every detail, so this is asked only for what a list item lacked. It fails with
// KindNotFound when the credential cannot see the repository, KindBadInput when its path is not
// owner/name, and the rest errors otherwise.
func (s *Source) Details(ctx context.Context, token string, repo *providers.Repository) (*providers.Details, error) {
	path, err := s.repoPath(repo.NameWithOwner)
	if err != nil {
		return nil, err
	}
	var w repository
	if _, err := s.client.GetJSON(ctx, token, path, nil, &w); err != nil {
		return nil, err
	}
	d := convertDetails(&w, false)
	if d.Has(providers.FieldTopics) {
		return d, nil
	}
	if d.Topics, err = s.topics(ctx, token, path); err != nil {
		return nil, err
	}
	d.Known |= providers.FieldTopics
	return d, nil
}

// topics reads GET {repoPath}/topics ({"topics": [...]}, paged by page and limit with
// X-Total-Count) whole.
func (s *Source) topics(ctx context.Context, token, repoPath string) ([]string, error) {
	out := []string{}
	limit := int(s.limit.Load())
	for page := 1; page <= maxTopicPages; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "limit": {strconv.Itoa(limit)}}
		resp, err := s.client.Get(ctx, token, repoPath+"/topics", q, "")
		if err != nil {
			return nil, err
		}
		var body struct {
			Topics []string `json:"topics"`
		}
		if err := s.client.Decode(ctx, resp.Body, &body); err != nil {
			return nil, err
		}
		out = append(out, body.Topics...)
		// A server capping pages below limit pages by its cap throughout, so the next page
		// number still follows on; the counts decide the end.
		m := readMeta(resp.Header, len(body.Topics))
		if m.n == 0 || (m.total >= 0 && len(out) >= m.total) || (m.total < 0 && !m.more(page, limit)) {
			return out, nil
		}
	}
	return nil, s.errorf(providers.KindBadResponse, "more than %d pages of topics", maxTopicPages)
}
