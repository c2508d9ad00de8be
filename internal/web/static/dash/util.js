// forgegraph dashboard: shared helpers (DOM building, icons, dates, numbers, language colours,
// forge names and error texts in plain words). Everything hangs off window.FG; no framework, no
// build step: the dashboard's files are served as they are.
(function () {
  'use strict';
  var FG = (window.FG = window.FG || {});

  FG.PROVIDERS = { GITHUB: 'GitHub', GITLAB: 'GitLab', BITBUCKET: 'Bitbucket', CODEARTS: 'CodeArts', GITEA: 'Gitea' };
  FG.SORTS = { PUSHED: 'Last push', UPDATED: 'Last update', CREATED: 'Created', FULL_NAME: 'Name' };
  FG.forgeName = function (p, source) {
    return FG.PROVIDERS[p] || (source ? source.charAt(0).toUpperCase() + source.slice(1) : 'A forge');
  };

  var LANGUAGE_COLORS = {
    Go: '#00add8', JavaScript: '#f1e05a', TypeScript: '#3178c6', Python: '#3572a5', Java: '#b07219',
    Kotlin: '#a97bff', Rust: '#dea584', Ruby: '#701516', 'C++': '#f34b7d', C: '#555555', 'C#': '#178600',
    PHP: '#4f5d95', Swift: '#f05138', Shell: '#89e051', Scala: '#c22d40', Dart: '#00b4ab', Elixir: '#6e4a7e',
    HTML: '#e34c26', CSS: '#563d7c', Vue: '#41b883', Haskell: '#5e5086', Lua: '#000080', Clojure: '#db5855'
  };
  // languageColor is the forge's colour when it sent one, else a known one, else one from the name.
  FG.languageColor = function (name, color) {
    if (color && /^#[0-9a-fA-F]{3,8}$/.test(color)) return color;
    if (LANGUAGE_COLORS[name]) return LANGUAGE_COLORS[name];
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
    return 'hsl(' + h + ' 55% 50%)';
  };

  FG.el = function (tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };
  FG.$ = function (id) { return document.getElementById(id); };

  var SVG_NS = 'http://www.w3.org/2000/svg';
  var ICONS = {
    star: 'M8 .8l2.2 4.6 5 .7-3.6 3.5.9 5L8 12.2 3.5 14.6l.9-5L.8 6.1l5-.7z',
    fork: 'M5 3.2a1.7 1.7 0 1 1-2.4 0 1.7 1.7 0 0 1 2.4 0zM13.4 3.2a1.7 1.7 0 1 1-2.4 0 1.7 1.7 0 0 1 2.4 0zM9.2 12.8a1.7 1.7 0 1 1-2.4 0 1.7 1.7 0 0 1 2.4 0zM3 5.6v1.2c0 1 .8 1.8 1.8 1.8h6.4c1 0 1.8-.8 1.8-1.8V5.6h-1.4v1.2c0 .2-.2.4-.4.4H4.8c-.2 0-.4-.2-.4-.4V5.6zM7.3 8.6h1.4v2.6H7.3z',
    clock: 'M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 1.5a5.5 5.5 0 1 1 0 11 5.5 5.5 0 0 1 0-11zM7.3 4v4.4l3.2 1.9.7-1.2-2.5-1.5V4z',
    branch: 'M4 2.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM3.3 6.8v2.4a1.5 1.5 0 1 0 1.4 0V8.6c.6.4 1.3.6 2 .6h2.1a1.5 1.5 0 1 0 0-1.4H6.7c-1.1 0-2-.9-2-2V6.8a2.2 2.2 0 0 1-1.4 0z'
  };
  FG.icon = function (name) {
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
  };

  var rtf = typeof Intl !== 'undefined' && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat('en', { numeric: 'auto' }) : null;
  FG.absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
  var UNITS = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];

  // relative("2024-05-01T12:00:00Z") is "3 days ago", "in 2 hours", "just now".
  FG.relative = function (iso) {
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
  };

  FG.timeEl = function (label, iso) {
    var wrap = FG.el('span', 'when');
    wrap.appendChild(FG.icon('clock'));
    if (!iso) {
      wrap.appendChild(document.createTextNode(label === 'Pushed' ? 'Never pushed' : label + ' date unknown'));
      return wrap;
    }
    var t = FG.el('time', null, label + ' ' + FG.relative(iso));
    t.dateTime = iso;
    t.title = label + ' ' + FG.absolute.format(new Date(iso));
    wrap.appendChild(t);
    return wrap;
  };

  FG.formatCount = function (n) {
    return n >= 10000 ? (n / 1000).toFixed(0) + 'k' : n >= 1000 ? (n / 1000).toFixed(1).replace(/\.0$/, '') + 'k' : String(n);
  };
  FG.plural = function (n, one, many) { return n.toLocaleString('en') + ' ' + (n === 1 ? one : many); };

  // initials("Ada Lovelace") is "AL"; avatars from another host are never loaded (no request leaves
  // the server's origin), so people show as their initials.
  FG.initials = function (s) {
    var parts = String(s || '?').replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(/\s+/);
    var out = parts.length > 1 ? parts[0].charAt(0) + parts[parts.length - 1].charAt(0) : (parts[0] || '?').slice(0, 2);
    return out.toUpperCase() || '?';
  };
  FG.sameOrigin = function (url) {
    try {
      return new URL(url, location.href).origin === location.origin;
    } catch (e) {
      return false;
    }
  };

  var CODES = {
    UNAUTHENTICATED: 'not signed in (the token is missing, invalid or expired)',
    FORBIDDEN: 'access denied',
    RATE_LIMITED: 'rate limited',
    UPSTREAM_UNAVAILABLE: 'unavailable',
    UPSTREAM_TIMEOUT: 'timed out',
    NOT_FOUND: 'not found',
    INTERNAL: 'internal error'
  };
  FG.codeText = function (code) { return CODES[code] || String(code || 'error').toLowerCase().replace(/_/g, ' '); };

  // mutationError says in plain words why a change failed: what the code means for this forge and
  // what to do, then the server's own message.
  FG.mutationError = function (err, provider, what) {
    var ext = (err && err.extensions) || {};
    var forge = FG.forgeName(ext.provider || provider);
    var msg = (err && err.message) || 'unknown error';
    switch (ext.code) {
      case 'CONFLICT':
        return forge + ' refused: the name is already taken (or the repository is in a state that does not allow this). Choose another name. (' + msg + ')';
      case 'FORBIDDEN':
        if (/ALLOW_MUTATIONS/.test(msg)) {
          return 'Changes are turned off on this server: it would use its own ' + forge + ' token, and ALLOW_MUTATIONS is not set. Ask its operator to set ALLOW_MUTATIONS=true, or send your own token.';
        }
        return 'You do not have permission to ' + what + ' on ' + forge + '. (' + msg + ')';
      case 'NOT_SUPPORTED':
        return forge + ' cannot ' + what + ' through forgegraph. (' + msg + ')';
      case 'NOT_FOUND':
        return 'The repository no longer exists on ' + forge + ', or you cannot see it.';
      case 'UNAUTHENTICATED':
        return forge + ' did not accept the token: it is missing, invalid or expired.';
      case 'BAD_USER_INPUT':
        return 'Check the form: ' + msg;
      default:
        return msg + (ext.code ? ' [' + ext.code + ']' : '');
    }
  };

  // toast shows a short message at the bottom of the page for a few seconds.
  FG.toast = function (text, kind) {
    var box = FG.$('toasts');
    var t = FG.el('div', 'toast' + (kind ? ' ' + kind : ''), text);
    t.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    box.appendChild(t);
    setTimeout(function () { t.remove(); }, 6000);
  };
})();
