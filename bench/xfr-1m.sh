#!/usr/bin/env bash
# bench/xfr-1m.sh — outgoing zone transfer of a 1,000,000-record zone (bench/gen-zone-1m.sh),
# steerdns vs Knot (and NSD) as the primary, side by side:
#   axfr s     wall time of one AXFR as `kdig +noall +stat` receives it over TCP (the same
#              client for every server: the ratio is what counts)
#   MiB        messages received, in MiB
#   +peak MiB  the primary's VmHWM after the transfer minus before it: memory the
#              transfer needed on top of serving the zone
#   qps idle   UDP answers/s (dnsperf, 10 s, www-style queries from the zone) with no transfer
#   qps xfr    the same while AXFRs of the zone run back to back: a transfer must not stall
#              UDP answering
# The server runs on CPU $CPU with one UDP and one TCP worker; kdig and dnsperf share the other
# CPU. Rounds rotate the order; medians are printed.
#
#   bench/xfr-1m.sh [-r ROUNDS] [-n RECORDS] [-c CPU] [-s "steerdns knot nsd"] [-o OUT.md]
# Env: STEERDNS (binary; default build-perf/tools/steerdns, then build/), BENCH_WORK (default
# $TMPDIR/steer-xfr-1m). Ports 5330 (steerdns), 5331 (knot), 5332 (nsd).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS=3 N=1000000 CPU=0 SERVERS="steerdns knot nsd" OUTMD=""
while getopts "r:n:c:s:o:h" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;; n) N=$OPTARG ;; c) CPU=$OPTARG ;; s) SERVERS=$OPTARG ;; o) OUTMD=$OPTARG ;;
    *) sed -n '2,19p' "$0"; exit 2 ;;
  esac
done
OTHER_CPU=$(( CPU == 0 ? 1 : 0 ))
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/steer-xfr-1m}"
mkdir -p "$WORK"
ZONE="$WORK/big.test.zone"
if [ ! -s "$ZONE" ] || [ "$(sed -n 1p "$WORK/records" 2>/dev/null)" != "$N" ]; then
  "$ROOT/bench/gen-zone-1m.sh" "$ZONE" "$N" >&2 && echo "$N" > "$WORK/records"
fi
QUERIES="$WORK/queries.txt"
[ -s "$QUERIES" ] || for i in $(seq 1 1000); do echo "a$((i * 97)).big.test A"; done > "$QUERIES"
if [ -z "${STEERDNS:-}" ]; then
  for b in "$ROOT/build-perf/tools/steerdns" "$ROOT/build/tools/steerdns"; do
    [ -x "$b" ] && { STEERDNS=$b; break; }
  done
fi
declare -A PORT=([steerdns]=5330 [knot]=5331 [nsd]=5332)

# shellcheck source=bench/lib-1m.sh
. "$ROOT/bench/lib-1m.sh"
trap stop EXIT
trap 'exit 130' INT TERM
start() { start_server "$1" "${PORT[$1]}" "$ZONE" "$CPU" "$WORK/run/$1" xfr; }
# The serving process: NSD forks its server child; the others serve from the main one.
serving_pid() { local c; c=$(cat /proc/"$SERVER_PID"/task/*/children 2>/dev/null | awk '{print $NF}'); [ "$1" = nsd ] && [ -n "$c" ] && echo "$c" || echo "$SERVER_PID"; }
qps() {  # qps PORT -> answers/s over 10 s
  taskset -c "$OTHER_CPU" dnsperf -s 127.0.0.1 -p "$1" -d "$QUERIES" -l 10 -c 4 -q 200 2>/dev/null |
    awk '/Queries per second/ { print $4 }'
}

RES="$WORK/results.tsv"
printf 'round\tserver\taxfr_s\tmib\tpeak_mib\tqps_idle\tqps_xfr\trecords\n' > "$RES"
read -r -a SRV <<< "$SERVERS"
for ((round = 1; round <= ROUNDS; round++)); do
  for ((k = 0; k < ${#SRV[@]}; k++)); do
    name=${SRV[$(((k + round - 1) % ${#SRV[@]}))]}
    case $name in
      steerdns) [ -x "${STEERDNS:-}" ] || { echo "skip steerdns: no binary" >&2; continue; } ;;
      knot) command -v knotd >/dev/null || { echo "skip knot: not installed" >&2; continue; } ;;
      nsd) command -v nsd >/dev/null || { echo "skip nsd: not installed" >&2; continue; } ;;
    esac
    port=${PORT[$name]}
    start "$name"
    ok=0
    for ((i = 0; i < 2400; i++)); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      if dig +time=1 +tries=1 @127.0.0.1 -p "$port" big.test SOA 2>/dev/null | grep -q 'hostmaster'; then ok=1; break; fi
      sleep 0.05
    done
    [ "$ok" = 1 ] || { echo "round $round: $name did not answer; see $WORK/run/$name/log" >&2; stop; continue; }
    sleep 1
    spid=$(serving_pid "$name")
    before=$(kib "$spid" VmHWM)
    t0=$(date +%s.%N)
    stat=$(taskset -c "$OTHER_CPU" kdig @127.0.0.1 -p "$port" +tcp +noall +stat big.test AXFR 2>&1)
    t1=$(date +%s.%N)
    after=$(kib "$spid" VmHWM)
    recs=$(echo "$stat" | sed -n 's/.*(\([0-9]*\) messages, \([0-9]*\) records).*/\2/p' | head -1)
    bytes=$(echo "$stat" | sed -n 's/^;; Received \([0-9]*\) B.*/\1/p' | head -1)
    [ -n "$recs" ] || { echo "round $round: $name: no AXFR: $stat" >&2; }
    idle=$(qps "$port")
    ( while :; do taskset -c "$OTHER_CPU" kdig @127.0.0.1 -p "$port" +tcp +noall big.test AXFR >/dev/null 2>&1; done ) &
    loop=$!
    sleep 1
    busy=$(qps "$port")
    kill "$loop" 2>/dev/null; pkill -P "$loop" 2>/dev/null; wait "$loop" 2>/dev/null
    awk -v r="$round" -v s="$name" -v t0="$t0" -v t1="$t1" -v b="${bytes:-0}" -v a="${after:-0}" -v bf="${before:-0}" \
        -v qi="${idle:-0}" -v qx="${busy:-0}" -v n="${recs:-0}" \
      'BEGIN { printf "%s\t%s\t%.2f\t%.1f\t%.0f\t%.0f\t%.0f\t%s\n", r, s, t1 - t0, b / 1048576, (a - bf) / 1024, qi, qx, n }' | tee -a "$RES" >&2
    stop
  done
done

report() {
  echo "Zone: $N records, $ROUNDS rounds, primary pinned to CPU $CPU (1 UDP + 1 TCP worker), kdig and dnsperf on CPU $OTHER_CPU; medians (min-max)."
  echo
  echo "| primary | AXFR s | MiB sent | RRs | +peak MiB | UDP qps idle | UDP qps during AXFRs | ratio |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -F'\t' '
    function med(s, c,   n, i, j, t, v) { n = cnt[s]; for (i = 1; i <= n; i++) v[i] = val[s, c, i]
      for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
      MIN = v[1]; MAX = v[n]; return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
    NR > 1 { s = $2; if (!(s in cnt)) S[++ns] = s; k = ++cnt[s]; for (c = 3; c <= 8; c++) val[s, c, k] = $c }
    END { for (a = 1; a <= ns; a++) { s = S[a]
            t = med(s, 3); tmin = MIN; tmax = MAX; m = med(s, 4); pk = med(s, 5); qi = med(s, 6); qx = med(s, 7); n = med(s, 8)
            printf "| %s | %.2f (%.2f-%.2f) | %.1f | %d | %.0f | %.0f | %.0f | %.2f |\n", s, t, tmin, tmax, m, n, pk, qi, qx, (qi > 0 ? qx / qi : 0) } }' "$RES"
}
report | tee "$WORK/report.md"
[ -n "$OUTMD" ] && cp "$WORK/report.md" "$OUTMD"
exit 0
