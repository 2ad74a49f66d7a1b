#!/usr/bin/env bash
# scripts/conformance/pdns-regress.sh: the PowerDNS authoritative regression
# tests (regression-tests/ of a PowerDNS source tree, e.g. tag auth-4.7.3)
# against steerdns and against NSD, serving the same zones (the ones the
# suite's named.conf lists, as its "bind" backend tests and its old ext-nsd
# context use them), both on 127.0.0.1.
#
#   scripts/conformance/pdns-regress.sh PDNS_SRC [OUT_DIR]
#
# PDNS_SRC is the PowerDNS checkout (it has regression-tests/); it is only
# read: each server gets a copy under OUT_DIR (default
# /tmp/steerdns-conformance/pdns), where the suite's own runner
# (regression-tests/runtests) writes its real_result and diff files. Each
# test's `command` is run unchanged by that runner, with sdig, nsec3dig and
# saxfr from Debian's pdns-tools, drill (ldnsutils) and unbound-host, through
# the environment the runner reads (nameserver, port, context, skipreasons,
# SDIG, ...). Skipped, as for a PowerDNS "bind" backend without DNSSEC:
# tests marked skip.nodnssec, skip.nodyndns, skip.nometa, skip.noalias.
#
# A zone line a server refuses is commented out in that server's copy and
# listed as a failure ("zone lines refused"); the rest of the zone is served.
#
# Output: one line per test with its result on each server and, for tests
# that need what neither server has, why; then "fails only on steerdns".
# Exit status 0 when nothing fails only on steerdns, else 1 (2: setup).
#
# NSD runs with minimal-responses: yes (NSD_MINIMAL=no for its default):
# the suite's expected results were written for PowerDNS, which does not put
# the zone's NS RRset in the authority section of positive answers, and NSD
# by default does, which fails some 40 more tests for that alone.
#
# Environment: STEERDNS (binary), TEST_TIMEOUT (whole run per server,
# seconds, default 900), SERVERS (default "steerdns nsd"), NSD_MINIMAL.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=${1:?usage: pdns-regress.sh PDNS_SRC [OUT_DIR]}
out=${2:-/tmp/steerdns-conformance/pdns}
suite=$src/regression-tests
[ -x "$suite/runtests" ] || { echo "no $suite/runtests" >&2; exit 2; }
for tool in sdig nsec3dig saxfr drill unbound-host dig nsd nsd-checkzone bc; do
  command -v "$tool" >/dev/null || {
    echo "missing $tool (scripts/conformance/install-deps.sh)" >&2
    exit 2
  }
done
src_commit=$(git -C "$src" describe --tags --always 2>/dev/null || echo "?")
steer_binary >/dev/null || exit 2
servers=${SERVERS:-steerdns nsd}
export NSD_MINIMAL=${NSD_MINIMAL:-yes}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# wrap_tools DIR PORT: the tools the runner calls without a time limit get
# one (cleandig runs drill and unbound-host for every test), and
# unbound-host, a resolver, gets the suite's config (stub zones pointing at
# the server) plus a forward of "." to the server under test, so that no
# query leaves 127.0.0.1 (a name outside the zones gets REFUSED).
wrap_tools() {
  local w=$1 port=$2 t
  mkdir -p "$w"
  for t in drill dig; do
    printf '#!/bin/sh\nexec timeout 10 %s "$@"\n' "$(command -v "$t")" >"$w/$t"
  done
  cat >"$w/unbound-host" <<WRAP
#!/bin/bash
args=()
while [ \$# -gt 0 ]; do
  if [ "\$1" = -C ]; then
    conf=\$(mktemp unbound-host.XXXXXX.conf)
    { cat "\$2" 2>/dev/null
      printf 'server:\\n  do-not-query-localhost: no\\n'
      printf 'forward-zone:\\n  name: "."\\n  forward-addr: 127.0.0.1@$port\\n'
    } >"\$conf"
    args+=(-C "\$conf"); shift 2
  else
    args+=("\$1"); shift
  fi
done
timeout 10 $(command -v unbound-host) "\${args[@]}"; rc=\$?
rm -f "\${conf:-}"
exit \$rc
WRAP
  chmod +x "$w"/*
}

zones=$(grep 'zone ' "$suite/named.conf" | cut -f2 -d\")

# The server running now, stopped however the script ends.
running=""
trap 'stop_pid "$running"' EXIT

# run_server NAME: copy the suite, fit the zones, start NAME, run the
# suite's runner, stop NAME. Results in $out/NAME/regression-tests/*_tests.
run_server() {
  local name=$1 dir="$out/$1" port pid="" z f served=()
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -a "$suite" "$dir/regression-tests"
  local rt="$dir/regression-tests"
  : >"$dir/refused"
  for z in $zones; do
    [ -f "$rt/zones/$z.orig" ] && cp -f "$rt/zones/$z.orig" "$rt/zones/$z"
  done
  port=$(free_port)
  wrap_tools "$dir/bin" "$port"
  case $name in
    steerdns)
      for z in $zones; do served+=("$z.=zones/$z"); done
      fit_steerdns "$rt" "$dir/refused" "${served[@]}" || {
        echo "steerdns: the zones never loaded together; see $dir/refused" >&2
        return 1
      }
      start_steerdns "$rt" "$port" "${served[@]}"
      pid=$STEER_PID
      ;;
    nsd)
      for z in $zones; do
        if fit_nsd "$rt" "$z" "zones/$z" "$dir/refused"; then
          served+=("$z=$rt/zones/$z")
        fi
      done
      start_nsd "$dir" "$port" "${served[@]}"
      pid=$NSD_PID
      ;;
    *) echo "unknown server $name" >&2; return 1 ;;
  esac
  running=$pid
  if ! wait_answering "$port" example.com 30; then
    echo "$name did not answer on 127.0.0.1:$port" >&2
    stop_pid "$pid"
    return 1
  fi
  echo "== $name on 127.0.0.1:$port ($(wc -l <"$dir/refused") zone lines refused)" >&2
  (
    cd "$rt"
    export nameserver=127.0.0.1 port testsdir=./tests
    export context=ext-$name extracontexts=""
    export skipreasons="nodnssec nodyndns nometa noalias"
    export SDIG=$(command -v sdig) NSEC3DIG=$(command -v nsec3dig) SAXFR=$(command -v saxfr)
    export NOTIFY=false PDNSCONTROL=false PDNSUTIL=false
    export ALGORITHM=hmac-md5 KEY=kp4/24gyYsEzbuTVJRUMoqGFmN3LYgVDzJ/3oRSP7ys=
    export PATH="$dir/bin:$PATH"
    timeout "${TEST_TIMEOUT:-900}" ./runtests >"$dir/runtests.log" 2>&1 || true
  )
  stop_pid "$pid"
  running=""
  tail -1 "$dir/runtests.log" >&2
}

for s in $servers; do run_server "$s"; done

# why_unsupported TEST: what the test needs that neither server has, if any.
why_unsupported() {
  local c="$suite/tests/$1/command"
  local xfr="" tsig=""
  grep -qiE '(^|[ =])(AXFR|IXFR)( |=|$)|saxfr|-t ixfr|-t axfr' "$c" && xfr=1
  grep -qiE 'tkey|tsig|\$KEY|\$ALGORITHM' "$c" && tsig=1
  if [ -n "$xfr" ] && [ -n "$tsig" ]; then echo "zone transfer with TSIG (issue 17)"
  elif [ -n "$xfr" ]; then echo "zone transfer (issue 17)"
  elif [ -n "$tsig" ]; then echo "TSIG/TKEY"
  elif grep -qE 'PDNSCONTROL|PDNSUTIL|context:0:4' "$c"; then echo "PowerDNS-only (pdns_control/pdnsutil)"
  else
    # Why the runner skips it (its skip.REASON files for our skipreasons).
    local r why=()
    for r in nodnssec nodyndns nometa noalias; do
      [ -e "$suite/tests/$1/skip.$r" ] || continue
      case $r in
        nodnssec) why+=("DNSSEC (issue 16)") ;;
        nodyndns) why+=("dynamic update") ;;
        nometa) why+=("PowerDNS domain metadata") ;;
        noalias) why+=("PowerDNS ALIAS") ;;
      esac
    done
    [ ${#why[@]} -eq 0 ] || (IFS=,; echo "skipped: ${why[*]}")
  fi
}

result_of() { # SERVER TEST -> pass|FAIL|skip|-
  local rt="$out/$1/regression-tests"
  if grep -qx "$2" "$rt/passed_tests" 2>/dev/null; then echo pass
  elif grep -qx "$2" "$rt/failed_tests" 2>/dev/null; then echo FAIL
  elif grep -qx "$2" "$rt/skipped_tests" 2>/dev/null; then echo skip
  else echo -; fi
}

set -- $servers
a=$1 b=${2:-}
printf 'PowerDNS regression tests %s (%s), against %s\n\n' "$src_commit" "$suite" "$servers"
printf '%-48s %-9s %-9s %s\n' TEST "$a" "$b" NEEDS
only=()
for t in $(cd "$suite/tests" && ls | LC_ALL=C sort); do
  [ -x "$suite/tests/$t/command" ] || continue
  ra=$(result_of "$a" "$t"); rb=$( [ -n "$b" ] && result_of "$b" "$t" || echo -)
  printf '%-48s %-9s %-9s %s\n' "$t" "$ra" "$rb" "$(why_unsupported "$t")"
  if [ "$ra" = FAIL ] && [ "$rb" != FAIL ]; then only+=("$t"); fi
done
echo
for s in $servers; do
  rt="$out/$s/regression-tests"
  printf '%s: %d passed, %d failed, %d skipped; zone lines refused: %d\n' "$s" \
    "$(wc -l <"$rt/passed_tests")" "$(wc -l <"$rt/failed_tests")" \
    "$(wc -l <"$rt/skipped_tests")" "$(wc -l <"$out/$s/refused")"
  sed 's/^/    refused: /' "$out/$s/refused"
done
echo
echo "fails only on $a: ${#only[@]}"
for t in "${only[@]}"; do
  printf '  %s  %s\n' "$t" "$(why_unsupported "$t")"
  sed 's/^/      /' "$out/$a/regression-tests/tests/$t/diff" | head -20
done
[ ${#only[@]} -eq 0 ]
