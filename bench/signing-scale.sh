#!/usr/bin/env bash
# bench/signing-scale.sh — online signing at scale (issue 16): a zone of N routed names (default
# 10,000) x R latency regions (default 10) for A, Route 53 JSON, loaded by steerdns unsigned and
# signed online (a KSK and a ZSK, ECDSA P-256 or Ed25519), one after the other:
#   ready s    wall time from starting steerdns until it answers the zone's SOA (parse + build +
#              sign + ready), polled every 50 ms with dig
#   RSS MiB    VmRSS once it answers; peak MiB VmHWM (memory needed while building)
#   sigs       RRSIGs made at build (from the log / GET /v1/dnssec)
#   re-sign s  one re-signing from the same inputs (--dnssec-signature-lifetime 20: due 10 s after
#              the build), as the log's "re-signed 1 zone (N signatures) in T s" says
# Rounds rotate nothing (one server); medians of ROUNDS runs are printed.
#
#   bench/signing-scale.sh [-n NAMES] [-r REGIONS] [-R ROUNDS] [-a ecdsap256|ed25519] [-c CPU]
# Env: STEERDNS, ZONECTL (default build-perf/tools/, then build/), BENCH_WORK (work folder,
# default $TMPDIR/steer-signing-scale). Port 5330, control 5331, all on 127.0.0.1.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NAMES=10000 REGIONS=10 ROUNDS=3 ALG=ecdsap256 CPU=0
while getopts "n:r:R:a:c:h" opt; do
  case $opt in
    n) NAMES=$OPTARG ;; r) REGIONS=$OPTARG ;; R) ROUNDS=$OPTARG ;; a) ALG=$OPTARG ;; c) CPU=$OPTARG ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
  esac
done
for tool in STEERDNS:steerdns ZONECTL:zonectl; do
  var=${tool%%:*} bin=${tool#*:}
  if [ -z "${!var:-}" ]; then
    for b in "$ROOT/build-perf/tools/$bin" "$ROOT/build/tools/$bin"; do
      [ -x "$b" ] && { printf -v "$var" '%s' "$b"; break; }
    done
  fi
done
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/steer-signing-scale}"
rm -rf "$WORK" && mkdir -p "$WORK/keys"
REGION_LIST=(us-east-1 us-west-2 eu-west-1 eu-central-1 ap-northeast-1 ap-southeast-1
             ap-southeast-2 sa-east-1 af-south-1 ap-south-1 ca-central-1 eu-north-1)
printf '$ORIGIN big.test.\n$TTL 300\n@ SOA ns1 h 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n' \
  > "$WORK/big.test.zone"
python3 - "$NAMES" "$REGIONS" "$WORK/big.test.json" <<'PY'
import json, sys
names, regions, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rl = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "ap-southeast-1",
      "ap-southeast-2", "sa-east-1", "af-south-1", "ap-south-1", "ca-central-1", "eu-north-1"]
sets = []
for i in range(names):
    for r in range(regions):
        sets.append({"Name": f"app{i}.big.test.", "Type": "A", "SetIdentifier": rl[r], "Region": rl[r],
                     "TTL": 60, "ResourceRecords": [{"Value": f"10.{r}.{i // 256 % 256}.{i % 256}"}]})
json.dump({"ResourceRecordSets": sets}, open(path, "w"))
PY
"$ZONECTL" dnssec keygen big.test --ksk --algorithm "$ALG" --dir "$WORK/keys" >/dev/null
"$ZONECTL" dnssec keygen big.test --algorithm "$ALG" --dir "$WORK/keys" >/dev/null

PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null' EXIT
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
run() {  # run MODE ROUND -> "ready_s rss_mib peak_mib sigs resign_s"
  local mode=$1 log="$WORK/$1.$2.log" args=()
  [ "$mode" = signed ] && args=(--dnssec-keys "$WORK/keys" --dnssec-signature-lifetime 20)
  local t0; t0=$(date +%s.%N)
  taskset -c "$CPU" "$STEERDNS" --listen 127.0.0.1:5330 --control 127.0.0.1:5331 --threads 1 \
    --default-latency off --zone "big.test.=$WORK/big.test.zone" --zone "big.test.=$WORK/big.test.json" \
    "${args[@]}" >"$log" 2>&1 &
  PID=$!
  for ((i = 0; i < 2400; i++)); do
    dig +time=1 +tries=1 -p 5330 @127.0.0.1 big.test SOA 2>/dev/null | grep -q 'status: NOERROR' && break
    kill -0 "$PID" 2>/dev/null || { echo "steerdns died: $(head -3 "$log")" >&2; exit 1; }
    sleep 0.05
  done
  local t1; t1=$(date +%s.%N)
  local rss peak sigs="-" resign="-"
  rss=$(kib "$PID" VmRSS) peak=$(kib "$PID" VmHWM)
  if [ "$mode" = signed ]; then
    sigs=$(curl -s http://127.0.0.1:5331/v1/dnssec | python3 -c \
      'import json,sys; print(json.load(sys.stdin)["zones"][0]["signing"]["signatures"])')
    # The first re-signing is due 10 s after the build.
    for ((i = 0; i < 600; i++)); do grep -q "re-signed" "$log" && break; sleep 0.1; done
    resign=$(sed -n 's/.*re-signed .* in \([0-9.]*\) s$/\1/p' "$log" | head -1)
    peak=$(kib "$PID" VmHWM)
  fi
  kill "$PID"; wait "$PID" 2>/dev/null; PID=""
  python3 -c "print(f'{$t1 - $t0:.2f} {$rss / 1024:.0f} {$peak / 1024:.0f} $sigs $resign')"
}
echo "# $NAMES routed names x $REGIONS regions (A), $ALG, $(nproc) cores, CPU $CPU, median of $ROUNDS"
echo "| mode | ready s | RSS MiB | peak MiB | RRSIGs at build | re-sign s |"
echo "|---|---|---|---|---|---|"
for mode in unsigned signed; do
  rows=()
  for ((r = 0; r < ROUNDS; r++)); do rows+=("$(run "$mode" "$r")"); done
  printf '%s\n' "${rows[@]}" | sort -n -k1 | sed -n "$(( (ROUNDS + 1) / 2 ))p" |
    awk -v m="$mode" '{printf "| %s | %s | %s | %s | %s | %s |\n", m, $1, $2, $3, $4, $5}'
done
