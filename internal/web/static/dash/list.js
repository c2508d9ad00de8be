// forgegraph dashboard: the list view, of the viewer's repositories or of one owner's
// (repositoryOwner), 30 at a time as the page scrolls (an IntersectionObserver watches a sentinel
// below the list and asks for `first: 30, after: endCursor`), one query per page with each card's
// details nested in it. Search (debounced, `query`), chips (Mine = OWNER, Organizations =
// ORGANIZATION_MEMBER, Collaborator = COLLABORATOR, Private, Public, Forks, Archived), the forge,
// the sort and the direction are kept in the URL, so a view can be bookmarked and shared.
(function () {
  'use strict';
  var FG = (window.FG = window.FG || {});
  var el = FG.el;
  var $ = FG.$;
  var PAGE_SIZE = 30;
  var AFFILIATIONS = ['OWNER', 'ORGANIZATION_MEMBER', 'COLLABORATOR'];

  var list = $('list');
  var statusEl = $('status');
  var totalEl = $('total');
  var banners = $('banners');
  var sentinel = $('sentinel');
  var searchEl = $('search');

  var S = (FG.listState = {
    owner: null, // {provider, login} on an owner page
    provider: '',
    sort: 'PUSHED',
    direction: 'DESC',
    query: '',
    affiliations: [],
    privacy: '',
    isFork: false,
    isArchived: false,
    generation: 0,
    after: null,
    hasNext: true,
    loading: false,
    failed: false,
    total: null,
    seen: new Set(),
    shown: 0,
    bannerKeys: new Map(),
    active: false
  });

  function naturalDirection(sort) { return sort === 'FULL_NAME' ? 'ASC' : 'DESC'; }

  // readURL takes the list's state from the query string.
  FG.readListURL = function (q) {
    var p = (q.get('provider') || '').toUpperCase();
    var s = (q.get('sort') || '').toUpperCase();
    var d = (q.get('direction') || '').toUpperCase();
    var owner = q.get('owner') || '';
    var i = owner.indexOf(':');
    S.owner = i > 0 && FG.PROVIDERS[owner.slice(0, i).toUpperCase()] ? { provider: owner.slice(0, i).toUpperCase(), login: owner.slice(i + 1) } : null;
    S.provider = FG.PROVIDERS[p] && !S.owner ? p : '';
    S.sort = FG.SORTS[s] ? s : 'PUSHED';
    S.direction = d === 'ASC' || d === 'DESC' ? d : naturalDirection(S.sort);
    S.query = q.get('q') || '';
    S.affiliations = (q.get('affiliations') || '').toUpperCase().split(',').filter(function (a) { return AFFILIATIONS.indexOf(a) >= 0; });
    var pr = (q.get('privacy') || '').toUpperCase();
    S.privacy = pr === 'PUBLIC' || pr === 'PRIVATE' ? pr : '';
    S.isFork = q.get('forks') === '1';
    S.isArchived = q.get('archived') === '1';
  };

  function listURL() {
    var q = new URLSearchParams();
    if (S.owner) q.set('owner', S.owner.provider + ':' + S.owner.login);
    if (S.provider) q.set('provider', S.provider);
    if (S.sort !== 'PUSHED') q.set('sort', S.sort);
    if (S.direction !== naturalDirection(S.sort)) q.set('direction', S.direction);
    if (S.query) q.set('q', S.query);
    if (S.affiliations.length && !S.owner) q.set('affiliations', S.affiliations.join(','));
    if (S.privacy) q.set('privacy', S.privacy);
    if (S.isFork) q.set('forks', '1');
    if (S.isArchived) q.set('archived', '1');
    var s = q.toString();
    return location.pathname + (s ? '?' + s : '');
  }

  function filtersOn() { return S.owner ? FG.has.ownerFilters : FG.has.filters; }

  function variables() {
    var v = { first: PAGE_SIZE, sort: S.sort, direction: S.direction, withTotal: S.total === null };
    if (S.after) v.after = S.after;
    if (S.owner) {
      v.provider = S.owner.provider;
      v.login = S.owner.login;
    } else if (S.provider) {
      v.provider = S.provider;
    }
    if (filtersOn()) {
      if (S.query) v.query = S.query;
      if (S.privacy) v.privacy = S.privacy;
      if (S.isFork) v.isFork = true;
      if (S.isArchived) v.isArchived = true;
      if (!S.owner && S.affiliations.length) v.affiliations = S.affiliations.slice();
    }
    return v;
  }

  function where() {
    if (S.owner) return ' of ' + S.owner.login + ' on ' + FG.forgeName(S.owner.provider);
    return S.provider ? ' on ' + FG.PROVIDERS[S.provider] : '';
  }

  function showTotal() {
    if (S.total === null) {
      totalEl.textContent = '';
      delete totalEl.dataset.total;
      return;
    }
    totalEl.textContent = S.total.toLocaleString('en');
    totalEl.dataset.total = String(S.total);
    totalEl.title = FG.plural(S.total, 'repository', 'repositories') + (where() || ' on every forge');
  }

  function setStatus(kind, text, action) {
    statusEl.dataset.state = kind;
    statusEl.textContent = '';
    if (kind === 'loading') statusEl.appendChild(el('span', 'spinner'));
    if (text) statusEl.appendChild(el('span', 'status-text', text));
    if (action) {
      var b = el('button', action.className || 'retry', action.label);
      b.type = 'button';
      b.addEventListener('click', action.run);
      statusEl.appendChild(b);
    }
  }

  function settledStatus() {
    if (S.hasNext) {
      setStatus('more', S.total !== null
        ? 'Showing ' + S.shown.toLocaleString('en') + ' of ' + FG.plural(S.total, 'repository', 'repositories') + where()
        : 'Showing ' + FG.plural(S.shown, 'repository', 'repositories') + where());
    } else if (S.shown === 0) {
      setStatus('empty', 'No repositories' + where() + (S.query ? ' match "' + S.query + '"' : '') + '.');
    } else {
      setStatus('done', (S.shown === 1 ? 'The one repository' : 'All ' + FG.plural(S.shown, 'repository', 'repositories')) + where() + ' shown.');
    }
  }

  function fail(text, label, run) {
    S.failed = true;
    setStatus('error', text, { label: label || 'Retry', run: run || function () { S.failed = false; load(); } });
  }

  function load() {
    if (!S.active || S.loading || S.failed || !S.hasNext) return;
    S.loading = true;
    var generation = S.generation;
    setStatus('loading', S.shown ? 'Loading more…' : 'Loading repositories…');
    var op = S.owner ? 'Owner' : 'Dashboard';
    FG.gql(op, FG.Q[op], variables()).then(function (res) {
      if (generation !== S.generation) return;
      S.loading = false;
      handle(res);
    }, function (err) {
      if (generation !== S.generation) return;
      S.loading = false;
      fail(err.network ? err.message : 'Loading failed: ' + err.message);
    });
  }

  // problemsByCard sorts the errors at a card's fields (path …, "nodes", i, field) by card.
  function problemsByCard(errors) {
    var out = {};
    errors.forEach(function (e) {
      var p = e.path || [];
      var k = p.indexOf('nodes');
      if (k < 0 || typeof p[k + 1] !== 'number' || p.length < k + 3) return;
      (out[p[k + 1]] = out[p[k + 1]] || []).push({ field: String(p[k + 2]), message: e.message });
    });
    return out;
  }

  function handle(res) {
    var body = res.body;
    var errors = Array.isArray(body.errors) ? body.errors : [];
    var root = body.data && (S.owner ? body.data.repositoryOwner : body.data.viewer);
    var repos = root && root.repositories;
    if (FG.needsKey(res)) {
      S.failed = true;
      FG.askKey(errors.length ? errors[0].message : 'This server needs an API key.');
      setStatus('error', errors.length ? errors[0].message : 'This server needs an API key.');
      return;
    }
    if (S.owner && body.data && body.data.repositoryOwner === null && errors.length) {
      // The forge could not answer for this owner (e.g. NOT_SUPPORTED): say so, retry only what may pass.
      var e0 = errors[0];
      var c0 = (e0.extensions && e0.extensions.code) || '';
      S.hasNext = false;
      FG.showOwnerHead(null, S.owner);
      if (c0 === 'NOT_SUPPORTED' || c0 === 'BAD_USER_INPUT') setStatus('error', e0.message + ' [' + c0 + ']');
      else fail(e0.message + (c0 ? ' [' + c0 + ']' : ''));
      return;
    }
    errors.forEach(function (e) {
      if (e.extensions && e.extensions.provider && (e.path || []).indexOf('nodes') < 0) FG.forgeBanner(banners, S.bannerKeys, e);
    });
    var stale = body.extensions && Array.isArray(body.extensions.stale) ? body.extensions.stale : [];
    stale.forEach(function (st) { FG.staleBanner(banners, S.bannerKeys, st); });
    if (S.owner && body.data && body.data.repositoryOwner === null && !errors.length) {
      S.hasNext = false;
      S.total = 0;
      showTotal();
      FG.showOwnerHead(null, S.owner);
      setStatus('empty', 'There is no owner ' + S.owner.login + ' on ' + FG.forgeName(S.owner.provider) + ', or you cannot see it.');
      return;
    }
    if (!repos) {
      var first = errors[0] || {};
      var code = first.extensions && first.extensions.code;
      var msg = (first.message || 'The server answered HTTP ' + res.status + ' without data.') + (code ? ' [' + code + ']' : '');
      if (code === 'INVALID_CURSOR') fail(msg, 'Start over', FG.reloadList);
      else fail(msg);
      return;
    }
    if (S.owner && S.shown === 0) FG.showOwnerHead(root, S.owner);
    if (typeof repos.totalCount === 'number') {
      S.total = repos.totalCount;
      showTotal();
    }
    var problems = problemsByCard(errors);
    var frag = document.createDocumentFragment();
    (repos.nodes || []).forEach(function (repo, i) {
      if (!repo || S.seen.has(repo.id)) return; // the server never repeats one; guard anyway
      S.seen.add(repo.id);
      S.shown++;
      frag.appendChild(FG.card(repo, S.sort, problems[i], FG.has.owners));
    });
    list.appendChild(frag);
    var info = repos.pageInfo || {};
    var moved = info.endCursor && info.endCursor !== S.after;
    S.hasNext = !!(info.hasNextPage && moved);
    if (moved) S.after = info.endCursor;
    settledStatus();
    // The observer only reports changes: when the sentinel is still in reach, ask for the next page.
    requestAnimationFrame(fillViewport);
  }

  function fillViewport() {
    if (S.active && sentinel.getBoundingClientRect().top < window.innerHeight + 800) load();
  }

  // ---- controls

  var providerButtons = Array.prototype.slice.call(document.querySelectorAll('#providers button'));
  var chipButtons = Array.prototype.slice.call(document.querySelectorAll('#chips button'));

  function chipPressed(chip) {
    if (AFFILIATIONS.indexOf(chip) >= 0) return S.affiliations.indexOf(chip) >= 0;
    if (chip === 'PUBLIC' || chip === 'PRIVATE') return S.privacy === chip;
    if (chip === 'FORK') return S.isFork;
    if (chip === 'ARCHIVED') return S.isArchived;
    return false;
  }

  function syncControls() {
    var filters = filtersOn();
    $('search-box').hidden = !filters;
    $('chips').hidden = !filters;
    $('providers').hidden = !!S.owner;
    providerButtons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.provider === S.provider)); });
    chipButtons.forEach(function (b) {
      b.hidden = !!S.owner && AFFILIATIONS.indexOf(b.dataset.chip) >= 0;
      b.setAttribute('aria-pressed', String(chipPressed(b.dataset.chip)));
    });
    if (document.activeElement !== searchEl) searchEl.value = S.query;
    $('sort').value = S.sort;
    var directionEl = $('direction');
    var byName = S.sort === 'FULL_NAME';
    directionEl.options[0].textContent = byName ? 'Z → A' : 'Newest first';
    directionEl.options[1].textContent = byName ? 'A → Z' : 'Oldest first';
    directionEl.value = S.direction;
    $('title-text').textContent = S.owner ? S.owner.login : 'Repositories';
    document.title = 'forgegraph · ' + (S.owner ? S.owner.login + ' on ' + FG.forgeName(S.owner.provider)
      : S.provider ? FG.PROVIDERS[S.provider] + ' repositories' : 'Repositories');
  }

  // reloadList starts the list again from the top (state changed, or after a write).
  FG.reloadList = function (push) {
    S.generation++;
    S.after = null;
    S.hasNext = true;
    S.loading = false;
    S.failed = false;
    S.total = null;
    S.seen = new Set();
    S.shown = 0;
    S.bannerKeys = new Map();
    banners.textContent = '';
    list.textContent = '';
    showTotal();
    syncControls();
    var url = listURL();
    if (url !== location.pathname + location.search) history[push ? 'pushState' : 'replaceState'](null, '', url);
    window.scrollTo(0, 0);
    load();
  };

  // showList makes the list view active with the state in the URL.
  FG.showList = function () {
    S.active = true;
    FG.readListURL(new URLSearchParams(location.search));
    if (!S.owner) FG.showOwnerHead(undefined);
    FG.reloadList(false);
  };
  FG.hideList = function () {
    S.active = false;
    S.generation++;
  };

  providerButtons.forEach(function (b) {
    b.addEventListener('click', function () {
      if (S.provider === b.dataset.provider && !S.failed) return;
      S.provider = b.dataset.provider;
      FG.reloadList(false);
    });
  });
  chipButtons.forEach(function (b) {
    b.addEventListener('click', function () {
      var chip = b.dataset.chip;
      var on = !chipPressed(chip);
      if (AFFILIATIONS.indexOf(chip) >= 0) {
        S.affiliations = S.affiliations.filter(function (a) { return a !== chip; });
        if (on) S.affiliations.push(chip);
        S.affiliations.sort(function (x, y) { return AFFILIATIONS.indexOf(x) - AFFILIATIONS.indexOf(y); });
      } else if (chip === 'PUBLIC' || chip === 'PRIVATE') {
        S.privacy = on ? chip : '';
      } else if (chip === 'FORK') {
        S.isFork = on;
      } else if (chip === 'ARCHIVED') {
        S.isArchived = on;
      }
      FG.reloadList(false);
    });
  });
  var debounce = null;
  searchEl.addEventListener('input', function () {
    clearTimeout(debounce);
    debounce = setTimeout(function () {
      var v = searchEl.value.trim();
      if (v === S.query) return;
      S.query = v;
      FG.reloadList(false);
    }, 300);
  });
  $('sort').addEventListener('change', function () {
    S.sort = $('sort').value;
    S.direction = naturalDirection(S.sort);
    FG.reloadList(false);
  });
  $('direction').addEventListener('change', function () {
    S.direction = $('direction').value;
    FG.reloadList(false);
  });
  $('controls').addEventListener('submit', function (e) { e.preventDefault(); });

  if ('IntersectionObserver' in window) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) load();
    }, { rootMargin: '0px 0px 800px 0px' }).observe(sentinel);
  } else {
    window.addEventListener('scroll', fillViewport, { passive: true });
  }
})();
