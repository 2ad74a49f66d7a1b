#!/usr/bin/env bash
# Installs, builds and starts the latency-steering lab (examples/lab/) in
# the foreground: one small HTTP endpoint per AWS region on 127.0.0.1
# (18101-18110, the targets of examples/lab/health-checks.json), and
# steerdns on 127.0.0.1:5300 (and [::1]:5300) serving lab.example. with
# latency-routed A/AAAA over 10 regions, the default latency table (built
# from tor-geoipdb by the build) and the health checks; control API on
# 127.0.0.1:8053. Ctrl-C stops all of it.
#
# Try:  dig @127.0.0.1 -p 5300 app.lab.example A +subnet=81.2.69.0/24   # GB: eu-west-1
#       dig @127.0.0.1 -p 5300 app.lab.example AAAA +subnet=1.0.0.0/24  # AU: ap-southeast-2
#       build/tools/zonectl health
# Env: DNS_PORT (default 5300), CONTROL_PORT (default 8053),
# ENDPOINT_BASE_PORT (default 18101: the endpoints take it and the next 9;
# the health checks are pointed there), BUILD_DIR (default build; built
# only when not current: scripts/build-if-needed.sh).
# The scripted tour (failover, drain) is examples/lab/demo.sh.
#
# --signed (first argument): the lab signed online (issue 16): a KSK and a
# ZSK made with `zonectl dnssec keygen` in the lab's temporary folder,
# given to steerdns with --dnssec-keys; prints the DS for a parent and a
# delv trust anchor, e.g.
#       delv -a /tmp/steerdns-lab.XXXX/anchor.conf +root=lab.example \
#            @127.0.0.1 -p 5300 app.lab.example A      # "; fully validated"
# Extra arguments go to steerdns.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB=examples/lab
BUILD_DIR=${BUILD_DIR:-build}
DNS_PORT=${DNS_PORT:-5300}
CONTROL_PORT=${CONTROL_PORT:-8053}
ENDPOINT_BASE_PORT=${ENDPOINT_BASE_PORT:-18101}
SIGNED=0
if [ "${1:-}" = "--signed" ]; then SIGNED=1; shift; fi
export BUILD_DIR
./scripts/build-if-needed.sh

WORK=$(mktemp -d /tmp/steerdns-lab.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# endpoints.txt and health-checks.json say 18101..18110: shift both to
# ENDPOINT_BASE_PORT.
SHIFT=$((ENDPOINT_BASE_PORT - 18101))
perl -pe 's/("Port"\s*:\s*)(\d+)/$1 . ($2 + '"$SHIFT"')/ge' "$LAB/health-checks.json" \
  > "$WORK/health-checks.json"
while read -r region port; do
  case "$region" in ''|'#'*) continue ;; esac
  port=$((port + SHIFT))
  mkdir -p "$WORK/$region"
  echo "ok $region" > "$WORK/$region/index.html"
  /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$WORK/$region" "$port" \
    >/dev/null 2>&1 &
  PIDS+=($!)
  echo "endpoint for $region on http://127.0.0.1:$port/"
done < "$LAB/endpoints.txt"

serve=(--listen "127.0.0.1:$DNS_PORT" --control "127.0.0.1:$CONTROL_PORT")
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then serve+=(--listen "[::1]:$DNS_PORT"); fi
if [ "$SIGNED" = 1 ]; then
  mkdir -m 0700 "$WORK/keys"
  "$BUILD_DIR/tools/zonectl" dnssec keygen lab.example --ksk --dir "$WORK/keys" >/dev/null
  "$BUILD_DIR/tools/zonectl" dnssec keygen lab.example --dir "$WORK/keys" >/dev/null
  # delv's trust anchor: the KSK's DNSKEY.
  grep -hv '^;' "$WORK"/keys/*.key |
    awk '$3 == "DNSKEY" && $4 == 257 {
      printf "trust-anchors { %s static-key %s %s %s \"%s\"; };\n", $1, $4, $5, $6, $7 }' \
    > "$WORK/anchor.conf"
  echo "signed online with the keys in $WORK/keys; DS for the parent:"
  "$BUILD_DIR/tools/zonectl" dnssec ds lab.example --dir "$WORK/keys"
  echo "validate: delv -a $WORK/anchor.conf +root=lab.example @127.0.0.1 -p $DNS_PORT app.lab.example A"
  serve+=(--dnssec-keys "$WORK/keys")
fi
"$BUILD_DIR/tools/steerdns" "${serve[@]}" \
  --zone lab.example.="$LAB/lab.example.zone" --zone lab.example.="$LAB/lab.example.json" \
  --health-checks "$WORK/health-checks.json" "$@" &
PIDS+=($!)
wait "${PIDS[-1]}"
