#!/usr/bin/env bash
# (Re)builds by hand what the build's `default_locations` target makes
# (tools/CMakeLists.txt): the default latency table's network locations,
# $BUILD_DIR/default-locations.csv, that steerdns ranks at start-up when
# routed records exist but no --latency is given (docs/latency-tables.md).
# Input: country-level client locations from Debian's tor-geoipdb (IPFire
# Location data, CC BY-SA 4.0; country points from
# data/country_centroids.csv). Generated at set-up time, never committed.
#
# Usage: scripts/build-default-latency.sh [OUT] [extra steer-latency-build flags...]
#   OUT defaults to $BUILD_DIR/default-locations.csv (BUILD_DIR=build).
#   Extra flags, e.g. `--format table` for the full network,region,rtt_ms
#   table (~626 MiB for tor-geoipdb and the 39 located AWS regions).
# Needs tor-geoipdb (scripts/install-deps.sh) and the steer-latency-build
# target (built here if missing). Skips the build when OUT is newer than
# every input.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
OUT=${1:-$BUILD_DIR/default-locations.csv}
[ $# -gt 0 ] && shift
GEOIP=${TOR_GEOIP:-/usr/share/tor/geoip}
GEOIP6=${TOR_GEOIP6:-/usr/share/tor/geoip6}
TOOL=$BUILD_DIR/tools/steer-latency-build

for f in "$GEOIP" "$GEOIP6"; do
  [ -r "$f" ] || { echo "build-default-latency: $f missing (apt-get install tor-geoipdb)" >&2; exit 1; }
done
if [ ! -x "$TOOL" ]; then
  ninja -C "$BUILD_DIR" steer-latency-build >/dev/null
fi
fresh=1
if [ -s "$OUT" ] && [ $# -eq 0 ]; then
  for f in "$GEOIP" "$GEOIP6" data/country_centroids.csv "$TOOL"; do
    [ "$f" -nt "$OUT" ] && fresh=0
  done
else
  fresh=0
fi
if [ "$fresh" -eq 1 ]; then
  echo "build-default-latency: $OUT is up to date"
  exit 0
fi
mkdir -p "$(dirname "$OUT")"
"$TOOL" --format locations --geoip "$GEOIP" --geoip "$GEOIP6" \
  --centroids data/country_centroids.csv --out "$OUT" "$@"
