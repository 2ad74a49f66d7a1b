#!/usr/bin/env bash
# scripts/conformance/genreport.sh: ISC's DNS compliance tester (genreport,
# from DNS-Compliance-Testing) against steerdns and the other servers
# serving the same small test zone on 127.0.0.1, the reports side by side.
#
#   scripts/conformance/genreport.sh GENREPORT_SRC [OUT_DIR]
#
# GENREPORT_SRC is a DNS-Compliance-Testing checkout. genreport is built
# there if it is not yet (autoreconf, configure, make: needs autoconf,
# automake, libssl-dev; glibc keeps ns_get16 and friends in libresolv, so
# configure gets LIBS=-lresolv). Nothing of it enters this repository.
#
# Each server is asked the FULL set (-f: EDNS, flags, opcodes, unknown type,
# TCP, EDNS options) and the COMMON set (-c), serially (-s), in input order
# (-o), then the TYPE set (-t, one query per type in genreport's list);
# genreport's own verdict per test is printed, one column per server,
# then the tests not ok on steerdns but ok on NSD ("ok,subnet": ok, and the
# option named was in the reply). Exit status 1 when there is one, else 0
# (2: setup).
#
# Environment: STEERDNS (binary), SERVERS (default "steerdns nsd knot bind").
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=${1:?usage: genreport.sh GENREPORT_SRC [OUT_DIR]}
out=${2:-/tmp/steerdns-conformance/genreport}
servers=${SERVERS:-steerdns nsd knot bind}
mkdir -p "$out"
out=$(cd "$out" && pwd)
steer_binary >/dev/null || exit 2

gr="$src/genreport"
if [ ! -x "$gr" ]; then
  echo "building genreport in $src" >&2
  (cd "$src" && { [ -x configure ] || autoreconf -fi; } && ./configure LIBS=-lresolv &&
    make) >"$out/build.log" 2>&1 || { echo "genreport build failed: $out/build.log" >&2; exit 2; }
fi
src_commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo "?")

zone=genreport.test
cat >"$out/$zone.zone" <<'ZONE'
$ORIGIN genreport.test.
$TTL 3600
@     IN SOA ns1 hostmaster 2024060101 7200 3600 1209600 3600
@     IN NS  ns1
@     IN NS  ns2
@     IN A   192.0.2.1
@     IN MX  10 mail
ns1   IN A   192.0.2.53
ns2   IN A   192.0.2.54
mail  IN A   192.0.2.25
www   IN CNAME @
ZONE

declare -A report
running=""
trap 'stop_pid "$running"' EXIT
for s in $servers; do
  dir="$out/$s"
  rm -rf "$dir"; mkdir -p "$dir"
  cp "$out/$zone.zone" "$dir/"
  port=$(free_port)
  case $s in
    steerdns) start_steerdns "$dir" "$port" "$zone.=$dir/$zone.zone"; pid=$STEER_PID ;;
    nsd) start_nsd "$dir" "$port" "$zone=$dir/$zone.zone"; pid=$NSD_PID ;;
    knot) start_knot "$dir" "$port" "$zone=$dir/$zone.zone"; pid=$KNOT_PID ;;
    bind) start_bind "$dir" "$port" "$zone=$dir/$zone.zone"; pid=$BIND_PID ;;
    *) echo "unknown server $s" >&2; exit 2 ;;
  esac
  running=$pid
  if ! wait_answering "$port" "$zone" 30; then
    echo "$s did not answer on 127.0.0.1:$port (log in $dir)" >&2
    stop_pid "$pid"; exit 2
  fi
  echo "$zone. ns1.$zone. 127.0.0.1" |
    timeout 120 "$gr" -4 -P "$port" -f -c -s -o >"$dir/report" 2>"$dir/report.err" || true
  echo "$zone. ns1.$zone. 127.0.0.1" |
    timeout 300 "$gr" -4 -P "$port" -t -s -o >"$dir/types" 2>"$dir/types.err" || true
  stop_pid "$pid"
  running=""
  report[$s]=$(cat "$dir/report")
done

# One report line: "zone. @127.0.0.1 (ns1.zone.): dns=ok aa=ok ... ednstcp=ok"
verdicts() { # SERVER -> "test verdict" lines
  printf '%s\n' "${report[$1]}" | sed 's/^[^:]*): *//' | tr ' ' '\n' | grep '=' |
    sed 's/=/ /'
}
for s in $servers; do verdicts "$s" >"$out/$s/verdicts"; done
tests=$(awk '{print $1}' "$out/${servers%% *}/verdicts")

echo "genreport ($src_commit) -f -c against $servers, zone $zone., 127.0.0.1"
echo
printf '%-14s' TEST; for s in $servers; do printf ' %-28s' "$s"; done; echo
only=()
for t in $tests; do
  printf '%-14s' "$t"
  for s in $servers; do
    printf ' %-28s' "$(awk -v t="$t" '$1 == t {print $2}' "$out/$s/verdicts")"
  done
  echo
  ours=$(awk -v t="$t" '$1 == t {print $2}' "$out/steerdns/verdicts" 2>/dev/null)
  nsd=$(awk -v t="$t" '$1 == t {print $2}' "$out/nsd/verdicts" 2>/dev/null)
  # "ok,subnet" is ok (and says the option was echoed); anything else is not.
  if [ "${ours%%,*}" != ok ] && [ "${nsd%%,*}" = ok ]; then only+=("$t: steerdns $ours, NSD $nsd"); fi
done
echo
for s in $servers; do echo "$s: ${report[$s]}"; done
echo
echo "TYPE tests (-t: one query per type, genreport's own list):"
for s in $servers; do
  t=$(tr ' ' '\n' <"$out/$s/types" | grep -c '=' || true)
  bad=$(tr ' ' '\n' <"$out/$s/types" | grep '=' | grep -v '=ok' | tr '\n' ' ' || true)
  printf '  %-9s %d types, not ok: %s\n' "$s" "$t" "${bad:-none}"
done
echo
echo "not ok on steerdns but ok on NSD: ${#only[@]}"
for o in "${only[@]}"; do echo "  $o"; done
[ ${#only[@]} -eq 0 ]
