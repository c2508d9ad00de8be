// Runs graphql-http's GraphQL over HTTP server audits against a GraphQL endpoint.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
//
// Prints one line per audit (its result, id and name, and the reason when it is not ok), then a
// summary of warnings (failed SHOULDs) and notices (failed MAYs), then the closing line
// "N passed, N failed": ok audits pass, failed MUSTs (status "error") fail. Exits 1 when a MUST
// fails, 2 on a usage error.
import { serverAudits } from 'graphql-http';

const url = process.argv[2] || process.env.GRAPHQL_URL;
if (!url) {
  console.error('usage: node audit.mjs <url of the GraphQL endpoint>');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  let result;
  try {
    result = await audit.fn();
  } catch (err) {
    // graphql-http throws only on fatal problems (no answer at all): count them as failed.
    result = { id: audit.id, name: audit.name, status: 'error', reason: `fatal: ${err?.message ?? err}` };
  }
  results.push(result);
  const line = `${result.status.padEnd(6)} ${result.id} ${result.name}`;
  if (result.status === 'ok') {
    console.log(line);
    continue;
  }
  let detail = '';
  if (result.response) {
    try {
      detail = ` (HTTP ${result.response.status} ${result.response.headers.get('content-type') ?? ''}: ${(await result.response.text()).slice(0, 300)})`;
    } catch {
      detail = ` (HTTP ${result.response.status})`;
    }
  }
  console.log(`${line}\n       ${result.reason}${detail}`);
}

const count = (status) => results.filter((r) => r.status === status).length;
const passed = count('ok');
const failed = count('error');
console.log(`${count('warn')} warnings (failed SHOULD audits), ${count('notice')} notices (failed MAY audits)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
