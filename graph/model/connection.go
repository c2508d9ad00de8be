// Package model holds the GraphQL types gqlgen needs beyond the providers package's: the viewer and
// the connection, edge and page-info types, which encode cursors and count lazily.
package model

import (
	"context"
	"time"

	"github.com/forgegraph/forgegraph/providers"
)

// Viewer is the developer the request's credentials belong to; it has no fields of its own.
type Viewer struct{}

// RepositoryConnection is one page of a repository list. Count, when set, computes totalCount on
// demand (only when selected).
type RepositoryConnection struct {
	Edges    []*RepositoryEdge
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// Nodes returns the edges' repositories.
func (c *RepositoryConnection) Nodes() []*providers.Repository {
	out := make([]*providers.Repository, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// TotalCount returns the exact length of the whole list; 0 when Count is nil.
func (c *RepositoryConnection) TotalCount(ctx context.Context) (int, error) {
	if c.Count == nil {
		return 0, nil
	}
	return c.Count(ctx)
}

// RepositoryEdge is one repository of a page and its cursor, encoded on demand by Encode.
type RepositoryEdge struct {
	Node   *providers.Repository
	Mark   providers.Cursor
	Encode func(providers.Cursor) string
}

// Cursor returns the edge's opaque cursor.
func (e *RepositoryEdge) Cursor() string { return e.Encode(e.Mark) }

// PageInfo follows the Relay Cursor Connections spec. First and Last are the page's first and last
// edges, nil when the page is empty. Start and End do the same for nested connections (details.go):
// the cursors of their first and last edges, nil for an empty page.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	First, Last     *RepositoryEdge
	Start, End      func() string
}

// StartCursor returns the first edge's cursor, nil for an empty page.
func (p *PageInfo) StartCursor() *string {
	if p.First == nil {
		if p.Start != nil {
			s := p.Start()
			return &s
		}
		return nil
	}
	s := p.First.Cursor()
	return &s
}

// EndCursor returns the last edge's cursor, nil for an empty page.
func (p *PageInfo) EndCursor() *string {
	if p.Last == nil {
		if p.End != nil {
			s := p.End()
			return &s
		}
		return nil
	}
	s := p.Last.Cursor()
	return &s
}

// Node is anything with a global ID; today only repositories.
type Node interface {
	ID() string
}

// RateLimit is a source's quota for the request's credentials; the pointers are nil while unknown.
type RateLimit struct {
	Source    string
	Provider  string
	Known     bool
	Limit     *int
	Remaining *int
	ResetAt   *time.Time
}
