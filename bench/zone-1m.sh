#!/usr/bin/env bash
# bench/zone-1m.sh — a 1,000,000-record zone (bench/gen-zone-1m.sh: A, AAAA, MX, TXT, CNAME,
# NS delegations with glue) loaded by steerdns, Knot (knotd) and NSD, side by side:
#   load s   wall time from starting the server until it answers the zone's SOA over UDP
#            (polled every 50 ms with dig), i.e. parse + build + ready to serve
#   RSS MiB  VmRSS of the serving process (/proc/PID/status) once it answers; for NSD, which
#            forks, the main process and the serving child are reported as main+child
#   PSS MiB  proportional set size summed over the server's process tree (smaps_rollup):
#            shared copy-on-write pages counted once — the fair total for forking servers
#   peak MiB VmHWM (peak RSS) of the main process: memory needed while loading
# Each server is pinned to one CPU (taskset -c $CPU) with one worker / one background worker.
# Rounds rotate the order; medians are printed. Servers that are not installed are skipped.
#
#   bench/zone-1m.sh [-r ROUNDS] [-n RECORDS] [-c CPU] [-s "steerdns knot nsd"] [-o OUT.md]
# Env: STEERDNS (binary; default build-perf/tools/steerdns, then build/), BENCH_WORK (work
# folder, default $TMPDIR/steer-zone-1m). Ports 5320 (steerdns), 5321 (knot), 5322 (nsd).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS=3 N=1000000 CPU=0 SERVERS="steerdns knot nsd" OUTMD=""
while getopts "r:n:c:s:o:h" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;; n) N=$OPTARG ;; c) CPU=$OPTARG ;; s) SERVERS=$OPTARG ;; o) OUTMD=$OPTARG ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
  esac
done
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/steer-zone-1m}"
mkdir -p "$WORK"
ZONE="$WORK/big.test.zone"
if [ ! -s "$ZONE" ] || [ "$(sed -n 1p "$WORK/records" 2>/dev/null)" != "$N" ]; then
  "$ROOT/bench/gen-zone-1m.sh" "$ZONE" "$N" >&2 && echo "$N" > "$WORK/records"
fi
if [ -z "${STEERDNS:-}" ]; then
  for b in "$ROOT/build-perf/tools/steerdns" "$ROOT/build/tools/steerdns"; do
    [ -x "$b" ] && { STEERDNS=$b; break; }
  done
fi
declare -A PORT=([steerdns]=5320 [knot]=5321 [nsd]=5322)

# shellcheck source=bench/lib-1m.sh
. "$ROOT/bench/lib-1m.sh"
trap stop EXIT
trap 'exit 130' INT TERM
start() { start_server "$1" "${PORT[$1]}" "$ZONE" "$CPU" "$WORK/run/$1"; }

RES="$WORK/results.tsv"
printf 'round\tserver\tload_s\trss_mib\tchild_rss_mib\tpss_mib\tpeak_mib\n' > "$RES"
read -r -a SRV <<< "$SERVERS"
for ((round = 1; round <= ROUNDS; round++)); do
  for ((k = 0; k < ${#SRV[@]}; k++)); do
    name=${SRV[$(((k + round - 1) % ${#SRV[@]}))]}
    case $name in
      steerdns) [ -x "${STEERDNS:-}" ] || { echo "skip steerdns: no binary" >&2; continue; } ;;
      knot) command -v knotd >/dev/null || { echo "skip knot: not installed" >&2; continue; } ;;
      nsd) command -v nsd >/dev/null || { echo "skip nsd: not installed" >&2; continue; } ;;
    esac
    t0=$(date +%s.%N)
    start "$name"
    ok=0
    for ((i = 0; i < 2400; i++)); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      if dig +time=1 +tries=1 @127.0.0.1 -p "${PORT[$name]}" big.test SOA 2>/dev/null | grep -q 'hostmaster'; then ok=1; break; fi
      sleep 0.05
    done
    t1=$(date +%s.%N)
    if [ "$ok" != 1 ]; then echo "round $round: $name did not answer; see $WORK/run/$name/log" >&2; stop; continue; fi
    sleep 1   # let it settle (NSD forks its server child after loading)
    rss=$(kib "$SERVER_PID" VmRSS); peak=$(kib "$SERVER_PID" VmHWM); child=0; pss=0
    for p in $(tree_pids "$SERVER_PID"); do
      [ "$p" != "$SERVER_PID" ] && { c=$(kib "$p" VmRSS); [ "${c:-0}" -gt "$child" ] && child=$c; }
      ps_=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null); pss=$((pss + ${ps_:-0}))
    done
    # sanity: a record from the middle of the file must be served
    dig +short @127.0.0.1 -p "${PORT[$name]}" a400000.big.test A | grep -q '^10\.' || echo "  warning: $name does not answer a400000.big.test A" >&2
    awk -v r="$round" -v s="$name" -v t0="$t0" -v t1="$t1" -v rss="$rss" -v ch="$child" -v pss="$pss" -v pk="$peak" \
      'BEGIN { printf "%s\t%s\t%.2f\t%.0f\t%.0f\t%.0f\t%.0f\n", r, s, t1 - t0, rss / 1024, ch / 1024, pss / 1024, pk / 1024 }' | tee -a "$RES" >&2
    stop
  done
done

report() {
  echo "Zone: $N records ($(du -h "$ZONE" | cut -f1) master file, $(grep -c . "$ZONE") lines), $ROUNDS rounds, server pinned to CPU $CPU; medians (min-max)."
  echo
  echo "| server | load s | VmRSS MiB (main+child) | PSS MiB (process tree) | peak RSS MiB (VmHWM) |"
  echo "|---|---|---|---|---|"
  awk -F'\t' '
    function med(s, c,   n, i, j, t, v) { n = cnt[s]; for (i = 1; i <= n; i++) v[i] = val[s, c, i]
      for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
      MIN = v[1]; MAX = v[n]; return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
    NR > 1 { s = $2; if (!(s in cnt)) S[++ns] = s; k = ++cnt[s]
             val[s, 3, k] = $3; val[s, 4, k] = $4; val[s, 5, k] = $5; val[s, 6, k] = $6; val[s, 7, k] = $7 }
    END { for (a = 1; a <= ns; a++) { s = S[a]
            l = med(s, 3); lmin = MIN; lmax = MAX; r = med(s, 4); c = med(s, 5); p = med(s, 6); pk = med(s, 7)
            printf "| %s | %.2f (%.2f-%.2f) | %.0f%s | %.0f | %.0f |\n", s, l, lmin, lmax, r, (c > 0 ? sprintf("+%.0f", c) : ""), p, pk } }' "$RES"
}
report | tee "$WORK/report.md"
[ -n "$OUTMD" ] && cp "$WORK/report.md" "$OUTMD"
exit 0
