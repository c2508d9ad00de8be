package graph

import "github.com/forgegraph/forgegraph/providers"

// NestedConnectionCost is the fixed cost of one nested connection of a Repository (languages,
// branches, tags, contributors, teams).
const NestedConnectionCost = 1

// nestedCost is a nested connection's cost: its fixed cost plus its page size (first, else last,
// else the default; clamped to 0–100, as sizes out of range are refused by the resolver with a
// clearer message) times what each item selects. Inside a repositories connection it is multiplied
// again by that connection's page size, so a query costs first × nested first × fields.
func nestedCost(child int, first, last *int) int {
	n := providers.DefaultPageSize
	if first != nil {
		n = *first
	} else if last != nil {
		n = *last
	}
	n = max(0, min(n, providers.MaxPageSize))
	return NestedConnectionCost + n*child
}

// SetDetailComplexity sets the complexity of a Repository's nested connections on c.
func SetDetailComplexity(c *ComplexityRoot) {
	c.Repository.Languages = func(child int, first *int, _ *string) int { return nestedCost(child, first, nil) }
	c.Repository.Teams = func(child int, first *int, _ *string) int { return nestedCost(child, first, nil) }
	c.Repository.Branches = func(child int, first *int, _ *string, last *int, _ *string) int {
		return nestedCost(child, first, last)
	}
	c.Repository.Tags = func(child int, first *int, _ *string, last *int, _ *string) int {
		return nestedCost(child, first, last)
	}
	c.Repository.Contributors = func(child int, first *int, _ *string, last *int, _ *string) int {
		return nestedCost(child, first, last)
	}
}
