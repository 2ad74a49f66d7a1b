#!/usr/bin/env bash
# Installs every Debian 12 package steerdns needs to build, test and run.
# Non-interactive and idempotent: safe to run on a fresh machine or again.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev          # libFuzzer + sanitizers for the fuzz target
  # libraries
  libabsl-dev libldns-dev libc-ares-dev libyaml-cpp-dev nlohmann-json3-dev libcsv-dev
  libssl-dev                        # HTTPS health checks (geo/prober), DNSSEC (dns/dnssec, dns/answer)
  libgtest-dev libgmock-dev libbenchmark-dev
  libmaxminddb-dev                  # MaxMind DB reader (latency table building)
  # data: IP-to-country ranges for the default latency table
  # (scripts/build-default-latency.sh); mmdblookup to inspect .mmdb files
  tor-geoipdb mmdb-bin
  libcpp-httplib-dev                # the HTTP control API (dns/control)
  libxdp-dev libbpf-dev             # the optional AF_XDP path (--xdp; CMake STEER_XDP)
  iproute2                          # bench/xdp.sh and the AF_XDP e2e test: netns + veth
  # independent DNS clients used by the end-to-end tests and the README
  dnsutils ldnsutils knot-dnsutils
  dnsperf                           # bench/xfr-1m.sh: UDP load while a zone transfer runs
  # DNSSEC interop (tests/dnssec): ldns-keygen/-signzone/-verify-zone/-key2ds
  # (ldnsutils), dnssec-keygen/-signzone/-verify/-dsfromkey (bind9-utils),
  # delv (bind9-dnsutils)
  bind9-dnsutils
  # the other servers' zone loaders, for the interop tests (ctest -L interop):
  # nsd-checkzone, kzonecheck, named-checkzone
  nsd knot-dnssecutils bind9-utils
  # the reference servers of the edge-query interop test (ctest
  # interop_edge_queries) and its client; the outside suites' own packages
  # are in scripts/conformance/install-deps.sh
  knot bind9 python3-dnspython
  # the DNSSEC audit (ctest interop_dnssec_audit_*, scripts/dnssec-audit):
  # about 33 MB and a minute with their Perl/Python dependencies
  zonemaster-cli dnsviz
  prometheus                        # promtool: checks the /metrics text format
  python3                           # the lab's health-check endpoints (http.server)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
