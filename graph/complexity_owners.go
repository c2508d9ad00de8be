package graph

import "github.com/forgegraph/forgegraph/providers"

// setOwnerComplexity sets the cost of the owner and public-list fields on c: an owner lookup costs
// like a repository lookup (Lookup), an owner's repositories and a page of public repositories like
// a repositories connection (Connection).
func setOwnerComplexity(c *ComplexityRoot) {
	c.Query.RepositoryOwner = func(child int, _ providers.Provider, _ string) int { return Lookup(child) }
	c.Query.PublicRepositories = func(child int, _ providers.Provider, first *int, _ *string) int {
		return Connection(child, first, nil)
	}
	owned := func(child int, _ *providers.Sort, _ *providers.Direction, first *int, _ *string, last *int, _ *string,
		_ *string, _ *providers.Privacy, _, _ *bool) int {
		return Connection(child, first, last)
	}
	c.User.Repositories = owned
	c.Organization.Repositories = owned
}
