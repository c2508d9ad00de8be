// Starts GraphiQL on the page served at / with the endpoint and the sample query the server put in
// #graphiql's data attributes. React, ReactDOM and GraphiQL are the UMD builds under /assets/vendor/
// (fetched from npm by browser/fetch-graphiql.sh); nothing is loaded from another host.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var endpoint = new URL(root.dataset.endpoint || '/graphql', location.href).toString();
  var query = root.dataset.query || '';
  var h = React.createElement;
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var logo = h(GraphiQL.Logo, null,
    h('span', { className: 'fg-links' },
      h('strong', null, 'forgegraph'),
      h('a', { href: '/dashboard', title: 'Your repositories as a list' }, 'Dashboard')));
  ReactDOM.createRoot(root).render(
    h(GraphiQL, { fetcher: fetcher, defaultQuery: query, query: query }, logo));
})();
