// Shared kit of the browser tests: the API (for expected values, never numbers written in a test),
// pages in fresh contexts that block and record every request off loopback, screenshots, and the
// dashboard's list helpers. browser/run.sh starts a demo server and sets FORGEGRAPH_URL.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = (process.env.FORGEGRAPH_URL || '').replace(/\/$/, '');
export const OUT = process.env.OUT_DIR || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
export const PAGE_SIZE = 30; // the dashboard's page size
export const PROVIDER_NAMES = { GITHUB: 'GitHub', GITLAB: 'GitLab', BITBUCKET: 'Bitbucket', CODEARTS: 'CodeArts', GITEA: 'Gitea' };

export let browser;

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

export async function gql(query, variables = {}) {
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

// walk returns the whole list for the arguments (provider, sort, direction and, where the schema has
// them, query, privacy, affiliations, isFork, isArchived), as the API pages it (100 at a time).
const ARG_TYPES = {
  provider: 'Provider', sort: 'RepositorySort', direction: 'OrderDirection', query: 'String',
  privacy: 'RepositoryPrivacy', affiliations: '[RepositoryAffiliation!]', isFork: 'Boolean', isArchived: 'Boolean',
};
export async function walk(args = {}) {
  const names = Object.keys(args).filter((k) => args[k] !== undefined);
  const defs = names.map((k) => `$${k}: ${ARG_TYPES[k]}`).concat(['$after: String']).join(', ');
  const pass = names.map((k) => `${k}: $${k}`).concat(['first: 100', 'after: $after']).join(', ');
  const q = `query(${defs}) { viewer { repositories(${pass}) {
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

// schemaHas tells which optional parts the server's schema has: the list filters, owners.
export async function schemaHas() {
  const d = await gql(`{ q: __type(name: "Query") { fields { name } } v: __type(name: "Viewer") { fields { name args { name } } } }`);
  const repos = d.v.fields.find((f) => f.name === 'repositories');
  return {
    filters: ['query', 'privacy', 'affiliations', 'isFork', 'isArchived'].every((a) => repos.args.some((x) => x.name === a)),
    owners: d.q.fields.some((f) => f.name === 'repositoryOwner'),
  };
}

// ---- pages

// open gives a page in a fresh context that blocks and records every request off loopback and
// records page errors and console errors.
export async function open(t, opts = {}) {
  const context = await browser.newContext({
    viewport: opts.viewport || { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: opts.colorScheme || 'light',
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

export async function shot(page, name, opts = {}) {
  const file = path.join(OUT, name);
  await page.screenshot({ path: file, ...opts });
  const size = fs.statSync(file).size;
  assert.ok(size < 300 * 1024, `${name} is ${size} bytes, over 300 KB`);
}

export async function gotoDashboard(page, query = '') {
  const res = await page.goto(BASE + '/dashboard' + query);
  assert.equal(res.status(), 200,
    `GET /dashboard is HTTP ${res.status()}: mount it in internal/server/server.go: mux.Handle("GET /dashboard", web.Dashboard())`);
}

// records the dashboard's list requests (operation Dashboard): variables and the answer's
// pageInfo, in order.
export function recordQueries(page) {
  const log = [];
  page.on('response', async (res) => {
    if (!res.url().endsWith('/graphql') || res.request().method() !== 'POST') return;
    const sent = JSON.parse(res.request().postData() || '{}');
    if (sent.operationName !== 'Dashboard') return;
    const entry = { variables: sent.variables || {} };
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

export const rowIds = (page) => page.$$eval('#list li.repo', (els) => els.map((e) => e.dataset.id));
export const statusState = (page) => page.getAttribute('#status', 'data-state');

// scrollToEnd scrolls the dashboard until it says every repository is shown.
export async function scrollToEnd(page) {
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
export async function checkList(page, expected, what) {
  const ids = await rowIds(page);
  assert.equal(new Set(ids).size, ids.length, `${what}: a repository is shown more than once`);
  assert.equal(ids.length, expected.total, `${what}: ${ids.length} rows for totalCount ${expected.total}`);
  assert.deepEqual(ids, expected.ids, `${what}: the rows are not the API's list in its order`);
  assert.equal(await page.getAttribute('#total', 'data-total'), String(expected.total), `${what}: total shown`);
  const providers = await page.$$eval('#list li.repo', (els) => els.map((e) => e.dataset.provider));
  assert.deepEqual(providers, expected.nodes.map((n) => n.provider), `${what}: provider badges`);
}

// checkPaging asserts the dashboard asked for pages of 30, each after the previous answer's endCursor.
export function checkPaging(log, total, what) {
  assert.equal(log.length, Math.max(1, Math.ceil(total / PAGE_SIZE)), `${what}: number of page requests`);
  log.forEach((q, i) => {
    assert.equal(q.variables.first, PAGE_SIZE, `${what}: request ${i} asks for first: ${q.variables.first}`);
    const want = i === 0 ? undefined : log[i - 1].pageInfo?.endCursor;
    assert.equal(q.variables.after, want, `${what}: request ${i} is not after the previous endCursor`);
  });
}

