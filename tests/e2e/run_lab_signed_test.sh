#!/usr/bin/env bash
# scripts/run-example.sh --signed (the lab signed online) on the ports the
# environment gives (DNS_PORT, CONTROL_PORT, ENDPOINT_BASE_PORT) with the
# build current: it prints a DS and a delv trust anchor, and delv with that
# anchor fully validates the routed answer and an NXDOMAIN. SIGTERM stops
# it. Bounded: 60 s at most. Needs delv (bind9-dnsutils).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
: "${BUILD_DIR:?}" "${DNS_PORT:?}" "${CONTROL_PORT:?}" "${ENDPOINT_BASE_PORT:?}"
command -v delv >/dev/null || { echo "delv missing (bind9-dnsutils)"; [ "${STEER_TEST_STRICT:-}" = 1 ] && exit 1; exit 77; }
LOG=$(mktemp)
BUILD_DIR=$BUILD_DIR DNS_PORT=$DNS_PORT CONTROL_PORT=$CONTROL_PORT \
  ENDPOINT_BASE_PORT=$ENDPOINT_BASE_PORT "$ROOT/scripts/run-example.sh" --signed --threads 1 \
  >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 200); do
  grep -q "control API on" "$LOG" && break
  kill -0 $PID 2>/dev/null || { cat "$LOG"; echo "FAIL: run-example.sh --signed exited"; exit 1; }
  sleep 0.2
done
grep -qP "^lab\\.example\\.\\tIN\\tDS\\t" "$LOG" || { cat "$LOG"; echo "FAIL: no DS printed"; exit 1; }
anchor=$(sed -n 's/^validate: delv -a \([^ ]*\) .*/\1/p' "$LOG")
[ -s "$anchor" ] || { cat "$LOG"; echo "FAIL: no trust anchor file"; exit 1; }
for q in "app.lab.example A" "app.lab.example AAAA" "nothing.lab.example A"; do
  out=$(delv -a "$anchor" +root=lab.example @127.0.0.1 -p "$DNS_PORT" $q 2>&1 || true)
  echo "$out" | grep -q "fully validated" || { cat "$LOG"; echo "$out"; echo "FAIL: delv $q"; exit 1; }
done
kill -TERM $PID
wait $PID || true
echo "PASS: the lab signed online validates with delv (DNS $DNS_PORT)"
