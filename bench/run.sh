#!/usr/bin/env bash
# bench/run.sh: every number of BENCHMARKS.md in one command, then a summary. NOT part of CI: it
# takes about 15 minutes and wants the machine to itself (2 cores: load generator on core 0, server
# on core 1).
#
#   bash bench/run.sh              # everything
#   ONLY="a b" bash bench/run.sh   # some targets (a b c d e f g h i j)
#
# Environment: OUT (results directory, default /tmp/forgegraph-bench), DURATION (load test length,
# default 20s), CONNS (concurrent clients, default 64).
#
#   (a) cold merged first page over 4 forges with 300 ms upstream latency / slowest single source
#   (b) upstream requests of a whole merged walk (first: 25) / fewest possible
#   (c) warm throughput and p50/p99 of the real binary in demo mode, wrk (and hey) at 64 clients
#   (d) allocations per warm merged first page through the whole HTTP handler
#   (e) peak RSS of the server walking 1,000 vs 20,000 repositories per source
#   (f) cold dashboard page (20 merged repositories, languages(first: 3), branches { totalCount }),
#       300 ms upstream latency: latency / one upstream latency, requests vs distinct, warm repeat;
#       and "identity warm": the same page after a listing that made the credentials' identities known
#   (g) upstream requests walking the 1,000 branches of one repository, first: 100 / fewest possible
#   (h) CPU time and allocations per executed (RESPONSE_CACHE_TTL=0) warm dashboard page
#   (i) first page of a 5,000-repository GitLab list with a query matching 1 %, 300 ms upstream
#       latency: upstream requests and latency against the unfiltered first page
#   (j) upstream requests of a whole filtered merged walk (private, not forks) / fewest possible
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly

OUT=${OUT:-/tmp/forgegraph-bench}
DURATION=${DURATION:-20s}
CONNS=${CONNS:-64}
ONLY=${ONLY:-a b c d e f g h i j}
mkdir -p "$OUT"
want() { [[ " $ONLY " == *" $1 "* ]]; }
step() { printf '\n=== %s\n' "$*" | tee -a "$OUT/log.txt"; }

# The benchmarked query; bench.FirstPageBody must be the same (TestRunScriptQuery checks it).
BODY='{"query":"query { viewer { repositories(first: 20) { edges { cursor node { id provider nameWithOwner description url isPrivate stargazerCount primaryLanguage pushedAt } } pageInfo { hasNextPage endCursor } } } }"}'

: >"$OUT/log.txt"
step "machine"
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc:   $(nproc)"
  echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "go:      $(go version)"
  echo "kernel:  $(uname -r)"
  echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo none)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, before the run)"
} | tee "$OUT/machine.txt"

if want c && { ! command -v wrk >/dev/null || ! command -v hey >/dev/null; }; then
  step "installing wrk and hey"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y wrk hey >"$OUT/apt.txt" 2>&1; then
    apt-get update >>"$OUT/apt.txt" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y wrk hey >>"$OUT/apt.txt" 2>&1
  fi
fi

bench() { # name pattern extra-args...
  local name=$1 pattern=$2
  shift 2
  go test -run '^$' -bench "$pattern" "$@" ./bench/ 2>&1 | tee "$OUT/$name.txt"
}

if want a; then
  step "(a) cold merged first page, 300 ms upstream latency"
  bench a '^BenchmarkColdFirstPage$' -benchtime=5x -timeout=30m
fi

if want b; then
  step "(b) upstream requests of a whole merged walk, first: 25"
  bench b '^BenchmarkWalkRequests$' -benchtime=2x -timeout=30m
fi

if want f; then
  step "(f) cold dashboard page, 300 ms upstream latency"
  bench f '^BenchmarkDashboardCold$' -benchtime=5x -timeout=30m
fi

if want g; then
  step "(g) upstream requests walking 1,000 branches, first: 100"
  bench g '^BenchmarkBranchWalk$' -benchtime=5x -timeout=30m
fi

if want h; then
  step "(h) CPU time and allocations per executed warm dashboard page"
  bench h '^BenchmarkWarmDashboard$' -benchmem -benchtime=3s -count=3 -timeout=30m
fi

if want i; then
  step "(i) filtered first page of 5,000 GitLab repositories, 300 ms upstream latency"
  bench i '^BenchmarkFilteredFirstPage$' -benchtime=5x -timeout=30m
fi

if want j; then
  step "(j) upstream requests of a whole filtered merged walk, first: 25"
  bench j '^BenchmarkFilteredWalk$' -benchtime=2x -timeout=30m
fi

if want d; then
  step "(d) allocations per warm merged first page (whole HTTP handler, in process)"
  bench d '^BenchmarkWarmFirstPage$' -benchmem -benchtime=3s -count=3 -timeout=30m
  # Profiles of the serial case, for finding where time and allocations go.
  go test -run '^$' -bench '^BenchmarkWarmFirstPage$/executed/serial' -benchmem -benchtime=3s \
    -cpuprofile "$OUT/d.cpu.pprof" -memprofile "$OUT/d.mem.pprof" -o "$OUT/bench.test" ./bench/ >/dev/null
  go tool pprof -top -nodecount=30 "$OUT/bench.test" "$OUT/d.cpu.pprof" >"$OUT/d.cpu.top.txt" 2>/dev/null || true
  go tool pprof -top -cum -nodecount=60 "$OUT/bench.test" "$OUT/d.cpu.pprof" >"$OUT/d.cpu.cum.txt" 2>/dev/null || true
  go tool pprof -top -sample_index=alloc_objects -nodecount=30 "$OUT/bench.test" "$OUT/d.mem.pprof" >"$OUT/d.allocs.top.txt" 2>/dev/null || true
  echo "profiles: $OUT/d.cpu.top.txt $OUT/d.cpu.cum.txt $OUT/d.allocs.top.txt"
fi

if want c; then
  step "(c) warm load test: real binary in demo mode on core 1, load generator on core 0, $CONNS clients"
  go build -o "$OUT/fgbin" .
  printf '%s' "$BODY" >"$OUT/body.json"
  cat >"$OUT/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$BODY'
EOF
  # The same as a browser or mobile client asks it: with Accept-Encoding: gzip.
  sed 's/^wrk.body/wrk.headers["Accept-Encoding"] = "gzip"\nwrk.body/' "$OUT/post.lua" >"$OUT/post-gzip.lua"
  # A clean environment (no token, no PROVIDERS: demo mode), PORT=0: the kernel picks a free port
  # and the server logs it. The access log stays at the default level (info), as in production, and
  # goes to a file.
  # RESPONSE_CACHE_TTL passes through (e.g. 0 to measure every query executed, not replayed).
  env -i PATH="$PATH" HOME="$HOME" PORT=0 ${RESPONSE_CACHE_TTL:+RESPONSE_CACHE_TTL=$RESPONSE_CACHE_TTL} taskset -c 1 "$OUT/fgbin" 2>"$OUT/server.log" &
  server=$!
  stop_server() { kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true; }
  trap stop_server EXIT
  addr=""
  for _ in $(seq 100); do
    addr=$(grep -o '"addr":"[^"]*"' "$OUT/server.log" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
    [ -n "$addr" ] && break
    kill -0 "$server" 2>/dev/null || { echo "server exited:" >&2; cat "$OUT/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$addr" ] || { echo "server did not report its address" >&2; exit 1; }
  url="http://127.0.0.1:${addr##*:}/graphql"
  echo "server pid $server at $url (GOMAXPROCS follows the affinity: 1)"
  # Warm the page cache and check the answer.
  curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$OUT/body.json" "$url" >"$OUT/c.answer.json"
  grep -q '"edges":\[{"cursor"' "$OUT/c.answer.json" || { echo "unexpected answer:" >&2; head -c 500 "$OUT/c.answer.json" >&2; exit 1; }
  taskset -c 0 wrk -t1 -c"$CONNS" -d5s -s "$OUT/post.lua" "$url" >/dev/null # warm-up (JIT-free Go, but caches and GC pacing)
  # The server's own CPU per query (utime+stime in clock ticks), which a shared machine's waiting
  # does not inflate as much as queries/s.
  cpu_ticks() { awk '{print $14+$15}' "/proc/$server/stat"; }
  t0=$(cpu_ticks)
  taskset -c 0 wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$OUT/post.lua" "$url" | tee "$OUT/c.wrk.txt"
  t1=$(cpu_ticks)
  n=$(awk '/requests in/ {print $1}' "$OUT/c.wrk.txt")
  echo "server CPU per query: $(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / n )) µs ($n queries)" | tee "$OUT/c.cpu.txt"
  taskset -c 0 wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$OUT/post-gzip.lua" "$url" | tee "$OUT/c.wrk-gzip.txt"
  # hey (Go's HTTP client) asks for gzip too.
  taskset -c 0 hey -z "$DURATION" -c "$CONNS" -m POST -T application/json -D "$OUT/body.json" "$url" | tee "$OUT/c.hey.txt"
  echo "access log lines: $(grep -c "\"msg\":\"request\"" "$OUT/server.log" || true)"
  stop_server
  trap - EXIT
  rm -f "$OUT/server.log"
fi

if want e; then
  step "(e) peak RSS of the server walking the whole merged list once"
  go build -o "$OUT/rss" ./bench/cmd/rss
  "$OUT/rss" -n 1000,20000 -sort UPDATED,PUSHED,FULL_NAME -caches 0 2>"$OUT/e.log" | tee "$OUT/e.txt"
  # The working memory of a walk: caches all but off. (A budget too small for the whole lists of
  # local sorts, e.g. FULL_NAME at 20,000 in 16 MiB, makes every page re-read them: minutes, and
  # the server warns at start; not measured.)
  GOGC=100 "$OUT/rss" -n 1000,20000 -sort UPDATED -caches 2 2>>"$OUT/e.log" | tee -a "$OUT/e.txt"
fi

# ---- summary ----
metric() { # file benchmark-name-regex unit -> value of the metric before unit on the first matching line
  awk -v pat="$2" -v unit="$3" '$1 ~ pat { for (i = 2; i <= NF; i++) if ($i == unit) { print $(i-1); exit } }' "$1" 2>/dev/null
}
verdict() { # value op limit
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "") { print "n/a"; exit } ok = (op == "<=" ? v <= l : op == "<" ? v < l : v >= l); print (ok ? "MET" : "MISSED") }'
}
step "summary (details in $OUT)"
{
  cat "$OUT/machine.txt"
  echo
  if [ -f "$OUT/a.txt" ] && want a; then
    for size in demo 1000; do
      r=$(metric "$OUT/a.txt" "ColdFirstPage/repos=$size" ratio)
      m=$(metric "$OUT/a.txt" "ColdFirstPage/repos=$size" merged-ms)
      s=$(metric "$OUT/a.txt" "ColdFirstPage/repos=$size" slowest-ms)
      echo "(a) repos=$size: merged ${m} ms / slowest single ${s} ms = ${r} (target <= 1.05): $(verdict "$r" "<=" 1.05)"
    done
  fi
  if [ -f "$OUT/b.txt" ] && want b; then
    awk '$1 ~ /WalkRequests/ { name=$1; sub(/^BenchmarkWalkRequests\//, "", name); sub(/-[0-9]+$/, "", name)
      for (i = 2; i <= NF; i++) { if ($i == "ratio") r=$(i-1); if ($i == "requests/walk") q=$(i-1); if ($i == "min-requests") m=$(i-1) }
      printf "(b) %-36s %6s requests / %5s minimum = %s (target <= 1.05): %s\n", name, q, m, r, (r <= 1.05 ? "MET" : "MISSED") }' "$OUT/b.txt"
  fi
  if [ -f "$OUT/c.wrk.txt" ] && want c; then
    rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/c.wrk.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$OUT/c.wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$OUT/c.wrk.txt")
    p99ms=$(awk -v v="$p99" 'BEGIN { if (v ~ /ms$/) { sub(/ms$/, "", v); print v } else if (v ~ /us$/) { sub(/us$/, "", v); print v/1000 } else if (v ~ /s$/) { sub(/s$/, "", v); print v*1000 } }')
    echo "(c) RESPONSE_CACHE_TTL=${RESPONSE_CACHE_TTL:-default (1s)}"
    echo "(c) wrk, $CONNS clients: ${rps} queries/s (target >= 5000: $(verdict "$rps" ">=" 5000)), p50 ${p50}, p99 ${p99} (target < 20 ms: $(verdict "$p99ms" "<" 20))"
    grps=$(awk '/Requests\/sec/ {print $2}' "$OUT/c.wrk-gzip.txt")
    gp50=$(awk '$1 == "50%" {print $2}' "$OUT/c.wrk-gzip.txt")
    gp99=$(awk '$1 == "99%" {print $2}' "$OUT/c.wrk-gzip.txt")
    echo "(c) wrk with Accept-Encoding: gzip, $CONNS clients: ${grps} queries/s, p50 ${gp50}, p99 ${gp99}"
    hrps=$(awk '/Requests\/sec/ {print $2}' "$OUT/c.hey.txt")
    hp50=$(awk '/ 50% in/ {print $3*1000}' "$OUT/c.hey.txt")
    hp99=$(awk '/ 99% in/ {print $3*1000}' "$OUT/c.hey.txt")
    echo "(c) hey (asks for gzip), $CONNS clients: ${hrps} queries/s, p50 ${hp50} ms, p99 ${hp99} ms"
  fi
  if [ -f "$OUT/d.txt" ] && want d; then
    for mode in executed/serial replayed/serial executed/serial-gzip replayed/serial-gzip; do
      awk -v m="$mode" '$1 ~ ("WarmFirstPage/" m "-[0-9]+$") { for (i = 2; i <= NF; i++) { if ($i == "allocs/op") a=$(i-1); if ($i == "B/op") b=$(i-1); if ($i == "ns/op") t=$(i-1) } }
        END { printf "(d) warm merged first page through the handler, %s: %s allocs/op, %s B/op, %.0f us/op (last of 3 runs)\n", m, a, b, t/1000 }' "$OUT/d.txt"
    done
  fi
  if [ -f "$OUT/f.txt" ] && want f; then
    awk '$1 ~ /DashboardCold/ { for (i = 2; i <= NF; i++) { if ($i == "page-ms") m=$(i-1); if ($i == "ratio") r=$(i-1); if ($i == "requests") q=$(i-1); if ($i == "distinct") d=$(i-1); if ($i == "warm-requests") w=$(i-1); if ($i == "idwarm-page-ms") im=$(i-1); if ($i == "idwarm-ratio") ir=$(i-1); if ($i == "idwarm-requests") iq=$(i-1); if ($i == "idwarm-distinct") id=$(i-1) }
      printf "(f) cold dashboard page: %s ms = %s x one upstream latency (target <= 2.2): %s; %s upstream requests, %s distinct (target equal): %s; warm repeat %s requests (target 0): %s\n", m, r, (r <= 2.2 ? "MET" : "MISSED"), q, d, (q == d ? "MET" : "MISSED"), w, (w == 0 ? "MET" : "MISSED")
      printf "(f) identity warm (Bitbucket workspaces, Gitea user known; pages and details cold): %s ms = %s x one upstream latency (target <= 2.2): %s; %s upstream requests, %s distinct\n", im, ir, (ir <= 2.2 ? "MET" : "MISSED"), iq, id }' "$OUT/f.txt"
  fi
  if [ -f "$OUT/g.txt" ] && want g; then
    awk '$1 ~ /BranchWalk/ { for (i = 2; i <= NF; i++) { if ($i == "branch-requests") q=$(i-1); if ($i == "min-requests") m=$(i-1); if ($i == "ratio") r=$(i-1) }
      printf "(g) 1,000-branch walk, first: 100: %s branch requests / %s minimum = %s (target <= 1.05): %s\n", q, m, r, (r <= 1.05 ? "MET" : "MISSED") }' "$OUT/g.txt"
  fi
  if [ -f "$OUT/h.txt" ] && want h; then
    awk '$1 ~ /WarmDashboard/ { for (i = 2; i <= NF; i++) { if ($i == "allocs/op") a=$(i-1); if ($i == "B/op") b=$(i-1); if ($i == "ns/op") t=$(i-1) } }
      END { printf "(h) executed warm dashboard page through the handler: %.0f us/op, %s allocs/op, %s B/op (last of 3 runs)\n", t/1000, a, b }' "$OUT/h.txt"
  fi
  if [ -f "$OUT/i.txt" ] && want i; then
    awk '$1 ~ /FilteredFirstPage/ { for (i = 2; i <= NF; i++) { if ($i == "query-ms") qm=$(i-1); if ($i == "query-requests") qr=$(i-1); if ($i == "plain-ms") pm=$(i-1); if ($i == "plain-requests") pr=$(i-1) }
      printf "(i) 5,000 GitLab repositories, query matching 1 %%: first page %s ms, %s upstream requests; unfiltered first page %s ms, %s requests\n", qm, qr, pm, pr }' "$OUT/i.txt"
  fi
  if [ -f "$OUT/j.txt" ] && want j; then
    awk '$1 ~ /FilteredWalk/ { name=$1; sub(/^BenchmarkFilteredWalk\//, "", name); sub(/-[0-9]+$/, "", name)
      for (i = 2; i <= NF; i++) { if ($i == "ratio") r=$(i-1); if ($i == "requests/walk") q=$(i-1); if ($i == "min-requests") m=$(i-1) }
      printf "(j) %-14s %6s requests / %5s minimum = %s (target <= 1.05): %s\n", name, q, m, r, (r <= 1.05 ? "MET" : "MISSED") }' "$OUT/j.txt"
  fi
  if [ -f "$OUT/e.txt" ] && want e; then
    grep '^RSS-RATIO' "$OUT/e.txt" | sed 's/^RSS-RATIO/(e)/'
  fi
} | tee "$OUT/summary.txt"
