// Browser test of forgegraph's pages against a running demo server (browser/run.sh starts one and sets
// FORGEGRAPH_URL). Headless Chromium through playwright-core. Every page may talk to loopback only:
// a request to any other host is blocked and fails the test. Expected lists and counts come from
// the GraphQL API itself, not from numbers written here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const BASE = (process.env.FORGEGRAPH_URL || '').replace(/\/$/, '');
const OUT = process.env.OUT_DIR || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const PAGE_SIZE = 30; // the dashboard's page size
const PROVIDER_NAMES = { GITHUB: 'GitHub', GITLAB: 'GitLab', BITBUCKET: 'Bitbucket', CODEARTS: 'CodeArts', GITEA: 'Gitea' };

let browser;

before(async () => {
  assert.ok(BASE, 'FORGEGRAPH_URL is not set: run browser/run.sh');
  assert.ok(LOOPBACK.has(new URL(BASE).hostname), `FORGEGRAPH_URL ${BASE} is not a loopback address`);
  fs.mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
});

// ---- the API, for expected values

async function gql(query, variables = {}) {
  const res = await fetch(BASE + '/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  assert.equal(res.status, 200, `POST /graphql: HTTP ${res.status}`);
  const body = await res.json();
  assert.equal(body.errors, undefined, `POST /graphql: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// walk returns the whole list for the arguments, as the API pages it (100 at a time).
async function walk(args = {}) {
  const q = `query($provider: Provider, $sort: RepositorySort, $direction: OrderDirection, $after: String) {
    viewer { repositories(provider: $provider, sort: $sort, direction: $direction, first: 100, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id provider nameWithOwner } } } }`;
  const nodes = [];
  let after = null;
  let total = null;
  for (let i = 0; i < 1000; i++) {
    const c = (await gql(q, { ...args, after })).viewer.repositories;
    total = c.totalCount;
    nodes.push(...c.nodes);
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  assert.equal(nodes.length, total, `the API's walk of ${JSON.stringify(args)} gave ${nodes.length} of totalCount ${total}`);
  return { total, ids: nodes.map((n) => n.id), nodes };
}

// ---- pages

// open gives a page in a fresh context that blocks and records every request off loopback and
// records page errors and console errors.
async function open(t) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
    locale: 'en-US',
    timezoneId: 'UTC',
    serviceWorkers: 'block',
  });
  const outside = [];
  const problems = [];
  const offLoopback = (url) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    return ['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) && !LOOPBACK.has(u.hostname);
  };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (offLoopback(url)) {
      outside.push(url);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  context.on('request', (r) => {
    if (offLoopback(r.url()) && !outside.includes(r.url())) outside.push(r.url());
  });
  const page = await context.newPage();
  page.on('websocket', (ws) => {
    if (offLoopback(ws.url())) outside.push(ws.url());
  });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push('console error: ' + m.text());
  });
  t.after(() => context.close());
  return {
    page,
    // done asserts nothing left loopback and the page logged no error. allowed: console texts to ignore.
    done(allowed = []) {
      assert.deepEqual(outside, [], 'the page requested hosts other than loopback');
      const left = problems.filter((p) => !allowed.some((a) => p.includes(a)));
      assert.deepEqual(left, [], 'the page logged errors');
    },
  };
}

async function shot(page, name, opts = {}) {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, ...opts });
  const size = fs.statSync(file).size;
  assert.ok(size < 300 * 1024, `${name} is ${size} bytes, over 300 KB`);
}

async function gotoDashboard(page, query = '') {
  const res = await page.goto(BASE + '/dashboard' + query);
  assert.equal(res.status(), 200,
    `GET /dashboard is HTTP ${res.status()}: mount it in internal/server/server.go: mux.Handle("GET /dashboard", web.Dashboard())`);
}

// records the dashboard's GraphQL requests: variables and the answer's pageInfo, in order.
function recordQueries(page) {
  const log = [];
  page.on('response', async (res) => {
    if (!res.url().endsWith('/graphql') || res.request().method() !== 'POST') return;
    const entry = { variables: JSON.parse(res.request().postData() || '{}').variables || {} };
    log.push(entry);
    try {
      const body = await res.json();
      entry.pageInfo = body.data?.viewer?.repositories?.pageInfo;
    } catch {
      entry.pageInfo = null;
    }
  });
  return log;
}

const rowIds = (page) => page.$$eval('#list li.repo', (els) => els.map((e) => e.dataset.id));
const statusState = (page) => page.getAttribute('#status', 'data-state');

// scrollToEnd scrolls the dashboard until it says every repository is shown.
async function scrollToEnd(page) {
  for (let i = 0; i < 200; i++) {
    const state = await statusState(page);
    if (state === 'done' || state === 'empty') return;
    assert.notEqual(state, 'error', 'the dashboard showed an error: ' + (await page.textContent('#status')));
    const before = (await rowIds(page)).length;
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForFunction(
      (n) => {
        const s = document.getElementById('status').dataset.state;
        return document.querySelectorAll('#list li.repo').length > n || s === 'done' || s === 'error' || s === 'empty';
      },
      before,
      { timeout: 15000 },
    );
  }
  assert.fail('the dashboard never reached the end of the list');
}

// checkList asserts the rendered rows are exactly the API's list: each once, in order.
async function checkList(page, expected, what) {
  const ids = await rowIds(page);
  assert.equal(new Set(ids).size, ids.length, `${what}: a repository is shown more than once`);
  assert.equal(ids.length, expected.total, `${what}: ${ids.length} rows for totalCount ${expected.total}`);
  assert.deepEqual(ids, expected.ids, `${what}: the rows are not the API's list in its order`);
  assert.equal(await page.getAttribute('#total', 'data-total'), String(expected.total), `${what}: total shown`);
  const providers = await page.$$eval('#list li.repo', (els) => els.map((e) => e.dataset.provider));
  assert.deepEqual(providers, expected.nodes.map((n) => n.provider), `${what}: provider badges`);
}

// checkPaging asserts the dashboard asked for pages of 30, each after the previous answer's endCursor.
function checkPaging(log, total, what) {
  assert.equal(log.length, Math.max(1, Math.ceil(total / PAGE_SIZE)), `${what}: number of page requests`);
  log.forEach((q, i) => {
    assert.equal(q.variables.first, PAGE_SIZE, `${what}: request ${i} asks for first: ${q.variables.first}`);
    const want = i === 0 ? undefined : log[i - 1].pageInfo?.endCursor;
    assert.equal(q.variables.after, want, `${what}: request ${i} is not after the previous endCursor`);
  });
}

// ---- tests

test('GraphiQL at / is served locally and runs the sample query', async (t) => {
  const { page, done } = await open(t);
  const api = await gql(
    `query Repositories($after: String) { viewer { repositories(sort: PUSHED, first: 10, after: $after) { totalCount nodes { nameWithOwner } } } }`,
  );
  const introspection = page.waitForResponse(
    (r) => r.url().endsWith('/graphql') && (r.request().postData() || '').includes('IntrospectionQuery'),
    { timeout: 20000 },
  );
  const res = await page.goto(BASE + '/');
  assert.equal(res.status(), 200);
  await page.waitForSelector('.graphiql-container', { timeout: 20000 });

  // GraphiQL read the schema (docs, completion): the server answers its standard introspection query.
  const schema = await (await introspection).json();
  assert.equal(schema.errors, undefined, `GraphiQL's introspection query was refused: ${JSON.stringify(schema.errors)}`);
  assert.ok(schema.data?.__schema?.types?.some((ty) => ty.name === 'Repository'), 'introspection lists Repository');

  // The editor holds the sample query exactly as the server sent it.
  const sample = await page.getAttribute('#graphiql', 'data-query');
  assert.match(sample, /query Repositories/);
  const editorValue = () =>
    page.evaluate(() => document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror?.getValue());
  await page.waitForFunction(() => document.querySelector('.graphiql-query-editor .CodeMirror')?.CodeMirror?.getValue());
  assert.equal(await editorValue(), sample);

  // Run it as it is.
  const ran = page.waitForResponse(
    (r) => r.url().endsWith('/graphql') && (r.request().postData() || '').includes('"operationName":"Repositories"'),
  );
  await page.click('.graphiql-execute-button');
  await ran;
  const resultText = () =>
    page.evaluate(() => document.querySelector('.result-window .CodeMirror')?.CodeMirror?.getValue() || '');
  await page.waitForFunction(
    () => (document.querySelector('.result-window .CodeMirror')?.CodeMirror?.getValue() || '').includes('"nodes"'),
    null,
    { timeout: 15000 },
  );
  const result = JSON.parse(await resultText());
  assert.equal(result.errors, undefined, 'the sample query answered errors');
  const conn = result.data.viewer.repositories;
  assert.equal(conn.totalCount, api.viewer.repositories.totalCount);
  assert.deepEqual(conn.nodes.map((n) => n.nameWithOwner), api.viewer.repositories.nodes.map((n) => n.nameWithOwner));
  assert.ok(conn.nodes.length > 0);
  // ...and the result pane shows it.
  await page.locator('.result-window').getByText(conn.nodes[0].nameWithOwner).first().waitFor();

  await shot(page, 'graphiql.png');
  done();
});

test('dashboard lists every repository once, in order, through infinite scroll', async (t) => {
  const expected = await walk({});
  const { page, done } = await open(t);
  const log = recordQueries(page);
  await gotoDashboard(page);
  await page.waitForSelector('#list li.repo');
  await page.waitForSelector('#total[data-total]');
  assert.equal(await page.getAttribute('#total', 'data-total'), String(expected.total));
  assert.equal((await rowIds(page)).length, Math.min(PAGE_SIZE, expected.total), 'first page');
  assert.equal(await page.textContent('#list li.repo .repo-name'), expected.nodes[0].nameWithOwner);
  await page.mouse.move(0, 0);
  await shot(page, 'dashboard-top.png');

  await scrollToEnd(page);
  await checkList(page, expected, 'merged list');
  checkPaging(log, expected.total, 'merged list');
  assert.match(await page.textContent('#status'), new RegExp(`All ${expected.total.toLocaleString('en')} repositories`));
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await shot(page, 'dashboard-end.png');
  done();
});

test('dashboard filters by forge', async (t) => {
  const provider = 'GITLAB';
  const expected = await walk({ provider });
  const { page, done } = await open(t);
  await gotoDashboard(page);
  await page.waitForSelector('#total[data-total]');
  const log = recordQueries(page);
  await page.click(`#providers button[data-provider="${provider}"]`);
  await page.waitForFunction(
    (n) => document.getElementById('total').dataset.total === String(n) &&
      document.querySelector('#list li.repo')?.dataset.provider === 'GITLAB',
    expected.total,
  );
  assert.equal(await page.getAttribute(`#providers button[data-provider="${provider}"]`, 'aria-pressed'), 'true');
  assert.match(page.url(), /[?&]provider=GITLAB\b/);
  log.forEach((q) => assert.equal(q.variables.provider, provider));
  await scrollToEnd(page);
  await checkList(page, expected, 'GITLAB list');
  checkPaging(log, expected.total, 'GITLAB list');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.mouse.move(0, 0);
  await shot(page, 'dashboard-gitlab.png');

  // The filter is kept in the URL: a reload shows the same list.
  await page.reload();
  await page.waitForSelector('#total[data-total]');
  assert.equal(await page.getAttribute('#total', 'data-total'), String(expected.total));
  done();
});

test('dashboard has a filter and a badge for every forge of the API, Gitea included', async (t) => {
  const enumValues = (await gql('{ __type(name: "Provider") { enumValues { name } } }')).__type.enumValues.map((v) => v.name);
  assert.ok(enumValues.includes('GITEA'), 'the API has no GITEA provider');
  const expected = await walk({ provider: 'GITEA' });
  assert.ok(expected.total > 0, 'the demo has no Gitea repositories');
  const { page, done } = await open(t);
  await gotoDashboard(page);
  await page.waitForSelector('#total[data-total]');
  const buttons = await page.$$eval('#providers button[data-provider]', (els) => els.map((e) => e.dataset.provider).filter(Boolean));
  assert.deepEqual([...buttons].sort(), [...enumValues].sort(), 'one forge button per Provider value');
  for (const p of enumValues) assert.ok(PROVIDER_NAMES[p], `no display name for ${p}`);
  const log = recordQueries(page);
  await page.click('#providers button[data-provider="GITEA"]');
  await page.waitForFunction(
    (n) => document.getElementById('total').dataset.total === String(n) &&
      document.querySelector('#list li.repo')?.dataset.provider === 'GITEA',
    expected.total,
  );
  assert.match(page.url(), /[?&]provider=GITEA\b/);
  log.forEach((q) => assert.equal(q.variables.provider, 'GITEA'));
  await scrollToEnd(page);
  await checkList(page, expected, 'GITEA list');
  checkPaging(log, expected.total, 'GITEA list');
  const badge = page.locator('#list li.repo .badge.GITEA').first();
  assert.equal((await badge.textContent()).trim(), 'Gitea', 'the Gitea badge');
  const color = await badge.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(color, 'rgba(0, 0, 0, 0)', 'the Gitea badge has no colour');
  done();
});

test('dashboard sorts by name, both directions', async (t) => {
  const asc = await walk({ sort: 'FULL_NAME' });
  const desc = await walk({ sort: 'FULL_NAME', direction: 'DESC' });
  const { page, done } = await open(t);
  await gotoDashboard(page);
  await page.waitForSelector('#total[data-total]');
  await page.selectOption('#sort', 'FULL_NAME');
  await page.waitForFunction((id) => document.querySelector('#list li.repo')?.dataset.id === id, asc.ids[0]);
  assert.equal(await page.inputValue('#direction'), 'ASC', 'FULL_NAME defaults to ASC');
  assert.deepEqual(await rowIds(page), asc.ids.slice(0, PAGE_SIZE));
  await page.selectOption('#direction', 'DESC');
  await page.waitForFunction((id) => document.querySelector('#list li.repo')?.dataset.id === id, desc.ids[0]);
  await scrollToEnd(page);
  await checkList(page, desc, 'FULL_NAME DESC');
  assert.match(page.url(), /sort=FULL_NAME/);
  assert.match(page.url(), /direction=DESC/);
  done();
});

test("dashboard shows a failing forge's error in a banner and still lists the others", async (t) => {
  const { page, done } = await open(t);
  const resetAt = new Date(Date.now() + 17 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  let injected = 0;
  // Demo mode has no failing forge: add an error entry, as the server sends one, to a real answer.
  await page.route('**/graphql', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    if (injected++ === 0) {
      body.errors = [{
        message: 'gitlab: rate limit exceeded (HTTP 429)',
        path: ['viewer', 'repositories'],
        extensions: { code: 'RATE_LIMITED', provider: 'GITLAB', source: 'gitlab', resetAt, requestId: 'test-request' },
      }];
    }
    await route.fulfill({ response, json: body });
  });
  await gotoDashboard(page);
  const banner = page.locator('.banner[data-provider="GITLAB"][data-code="RATE_LIMITED"]');
  await banner.waitFor();
  const text = await banner.textContent();
  assert.match(text, /GitLab is rate limited/);
  assert.match(text, /rate limit exceeded/);
  assert.match(text, /quota returns in 1[67] minutes/);
  assert.match(text, /test-request/);
  assert.equal((await rowIds(page)).length, PAGE_SIZE, 'the other rows still list');
  assert.equal(await page.locator('.banner').count(), 1);
  await page.mouse.move(0, 0);
  await shot(page, 'dashboard-error.png');

  // The next pages carry no error: the banner stays (once) and the list goes on.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForFunction((n) => document.querySelectorAll('#list li.repo').length > n, PAGE_SIZE);
  assert.equal(await page.locator('.banner').count(), 1);
  await banner.locator('.dismiss').click();
  assert.equal(await banner.isVisible(), false);
  done();
});

test('dashboard recovers from a network error with Retry', async (t) => {
  const expected = await walk({});
  const { page, done } = await open(t);
  let n = 0;
  await page.route('**/graphql', (route) => (n++ === 1 ? route.abort('connectionrefused') : route.continue()));
  await gotoDashboard(page);
  await page.waitForSelector('#list li.repo');
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const retry = page.locator('#status[data-state="error"] button.retry');
  await retry.waitFor();
  assert.match(await page.textContent('#status'), /Could not reach the server/);
  assert.equal((await rowIds(page)).length, PAGE_SIZE, 'no page was added by the failed request');
  await retry.click();
  await page.waitForFunction((k) => document.querySelectorAll('#list li.repo').length >= k, 2 * PAGE_SIZE);
  await scrollToEnd(page);
  await checkList(page, expected, 'after a retry');
  // the aborted request's failure is logged by Chromium as a console error
  done(['Failed to load resource', 'ERR_CONNECTION_REFUSED']);
});
