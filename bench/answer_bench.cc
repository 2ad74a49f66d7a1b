// In-process cost of one query, packet → packet: ParseQuery, zone lookup,
// answer, encode (no sockets). Run:
//   build/bench/answer_bench --benchmark_min_time=1
//
// BM_Answer/<set>/<case>: one query repeated (see bench_fixture.h for the
// cases). "example" is examples/example.com.zone + route53 JSON + latency
// CSV; "peers" is the zone of ../shared/peers with www latency-routed as in
// bench/peers/steerdns.sh. BM_PeersMixed cycles through 4096 queries of the
// peers' `mixed` proportions (68% A, 1% CNAME, 1% wildcard, 10% AAAA, 10%
// NXDOMAIN, 10% routed www). Instructions per query: bench/callgrind.sh.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "bench/bench_fixture.h"
#include "dns/answer/answer.h"

namespace {

void RunCase(benchmark::State& state, const bench::Case* c) {
  const dns::Snapshot& snap = *c->snapshot;
  const std::vector<uint8_t>& q = c->query;
  uint8_t out[4096];
  dns::Request req;
  req.source = c->source;
  dns::Outcome outcome;
  for (auto _ : state) {
    size_t n = dns::HandleQuery(snap, q.data(), q.size(), req, out, sizeof out, &outcome);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out[0]);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PeersMixed(benchmark::State& state) {
  const dns::Snapshot& snap = bench::PeersSnapshot();
  const std::vector<std::vector<uint8_t>> qs = bench::PeersMixedQueries(4096);
  uint8_t out[4096];
  dns::Request req;
  req.source.bytes[0] = 127, req.source.bytes[3] = 1;
  dns::Outcome outcome;
  size_t i = 0;
  for (auto _ : state) {
    const std::vector<uint8_t>& q = qs[i];
    i = (i + 1) & 4095;
    size_t n = dns::HandleQuery(snap, q.data(), q.size(), req, out, sizeof out, &outcome);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out[0]);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PeersMixed);

const bool registered = [] {
  for (const bench::Case& c : bench::Cases())
    benchmark::RegisterBenchmark((std::string("BM_Answer/") + c.name).c_str(), RunCase, &c);
  return true;
}();

}  // namespace
