package graph

import (
	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
)

// MutationCost is the fixed cost of one mutation field (it writes to a forge, and looks the
// repository up first for a delete): a document with many aliased mutations is refused by the
// complexity limit before any forge is asked.
const MutationCost = 200

// ConnectionCost is the fixed cost of one repositories connection in a query's complexity: a
// connection costs ConnectionCost plus its page size times what each repository selects.
const ConnectionCost = 50

// LookupCost is the fixed cost of a field that asks a forge for one object (Query.node): a lookup
// costs LookupCost plus what it selects, so a query with dozens of aliased lookups is refused by the
// complexity limit before any forge is asked, as one with dozens of aliased connections is.
const LookupCost = 50

// Complexity returns the cost functions of the fields that reach a forge; fields it leaves nil cost
// gqlgen's default (1 plus what they select). Pass it as Config.Complexity.
func Complexity() ComplexityRoot {
	var c ComplexityRoot
	c.Viewer.Repositories = func(child int, _ *providers.Provider, _ *providers.Sort, _ *providers.Direction, first *int, _ *string, last *int, _ *string, _ *string, _ *providers.Privacy, _ []providers.Affiliation, _, _ *bool) int {
		return Connection(child, first, last)
	}
	c.Query.Node = func(child int, _ string) int { return Lookup(child) }
	setOwnerComplexity(&c) // complexity_owners.go
	c.Mutation.CreateRepository = func(child int, _ model.CreateRepositoryInput) int { return MutationCost + child }
	c.Mutation.UpdateRepository = func(child int, _ model.UpdateRepositoryInput) int { return MutationCost + child }
	c.Mutation.DeleteRepository = func(child int, _ model.DeleteRepositoryInput) int { return MutationCost + child }
	return c
}

// Connection is the cost of a connection whose items select child: ConnectionCost plus the page size
// (first, else last, else providers.DefaultPageSize) times child. Sizes out of range count as the
// nearest valid size; the resolver refuses them with a clearer message than the complexity limit's.
func Connection(child int, first, last *int) int {
	n := providers.DefaultPageSize
	if first != nil {
		n = *first
	} else if last != nil {
		n = *last
	}
	n = max(0, min(n, providers.MaxPageSize))
	return ConnectionCost + n*child
}

// Lookup is the cost of a field that asks a forge for one object and selects child from it:
// LookupCost plus child. Fields that look one repository up (Query.node, and later ones such as
// Query.repository) use it.
func Lookup(child int) int { return LookupCost + child }
