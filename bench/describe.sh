# bench/describe.sh — sourced by the bench/ scripts that write a report: the lines every report
# starts with, so that a figure can be traced to the machine and the binary that produced it.

# describe_machine: "2 CPUs, MODEL, kernel K, OS".
describe_machine() {
  echo "$(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r), $(. /etc/os-release; echo "$PRETTY_NAME")"
}

# describe_build BINARY: "BINARY (COMMIT[ + uncommitted changes])" for the checkout at $ROOT
# (the tree at report time: say so when the binary was built from another commit).
describe_build() {
  echo "$1 ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + uncommitted changes'))"
}
