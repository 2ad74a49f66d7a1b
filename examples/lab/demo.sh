#!/usr/bin/env bash
# The latency-steering lab, end to end (examples/lab/README.md):
#
#   1. builds steerdns, zonectl and the default latency table if needed;
#   2. starts one small HTTP endpoint per region on 127.0.0.1 (the targets
#      of examples/lab/health-checks.json) and steerdns with the lab zone,
#      the default latency table and --health-checks;
#   3. asks `dig +subnet=` which region clients on six continents get;
#   4. stops eu-west-1's endpoint and shows its clients move to the
#      next-nearest region once the health check fails;
#   5. drains ap-southeast-2 with `zonectl region drain` and prints when it
#      is safe to stop (safe_to_stop_at: the last answer's send time + TTL);
#   6. stops everything it started (also on Ctrl-C or an error).
#
# Every packet goes to loopback: DNS to 127.0.0.1:$DNS_PORT, health checks
# to 127.0.0.1:$ENDPOINT_BASE_PORT and the 9 ports after it (18101-18110),
# the control API on 127.0.0.1:$CONTROL_PORT.
#
# Usage: examples/lab/demo.sh        (env: BUILD_DIR=build DNS_PORT=5300
#                                      CONTROL_PORT=8053 ENDPOINT_BASE_PORT=18101)
set -euo pipefail
cd "$(dirname "$0")/../.."
LAB=examples/lab
BUILD_DIR=${BUILD_DIR:-build}
DNS_PORT=${DNS_PORT:-5300}
CONTROL_PORT=${CONTROL_PORT:-8053}
ENDPOINT_BASE_PORT=${ENDPOINT_BASE_PORT:-18101}
SHIFT=$((ENDPOINT_BASE_PORT - 18101))  # endpoints.txt and health-checks.json say 18101..
PY=/usr/bin/python3
STEERDNS=$BUILD_DIR/tools/steerdns
ZONECTL=$BUILD_DIR/tools/zonectl

# ---------------------------------------------------------------- build
if [ ! -x "$STEERDNS" ] || [ ! -x "$ZONECTL" ] || [ ! -s "$BUILD_DIR/default-locations.csv" ] ||
   [ ! -x "$PY" ] || ! command -v dig >/dev/null; then
  ./scripts/install-deps.sh
  [ -f "$BUILD_DIR/build.ninja" ] ||
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$BUILD_DIR" steerdns zonectl default_locations
fi

# ------------------------------------------------- what we start, we stop
WORK=$(mktemp -d /tmp/steerdns-lab.XXXXXX)
declare -A ENDPOINT_PID=()
SERVER_PID=""
cleanup() {
  local pid
  for pid in "${ENDPOINT_PID[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  for pid in "${ENDPOINT_PID[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
# expect WHAT GOT WANT-PREFIX: stop with an error if GOT does not start so.
expect() {
  [[ $2 == "$3"* ]] && return 0
  echo "demo: $1: got '$2', expected $3" >&2
  exit 1
}

# Region of each lab address: the n-th region of endpoints.txt answers
# 192.0.2.(10+n) and 2001:db8::(10+n) (lab.example.json).
declare -A REGION_OF=()
REGIONS=()
PORT_OF=()
n=0
while read -r region port; do
  case "$region" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  REGIONS+=("$region")
  REGION_OF["192.0.2.$((10 + n))"]=$region
  REGION_OF["2001:db8::$((10 + n))"]=$region
  PORT_OF[$n]=$((port + SHIFT))
done < "$LAB/endpoints.txt"
perl -pe 's/("Port"\s*:\s*)(\d+)/$1 . ($2 + '"$SHIFT"')/ge' "$LAB/health-checks.json" \
  > "$WORK/health-checks.json"

# ------------------------------------------------------------ endpoints
say "starting one HTTP endpoint per region on 127.0.0.1"
n=0
for region in "${REGIONS[@]}"; do
  n=$((n + 1))
  mkdir -p "$WORK/www/$region"
  echo "ok $region" > "$WORK/www/$region/index.html"
  "$PY" -m http.server --bind 127.0.0.1 --directory "$WORK/www/$region" "${PORT_OF[$n]}" \
    >/dev/null 2>&1 &
  ENDPOINT_PID[$region]=$!
  printf '  %-15s http://127.0.0.1:%s/  (pid %s)\n' "$region" "${PORT_OF[$n]}" "$!"
done

# ------------------------------------------------------------- steerdns
say "starting steerdns on 127.0.0.1:$DNS_PORT (control API 127.0.0.1:$CONTROL_PORT)"
"$STEERDNS" --listen "127.0.0.1:$DNS_PORT" --control "127.0.0.1:$CONTROL_PORT" \
  --zone lab.example.="$LAB/lab.example.zone" --zone lab.example.="$LAB/lab.example.json" \
  --health-checks "$WORK/health-checks.json" >"$WORK/steerdns.log" 2>&1 &
SERVER_PID=$!
export STEERDNS_SERVER="http://127.0.0.1:$CONTROL_PORT"
for _ in $(seq 1 100); do
  dig +short +tries=1 +time=1 @127.0.0.1 -p "$DNS_PORT" lab.example SOA 2>/dev/null | grep -q . && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/steerdns.log" >&2; exit 1; }
  sleep 0.1
done
"$ZONECTL" stats >/dev/null 2>&1 || { echo "control API not up" >&2; cat "$WORK/steerdns.log" >&2; exit 1; }
grep -E "default latency table|health checks" "$WORK/steerdns.log" | sed 's/^/  steerdns: /'

# Waits (up to 15 s) until every check is healthy.
wait_healthy() {
  for _ in $(seq 1 150); do
    "$ZONECTL" health 2>/dev/null | grep -q unhealthy || return 0
    sleep 0.1
  done
  echo "  (not every health check is healthy yet)"
}
wait_healthy

# Client networks, one or two per continent; their tor-geoipdb country
# (the default table's location) in brackets.
CLIENTS=(
  "Europe        81.2.69.0/24     GB"
  "North-America 8.8.8.0/24       US"
  "South-America 200.160.0.0/24   BR"
  "Africa        196.25.1.0/24    ZA"
  "Asia          14.139.0.0/24    IN"
  "Asia          1.0.1.0/24       CN"
  "Asia-IPv6     2001:200::/32    JP"
  "Oceania       1.0.0.0/24       AU"
)

# "region-of-A region-of-AAAA" for a subnet.
ask() {
  local a aaaa
  a=$(dig +short +tries=2 +time=1 @127.0.0.1 -p "$DNS_PORT" app.lab.example A "+subnet=$1" | head -1)
  aaaa=$(dig +short +tries=2 +time=1 @127.0.0.1 -p "$DNS_PORT" app.lab.example AAAA "+subnet=$1" | head -1)
  printf '%-15s %-15s (%s, %s)' "${REGION_OF[$a]:-?}" "${REGION_OF[$aaaa]:-?}" "$a" "$aaaa"
}
show_all() {
  printf '  %-14s %-16s %-3s %-15s %-15s %s\n' continent subnet cc "A region" "AAAA region" "(addresses)"
  local c continent subnet cc
  for c in "${CLIENTS[@]}"; do
    read -r continent subnet cc <<<"$c"
    printf '  %-14s %-16s %-3s %s\n' "$continent" "$subnet" "$cc" "$(ask "$subnet")"
  done
}

say "which region each client gets (dig @127.0.0.1 -p $DNS_PORT app.lab.example A +subnet=...)"
show_all
expect "Europe" "$(ask 81.2.69.0/24)" "eu-west-1       eu-west-1"
expect "Oceania" "$(ask 1.0.0.0/24)" "ap-southeast-2  ap-southeast-2"

# ------------------------------------------------- a region's endpoint dies
say "stopping eu-west-1's endpoint (pid ${ENDPOINT_PID[eu-west-1]})"
kill "${ENDPOINT_PID[eu-west-1]}"
wait "${ENDPOINT_PID[eu-west-1]}" 2>/dev/null || true
unset 'ENDPOINT_PID[eu-west-1]'
start_ms=$(( $(date +%s%N) / 1000000 ))
for _ in $(seq 1 150); do
  [[ $(ask 81.2.69.0/24) == eu-west-1* ]] || break
  sleep 0.1
done
elapsed_ms=$(( $(date +%s%N) / 1000000 - start_ms ))
printf '  Europe moved after %d.%d s (RequestInterval 1 s, FailureThreshold 2)\n' \
  $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
"$ZONECTL" health | grep -E "hc-euw1|^ *(ID|id)" | sed 's/^/  /' || true
show_all
expect "Europe after eu-west-1 failed" "$(ask 81.2.69.0/24)" "eu-central-1    eu-central-1"

# ------------------------------------------------------- drain a region
say "draining ap-southeast-2 (zonectl region drain ap-southeast-2)"
"$ZONECTL" region drain ap-southeast-2 | sed 's/^/  /'
oceania=$(ask 1.0.0.0/24)
printf '  Oceania now: %s\n' "$oceania"
expect "Oceania with ap-southeast-2 drained" "$oceania" "ap-southeast-1  ap-southeast-1"
say "waiting until it is safe to stop ap-southeast-2 (zonectl region drain --wait)"
"$ZONECTL" region drain ap-southeast-2 --wait | sed 's/^/  /'
printf '  stopping ap-southeast-2 endpoint at %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
kill "${ENDPOINT_PID[ap-southeast-2]}"

say "done; stopping everything this script started"
