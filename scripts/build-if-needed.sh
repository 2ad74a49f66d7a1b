#!/usr/bin/env bash
# Builds steerdns into $BUILD_DIR (default build) with scripts/build.sh
# (packages, configure, build) unless that tree is configured and ninja has
# nothing to do: the run scripts start at once when the binaries are
# current, and still set up a fresh machine from nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
if [ -f "$BUILD_DIR/build.ninja" ] && command -v ninja >/dev/null &&
   ninja -C "$BUILD_DIR" -n 2>/dev/null | grep -q '^ninja: no work to do'; then
  exit 0
fi
exec ./scripts/build.sh
