#!/usr/bin/env bash
# bench/lo-xdp.sh — steerdns's AF_XDP path (--xdp lo) in the peers' own loopback set-up, side by
# side with its kernel socket path, the zero-work reflector and gdnsd: the same run.sh, zone,
# queries, dnsblast generator, CPUs (server on CPU 0, dnsblast on CPU 1) as the UDP table of
# bench/run-peers.sh. Only the way steerdns's worker receives and sends differs.
#
# On lo the XDP program runs in generic (skb) mode and the AF_XDP socket copies: the frames a
# local sender hands to lo are redirected into steerdns's UMEM before the IP stack sees them,
# and replies leave through the AF_XDP TX ring and lo's transmit path. The kernel drops such
# replies (source 127/8 on a frame that comes in without a route) unless
# net.ipv4.conf.lo.route_localnet=1 and net.ipv4.conf.lo.accept_local=1: this script sets both
# for the run and restores the old values on exit (trap). steerdns's XDP program only takes
# UDP to its own port; every other server's traffic on lo passes through to the kernel.
#
# Rounds are interleaved (each round: run.sh with STEER_ARGS="--xdp lo" for steerdns, the
# reflector and gdnsd, then run.sh for steerdns on its sockets); medians over rounds. When the
# "CPU1 %" column (the generator's core) is ~100 % and "CPU0 %" is below it, dnsblast is the limit
# and the server's figure is a lower bound of its capacity.
#
# Usage: bench/lo-xdp.sh [-r ROUNDS] [-l SECONDS] [-m "MIXES"] [-s "PEERS"] [-o OUT.md] [-B]
#   -r 3  -l 10  -m "mixed www-ecs"  -s "reflector-mmsg gdnsd"
#   -m        run.sh mixes; a fixed-rate one (e.g. mixed@20k) runs under dnsperf and is compared
#             by average latency
#   -o FILE   the report [bench/RESULTS-lo-xdp.md]
#   -B        don't build; use $STEERDNS (default build-xdp/tools/steerdns, configured with
#             -DSTEER_XDP=ON)
# Needs root, the peers installed (../shared/peers/install-peers.sh), libxdp-dev + libbpf-dev.
# Env: BENCH_WORK (default $TMPDIR/steer-peers), PEERS_DIR, STEERDNS, RUN_EXTRA (more run.sh
# options, default "-Q 30 -R 2": wait for a quiet machine, re-measure disturbed cells).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS_DIR:-$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd || echo /work/shared/peers)}"
ROUNDS=3 DURATION=10 MIXES="mixed www-ecs" OTHERS="reflector-mmsg gdnsd" BUILD=1
OUTMD="$ROOT/bench/RESULTS-lo-xdp.md"
while getopts "r:l:m:s:o:Bh" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;; l) DURATION=$OPTARG ;; m) MIXES=$OPTARG ;; s) OTHERS=$OPTARG ;;
    o) OUTMD=$OPTARG ;; B) BUILD=0 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
CMDLINE="bench/lo-xdp.sh $*"
die() { echo "lo-xdp.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (XDP on lo, sysctls)"
[ -x "$PEERS/run.sh" ] || die "peers harness not found at $PEERS (set PEERS_DIR)"
export BENCH_WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/steer-peers}"
. "$ROOT/bench/describe.sh"
RUN_EXTRA="${RUN_EXTRA:--Q 30 -R 2}"
STEERDNS="${STEERDNS:-$ROOT/build-xdp/tools/steerdns}"
if [ "$BUILD" = 1 ]; then
  cmake -S "$ROOT" -B "$ROOT/build-xdp" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTEER_XDP=ON >/dev/null
  ninja -C "$ROOT/build-xdp" steerdns >/dev/null
fi
[ -x "$STEERDNS" ] || die "no steerdns binary at $STEERDNS"
"$STEERDNS" --help 2>&1 | grep -q -- '--xdp' || die "$STEERDNS was built without AF_XDP"
export STEERDNS

# The two sysctls, set for the run and restored on exit.
CONF=/proc/sys/net/ipv4/conf/lo
old_localnet=$(cat "$CONF/route_localnet") old_accept=$(cat "$CONF/accept_local")
restore() {
  echo "$old_localnet" > "$CONF/route_localnet"
  echo "$old_accept" > "$CONF/accept_local"
}
trap restore EXIT
echo 1 > "$CONF/route_localnet"
echo 1 > "$CONF/accept_local"

RES="$BENCH_WORK/results/lo-xdp-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RES"
# Throughput mixes run under dnsblast, fixed-rate ones (NAME@RATE) under dnsperf (run.sh's
# rule: dnsblast has no fixed rate); one run.sh call per generator and path.
BLAST_MIXES="" RATE_MIXES=""
for m in $MIXES; do
  case $m in *@*) RATE_MIXES+="${RATE_MIXES:+ }$m" ;; *) BLAST_MIXES+="${BLAST_MIXES:+ }$m" ;; esac
done
CALLS=()
run_pass() {  # run_pass ROUND PATH(xdp|udp) GEN MIXES
  local r=$1 path=$2 gen=$3 mixes=$4 servers="steerdns $OTHERS" args=()
  [ "$path" = udp ] && servers=steerdns
  [ "$path" = xdp ] && args=(env STEER_ARGS="--xdp lo")
  local out="$RES/$path-$gen-r$r"
  # shellcheck disable=SC2206  # RUN_EXTRA is a word list
  local cmd=("$PEERS/run.sh" -d "$ROOT/bench/peers" -s "$servers" -g "$gen" -m "$mixes" -r 1
             -l "$DURATION" $RUN_EXTRA -o "$out")
  echo "== round $r/$ROUNDS: ${args[*]} ${cmd[*]}" >&2
  "${args[@]}" "${cmd[@]}" > "$out.log" 2>&1 || die "run.sh failed: $out.log"
  if [ "$path" = xdp ]; then
    grep -q 'serving UDP through AF_XDP on lo' "$out/logs/steerdns.r1.log" ||
      die "steerdns did not serve through AF_XDP on lo: $out/logs/steerdns.r1.log"
  fi
  if [ "$r" = 1 ]; then
    CALLS+=("${args[*]:+STEER_ARGS=\"--xdp lo\" }$PEERS/run.sh -d bench/peers -s \"$servers\" -g $gen -m \"$mixes\" -r 1 -l $DURATION $RUN_EXTRA")
  fi
}
for ((r = 1; r <= ROUNDS; r++)); do
  for path in xdp udp; do
    [ -n "$BLAST_MIXES" ] && run_pass "$r" "$path" blast "$BLAST_MIXES"
    [ -n "$RATE_MIXES" ] && run_pass "$r" "$path" dnsperf "$RATE_MIXES"
  done
done

# One table: server (steerdns-xdp / steerdns-udp / peers), mix, median QPS (min-max), median
# CPU0 % (server core) and CPU1 % (generator core), answer checks.
{
  for d in "$RES"/xdp-*-r*/; do
    awk -F'\t' 'NR > 1 { s = $2 == "steerdns" ? "steerdns-xdp" : $2; print s "\t" $3 "\t" $4 "\t" $13 "\t" $14 "\t" $5 }' "${d}results.tsv"
  done
  for d in "$RES"/udp-*-r*/; do
    awk -F'\t' 'NR > 1 { print "steerdns-udp\t" $3 "\t" $4 "\t" $13 "\t" $14 "\t" $5 }' "${d}results.tsv"
  done
} > "$RES/all.tsv"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
col() {  # col SERVER MIX FIELD -> values, one per line
  awk -F'\t' -v s="$1" -v m="$2" -v f="$3" '$1 == s && $2 == m { print $f }' "$RES/all.tsv"
}
SERVERS_ALL="steerdns-xdp steerdns-udp $OTHERS"
CHECKS=$(printf '%s\n' "$RES"/xdp-*-r1/checks.tsv | head -1)
{
  echo "# steerdns AF_XDP on lo in the peers' loopback set-up (bench/lo-xdp.sh)"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(describe_machine)"
  echo "- steerdns: $(describe_build "$STEERDNS")"
  echo "- command: \`$CMDLINE\` (BENCH_WORK=$BENCH_WORK); results in \`$RES\`; per round, interleaved:"
  echo
  for c in "${CALLS[@]}"; do echo "      $c"; done
  echo
  echo "steerdns-xdp: \`steerdns --xdp lo\` (generic XDP, AF_XDP copy mode, our XDP program takes UDP"
  echo "to the port only); steerdns-udp: the same binary on its recvmmsg/sendmmsg socket. 1 worker"
  echo "on CPU0, the generator on CPU1 (dnsblast; dnsperf for fixed-rate mixes NAME@RATE); medians"
  echo "of $ROUNDS rounds (min-max); CPU %: medians."
  echo
  echo "| server | mix | QPS median (min-max) | avg latency us median (min-max) | CPU0 % (server) | CPU1 % (generator) |"
  echo "|---|---|---|---|---|---|"
  for mix in $MIXES; do
    for s in $SERVERS_ALL; do
      q=$(col "$s" "$mix" 3 | median)
      lo=$(col "$s" "$mix" 3 | sort -n | head -1) hi=$(col "$s" "$mix" 3 | sort -n | tail -1)
      l=$(col "$s" "$mix" 6 | median)
      llo=$(col "$s" "$mix" 6 | sort -n | head -1) lhi=$(col "$s" "$mix" 6 | sort -n | tail -1)
      echo "| $s | $mix | $q (${lo:--}-${hi:--}) | $l (${llo:--}-${lhi:--}) | $(col "$s" "$mix" 4 | median) | $(col "$s" "$mix" 5 | median) |"
    done
  done
  echo
  echo "Ratios of medians: QPS for the throughput mixes (higher is better), average latency for"
  echo "the fixed-rate ones (lower is better)."
  echo
  echo "| ratio of medians | ${MIXES// / | } |"
  echo "|---|$(for _ in $MIXES; do printf -- '---|'; done)"
  PAIRS="steerdns-xdp/steerdns-udp"
  for o in $OTHERS; do PAIRS+=" steerdns-xdp/$o steerdns-udp/$o"; done
  for pair in $PAIRS; do
    a=${pair%%/*} b=${pair#*/}
    row="| $a / $b |"
    for mix in $MIXES; do
      f=3
      case $mix in *@*) f=6 ;; esac
      x=$(col "$a" "$mix" $f | median) y=$(col "$b" "$mix" $f | median)
      row+=" $(awk -v x="$x" -v y="$y" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "-" }') |"
    done
    echo "$row"
  done
  echo
  echo "Answer checks (round 1, through each server's path):"
  echo
  awk -F'\t' 'NR == 1 { printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n|"; for (i = 1; i <= NF; i++) printf "---|"; print "" }
              NR > 1 { s = $1 == "steerdns" ? "steerdns-xdp" : $1; printf "| %s |", s; for (i = 2; i <= NF; i++) printf " %s |", $i; print "" }' "$CHECKS"
} > "$OUTMD"
cat "$OUTMD"
