// Package sources builds the enabled forge sources from the configuration, or the demo forges when
// none is enabled.
package sources

import (
	"fmt"
	"net/http"

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

// Build returns the sources cfg enables, over client (nil: a default client), each with the shared
// upstream options up. In demo mode it returns the demo forges, reached in process.
func Build(cfg config.Config, client *http.Client, local *providers.Local, up rest.Options) (Built, error) {
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
		s, err := build(name, urls[name], cfg, client, local, up)
		if err != nil {
			return b, fmt.Errorf("%s: %w (check %s_API_URL)", name, err, envPrefix(name))
		}
		b.Sources = append(b.Sources, s)
	}
	return b, nil
}

func envPrefix(name string) string {
	switch name {
	case "github":
		return "GITHUB"
	case "gitlab":
		return "GITLAB"
	case "bitbucket":
		return "BITBUCKET"
	case "codearts":
		return "CODEARTS"
	}
	return "OPENHANDS"
}

func build(name, url string, cfg config.Config, client *http.Client, local *providers.Local, up rest.Options) (providers.Source, error) {
	t := cfg.UpstreamTimeout
	switch name {
	case "github":
		return github.New(github.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up})
	case "gitlab":
		return gitlab.New(gitlab.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up})
	case "bitbucket":
		return bitbucket.New(bitbucket.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up})
	case "codearts":
		return codearts.New(codearts.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up, APIVersion: cfg.CodeArtsVersion})
	case "openhands":
		return openhands.New(openhands.Config{BaseURL: url, HTTP: client, Timeout: t, Local: local, Upstream: up})
	}
	return nil, fmt.Errorf("unknown source %q", name)
}
