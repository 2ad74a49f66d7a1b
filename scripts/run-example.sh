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
# Try (lab):   dig @127.0.0.1 -p 5300 app.lab.example +subnet=81.2.69.0/24
# Try (basic): dig @127.0.0.1 -p 5300 app.example.com +subnet=198.51.100.0/24
# Further arguments go to steerdns.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--basic" ]; then
  exec ./scripts/run-lab.sh "$@"
fi
shift
BUILD_DIR=${BUILD_DIR:-build}
export BUILD_DIR
./scripts/build.sh
listen=(--listen 127.0.0.1:5300)
# Serve IPv6 loopback too where the machine has it.
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then listen+=(--listen '[::1]:5300'); fi
exec "$BUILD_DIR/tools/steerdns" "${listen[@]}" \
  --zone example.com.=examples/example.com.zone \
  --zone example.com.=examples/route53/example.com.json \
  --zone sub.example.com.=examples/sub.example.com.zone \
  --latency examples/latency.csv "$@"
