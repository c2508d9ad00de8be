// forgegraph dashboard: every GraphQL document the dashboard sends. internal/web's Go test validates
// each one against schema.graphqls (a renamed field fails there, not in a browser).
//
// A line ending in "# filters" uses the list filters (query, privacy, affiliations, isFork,
// isArchived), "# ownerfilters" the filters of RepositoryOwner.repositories; FG.prepare drops those
// lines when the server's schema does not have them yet (found once per page load by the Features
// query), so the dashboard works with and without them. A document starting with "# needs: owners"
// is only sent when the schema has Query.repositoryOwner.
(function () {
  'use strict';
  var FG = (window.FG = window.FG || {});
  var Q = (FG.Q = {});

  // What a card shows: loaded with the list page, in the same query (never one request per card).
  Q.Card = `fragment Card on Repository {
  id provider name owner nameWithOwner description url isPrivate isFork isArchived
  stargazerCount forkCount primaryLanguage pushedAt updatedAt createdAt
  languages(first: 3) { totalCount edges { percentage node { name color } } }
  branches(first: 0) { totalCount }
}`;

  Q.Features = `query Features {
  query: __type(name: "Query") { fields { name } }
  viewer: __type(name: "Viewer") { fields { name args { name } } }
  owner: __type(name: "RepositoryOwner") { fields { name args { name } } }
}`;

  Q.Dashboard = `query Dashboard($provider: Provider, $sort: RepositorySort, $direction: OrderDirection,
  $first: Int, $after: String, $withTotal: Boolean!
  $query: String, $privacy: RepositoryPrivacy, $affiliations: [RepositoryAffiliation!], $isFork: Boolean, $isArchived: Boolean # filters
) {
  viewer {
    repositories(provider: $provider, sort: $sort, direction: $direction, first: $first, after: $after
      query: $query, privacy: $privacy, affiliations: $affiliations, isFork: $isFork, isArchived: $isArchived # filters
    ) {
      totalCount @include(if: $withTotal)
      pageInfo { hasNextPage endCursor }
      nodes { ...Card }
    }
  }
}`;

  Q.Owner = `# needs: owners
query Owner($provider: Provider!, $login: String!, $sort: RepositorySort, $direction: OrderDirection,
  $first: Int, $after: String, $withTotal: Boolean!
  $query: String, $privacy: RepositoryPrivacy, $isFork: Boolean, $isArchived: Boolean # ownerfilters
) {
  repositoryOwner(provider: $provider, login: $login) {
    __typename id login url avatarUrl
    ... on User { name }
    ... on Organization { name description }
    repositories(sort: $sort, direction: $direction, first: $first, after: $after
      query: $query, privacy: $privacy, isFork: $isFork, isArchived: $isArchived # ownerfilters
    ) {
      totalCount @include(if: $withTotal)
      pageInfo { hasNextPage endCursor }
      nodes { ...Card }
    }
  }
}`;

  Q.Repository = `query Repository($provider: Provider!, $name: String!) {
  repository(provider: $provider, nameWithOwner: $name) {
    id provider name owner nameWithOwner description url sshUrl cloneUrl homepageUrl
    isPrivate isFork isArchived visibility viewerPermission defaultBranch primaryLanguage
    stargazerCount forkCount watcherCount openIssuesCount diskUsage hasIssuesEnabled hasWikiEnabled topics
    createdAt updatedAt pushedAt
    parent { provider nameWithOwner url }
    languages(first: 10) { totalCount totalSize edges { size percentage node { name color } } }
    branches(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { name commitSha isProtected } }
    tags(first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { name commitSha } }
    contributors(first: 30) { totalCount pageInfo { hasNextPage endCursor } nodes { login name avatarUrl contributions } }
    teams(first: 20) { totalCount nodes { name slug permission } }
  }
}`;

  Q.Branches = `query Branches($provider: Provider!, $name: String!, $after: String) {
  repository(provider: $provider, nameWithOwner: $name) {
    id
    branches(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { name commitSha isProtected } }
  }
}`;

  Q.Tags = `query Tags($provider: Provider!, $name: String!, $after: String) {
  repository(provider: $provider, nameWithOwner: $name) {
    id
    tags(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { name commitSha } }
  }
}`;

  Q.Contributors = `query Contributors($provider: Provider!, $name: String!, $after: String) {
  repository(provider: $provider, nameWithOwner: $name) {
    id
    contributors(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { login name avatarUrl contributions } }
  }
}`;

  Q.Create = `mutation Create($input: CreateRepositoryInput!) {
  createRepository(input: $input) { clientMutationId repository { ...Card } }
}`;

  Q.Update = `mutation Update($input: UpdateRepositoryInput!) {
  updateRepository(input: $input) { clientMutationId repository { id provider nameWithOwner isArchived } }
}`;

  Q.Delete = `mutation Delete($input: DeleteRepositoryInput!) {
  deleteRepository(input: $input) { clientMutationId deletedRepositoryId }
}`;
})();
