package bitbucket

import (
	"context"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// The capabilities the Bitbucket source has. Every scalar detail Bitbucket has comes with the
// repository object (so there is no DetailFinder); it has no contributors or teams listing.
var (
	_ providers.RefLister      = (*Source)(nil)
	_ providers.LanguageLister = (*Source)(nil)
)

// detailFields are the parts of Bitbucket's repository object that make providers.Details.
type detailFields struct {
	Website   string `json:"website"`
	Size      *int64 `json:"size"` // bytes
	HasIssues *bool  `json:"has_issues"`
	HasWiki   *bool  `json:"has_wiki"`
}

// allFields: the repository object answers for every detail; Bitbucket has no open issue count
// here, no watchers count, no topics and no viewer permission in it (null).
const allFields = providers.FieldHomepageURL | providers.FieldVisibility | providers.FieldOpenIssuesCount |
	providers.FieldWatcherCount | providers.FieldDiskUsage | providers.FieldHasIssuesEnabled |
	providers.FieldHasWikiEnabled | providers.FieldTopics | providers.FieldParent | providers.FieldViewerPermission

// convertDetails turns a repository object's details into Details: size in kilobytes, the parent
// (a fork's) as far as the object names it.
func convertDetails(w *repository) *providers.Details {
	d := &providers.Details{Known: allFields, HomepageURL: providers.NonEmpty(w.Website),
		HasIssuesEnabled: w.HasIssues, HasWikiEnabled: w.HasWiki}
	v := providers.VisibilityPublic
	if w.IsPrivate {
		v = providers.VisibilityPrivate
	}
	d.Visibility = &v
	if w.Size != nil {
		kb := int((*w.Size + 1023) / 1024)
		d.DiskUsage = &kb
	}
	if p := w.Parent; p != nil && p.UUID != "" && p.FullName != "" {
		owner, slug := providers.SplitPath(p.FullName)
		name := p.Name
		if name == "" {
			name = slug
		}
		d.Parent = &providers.Repository{ForgeID: p.UUID, Provider: providers.Bitbucket, Name: name,
			NameWithOwner: p.FullName, Owner: owner}
	}
	return d
}

// Languages returns the one language Bitbucket names for repo (its language field) with a share
// of 100 and no size, or none when it names none. It asks the forge nothing.
func (s *Source) Languages(_ context.Context, _ string, repo *providers.Repository) ([]providers.Language, error) {
	if repo.PrimaryLanguage == nil || *repo.PrimaryLanguage == "" {
		return []providers.Language{}, nil
	}
	return []providers.Language{{Name: *repo.PrimaryLanguage, Percentage: 100}}, nil
}

// ref is one value of GET /2.0/repositories/{workspace}/{repo_slug}/refs/branches or .../tags.
type ref struct {
	Name   string `json:"name"`
	Target *struct {
		Hash string `json:"hash"`
	} `json:"target"`
}

// repoPath is the API path of repository nameWithOwner (workspace/slug) with the sub-resource
// segments after it, through the rest client's path builder like Source.Repository's path (Bitbucket's
// slug characters, no empty, "." or ".." part, each escaped). A malformed path is KindBadInput.
func (s *Source) repoPath(nameWithOwner string, sub ...string) (string, error) {
	parts, err := s.client.IDPath(nameWithOwner, 2)
	if err != nil {
		return "", err
	}
	return s.repositoriesPath(append(parts, sub...)...)
}

// Refs reads page (from 0) of GET /2.0/repositories/{workspace}/{repo_slug}/refs/branches or
// .../refs/tags, 100 per page (pagelen), in Bitbucket's order; Total is the envelope's size when
// sent, More whether it has a next link. Bitbucket does not say which branches are protected
// (nil). A repository the credential cannot see is KindNotFound (Bitbucket's 403 for another
// workspace's private repository included); other errors are the rest errors.
func (s *Source) Refs(ctx context.Context, token string, repo *providers.Repository, kind providers.RefKind, page int) (providers.ListPage[providers.Ref], error) {
	out := providers.ListPage[providers.Ref]{Total: -1, LastIndex: -1}
	if (kind != providers.Branches && kind != providers.Tags) || page < 0 {
		return out, s.errorf(providers.KindInternal, nil, "refs %q page %d", kind, page)
	}
	path, err := s.repoPath(repo.NameWithOwner, "refs", string(kind))
	if err != nil {
		return out, err
	}
	q := url.Values{"pagelen": {strconv.Itoa(providers.PageSize)}, "page": {strconv.Itoa(page + 1)}}
	resp, err := s.client.Get(ctx, token, path, q, "")
	if err != nil {
		if providers.KindOf(err) == providers.KindForbidden {
			return out, s.errorf(providers.KindNotFound, err, "repository %s is not visible to this credential", repo.NameWithOwner)
		}
		return out, err
	}
	var body paginated[ref]
	if err := s.client.DecodeJSON(resp.Body, &body); err != nil {
		return out, err
	}
	if body.Size != nil {
		out.Total = *body.Size
	}
	out.More = body.Next != "" && len(body.Values) > 0
	out.Items = make([]providers.Ref, len(body.Values))
	for i, v := range body.Values {
		r := providers.Ref{Name: v.Name}
		if v.Target != nil {
			r.CommitSHA = providers.NonEmpty(v.Target.Hash)
		}
		out.Items[i] = r
	}
	return out, nil
}
