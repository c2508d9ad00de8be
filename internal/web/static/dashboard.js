// forgegraph dashboard: the merged repository list from POST /graphql, 30 at a time, loaded as the
// page scrolls (an IntersectionObserver watches a sentinel below the list and asks for
// `first: 30, after: endCursor`). Filter by forge, sort, direction; the choice is kept in the URL.
// A failing forge's error (errors[].extensions.provider) is shown in a banner while the other forges'
// repositories still list; a network error stops the scroll with a Retry button. No framework, no
// build step: this file is served as it is.
(function () {
  'use strict';

  var ENDPOINT = '/graphql';
  var PAGE_SIZE = 30;
  var KEY_STORAGE = 'forgegraph.gatewayKey';
  var PROVIDERS = { GITHUB: 'GitHub', GITLAB: 'GitLab', BITBUCKET: 'Bitbucket', CODEARTS: 'CodeArts', GITEA: 'Gitea' };
  var SORTS = { PUSHED: 'Last push', UPDATED: 'Last update', CREATED: 'Created', FULL_NAME: 'Name' };
  var CODES = {
    UNAUTHENTICATED: 'not signed in (the token is missing, invalid or expired)',
    FORBIDDEN: 'access denied',
    RATE_LIMITED: 'rate limited',
    UPSTREAM_UNAVAILABLE: 'unavailable',
    UPSTREAM_TIMEOUT: 'timed out',
    NOT_FOUND: 'not found',
    INTERNAL: 'internal error'
  };
  var LANGUAGE_COLORS = {
    Go: '#00add8', JavaScript: '#f1e05a', TypeScript: '#3178c6', Python: '#3572a5', Java: '#b07219',
    Kotlin: '#a97bff', Rust: '#dea584', Ruby: '#701516', 'C++': '#f34b7d', C: '#555555', 'C#': '#178600',
    PHP: '#4f5d95', Swift: '#f05138', Shell: '#89e051', Scala: '#c22d40', Dart: '#00b4ab', Elixir: '#6e4a7e',
    HTML: '#e34c26', CSS: '#563d7c', Vue: '#41b883', Haskell: '#5e5086', Lua: '#000080', Clojure: '#db5855'
  };

  // The one query; internal/web's Go test validates it against schema.graphqls.
  var QUERY = `
query Dashboard($provider: Provider, $sort: RepositorySort, $direction: OrderDirection,
                $first: Int, $after: String, $withTotal: Boolean!) {
  viewer {
    repositories(provider: $provider, sort: $sort, direction: $direction, first: $first, after: $after) {
      totalCount @include(if: $withTotal)
      pageInfo { hasNextPage endCursor }
      nodes {
        id provider name nameWithOwner description url isPrivate isFork isArchived
        stargazerCount forkCount primaryLanguage pushedAt updatedAt createdAt
      }
    }
  }
}
`;

  var $ = function (id) { return document.getElementById(id); };
  var list = $('list');
  var statusEl = $('status');
  var totalEl = $('total');
  var banners = $('banners');
  var sentinel = $('sentinel');
  var sortEl = $('sort');
  var directionEl = $('direction');
  var providerButtons = Array.prototype.slice.call(document.querySelectorAll('#providers button'));
  var keyForm = $('key-form');

  var state = {
    provider: '',
    sort: 'PUSHED',
    direction: 'DESC',
    generation: 0, // bumped on every reset: answers for an older list are dropped
    after: null,
    hasNext: true,
    loading: false,
    failed: false,
    total: null,
    seen: new Set(),
    shown: 0,
    bannerKeys: new Map()
  };

  // ---- helpers

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var ICONS = {
    star: 'M8 .8l2.2 4.6 5 .7-3.6 3.5.9 5L8 12.2 3.5 14.6l.9-5L.8 6.1l5-.7z',
    fork: 'M5 3.2a1.7 1.7 0 1 1-2.4 0 1.7 1.7 0 0 1 2.4 0zM13.4 3.2a1.7 1.7 0 1 1-2.4 0 1.7 1.7 0 0 1 2.4 0zM9.2 12.8a1.7 1.7 0 1 1-2.4 0 1.7 1.7 0 0 1 2.4 0zM3 5.6v1.2c0 1 .8 1.8 1.8 1.8h6.4c1 0 1.8-.8 1.8-1.8V5.6h-1.4v1.2c0 .2-.2.4-.4.4H4.8c-.2 0-.4-.2-.4-.4V5.6zM7.3 8.6h1.4v2.6H7.3z',
    clock: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 1.5a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11zM7.3 4v4.4l3.2 1.9.7-1.2-2.5-1.5V4z'
  };
  function icon(name) {
    var svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('width', '14');
    svg.setAttribute('height', '14');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'icon');
    var path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', ICONS[name]);
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('fill-rule', 'evenodd');
    svg.appendChild(path);
    return svg;
  }

  var rtf = typeof Intl !== 'undefined' && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat('en', { numeric: 'auto' }) : null;
  var absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
  var UNITS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];

  // relative("2024-05-01T12:00:00Z") is "3 days ago", "in 2 hours", "just now".
  function relative(iso) {
    var t = Date.parse(iso);
    if (isNaN(t)) return iso;
    var seconds = (t - Date.now()) / 1000;
    var abs = Math.abs(seconds);
    if (abs < 45) return 'just now';
    for (var i = 0; i < UNITS.length; i++) {
      if (abs >= UNITS[i][1] || UNITS[i][0] === 'minute') {
        var n = Math.round(seconds / UNITS[i][1]);
        return rtf ? rtf.format(n, UNITS[i][0]) : Math.abs(n) + ' ' + UNITS[i][0] + (Math.abs(n) === 1 ? '' : 's') + (n < 0 ? ' ago' : '');
      }
    }
    return iso;
  }

  function timeEl(label, iso) {
    var wrap = el('span', 'when');
    wrap.appendChild(icon('clock'));
    if (!iso) {
      wrap.appendChild(document.createTextNode(label === 'Pushed' ? 'Never pushed' : label + ' date unknown'));
      return wrap;
    }
    var t = el('time', null, label + ' ' + relative(iso));
    t.dateTime = iso;
    t.title = label + ' ' + absolute.format(new Date(iso));
    wrap.appendChild(t);
    return wrap;
  }

  function formatCount(n) {
    return n >= 10000 ? (n / 1000).toFixed(0) + 'k' : n >= 1000 ? (n / 1000).toFixed(1).replace(/\.0$/, '') + 'k' : String(n);
  }

  function plural(n, one, many) { return n.toLocaleString('en') + ' ' + (n === 1 ? one : many); }

  function languageColor(name) {
    if (LANGUAGE_COLORS[name]) return LANGUAGE_COLORS[name];
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
    return 'hsl(' + h + ' 55% 50%)';
  }

  // ---- rendering

  function row(repo) {
    var li = el('li', 'repo');
    li.dataset.id = repo.id;
    li.dataset.provider = repo.provider;

    var head = el('div', 'repo-head');
    head.appendChild(el('span', 'badge ' + repo.provider, PROVIDERS[repo.provider] || repo.provider));
    var full = repo.nameWithOwner || repo.name || '';
    var cut = full.lastIndexOf('/');
    var name = el(repo.url ? 'a' : 'span', 'repo-name');
    if (repo.url) {
      name.href = repo.url;
      name.target = '_blank';
      name.rel = 'noopener noreferrer';
    }
    if (cut >= 0) name.appendChild(el('span', 'owner', full.slice(0, cut + 1)));
    name.appendChild(el('span', 'name', full.slice(cut + 1)));
    name.title = full;
    head.appendChild(name);
    if (repo.isPrivate) head.appendChild(el('span', 'tag private', 'Private'));
    if (repo.isFork) head.appendChild(el('span', 'tag fork', 'Fork'));
    if (repo.isArchived) head.appendChild(el('span', 'tag archived', 'Archived'));
    li.appendChild(head);

    if (repo.description) li.appendChild(el('p', 'desc', repo.description));

    var meta = el('div', 'meta');
    if (repo.primaryLanguage) {
      var lang = el('span', 'lang');
      var dot = el('span', 'lang-dot');
      dot.style.backgroundColor = languageColor(repo.primaryLanguage);
      lang.appendChild(dot);
      lang.appendChild(document.createTextNode(repo.primaryLanguage));
      meta.appendChild(lang);
    }
    if (repo.stargazerCount !== null && repo.stargazerCount !== undefined) {
      var stars = el('span', 'stars');
      stars.title = plural(repo.stargazerCount, 'star', 'stars');
      stars.appendChild(icon('star'));
      stars.appendChild(document.createTextNode(formatCount(repo.stargazerCount)));
      meta.appendChild(stars);
    }
    if (repo.forkCount) {
      var forks = el('span', 'forks');
      forks.title = plural(repo.forkCount, 'fork', 'forks');
      forks.appendChild(icon('fork'));
      forks.appendChild(document.createTextNode(formatCount(repo.forkCount)));
      meta.appendChild(forks);
    }
    meta.appendChild(timeEl('Pushed', repo.pushedAt));
    if (state.sort === 'UPDATED') meta.appendChild(timeEl('Updated', repo.updatedAt));
    if (state.sort === 'CREATED') meta.appendChild(timeEl('Created', repo.createdAt));
    li.appendChild(meta);
    return li;
  }

  function showTotal() {
    if (state.total === null) {
      totalEl.textContent = '';
      delete totalEl.dataset.total;
      return;
    }
    totalEl.textContent = state.total.toLocaleString('en');
    totalEl.dataset.total = String(state.total);
    totalEl.title = plural(state.total, 'repository', 'repositories') +
      (state.provider ? ' on ' + PROVIDERS[state.provider] : ' on every forge');
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

  function progressText() {
    var where = state.provider ? ' on ' + PROVIDERS[state.provider] : '';
    if (state.total !== null) return 'Showing ' + state.shown.toLocaleString('en') + ' of ' + plural(state.total, 'repository', 'repositories') + where;
    return 'Showing ' + plural(state.shown, 'repository', 'repositories') + where;
  }

  function settledStatus() {
    if (state.hasNext) {
      setStatus('more', progressText());
    } else if (state.shown === 0) {
      setStatus('empty', state.provider ? 'No repositories on ' + PROVIDERS[state.provider] + '.' : 'No repositories.');
    } else {
      var where = state.provider ? ' on ' + PROVIDERS[state.provider] : '';
      setStatus('done', (state.shown === 1 ? 'The one repository' : 'All ' + plural(state.shown, 'repository', 'repositories')) + where + ' shown.');
    }
  }

  // A forge's error: one banner per forge and code, kept (not repeated) across pages.
  function forgeBanner(err) {
    var ext = err.extensions || {};
    var provider = ext.provider || '';
    var code = ext.code || 'ERROR';
    var key = provider + '|' + (ext.source || '') + '|' + code;
    var b = state.bannerKeys.get(key);
    if (!b) {
      b = el('div', 'banner');
      b.setAttribute('role', 'alert');
      b.dataset.provider = provider;
      b.dataset.code = code;
      state.bannerKeys.set(key, b);
      banners.appendChild(b);
    }
    b.textContent = '';
    var body = el('div', 'banner-body');
    var title = el('p', 'banner-title');
    if (provider) title.appendChild(el('span', 'badge ' + provider, PROVIDERS[provider] || provider));
    title.appendChild(el('strong', null, (PROVIDERS[provider] || ext.source || 'A forge') + ' is ' + (CODES[code] || code.toLowerCase().replace(/_/g, ' '))));
    title.appendChild(el('code', 'code', code));
    body.appendChild(title);
    var text = (err.message || '').trim();
    if (text && !/[.!?]$/.test(text)) text += '.';
    if (ext.resetAt) {
      var t = Date.parse(ext.resetAt);
      if (!isNaN(t)) text += (text ? ' ' : '') + 'Its quota returns ' + relative(ext.resetAt) + ' (' + absolute.format(new Date(t)) + ').';
    }
    body.appendChild(el('p', 'banner-text', text));
    body.appendChild(el('p', 'banner-note', "Its repositories are missing below; the other forges' are listed." +
      (ext.requestId ? ' Request ' + ext.requestId + '.' : '')));
    b.appendChild(body);
    var close = el('button', 'dismiss', '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Dismiss');
    close.addEventListener('click', function () { b.hidden = true; });
    b.appendChild(close);
    b.hidden = false;
  }

  // A forge answered from kept copies (extensions.stale): "GitHub is unreachable: showing data from
  // 12 minutes ago", one banner per source, replaced by the latest answer's.
  function staleBanner(st) {
    var key = 'stale|' + (st.source || '');
    var b = state.bannerKeys.get(key);
    if (!b) {
      b = el('div', 'banner stale');
      b.setAttribute('role', 'status');
      state.bannerKeys.set(key, b);
      banners.appendChild(b);
    }
    b.textContent = '';
    var name = PROVIDERS[st.provider] || (st.source ? st.source.charAt(0).toUpperCase() + st.source.slice(1) : 'A forge');
    var why = st.reason === 'RATE_LIMITED' ? 'rate limited' : 'unreachable';
    var title = el('p', 'banner-title');
    if (st.provider) title.appendChild(el('span', 'badge ' + st.provider, name));
    var when = relative(st.asOf);
    if (when === 'just now') when = 'a moment ago';
    title.appendChild(el('strong', null, name + ' is ' + why + ': showing data from ' + when));
    var body = el('div', 'banner-body');
    body.appendChild(title);
    b.appendChild(body);
    b.hidden = false;
  }

  // ---- loading

  function variables() {
    var v = { first: PAGE_SIZE, sort: state.sort, direction: state.direction, withTotal: state.total === null };
    if (state.provider) v.provider = state.provider;
    if (state.after) v.after = state.after;
    return v;
  }

  function fail(text, retryLabel, run) {
    state.failed = true;
    setStatus('error', text, { label: retryLabel || 'Retry', run: run || retry });
  }

  function retry() {
    state.failed = false;
    load();
  }

  function load() {
    if (state.loading || state.failed || !state.hasNext) return;
    state.loading = true;
    var generation = state.generation;
    setStatus('loading', state.shown ? 'Loading more…' : 'Loading repositories…');
    var headers = { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' };
    var key = sessionStorage.getItem(KEY_STORAGE);
    if (key) headers.Authorization = 'Bearer ' + key;
    var httpStatus = 0;
    fetch(ENDPOINT, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify({ operationName: 'Dashboard', query: QUERY, variables: variables() }),
      credentials: 'same-origin'
    }).then(function (res) {
      httpStatus = res.status;
      return res.json().catch(function () {
        throw new Error('the server answered HTTP ' + res.status + ' without a GraphQL body');
      });
    }, function (err) {
      var e = new Error('Could not reach the server (' + (err && err.message ? err.message : 'network error') + ').');
      e.network = true;
      throw e;
    }).then(function (body) {
      if (generation !== state.generation) return;
      state.loading = false;
      handle(httpStatus, body);
    }).catch(function (err) {
      if (generation !== state.generation) return;
      state.loading = false;
      fail(err.network ? err.message : 'Loading failed: ' + err.message);
    });
  }

  function handle(httpStatus, body) {
    var errors = Array.isArray(body.errors) ? body.errors : [];
    var repos = body.data && body.data.viewer && body.data.viewer.repositories;
    if (httpStatus === 401 || (!repos && errors.some(function (e) { return e.extensions && e.extensions.code === 'UNAUTHENTICATED' && !e.extensions.provider; }))) {
      state.failed = true;
      keyForm.hidden = false;
      setStatus('error', errors.length ? errors[0].message : 'This server needs an API key.');
      $('key').focus();
      return;
    }
    errors.forEach(function (e) { if (e.extensions && e.extensions.provider) forgeBanner(e); });
    var stale = body.extensions && Array.isArray(body.extensions.stale) ? body.extensions.stale : [];
    stale.forEach(staleBanner);
    if (!repos) {
      var first = errors[0] || {};
      var code = first.extensions && first.extensions.code;
      var msg = (first.message || 'The server answered HTTP ' + httpStatus + ' without data.') + (code ? ' [' + code + ']' : '');
      if (code === 'INVALID_CURSOR') fail(msg, 'Start over', reset);
      else fail(msg);
      return;
    }
    if (typeof repos.totalCount === 'number') {
      state.total = repos.totalCount;
      showTotal();
    }
    var frag = document.createDocumentFragment();
    (repos.nodes || []).forEach(function (repo) {
      if (!repo || state.seen.has(repo.id)) return; // the server never repeats one; guard anyway
      state.seen.add(repo.id);
      state.shown++;
      frag.appendChild(row(repo));
    });
    list.appendChild(frag);
    var info = repos.pageInfo || {};
    var moved = info.endCursor && info.endCursor !== state.after;
    state.hasNext = !!(info.hasNextPage && moved);
    if (moved) state.after = info.endCursor;
    settledStatus();
    // The observer only reports changes: when the sentinel is still in reach, ask for the next page.
    requestAnimationFrame(fillViewport);
  }

  function nearSentinel() {
    return sentinel.getBoundingClientRect().top < window.innerHeight + 800;
  }

  function fillViewport() {
    if (nearSentinel()) load();
  }

  // ---- controls

  function readURL() {
    var q = new URLSearchParams(location.search);
    var p = (q.get('provider') || '').toUpperCase();
    var s = (q.get('sort') || '').toUpperCase();
    var d = (q.get('direction') || '').toUpperCase();
    state.provider = PROVIDERS[p] ? p : '';
    state.sort = SORTS[s] ? s : 'PUSHED';
    state.direction = d === 'ASC' || d === 'DESC' ? d : naturalDirection(state.sort);
  }

  function writeURL() {
    var q = new URLSearchParams();
    if (state.provider) q.set('provider', state.provider);
    if (state.sort !== 'PUSHED') q.set('sort', state.sort);
    if (state.direction !== naturalDirection(state.sort)) q.set('direction', state.direction);
    var s = q.toString();
    history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
  }

  function naturalDirection(sort) { return sort === 'FULL_NAME' ? 'ASC' : 'DESC'; }

  function syncControls() {
    providerButtons.forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.dataset.provider === state.provider));
    });
    sortEl.value = state.sort;
    var byName = state.sort === 'FULL_NAME';
    directionEl.options[0].textContent = byName ? 'Z → A' : 'Newest first';
    directionEl.options[1].textContent = byName ? 'A → Z' : 'Oldest first';
    directionEl.value = state.direction;
    document.title = 'forgegraph · ' + (state.provider ? PROVIDERS[state.provider] + ' repositories' : 'Repositories');
  }

  function reset() {
    state.generation++;
    state.after = null;
    state.hasNext = true;
    state.loading = false;
    state.failed = false;
    state.total = null;
    state.seen = new Set();
    state.shown = 0;
    state.bannerKeys = new Map();
    banners.textContent = '';
    list.textContent = '';
    showTotal();
    syncControls();
    writeURL();
    window.scrollTo(0, 0);
    load();
  }

  providerButtons.forEach(function (b) {
    b.addEventListener('click', function () {
      if (state.provider === b.dataset.provider && !state.failed) return;
      state.provider = b.dataset.provider;
      reset();
    });
  });
  sortEl.addEventListener('change', function () {
    state.sort = sortEl.value;
    state.direction = naturalDirection(state.sort);
    reset();
  });
  directionEl.addEventListener('change', function () {
    state.direction = directionEl.value;
    reset();
  });
  $('controls').addEventListener('submit', function (e) { e.preventDefault(); });
  keyForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var v = $('key').value.trim();
    if (!v) return;
    sessionStorage.setItem(KEY_STORAGE, v);
    keyForm.hidden = true;
    reset();
  });

  if ('IntersectionObserver' in window) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) load();
    }, { rootMargin: '0px 0px 800px 0px' }).observe(sentinel);
  } else {
    window.addEventListener('scroll', fillViewport, { passive: true });
  }

  readURL();
  syncControls();
  load();
})();
