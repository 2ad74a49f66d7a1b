#!/usr/bin/env bash
# scripts/conformance/edge-queries.sh: header, flag, opcode, class and EDNS
# corner cases (edge_queries.py: 44 queries, some as raw bytes) sent to
# steerdns, NSD, Knot and BIND, all serving this repository's
# tests/answer/chain_zones on 127.0.0.1; each server's reply in short, then
# the cases where steerdns is alone against three servers that agree.
#
#   scripts/conformance/edge-queries.sh [OUT_DIR]
#
# Needs no fetched source: nsd, knot, bind9 and python3-dnspython from
# Debian. Fast (about 15 s), so also a ctest (edge_queries, label interop).
# Exit status 1 when steerdns is alone in a case not known to be on purpose
# (edge_queries.py KNOWN), else 0; 2 for a broken setup; 77 (ctest: skipped)
# when a server or module is missing, unless STEER_TEST_STRICT=1 (as
# scripts/test.sh and CI set), where that is 2 as well.
# Environment: STEERDNS (binary), SERVERS (default "steerdns nsd knot bind";
# steerdns first).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:-/tmp/steerdns-conformance/edge}
servers=${SERVERS:-steerdns nsd knot bind}
missing() {
  echo "precondition missing: $1" >&2
  [ "${STEER_TEST_STRICT:-}" = 1 ] && exit 2
  exit 77
}
/usr/bin/python3 -c 'import dns' 2>/dev/null || missing "python3-dnspython"
for t in nsd knotd named dig; do command -v "$t" >/dev/null || missing "$t (scripts/install-deps.sh)"; done
steer_binary >/dev/null || exit 2
rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
zones=()
for f in "$CONF_REPO"/tests/answer/chain_zones/*.zone; do
  cp "$f" "$out/"
  zones+=("$(basename "$f" .zone)")
done

declare -A port pid
stop_all() { for s in $servers; do stop_pid "${pid[$s]:-}"; done; }
trap stop_all EXIT
args=()
for s in $servers; do
  mkdir -p "$out/$s"
  port[$s]=$(free_port)
  set --
  for z in "${zones[@]}"; do
    if [ "$s" = steerdns ]; then set -- "$@" "$z.=$out/$z.zone"; else set -- "$@" "$z=$out/$z.zone"; fi
  done
  case $s in
    steerdns) start_steerdns "$out/$s" "${port[$s]}" "$@"; pid[$s]=$STEER_PID ;;
    nsd) start_nsd "$out/$s" "${port[$s]}" "$@"; pid[$s]=$NSD_PID ;;
    knot) start_knot "$out/$s" "${port[$s]}" "$@"; pid[$s]=$KNOT_PID ;;
    bind) start_bind "$out/$s" "${port[$s]}" "$@"; pid[$s]=$BIND_PID ;;
    *) echo "unknown server $s" >&2; exit 2 ;;
  esac
  args+=("$s" "${port[$s]}")
done
for s in $servers; do
  wait_answering "${port[$s]}" example.test 30 || { echo "$s does not answer (log in $out/$s)" >&2; exit 2; }
done
/usr/bin/python3 "$(dirname "$0")/edge_queries.py" example.test "${args[@]}"
