#!/usr/bin/env bash
# bench/gen-zone-1m.sh OUT [N] — writes an RFC 1035 master file for zone big.test. with N records
# (default 1,000,000), mixed types, deterministic:
#   apex SOA, 2 NS + glue, MX; then per 10 names: 4 A, 2 AAAA, 1 MX, 1 TXT, 1 CNAME, and one
#   delegation (2 NS with in-bailiwick targets + their 2 glue A records)
# Names: a<i> (A), q<i> (AAAA), m<i> (MX -> a<i>), t<i> (TXT), c<i> (CNAME -> a<i>),
# d<i> (NS ns1.d<i>, ns2.d<i> + glue A). Used by bench/zone-1m.sh.
set -euo pipefail
out="${1:?usage: gen-zone-1m.sh OUT [N]}"
n="${2:-1000000}"
mkdir -p "$(dirname "$out")"
awk -v n="$n" 'BEGIN {
  print "$ORIGIN big.test."
  print "$TTL 3600"
  print "@ IN SOA ns1.big.test. hostmaster.big.test. 2024010101 3600 900 604800 300"
  print "@ IN NS ns1.big.test."
  print "@ IN NS ns2.big.test."
  print "@ IN MX 10 mail.big.test."
  print "ns1 IN A 198.51.100.1"
  print "ns2 IN A 198.51.100.2"
  print "mail IN A 198.51.100.3"
  c = 7
  for (i = 0; c < n; i++) {
    k = i % 10
    if (k < 4)       { printf "a%d IN A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256; c++ }
    else if (k < 6)  { printf "q%d IN AAAA 2001:db8:%x::%x\n", i, int(i / 65536), i % 65536; c++ }
    else if (k == 6) { printf "m%d IN MX 10 a%d.big.test.\n", i, i - 6; c++ }
    else if (k == 7) { printf "t%d IN TXT \"v=spf1 ip4:10.%d.%d.0/24 -all\" \"id=%d\"\n", i, int(i / 256) % 256, i % 256, i; c++ }
    else if (k == 8) { printf "c%d IN CNAME a%d.big.test.\n", i, i - 8; c++ }
    else if (c + 4 <= n) {
      printf "d%d IN NS ns1.d%d.big.test.\nd%d IN NS ns2.d%d.big.test.\n", i, i, i, i
      printf "ns1.d%d IN A 192.0.%d.%d\nns2.d%d IN A 192.0.%d.%d\n", i, int(i / 256) % 256, i % 256, i, int(i / 256) % 256, (i + 1) % 256
      c += 4
    }
  }
}' > "$out"
echo "$out: $(grep -vc '^\$\|^@ IN SOA' "$out" | awk '{ print $1 + 1 }') records, $(du -h "$out" | cut -f1)"
