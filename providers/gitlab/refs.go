package gitlab

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// ref is one item of GET /projects/:id/repository/branches or .../tags.
type ref struct {
	Name   string `json:"name"`
	Commit *struct {
		ID string `json:"id"`
	} `json:"commit"`
	Protected *bool `json:"protected"`
}

// getList reads page i (from 0) of a project sub-resource list into v, with GitLab's paging
// headers (x-total, x-next-page, Link) read as for the project list.
func (s *Source) getList(ctx context.Context, token string, repo *providers.Repository, i int, v any, sub []string, extra ...string) (providers.Page, error) {
	if i < 0 {
		return providers.Page{}, providers.Errorf(providers.KindInternal, SourceName, "page index %d", i)
	}
	path, err := s.repoPath(repo, sub...)
	if err != nil {
		return providers.Page{}, err
	}
	resp, err := s.client.Get(ctx, token, path, pageQuery(i, extra...), "")
	if err != nil {
		return providers.Page{}, err
	}
	if len(resp.Body) == 0 {
		return providers.Page{Total: 0, LastIndex: -1}, nil
	}
	if err := s.client.DecodeJSON(resp.Body, v); err != nil {
		return providers.Page{}, err
	}
	return readPaging(resp.Header, i+1, -1), nil
}

// Refs reads page (from 0) of GET /projects/:id/repository/branches (by name) or .../tags (GitLab's
// default: newest update first), 100 per page, with x-total as Total. Branches say whether they
// are protected; tags do not (nil). A project the credential cannot see is KindNotFound; other
// errors are the rest errors.
func (s *Source) Refs(ctx context.Context, token string, repo *providers.Repository, kind providers.RefKind, page int) (providers.ListPage[providers.Ref], error) {
	out := providers.ListPage[providers.Ref]{Total: -1, LastIndex: -1}
	if kind != providers.Branches && kind != providers.Tags {
		return out, providers.Errorf(providers.KindInternal, SourceName, "unknown ref kind %q", kind)
	}
	var wire []ref
	p, err := s.getList(ctx, token, repo, page, &wire, []string{"repository", string(kind)})
	if err != nil {
		return out, err
	}
	out.More, out.Total, out.LastIndex = p.More && len(wire) > 0, p.Total, p.LastIndex
	out.Items = make([]providers.Ref, len(wire))
	for i, w := range wire {
		r := providers.Ref{Name: w.Name}
		if w.Commit != nil {
			r.CommitSHA = providers.NonEmpty(w.Commit.ID)
		}
		if kind == providers.Branches {
			r.IsProtected = w.Protected
		}
		out.Items[i] = r
	}
	return out, nil
}
