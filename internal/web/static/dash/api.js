// forgegraph dashboard: talking to POST /graphql (same origin only). FG.gql sends one operation and
// resolves with {status, body}; it rejects only when the server cannot be reached or answers
// without a GraphQL body. The gateway key, when the server asks for one, is kept in this tab's
// sessionStorage and sent as Authorization: Bearer. FG.features() asks the schema, once, which
// optional parts it has (list filters, owners, public lists), and FG.prepare fits a document to it.
(function () {
  'use strict';
  var FG = (window.FG = window.FG || {});
  var ENDPOINT = '/graphql';
  var KEY_STORAGE = 'forgegraph.gatewayKey';

  FG.gatewayKey = function (v) {
    if (v === undefined) return sessionStorage.getItem(KEY_STORAGE);
    sessionStorage.setItem(KEY_STORAGE, v);
  };

  FG.gql = function (operationName, query, variables) {
    var headers = { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' };
    var key = FG.gatewayKey();
    if (key) headers.Authorization = 'Bearer ' + key;
    var status = 0;
    return fetch(ENDPOINT, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify({ operationName: operationName, query: FG.prepare(query), variables: variables || {} }),
      credentials: 'same-origin'
    }).then(function (res) {
      status = res.status;
      return res.json().then(function (body) {
        return { status: status, body: body || {} };
      }, function () {
        throw new Error('the server answered HTTP ' + status + ' without a GraphQL body');
      });
    }, function (err) {
      var e = new Error('Could not reach the server (' + (err && err.message ? err.message : 'network error') + ').');
      e.network = true;
      throw e;
    });
  };

  // needsKey tells whether an answer means the gateway key is missing or wrong.
  FG.needsKey = function (res) {
    var errors = (res.body && res.body.errors) || [];
    return res.status === 401 || (!res.body.data && errors.some(function (e) {
      return e.extensions && e.extensions.code === 'UNAUTHENTICATED' && !e.extensions.provider;
    }));
  };

  FG.has = { filters: false, ownerFilters: false, owners: false, publicRepositories: false };
  var featuresPromise = null;

  // features resolves once the schema's optional parts are known (an unanswered question keeps
  // them off: the dashboard then shows the merged list only).
  FG.features = function () {
    if (!featuresPromise) {
      featuresPromise = FG.gql('Features', FG.Q.Features, {}).then(function (res) {
        var d = res.body.data || {};
        var argsOf = function (type, field) {
          var f = ((type && type.fields) || []).filter(function (x) { return x.name === field; })[0];
          return f ? (f.args || []).map(function (a) { return a.name; }) : [];
        };
        var queryFields = ((d.query && d.query.fields) || []).map(function (f) { return f.name; });
        var viewerArgs = argsOf(d.viewer, 'repositories');
        var ownerArgs = argsOf(d.owner, 'repositories');
        var filters = ['query', 'privacy', 'affiliations', 'isFork', 'isArchived'];
        FG.has.filters = filters.every(function (a) { return viewerArgs.indexOf(a) >= 0; });
        FG.has.owners = queryFields.indexOf('repositoryOwner') >= 0 && !!d.owner;
        FG.has.ownerFilters = FG.has.owners && ['query', 'privacy', 'isFork', 'isArchived'].every(function (a) { return ownerArgs.indexOf(a) >= 0; });
        FG.has.publicRepositories = queryFields.indexOf('publicRepositories') >= 0;
        return res;
      }, function () { return null; });
    }
    return featuresPromise;
  };

  // prepare drops the lines the schema cannot take yet and appends the fragments a document uses.
  FG.prepare = function (query) {
    var lines = query.split('\n').filter(function (l) {
      if (/# filters\s*$/.test(l)) return FG.has.filters;
      if (/# ownerfilters\s*$/.test(l)) return FG.has.ownerFilters;
      return true;
    });
    var text = lines.join('\n');
    if (/\.\.\.Card\b/.test(text)) text += '\n' + FG.Q.Card;
    return text;
  };

  // clientMutationId: a fresh one per form submission (a retry of the same submission reuses it).
  FG.newMutationId = function () {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'fg-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  };
})();
