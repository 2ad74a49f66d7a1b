// In-process cost of one query, packet → packet: ParseQuery, zone lookup,
// answer, encode (no sockets). Run:
//   build/bench/answer_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "dns/answer/answer.h"
#include "zones/master_file.h"

namespace {

const dns::Snapshot& BenchSnapshot() {
  static const dns::Snapshot* snap = [] {
    auto* s = new dns::Snapshot();
    const char* dir = std::getenv("STEER_SOURCE_DIR");
    const std::string root = dir != nullptr ? dir : STEER_SOURCE_DIR_DEFAULT;
    auto zone = zones::LoadMasterFile("example.com.", root + "/examples/example.com.zone");
    if (!zone.ok()) std::abort();
    s->zones.Put(*std::move(zone));
    return s;
  }();
  return *snap;
}

std::vector<uint8_t> Query(const std::string& qname, uint16_t qtype, bool edns) {
  std::vector<uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, edns ? 1 : 0};
  size_t start = 0;
  for (size_t i = 0; i <= qname.size(); ++i) {
    if (i == qname.size() || qname[i] == '.') {
      if (i > start) {
        q.push_back(static_cast<uint8_t>(i - start));
        q.insert(q.end(), qname.begin() + start, qname.begin() + i);
      }
      start = i + 1;
    }
  }
  q.push_back(0);
  q.push_back(static_cast<uint8_t>(qtype >> 8));
  q.push_back(static_cast<uint8_t>(qtype));
  q.push_back(0);
  q.push_back(1);
  if (edns) {
    const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
    q.insert(q.end(), std::begin(opt), std::end(opt));
  }
  return q;
}

void RunQuery(benchmark::State& state, const std::string& qname, uint16_t qtype, bool edns) {
  const dns::Snapshot& snap = BenchSnapshot();
  const std::vector<uint8_t> q = Query(qname, qtype, edns);
  uint8_t out[4096];
  dns::Request req;
  dns::Outcome outcome;
  for (auto _ : state) {
    size_t n = dns::HandleQuery(snap, q.data(), q.size(), req, out, sizeof out, &outcome);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out[0]);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PositiveA(benchmark::State& s) { RunQuery(s, "www.example.com", 1, false); }
void BM_PositiveAEdns(benchmark::State& s) { RunQuery(s, "www.example.com", 1, true); }
void BM_NxDomain(benchmark::State& s) { RunQuery(s, "nothere.example.com", 1, false); }
void BM_Referral(benchmark::State& s) { RunQuery(s, "host.sub.example.com", 1, false); }
void BM_Wildcard(benchmark::State& s) { RunQuery(s, "x.apps.example.com", 1, false); }
void BM_CnameChain(benchmark::State& s) { RunQuery(s, "web.example.com", 1, false); }
void BM_Refused(benchmark::State& s) { RunQuery(s, "www.example.org", 1, false); }

BENCHMARK(BM_PositiveA);
BENCHMARK(BM_PositiveAEdns);
BENCHMARK(BM_NxDomain);
BENCHMARK(BM_Referral);
BENCHMARK(BM_Wildcard);
BENCHMARK(BM_CnameChain);
BENCHMARK(BM_Refused);

}  // namespace
