package github

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// contributor is one item of GET /repos/{owner}/{repo}/contributors.
type contributor struct {
	Login         string `json:"login"`
	Name          string `json:"name"` // anonymous contributors only
	AvatarURL     string `json:"avatar_url"`
	Contributions int    `json:"contributions"`
}

// Contributors reads page (from 0) of GET /repos/{owner}/{repo}/contributors, 100 per page, which
// GitHub orders by contributions, most first. An empty repository (204 No Content) has none. A
// repository with too many contributors for the API is GitHub's 403, a KindForbidden error; other
// errors are KindNotFound when the credential cannot see the repository and the rest errors.
func (s *Source) Contributors(ctx context.Context, token string, repo *providers.Repository, page int) (providers.ListPage[providers.Contributor], error) {
	out := providers.ListPage[providers.Contributor]{Total: -1, LastIndex: -1}
	var wire []contributor
	more, last, empty, err := s.getPage(ctx, token, repo, "contributors", page, &wire)
	if err != nil {
		return out, err
	}
	if empty {
		out.Total = 0
		return out, nil
	}
	out.More, out.LastIndex = more, last
	out.Items = make([]providers.Contributor, len(wire))
	for i, c := range wire {
		out.Items[i] = providers.Contributor{Login: providers.NonEmpty(c.Login), Name: providers.NonEmpty(c.Name),
			AvatarURL: providers.NonEmpty(c.AvatarURL), Contributions: c.Contributions}
	}
	return out, nil
}
