#!/usr/bin/env bash
# scripts/conformance/respdiff.sh: CZ.NIC's respdiff (qprep, orchestrator,
# msgdiff, diffsum) with steerdns as the target and NSD, Knot and BIND as
# the references, all four serving the same zones on 127.0.0.1.
#
#   scripts/conformance/respdiff.sh RESPDIFF_SRC PDNS_SRC [OUT_DIR]
#
# RESPDIFF_SRC is a respdiff checkout, run with Debian's /usr/bin/python3
# and its packages (python3-dnspython, -lmdb, -tabulate, -dpkt, -numpy,
# -scipy). The zones are PowerDNS's regression-test zones (the ones
# PDNS_SRC/regression-tests/named.conf lists) and this repository's
# tests/answer/chain_zones (DNAME and cross-zone CNAME cases; EXTRA_ZONE_DIR
# picks another directory of ORIGIN.zone files). One copy is fitted to all
# four servers: a line any of them refuses is commented out (and listed),
# so every server serves exactly the same data.
#
# The queries are made from the zones themselves: each owner name with each
# type it has and A, AAAA, MX, TXT, NS, SOA, CNAME, DS and SRV (respdiff
# leaves ANY out); at most three names of one shape (host-1, host-2...); a name
# below each owner that does not exist; a name under each wildcard; the
# apex in mixed case. respdiff sends each over UDP with EDNS 4096 and DO
# (qprep's fixed form) to every server.
#
# respdiff counts a difference only where the references agree among
# themselves and the target differs. Two passes: "answer" (opcode, rcode,
# flags, question, answer types, answer RRsets) and "sections" (authority,
# additional), since references often disagree on the latter.
#
# Exit status 1 when steerdns differs where the references agree, else 0
# (2: setup). Environment: STEERDNS, PYTHON (default /usr/bin/python3).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rd=${1:?usage: respdiff.sh RESPDIFF_SRC PDNS_SRC [OUT_DIR]}
src=${2:?usage: respdiff.sh RESPDIFF_SRC PDNS_SRC [OUT_DIR]}
out=${3:-/tmp/steerdns-conformance/respdiff}
py=${PYTHON:-/usr/bin/python3}
suite=$src/regression-tests
"$py" -c 'import dns, lmdb, tabulate, dpkt, numpy, scipy' 2>/dev/null || {
  echo "respdiff needs python3-dnspython python3-lmdb python3-tabulate python3-dpkt python3-numpy python3-scipy" >&2
  exit 2
}
for tool in nsd nsd-checkzone knotd kzonecheck named named-checkzone ldns-read-zone dig; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/conformance/install-deps.sh)" >&2; exit 2; }
done
steer_binary >/dev/null || exit 2
rm -rf "$out"; mkdir -p "$out/zones"
out=$(cd "$out" && pwd)
rd_commit=$(git -C "$rd" rev-parse --short HEAD 2>/dev/null || echo "?")
pdns_commit=$(git -C "$src" describe --tags --always 2>/dev/null || echo "?")

zones=$(grep 'zone ' "$suite/named.conf" | cut -f2 -d\")
for z in $zones; do
  if [ -f "$suite/zones/$z.orig" ]; then cp "$suite/zones/$z.orig" "$out/zones/$z"
  else cp "$suite/zones/$z" "$out/zones/$z"; fi
done
# And this repository's chain zones (DNAME at and below apexes, CNAMEs
# across zones and into a child zone), ORIGIN.zone each.
for f in "${EXTRA_ZONE_DIR:-$CONF_REPO/tests/answer/chain_zones}"/*.zone; do
  [ -f "$f" ] || continue
  z=$(basename "$f" .zone)
  cp "$f" "$out/zones/$z"
  zones="$zones $z"
done

# Fit the one copy to every server until a whole round refuses nothing.
: >"$out/refused"
steer_args=(); for z in $zones; do steer_args+=("$z.=zones/$z"); done
for ((pass = 0; pass < 5; pass++)); do
  before=$(cat "$out"/zones/* | md5sum)
  fit_steerdns "$out" "$out/refused" "${steer_args[@]}" || { echo "steerdns never loaded the zones" >&2; exit 2; }
  for z in $zones; do
    fit_nsd "$out" "$z" "zones/$z" "$out/refused" || echo "nsd refuses $z" >>"$out/refused"
    fit_knot "$out" "$z" "zones/$z" "$out/refused" || echo "knot refuses $z" >>"$out/refused"
    fit_bind "$out" "$z" "zones/$z" "$out/refused" || echo "bind refuses $z" >>"$out/refused"
  done
  [ "$(cat "$out"/zones/* | md5sum)" = "$before" ] && break
done

# Queries from the zones.
for z in $zones; do
  { echo "\$ORIGIN $z."; cat "$out/zones/$z"; } | ldns-read-zone /dev/stdin 2>/dev/null || true
done | awk -v apexes="$zones" '
  BEGIN { n = split(apexes, a, " "); for (i = 1; i <= n; i++) apex[a[i] "."] = 1
          split("A AAAA MX TXT NS SOA CNAME DS SRV", common, " ") }
  /^;/ || NF < 4 { next }
  {
    name = $1; type = $4
    # Names that differ only in digits (host-1 ... host-20000) are one
    # shape: three of each are asked, not twenty thousand.
    shape = name; gsub(/[0-9]+/, "#", shape)
    if (!(name in seen) && ++shapes[shape] > 3) next
    if (name ~ /^\*\./) { base = substr(name, 3); print "x.respdiff-wild." base, "A";
                          print "respdiff-wild." base, type; next }
    print name, type
    if (!(name in seen)) {
      seen[name] = 1
      for (i in common) print name, common[i]
      print "respdiff-nx." name, "A"
      if (name in apex) print toupper(substr(name, 1, 1)) substr(name, 2), "MX"
    }
  }' | LC_ALL=C sort -u >"$out/queries.txt"
echo "$(wc -l <"$out/queries.txt") queries from $(echo $zones | wc -w) zones" >&2

# Start the four servers (stopped however the script ends).
declare -A port pid
stop_all() { for s in steerdns nsd knot bind; do stop_pid "${pid[$s]:-}"; done; }
trap stop_all EXIT
for s in steerdns nsd knot bind; do
  mkdir -p "$out/$s"
  port[$s]=$(free_port)
  case $s in
    steerdns) start_steerdns "$out/$s" "${port[$s]}" $(for z in $zones; do echo "$z.=$out/zones/$z"; done); pid[$s]=$STEER_PID ;;
    nsd) start_nsd "$out/$s" "${port[$s]}" $(for z in $zones; do echo "$z=$out/zones/$z"; done); pid[$s]=$NSD_PID ;;
    knot) start_knot "$out/$s" "${port[$s]}" $(for z in $zones; do echo "$z=$out/zones/$z"; done); pid[$s]=$KNOT_PID ;;
    bind) start_bind "$out/$s" "${port[$s]}" $(for z in $zones; do echo "$z=$out/zones/$z"; done); pid[$s]=$BIND_PID ;;
  esac
done
for s in steerdns nsd knot bind; do
  for z in $zones; do
    wait_answering "${port[$s]}" "$z" 30 || { echo "$s does not answer $z on ${port[$s]}" >&2; exit 2; }
  done
done

cfg() { # CRITERIA
  cat <<CFG
[sendrecv]
timeout = 5
jobs = 4
time_delay_min = 0
time_delay_max = 0
max_timeouts = 10

[servers]
names = steerdns, nsd, knot, bind

[steerdns]
ip = 127.0.0.1
port = ${port[steerdns]}
transport = udp

[nsd]
ip = 127.0.0.1
port = ${port[nsd]}
transport = udp

[knot]
ip = 127.0.0.1
port = ${port[knot]}
transport = udp

[bind]
ip = 127.0.0.1
port = ${port[bind]}
transport = udp

[diff]
target = steerdns
criteria = $1

[report]
field_weights = timeout, malformed, opcode, question, rcode, flags, answertypes, answerrrsigs, answer, authority, additional, edns, nsid
CFG
}
cfg "opcode, rcode, flags, question, answertypes, answer" >"$out/answer.cfg"
cfg "authority, additional" >"$out/sections.cfg"

cd "$rd"
"$py" qprep.py "$out/lmdb" <"$out/queries.txt" 2>"$out/qprep.log"
timeout 900 "$py" orchestrator.py -c "$out/answer.cfg" "$out/lmdb" 2>"$out/orchestrator.log"
status=0
for pass in answer sections; do
  "$py" msgdiff.py -c "$out/$pass.cfg" -d "$out/$pass.json" "$out/lmdb" 2>"$out/$pass.msgdiff.log"
  "$py" diffsum.py -c "$out/$pass.cfg" -d "$out/$pass.json" -l 0 \
    --without-diffrepro "$out/lmdb" >"$out/$pass.txt" 2>&1 || true
  for kind in failing unstable; do
    "$py" qexport.py --envdir "$out/lmdb" --$kind -f query "$out/$pass.json" 2>/dev/null |
      LC_ALL=C sort >"$out/$pass.$kind.txt" || true
  done
done

# Where steerdns differs, or the references differ among themselves in the
# answer, every server's reply side by side (asked again, as qprep asks:
# EDNS 4096, DO, RD).
"$py" - "${port[steerdns]}" "${port[nsd]}" "${port[knot]}" "${port[bind]}" \
  "$out/answer.failing.txt" "$out/answer.unstable.txt" >"$out/side-by-side.txt" <<'PY'
import sys
import dns.flags, dns.message, dns.query, dns.rcode
ports = dict(zip(["steerdns", "nsd", "knot", "bind"], map(int, sys.argv[1:5])))
for path in sys.argv[5:]:
    for line in open(path):
        if not line.strip():
            continue
        name, qtype = line.split()
        print(f"{name} {qtype}  ({path.rsplit('/', 1)[-1]})")
        for server, port in ports.items():
            q = dns.message.make_query(name, qtype, want_dnssec=True, payload=4096)
            try:
                r = dns.query.udp(q, "127.0.0.1", port=port, timeout=3)
                ans = "; ".join(str(rr) for rr in r.answer) or "-"
                print(f"  {server:9} {dns.rcode.to_text(r.rcode())} "
                      f"[{dns.flags.to_text(r.flags)}] {ans}")
            except Exception as e:
                print(f"  {server:9} error: {e}")
PY
trap - EXIT
stop_all

echo "respdiff $rd_commit; zones: PowerDNS's ($pdns_commit) and ${EXTRA_ZONE_DIR:-tests/answer/chain_zones}; target steerdns, references nsd knot bind"
echo "zone lines refused (commented out for all four): $(grep -c ':[0-9][0-9]*: ' "$out/refused")"
sort -u "$out/refused" | sed 's/^/    /'
for pass in answer sections; do
  echo
  echo "== $pass ($(sed -n 's/^criteria = //p' "$out/$pass.cfg"))"
  cat "$out/$pass.txt"
  target_diffs=$(wc -l <"$out/$pass.failing.txt")
  echo "queries where steerdns differs from agreeing references: $target_diffs"
  echo "queries where the references disagree among themselves: $(wc -l <"$out/$pass.unstable.txt")"
  [ "$pass" = answer ] && [ "$target_diffs" != 0 ] && status=1
done
echo
echo "== replies side by side (steerdns differs, or the references differ in the answer)"
cat "$out/side-by-side.txt"
exit $status
