// Package sources builds the enabled forge sources from the configuration, or the demo forges when
// none is enabled.
package sources

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/demo"
	"github.com/forgegraph/forgegraph/providers/registry"
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
	Workspaces providers.UserCache[[]string]
}

// Build returns the sources cfg enables over d, each built by its registry descriptor. In demo mode
// it returns the demo forges (registry.NewDemo), reached in process. An error names the source and
// the variable to check.
func Build(cfg config.Config, d Deps) (Built, error) {
	client := d.HTTP
	names, urls, tokens := cfg.Sources, cfg.URLs, cfg.Tokens
	var b Built
	if cfg.Demo {
		b.Demo = registry.NewDemo()
		client = b.Demo.Client
		urls, tokens = b.Demo.URLs(), b.Demo.Tokens()
		names = registry.DemoNames()
	}
	b.Tokens = tokens
	for _, name := range names {
		f, ok := registry.Lookup(name)
		if !ok {
			return b, fmt.Errorf("unknown source %q: use one of %s", name, strings.Join(registry.Names(), ", "))
		}
		s, err := f.New(registry.Settings{BaseURL: urls[name], HTTP: client, Timeout: cfg.UpstreamTimeout,
			Local: d.Local, Upstream: d.Upstream, Workspaces: d.Workspaces, Values: cfg.Settings})
		if err != nil {
			return b, fmt.Errorf("%w (check %s)", err, f.URLVar) // the source names itself
		}
		b.Sources = append(b.Sources, s)
	}
	return b, nil
}
