package gitlab

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// contributor is one item of GET /projects/:id/repository/contributors: GitLab knows contributors
// by commit author name and email, not by account.
type contributor struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Commits int    `json:"commits"`
}

// Contributors reads page (from 0) of GET /projects/:id/repository/contributors?order_by=commits&
// sort=desc, most commits first, 100 per page. Login and AvatarURL are nil (GitLab gives a name and
// an email, and the email is not shown). A project the credential cannot see is KindNotFound; other
// errors are the rest errors.
func (s *Source) Contributors(ctx context.Context, token string, repo *providers.Repository, page int) (providers.ListPage[providers.Contributor], error) {
	out := providers.ListPage[providers.Contributor]{Total: -1, LastIndex: -1}
	var wire []contributor
	p, err := s.getList(ctx, token, repo, page, &wire, []string{"repository", "contributors"}, "order_by", "commits", "sort", "desc")
	if err != nil {
		return out, err
	}
	out.More, out.Total, out.LastIndex = p.More && len(wire) > 0, p.Total, p.LastIndex
	out.Items = make([]providers.Contributor, len(wire))
	for i, c := range wire {
		out.Items[i] = providers.Contributor{Name: providers.NonEmpty(c.Name), Contributions: c.Commits}
	}
	return out, nil
}
