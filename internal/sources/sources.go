// Package sources builds the enabled forge sources from the configuration, or the demo forges when
// none is enabled.
package sources

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	"github.com/forgegraph/forgegraph/providers/codearts"
	"github.com/forgegraph/forgegraph/providers/demo"
	"github.com/forgegraph/forgegraph/providers/github"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	"github.com/forgegraph/forgegraph/providers/openhands"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Built is the result of Build: the sources and the server-held tokens they use.
type Built struct {
	Sources []providers.Source
	Tokens  map[string]string
	// Demo is set in demo mode.
	Demo *demo.Demo
}

// Deps are what the sources share: the HTTP client (nil: a default client), the Local for local
// sorts, the upstream options, and the cache of Bitbucket workspace lists (nil: in memory).
type Deps struct {
	HTTP       *http.Client
	Local      *providers.Local
	Upstream   rest.Options
	Workspaces cache.Cache[[]string]
}

// Build returns the sources cfg enables over d. In demo mode it returns the demo forges, reached in
// process.
func Build(cfg config.Config, d Deps) (Built, error) {
	client := d.HTTP
	names, urls, tokens := cfg.Sources, cfg.URLs, cfg.Tokens
	var b Built
	if cfg.Demo {
		b.Demo = demo.New()
		client = b.Demo.Client
		urls, tokens = b.Demo.URLs(), b.Demo.Tokens()
		names = []string{"github", "gitlab", "bitbucket", "codearts"}
	}
	b.Tokens = tokens
	for _, name := range names {
		s, err := build(name, urls[name], cfg, client, d)
		if err != nil {
			return b, fmt.Errorf("%w (check %s_API_URL)", err, strings.ToUpper(name)) // the source names itself
		}
		b.Sources = append(b.Sources, s)
	}
	return b, nil
}

func build(name, url string, cfg config.Config, client *http.Client, d Deps) (providers.Source, error) {
	t, local, up := cfg.UpstreamTimeout, d.Local, d.Upstream
	switch name {
	case "github":
		return github.New(github.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up})
	case "gitlab":
		return gitlab.New(gitlab.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up})
	case "bitbucket":
		return bitbucket.New(bitbucket.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up, Workspaces: d.Workspaces})
	case "codearts":
		return codearts.New(codearts.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up, APIVersion: cfg.CodeArtsVersion})
	case "openhands":
		return openhands.New(openhands.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up})
	}
	return nil, fmt.Errorf("unknown source %q", name)
}
