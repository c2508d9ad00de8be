package github

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// team is one item of GET /repos/{owner}/{repo}/teams.
type team struct {
	Name        string  `json:"name"`
	Slug        string  `json:"slug"`
	Description *string `json:"description"`
	Permission  string  `json:"permission"`
}

// Teams reads page (from 0) of GET /repos/{owner}/{repo}/teams, 100 per page. GitHub answers 404
// for a repository a user owns (teams belong to organizations): that is an empty list, since the
// repository itself was found. Other errors are the rest errors.
func (s *Source) Teams(ctx context.Context, token string, repo *providers.Repository, page int) (providers.ListPage[providers.Team], error) {
	out := providers.ListPage[providers.Team]{Total: -1, LastIndex: -1}
	var wire []team
	more, last, empty, err := s.getPage(ctx, token, repo, "teams", page, &wire)
	if providers.KindOf(err) == providers.KindNotFound || empty {
		out.Total = 0
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.More, out.LastIndex = more, last
	out.Items = make([]providers.Team, len(wire))
	for i, t := range wire {
		out.Items[i] = providers.Team{Name: t.Name, Slug: t.Slug, Description: providers.NonEmptyPtr(t.Description),
			Permission: teamPermission(t.Permission)}
	}
	return out, nil
}
