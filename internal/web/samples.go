package web

import (
	"encoding/json"

	"github.com/vektah/gqlparser/v2/ast"
)

// Sample is one of GraphiQL's opening tabs: a named query or mutation with its variables (JSON,
// "" for none). Needs names the optional part of the schema it uses ("" for none): "filters"
// (the list filters on Viewer.repositories), "owners" (Query.repositoryOwner) or "public"
// (Query.publicRepositories); GraphiQL opens only the samples the served schema can run.
type Sample struct {
	Name, Query, Variables, Needs string
}

// GraphiQLSamples are GraphiQL's tabs, in order: the merged list (SampleQuery), a repository's
// details, the filters, an owner, a forge's public list, and each mutation. The README lists them.
var GraphiQLSamples = []Sample{
	{Name: "Repositories", Query: SampleQuery},
	{Name: "Details", Query: `# One repository by forge and path: every field, and its nested connections.
query Details($provider: Provider!, $name: String!) {
  repository(provider: $provider, nameWithOwner: $name) {
    id nameWithOwner description url visibility isFork isArchived defaultBranch
    stargazerCount forkCount watcherCount openIssuesCount diskUsage topics viewerPermission
    parent { nameWithOwner }
    languages(first: 5) { totalCount edges { percentage size node { name color } } }
    branches(first: 20) { totalCount pageInfo { hasNextPage endCursor } nodes { name commitSha isProtected } }
    tags(last: 5) { totalCount nodes { name commitSha } }
    contributors(first: 10) { totalCount nodes { login name contributions } }
    teams(first: 10) { nodes { name slug permission } }
  }
}
`, Variables: `{"provider": "GITHUB", "name": "acme-corp/willow-proxy"}`},
	{Name: "Filters", Needs: "filters", Query: `# The merged list narrowed: name contains "api", private, your own, no forks, not archived.
query Filters($after: String) {
  viewer {
    repositories(query: "api", privacy: PRIVATE, affiliations: [OWNER], isFork: false, isArchived: false,
                 sort: FULL_NAME, first: 20, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { provider nameWithOwner isPrivate isFork isArchived }
    }
  }
}
`},
	{Name: "Owner", Needs: "owners", Query: `# A user, organization, group or workspace, and its repositories.
query Owner($provider: Provider!, $login: String!) {
  repositoryOwner(provider: $provider, login: $login) {
    __typename login url avatarUrl
    ... on Organization { name description }
    ... on User { name }
    repositories(first: 10) { totalCount nodes { nameWithOwner isPrivate pushedAt } }
  }
}
`, Variables: `{"provider": "GITHUB", "login": "acme-corp"}`},
	{Name: "Public", Needs: "public", Query: `# Every public repository of a forge, in the forge's own order (GitHub: by id), forward only.
query Public($after: String) {
  publicRepositories(provider: GITHUB, first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { nameWithOwner description url }
  }
}
`},
	{Name: "Create", Query: `# Create a repository. Send a fresh clientMutationId per intent; the same one when retrying it.
mutation Create($input: CreateRepositoryInput!) {
  createRepository(input: $input) {
    clientMutationId
    repository { id nameWithOwner isPrivate url }
  }
}
`, Variables: `{"input": {"provider": "GITHUB", "name": "my-new-tool", "visibility": "PRIVATE", "description": "made in GraphiQL", "clientMutationId": "graphiql-1"}}`},
	{Name: "Rename and archive", Query: `# Rename, archive, or change any other field: id is Repository.id (it survives renames).
mutation Update($input: UpdateRepositoryInput!) {
  updateRepository(input: $input) {
    repository { id nameWithOwner isArchived description }
  }
}
`, Variables: `{"input": {"repositoryId": "<Repository.id>", "name": "my-renamed-tool", "isArchived": true}}`},
	{Name: "Delete", Query: `# Delete: confirmNameWithOwner must be the repository's current full name, or nothing is deleted.
mutation Delete($input: DeleteRepositoryInput!) {
  deleteRepository(input: $input) { deletedRepositoryId }
}
`, Variables: `{"input": {"repositoryId": "<Repository.id>", "confirmNameWithOwner": "me/my-renamed-tool"}}`},
}

// Fits tells whether schema has the optional part s needs.
func (s Sample) Fits(schema *ast.Schema) bool {
	q := schema.Query
	switch s.Needs {
	case "":
		return true
	case "filters":
		v := schema.Types["Viewer"]
		if v == nil || v.Fields.ForName("repositories") == nil {
			return false
		}
		return v.Fields.ForName("repositories").Arguments.ForName("query") != nil
	case "owners":
		return q != nil && q.Fields.ForName("repositoryOwner") != nil
	case "public":
		return q != nil && q.Fields.ForName("publicRepositories") != nil
	}
	return false
}

// tabsJSON is GraphiQL's defaultTabs for schema: the samples it can run (all of them when schema
// is nil), as [{query, variables}].
func tabsJSON(schema *ast.Schema) string {
	type tab struct {
		Query     string `json:"query"`
		Variables string `json:"variables,omitempty"`
	}
	var tabs []tab
	for _, s := range GraphiQLSamples {
		if schema == nil || s.Fits(schema) {
			tabs = append(tabs, tab{Query: s.Query, Variables: s.Variables})
		}
	}
	b, _ := json.Marshal(tabs)
	return string(b)
}
