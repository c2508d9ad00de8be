#!/usr/bin/env bash
# Audits forgegraph's /graphql with graphql-http's GraphQL over HTTP server audits: installs the
# pinned audit suite, builds the server, starts it in demo mode (no configuration) on a free port,
# runs every audit and stops the server. Exits non-zero when a MUST audit fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
tmp=$(mktemp -d)
pid=
cleanup() {
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$here"
npm ci --no-audit --no-fund --loglevel=error

(cd "$root" && go build -o "$tmp/forgegraph" .)

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')

# Demo mode: no forge, no gateway key, whatever this shell has exported.
env -u PROVIDERS -u GATEWAY_API_KEY -u CORS_ALLOWED_ORIGINS \
  -u GITHUB_TOKEN -u GITLAB_TOKEN -u BITBUCKET_TOKEN -u CODEARTS_TOKEN -u OPENHANDS_API_KEY \
  PORT="$port" "$tmp/forgegraph" >"$tmp/server.log" 2>&1 &
pid=$!

base="http://127.0.0.1:$port"
ready=
for _ in $(seq 1 100); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the server exited before serving; its log:" >&2
    cat "$tmp/server.log" >&2
    exit 1
  fi
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$base/healthz"; then
    ready=1
    break
  fi
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  echo "the server did not answer $base/healthz within 10s; its log:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi

node audit.mjs "$base/graphql"
