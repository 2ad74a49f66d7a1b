# bench/lib-1m.sh — sourced by zone-1m.sh and xfr-1m.sh: steerdns, Knot and NSD started the same
# way on the 1,000,000-record zone (one CPU, one worker each), stopped, and their memory read.
#   start_server NAME PORT ZONE CPU DIR [xfr]  -> SERVER_PID; NAME is steerdns, knot or nsd;
#                                                 with "xfr", 127.0.0.1 may transfer the zone
#   stop                                        SIGTERM, then SIGKILL after 10 s
#   kib PID FIELD                               a /proc/PID/status field in KiB (VmRSS, VmHWM)
#   tree_pids PID                               PID and its descendants
# The caller sets STEERDNS (the binary) and `trap stop EXIT`.
SERVER_PID=""
stop() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  for ((i = 0; i < 100; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
}
kib() { awk -v k="$2" '$1 == k":" { print $2; exit }' "/proc/$1/status" 2>/dev/null; }
tree_pids() {
  local p=$1; echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
}
start_server() {
  local name=$1 port=$2 zone=$3 cpu=$4 dir=$5 xfr=${6:-}
  rm -rf "$dir"; mkdir -p "$dir"
  case $name in
    steerdns)
      taskset -c "$cpu" "$STEERDNS" --listen "127.0.0.1:$port" --control "127.0.0.1:$((port + 2000))" \
        --threads 1 --zone "big.test.=$zone" ${xfr:+--allow-transfer 127.0.0.1} > "$dir/log" 2>&1 &
      ;;
    knot)
      mkdir -p "$dir/db"
      cat > "$dir/knot.conf" <<CONF
server:
    rundir: "$dir"
    pidfile: "$dir/knot.pid"
    listen: 127.0.0.1@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$dir/db"
log:
  - target: stderr
    any: notice
${xfr:+acl:
  - id: local
    address: 127.0.0.1
    action: transfer}
zone:
  - domain: big.test.
    file: "$zone"
${xfr:+    acl: local}
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
CONF
      taskset -c "$cpu" knotd -c "$dir/knot.conf" > "$dir/log" 2>&1 &
      ;;
    nsd)
      cat > "$dir/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$port
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$(dirname "$zone")"
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
    name: big.test
    zonefile: $zone
${xfr:+    provide-xfr: 127.0.0.1 NOKEY}
CONF
      taskset -c "$cpu" nsd -d -c "$dir/nsd.conf" > "$dir/log" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
}
