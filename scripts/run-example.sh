#!/usr/bin/env bash
# Installs, builds and starts steerdns in the foreground on 127.0.0.1:5300
# and [::1]:5300 (UDP and TCP). Ctrl-C stops it.
#
#   scripts/run-example.sh            the latency-steering lab (scripts/run-lab.sh:
#                                     examples/lab/, 10 AWS regions, health-checked
#                                     endpoints on loopback, the default latency table)
#   scripts/run-example.sh --basic    the small example.com. zones: a master file
#                                     merged with Route 53 record sets
#                                     (examples/route53/example.com.json), routed by
#                                     examples/latency.csv
#   scripts/run-example.sh --signed   the lab, signed online (DNSSEC: keys made at
#                                     start, DS and a delv trust anchor printed)
# Try (lab):   dig @127.0.0.1 -p 5300 app.lab.example +subnet=81.2.69.0/24
# Try (basic): dig @127.0.0.1 -p 5300 app.example.com +subnet=198.51.100.0/24
# Further arguments go to steerdns.
# Env: DNS_PORT (default 5300), CONTROL_PORT (default 8053), BUILD_DIR
# (default build; built only when not current: scripts/build-if-needed.sh),
# and for the lab ENDPOINT_BASE_PORT (default 18101).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--basic" ]; then
  exec ./scripts/run-lab.sh "$@"
fi
shift
BUILD_DIR=${BUILD_DIR:-build}
DNS_PORT=${DNS_PORT:-5300}
CONTROL_PORT=${CONTROL_PORT:-8053}
export BUILD_DIR
./scripts/build-if-needed.sh
serve=(--listen "127.0.0.1:$DNS_PORT" --control "127.0.0.1:$CONTROL_PORT")
# Serve IPv6 loopback too where the machine has it.
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then serve+=(--listen "[::1]:$DNS_PORT"); fi
exec "$BUILD_DIR/tools/steerdns" "${serve[@]}" \
  --zone example.com.=examples/example.com.zone \
  --zone example.com.=examples/route53/example.com.json \
  --zone sub.example.com.=examples/sub.example.com.zone \
  --latency examples/latency.csv "$@"
