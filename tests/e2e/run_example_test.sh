#!/usr/bin/env bash
# scripts/run-example.sh --basic on the ports the environment gives
# (DNS_PORT, CONTROL_PORT) with the build already current: it starts at once
# (no build: scripts/build-if-needed.sh), answers on DNS_PORT, its control API
# answers on CONTROL_PORT, and SIGTERM stops it. Bounded: 30 s at most.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
: "${BUILD_DIR:?}" "${DNS_PORT:?}" "${CONTROL_PORT:?}"
LOG=$(mktemp)
BUILD_DIR=$BUILD_DIR DNS_PORT=$DNS_PORT CONTROL_PORT=$CONTROL_PORT \
  "$ROOT/scripts/run-example.sh" --basic --threads 1 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 150); do
  grep -q "control API on" "$LOG" && break
  kill -0 $PID 2>/dev/null || { cat "$LOG"; echo "FAIL: run-example.sh exited"; exit 1; }
  sleep 0.2
done
if grep -q "ninja\|cmake\|apt-get" "$LOG"; then
  cat "$LOG"; echo "FAIL: the build ran although the binaries were current"; exit 1
fi
grep -q "listening on 127.0.0.1:$DNS_PORT" "$LOG" || { cat "$LOG"; echo "FAIL: not on DNS_PORT"; exit 1; }
answer=$(dig +short +tries=2 +time=2 @127.0.0.1 -p "$DNS_PORT" www.example.com A)
[ -n "$answer" ] || { cat "$LOG"; echo "FAIL: no answer on port $DNS_PORT"; exit 1; }
"$BUILD_DIR/tools/zonectl" --server "http://127.0.0.1:$CONTROL_PORT" list | grep -q "example.com." ||
  { cat "$LOG"; echo "FAIL: no control API on port $CONTROL_PORT"; exit 1; }
kill -TERM $PID
wait $PID || true
echo "PASS: run-example.sh --basic on DNS $DNS_PORT, control $CONTROL_PORT, without building"
