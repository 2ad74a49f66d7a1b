#!/usr/bin/env bash
# Installs, builds and starts the latency-steering lab (examples/lab/) in
# the foreground: one small HTTP endpoint per AWS region on 127.0.0.1
# (18101-18110, the targets of examples/lab/health-checks.json), and
# steerdns on 127.0.0.1:5300 (and [::1]:5300) serving lab.example. with
# latency-routed A/AAAA over 10 regions, the default latency table (built
# from tor-geoipdb by the build) and the health checks; control API on
# 127.0.0.1:8053. Ctrl-C stops all of it.
#
# Try:  dig @127.0.0.1 -p 5300 app.lab.example A +subnet=81.2.69.0/24   # GB: eu-west-1
#       dig @127.0.0.1 -p 5300 app.lab.example AAAA +subnet=1.0.0.0/24  # AU: ap-southeast-2
#       build/tools/zonectl health
# Env: DNS_PORT (default 5300), CONTROL_PORT (default 8053),
# ENDPOINT_BASE_PORT (default 18101: the endpoints take it and the next 9;
# the health checks are pointed there), BUILD_DIR (default build; built
# only when not current: scripts/build-if-needed.sh).
# The scripted tour (failover, drain) is examples/lab/demo.sh.
# Extra arguments go to steerdns.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=examples/lab
BUILD_DIR=${BUILD_DIR:-build}
DNS_PORT=${DNS_PORT:-5300}
CONTROL_PORT=${CONTROL_PORT:-8053}
ENDPOINT_BASE_PORT=${ENDPOINT_BASE_PORT:-18101}
export BUILD_DIR
./scripts/build-if-needed.sh

WORK=$(mktemp -d /tmp/steerdns-lab.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# endpoints.txt and health-checks.json say 18101..18110: shift both to
# ENDPOINT_BASE_PORT.
SHIFT=$((ENDPOINT_BASE_PORT - 18101))
perl -pe 's/("Port"\s*:\s*)(\d+)/$1 . ($2 + '"$SHIFT"')/ge' "$LAB/health-checks.json" \
  > "$WORK/health-checks.json"
while read -r region port; do
  case "$region" in ''|'#'*) continue ;; esac
  port=$((port + SHIFT))
  mkdir -p "$WORK/$region"
  echo "ok $region" > "$WORK/$region/index.html"
  /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$WORK/$region" "$port" \
    >/dev/null 2>&1 &
  PIDS+=($!)
  echo "endpoint for $region on http://127.0.0.1:$port/"
done < "$LAB/endpoints.txt"

serve=(--listen "127.0.0.1:$DNS_PORT" --control "127.0.0.1:$CONTROL_PORT")
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then serve+=(--listen "[::1]:$DNS_PORT"); fi
"$BUILD_DIR/tools/steerdns" "${serve[@]}" \
  --zone lab.example.="$LAB/lab.example.zone" --zone lab.example.="$LAB/lab.example.json" \
  --health-checks "$WORK/health-checks.json" "$@" &
PIDS+=($!)
wait "${PIDS[-1]}"
