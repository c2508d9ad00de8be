package gitea

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// branch is one item of GET /repos/{owner}/{repo}/branches (Gitea's Branch entity): the fields
// forgegraph reads.
type branch struct {
	Name   string `json:"name"`
	Commit *struct {
		ID string `json:"id"`
	} `json:"commit"`
	Protected *bool `json:"protected"`
}

// tag is one item of GET /repos/{owner}/{repo}/tags (Gitea's Tag entity): the fields forgegraph
// reads. Its id is the tag object's; the commit is what it points to.
type tag struct {
	Name   string `json:"name"`
	Commit *struct {
		SHA string `json:"sha"`
	} `json:"commit"`
}

func convertBranch(b *branch) providers.Ref {
	r := providers.Ref{Name: b.Name, IsProtected: b.Protected}
	if b.Commit != nil {
		r.CommitSHA = providers.NonEmpty(b.Commit.ID)
	}
	return r
}

func convertTag(t *tag) providers.Ref {
	r := providers.Ref{Name: t.Name}
	if t.Commit != nil {
		r.CommitSHA = providers.NonEmpty(t.Commit.SHA)
	}
	return r
}

// Refs reads page (from 0) of repo's branches (GET /repos/{owner}/{repo}/branches) or tags
// (.../tags) in Gitea's order, 100 per page, read as upstream pages of 50 (Gitea's default MAX_RESPONSE_ITEMS, or the lower cap
// the server is seen to have). Total is X-Total-Count; branches say whether they are protected,
// tags never do. An empty repository has none. Errors are KindNotFound when the credential cannot
// see the repository, KindBadInput for a path that is not owner/name, KindBadResponse for answers
// that do not page as documented, and the rest errors.
func (s *Source) Refs(ctx context.Context, token string, repo *providers.Repository, kind providers.RefKind, page int) (providers.ListPage[providers.Ref], error) {
	out := providers.ListPage[providers.Ref]{Total: -1, LastIndex: -1}
	if (kind != providers.Branches && kind != providers.Tags) || page < 0 {
		return out, s.errorf(providers.KindInternal, "refs %q page %d", kind, page)
	}
	path, err := s.repoPath(repo.NameWithOwner)
	if err != nil {
		return out, err
	}
	path += "/" + string(kind)
	if kind == providers.Branches {
		p, err := readSub[branch](ctx, s, token, path, page)
		if err != nil {
			return out, err
		}
		return listPage(p, convertBranch), nil
	}
	p, err := readSub[tag](ctx, s, token, path, page)
	if err != nil {
		return out, err
	}
	return listPage(p, convertTag), nil
}
