#!/usr/bin/env bash
# bench/xdp.sh — steerdns's AF_XDP path (--xdp) against Knot's XDP mode, and both against their
# plain UDP socket paths, loaded by Knot's kxdpgun over a veth pair between two network
# namespaces that this script creates (and deletes: trap). Traffic never leaves them.
#
#   netns steerxdp-s-PID                      netns steerxdp-c-PID
#   [server, CPU 0] sxsPID 198.18.0.2/24 <=veth=> sxcPID 198.18.0.1/24 [kxdpgun, CPU 1]
#   (fd00:5300::2/64)                                   (fd00:5300::1/64)
#
# Static neighbour entries on both ends: steerdns's own XDP program passes ARP/ND to the kernel,
# but a build without it (libxdp's default program) hands every frame to steerdns, ARP included;
# and kxdpgun wants the peer's MAC up front.
#
# Servers (each 1 worker pinned to CPU 0, the peers' zone and www routing):
#   steerdns-xdp  bench/peers/steerdns.sh with LISTEN=198.18.0.2 STEER_ARGS="--xdp sxsPID"
#   knot-xdp      knotd, config as ../shared/peers/servers/knot.sh + "xdp: listen: sxsPID@PORT"
#   steerdns-udp  the same steerdns without --xdp (recvmmsg/sendmmsg sockets)
#   knot-udp      the same knotd without the xdp section
#   reflector-udp ../shared/peers/reflector.c (mmsg, batch 64): the kernel UDP path's limit on this
#                 veth pair; it binds 127.0.0.1 only, so bench/bind_as.c (LD_PRELOAD) makes that
#                 bind go to the veth address
# Load: taskset -c 1 kxdpgun -t L -Q QPS -b B -i QUERIES -p PORT -I sxcPID 198.18.0.2, the
# peers' query mix (../shared/peers/gen-queries.sh, names made absolute). kxdpgun sends as fast
# as it can up to QPS and counts replies; "replies/s" is the server's throughput.
# Rounds are interleaved (round 1: every server, round 2: ...); medians over rounds.
#
# Usage: bench/xdp.sh [-r ROUNDS] [-l SECONDS] [-Q QPS] [-b BATCH] [-m mixed|www]
#                     [-s "SERVERS"] [-q QUIET_PCT] [-o OUTDIR] [-B]
#   -r 3  -l 10  -Q 3000000  -b 32  -m mixed
#   -s "steerdns-xdp knot-xdp steerdns-udp knot-udp reflector-udp"
#   -q 30: before each measurement wait (at most 60 s) until the machine's other work uses less
#          than this % of the 2 CPUs' time (0: don't wait)
#   -B: don't build; use $STEERDNS (default build-xdp/tools/steerdns)
# Needs root, iproute2, kxdpgun (knot-dnsutils), knotd + knot-module-geoip, dig, and a
# steerdns built with AF_XDP (libxdp-dev, libbpf-dev). Writes OUTDIR/report.md (markdown table
# plus the exact commands) and OUTDIR/raw.tsv; prints the report. Bounded: every kxdpgun run is
# under `timeout`, every server start waits at most 30 s.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS_DIR:-$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd || echo /work/shared/peers)}"
ROUNDS=3; DURATION=10; QPS=3000000; BATCH=32; MIX=mixed; QUIET=30; BUILD=1; OUT=""
SERVERS="steerdns-xdp knot-xdp steerdns-udp knot-udp reflector-udp"
while getopts "r:l:Q:b:m:s:q:o:Bh" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;; l) DURATION=$OPTARG ;; Q) QPS=$OPTARG ;; b) BATCH=$OPTARG ;;
    m) MIX=$OPTARG ;; s) SERVERS=$OPTARG ;; q) QUIET=$OPTARG ;; o) OUT=$OPTARG ;; B) BUILD=0 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
  esac
done
CMDLINE="bench/xdp.sh $*"
die() { echo "xdp.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, XDP)"
for tool in ip kxdpgun knotd dig taskset timeout; do
  command -v "$tool" >/dev/null || die "$tool not found (scripts/install-deps.sh; knotd: ../shared/peers/install-peers.sh)"
done

export BENCH_WORK="${BENCH_WORK:-/tmp/steer-xdp}"
. "$PEERS/common.sh"
. "$ROOT/bench/quiet.sh"
. "$ROOT/bench/describe.sh"
STEERDNS="${STEERDNS:-$ROOT/build-xdp/tools/steerdns}"
if [ "$BUILD" = 1 ]; then
  cmake -S "$ROOT" -B "$ROOT/build-xdp" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTEER_XDP=ON >/dev/null
  cmake --build "$ROOT/build-xdp" -j2 --target steerdns >/dev/null
fi
[ -x "$STEERDNS" ] || die "steerdns binary not found: $STEERDNS"
"$STEERDNS" --help | grep -q -- '--xdp' || die "$STEERDNS has no --xdp (built without libxdp?)"
export STEERDNS

ensure_zone
[ -s "$WORK/queries/$MIX.txt" ] || "$PEERS/gen-queries.sh" "$WORK/queries" >/dev/null
QFILE="$WORK/queries/$MIX.kxdpgun"
awk '{ n = $1; if (n !~ /\.$/) n = n "."; print n, $2 }' "$WORK/queries/$MIX.txt" > "$QFILE"
[ -n "$OUT" ] || OUT="$WORK/results/xdp-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

NS_S="steerxdp-s-$$"; NS_C="steerxdp-c-$$"; VS="sxs$$"; VC="sxc$$"
SADDR=198.18.0.2; CADDR=198.18.0.1
SERVER_PID=""
cleanup() {
  set +e
  [ -n "$SERVER_PID" ] && stop_pid "$SERVER_PID"
  ip netns del "$NS_S" 2>/dev/null   # takes the veth pair with it
  ip netns del "$NS_C" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the two namespaces and the veth pair ---
ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add "$VS" type veth peer name "$VC"
ip link set "$VS" netns "$NS_S"
ip link set "$VC" netns "$NS_C"
ip -n "$NS_S" addr add "$SADDR/24" dev "$VS"
ip -n "$NS_C" addr add "$CADDR/24" dev "$VC"
ip -n "$NS_S" addr add fd00:5300::2/64 dev "$VS" nodad
ip -n "$NS_C" addr add fd00:5300::1/64 dev "$VC" nodad
for ns in "$NS_S" "$NS_C"; do ip -n "$ns" link set lo up; done
ip -n "$NS_S" link set "$VS" up
ip -n "$NS_C" link set "$VC" up
SMAC=$(ip -n "$NS_S" -br link show "$VS" | awk '{ print $3 }')
CMAC=$(ip -n "$NS_C" -br link show "$VC" | awk '{ print $3 }')
ip -n "$NS_C" neigh replace "$SADDR" lladdr "$SMAC" dev "$VC" nud permanent
ip -n "$NS_C" neigh replace fd00:5300::2 lladdr "$SMAC" dev "$VC" nud permanent
ip -n "$NS_S" neigh replace "$CADDR" lladdr "$CMAC" dev "$VS" nud permanent
ip -n "$NS_S" neigh replace fd00:5300::1 lladdr "$CMAC" dev "$VS" nud permanent

# --- servers ---
knot_conf() {  # knot_conf DIR PORT XDP(0/1): the peers' knot.sh config, on the veth address
  local dir=$1 port=$2 xdp=$3
  rm -rf "$dir"; mkdir -p "$dir/db"
  cp "$ZONE_BASE" "$dir/bench.test.zone"
  {
    echo "$GEO_NAME:"
    while read -r region net ip; do printf '  - net: %s\n    A: %s\n' "$net" "$ip"; done <<< "$GEO_TABLE"
    printf '  - net: 0.0.0.0/0\n    A: %s\n' "$GEO_DEFAULT_ANSWER"
    printf '  - net: ::/0\n    A: %s\n' "$GEO_DEFAULT_ANSWER"
  } > "$dir/geo.conf"
  cat > "$dir/knot.conf" <<CONF
server:
    rundir: "$dir"
    pidfile: "$dir/knot.pid"
    listen: $SADDR@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
    edns-client-subnet: on
control:
    listen: "$dir/knot.sock"
database:
    storage: "$dir/db"
log:
  - target: stderr
    any: info
mod-geoip:
  - id: www
    config-file: "$dir/geo.conf"
    ttl: $GEO_TTL
    mode: subnet
zone:
  - domain: bench.test.
    storage: "$dir"
    file: "bench.test.zone"
    zonefile-sync: -1
    journal-content: none
    module: mod-geoip/www
CONF
  if [ "$xdp" = 1 ]; then printf 'xdp:\n    listen: %s@%s\n' "$VS" "$port" >> "$dir/knot.conf"; fi
}

PORT=""; SERVER_CMD=""
start_server() {  # start_server NAME LOG: starts it in NS_S on CPU 0, sets SERVER_PID and PORT
  local name=$1 log=$2
  case $name in
    steerdns-xdp|steerdns-udp)
      PORT=5310
      local extra=""; [ "$name" = steerdns-xdp ] && extra="--xdp $VS"
      SERVER_CMD="ip netns exec $NS_S env PORT=$PORT THREADS=1 CPUS=0 LISTEN=$SADDR STEER_ARGS=\"$extra\" STEERDNS=$STEERDNS bench/peers/steerdns.sh"
      ip netns exec "$NS_S" env PORT=$PORT THREADS=1 CPUS=0 LISTEN=$SADDR STEER_ARGS="$extra" \
        BENCH_WORK="$BENCH_WORK" "$ROOT/bench/peers/steerdns.sh" > "$log" 2>&1 &
      ;;
    knot-xdp|knot-udp)
      PORT=5302
      local xdp=0; [ "$name" = knot-xdp ] && xdp=1
      knot_conf "$WORK/run/$name" "$PORT" "$xdp"
      SERVER_CMD="ip netns exec $NS_S taskset -c 0 knotd -c $WORK/run/$name/knot.conf"
      ip netns exec "$NS_S" taskset -c 0 knotd -c "$WORK/run/$name/knot.conf" > "$log" 2>&1 &
      ;;
    reflector-udp)
      PORT=5306
      local shim="$WORK/bin/bind_as.so"
      if [ ! -x "$shim" ] || [ "$ROOT/bench/bind_as.c" -nt "$shim" ]; then
        mkdir -p "$WORK/bin"; cc -O2 -Wall -shared -fPIC -o "$shim" "$ROOT/bench/bind_as.c" -ldl
      fi
      SERVER_CMD="ip netns exec $NS_S env PORT=$PORT CPUS=0 LD_PRELOAD=$shim STEER_BIND_AS=$SADDR ../shared/peers/servers/reflector.sh mmsg"
      ip netns exec "$NS_S" env PORT=$PORT CPUS=0 BENCH_WORK="$BENCH_WORK" LD_PRELOAD="$shim" \
        STEER_BIND_AS="$SADDR" "$PEERS/servers/reflector.sh" mmsg > "$log" 2>&1 &
      ;;
    *) die "unknown server $name" ;;
  esac
  SERVER_PID=$!   # ip netns exec, env, taskset and the script all exec: this is the server
  local i pattern="hostmaster"
  [ "$name" = reflector-udp ] && pattern="status: NOERROR"   # answers without records
  for ((i = 0; i < 300; i++)); do
    if ip netns exec "$NS_C" dig +time=1 +tries=1 @"$SADDR" -p "$PORT" "$ZONE_NAME" SOA 2>/dev/null | grep -q "$pattern"; then
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "xdp.sh: $name did not answer; its log:" >&2; cat "$log" >&2
  return 1
}
stop_server() {
  stop_pid "$SERVER_PID"; SERVER_PID=""
  # Knot leaves its XDP program on the interface when it exits; take off whatever is there so
  # that the next server starts from a clean interface.
  ip -n "$NS_S" link set dev "$VS" xdp off 2>/dev/null || true
}

# CPU time used by everything (we run nothing between measurements), in % of both CPUs.
# Before each measurement: the other work's busy %, "-" when not waiting, "N(busy)" when the
# 60 s wait ran out (bench/quiet.sh).
quiet_before() {
  [ "$QUIET" -gt 0 ] || { echo "-"; return; }
  local b
  if b=$(wait_quiet "$QUIET"); then echo "$b"; else echo "$b(busy)"; fi
}

RAW="$OUT/raw.tsv"
printf 'round\tserver\tsent_pps\treplies_pps\tanswered_pct\tmode\tbusy_before_pct\n' > "$RAW"
declare -A MODE
KXDP_CMD="ip netns exec $NS_C timeout $((DURATION + 30)) taskset -c 1 kxdpgun -t $DURATION -Q $QPS -b $BATCH -i $QFILE -p PORT -I $VC $SADDR"
START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for ((r = 1; r <= ROUNDS; r++)); do
  for s in $SERVERS; do
    log="$OUT/$s-r$r.server.log"; out="$OUT/$s-r$r.kxdpgun.txt"
    start_server "$s" "$log"
    case $s in
      steerdns-xdp) MODE[$s]=$(grep -o 'AF_XDP on .*' "$log" | head -1 | sed 's/^AF_XDP on //') ;;
      knot-xdp) MODE[$s]=$(grep -o 'initialized XDP interface .*' "$log" | head -1 | sed 's/initialized XDP interface //') ;;
      *) MODE[$s]="kernel UDP socket" ;;
    esac
    quiet=$(quiet_before)
    if ! ip netns exec "$NS_C" timeout $((DURATION + 30)) taskset -c 1 \
        kxdpgun -t "$DURATION" -Q "$QPS" -b "$BATCH" -i "$QFILE" -p "$PORT" -I "$VC" "$SADDR" > "$out" 2>&1; then
      echo "xdp.sh: kxdpgun failed against $s (exit status above); its output:" >&2; cat "$out" >&2
      stop_server
      exit 1
    fi
    stop_server
    sent=$(awk '/^total queries:/ { gsub(/[()]/, "", $4); print $4 }' "$out")
    repl=$(awk '/^total replies:/ { gsub(/[()]/, "", $4); print $4 }' "$out")
    pct=$(awk '/^total replies:/ { gsub(/[()%]/, "", $6); print $6 }' "$out")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "${sent:-0}" "${repl:-0}" "${pct:-0}" "${MODE[$s]}" "$quiet" >> "$RAW"
    echo "round $r $s: sent ${sent:-?} pps, replies ${repl:-?} pps (${pct:-?}%), busy before ${quiet}%" >&2
  done
done
END=$(date -u +%Y-%m-%dT%H:%M:%SZ)

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
col() { awk -F'\t' -v s="$1" -v c="$2" 'NR > 1 && $2 == s { print $c }' "$RAW"; }
# ratio A B: median replies/s of server A over server B's, "n/a" if B has none.
ratio() { awk -v a="$(col "$1" 4 | median)" -v b="$(col "$2" 4 | median)" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a / b : 0) }'; }
{
  echo "### AF_XDP vs kernel sockets over veth, kxdpgun, 1 worker on CPU 0, kxdpgun on CPU 1"
  echo
  echo "- date: $START .. $END; machine: $(describe_machine)"
  echo "- steerdns: $(describe_build "$STEERDNS"); knotd $(knotd -V | awk '{ print $NF }'); kxdpgun from knot-dnsutils"
  echo "- command: \`$CMDLINE\` ($ROUNDS rounds x $DURATION s, interleaved; query mix \`$MIX\`; results in \`$OUT\`)"
  echo
  echo "| server | path (mode) | replies/s median | min–max | sent/s median | answered % median |"
  echo "|---|---|---:|---:|---:|---:|"
  for s in $SERVERS; do
    rm_=$(col "$s" 4 | median); mn=$(col "$s" 4 | sort -n | head -1); mx=$(col "$s" 4 | sort -n | tail -1)
    sm=$(col "$s" 3 | median); pm=$(col "$s" 5 | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    echo "| $s | ${MODE[$s]} | $rm_ | $mn–$mx | $sm | $pm |"
  done
  echo
  echo "Ratios of medians (same run): steerdns-xdp / knot-xdp = $(ratio steerdns-xdp knot-xdp)," \
       "steerdns-xdp / steerdns-udp = $(ratio steerdns-xdp steerdns-udp)," \
       "knot-xdp / knot-udp = $(ratio knot-xdp knot-udp)," \
       "steerdns-xdp / reflector-udp = $(ratio steerdns-xdp reflector-udp)," \
       "steerdns-udp / reflector-udp = $(ratio steerdns-udp reflector-udp)"
  echo
  echo "Exact commands (PID-suffixed names: this run's namespaces $NS_S / $NS_C, veth $VS <-> $VC):"
  echo
  echo "    ip netns add $NS_S; ip netns add $NS_C; ip link add $VS type veth peer name $VC (one end in each)"
  echo "    addresses $SADDR/24 (server), $CADDR/24 (client); static neighbour entries both ways"
  echo "    steerdns-*: ip netns exec $NS_S env PORT=5310 THREADS=1 CPUS=0 LISTEN=$SADDR STEER_ARGS=\"--xdp $VS\" (xdp only) bench/peers/steerdns.sh"
  echo "    reflector-udp: ip netns exec $NS_S env PORT=5306 CPUS=0 LD_PRELOAD=\$BENCH_WORK/bin/bind_as.so STEER_BIND_AS=$SADDR ../shared/peers/servers/reflector.sh mmsg"
  echo "    knot-*:     ip netns exec $NS_S taskset -c 0 knotd -c $WORK/run/knot-*/knot.conf (xdp: listen: $VS@5302 for knot-xdp)"
  echo "    load:       ${KXDP_CMD}"
  echo "    after each server: ip -n $NS_S link set dev $VS xdp off (Knot leaves its program attached)"
} > "$OUT/report.md"
cat "$OUT/report.md"
