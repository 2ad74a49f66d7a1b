// answer_loop: one benchmark case (bench_fixture.h) answered N times in a
// loop, for bench/callgrind.sh. Collection is switched on only around the
// loop (CALLGRIND_TOGGLE_COLLECT; run valgrind with --collect-atstart=no),
// so callgrind's total divided by N is the instructions per query of
// HandleQuery: parse + lookup + answer + encode, nothing else.
//
//   answer_loop --list
//   answer_loop CASE [N]        (N default 10000; "peers/mixed" cycles
//                                 through 4096 queries of the mixed mix)
#include <valgrind/callgrind.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "bench/bench_fixture.h"
#include "dns/answer/answer.h"

namespace {

volatile size_t sink;

__attribute__((noinline)) void Loop(const dns::Snapshot& snap,
                                    const std::vector<std::vector<uint8_t>>& qs,
                                    const dns::Request& req, long n) {
  uint8_t out[4096];
  dns::Outcome outcome;
  size_t total = 0;
  const size_t m = qs.size();
  CALLGRIND_TOGGLE_COLLECT;
  for (long i = 0; i < n; ++i) {
    const std::vector<uint8_t>& q = qs[static_cast<size_t>(i) % m];
    total += dns::HandleQuery(snap, q.data(), q.size(), req, out, sizeof out, &outcome);
  }
  CALLGRIND_TOGGLE_COLLECT;
  sink = total + out[0];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--list") == 0) {
    for (const bench::Case& c : bench::Cases()) std::printf("%s\n", c.name);
    std::printf("peers/mixed\n");
    return 0;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: answer_loop --list | CASE [N]\n");
    return 2;
  }
  const long n = argc >= 3 ? std::atol(argv[2]) : 10000;
  dns::Request req;
  req.source.bytes[0] = 127, req.source.bytes[3] = 1;
  std::vector<std::vector<uint8_t>> qs;
  const dns::Snapshot* snap;
  if (std::strcmp(argv[1], "peers/mixed") == 0) {
    snap = &bench::PeersSnapshot();
    qs = bench::PeersMixedQueries(4096);
  } else {
    const bench::Case* c = bench::FindCase(argv[1]);
    if (c == nullptr) {
      std::fprintf(stderr, "unknown case %s (see --list)\n", argv[1]);
      return 2;
    }
    snap = c->snapshot;
    req.source = c->source;
    qs.push_back(c->query);
  }
  // Warm the caches and any lazy state outside the measured loop.
  Loop(*snap, qs, req, 0);
  uint8_t out[4096];
  dns::Outcome oc;
  for (const auto& q : qs) dns::HandleQuery(*snap, q.data(), q.size(), req, out, sizeof out, &oc);
  Loop(*snap, qs, req, n);
  std::printf("%s: %ld queries, last rcode %u, reply %zu octets\n", argv[1], n,
              static_cast<unsigned>(oc.rcode),
              dns::HandleQuery(*snap, qs[0].data(), qs[0].size(), req, out, sizeof out, &oc));
  return 0;
}
