#!/usr/bin/env bash
# bench/peers/steerdns.sh — steerdns in the peers harness (../shared/peers/run.sh -d bench/peers),
# written like ../shared/peers/servers/*.sh.
#
# Serves the peers' base zone bench.test. (gen-zone.sh) as an RFC 1035 master file, plus
# www.bench.test. latency-routed over the same four regions as the peers (common.sh GEO_TABLE)
# as Route 53 JSON record sets, ranked by a latency CSV generated from the same table:
#   198.18.1.0/24 -> us-east-1 192.0.2.1    198.18.2.0/24 -> eu-west-1 192.0.2.2
#   198.18.3.0/24 -> ap-southeast-1 192.0.2.3  198.18.4.0/24 -> sa-east-1 192.0.2.4
#   anything else (0.0.0.0/0, ::/0, 127.0.0.1 included) -> us-east-1 192.0.2.1
# Each listed /24 ranks its own region first, then the others (as gdnsd.sh's failover order).
#
# Env: PORT (default 5310), THREADS (--threads, default 1), CPUS (taskset list, default 0),
# BENCH_WORK, STEERDNS (the binary; default: the first of build-perf/, build/ under the project
# root that exists), STEER_WWW (routed, default; or static: www is a plain A of the default
# region in the master file, no Route 53 JSON — to compare routed with static answers),
# LISTEN (address to serve on, default 127.0.0.1), STEER_ARGS (extra flags, word-split, e.g.
# "--xdp veth0" for bench/xdp.sh).
# Prints "pid=N" then execs steerdns in the foreground (same PID).
set -euo pipefail
PEERS="${PEERS_DIR:-$(cd "$(dirname "$0")/../../../shared/peers" 2>/dev/null && pwd || echo /work/shared/peers)}"
. "$PEERS/common.sh"
name=steerdns
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${PORT:-${PORT_OF[$name]}}"; THREADS="${THREADS:-1}"; CPUS="${CPUS:-0}"
if [ -z "${STEERDNS:-}" ]; then
  for b in "$ROOT/build-perf/tools/steerdns" "$ROOT/build/tools/steerdns"; do
    [ -x "$b" ] && { STEERDNS=$b; break; }
  done
fi
[ -x "${STEERDNS:-}" ] || { echo "steerdns binary not found (set STEERDNS)" >&2; exit 1; }
ensure_zone
dir="$WORK/run/$name"; rm -rf "$dir"; mkdir -p "$dir"
cp "$ZONE_BASE" "$dir/bench.test.zone"

# Route 53 record sets: one latency member per region (SetIdentifier = region).
awk -v name="$GEO_NAME." -v ttl="$GEO_TTL" '
  BEGIN { print "{\n  \"ResourceRecordSets\": [" }
  { printf "%s    {\"Name\": \"%s\", \"Type\": \"A\", \"SetIdentifier\": \"%s\", \"Region\": \"%s\", \"TTL\": %d, \"ResourceRecords\": [{\"Value\": \"%s\"}]}",
           (NR > 1 ? ",\n" : ""), name, $1, $1, ttl, $3 }
  END { print "\n  ]\n}" }' <<< "$GEO_TABLE" > "$dir/bench.test.json"

# Latency table: each subnet's own region at 10 ms, the others at 100 + 10*i ms; the default
# rows (0.0.0.0/0 and ::/0) rank GEO_DEFAULT_REGION first.
regions=$(awk '{ print $1 }' <<< "$GEO_TABLE")
{
  echo "network,region,rtt_ms"
  for net in 0.0.0.0/0 ::/0; do
    i=0
    for r in $regions; do
      if [ "$r" = "$GEO_DEFAULT_REGION" ]; then echo "$net,$r,40"; else echo "$net,$r,$((100 + 10 * i))"; fi
      i=$((i + 1))
    done
  done
  while read -r region net ip; do
    i=0
    for r in $regions; do
      if [ "$r" = "$region" ]; then echo "$net,$r,10"; else echo "$net,$r,$((100 + 10 * i))"; fi
      i=$((i + 1))
    done
  done <<< "$GEO_TABLE"
} > "$dir/latency.csv"

zones=(--zone "$ZONE_NAME.=$dir/bench.test.zone" --zone "$ZONE_NAME.=$dir/bench.test.json")
if [ "${STEER_WWW:-routed}" = static ]; then
  echo "www $GEO_TTL IN A $GEO_DEFAULT_ANSWER" >> "$dir/bench.test.zone"
  zones=(--zone "$ZONE_NAME.=$dir/bench.test.zone")
fi

echo "pid=$$"
exec taskset -c "$CPUS" "$STEERDNS" \
  --listen "${LISTEN:-127.0.0.1}:$PORT" \
  --control "127.0.0.1:$((PORT + 2000))" \
  --threads "$THREADS" \
  "${zones[@]}" \
  --latency "$dir/latency.csv" \
  ${STEER_ARGS:-}
