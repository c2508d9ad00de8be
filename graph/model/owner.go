package model

import "github.com/forgegraph/forgegraph/providers"

// RepositoryOwner is a User or an Organization: an owner whose repositories can be listed.
type RepositoryOwner interface {
	Node
	// Owner returns the owner as its forge showed it.
	Owner() *providers.Owner
}

// User is a user account (GitHub, GitLab, Gitea): a providers.Owner of kind OwnerUser.
type User providers.Owner

// ID returns the user's global id (providers.EncodeOwnerID).
func (u *User) ID() string { return u.Owner().ID() }

// Owner returns u as a providers.Owner.
func (u *User) Owner() *providers.Owner { return (*providers.Owner)(u) }

// Organization is an organization, a GitLab group or a Bitbucket workspace: a providers.Owner of
// kind OwnerOrganization.
type Organization providers.Owner

// ID returns the organization's global id (providers.EncodeOwnerID).
func (o *Organization) ID() string { return o.Owner().ID() }

// Owner returns o as a providers.Owner.
func (o *Organization) Owner() *providers.Owner { return (*providers.Owner)(o) }

// OwnerOf returns o as the GraphQL type of its kind; nil for nil.
func OwnerOf(o *providers.Owner) RepositoryOwner {
	switch {
	case o == nil:
		return nil
	case o.Kind == providers.OwnerOrganization:
		return (*Organization)(o)
	default:
		return (*User)(o)
	}
}

// PublicRepositoryConnection is one forward page of a forge's public repositories: edges (whose
// cursors carry the keyset position) and page info, no total.
type PublicRepositoryConnection struct {
	Edges    []*RepositoryEdge
	PageInfo *PageInfo
}

// Nodes returns the edges' repositories.
func (c *PublicRepositoryConnection) Nodes() []*providers.Repository {
	out := make([]*providers.Repository, len(c.Edges))
	for i, e := range c.Edges {
		out[i] = e.Node
	}
	return out
}
