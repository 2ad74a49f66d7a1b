#!/usr/bin/env bash
# bench/run-peers.sh — steerdns side by side with the peer servers of ../shared/peers (NSD, Knot,
# gdnsd, PowerDNS, BIND, the reflector ceiling), same zone, same queries, same machine, same run.
# Writes the markdown tables (run.sh's report.sh output plus the ratios of the targets), the exact
# commands, the machine and the date to bench/RESULTS-peers.md (or -o FILE); RESULTS.md quotes it.
#
#   bench/run-peers.sh [-q] [-r ROUNDS] [-l SECONDS] [-s "SERVERS"] [-o OUT.md] [-B] [-x PARTS]
#     -q        quick: steerdns gdnsd knot reflector-mmsg only, 1 round, 5 s
#     -r N      rounds [3]            -l S   seconds per measurement [10]
#     -s LIST   servers for the UDP table [steerdns nsd knot gdnsd pdns-lua pdns-geoip bind
#               reflector-mmsg reflector-simple]
#     -B        do not (re)build steerdns (default: ninja -C build-perf steerdns)
#     -x PARTS  parts to run [udp lat scale static tcp]:
#                 udp    run.sh -g blast: mixed www www-ecs, 1 worker on CPU0, dnsblast on CPU1
#                 lat    run.sh -g dnsperf -m mixed@20k: latency at a fixed 20k qps
#                 scale  1 vs 2 workers (see "2 workers" below) for steerdns gdnsd knot
#                 static steerdns with www routed vs www a static A, interleaved rounds
#                 tcp    dnsperf -m tcp (pipelined, -c 8 -q 200): steerdns knot gdnsd nsd
#                 drain  bench/drain-scale.sh: 1 vs 2 workers with the generator idle (steerdns
#                        gdnsd knot reflector-mmsg; the clean 2-worker figure; not in the default)
# 2 workers on a 2-core machine: the generator needs a core too, so "2 workers scale x" is
# estimated from the server's CPU cost per query, measured with 1 worker (server on CPU0,
# dnsblast on CPU1) and with 2 workers (server and dnsblast free on CPUs 0-1):
#   capacity(N) = N x 100 x QPS / server_cpu%      (server_cpu: the server's process tree)
#   scale = capacity(2) / capacity(1)
# i.e. the throughput 2 workers would reach on 2 cores of their own if nothing but their own
# CPU cost per query limited them; contention between workers (shared cache lines, locks) shows
# up as a higher cost per query and a scale below 2. The raw 2-worker QPS is listed too.
# Env: BENCH_WORK (default $TMPDIR/steer-peers), PEERS (../shared/peers), STEERDNS, RUN_EXTRA
# (more run.sh options for every call, e.g. "-Q 30 -R 3").
# The machine may be shared: run.sh waits for quiet (-Q) and repeats disturbed measurements (-R);
# every ratio below compares medians measured in this one run.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS:-$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd || echo /work/shared/peers)}"
export BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/steer-peers}"
ROUNDS=3 SECS=10 BUILD=1 OUTMD="$ROOT/bench/RESULTS-peers.md" PARTS="udp lat scale static tcp"
SERVERS="steerdns nsd knot gdnsd pdns-lua pdns-geoip bind reflector-mmsg reflector-simple"
QUICK=0
while getopts "qr:l:s:o:Bx:h" opt; do
  case $opt in
    q) QUICK=1 ;; r) ROUNDS=$OPTARG ;; l) SECS=$OPTARG ;; s) SERVERS=$OPTARG ;; o) OUTMD=$OPTARG ;;
    B) BUILD=0 ;; x) PARTS=$OPTARG ;;
    *) sed -n '2,30p' "$0"; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then SERVERS="steerdns gdnsd knot reflector-mmsg"; ROUNDS=1; SECS=5; fi
has() { [[ " $PARTS " == *" $1 "* ]]; }
if [ "$BUILD" = 1 ]; then
  [ -d "$ROOT/build-perf" ] || cmake -S "$ROOT" -B "$ROOT/build-perf" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
  ninja -C "$ROOT/build-perf" -j2 steerdns >&2 || exit 1
fi
export STEERDNS="${STEERDNS:-$ROOT/build-perf/tools/steerdns}"
RUN="$PEERS/run.sh"
STAMP=$(date +%Y%m%d-%H%M%S)
RES="$BENCH_WORK/results/peers-$STAMP"
mkdir -p "$RES"
. "$PEERS/common.sh"
. "$ROOT/bench/describe.sh"
CMDS=()
run() {  # run LABEL ARGS... : one run.sh invocation into $RES/LABEL
  local label=$1; shift
  # shellcheck disable=SC2206
  local extra=(${RUN_EXTRA:-})
  set -- "$@" "${extra[@]}"
  local env_prefix="" a q=""
  [ -n "${STEER_WWW:-}" ] && env_prefix="STEER_WWW=$STEER_WWW "
  for a in "$@"; do q+=" $(printf '%q' "$a")"; done
  CMDS+=("$env_prefix$RUN -d bench/peers$q -o \$RES/$label")
  echo "== $label: run.sh $*" >&2
  (cd "$ROOT" && "$RUN" -d bench/peers "$@" -o "$RES/$label") > "$RES/$label.out" 2> "$RES/$label.log"
}
# median of the qps column of results.tsv rows matching server and mix
med() {  # med DIR SERVER MIX [COLUMN]
  awk -F'\t' -v s="$2" -v m="$3" -v col="${4:-qps}" '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["server"] == s && $c["mix"] == m { v[++n] = $c[col] + 0 }
    END { if (!n) { print ""; exit }
          for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
          print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }' "$1/results.tsv" 2>/dev/null
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }

has udp && run udp -s "$SERVERS" -g blast -m "mixed www www-ecs" -r "$ROUNDS" -l "$SECS"
has lat && run lat -s "$SERVERS" -g dnsperf -m "mixed@20k" -r "$ROUNDS" -l "$SECS"
SCALE_SRV="steerdns gdnsd knot"
if has scale; then
  run scale1 -s "$SCALE_SRV" -g blast -m "mixed www-ecs" -r "$ROUNDS" -l "$SECS" -t 1 -S 0 -P 1
  run scale2 -s "$SCALE_SRV" -g blast -m "mixed www-ecs" -r "$ROUNDS" -l "$SECS" -t 2 -S 0,1 -P 0,1
fi
if has static; then  # interleaved: steerdns with www routed, then with www a static A
  for ((r = 1; r <= ROUNDS; r++)); do
    STEER_WWW=routed run "routed-r$r" -s steerdns -g blast -m "www www-ecs" -r 1 -l "$SECS" -w 1
    STEER_WWW=static run "static-r$r" -s steerdns -g blast -m "www www-ecs" -r 1 -l "$SECS" -w 1
  done
fi

# --- TCP: dnsperf -m tcp (pipelined: 8 connections, 200 queries outstanding) ----------------
TCP_SRV=""
for s in steerdns knot gdnsd nsd; do [[ " $SERVERS " == *" $s "* ]] && TCP_SRV="$TCP_SRV $s"; done
if has tcp; then
  mkdir -p "$RES/tcp/logs"
  printf 'round\tserver\tmix\tqps\tlat_avg_us\tlost\n' > "$RES/tcp/results.tsv"
  CMDS+=("for each round and server: servers/NAME.sh (bench/peers/steerdns.sh) pinned to CPU0; taskset -c 1 dnsperf -m tcp -s 127.0.0.1 -p PORT -d \$BENCH_WORK/queries/mixed.txt -l $SECS -c 8 -q 200")
  for ((r = 1; r <= ROUNDS; r++)); do
    for s in $TCP_SRV; do
      script="$PEERS/servers/$s.sh"; [ -x "$ROOT/bench/peers/$s.sh" ] && script="$ROOT/bench/peers/$s.sh"
      PORT=${PORT_OF[$s]} THREADS=1 CPUS=0 "$script" > "$RES/tcp/logs/$s.r$r.log" 2>&1 &
      pid=$!
      if ! wait_ready "${PORT_OF[$s]}" 60; then echo "tcp: $s did not come up" >&2; stop_pid $pid; continue; fi
      taskset -c 1 dnsperf -m tcp -s 127.0.0.1 -p "${PORT_OF[$s]}" -d "$BENCH_WORK/queries/mixed.txt" -l 2 -c 8 -q 200 > /dev/null 2>&1
      taskset -c 1 dnsperf -m tcp -s 127.0.0.1 -p "${PORT_OF[$s]}" -d "$BENCH_WORK/queries/mixed.txt" -l "$SECS" -c 8 -q 200 > "$RES/tcp/logs/$s.r$r.out" 2>&1
      stop_pid $pid
      awk -v r="$r" -v s="$s" '/Queries lost:/ { lost = $3 } /Queries per second:/ { qps = $4 } /Average Latency/ { lat = $4 * 1e6 }
        END { printf "%s\t%s\ttcp-mixed\t%.0f\t%.0f\t%d\n", r, s, qps, lat, lost }' "$RES/tcp/logs/$s.r$r.out" | tee -a "$RES/tcp/results.tsv" >&2
    done
  done
fi

# --- drain: 1 vs 2 workers with the generator idle (bench/drain-scale.sh) ----------------------
if has drain; then
  CMDS+=("bench/drain-scale.sh -B -r $ROUNDS -o \$RES/drain.md")
  echo "== drain: bench/drain-scale.sh -r $ROUNDS" >&2
  STEERDNS="$STEERDNS" "$ROOT/bench/drain-scale.sh" -B -r "$ROUNDS" -o "$RES/drain.md" \
    > "$RES/drain.out" 2> "$RES/drain.log"
fi

# --- report ------------------------------------------------------------------------------------
{
  echo "# steerdns vs peer servers (bench/run-peers.sh)"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(describe_machine)"
  echo "- steerdns: $(describe_build "$STEERDNS")"
  echo "- command: \`bench/run-peers.sh $*\` (BENCH_WORK=$BENCH_WORK); results in \`$RES\`; run.sh calls:"
  echo
  for c in "${CMDS[@]}"; do echo "      $c"; done
  echo
  echo "The machine may be shared with other work: run.sh waited for quiet and re-measured disturbed"
  echo "cells; spreads are min-max over rounds. Compare ratios of medians, measured in this run."
  if has udp; then
    echo; echo "## UDP, 1 worker on CPU0, dnsblast on CPU1"; echo
    sed -n '/^| server | mix/,$p' "$RES/udp/report.md"
  fi
  if has lat; then
    echo; echo "## Latency at a fixed 20k qps (dnsperf -Q 20000)"; echo
    sed -n '/^| server | mix/,/^$/p' "$RES/lat/report.md"
  fi
  if has scale; then
    echo; echo "## 1 vs 2 workers (capacity estimate, see the header of bench/run-peers.sh)"; echo
    echo "| server | mix | QPS 1 worker | server CPU % | QPS 2 workers (shared cores) | server CPU % | capacity 1 | capacity 2 | scale |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for s in $SCALE_SRV; do for m in mixed www-ecs; do
      q1=$(med "$RES/scale1" $s $m); c1=$(med "$RES/scale1" $s $m server_cpu)
      q2=$(med "$RES/scale2" $s $m); c2=$(med "$RES/scale2" $s $m server_cpu)
      awk -v s=$s -v m=$m -v q1="$q1" -v c1="$c1" -v q2="$q2" -v c2="$c2" 'BEGIN {
        if (q1 == "" || q2 == "" || c1 == 0 || c2 == 0) { printf "| %s | %s | - | - | - | - | - | - | - |\n", s, m; exit }
        k1 = 100 * q1 / c1; k2 = 2 * 100 * q2 / c2
        printf "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f |\n", s, m, q1, c1, q2, c2, k1, k2, k2 / k1 }'
    done; done
  fi
  if has drain && [ -s "$RES/drain.md" ]; then
    echo; echo "## 1 vs 2 workers, generator idle (bench/drain-scale.sh)"; echo
    sed -n '/^| server | mix/,$p' "$RES/drain.md"
  fi
  if has static; then
    echo; echo "## steerdns: www routed (latency, Route 53 JSON) vs www a static A, interleaved rounds"; echo
    echo "| mix | routed QPS median | static QPS median | routed / static |"
    echo "|---|---|---|---|"
    for m in www www-ecs; do
      rq=$(for d in "$RES"/routed-r*; do med "$d" steerdns $m; done | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
      sq=$(for d in "$RES"/static-r*; do med "$d" steerdns $m; done | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
      echo "| $m | $rq | $sq | $(ratio "$rq" "$sq") |"
    done
  fi
  if has tcp; then
    echo; echo "## TCP, dnsperf -m tcp -c 8 -q 200 (pipelined), mixed, 1 worker on CPU0"; echo
    echo "| server | QPS median (min-max) | avg latency us | lost |"
    echo "|---|---|---|---|"
    for s in $TCP_SRV; do
      awk -F'\t' -v s=$s 'NR > 1 && $2 == s { v[++n] = $4; l[n] = $5; lo += $6 }
        END { if (!n) exit; for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
              for (i = 2; i <= n; i++) { t = l[i]; for (j = i - 1; j >= 1 && l[j] > t; j--) l[j + 1] = l[j]; l[j + 1] = t }
              printf "| %s | %.0f (%.0f-%.0f) | %.0f | %d |\n", s, (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2, v[1], v[n], l[int((n + 1) / 2)], lo }' "$RES/tcp/results.tsv"
    done
  fi
  echo; echo "## Targets (ratios of medians in this run)"; echo
  echo "| target | measured | met |"
  echo "|---|---|---|"
  target() { awk -v n="$1" -v v="$2" -v t="$3" -v op="${4:->=}" 'BEGIN { if (v == "-" || v == "") { printf "| %s | - | not measured |\n", n; exit }
    ok = (op == ">=") ? (v + 0 >= t) : (v + 0 <= t); printf "| %s | %s | %s |\n", n, v, ok ? "yes" : "NO" }'; }
  if has udp; then
    for m in mixed www-ecs; do
      st=$(med "$RES/udp" steerdns $m)
      target "UDP $m: steerdns / gdnsd >= 1.0" "$(ratio "$st" "$(med "$RES/udp" gdnsd $m)")" 1.0
      target "UDP $m: steerdns / knot >= 1.15" "$(ratio "$st" "$(med "$RES/udp" knot $m)")" 1.15
      target "UDP $m: steerdns / reflector-mmsg >= 0.95" "$(ratio "$st" "$(med "$RES/udp" reflector-mmsg $m)")" 0.95
    done
  fi
  if has static; then
    target "routed www-ecs / static www-ecs >= 0.95" "$(ratio "$rq" "$sq")" 0.95
  fi
  if has scale; then
    q1=$(med "$RES/scale1" steerdns mixed); c1=$(med "$RES/scale1" steerdns mixed server_cpu)
    q2=$(med "$RES/scale2" steerdns mixed); c2=$(med "$RES/scale2" steerdns mixed server_cpu)
    target "2 workers scale (capacity estimate, mixed) >= 1.7" "$(awk -v a="$q1" -v b="$c1" -v c="$q2" -v d="$c2" 'BEGIN { if (a == "" || c == "" || b == 0 || d == 0) print "-"; else printf "%.2f", (2 * c / d) / (a / b) }')" 1.7
  fi
  if has drain && [ -s "$RES/drain.md" ]; then
    for m in mixed www-ecs; do
      target "2 workers scale (generator idle, $m) >= 1.7" "$(awk -F'|' -v m=" $m " '$2 == " steerdns " && $3 == m { gsub(/ /, "", $6); print $6 }' "$RES/drain.md")" 1.7
    done
  fi
  if has lat; then
    target "mixed@20k avg latency: steerdns / gdnsd <= 1.0" "$(ratio "$(med "$RES/lat" steerdns mixed@20k lat_avg_us)" "$(med "$RES/lat" gdnsd mixed@20k lat_avg_us)")" 1.0 "<="
  fi
  if has tcp; then
    ts=$(awk -F'\t' '$2 == "steerdns" { print $4 }' "$RES/tcp/results.tsv" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    tk=$(awk -F'\t' '$2 == "knot" { print $4 }' "$RES/tcp/results.tsv" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    target "TCP pipelined: steerdns / knot >= 1.0" "$(ratio "$ts" "$tk")" 1.0
  fi
  if has udp; then
    echo; echo "Answer checks (round 1):"; echo
    sed -n '/^| server | host42_A/,$p' "$RES/udp/report.md"
  fi
} > "$RES/report.md"
cp "$RES/report.md" "$OUTMD"
cat "$OUTMD"
