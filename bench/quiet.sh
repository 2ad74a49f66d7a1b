# bench/quiet.sh — sourced by bench/xdp.sh and bench/drain-scale.sh: wait until the (possibly
# shared) machine is quiet before a measurement.

# busy_pct: % of all CPUs' time that was busy over the next second.
busy_pct() {
  local a b t=0 k
  read -r -a a < /proc/stat; sleep 1; read -r -a b < /proc/stat
  for k in 1 2 3 4 5 6 7 8; do t=$((t + b[k] - a[k])); done
  local idle=$(( (b[4] - a[4]) + (b[5] - a[5]) ))
  echo $(( t > 0 ? 100 * (t - idle) / t : 0 ))
}

# wait_quiet PCT: waits (at most 60 s) until busy_pct < PCT; prints the last busy % seen and
# returns 1 if the machine stayed busy. PCT <= 0: measures once, does not wait.
wait_quiet() {
  local b=0 k
  for ((k = 0; k < 60; k++)); do
    b=$(busy_pct)
    if [ "$1" -le 0 ] || [ "$b" -lt "$1" ]; then echo "$b"; return 0; fi
  done
  echo "$b"
  return 1
}
