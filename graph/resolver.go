// Package graph is forgegraph's GraphQL layer: the gqlgen executable schema, thin resolvers, the
// service that turns Viewer.repositories arguments into a merged list over the enabled sources, and
// the one presenter that maps error kinds to extensions.code.
package graph

import (
	"sync"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Resolver is the root resolver: the dependencies every resolver needs, injected by server.go.
type Resolver struct {
	// Sources are the enabled sources; none is an empty list on every query.
	Sources []providers.Source
	// Codec signs and checks cursors.
	Codec *providers.Codec
	// Pages is the shared page store the per-request loaders read through.
	Pages *pages.Store
	// Limits is the rate-limit state the forge clients keep (rest.Options.Limits); nil reports every
	// quota as unknown.
	Limits cache.Cache[rest.Rate]
	// Writes configures the mutations (mutations.go); the zero value refuses server-held tokens and
	// keeps clientMutationId answers in memory.
	Writes Writes
	// Local keeps the whole lists filtered lists are read from (providers.FilterStreams); nil means a
	// Local of the resolver's own with the defaults, made on first use.
	Local *providers.Local

	replayOnce sync.Once
	localOnce  sync.Once
	flights    flights // mutations in progress (mutationflight.go)
}

// local returns r.Local, or the resolver's own default Local when it is nil.
func (r *Resolver) local() *providers.Local {
	r.localOnce.Do(func() {
		if r.Local == nil {
			r.Local = providers.NewLocal(nil, 0, 0)
		}
	})
	return r.Local

}
