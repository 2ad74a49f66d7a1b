#!/usr/bin/env bash
# Installs, builds and starts steerdns in the foreground on the bundled
# example zones, on 127.0.0.1:5300 and [::1]:5300 (UDP and TCP).
# Try:  dig @127.0.0.1 -p 5300 www.example.com
# Stop: Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
listen=(--listen 127.0.0.1:5300)
# Serve IPv6 loopback too where the machine has it.
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then listen+=(--listen '[::1]:5300'); fi
exec ./build/tools/steerdns "${listen[@]}" \
  --zone example.com.=examples/example.com.zone \
  --zone sub.example.com.=examples/sub.example.com.zone "$@"
