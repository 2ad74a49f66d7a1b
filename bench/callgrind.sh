#!/usr/bin/env bash
# bench/callgrind.sh — instructions per query of dns::HandleQuery (parse + lookup + answer +
# encode, no sockets), counted by valgrind --tool=callgrind on answer_loop: each case is one
# query answered N times with collection switched on only around the loop, so Ir / N is the
# cost of one query. Deterministic (unlike ns/query on a shared machine): track it per change.
#
#   bench/callgrind.sh [-b BUILD_DIR] [-n N] [-a] [CASE...]
#     -b DIR   build folder holding bench/answer_loop [build-perf]; built with ninja if missing
#     -n N     queries per case [20000]
#     -a       also write callgrind_annotate output per case to $OUT/<case>.txt
#     CASE     default: the headline cases (static A, NXDOMAIN, routed A with ECS, ...);
#              `answer_loop --list` prints all
# Prints a markdown table: case, instructions/query. Env: OUT (folder for callgrind files,
# default $TMPDIR/steer-callgrind).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$ROOT/build-perf" N=20000 ANNOTATE=0
while getopts "b:n:ah" opt; do
  case $opt in
    b) BUILD=$(cd "$OPTARG" && pwd) ;; n) N=$OPTARG ;; a) ANNOTATE=1 ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 1; }
LOOP="$BUILD/bench/answer_loop"
[ -x "$LOOP" ] || ninja -C "$BUILD" -j2 answer_loop >&2
OUT="${OUT:-${TMPDIR:-/tmp}/steer-callgrind}"
mkdir -p "$OUT"
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(peers/static_a peers/nxdomain peers/www peers/www_ecs peers/aaaa
  peers/wildcard peers/alias_cname peers/mixed example/static_a example/static_a_edns
  example/nxdomain example/referral example/cname_chain example/routed_a_ecs)
echo "| case | instructions/query |"
echo "|---|---|"
for c in "${CASES[@]}"; do
  f="$OUT/callgrind.out.${c//\//_}"
  STEER_SOURCE_DIR="$ROOT" valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$f" \
    "$LOOP" "$c" "$N" > "$OUT/${c//\//_}.log" 2>&1 || { echo "| $c | failed (see $OUT/${c//\//_}.log) |"; continue; }
  ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$f")
  awk -v c="$c" -v ir="$ir" -v n="$N" 'BEGIN { printf "| %s | %.0f |\n", c, ir / n }'
  [ "$ANNOTATE" = 1 ] && callgrind_annotate --inclusive=yes "$f" > "$OUT/${c//\//_}.txt" 2>/dev/null || true
done
