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

#include <array>
#include <cstdint>
#include <vector>

#include "bench/bench_fixture.h"
#include "dns/answer/answer.h"
#include "dns/server/counters.h"
#include "dns/server/snapshot_cell.h"

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

// BM_PeersMixed with the caches as a loaded server sees them: after every
// batch of 32 queries, 2 MiB of unrelated memory is written (standing in
// for the ~1.6 us of kernel code and data per query between two batches
// in a recvmmsg loop), so the zone's index slots, nodes and RRsets are
// mostly out of L1/L2 again. Reported per query; the eviction's own cost
// is measured alone in BM_EvictOnly and must be subtracted.
constexpr size_t kEvictBytes = 2 << 20;
void Evict(std::vector<uint8_t>& junk, uint8_t round) {
  for (size_t k = 0; k < junk.size(); k += 64) junk[k] = round;
  benchmark::ClobberMemory();
}

// Batches of 32 `mixed` queries with the caches cold (kEvictBytes written
// between batches, as the kernel's work does under load). With `prefetch`
// the batch's lookups are warmed first, as UdpWorker does
// (PrefetchQuestion / PrefetchNode / PrefetchNodeData over the 32, then
// HandleQuery over the 32).
void PeersMixedEvicted(benchmark::State& state, bool prefetch) {
  const dns::Snapshot& snap = bench::PeersSnapshot();
  const std::vector<std::vector<uint8_t>> qs = bench::PeersMixedQueries(4096);
  std::vector<uint8_t> junk(kEvictBytes);
  uint8_t out[4096];
  dns::Request req;
  req.source.bytes[0] = 127, req.source.bytes[3] = 1;
  dns::Outcome outcome;
  std::array<dns::LookupPrefetch, 32> warm;
  size_t i = 0;
  uint8_t round = 0;
  for (auto _ : state) {
    Evict(junk, ++round);
    if (prefetch) {
      for (int j = 0; j < 32; ++j) {
        const std::vector<uint8_t>& q = qs[(i + j) & 4095];
        dns::PrefetchQuestion(snap, q.data(), q.size(), &warm[j]);
      }
      for (auto& w : warm) dns::PrefetchNode(&w);
      for (const auto& w : warm) dns::PrefetchNodeData(w);
    }
    for (int j = 0; j < 32; ++j) {
      const std::vector<uint8_t>& q = qs[i];
      i = (i + 1) & 4095;
      size_t n = dns::HandleQuery(snap, q.data(), q.size(), req, out, sizeof out, &outcome);
      benchmark::DoNotOptimize(n);
    }
  }
  state.SetItemsProcessed(state.iterations() * 32);
}
void BM_PeersMixedEvicted(benchmark::State& state) { PeersMixedEvicted(state, false); }
BENCHMARK(BM_PeersMixedEvicted);
void BM_PeersMixedEvictedPrefetched(benchmark::State& state) { PeersMixedEvicted(state, true); }
BENCHMARK(BM_PeersMixedEvictedPrefetched);

void BM_EvictOnly(benchmark::State& state) {
  std::vector<uint8_t> junk(kEvictBytes);
  uint8_t round = 0;
  for (auto _ : state) Evict(junk, ++round);
  state.SetItemsProcessed(state.iterations() * 32);
}
BENCHMARK(BM_EvictOnly);

// The user-space part of a UDP worker without the syscalls, on 1 and 2
// threads: per batch of 32 (as UdpWorker::ServeBatch) the QSBR epoch store,
// then per query HandleQuery + the worker's counters (RecordOutcome and
// the basic bumps). Each thread has its own counters, buffers and QSBR
// slot, as a worker does; the snapshot is shared read-only. items/s at
// 2 threads over 1 thread is how the engine scales when nothing else
// (kernel, load generator) competes for the cores: the "2 workers" target
// of bench/RESULTS.md, measured without the generator on the same cores.
void BM_WorkerLoop(benchmark::State& state) {
  static dns::server::QsbrEpochs epochs(8);
  const dns::Snapshot& snap = bench::PeersSnapshot();
  const std::vector<std::vector<uint8_t>> qs = bench::PeersMixedQueries(4096);
  auto counters = std::make_unique<dns::server::WorkerCounters>();
  std::vector<uint8_t> out(32 * 1232);
  dns::Request req;
  req.source.bytes[0] = 127, req.source.bytes[3] = 1;
  const int slot = state.thread_index();
  const uint32_t now_s = dns::server::CoarseNowSeconds();
  size_t i = static_cast<size_t>(slot) * 2048;
  for (auto _ : state) {
    epochs.Online(slot);
    for (int j = 0; j < 32; ++j) {
      const std::vector<uint8_t>& q = qs[i];
      i = (i + 1) & 4095;
      dns::Outcome outcome;
      dns::server::Bump(counters->queries);
      const size_t n = dns::HandleQuery(snap, q.data(), q.size(), req,
                                        out.data() + j * 1232, 1232, &outcome);
      dns::server::RecordOutcome(*counters, outcome, n, now_s);
      dns::server::Bump(counters->by_rcode[dns::server::WorkerCounters::RcodeSlot(
          static_cast<uint16_t>(outcome.rcode))]);
      benchmark::DoNotOptimize(n);
    }
    epochs.Offline(slot);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * 32);
}
BENCHMARK(BM_WorkerLoop)->Threads(1)->Threads(2)->UseRealTime();

const bool registered = [] {
  for (const bench::Case& c : bench::Cases())
    benchmark::RegisterBenchmark((std::string("BM_Answer/") + c.name).c_str(), RunCase, &c);
  return true;
}();

}  // namespace
