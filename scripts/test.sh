#!/usr/bin/env bash
# Installs, builds and runs every test: unit, end-to-end (the real binary on
# loopback), the fuzz corpus replay, and a smoke run of every benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
# Benchmarks are not tests: a tiny run only proves they still build and run.
for b in build/bench/*_bench; do
  [ -x "$b" ] || continue
  "$b" --benchmark_min_time=0.001 >/dev/null
done
echo "benchmarks: smoke run ok"
# A test whose precondition (root, dig, promtool, AF_XDP, a network
# namespace) is missing fails here instead of skipping (tests/require.h):
# this script installs every tool, and CI runs it as root.
export STEER_TEST_STRICT=1
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 300
