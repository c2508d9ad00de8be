// Starts GraphiQL on the page served at / with the endpoint, the sample query and the samples' tabs
// the server put in #graphiql's data attributes. React, ReactDOM and GraphiQL are the UMD builds
// under /assets/vendor/ (fetched from npm by browser/fetch-graphiql.sh); nothing is loaded from
// another host.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = new URL(root.dataset.endpoint || '/graphql', location.href).toString();
  var query = root.dataset.query || '';
  // One tab per sample (details, filters, owners, public lists, each mutation); the first is query.
  var tabs = [];
  try {
    tabs = JSON.parse(root.dataset.tabs || '[]');
  } catch (e) {
    tabs = [];
  }
  var h = React.createElement;
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var logo = h(GraphiQL.Logo, null,
    h('span', { className: 'fg-links' },
      h('strong', null, 'forgegraph'),
      h('a', { href: '/dashboard', title: 'Your repositories as a list' }, 'Dashboard')));
  ReactDOM.createRoot(root).render(
    h(GraphiQL, tabs.length ? { fetcher: fetcher, defaultQuery: query, defaultTabs: tabs } : { fetcher: fetcher, defaultQuery: query, query: query }, logo));
})();
