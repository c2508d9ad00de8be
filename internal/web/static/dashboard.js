// forgegraph dashboard: the router. /dashboard is the list of every repository (with search,
// filters, forge, sort: see dash/list.js); /dashboard?owner=PROVIDER:login an owner's repositories;
// /dashboard?repo=PROVIDER:path one repository's page (dash/repo.js). Links inside the dashboard
// change the URL without reloading (history.pushState), so Back and Forward work and every view can
// be bookmarked. It asks the schema once which optional parts it has (FG.features), then routes.
(function () {
  'use strict';
  var FG = window.FG;
  var el = FG.el;
  var $ = FG.$;
  var ownerHead = $('owner-head');
  var keyForm = $('key-form');

  // showOwnerHead shows an owner page's header: root is the RepositoryOwner (null: not found;
  // undefined: not an owner page).
  FG.showOwnerHead = function (root, owner) {
    ownerHead.textContent = '';
    ownerHead.hidden = root === undefined;
    if (root === undefined) return;
    var back = el('a', 'back', '← All repositories');
    back.href = '/dashboard';
    back.dataset.nav = '';
    ownerHead.appendChild(back);
    var h = el('h2', 'owner-title');
    h.appendChild(el('span', 'badge ' + owner.provider, FG.forgeName(owner.provider)));
    var avatar = el('span', 'avatar initials', FG.initials((root && root.name) || owner.login));
    avatar.setAttribute('aria-hidden', 'true');
    h.appendChild(avatar);
    h.appendChild(el('span', null, (root && root.name) || owner.login));
    if (root && root.name && root.name !== root.login) h.appendChild(el('span', 'muted', root.login));
    if (root) h.appendChild(el('span', 'tag', root.__typename === 'Organization' ? 'Organization' : 'User'));
    ownerHead.appendChild(h);
    if (root && root.description) ownerHead.appendChild(el('p', 'desc', root.description));
  };

  // askKey shows the form for the gateway key (GATEWAY_API_KEY), kept in this tab only.
  FG.askKey = function (text) {
    keyForm.hidden = false;
    $('key-reason').textContent = text || '';
    $('key').focus();
  };
  keyForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var v = $('key').value.trim();
    if (!v) return;
    FG.gatewayKey(v);
    keyForm.hidden = true;
    location.reload();
  });

  function parseRef(s) {
    var i = (s || '').indexOf(':');
    if (i <= 0) return null;
    var provider = s.slice(0, i).toUpperCase();
    var path = s.slice(i + 1);
    return FG.PROVIDERS[provider] && path ? { provider: provider, path: path } : null;
  }

  // route shows the view the URL names.
  FG.route = function () {
    var q = new URLSearchParams(location.search);
    var repo = parseRef(q.get('repo'));
    document.body.dataset.view = repo ? 'repo' : q.get('owner') ? 'owner' : 'list';
    if (repo) {
      FG.hideList();
      $('list-view').hidden = true;
      $('title-text').textContent = 'Repository';
      FG.showRepo(repo.provider, repo.path);
    } else {
      FG.hideRepo();
      $('list-view').hidden = false;
      FG.showList();
    }
  };

  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-nav]');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    history.pushState(null, '', a.getAttribute('href'));
    FG.route();
  });
  window.addEventListener('popstate', FG.route);
  $('new-repo').addEventListener('click', function () { FG.openCreate(); });

  FG.features().then(function () {
    document.body.dataset.filters = String(FG.has.filters);
    document.body.dataset.owners = String(FG.has.owners);
    if (!FG.has.filters) {
      // No search box yet: the skip link goes to the list.
      var skip = document.querySelector('.skip-link');
      skip.href = '#list';
      skip.textContent = 'Skip to the list';
    }
    FG.route();
  });
})();
