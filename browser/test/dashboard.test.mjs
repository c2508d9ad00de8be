// Browser test of the dashboard as a whole product, against the demo server (browser/run.sh): search
// and chips (when the schema has the list filters), cards loaded with their page, the repository
// page with branches paged to the end, create / rename / archive / delete (the demo's in-memory forges
// take writes), plain-words errors, banners, keyboard, phone width, dark mode, and no request off
// the server's origin (every test's page blocks and records any). Expected values come from the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PAGE_SIZE, gql, walk, open, shot, gotoDashboard, rowIds, scrollToEnd, checkList, schemaHas } from './lib.mjs';

const has = await schemaHas();
const noFilters = has.filters ? false
  : 'the schema has no list filters yet (Viewer.repositories query/privacy/affiliations/isFork/isArchived): search and chips are hidden';
const noOwners = has.owners ? false : 'the schema has no Query.repositoryOwner yet: owner pages are off';
if (noFilters) console.log('# skipping the search and chip tests: ' + noFilters);
if (noOwners) console.log('# skipping the owner page test: ' + noOwners);

// graphqlOps records the operation names of the page's POST /graphql requests.
function graphqlOps(page) {
  const ops = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/graphql') && r.method() === 'POST') ops.push(r.postDataJSON()?.operationName || '(none)');
  });
  return ops;
}

async function waitTotal(page, n) {
  await page.waitForFunction((want) => document.getElementById('total').dataset.total === String(want) &&
    document.getElementById('status').dataset.state !== 'loading', n, { timeout: 20000 });
}

const repoQuery = `query($p: Provider!, $n: String!) { repository(provider: $p, nameWithOwner: $n) { id name nameWithOwner isArchived } }`;

test('cards show languages, branch count and stars from the one list query per page', async (t) => {
  const { page, done } = await open(t);
  const ops = graphqlOps(page);
  await gotoDashboard(page);
  await page.waitForSelector('#total[data-total]');
  await page.waitForFunction(() => document.getElementById('status').dataset.state === 'more');
  const api = (await gql(`{ viewer { repositories(first: ${PAGE_SIZE}) { nodes { id stargazerCount
      languages(first: 3) { edges { percentage node { name } } } branches(first: 0) { totalCount } } } } }`)).viewer.repositories.nodes;
  assert.deepEqual(ops, ['Features', 'Dashboard'], 'one query for the schema, one for the first page: never one per card');
  const cards = await page.$$eval('#list li.repo', (els) => els.map((e) => ({
    id: e.dataset.id,
    branches: e.querySelector('.branches')?.dataset.count ?? null,
    langs: [...e.querySelectorAll('.lang-legend .lang')].map((l) => l.dataset.language),
    segs: e.querySelectorAll('.lang-bar .lang-seg').length,
    stars: e.querySelector('.stars')?.textContent ?? null,
  })));
  assert.equal(cards.length, api.length);
  cards.forEach((c, i) => {
    const r = api[i];
    assert.equal(c.id, r.id);
    assert.equal(c.branches, r.branches ? String(r.branches.totalCount) : null, `${r.id}: branch count`);
    const names = (r.languages?.edges || []).slice(0, 3).map((e) => e.node.name);
    assert.deepEqual(c.langs, names, `${r.id}: languages`);
    assert.equal(c.segs, names.length, `${r.id}: coloured bar segments`);
    if (r.stargazerCount !== null) assert.ok(c.stars !== null, `${r.id}: stars`);
  });
  assert.ok(cards.some((c) => c.langs.length > 1), 'the demo has cards with several languages');
  done();
});

test('search narrows the list and the count matches the API', { skip: noFilters }, async (t) => {
  const term = 'api';
  const expected = await walk({ query: term });
  const all = await walk({});
  assert.ok(expected.total > 0 && expected.total < all.total, 'the search term narrows the demo list');
  const { page, done } = await open(t);
  await gotoDashboard(page);
  await page.waitForSelector('#total[data-total]');
  await page.fill('#search', term);
  await waitTotal(page, expected.total);
  assert.match(page.url(), /[?&]q=api\b/);
  await scrollToEnd(page);
  await checkList(page, expected, 'search "api"');
  const names = await page.$$eval('#list li.repo', (els) => els.map((e) => e.dataset.name.toLowerCase()));
  assert.ok(names.every((n) => n.includes(term)), 'every card contains the term');
  // Bookmarkable: the URL alone gives the same view.
  await page.goto(page.url());
  await waitTotal(page, expected.total);
  assert.equal(await page.inputValue('#search'), term);
  done();
});

const CHIPS = [
  ['OWNER', { affiliations: ['OWNER'] }, /affiliations=OWNER/],
  ['ORGANIZATION_MEMBER', { affiliations: ['ORGANIZATION_MEMBER'] }, /affiliations=ORGANIZATION_MEMBER/],
  ['COLLABORATOR', { affiliations: ['COLLABORATOR'] }, /affiliations=COLLABORATOR/],
  ['PRIVATE', { privacy: 'PRIVATE' }, /privacy=PRIVATE/],
  ['PUBLIC', { privacy: 'PUBLIC' }, /privacy=PUBLIC/],
  ['FORK', { isFork: true }, /forks=1/],
  ['ARCHIVED', { isArchived: true }, /archived=1/],
];

test('each chip filters the list to the API total, and combines with the forge filter', { skip: noFilters }, async (t) => {
  const { page, done } = await open(t);
  await gotoDashboard(page);
  await page.waitForSelector('#total[data-total]');
  for (const [chip, args, inURL] of CHIPS) {
    const expected = await walk(args);
    await page.click(`#chips button[data-chip="${chip}"]`);
    await waitTotal(page, expected.total);
    assert.equal(await page.getAttribute(`#chips button[data-chip="${chip}"]`, 'aria-pressed'), 'true', chip);
    assert.match(page.url(), inURL, `${chip} is in the URL`);
    const ids = await rowIds(page);
    assert.deepEqual(ids, expected.ids.slice(0, ids.length), `${chip}: the first page is the API's`);
    await page.click(`#chips button[data-chip="${chip}"]`); // off again
    await page.waitForFunction(() => !/[?&](affiliations|privacy|forks|archived)=/.test(location.search));
  }
  // A chip with a forge: both in the query and the URL.
  const both = await walk({ provider: 'GITLAB', privacy: 'PRIVATE' });
  await page.click('#providers button[data-provider="GITLAB"]');
  await page.click('#chips button[data-chip="PRIVATE"]');
  await waitTotal(page, both.total);
  assert.match(page.url(), /provider=GITLAB/);
  assert.match(page.url(), /privacy=PRIVATE/);
  done();
});

test('owner page: click an owner to list its repositories', { skip: noOwners }, async (t) => {
  const { page, done } = await open(t);
  await gotoDashboard(page, '?provider=GITHUB&sort=FULL_NAME');
  await page.waitForSelector('#list li.repo .repo-name a.owner');
  const first = page.locator('#list li.repo').first();
  const name = await first.getAttribute('data-name');
  const login = name.slice(0, name.lastIndexOf('/'));
  const api = (await gql(`query($l: String!) { repositoryOwner(provider: GITHUB, login: $l) { login repositories(first: 100) { totalCount } } }`,
    { l: login })).repositoryOwner;
  await first.locator('a.owner').click();
  await waitTotal(page, api.repositories.totalCount);
  assert.match(page.url(), new RegExp('owner=GITHUB%3A' + encodeURIComponent(login)));
  assert.match(await page.textContent('#owner-head'), new RegExp(login));
  const names = await page.$$eval('#list li.repo', (els) => els.map((e) => e.dataset.name));
  assert.ok(names.every((n) => n.startsWith(login + '/')), 'only the owner\'s repositories');
  done();
});

test('repository page: every field, and branches paged to the end', async (t) => {
  const list = (await gql(`{ viewer { repositories(first: 100) { nodes { provider nameWithOwner branches(first: 0) { totalCount } } } } }`)).viewer.repositories.nodes;
  const repo = list.reduce((a, b) => ((b.branches?.totalCount || 0) > (a.branches?.totalCount || 0) ? b : a));
  assert.ok(repo.branches.totalCount > 100, 'the demo has a repository with more than 100 branches');
  const branches = [];
  for (let after = null, i = 0; i < 20; i++) {
    const c = (await gql(`query($p: Provider!, $n: String!, $a: String) { repository(provider: $p, nameWithOwner: $n) {
      branches(first: 100, after: $a) { pageInfo { hasNextPage endCursor } nodes { name } } } }`,
    { p: repo.provider, n: repo.nameWithOwner, a: after })).repository.branches;
    branches.push(...c.nodes.map((n) => n.name));
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  const { page, done } = await open(t);
  await gotoDashboard(page, '?repo=' + encodeURIComponent(repo.provider + ':' + repo.nameWithOwner));
  await page.waitForSelector('#repo-view[data-loaded]');
  assert.match(await page.textContent('#repo-view .repo-title'), new RegExp(repo.nameWithOwner.split('/').pop()));
  assert.match(await page.textContent('#about'), /Default branch/);
  await page.mouse.move(0, 0);
  await shot(page, 'repository.png');
  const more = page.locator('#branches button.more');
  for (let i = 0; i < 20 && (await more.isVisible()); i++) {
    const before = await page.locator('#branches li.ref').count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('#branches li.ref').length > n, before);
  }
  const shown = await page.$$eval('#branches li.ref', (els) => els.map((e) => e.dataset.name));
  assert.deepEqual(shown, branches, 'every branch once, in the API\'s order');
  assert.match(await page.textContent('#branches .paged-note'), new RegExp(`All ${branches.length} branches shown`));
  done();
});

test('repository page: contributors as initials (no avatar from another host), parent of a fork, Back', async (t) => {
  const nodes = (await gql(`{ viewer { repositories(provider: GITHUB, first: 100) { nodes { nameWithOwner isFork
    parent { nameWithOwner } contributors(first: 1) { totalCount nodes { avatarUrl } } } } } }`)).viewer.repositories.nodes;
  const withPeople = nodes.find((n) => n.contributors?.totalCount > 0 && /^https?:/.test(n.contributors.nodes[0].avatarUrl || ''));
  assert.ok(withPeople, 'a GitHub repository with contributors whose avatars are on another host');
  const { page, done } = await open(t);
  await gotoDashboard(page, '?repo=' + encodeURIComponent('GITHUB:' + withPeople.nameWithOwner));
  await page.waitForSelector('#repo-view[data-loaded]');
  assert.equal(await page.locator('#contributors li.person').count(), Math.min(30, withPeople.contributors.totalCount));
  assert.equal(await page.locator('#contributors img').count(), 0, 'no avatar image from another host');
  assert.ok(await page.locator('#contributors .avatar.initials').count() > 0);
  const fork = nodes.find((n) => n.isFork && n.parent);
  if (fork) {
    await gotoDashboard(page, '?repo=' + encodeURIComponent('GITHUB:' + fork.nameWithOwner));
    await page.waitForSelector('#repo-view[data-loaded]');
    assert.match(await page.textContent('#repo-view .parent'), new RegExp('Forked from ' + fork.parent.nameWithOwner));
  }
  await page.click('#repo-view a.back');
  await page.waitForSelector('#list li.repo');
  assert.equal(new URL(page.url()).search, '');
  done();
});

// Shared by the write tests below, which run in order.
const made = { name: 'browser-made-' + Date.now().toString(36) };

test('create: the dialog makes a repository and it appears in the list at once; errors in plain words', async (t) => {
  const { page, done } = await open(t);
  await gotoDashboard(page);
  await page.waitForSelector('#list li.repo');
  const before = Number(await page.getAttribute('#total', 'data-total'));
  await page.click('#new-repo');
  await page.waitForSelector('#create-dialog[open]');
  // Escape closes it.
  await page.keyboard.press('Escape');
  await page.waitForSelector('#create-dialog:not([open])', { state: 'attached' });
  await page.click('#new-repo');
  await page.selectOption('#create-provider', 'GITHUB');
  await page.fill('#create-name', made.name);
  await page.fill('#create-description', 'made by the browser test');
  await page.click('#create-submit');
  await page.waitForSelector('#create-dialog:not([open])', { state: 'attached' });
  await waitTotal(page, before + 1);
  const first = page.locator('#list li.repo').first();
  made.nameWithOwner = await first.getAttribute('data-name');
  assert.match(made.nameWithOwner, new RegExp('/' + made.name + '$'), 'the new repository is first (newest push)');
  const api = (await gql(repoQuery, { p: 'GITHUB', n: made.nameWithOwner })).repository;
  assert.ok(api, 'the API has it');
  assert.match(await page.textContent('#toasts'), new RegExp('Created ' + made.nameWithOwner));

  // The same name again: CONFLICT, said plainly, in the dialog.
  await page.click('#new-repo');
  await page.selectOption('#create-provider', 'GITHUB');
  await page.fill('#create-name', made.name);
  await page.click('#create-submit');
  await page.waitForSelector('#create-error:not([hidden])');
  assert.match(await page.textContent('#create-error'), /GitHub refused: the name is already taken/);
  // CodeArts has no writes: NOT_SUPPORTED, said plainly.
  await page.selectOption('#create-provider', 'CODEARTS');
  await page.click('#create-submit');
  await page.waitForFunction(() => /CodeArts cannot create repositories/.test(document.getElementById('create-error').textContent));
  await page.keyboard.press('Escape');
  await page.waitForSelector('#create-dialog:not([open])', { state: 'attached' });
  done();
});

test('rename: the edit dialog renames it; the page and its URL follow', async (t) => {
  assert.ok(made.nameWithOwner, 'the create test made a repository');
  const { page, done } = await open(t);
  await gotoDashboard(page);
  await page.locator(`#list li.repo[data-name="${made.nameWithOwner}"] a.name`).click();
  await page.waitForSelector('#repo-view[data-loaded]');
  await page.click('#repo-view button[data-action="edit"]');
  await page.waitForSelector('#edit-dialog[open]');
  const renamed = made.name + '-renamed';
  await page.fill('#edit-name', renamed);
  await page.click('#edit-submit');
  const owner = made.nameWithOwner.slice(0, made.nameWithOwner.lastIndexOf('/'));
  const next = owner + '/' + renamed;
  await page.waitForFunction((n) => decodeURIComponent(location.search).includes(n), next);
  await page.waitForFunction((n) => document.querySelector('#repo-view .repo-title')?.textContent.includes(n), renamed);
  assert.ok((await gql(repoQuery, { p: 'GITHUB', n: next })).repository, 'the API has the new name');
  assert.equal((await gql(repoQuery, { p: 'GITHUB', n: made.nameWithOwner })).repository, null, 'the old name is gone');
  made.nameWithOwner = next;
  done();
});

test('archive: one click archives it, and the page says so', async (t) => {
  assert.ok(made.nameWithOwner, 'the create test made a repository');
  const { page, done } = await open(t);
  await gotoDashboard(page, '?repo=' + encodeURIComponent('GITHUB:' + made.nameWithOwner));
  await page.waitForSelector('#repo-view[data-loaded]');
  await page.click('#repo-view button[data-action="archive"]');
  await page.waitForSelector('#repo-view .tags .tag.archived');
  assert.equal((await page.textContent('#repo-view button[data-action="archive"]')).trim(), 'Unarchive');
  assert.equal((await gql(repoQuery, { p: 'GITHUB', n: made.nameWithOwner })).repository.isArchived, true);
  done();
});

test('delete: only after typing the name; then it is gone from the list', async (t) => {
  assert.ok(made.nameWithOwner, 'the create test made a repository');
  const { page, done } = await open(t);
  await gotoDashboard(page, '?repo=' + encodeURIComponent('GITHUB:' + made.nameWithOwner));
  await page.waitForSelector('#repo-view[data-loaded]');
  await page.click('#repo-view button[data-action="delete"]');
  await page.waitForSelector('#delete-dialog[open]');
  assert.equal(await page.isDisabled('#delete-submit'), true, 'disabled before the name is typed');
  await page.fill('#delete-confirm', made.nameWithOwner.toUpperCase());
  assert.equal(await page.isDisabled('#delete-submit'), true, 'a different name does not confirm');
  await page.fill('#delete-confirm', made.nameWithOwner);
  assert.equal(await page.isDisabled('#delete-submit'), false);
  await page.click('#delete-submit');
  await page.waitForSelector('#list li.repo');
  await page.waitForSelector('#status[data-state="more"]');
  assert.equal(await page.locator(`#list li.repo[data-name="${made.nameWithOwner}"]`).count(), 0);
  assert.equal((await gql(repoQuery, { p: 'GITHUB', n: made.nameWithOwner })).repository, null, 'the API has it no more');
  assert.match(await page.textContent('#toasts'), new RegExp('Deleted ' + made.nameWithOwner));
  done();
});

test('a banner per failing forge, and one for a forge answered from kept copies', async (t) => {
  const { page, done } = await open(t);
  const asOf = new Date(Date.now() - 12 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  await page.route('**/graphql', async (route) => {
    if (route.request().postDataJSON()?.operationName !== 'Dashboard') return route.continue();
    const response = await route.fetch();
    const body = await response.json();
    body.errors = [
      { message: 'gitlab: the forge answered HTTP 503', path: ['viewer', 'repositories'], extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'GITLAB', source: 'gitlab' } },
      { message: 'bitbucket: no answer in time', path: ['viewer', 'repositories'], extensions: { code: 'UPSTREAM_TIMEOUT', provider: 'BITBUCKET', source: 'bitbucket' } },
    ];
    body.extensions = { stale: [{ provider: 'GITHUB', source: 'github', asOf, reason: 'UPSTREAM_UNAVAILABLE' }] };
    await route.fulfill({ response, json: body });
  });
  await gotoDashboard(page);
  await page.waitForSelector('#list li.repo');
  await page.locator('.banner[data-provider="GITLAB"][data-code="UPSTREAM_UNAVAILABLE"]').waitFor();
  await page.locator('.banner[data-provider="BITBUCKET"][data-code="UPSTREAM_TIMEOUT"]').waitFor();
  assert.match(await page.textContent('.banner[data-provider="GITLAB"]'), /GitLab is unavailable/);
  assert.match(await page.textContent('.banner[data-provider="BITBUCKET"]'), /Bitbucket is timed out/);
  assert.match(await page.textContent('.banner.stale[data-source="github"]'), /GitHub is unreachable: showing data from 12 minutes ago/);
  assert.equal(await page.locator('.banner').count(), 3);
  done();
});

test('keyboard: a skip link to the search, labels on every control, Escape closes dialogs', async (t) => {
  const { page, done } = await open(t);
  await gotoDashboard(page);
  await page.waitForSelector('#list li.repo');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link', 'the first Tab reaches the skip link');
  if (has.filters) {
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    // After the skip link's jump, the next Tab lands on the search box or right after it.
    const tabs = [];
    await page.focus('a.skip-link');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      tabs.push(await page.evaluate(() => document.activeElement.id));
      if (tabs.at(-1) === 'search') break;
    }
    assert.ok(tabs.includes('search'), `the search box is reached within ${tabs.length} Tabs: ${tabs}`);
  }
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
    .map((e) => e.id || e.outerHTML.slice(0, 60)));
  assert.deepEqual(unlabelled, [], 'every control has a label');
  await page.click('#new-repo');
  await page.waitForSelector('#create-dialog[open]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'create-name', 'the dialog focuses its first field');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#create-dialog:not([open])', { state: 'attached' });
  done();
});

async function noHorizontalScroll(page, what) {
  const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(sw <= cw, `${what}: the page is ${sw}px wide in a ${cw}px viewport`);
}

test('phone (390 px): no horizontal scroll on the list, a long CodeArts path, the dialogs', async (t) => {
  const { page, done } = await open(t, { viewport: { width: 390, height: 844 } });
  await gotoDashboard(page);
  await page.waitForSelector('#list li.repo');
  await noHorizontalScroll(page, 'list');
  await page.mouse.move(0, 0);
  await shot(page, 'dashboard-phone.png');
  const ca = (await gql(`{ viewer { repositories(provider: CODEARTS, first: 1) { nodes { nameWithOwner } } } }`)).viewer.repositories.nodes[0];
  await gotoDashboard(page, '?provider=CODEARTS');
  await page.waitForSelector('#list li.repo[data-provider="CODEARTS"]');
  await noHorizontalScroll(page, 'CodeArts list');
  const box = await page.locator('#list li.repo .repo-name').first().boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, 'the long CodeArts path wraps inside the screen');
  await gotoDashboard(page, '?repo=' + encodeURIComponent('CODEARTS:' + ca.nameWithOwner));
  await page.waitForSelector('#repo-view[data-loaded]');
  await noHorizontalScroll(page, 'CodeArts repository page');
  await page.click('#new-repo');
  await page.waitForSelector('#create-dialog[open]');
  await noHorizontalScroll(page, 'create dialog');
  done();
});

test('dark mode follows prefers-color-scheme', async (t) => {
  const { page, done } = await open(t, { colorScheme: 'dark' });
  await gotoDashboard(page);
  await page.waitForSelector('#list li.repo');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 120, `the background is dark: ${bg}`);
  await page.mouse.move(0, 0);
  await shot(page, 'dashboard-dark.png');
  done();
});
