#!/usr/bin/env bash
# Browser test of forgegraph's pages: GraphiQL at / and the dashboard at /dashboard (list, search and
# filters, owner and repository pages, create/rename/archive/delete, phone width, dark mode), in headless
# Chromium driven by playwright-core, against the real server on its embedded demo data (no
# configuration), on loopback only. Installs what it needs: Debian's chromium when /usr/bin/chromium
# is missing, and playwright-core (a library; it downloads no browser) with npm ci.
#
#   browser/run.sh                        test; screenshots go to browser/out/ (not committed)
#   browser/run.sh --update-screenshots   also copy the README's screenshots to docs/screenshots/
#
# Environment: CHROMIUM (default /usr/bin/chromium), OUT_DIR (default browser/out).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
update=0
for arg in "$@"; do
  case "$arg" in
  --update-screenshots) update=1 ;;
  *) echo "usage: $0 [--update-screenshots]" >&2; exit 2 ;;
  esac
done
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export OUT_DIR=${OUT_DIR:-$here/out}
step() { printf '\n--- %s\n' "$*"; }

step "chromium"
if [ ! -x "$CHROMIUM" ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-liberation fonts-dejavu-core >/dev/null
fi
"$CHROMIUM" --version 2>/dev/null

step "npm ci (playwright-core, no browser download)"
command -v npm >/dev/null || { echo "node and npm (Node.js 20 or newer) are needed" >&2; exit 1; }
node --version
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

step "vendored GraphiQL matches its MANIFEST"
"$here/fetch-graphiql.sh" --check

step "build and start the server on demo data"
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
(cd "$root" && go build -o "$tmp/forgegraph" .)
mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*.png
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
# No configuration at all (env -i): the server serves its embedded demo data and opens no connection.
env -i PATH="$PATH" HOME="$tmp" PORT="$port" "$tmp/forgegraph" >"$OUT_DIR/server.log" 2>&1 &
pid=$!
export FORGEGRAPH_URL="http://127.0.0.1:$port"
for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "$FORGEGRAPH_URL/healthz" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$OUT_DIR/server.log" >&2
    echo "the server exited before answering /healthz" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS -o /dev/null "$FORGEGRAPH_URL/healthz" || { echo "no /healthz after 30s" >&2; exit 1; }
grep -q '"demo":true' "$OUT_DIR/server.log" || { cat "$OUT_DIR/server.log" >&2; echo "the server is not on demo data" >&2; exit 1; }
echo "serving $FORGEGRAPH_URL (pid $pid)"

step "browser test"
status=0
(cd "$here" && node --test --test-reporter=spec --test-concurrency=1 --test-timeout=120000 test/ui.test.mjs test/dashboard.test.mjs) || status=$?
echo "screenshots: $OUT_DIR"
ls -l "$OUT_DIR"/*.png 2>/dev/null || true

if [ "$update" = 1 ]; then
  if [ "$status" != 0 ]; then
    echo "tests failed: docs/screenshots/ left as it is" >&2
  else
    mkdir -p "$root/docs/screenshots"
    for f in graphiql.png dashboard-top.png dashboard-end.png dashboard-gitlab.png dashboard-error.png repository.png dashboard-phone.png dashboard-dark.png; do
      cp "$OUT_DIR/$f" "$root/docs/screenshots/$f"
    done
    echo "copied the README's screenshots to docs/screenshots/"
  fi
fi
exit "$status"
