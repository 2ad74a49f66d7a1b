# scripts/conformance/lib.sh: what the conformance drivers share (sourced,
# not run). Starting steerdns, NSD, Knot and BIND on 127.0.0.1 ports with the
# same zones, waiting until they answer, stopping them by pid; and "fitting"
# a zone file to one server: the lines that server refuses are commented out
# and listed (file:line: its message), so one refused record costs that
# record, not the whole zone, and the refusal is reported as a failure.
#
# Every server listens on 127.0.0.1 only. Every wait is bounded.
# Variables the caller may set: STEERDNS (the binary; default
# $REPO/build/tools/steerdns, then build-perf), NSD, KNOTD, NAMED.

CONF_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The steerdns binary: $STEERDNS, else build/ or build-perf/ of this repo.
steer_binary() {
  if [ -n "${STEERDNS:-}" ]; then echo "$STEERDNS"; return; fi
  for b in "$CONF_REPO/build/tools/steerdns" "$CONF_REPO/build-perf/tools/steerdns"; do
    [ -x "$b" ] && { echo "$b"; return; }
  done
  echo "no steerdns binary: build it (scripts/build.sh) or set STEERDNS" >&2
  return 1
}

# A free UDP+TCP port on 127.0.0.1 (asked of the kernel).
free_port() {
  /usr/bin/python3 - <<'PY'
import socket
while True:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close(); continue
    t.close(); u.close(); print(p); break
PY
}

# wait_answering PORT ZONE [SECONDS]: until 127.0.0.1#PORT answers ZONE SOA
# (any rcode but SERVFAIL/REFUSED counts), at most SECONDS (default 20).
wait_answering() {
  local port=$1 zone=$2 limit=${3:-20} i
  for ((i = 0; i < limit * 5; i++)); do
    if dig +norec +time=1 +tries=1 -p "$port" @127.0.0.1 "$zone" SOA 2>/dev/null |
        grep -q 'status: NOERROR'; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}

# stop_pid PID: SIGTERM, then SIGKILL after 5 s. Only the pid we started.
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
}

# comment_line FILE LINE: prefix line LINE of FILE with ';' (a copy we own).
# If the next line has a blank owner (it inherits this line's), it gets
# this line's owner written out, so it keeps meaning what it meant.
comment_line() {
  local file=$1 n=$2 owner
  owner=$(sed -n "${n}p" "$file" | awk '/^[^ \t;$]/ {print $1}')
  if [ -n "$owner" ]; then
    sed -i "$((n + 1))s/^\([ \t]\)/${owner//\//\\/}\1/" "$file"
  fi
  sed -i "${n}s/^/;REFUSED; /" "$file"
}

# fit_nsd DIR ORIGIN FILE REFUSED_LOG: nsd-checkzone FILE (in DIR); comment
# out each line NSD refuses, append "nsd ORIGIN FILE:LINE: message" to
# REFUSED_LOG, until it loads (at most 30 rounds). Returns 1 if it never does.
fit_nsd() {
  local dir=$1 origin=$2 file=$3 log=$4 round out line msg
  for ((round = 0; round < 30; round++)); do
    out=$(cd "$dir" && nsd-checkzone "$origin" "$file" 2>&1) && return 0
    # "[time] nsd-checkzone[pid]: error: FILE:LINE: message"
    line=$(printf '%s\n' "$out" | sed -n 's/.*error: [^:]*:\([0-9][0-9]*\): .*/\1/p' | head -1)
    msg=$(printf '%s\n' "$out" | grep -m1 'error: ' | sed 's/.*error: //')
    [ -n "$line" ] || { echo "nsd $origin $file: $out" >>"$log"; return 1; }
    echo "nsd $origin $msg" >>"$log"
    comment_line "$dir/$file" "$line"
  done
  return 1
}

# fit_knot DIR ORIGIN FILE REFUSED_LOG: the same with kzonecheck.
fit_knot() {
  local dir=$1 origin=$2 file=$3 log=$4 round out line msg
  for ((round = 0; round < 30; round++)); do
    out=$(cd "$dir" && kzonecheck -v -o "$origin" "$file" 2>&1) && return 0
    # "error: [origin.] zone loader, file 'F', line N, ... (message)" or
    # "[origin.] error: ... line N ..."
    line=$(printf '%s\n' "$out" | sed -n 's/.*line \([0-9][0-9]*\).*/\1/p' | head -1)
    msg=$(printf '%s\n' "$out" | grep -m1 "line $line" | sed 's/.*line [0-9]* *//')
    if [ -z "$line" ]; then
      # No line: kzonecheck's semantic checks (e.g. missing glue), which
      # knotd (semantic-checks: off, as configured here) does not refuse.
      echo "knot (kzonecheck only, knotd loads it) $origin $file: $(printf '%s\n' "$out" | grep -v 'summary\|failed to run' | tr '\n' ' ')" >>"$log"
      return 0
    fi
    echo "knot $origin $file:$line: $msg" >>"$log"
    comment_line "$dir/$file" "$line"
  done
  return 1
}

# fit_bind DIR ORIGIN FILE REFUSED_LOG: the same with named-checkzone.
fit_bind() {
  local dir=$1 origin=$2 file=$3 log=$4 round out line msg
  for ((round = 0; round < 30; round++)); do
    out=$(cd "$dir" && named-checkzone -q "$origin" "$file" 2>&1) && return 0
    out=$(cd "$dir" && named-checkzone "$origin" "$file" 2>&1)
    # "[dns_master_load: ]FILE:LINE: message" (or "zone X: ..." without a line)
    line=$(printf '%s\n' "$out" | grep -m1 -o "$file:[0-9][0-9]*: " | sed 's/.*:\([0-9]*\): /\1/')
    msg=$(printf '%s\n' "$out" | grep -m1 -o "$file:[0-9][0-9]*: .*")
    [ -n "$line" ] || { echo "bind $origin $file: $(echo $out)" >>"$log"; return 1; }
    echo "bind $origin $msg" >>"$log"
    comment_line "$dir/$file" "$line"
  done
  return 1
}

# fit_steerdns DIR REFUSED_LOG ORIGIN=FILE...: start steerdns with every zone
# (--explain, so it loads and exits without serving) and comment out the
# line each "FILE:LINE: message" names, until all load together (steerdns
# checks zones against each other: aliases, cross-zone names). At most 40
# rounds. Returns 1 if they never load.
fit_steerdns() {
  local dir=$1 log=$2; shift 2
  local bin args=() z round out line file first
  bin=$(steer_binary) || return 1
  for z in "$@"; do args+=(--zone "$z"); done
  first=${1%%=*}
  for ((round = 0; round < 40; round++)); do
    out=$(cd "$dir" && "$bin" --control off --default-latency off "${args[@]}" \
      --explain "$first" SOA 127.0.0.1 2>&1 >/dev/null) && return 0
    # "FILE:LINE: message" (the first line that has one)
    file=$(printf '%s\n' "$out" | sed -n 's/^\([^: ]*\):\([0-9][0-9]*\): .*/\1/p' | head -1)
    line=$(printf '%s\n' "$out" | sed -n 's/^\([^: ]*\):\([0-9][0-9]*\): .*/\2/p' | head -1)
    if [ -z "$line" ] || [ ! -f "$dir/$file" ]; then
      echo "steerdns: $(printf '%s' "$out" | head -3 | tr '\n' ' ')" >>"$log"
      return 1
    fi
    echo "steerdns $(printf '%s\n' "$out" | grep -m1 "^$file:$line: ")" >>"$log"
    comment_line "$dir/$file" "$line"
  done
  return 1
}

# start_steerdns DIR PORT ORIGIN=FILE...: steerdns in the background on
# 127.0.0.1:PORT (UDP+TCP), no control API; sets STEER_PID. Log: DIR/steerdns.log.
start_steerdns() {
  local dir=$1 port=$2; shift 2
  local bin args=() z
  bin=$(steer_binary) || return 1
  for z in "$@"; do args+=(--zone "$z"); done
  (cd "$dir" && exec "$bin" --listen "127.0.0.1:$port" --control off \
    --default-latency off --threads 2 "${args[@]}" >"$dir/steerdns.log" 2>&1) &
  STEER_PID=$!
}

# Each server runs with its defaults but for what loopback testing needs
# (ports, paths, no rate limiting, no recursion, transfers from 127.0.0.1).

# start_nsd DIR PORT ORIGIN=FILE...: NSD in the foreground process of a
# background job; sets NSD_PID. NSD_MINIMAL=yes turns on its
# minimal-responses (default: NSD's default, no). Transfers are allowed from 127.0.0.1
# (provide-xfr), as PowerDNS's ext-nsd context configured it.
start_nsd() {
  local dir=$1 port=$2; shift 2
  local z conf="$dir/nsd.conf"
  cat >"$conf" <<CONF
server:
    ip-address: 127.0.0.1@$port
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
    hide-version: yes
    minimal-responses: ${NSD_MINIMAL:-no}
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
CONF
  for z in "$@"; do
    printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n    provide-xfr: 127.0.0.1 NOKEY\n' \
      "${z%%=*}" "${z#*=}" >>"$conf"
  done
  "${NSD:-nsd}" -d -c "$conf" >"$dir/nsd.log" 2>&1 &
  NSD_PID=$!
}

# start_knot DIR PORT ORIGIN=FILE...: knotd; sets KNOT_PID.
start_knot() {
  local dir=$1 port=$2; shift 2
  local z conf="$dir/knot.conf"
  mkdir -p "$dir/knot-db"
  cat >"$conf" <<CONF
server:
    rundir: "$dir"
    pidfile: "$dir/knot.pid"
    listen: 127.0.0.1@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$dir/knot.sock"
database:
    storage: "$dir/knot-db"
log:
  - target: stderr
    any: notice
acl:
  - id: local_xfr
    address: 127.0.0.1
    action: transfer
zone:
CONF
  for z in "$@"; do
    printf '  - domain: "%s"\n    storage: "%s"\n    file: "%s"\n    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n    semantic-checks: off\n    acl: local_xfr\n' \
      "${z%%=*}" "$dir" "${z#*=}" >>"$conf"
  done
  "${KNOTD:-knotd}" -c "$conf" >"$dir/knot.log" 2>&1 &
  KNOT_PID=$!
}

# start_bind DIR PORT ORIGIN=FILE...: named -g; sets BIND_PID.
start_bind() {
  local dir=$1 port=$2; shift 2
  local z conf="$dir/named.conf"
  cat >"$conf" <<CONF
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    allow-query { any; };
    allow-transfer { 127.0.0.1; };
    dnssec-validation no;
    notify no;
    querylog no;
};
controls { };
CONF
  for z in "$@"; do
    printf 'zone "%s" { type primary; file "%s"; check-names ignore; };\n' \
      "${z%%=*}" "${z#*=}" >>"$conf"
  done
  "${NAMED:-named}" -g -n 1 -c "$conf" >"$dir/named.log" 2>&1 &
  BIND_PID=$!
}
