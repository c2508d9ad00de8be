// forgegraph dashboard: one repository card in a list (the Card fragment's fields: name with owner
// and forge, tags, description, a languages bar of the top three, branch count, stars, forks, last
// push), and the banners: one per failing forge (errors[].extensions.provider) and one per forge
// answered from kept copies (extensions.stale).
(function () {
  'use strict';
  var FG = (window.FG = window.FG || {});
  var el = FG.el;

  FG.repoHref = function (provider, nameWithOwner) {
    return '/dashboard?repo=' + encodeURIComponent(provider + ':' + nameWithOwner);
  };
  FG.ownerHref = function (provider, login) {
    return '/dashboard?owner=' + encodeURIComponent(provider + ':' + login);
  };

  // languagesBar draws a stacked bar of the languages' shares with a legend; conn is a
  // LanguageConnection (null: the forge has none).
  FG.languagesBar = function (conn, max) {
    var edges = (conn && conn.edges) || [];
    if (!edges.length) return null;
    var wrap = el('div', 'langs');
    var bar = el('div', 'lang-bar');
    bar.setAttribute('role', 'img');
    var legend = el('ul', 'lang-legend');
    var labels = [];
    edges.slice(0, max || 3).forEach(function (e) {
      var name = e.node.name;
      var pct = Math.max(0, Math.min(100, e.percentage || 0));
      var color = FG.languageColor(name, e.node.color);
      var seg = el('span', 'lang-seg');
      seg.style.width = pct + '%';
      seg.style.backgroundColor = color;
      bar.appendChild(seg);
      var li = el('li', 'lang');
      li.dataset.language = name;
      var dot = el('span', 'lang-dot');
      dot.style.backgroundColor = color;
      li.appendChild(dot);
      var label = name + ' ' + (pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)) + '%';
      li.appendChild(document.createTextNode(label));
      legend.appendChild(li);
      labels.push(label);
    });
    bar.setAttribute('aria-label', 'Languages: ' + labels.join(', '));
    wrap.appendChild(bar);
    wrap.appendChild(legend);
    return wrap;
  };

  // card renders one repository of a list; problems are the errors at its fields (shown inline).
  FG.card = function (repo, sort, problems, showOwnerLinks) {
    var li = el('li', 'repo');
    li.dataset.id = repo.id;
    li.dataset.provider = repo.provider;
    li.dataset.name = repo.nameWithOwner;

    var head = el('div', 'repo-head');
    head.appendChild(el('span', 'badge ' + repo.provider, FG.PROVIDERS[repo.provider] || repo.provider));
    var full = repo.nameWithOwner || repo.name || '';
    var cut = full.lastIndexOf('/');
    var name = el('span', 'repo-name');
    name.title = full;
    if (cut >= 0) {
      var ownerText = full.slice(0, cut + 1);
      // CodeArts has no owner listing (its repositories live in projects): no owner page to link.
      if (showOwnerLinks && repo.owner && repo.provider !== 'CODEARTS') {
        var o = el('a', 'owner', ownerText);
        o.href = FG.ownerHref(repo.provider, repo.owner);
        o.dataset.nav = '';
        o.setAttribute('aria-label', 'Owner ' + repo.owner + ' on ' + FG.forgeName(repo.provider));
        name.appendChild(o);
      } else {
        name.appendChild(el('span', 'owner', ownerText));
      }
    }
    var n = el('a', 'name', full.slice(cut + 1));
    n.href = FG.repoHref(repo.provider, full);
    n.dataset.nav = '';
    name.appendChild(n);
    head.appendChild(name);
    if (repo.isPrivate) head.appendChild(el('span', 'tag private', 'Private'));
    if (repo.isFork) head.appendChild(el('span', 'tag fork', 'Fork'));
    if (repo.isArchived) head.appendChild(el('span', 'tag archived', 'Archived'));
    li.appendChild(head);

    if (repo.description) li.appendChild(el('p', 'desc', repo.description));
    var langs = FG.languagesBar(repo.languages, 3);
    if (langs) li.appendChild(langs);

    var meta = el('div', 'meta');
    if (!repo.languages && repo.primaryLanguage) {
      var lang = el('span', 'lang');
      var dot = el('span', 'lang-dot');
      dot.style.backgroundColor = FG.languageColor(repo.primaryLanguage);
      lang.appendChild(dot);
      lang.appendChild(document.createTextNode(repo.primaryLanguage));
      meta.appendChild(lang);
    }
    if (repo.stargazerCount !== null && repo.stargazerCount !== undefined) {
      var stars = el('span', 'stars');
      stars.title = FG.plural(repo.stargazerCount, 'star', 'stars');
      stars.appendChild(FG.icon('star'));
      stars.appendChild(document.createTextNode(FG.formatCount(repo.stargazerCount)));
      meta.appendChild(stars);
    }
    if (repo.forkCount) {
      var forks = el('span', 'forks');
      forks.title = FG.plural(repo.forkCount, 'fork', 'forks');
      forks.appendChild(FG.icon('fork'));
      forks.appendChild(document.createTextNode(FG.formatCount(repo.forkCount)));
      meta.appendChild(forks);
    }
    if (repo.branches && typeof repo.branches.totalCount === 'number') {
      var br = el('span', 'branches');
      br.dataset.count = String(repo.branches.totalCount);
      br.appendChild(FG.icon('branch'));
      br.appendChild(document.createTextNode(FG.plural(repo.branches.totalCount, 'branch', 'branches')));
      meta.appendChild(br);
    }
    meta.appendChild(FG.timeEl('Pushed', repo.pushedAt));
    if (sort === 'UPDATED') meta.appendChild(FG.timeEl('Updated', repo.updatedAt));
    if (sort === 'CREATED') meta.appendChild(FG.timeEl('Created', repo.createdAt));
    li.appendChild(meta);
    (problems || []).forEach(function (p) {
      li.appendChild(el('p', 'field-error', p.field + ' could not be loaded: ' + p.message));
    });
    return li;
  };

  // forgeBanner shows a failing forge's error: one banner per forge and code, kept (not repeated)
  // across pages; keys maps a banner's key to its element.
  FG.forgeBanner = function (box, keys, err) {
    var ext = err.extensions || {};
    var provider = ext.provider || '';
    var code = ext.code || 'ERROR';
    var key = provider + '|' + (ext.source || '') + '|' + code;
    var b = keys.get(key);
    if (!b) {
      b = el('div', 'banner');
      b.setAttribute('role', 'alert');
      b.dataset.provider = provider;
      b.dataset.code = code;
      keys.set(key, b);
      box.appendChild(b);
    }
    b.textContent = '';
    var body = el('div', 'banner-body');
    var title = el('p', 'banner-title');
    if (provider) title.appendChild(el('span', 'badge ' + provider, FG.PROVIDERS[provider] || provider));
    title.appendChild(el('strong', null, FG.forgeName(provider, ext.source) + ' is ' + FG.codeText(code)));
    title.appendChild(el('code', 'code', code));
    body.appendChild(title);
    var text = (err.message || '').trim();
    if (text && !/[.!?]$/.test(text)) text += '.';
    if (ext.resetAt) {
      var t = Date.parse(ext.resetAt);
      if (!isNaN(t)) text += (text ? ' ' : '') + 'Its quota returns ' + FG.relative(ext.resetAt) + ' (' + FG.absolute.format(new Date(t)) + ').';
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
  };

  // staleBanner: "GitHub is unreachable: showing data from 12 minutes ago", one per source.
  FG.staleBanner = function (box, keys, st) {
    var key = 'stale|' + (st.source || '');
    var b = keys.get(key);
    if (!b) {
      b = el('div', 'banner stale');
      b.setAttribute('role', 'status');
      b.dataset.source = st.source || '';
      keys.set(key, b);
      box.appendChild(b);
    }
    b.textContent = '';
    var name = FG.forgeName(st.provider, st.source);
    var why = st.reason === 'RATE_LIMITED' ? 'rate limited' : 'unreachable';
    var title = el('p', 'banner-title');
    if (st.provider) title.appendChild(el('span', 'badge ' + st.provider, name));
    var when = FG.relative(st.asOf);
    if (when === 'just now') when = 'a moment ago';
    title.appendChild(el('strong', null, name + ' is ' + why + ': showing data from ' + when));
    var body = el('div', 'banner-body');
    body.appendChild(title);
    b.appendChild(body);
    b.hidden = false;
  };
})();
