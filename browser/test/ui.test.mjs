// Browser test of forgegraph's pages against a running demo server (browser/run.sh starts one and sets
// FORGEGRAPH_URL): GraphiQL, and the dashboard's list (infinite scroll, forges, sort, banners,
// retry). Headless Chromium through playwright-core. Every page may talk to loopback only: a request
// to any other host is blocked and fails the test. Expected lists and counts come from the GraphQL
// API itself, not from numbers written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, PAGE_SIZE, PROVIDER_NAMES, gql, walk, schemaHas, open, shot, gotoDashboard, recordQueries, rowIds, scrollToEnd, checkList, checkPaging,
} from './lib.mjs';

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

  // One tab per sample query (details, filters, owners, public lists, each mutation), the sample
  // first; the optional parts only when the schema has them.
  const has = await schemaHas();
  const fields = (await gql('{ __type(name: "Query") { fields { name } } }')).__type.fields.map((f) => f.name);
  const want = ['Repositories', 'Details'];
  if (has.filters) want.push('Filters');
  if (has.owners) want.push('Owner');
  if (fields.includes('publicRepositories')) want.push('Public');
  want.push('Create', 'Update', 'Delete');
  const tabs = await page.$$eval('.graphiql-tab', (els) => els.map((e) => e.textContent.replace(/icon$/, '').trim()));
  assert.deepEqual(tabs, want, 'GraphiQL opens one tab per sample');

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
    if (route.request().postDataJSON()?.operationName === 'Dashboard' && injected++ === 0) {
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
  await page.route('**/graphql', (route) => {
    if (route.request().postDataJSON()?.operationName !== 'Dashboard') return route.continue();
    return n++ === 1 ? route.abort('connectionrefused') : route.continue();
  });
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
