#!/usr/bin/env bash
# The Debian 12 packages the outside conformance suites need beyond
# scripts/install-deps.sh (docs/conformance.md): sdig/nsec3dig/saxfr and the
# PowerDNS regression tests' helpers, genreport's build, respdiff's Python
# modules (run with Debian's /usr/bin/python3). Not needed to build or test
# steerdns, so CI does not install them. Non-interactive and idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
./scripts/install-deps.sh
PACKAGES=(
  pdns-tools unbound-host bc         # pdns-regress.sh
  autoconf automake                  # genreport.sh builds genreport
  python3-lmdb python3-tabulate python3-dpkt python3-numpy python3-scipy  # respdiff.sh
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
