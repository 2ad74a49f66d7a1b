#!/usr/bin/env bash
# Installs, builds and starts steerdns in the foreground on the bundled
# example zones, on 127.0.0.1:5300 and [::1]:5300 (UDP and TCP):
# example.com. from a master file merged with Route 53 record sets
# (examples/route53/example.com.json), routed by examples/latency.csv.
# Try:  dig @127.0.0.1 -p 5300 www.example.com
#       dig @127.0.0.1 -p 5300 app.example.com +subnet=198.51.100.0/24
# Stop: Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
listen=(--listen 127.0.0.1:5300)
# Serve IPv6 loopback too where the machine has it.
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then listen+=(--listen '[::1]:5300'); fi
exec ./build/tools/steerdns "${listen[@]}" \
  --zone example.com.=examples/example.com.zone \
  --zone example.com.=examples/route53/example.com.json \
  --zone sub.example.com.=examples/sub.example.com.zone \
  --latency examples/latency.csv "$@"
