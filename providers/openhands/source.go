// Package openhands is forgegraph's source for OpenHands (GET /api/user/repositories), an upstream
// that itself fronts the user's GitHub, GitLab and Bitbucket accounts. Each repository keeps the
// forge it lives on as its Provider; the source returns one stream per forge.
//
// How OpenHands answers decides how it is read:
//   - With selected_provider=<forge> it pages (page from 1, per_page up to 100) and passes sort on to
//     the forge in the forge's own way. Only GitHub receives sort as is, in GitHub's default
//     direction (desc for pushed/updated/created, asc for full_name), so GitHub in PUSHED DESC,
//     UPDATED DESC, CREATED DESC and FULL_NAME ASC is paged natively. GitLab always gets sort=desc and
//     full_name becomes order_by=name (the project's name, not its path); Bitbucket pages only within
//     one workspace. Every other order is read whole and sorted here (providers.Local).
//   - Without selected_provider it ignores page and per_page and returns every connected forge's
//     whole list concatenated. That list is never paged: it is read once per credential and shared
//     by every stream that needs it, each stream keeping its own forge.
//   - Bitbucket is always read from that unpaged list: with selected_provider=bitbucket OpenHands
//     answers an empty list unless installation_id names a workspace.
//
// OpenHands reports only id, full_name, git_provider, is_public, stargazers_count, pushed_at and
// main_branch: URL, SSHURL, CloneURL, Description, IsFork, IsArchived, ForkCount, PrimaryLanguage,
// CreatedAt and UpdatedAt are always nil. Lists sorted here by UPDATED or CREATED therefore tie on
// every repository and come out in full-name order; GitHub's native UPDATED/CREATED lists follow
// GitHub's order.
//
// Items whose git_provider is enterprise_sso (an identity provider, not a forge) or any value
// forgegraph has no Provider for are skipped.
package openhands

import (
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Source reads one user's repositories through OpenHands. It is safe for concurrent use.
type Source struct {
	c     *rest.Client
	local *providers.Local
}

// New returns a Source for cfg. It fails only when cfg.BaseURL is not an absolute http(s) URL
// without query or fragment.
func New(cfg Config) (*Source, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	return &Source{c: c, local: providers.LocalOr(cfg.Local)}, nil
}

// Name returns "openhands".
func (s *Source) Name() string { return SourceName }

// forges are the providers OpenHands fronts, in Providers' order.
var forges = []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket}

// Providers returns GITHUB, GITLAB and BITBUCKET.
func (s *Source) Providers() []providers.Provider {
	return append([]providers.Provider(nil), forges...)
}
