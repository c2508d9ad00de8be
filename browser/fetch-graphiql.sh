#!/usr/bin/env bash
# Fetches the browser assets GraphiQL needs from the npm registry, by package name and pinned
# version, and writes them to internal/web/static/vendor/ (embedded into the binary with go:embed),
# together with a MANIFEST of versions, npm integrity and sha256 sums. Nothing is copied by hand and
# nothing is loaded from a CDN at run time.
#
#   browser/fetch-graphiql.sh           fetch the pinned packages; with a MANIFEST for the same pins,
#                                       verify the registry's files against it and (re)write the
#                                       vendor files; with other pins or no MANIFEST, write both anew
#   browser/fetch-graphiql.sh --check   no network: verify the committed vendor files against MANIFEST
#
# To upgrade: change the pins below, run the script, look at the page (browser/run.sh), commit.
# GraphiQL 4.x is the last line that ships a UMD build (5.x is ESM-only and needs a bundler); React 18
# is the last React with UMD builds.
set -euo pipefail

GRAPHIQL_VERSION=4.1.2
REACT_VERSION=18.3.1
REACT_DOM_VERSION=18.3.1

here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../internal/web/static/vendor"
manifest="$vendor/MANIFEST"

# name in vendor/ <- package:path inside the package tarball
files=(
  "graphiql.min.js graphiql:package/graphiql.min.js"
  "graphiql.min.css graphiql:package/graphiql.min.css"
  "graphiql.LICENSE graphiql:package/LICENSE"
  "react.production.min.js react:package/umd/react.production.min.js"
  "react.LICENSE react:package/LICENSE"
  "react-dom.production.min.js react-dom:package/umd/react-dom.production.min.js"
  "react-dom.LICENSE react-dom:package/LICENSE"
)

die() { echo "fetch-graphiql: $*" >&2; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }
version_of() {
  case "$1" in
  graphiql) echo "$GRAPHIQL_VERSION" ;;
  react) echo "$REACT_VERSION" ;;
  react-dom) echo "$REACT_DOM_VERSION" ;;
  *) die "unknown package $1" ;;
  esac
}
# manifest_sum NAME: the sha256 the MANIFEST records for vendor file NAME.
manifest_sum() { awk -v n="$1" '$1 == "file" && $2 == n { print $3 }' "$manifest"; }

check() {
  [ -f "$manifest" ] || die "$manifest is missing: run browser/fetch-graphiql.sh"
  local bad=0 line name want got
  for line in "${files[@]}"; do
    name=${line%% *}
    want=$(manifest_sum "$name")
    [ -n "$want" ] || { echo "MANIFEST lists no $name" >&2; bad=1; continue; }
    [ -f "$vendor/$name" ] || { echo "missing: $vendor/$name" >&2; bad=1; continue; }
    got=$(sha256 "$vendor/$name")
    [ "$got" = "$want" ] || { echo "changed: $name is $got, MANIFEST says $want" >&2; bad=1; }
  done
  [ "$bad" = 0 ] || die "vendor files do not match MANIFEST: run browser/fetch-graphiql.sh (never edit them by hand)"
  echo "vendor files match MANIFEST ($(awk '$1 == "package" { printf "%s%s@%s", sep, $2, $3; sep=" " }' "$manifest"))"
}

if [ "${1:-}" = "--check" ]; then
  check
  exit 0
fi
[ $# -eq 0 ] || die "usage: $0 [--check]"
command -v npm >/dev/null || die "npm is needed"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# npm pack downloads each tarball from the registry and checks it against the registry's integrity.
specs=("graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_DOM_VERSION")
echo "npm pack ${specs[*]}"
(cd "$tmp" && npm pack --json --silent "${specs[@]}" >pack.json 2>pack.err) ||
  { cat "$tmp/pack.err" >&2; die "npm pack failed"; }
node -e '
  const out = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const p of out) console.log(p.name, p.version, p.integrity, p.filename);
' "$tmp/pack.json" >"$tmp/packages"

for spec in "${specs[@]}"; do
  pkg=${spec%@*}
  want=${spec##*@}
  read -r name version integrity filename < <(awk -v n="$pkg" '$1 == n' "$tmp/packages")
  [ "$name" = "$pkg" ] && [ "$version" = "$want" ] || die "npm pack gave ${name:-nothing}@${version:-?} for $spec"
  mkdir -p "$tmp/$pkg"
  tar -xzf "$tmp/$filename" -C "$tmp/$pkg"
done

# Same pins as the MANIFEST: the registry must give exactly the recorded files.
same_pins=0
if [ -f "$manifest" ]; then
  same_pins=1
  for spec in "${specs[@]}"; do
    pkg=${spec%@*}
    awk -v n="$pkg" -v v="${spec##*@}" '$1 == "package" && $2 == n && $3 == v { f = 1 } END { exit !f }' "$manifest" || same_pins=0
  done
fi

mkdir -p "$vendor"
new="$tmp/MANIFEST"
{
  echo "# GraphiQL's browser assets, fetched from the npm registry by browser/fetch-graphiql.sh."
  echo "# Do not edit: change the pins in that script and run it. --check verifies the files below."
  echo "# package NAME VERSION NPM-INTEGRITY"
  while read -r name version integrity _; do
    echo "package $name $version $integrity"
  done <"$tmp/packages"
  echo "# file NAME SHA256 BYTES SOURCE"
} >"$new"
for line in "${files[@]}"; do
  name=${line%% *}
  src=${line#* }
  pkg=${src%%:*}
  path=${src#*:}
  [ -f "$tmp/$pkg/$path" ] || die "$pkg@$(version_of "$pkg") has no $path"
  sum=$(sha256 "$tmp/$pkg/$path")
  if [ "$same_pins" = 1 ]; then
    want=$(manifest_sum "$name")
    [ "$sum" = "$want" ] || die "$pkg@$(version_of "$pkg") $path has sha256 $sum, MANIFEST says ${want:-nothing}: refusing to write"
  fi
  echo "file $name $sum $(size "$tmp/$pkg/$path") $pkg@$(version_of "$pkg"):$path" >>"$new"
done

# Every check passed: write the files (and nothing else) into vendor/.
for line in "${files[@]}"; do
  name=${line%% *}
  src=${line#* }
  cp "$tmp/${src%%:*}/${src#*:}" "$vendor/$name"
done
for f in "$vendor"/*; do
  base=$(basename "$f")
  [ "$base" = MANIFEST ] && continue
  printf '%s\n' "${files[@]}" | awk -v n="$base" '$1 == n { f = 1 } END { exit !f }' || rm -f "$f"
done
cp "$new" "$manifest"
if [ "$same_pins" = 1 ]; then
  echo "the registry's files match MANIFEST"
else
  echo "wrote a new MANIFEST"
fi
check
total=0
for line in "${files[@]}"; do total=$((total + $(size "$vendor/${line%% *}"))); done
echo "vendor/: $total bytes"
