package registry

import (
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	bitbucketfake "github.com/forgegraph/forgegraph/providers/bitbucket/fake"
	"github.com/forgegraph/forgegraph/providers/codearts"
	codeartsfake "github.com/forgegraph/forgegraph/providers/codearts/fake"
	"github.com/forgegraph/forgegraph/providers/demo"
	"github.com/forgegraph/forgegraph/providers/gitea"
	giteafake "github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/github"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/openhands"
	openhandsfake "github.com/forgegraph/forgegraph/providers/openhands/fake"
)

// codeArtsVersion is CODEARTS_API_VERSION: which CodeArts Repo API lists repositories.
var codeArtsVersion = Setting{Var: "CODEARTS_API_VERSION", Default: "v4", Allowed: []string{"v4", "v2"}}

// forges are the descriptors, in build order. The demo's sizes (120+60+45+35+40 = 300 repositories)
// and owners are part of the product's demo: keep them when editing.
var forges = []Forge{
	{
		Name: github.SourceName, Provider: providers.GitHub,
		TokenVar: github.TokenVar, URLVar: "GITHUB_API_URL", Header: github.TokenHeader,
		New: func(s Settings) (providers.Source, error) {
			return source(github.New(github.Config{BaseURL: s.BaseURL, HTTP: s.HTTP, Timeout: s.Timeout, Local: s.Local, Upstream: s.Upstream}))
		},
		Fake: func(token string, repos []providers.Repository) Fake { return githubfake.New(token, repos) },
		Demo: &Demo{Path: "/api/v3", RateLimit: githubfake.DefaultRateLimit, Data: demo.Data{
			Owners: []string{"octo-dev", "acme-corp", "acme-labs"}, Count: 120, Host: "github.com",
			Affiliations: map[string]providers.Affiliation{"octo-dev": providers.AffOwner, "acme-labs": providers.AffCollaborator}},
			Users:  []string{"octo-dev", "acme-labs"},
			Public: &demo.Data{Owners: []string{"oss-foundation", "pixel-labs", "river-io"}, Count: 150, Host: "github.com", Seed: 1}},
	},
	{
		Name: gitlab.SourceName, Provider: providers.GitLab,
		TokenVar: gitlab.TokenVar, URLVar: "GITLAB_API_URL", Header: gitlab.TokenHeader,
		New: func(s Settings) (providers.Source, error) {
			return source(gitlab.New(gitlab.Config{BaseURL: s.BaseURL, HTTP: s.HTTP, Timeout: s.Timeout, Local: s.Local, Upstream: s.Upstream}))
		},
		Fake: func(token string, repos []providers.Repository) Fake { return gitlabfake.New(token, repos) },
		Demo: &Demo{Path: "/api/v4", Data: demo.Data{
			Owners: []string{"octo-dev", "acme/platform", "acme/platform/infra", "acme/mobile"}, Count: 60, Host: "gitlab.com",
			Affiliations: map[string]providers.Affiliation{"octo-dev": providers.AffOwner}},
			Users:  []string{"octo-dev"},
			Public: &demo.Data{Owners: []string{"oss-foundation", "pixel-labs/design", "river-io"}, Count: 450, Host: "gitlab.com", Seed: 1}},
	},
	{
		Name: bitbucket.SourceName, Provider: providers.Bitbucket,
		TokenVar: bitbucket.TokenVar, URLVar: "BITBUCKET_API_URL", Header: bitbucket.TokenHeader,
		New: func(s Settings) (providers.Source, error) {
			return source(bitbucket.New(bitbucket.Config{BaseURL: s.BaseURL, HTTP: s.HTTP, Timeout: s.Timeout, Local: s.Local, Upstream: s.Upstream, Workspaces: s.Workspaces}))
		},
		Fake: func(token string, repos []providers.Repository) Fake { return bitbucketfake.New(token, repos) },
		Demo: &Demo{Path: "/2.0", Data: demo.Data{
			Owners: []string{"octo-dev", "acme-payments", "acme-data"}, Count: 45, Host: "bitbucket.org", UUIDs: true,
			Affiliations: map[string]providers.Affiliation{"octo-dev": providers.AffOwner}}},
	},
	{
		Name: codearts.SourceName, Provider: providers.CodeArts,
		TokenVar: codearts.TokenVar, URLVar: "CODEARTS_API_URL", Header: codearts.TokenHeader,
		URLRequired: "set it to your region's CodeArts Repo endpoint, e.g. https://codehub-ext.cn-north-4.myhuaweicloud.com",
		Settings:    []Setting{codeArtsVersion},
		New: func(s Settings) (providers.Source, error) {
			return source(codearts.New(codearts.Config{BaseURL: s.BaseURL, HTTP: s.HTTP, Timeout: s.Timeout, Local: s.Local, Upstream: s.Upstream, APIVersion: s.value(codeArtsVersion)}))
		},
		Fake: func(token string, repos []providers.Repository) Fake { return codeartsfake.New(token, repos) },
		Demo: &Demo{Path: "", Data: demo.Data{
			Owners: []string{"a1b2c3d4e5f60718293a4b5c6d7e8f90/octo-dev", "a1b2c3d4e5f60718293a4b5c6d7e8f90/acme-cn"},
			Count:  35, Host: "codehub.devcloud.example.com",
			Affiliations: map[string]providers.Affiliation{"a1b2c3d4e5f60718293a4b5c6d7e8f90/octo-dev": providers.AffOwner}}},
	},
	{
		Name: gitea.SourceName, Provider: providers.Gitea,
		TokenVar: gitea.TokenVar, URLVar: "GITEA_API_URL", Header: gitea.TokenHeader,
		URLRequired: "set it to the instance's API root, e.g. https://codeberg.org/api/v1 or https://git.example.com/api/v1",
		New: func(s Settings) (providers.Source, error) {
			return source(gitea.New(gitea.Config{BaseURL: s.BaseURL, HTTP: s.HTTP, Timeout: s.Timeout, Local: s.Local, Upstream: s.Upstream}))
		},
		Fake: func(token string, repos []providers.Repository) Fake { return giteafake.New(token, repos) },
		Demo: &Demo{Path: "/api/v1", Data: demo.Data{
			Owners: []string{"octo-dev", "acme-tools", "forgejo-contrib"}, Count: 40, Host: "codeberg.org",
			Affiliations: map[string]providers.Affiliation{"octo-dev": providers.AffOwner, "forgejo-contrib": providers.AffCollaborator}},
			Users: []string{"octo-dev", "forgejo-contrib"}},
	},
	{
		Name:     openhands.SourceName,
		TokenVar: openhands.TokenVar, URLVar: "OPENHANDS_API_URL", Header: openhands.TokenHeader,
		New: func(s Settings) (providers.Source, error) {
			return source(openhands.New(openhands.Config{BaseURL: s.BaseURL, HTTP: s.HTTP, Timeout: s.Timeout, Local: s.Local, Upstream: s.Upstream}))
		},
		Fake: func(token string, repos []providers.Repository) Fake { return openhandsfake.New(token, repos) },
	},
}
