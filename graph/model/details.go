package model

import (
	"context"

	"github.com/forgegraph/forgegraph/providers"
)

// The nested connections of a Repository (languages, branches, tags, contributors, teams). Each
// holds one page of edges, the page info (PageInfo.Start/End encode the edge cursors) and Count,
// which computes totalCount on demand (only when selected; nil counts 0). An edge's Encode returns
// its signed cursor.

// LanguageConnection is a page of a repository's languages. TotalSize is the bytes of code in
// all languages, nil when the forge reports only percentages.
type LanguageConnection struct {
	Edges     []*LanguageEdge
	PageInfo  *PageInfo
	Count     func(ctx context.Context) (int, error)
	TotalSize *int
}

// Nodes returns the edges' languages.
func (c *LanguageConnection) Nodes() []*providers.Language {
	out := make([]*providers.Language, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// TotalCount returns the exact number of languages.
func (c *LanguageConnection) TotalCount(ctx context.Context) (int, error) { return count(ctx, c.Count) }

// LanguageEdge is one language with its size and share.
type LanguageEdge struct {
	Node   *providers.Language
	Encode func() string
}

// Cursor returns the edge's opaque cursor.
func (e *LanguageEdge) Cursor() string { return e.Encode() }

// Size returns the bytes of code in the language, nil when unknown.
func (e *LanguageEdge) Size() *int {
	if e.Node.Size == nil {
		return nil
	}
	n := int(*e.Node.Size)
	return &n
}

// Percentage returns the language's share of the code, 0 to 100.
func (e *LanguageEdge) Percentage() float64 { return e.Node.Percentage }

// RefConnection is a page of a repository's branches or tags.
type RefConnection struct {
	Edges    []*RefEdge
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// Nodes returns the edges' refs.
func (c *RefConnection) Nodes() []*providers.Ref {
	out := make([]*providers.Ref, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// TotalCount returns the exact number of refs.
func (c *RefConnection) TotalCount(ctx context.Context) (int, error) { return count(ctx, c.Count) }

// RefEdge is one branch or tag and its cursor.
type RefEdge struct {
	Node   *providers.Ref
	Encode func() string
}

// Cursor returns the edge's opaque cursor.
func (e *RefEdge) Cursor() string { return e.Encode() }

// ContributorConnection is a page of a repository's contributors.
type ContributorConnection struct {
	Edges    []*ContributorEdge
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// Nodes returns the edges' contributors.
func (c *ContributorConnection) Nodes() []*providers.Contributor {
	out := make([]*providers.Contributor, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// TotalCount returns the exact number of contributors.
func (c *ContributorConnection) TotalCount(ctx context.Context) (int, error) {
	return count(ctx, c.Count)
}

// ContributorEdge is one contributor and its cursor.
type ContributorEdge struct {
	Node   *providers.Contributor
	Encode func() string
}

// Cursor returns the edge's opaque cursor.
func (e *ContributorEdge) Cursor() string { return e.Encode() }

// TeamConnection is a page of the teams with access to a repository.
type TeamConnection struct {
	Edges    []*TeamEdge
	PageInfo *PageInfo
	Count    func(ctx context.Context) (int, error)
}

// Nodes returns the edges' teams.
func (c *TeamConnection) Nodes() []*providers.Team {
	out := make([]*providers.Team, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}

// TotalCount returns the exact number of teams.
func (c *TeamConnection) TotalCount(ctx context.Context) (int, error) { return count(ctx, c.Count) }

// TeamEdge is one team and its cursor.
type TeamEdge struct {
	Node   *providers.Team
	Encode func() string
}

// Cursor returns the edge's opaque cursor.
func (e *TeamEdge) Cursor() string { return e.Encode() }

// count calls f, 0 for nil.
func count(ctx context.Context, f func(context.Context) (int, error)) (int, error) {
	if f == nil {
		return 0, nil
	}
	return f(ctx)
}
