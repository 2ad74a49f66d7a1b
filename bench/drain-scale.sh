#!/usr/bin/env bash
# bench/drain-scale.sh — 1 vs 2 UDP workers with the load generator idle while the server works,
# for the "2 workers on 2 cores >= 1.7x one worker" target on a machine with no third core.
#
#   bench/drain-scale.sh [-r ROUNDS] [-c CYCLES] [-s "SERVERS"] [-m "MIXES"] [-o OUT.md] [-B]
#     -r N      rounds, servers interleaved [3]     -c N   drain cycles per measurement [15]
#     -s LIST   servers [steerdns gdnsd knot reflector-mmsg] (the reflector: 1 worker only)
#     -m LIST   mixes [mixed www-ecs]               -B     do not (re)build
#     -q PCT    before each measurement wait (at most 60 s) until the machine's other work uses
#               less than PCT % of the 2 CPUs [10]; the 2-worker figure needs the second core
#               idle, so a busy machine is reported in the table's "busy %" column (0: don't wait)
#
# Method (bench/drain_load.cc): the server is stopped (SIGSTOP), its UDP receive queues are filled
# from 256 source ports (SO_REUSEPORT spreads them over the workers' sockets), it is continued
# (SIGCONT) and drains them while drain_load sleeps; the rate is taken from the kernel receive
# timestamps of the 5th to 95th percentile replies. So the server's workers have the cores to
# themselves: 1 worker pinned to CPU0, 2 workers on CPUs 0-1. The median over CYCLES cycles is one
# round's figure; the table gives the median of the rounds (min-max).
# For the measurement net.core.rmem_default is raised to 8 MiB (restored on exit) so that every
# server's queues hold ~10k queries whether or not it sets SO_RCVBUF itself (steerdns asks 4 MiB,
# which the kernel doubles); drain_load sends more than fits and counts the kernel's drops.
# Env: BENCH_WORK (default $TMPDIR/steer-peers), PEERS (../shared/peers), STEERDNS.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS:-$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd || echo /work/shared/peers)}"
export BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/steer-peers}"
ROUNDS=3 CYCLES=15 BUILD=1 QUIET=10 OUTMD="$ROOT/bench/RESULTS-drain.md"
SERVERS="steerdns gdnsd knot reflector-mmsg" MIXES="mixed www-ecs"
while getopts "r:c:s:m:o:q:Bh" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;; c) CYCLES=$OPTARG ;; s) SERVERS=$OPTARG ;; m) MIXES=$OPTARG ;;
    o) OUTMD=$OPTARG ;; q) QUIET=$OPTARG ;; B) BUILD=0 ;; *) sed -n '2,25p' "$0"; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (sysctl net.core.rmem_default, signals to the servers)" >&2; exit 1; }
if [ "$BUILD" = 1 ]; then
  [ -d "$ROOT/build-perf" ] || cmake -S "$ROOT" -B "$ROOT/build-perf" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
  ninja -C "$ROOT/build-perf" -j2 steerdns drain_load >&2 || exit 1
fi
export STEERDNS="${STEERDNS:-$ROOT/build-perf/tools/steerdns}"
DRAIN="$ROOT/build-perf/bench/drain_load"
[ -x "$DRAIN" ] || { echo "$DRAIN not built" >&2; exit 1; }
. "$PEERS/common.sh"
. "$ROOT/bench/quiet.sh"
. "$ROOT/bench/describe.sh"
ensure_zone
[ -s "$WORK/queries/mixed.txt" ] || "$PEERS/gen-queries.sh" >/dev/null
[ -s "$WORK/queries/mixed.txt" ] || { echo "no query files in $WORK/queries (run ../shared/peers/run.sh once)" >&2; exit 1; }
ECS_OPT="8:00011800c61203"   # as run.sh: ECS family 1, source /24, scope 0, 198.18.3.0

RES="$BENCH_WORK/results/drain-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RES/logs"
OLD_RMEM_DEFAULT=$(sysctl -n net.core.rmem_default)
SERVER_PID=""
ready() {  # ready PORT NAME: answers SOA (the reflector answers NOERROR without records)
  local pattern="hostmaster" i
  [[ $2 == reflector-* ]] && pattern="status: NOERROR"
  for ((i = 0; i < 600; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    dig +time=1 +tries=1 @127.0.0.1 -p "$1" "$ZONE_NAME" SOA 2>/dev/null | grep -q "$pattern" && return 0
    sleep 0.1
  done
  return 1
}
cleanup() {
  [ -n "$SERVER_PID" ] && { kill -CONT "$SERVER_PID" 2>/dev/null; stop_pid "$SERVER_PID"; }
  sysctl -q -w net.core.rmem_default="$OLD_RMEM_DEFAULT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
sysctl -q -w net.core.rmem_default=8388608

printf 'round\tserver\tmix\tworkers\tmedian_qps\tmin_qps\tmax_qps\treplies_per_cycle\tbusy_before\n' > "$RES/results.tsv"
for ((r = 1; r <= ROUNDS; r++)); do
  for s in $SERVERS; do
    for t in 1 2; do
      [[ $s == reflector-* && $t == 2 ]] && continue
      cpus=0; [ "$t" = 2 ] && cpus=0,1
      script="$PEERS/servers/$s.sh" arg=()
      if [ -x "$ROOT/bench/peers/$s.sh" ]; then script="$ROOT/bench/peers/$s.sh"
      elif [ ! -x "$script" ]; then script="$PEERS/servers/${s%%-*}.sh"; arg=("${s#*-}"); fi
      port=${PORT_OF[$s]}
      log="$RES/logs/$s.t$t.r$r"
      PORT=$port THREADS=$t CPUS=$cpus "$script" "${arg[@]}" > "$log.server.log" 2>&1 &
      SERVER_PID=$!
      if ! ready "$port" "$s"; then
        echo "round $r: $s ($t workers) did not come up; see $log.server.log" >&2
        stop_pid "$SERVER_PID"; SERVER_PID=""; continue
      fi
      for mix in $MIXES; do
        file="$WORK/queries/mixed.txt" extra=()
        case $mix in
          www) file="$WORK/queries/www.txt" ;;
          www-ecs) file="$WORK/queries/www.txt"; extra=(-E "$ECS_OPT") ;;
        esac
        busy=$(wait_quiet "$QUIET")
        taskset -c 1 "$DRAIN" -p "$port" -d "$file" -P "$SERVER_PID" -c "$CYCLES" \
          -n $((15000 * t)) "${extra[@]}" > "$log.$mix.out" 2> "$log.$mix.err"
        line=$(grep '^drain:' "$log.$mix.out")
        if [ -z "$line" ]; then echo "round $r: $s $mix ($t workers): no result, see $log.$mix.err" >&2; continue; fi
        eval "$(sed 's/^drain: //' <<< "$line")"   # median_qps= min_qps= max_qps= replies_per_cycle= cycles=
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$mix" "$t" "$median_qps" "$min_qps" \
          "$max_qps" "$replies_per_cycle" "$busy" | tee -a "$RES/results.tsv" >&2
      done
      stop_pid "$SERVER_PID"; SERVER_PID=""
    done
  done
done

# --- report: medians over rounds ---------------------------------------------------------------
stats() {  # stats SERVER MIX WORKERS -> "median min max" of the rounds' median_qps
  awk -F'\t' -v s="$1" -v m="$2" -v t="$3" 'NR > 1 && $2 == s && $3 == m && $4 == t { v[++n] = $5 + 0 }
    END { if (!n) { print "- - -"; exit }
          for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
          printf "%d %d %d\n", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2, v[1], v[n] }' "$RES/results.tsv"
}
{
  echo "# 1 vs 2 UDP workers, generator idle while the server drains its queues (bench/drain-scale.sh)"
  echo
  echo "- date: $(date -u +%FT%TZ)"
  echo "- machine: $(describe_machine)"
  echo "- steerdns: $(describe_build "$STEERDNS")"
  echo "- command: \`bench/drain-scale.sh -r $ROUNDS -c $CYCLES -s \"$SERVERS\" -m \"$MIXES\"\` (BENCH_WORK=$BENCH_WORK); results in \`$RES\`"
  echo
  echo "QPS: median of $ROUNDS rounds (min-max) of each round's median over $CYCLES drain cycles; 1 worker on"
  echo "CPU0, 2 workers on CPUs 0-1; drain_load pinned to CPU1 but asleep while the server drains."
  echo "\"busy % before\": the machine's other work (% of both CPUs) just before a measurement; above"
  echo "~10 the second core was not idle and the 2-worker figure is not the server's."
  echo
  echo "| server | mix | 1 worker QPS | 2 workers QPS | scale | 1 worker / reflector-mmsg | busy % before (max) |"
  echo "|---|---|---|---|---|---|---|"
  for mix in $MIXES; do
    read -r refl _ _ <<< "$(stats reflector-mmsg "$mix" 1)"
    for s in $SERVERS; do
      read -r a1 lo1 hi1 <<< "$(stats "$s" "$mix" 1)"
      read -r a2 lo2 hi2 <<< "$(stats "$s" "$mix" 2)"
      sc=$(awk -v a="$a1" -v b="$a2" 'BEGIN { if (a + 0 == 0 || b == "-") print "-"; else printf "%.2f", b / a }')
      vr=$(awk -v a="$a1" -v b="$refl" 'BEGIN { if (b == "-" || b + 0 == 0 || a == "-") print "-"; else printf "%.2f", a / b }')
      c2="$a2 ($lo2-$hi2)"; [ "$a2" = "-" ] && c2="-"
      busy=$(awk -F'\t' -v s="$s" -v m="$mix" 'NR > 1 && $2 == s && $3 == m && $9 + 0 > b { b = $9 + 0 } END { print b + 0 }' "$RES/results.tsv")
      echo "| $s | $mix | $a1 ($lo1-$hi1) | $c2 | $sc | $vr | $busy |"
    done
  done
} > "$OUTMD"
cat "$OUTMD"
