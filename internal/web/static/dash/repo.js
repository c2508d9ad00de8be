// forgegraph dashboard: the repository page (/dashboard?repo=PROVIDER:path: the same path exists
// on several forges). Every field; languages; branches, tags and contributors paged to the end
// with "Show more"; teams; the parent of a fork; an error at one field shown in its place while
// the rest of the page stays. Contributors show their initials: their avatars live on the forge's
// host, and the dashboard loads nothing from another host (an avatar on this server's own origin
// is shown).
(function () {
  'use strict';
  var FG = (window.FG = window.FG || {});
  var el = FG.el;
  var view = FG.$('repo-view');
  var current = { generation: 0, repo: null, provider: '', name: '' };

  FG.currentRepo = function () { return current.repo; };

  function fieldErrors(errors) {
    var out = {};
    (errors || []).forEach(function (e) {
      var p = e.path || [];
      if (p[0] === 'repository' && p.length >= 2) (out[p[1]] = out[p[1]] || []).push(e);
    });
    return out;
  }

  function inlineErrors(errs) {
    var box = el('div', 'field-errors');
    errs.forEach(function (e) {
      var ext = e.extensions || {};
      var p = el('p', 'field-error', 'Could not load this from ' + FG.forgeName(ext.provider, ext.source) + ': ' + e.message + (ext.code ? ' [' + ext.code + ']' : ''));
      p.setAttribute('role', 'status');
      box.appendChild(p);
    });
    return box;
  }

  function section(id, title, count) {
    var s = el('section', 'repo-section');
    s.id = id;
    var h = el('h2', null, title);
    if (typeof count === 'number') h.appendChild(el('span', 'count', count.toLocaleString('en')));
    s.appendChild(h);
    return s;
  }

  function fact(dl, label, value) {
    if (value === null || value === undefined || value === '') return;
    dl.appendChild(el('dt', null, label));
    var dd = el('dd');
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function yesNo(v) { return v === null || v === undefined ? null : v ? 'yes' : 'no'; }

  function external(url, text) {
    var a = el('a', 'external', text || url);
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  // avatar is the person's initials, or their image when it is served by this origin.
  function avatar(c) {
    var who = c.name || c.login || '?';
    if (c.avatarUrl && FG.sameOrigin(c.avatarUrl)) {
      var img = el('img', 'avatar');
      img.src = c.avatarUrl;
      img.alt = '';
      img.width = 28;
      img.height = 28;
      return img;
    }
    var span = el('span', 'avatar initials', FG.initials(who));
    span.setAttribute('aria-hidden', 'true');
    if (c.avatarUrl) span.title = 'Avatar not loaded: it is on another host';
    return span;
  }

  // pagedList renders a connection's items with a "Show more" button that reads the next pages
  // with query (Branches, Tags, Contributors) until the end.
  function pagedList(kind, conn, render, query) {
    var wrap = el('div', 'paged');
    wrap.dataset.kind = kind;
    var ul = el('ul', 'items ' + kind);
    var note = el('p', 'paged-note');
    note.setAttribute('aria-live', 'polite');
    var more = el('button', 'more', 'Show more ' + kind);
    more.type = 'button';
    var state = { after: null, shown: 0, total: conn.totalCount };
    function add(c) {
      (c.nodes || []).forEach(function (n) {
        ul.appendChild(render(n));
        state.shown++;
      });
      state.total = c.totalCount;
      var info = c.pageInfo || {};
      state.after = info.endCursor || state.after;
      more.hidden = !info.hasNextPage;
      note.textContent = state.shown === state.total ? 'All ' + FG.plural(state.total, kind.replace(/s$/, ''), kind) + ' shown.'
        : 'Showing ' + state.shown.toLocaleString('en') + ' of ' + state.total.toLocaleString('en') + '.';
      wrap.dataset.shown = String(state.shown);
    }
    more.addEventListener('click', function () {
      more.disabled = true;
      more.textContent = 'Loading…';
      var gen = current.generation;
      FG.gql(query, FG.Q[query], { provider: current.provider, name: current.name, after: state.after }).then(function (res) {
        if (gen !== current.generation) return;
        more.disabled = false;
        more.textContent = 'Show more ' + kind;
        var c = res.body.data && res.body.data.repository && res.body.data.repository[kind];
        if (!c) {
          var e = (res.body.errors || [])[0] || { message: 'no answer' };
          wrap.appendChild(inlineErrors([e]));
          return;
        }
        add(c);
      }, function (err) {
        more.disabled = false;
        more.textContent = 'Show more ' + kind;
        FG.toast(err.message, 'error');
      });
    });
    add(conn);
    wrap.appendChild(ul);
    wrap.appendChild(note);
    wrap.appendChild(more);
    return wrap;
  }

  function ref(n) {
    var li = el('li', 'ref');
    li.dataset.name = n.name;
    li.appendChild(el('span', 'ref-name', n.name));
    if (n.isProtected) li.appendChild(el('span', 'tag', 'Protected'));
    if (n.commitSha) li.appendChild(el('code', 'sha', n.commitSha.slice(0, 10)));
    return li;
  }

  function contributor(c) {
    var li = el('li', 'person');
    li.appendChild(avatar(c));
    li.appendChild(el('span', 'person-name', c.login || c.name || 'unknown'));
    if (c.login && c.name && c.name !== c.login) li.appendChild(el('span', 'muted', c.name));
    li.appendChild(el('span', 'muted', FG.plural(c.contributions, 'contribution', 'contributions')));
    return li;
  }

  // connectionSection renders one nested connection: null means the forge has no such thing.
  function connectionSection(id, title, conn, errs, body, provider) {
    var s = section(id, title, conn ? conn.totalCount : undefined);
    if (errs) s.appendChild(inlineErrors(errs));
    else if (!conn) s.appendChild(el('p', 'muted', FG.forgeName(provider) + ' does not provide this.'));
    else if (!conn.totalCount) s.appendChild(el('p', 'muted', 'None.'));
    else s.appendChild(body(conn));
    return s;
  }

  function render(r, errs) {
    view.textContent = '';
    var head = el('header', 'repo-page-head');
    var back = el('a', 'back', '← All repositories');
    back.href = '/dashboard';
    back.dataset.nav = '';
    head.appendChild(back);
    var h = el('h1', 'repo-title');
    h.appendChild(el('span', 'badge ' + r.provider, FG.PROVIDERS[r.provider] || r.provider));
    var full = r.nameWithOwner;
    var cut = full.lastIndexOf('/');
    if (cut >= 0) {
      if (FG.has.owners && r.owner) {
        var o = el('a', 'owner', full.slice(0, cut + 1));
        o.href = FG.ownerHref(r.provider, r.owner);
        o.dataset.nav = '';
        h.appendChild(o);
      } else {
        h.appendChild(el('span', 'owner', full.slice(0, cut + 1)));
      }
    }
    h.appendChild(el('span', 'name', full.slice(cut + 1)));
    head.appendChild(h);
    var tags = el('div', 'tags');
    if (r.visibility) tags.appendChild(el('span', 'tag', r.visibility.charAt(0) + r.visibility.slice(1).toLowerCase()));
    else tags.appendChild(el('span', 'tag', r.isPrivate ? 'Private' : 'Public'));
    if (r.isFork) tags.appendChild(el('span', 'tag fork', 'Fork'));
    if (r.isArchived) tags.appendChild(el('span', 'tag archived', 'Archived'));
    head.appendChild(tags);
    if (r.description) head.appendChild(el('p', 'desc', r.description));
    if (r.parent) {
      var p = el('p', 'parent');
      p.appendChild(document.createTextNode('Forked from '));
      var a = el('a', null, r.parent.nameWithOwner);
      a.href = FG.repoHref(r.parent.provider, r.parent.nameWithOwner);
      a.dataset.nav = '';
      p.appendChild(a);
      head.appendChild(p);
    } else if (errs.parent) {
      head.appendChild(inlineErrors(errs.parent));
    }
    var actions = el('div', 'actions');
    [['edit', 'Edit'], ['archive', r.isArchived ? 'Unarchive' : 'Archive'], ['delete', 'Delete']].forEach(function (x) {
      var b = el('button', 'action ' + x[0], x[1]);
      b.type = 'button';
      b.dataset.action = x[0];
      b.addEventListener('click', function () { FG.repoAction(x[0], r); });
      actions.appendChild(b);
    });
    if (r.url) actions.appendChild(external(r.url, 'Open on ' + FG.forgeName(r.provider)));
    head.appendChild(actions);
    view.appendChild(head);

    var about = section('about', 'About');
    var dl = el('dl', 'facts');
    fact(dl, 'Default branch', r.defaultBranch);
    fact(dl, 'Primary language', r.primaryLanguage);
    fact(dl, 'Stars', r.stargazerCount);
    fact(dl, 'Forks', r.forkCount);
    fact(dl, 'Watchers', r.watcherCount);
    fact(dl, 'Open issues', r.openIssuesCount);
    fact(dl, 'Disk usage', r.diskUsage === null || r.diskUsage === undefined ? null : r.diskUsage.toLocaleString('en') + ' KB');
    fact(dl, 'Issues enabled', yesNo(r.hasIssuesEnabled));
    fact(dl, 'Wiki enabled', yesNo(r.hasWikiEnabled));
    fact(dl, 'Your permission', r.viewerPermission);
    fact(dl, 'Homepage', r.homepageUrl ? external(r.homepageUrl) : null);
    fact(dl, 'Topics', r.topics && r.topics.length ? r.topics.join(', ') : null);
    fact(dl, 'Clone (HTTPS)', r.cloneUrl ? el('code', 'wrap', r.cloneUrl) : null);
    fact(dl, 'Clone (SSH)', r.sshUrl ? el('code', 'wrap', r.sshUrl) : null);
    fact(dl, 'Created', r.createdAt ? FG.absolute.format(new Date(r.createdAt)) : null);
    fact(dl, 'Updated', r.updatedAt ? FG.absolute.format(new Date(r.updatedAt)) : null);
    fact(dl, 'Last push', r.pushedAt ? FG.absolute.format(new Date(r.pushedAt)) : null);
    about.appendChild(dl);
    Object.keys(errs).forEach(function (f) {
      if (['languages', 'branches', 'tags', 'contributors', 'teams', 'parent'].indexOf(f) < 0) {
        var d = el('div');
        d.appendChild(el('strong', null, f + ': '));
        d.appendChild(inlineErrors(errs[f]));
        about.appendChild(d);
      }
    });
    view.appendChild(about);

    view.appendChild(connectionSection('languages', 'Languages', r.languages, errs.languages, function (c) {
      return FG.languagesBar(c, 10);
    }, r.provider));
    view.appendChild(connectionSection('branches', 'Branches', r.branches, errs.branches, function (c) {
      return pagedList('branches', c, ref, 'Branches');
    }, r.provider));
    view.appendChild(connectionSection('tags', 'Tags', r.tags, errs.tags, function (c) {
      return pagedList('tags', c, ref, 'Tags');
    }, r.provider));
    var people = connectionSection('contributors', 'Contributors', r.contributors, errs.contributors, function (c) {
      return pagedList('contributors', c, contributor, 'Contributors');
    }, r.provider);
    if (r.contributors && r.contributors.totalCount) {
      people.appendChild(el('p', 'muted small', 'Avatars are shown as initials: they are on ' + FG.forgeName(r.provider) + "'s host, and this page loads nothing from another host."));
    }
    view.appendChild(people);
    view.appendChild(connectionSection('teams', 'Teams', r.teams, errs.teams, function (c) {
      var ul = el('ul', 'items teams');
      c.nodes.forEach(function (t) {
        var li = el('li', 'team');
        li.appendChild(el('span', 'ref-name', t.name));
        if (t.permission) li.appendChild(el('span', 'tag', t.permission));
        ul.appendChild(li);
      });
      return ul;
    }, r.provider));
  }

  // showRepo loads and renders the repository provider:name.
  FG.showRepo = function (provider, name) {
    current.generation++;
    current.provider = provider;
    current.name = name;
    current.repo = null;
    var gen = current.generation;
    view.hidden = false;
    view.textContent = '';
    var loading = el('p', 'status', 'Loading ' + name + '…');
    loading.dataset.state = 'loading';
    view.appendChild(loading);
    document.title = 'forgegraph · ' + name;
    FG.gql('Repository', FG.Q.Repository, { provider: provider, name: name }).then(function (res) {
      if (gen !== current.generation) return;
      if (FG.needsKey(res)) {
        FG.askKey('This server needs an API key.');
        return;
      }
      var r = res.body.data && res.body.data.repository;
      if (!r) {
        view.textContent = '';
        var e = (res.body.errors || [])[0];
        var p = el('p', 'status', e ? e.message : 'There is no repository ' + name + ' on ' + FG.forgeName(provider) + ', or you cannot see it.');
        p.dataset.state = e ? 'error' : 'empty';
        view.appendChild(p);
        return;
      }
      current.repo = r;
      render(r, fieldErrors(res.body.errors));
      view.dataset.loaded = r.id;
    }, function (err) {
      if (gen !== current.generation) return;
      view.textContent = '';
      var p = el('p', 'status', err.message);
      p.dataset.state = 'error';
      view.appendChild(p);
    });
  };
  FG.hideRepo = function () {
    current.generation++;
    view.hidden = true;
    view.textContent = '';
    delete view.dataset.loaded;
  };
})();
