#!/usr/bin/env bash
# scripts/dnssec-audit/run.sh: Zonemaster, DNSViz and delv on a signed zone
# served by a server under test, against a fake root on loopback, compared
# with NSD serving the same signed file (docs/dnssec-audit.md).
#
#   scripts/dnssec-audit/run.sh [OUT_DIR]
#
# Builds keys (ldns-keygen, ECDSA P-256, KSK + ZSK per zone), a signed fake
# root with the DS of test., a signed test. with the DS of example.test.,
# and example.test. itself (apex, wildcard, CNAME, empty non-terminal, an
# insecure delegation), signed with ldns-signzone twice: NSEC and NSEC3
# (RFC 9276: 0 iterations, no salt).
# Addresses: one 127.53.N.0/24 per run (N picked at random, held by a lock
# file so parallel runs do not collide), all on port 53 because Zonemaster
# follows the fake root's glue and cannot be given a port:
#   127.53.N.1  NSD: the fake root, test., 127.in-addr.arpa., asnlookup.test.
#   127.53.N.2  ns1.example.test. } the server under test, or NSD as the
#   127.53.N.3  ns2.example.test. } reference, on the same signed file
#   127.53.N.5  NSD: insecure.example.test. (an unsigned child: no DS)
#   127.53.N.6  the tools' source address
#   127.0.0.1:(free port)  named, a validating resolver for delv
# For each variant (nsec, nsec3) and each server (nsd, then SERVER):
#   zonemaster-cli --hints (the fake root) --no-ipv6 example.test.
#   dnsviz probe -A -E -4 -x .:127.53.N.1 (the delegations from there) of
#   seven names, then dnsviz grok -P -l warning -t (the fake root's KSK)
#   delv -a (the fake root's KSK) +root=. through named: a positive answer,
#   an NXDOMAIN, two NODATA (one at an empty non-terminal), a wildcard
#   answer, a name under the insecure delegation
# and a summary: per tool, the ERROR/CRITICAL and WARNING counts and messages.
#
# Exit status: 0 when the server under test has no error the reference does
# not have; 1 when it has; 2 for a broken set-up, which includes NSD (the
# reference) having any error or failing a delv check; 77 (ctest: skipped)
# when a tool is missing, unless STEER_TEST_STRICT=1 (scripts/test.sh, CI),
# where that is 2 as well.
# Environment: SERVER (the server under test: steerdns (default) or nsd, in
# which case only the reference runs), STEERDNS (the binary; default
# build/tools/steerdns), VARIANTS (default "nsec nsec3"; "online" as well:
# steerdns signs the unsigned file online with the same keys (--dnssec-keys),
# against NSD on the NSEC-signed file; ctest runs all three),
# ZONEMASTER_TIMEOUT / DNSVIZ_TIMEOUT (seconds per run; default 300 / 180).
# Needs root (port 53). Every process it starts is stopped by pid on exit;
# all traffic stays on 127.53.N.0/24.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../conformance/lib.sh"

out=${1:-/tmp/steerdns-dnssec-audit}
server=${SERVER:-steerdns}
variants=${VARIANTS:-nsec nsec3}
zm_timeout=${ZONEMASTER_TIMEOUT:-300}
dv_timeout=${DNSVIZ_TIMEOUT:-180}

missing() {
  echo "precondition missing: $1" >&2
  [ "${STEER_TEST_STRICT:-}" = 1 ] && exit 2
  exit 77
}
for t in zonemaster-cli dnsviz delv dig nsd named ldns-keygen ldns-signzone ldns-key2ds flock ss; do
  command -v "$t" >/dev/null || missing "$t (scripts/install-deps.sh)"
done
[ "$(id -u)" -eq 0 ] || missing "root (the tools follow glue to port 53 on loopback)"
case $server in
  nsd) ;;
  steerdns) steer_binary >/dev/null || exit 2 ;;
  *) echo "SERVER must be steerdns or nsd, not $server" >&2; exit 2 ;;
esac
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pygraphviz, dnsviz' 2>/dev/null ||
  missing "dnsviz's Python modules for /usr/bin/python3"

# --- addresses: a free 127.53.N.0/24, held by a lock for this run ----------
lockdir=/tmp/steerdns-dnssec-audit-locks
mkdir -p "$lockdir"
net=""
for n in $(shuf -i 1-254); do
  exec 9>"$lockdir/$n.lock"
  if flock -n 9; then
    if [ -z "$(ss -Hln "( src 127.53.$n.0/24 )" 2>/dev/null)" ]; then
      net=127.53.$n; break
    fi
  fi
  exec 9>&-
done
[ -n "$net" ] || { echo "no free 127.53.N.0/24" >&2; exit 2; }
# A wildcard listener on port 53 (0.0.0.0:53, [::]:53) takes every
# loopback address too: the tools would talk to it, not to ours.
if ss -Hlnut 'sport = :53' | grep -qE '[[:space:]](0\.0\.0\.0|\*|\[::\]):53[[:space:]]'; then
  echo "something listens on *:53 (wildcard); stop it first:" >&2
  ss -Hlnutp 'sport = :53' >&2
  exit 2
fi
root_ip=$net.1 ns1_ip=$net.2 ns2_ip=$net.3 insecure_ip=$net.5 client_ip=$net.6

rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
keys=$out/keys; mkdir -p "$keys"
echo "dnssec-audit: server under test $server, addresses $net.1-5:53, output $out"

# The NSDs of the root and the insecure child live for the whole run; the
# server under test and named for one run_one, which stops them and clears
# their pids (a pid is never signalled after its process is gone).
declare -a pids=()
CHILD_PID="" RESOLVER_PID=""
stop_all() {
  local p
  for p in "$RESOLVER_PID" "$CHILD_PID" "${pids[@]}"; do stop_pid "$p"; done
  pids=(); CHILD_PID=""; RESOLVER_PID=""
}
trap stop_all EXIT

# wait_soa IP ZONE [SECONDS [PID]]: until IP:53 answers ZONE SOA with
# NOERROR; gives up at once when PID (the server) has exited.
wait_soa() {
  local ip=$1 zone=$2 limit=${3:-20} pid=${4:-} i
  for ((i = 0; i < limit * 5; i++)); do
    [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || return 1
    dig +norec +time=1 +tries=1 @"$ip" "$zone" SOA 2>/dev/null | grep -q 'status: NOERROR' && return 0
    sleep 0.2
  done
  return 1
}

# --- keys and zones ---------------------------------------------------------
# The tested zone is example.test., a second-level name as most are (a TLD
# gets Zonemaster's TLD-only rules). The fake root and test. are signed,
# each with a DS for the next level; both are served by one NSD, which
# answers from the closest zone it has. 127.in-addr.arpa. (unsigned) gives
# the name servers' addresses their PTR records (Zonemaster ADDRESS02),
# asnlookup.test. (unsigned) their AS numbers (CONNECTIVITY03).
keygen() { # ZONE NAME: KSK and ZSK of ZONE, base names in $keys/NAME.ksk/.zsk
  (cd "$keys" && ldns-keygen -a ECDSAP256SHA256 -k "$1" >"$2.ksk" &&
    ldns-keygen -a ECDSAP256SHA256 "$1" >"$2.zsk" && rm -f ./*.ds) ||
    { echo "ldns-keygen $1 failed" >&2; exit 2; }
}
keygen . root; keygen test. test; keygen example.test. example
key() { echo "$keys/$(cat "$keys/$1")"; }
serial=$(date -u +%Y%m%d01)
# Signatures valid from an hour ago (DNSViz warns about an inception within
# clock skew of now) for ldns-signzone's default four weeks.
inception=$(date -u -d '1 hour ago' +%Y%m%d%H%M%S)
soa_times="14400 3600 1209600 3600"   # refresh retry expire minimum (Zonemaster's ranges)
n3=$(echo "$net" | cut -d. -f3)
rev() { echo "$1.$n3.53.127.in-addr.arpa."; }

cat >"$out/root.zone" <<ZONE
\$TTL 86400
.                  IN SOA a.root-servers. hostmaster.root-servers.test. $serial 1800 900 604800 86400
.                  IN NS  a.root-servers.
a.root-servers.    IN A   $root_ip
test.              IN NS  a.root-servers.
127.in-addr.arpa.  IN NS  a.root-servers.
ZONE
ldns-key2ds -n -2 "$(key test.ksk).key" >>"$out/root.zone"
cat >"$out/test.zone" <<ZONE
\$TTL 86400
test.              IN SOA a.root-servers. hostmaster.root-servers.test. $serial $soa_times
test.              IN NS  a.root-servers.
asnlookup.test.    IN NS  a.root-servers.
example.test.      IN NS  ns1.example.test.
example.test.      IN NS  ns2.example.test.
ns1.example.test.  IN A   $ns1_ip
ns2.example.test.  IN A   $ns2_ip
ZONE
ldns-key2ds -n -2 "$(key example.ksk).key" >>"$out/test.zone"
cat >"$out/reverse.zone" <<ZONE
\$TTL 86400
127.in-addr.arpa.  IN SOA a.root-servers. hostmaster.root-servers.test. $serial $soa_times
127.in-addr.arpa.  IN NS  a.root-servers.
$(rev 1)  IN PTR a.root-servers.
$(rev 2)  IN PTR ns1.example.test.
$(rev 3)  IN PTR ns2.example.test.
$(rev 5)  IN PTR ns.insecure.example.test.
ZONE
# Zonemaster's ASN look-ups (CONNECTIVITY03, Team Cymru's TXT format, the
# source named in its profile below): each name server in an AS of its own.
cat >"$out/asnlookup.zone" <<ZONE
\$TTL 86400
asnlookup.test.    IN SOA a.root-servers. hostmaster.root-servers.test. $serial $soa_times
asnlookup.test.    IN NS  a.root-servers.
$(rev 2 | sed 's/in-addr.arpa./origin.asnlookup.test./') IN TXT "64501 | $ns1_ip/32 | ZZ | test | 2026-01-01"
$(rev 3 | sed 's/in-addr.arpa./origin.asnlookup.test./') IN TXT "64502 | $ns2_ip/32 | ZZ | test | 2026-01-01"
ZONE
(cd "$out" && ldns-signzone -i "$inception" -f root.zone.signed root.zone "$(key root.ksk)" "$(key root.zsk)" &&
  ldns-signzone -i "$inception" -f test.zone.signed test.zone "$(key test.ksk)" "$(key test.zsk)") ||
  { echo "ldns-signzone (root, test.) failed" >&2; exit 2; }
# The trust anchor: the fake root's KSK, for delv and named (trust-anchors)
# and for dnsviz grok -t (master-file format).
read -r ksk_flags ksk_proto ksk_alg ksk_b64 < <(sed 's/;.*//' "$(key root.ksk).key" |
  awk '{for (i = 1; i <= NF; i++) if ($i == "DNSKEY") {k = ""; for (j = i + 4; j <= NF; j++) k = k $j; print $(i+1), $(i+2), $(i+3), k}}')
printf 'trust-anchors {\n  . static-key %s %s %s "%s";\n};\n' "$ksk_flags" "$ksk_proto" "$ksk_alg" "$ksk_b64" >"$out/root.anchor"
printf '. 86400 IN DNSKEY %s %s %s %s\n' "$ksk_flags" "$ksk_proto" "$ksk_alg" "$ksk_b64" >"$out/root.dnskey"
printf '.                  3600000 NS a.root-servers.\na.root-servers.    3600000 A  %s\n' "$root_ip" >"$out/root.hints"
# Zonemaster's profile (its defaults, written out: a partial profile
# replaces whole sections): every query from $client_ip (loopback, so nothing
# can leave the machine), ASN look-ups in asnlookup.test. (above),
# and one tag lowered from ERROR to NOTICE: NAMESERVER_IP_PRIVATE_NETWORK
# (ADDRESS01), which says the name servers are on 127/8 - true by design
# here, the same for every server, and nothing about DNSSEC. Every other
# level is Zonemaster's default.
zonemaster-cli --dump-profile | /usr/bin/python3 -c '
import json, sys
p = json.load(sys.stdin)
p["resolver"]["source"] = sys.argv[1]
p["asn_db"] = {"style": "cymru", "sources": {"cymru": ["asnlookup.test."]}}
p["test_levels"]["ADDRESS"]["NAMESERVER_IP_PRIVATE_NETWORK"] = "NOTICE"
json.dump(p, sys.stdout, indent=1)' "$client_ip" >"$out/zonemaster-profile.json" ||
  { echo "zonemaster-cli --dump-profile failed" >&2; exit 2; }

cat >"$out/example.zone" <<ZONE
\$ORIGIN example.test.
\$TTL 3600
@            IN SOA   ns1.example.test. hostmaster.example.test. $serial $soa_times
@            IN NS    ns1.example.test.
@            IN NS    ns2.example.test.
@            IN MX    10 mail.example.test.
@            IN A     192.0.2.1
@            IN AAAA  2001:db8::1
@            IN TXT   "steerdns dnssec-audit"
ns1          IN A     $ns1_ip
ns2          IN A     $ns2_ip
mail         IN A     192.0.2.25
www          IN A     192.0.2.80
www          IN AAAA  2001:db8::80
alias        IN CNAME www.example.test.
*.wild       IN A     192.0.2.99
deep.a.b     IN TXT   "an empty non-terminal above"
insecure     IN NS    ns.insecure.example.test.
ns.insecure  IN A     $insecure_ip
ZONE
cat >"$out/insecure.example.zone" <<ZONE
\$ORIGIN insecure.example.test.
\$TTL 3600
@   IN SOA ns.insecure.example.test. hostmaster.example.test. $serial $soa_times
@   IN NS  ns.insecure.example.test.
ns  IN A   $insecure_ip
www IN A   192.0.2.81
ZONE
# online: steerdns signs the unsigned file itself with example.test.'s keys
# (--dnssec-keys, issue 16 part 2); NSD, the reference, serves the NSEC-signed
# file made with the same keys.
mkdir -p "$out/online-keys"
cp "$(key example.ksk)".* "$(key example.zsk)".* "$out/online-keys/"
for v in $(printf '%s\n' $variants | sed 's/^online$/nsec/' | sort -u); do
  case $v in
    nsec) flags=() ;;
    nsec3) flags=(-n -t 0) ;;   # RFC 9276: no extra iterations, empty salt
    *) echo "unknown variant $v (nsec, nsec3, online)" >&2; exit 2 ;;
  esac
  (cd "$out" && ldns-signzone -i "$inception" "${flags[@]}" -f "example.zone.$v" example.zone "$(key example.ksk)" "$(key example.zsk)") ||
    { echo "ldns-signzone example.test. ($v) failed" >&2; exit 2; }
done

# --- NSD: the fake root, test., 127.in-addr.arpa., asnlookup.test.; and
# --- insecure.example.test. on an NSD of its own ---------------------------
mkdir -p "$out/root-nsd"
cat >"$out/root-nsd/nsd.conf" <<CONF
server:
    ip-address: $root_ip
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$out"
    database: ""
    zonelistfile: "$out/root-nsd/zone.list"
    xfrdfile: "$out/root-nsd/xfrd.state"
    xfrdir: "$out/root-nsd"
    pidfile: "$out/root-nsd/nsd.pid"
    verbosity: 1
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: "."
    zonefile: "$out/root.zone.signed"
zone:
    name: "test."
    zonefile: "$out/test.zone.signed"
zone:
    name: "127.in-addr.arpa."
    zonefile: "$out/reverse.zone"
zone:
    name: "asnlookup.test."
    zonefile: "$out/asnlookup.zone"
CONF
nsd -d -c "$out/root-nsd/nsd.conf" >"$out/root-nsd/nsd.log" 2>&1 &
pids+=($!)
mkdir -p "$out/insecure-nsd"
sed -e "s|ip-address: $root_ip|ip-address: $insecure_ip|" -e "s|/root-nsd/|/insecure-nsd/|g" \
  -e '/^zone:/,$d' "$out/root-nsd/nsd.conf" >"$out/insecure-nsd/nsd.conf"
printf 'zone:\n    name: "insecure.example.test."\n    zonefile: "%s"\n' "$out/insecure.example.zone" >>"$out/insecure-nsd/nsd.conf"
nsd -d -c "$out/insecure-nsd/nsd.conf" >"$out/insecure-nsd/nsd.log" 2>&1 &
pids+=($!)
wait_soa "$root_ip" . 30 || { echo "the fake root's NSD does not answer (log: $out/root-nsd/nsd.log)" >&2; exit 2; }
wait_soa "$insecure_ip" insecure.example.test. 10 || { echo "insecure.example.test. does not answer" >&2; exit 2; }

# --- one run: the child zone on SERVER, then the three tools ----------------
# start_child DIR SERVER ZONEFILE [STEERDNS ARGS...]: sets CHILD_PID.
start_child() {
  local dir=$1 srv=$2 zonefile=$3 bin
  shift 3
  case $srv in
    nsd)
      cat >"$dir/nsd.conf" <<CONF
server:
    ip-address: $ns1_ip
    ip-address: $ns2_ip
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$dir"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    verbosity: 1
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: "example.test."
    zonefile: "$zonefile"
CONF
      nsd -d -c "$dir/nsd.conf" >"$dir/server.log" 2>&1 &
      CHILD_PID=$! ;;
    steerdns)
      bin=$(steer_binary)
      (cd "$dir" && exec "$bin" --listen "$ns1_ip:53" --listen "$ns2_ip:53" --control off \
        --default-latency off --threads 2 --zone "example.test.=$zonefile" "$@" >"$dir/server.log" 2>&1) &
      CHILD_PID=$! ;;
  esac
}

# start_resolver DIR: named as a validating recursive resolver on
# 127.0.0.1:$resolver_port (named listens only on addresses an interface
# has, and lo has 127.0.0.1 alone) with the fake root as its hints and
# trust anchor; sets RESOLVER_PID.
start_resolver() {
  local dir=$1
  mkdir -p "$dir/named"
  cp "$out/root.hints" "$dir/named/root.hints"
  cat >"$dir/named/named.conf" <<CONF
options {
    directory "$dir/named";
    pid-file "$dir/named/named.pid";
    listen-on port $resolver_port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion yes;
    allow-query { 127.0.0.0/8; };
    allow-recursion { 127.0.0.0/8; };
    dnssec-validation yes;
    notify no;
    qname-minimization off;
};
controls { };
$(cat "$out/root.anchor")
zone "." { type hint; file "root.hints"; };
CONF
  named -4 -g -c "$dir/named/named.conf" >"$dir/named/named.log" 2>&1 &
  RESOLVER_PID=$!
}

# delv_check DIR NAME TYPE EXPECT: delv through the resolver with the fake
# root's anchor; EXPECT is the line delv must print ("fully validated",
# "negative response, fully validated", "unsigned answer").
delv_check() {
  local dir=$1 name=$2 type=$3 expect=$4 f
  f="$dir/delv.$name.$type.txt"
  timeout 30 delv -4 @127.0.0.1 -p "$resolver_port" -a "$out/root.anchor" +root=. +nottl "$name" "$type" >"$f" 2>&1 || true
  if grep -q "^; $expect\$" "$f"; then
    echo "ok   delv $name $type: $expect"
  else
    echo "FAIL delv $name $type: expected '; $expect', got: $(grep -m3 '^;' "$f" | tr '\n' ' ')"
  fi
}

run_one() {
  local v=$1 srv=$2 i
  local dir="$out/$v/$srv"
  mkdir -p "$dir"
  if [ "$v" = online ] && [ "$srv" = steerdns ]; then
    cp "$out/example.zone" "$dir/example.zone"
    start_child "$dir" "$srv" "$dir/example.zone" --dnssec-keys "$out/online-keys"
  else
    cp "$out/example.zone.${v/online/nsec}" "$dir/example.zone.signed"
    start_child "$dir" "$srv" "$dir/example.zone.signed"
  fi
  wait_soa "$ns1_ip" example.test. 30 "$CHILD_PID" && wait_soa "$ns2_ip" example.test. 5 ||
    { echo "$srv does not answer for example.test.; its log ($dir/server.log):" >&2
      head -5 "$dir/server.log" >&2; return 2; }
  resolver_port=$(free_port)
  start_resolver "$dir"
  for ((i = 0; ; i++)); do
    dig +time=1 +tries=1 -p "$resolver_port" @127.0.0.1 . SOA 2>/dev/null | grep -q 'status: NOERROR' && break
    if ((i >= 100)) || ! kill -0 "$RESOLVER_PID" 2>/dev/null; then
      echo "named (the resolver for delv) does not answer (log: $dir/named/named.log)" >&2; return 2
    fi
    sleep 0.2
  done

  local t0=$SECONDS
  timeout "$zm_timeout" zonemaster-cli --profile "$out/zonemaster-profile.json" --hints "$out/root.hints" \
    --sourceaddr "$client_ip" --no-ipv6 --level INFO \
    --json-stream --json-translate --no-progress example.test. >"$dir/zonemaster.jsonl" 2>"$dir/zonemaster.stderr" ||
    echo "zonemaster-cli exit status $? (timeout ${zm_timeout}s = 124)" >>"$dir/zonemaster.stderr"
  local t1=$SECONDS
  timeout "$dv_timeout" dnsviz probe -A -E -4 -b "$client_ip" -x ".:a.root-servers.=$root_ip" -o "$dir/dnsviz-probe.json" \
    example.test. www.example.test. alias.example.test. nonexistent.example.test. foo.wild.example.test. \
    a.b.example.test. \
    insecure.example.test. \
    >"$dir/dnsviz-probe.log" 2>&1 || echo "dnsviz probe exit status $?" >>"$dir/dnsviz-probe.log"
  timeout 120 /usr/bin/python3 "$here/grok.py" -P -l warning -t "$out/root.dnskey" -r "$dir/dnsviz-probe.json" -o "$dir/dnsviz-grok.json" \
    >"$dir/dnsviz-grok.log" 2>&1 || echo "dnsviz grok exit status $?" >>"$dir/dnsviz-grok.log"
  local t2=$SECONDS
  {
    delv_check "$dir" www.example.test. A "fully validated"
    delv_check "$dir" nonexistent.example.test. A "negative response, fully validated"
    delv_check "$dir" www.example.test. TXT "negative response, fully validated"
    delv_check "$dir" a.b.example.test. TXT "negative response, fully validated"
    delv_check "$dir" foo.wild.example.test. A "fully validated"
    delv_check "$dir" www.insecure.example.test. A "unsigned answer"
  } >"$dir/delv.txt"
  echo "time: zonemaster $((t1 - t0)) s, dnsviz $((t2 - t1)) s, delv $((SECONDS - t2)) s" >"$dir/time.txt"
  stop_pid "$RESOLVER_PID"; stop_pid "$CHILD_PID"; RESOLVER_PID="" CHILD_PID=""
  /usr/bin/python3 "$here/summarize.py" "$dir" >"$dir/summary.txt"
}

servers=nsd
[ "$server" = nsd ] || servers="nsd $server"
status=0
for v in $variants; do
  for s in $servers; do
    echo "== $v: $s"
    run_one "$v" "$s" || exit 2
    cat "$out/$v/$s/summary.txt" "$out/$v/$s/time.txt"
  done
  /usr/bin/python3 "$here/summarize.py" --compare "$out/$v/nsd" "$out/$v/$server" >"$out/$v/verdict.txt" || status=$(( $? > status ? $? : status ))
  echo "== $v: verdict"
  cat "$out/$v/verdict.txt"
done
exit $status
