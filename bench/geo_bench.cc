// geo/ hot paths on an Internet-sized latency table: longest-prefix match
// (IPv4 and IPv6), LatencyTable::Rank, and the routing policies.
//
// The table is random but shaped like a BGP table (fixed seed): 1,000,000
// IPv4 prefixes of /8../24 (mostly /24, /22, /23) and 200,000 IPv6 prefixes
// of /19../48 (mostly /48, /32, /44) under a few hundred /16s, each network
// ranking 3 of 16 regions. It is built once per process; build time and
// memory are printed to stderr and reported as counters.
//
//   build/bench/geo_bench --benchmark_min_time=1
//
// *Random benchmarks probe addresses inside random prefixes (every lookup
// likely misses the caches: the worst case); *Hot ones cycle through 4096
// addresses (a resolver population that stays cached); *Chained ones make
// each lookup's address depend on the previous result, so they measure
// latency rather than throughput.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "geo/latency_table.h"
#include "geo/policy.h"
#include "geo/prefix_table.h"

namespace {

constexpr size_t kV4Prefixes = 1000000;
constexpr size_t kV6Prefixes = 200000;
constexpr int kRegions = 16;
constexpr int kRegionsPerNetwork = 3;
constexpr size_t kProbes = size_t{1} << 20;  // random addresses per family
constexpr size_t kHot = 4096;

// Peak resident set size so far, MiB.
double PeakRssMiB() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

// Picks a length from (length, weight) pairs.
int PickLength(std::mt19937_64& rng,
               const std::vector<std::pair<int, int>>& dist, int total) {
  int r = static_cast<int>(rng() % total);
  for (const auto& [len, w] : dist) {
    if (r < w) return len;
    r -= w;
  }
  return dist.back().first;
}

struct Fixture {
  std::vector<geo::Prefix> v4, v6;
  geo::PrefixTable lpm;
  std::shared_ptr<const geo::LatencyTable> table;
  std::vector<geo::Address> v4_probes, v6_probes;
  double lpm_build_s = 0, csv_build_s = 0;
  size_t csv_bytes = 0;
  double csv_peak_growth_mib = 0;  // peak RSS growth during the CSV load
};

Fixture* MakeFixture() {
  auto* f = new Fixture();
  std::mt19937_64 rng(20250601);

  // IPv4: BGP-like length mix (per mille), unicast space 1/8..223/8.
  const std::vector<std::pair<int, int>> v4_dist = {
      {24, 600}, {23, 90}, {22, 120}, {21, 50}, {20, 50}, {19, 30},
      {18, 15},  {17, 10}, {16, 25},  {15, 3},  {14, 2},  {13, 1},
      {12, 1},   {11, 1},  {10, 1},   {9, 1},   {8, 1}};
  absl::flat_hash_set<geo::Prefix> seen;
  while (f->v4.size() < kV4Prefixes) {
    const int len = PickLength(rng, v4_dist, 1001);
    const uint32_t a = static_cast<uint32_t>(
        (1 + rng() % 223) << 24 | (rng() & 0xFFFFFF));
    const geo::Prefix p = geo::Prefix::Make(geo::Address::FromV4(a), len);
    if (seen.insert(p).second) f->v4.push_back(p);
  }
  // IPv6: /19../48 under 400 allocated /16s in 2000::/3.
  const std::vector<std::pair<int, int>> v6_dist = {
      {48, 500}, {32, 150}, {44, 80}, {40, 60}, {36, 40}, {29, 50},
      {47, 20},  {46, 20},  {45, 10}, {42, 10}, {38, 10}, {33, 10},
      {30, 10},  {28, 10},  {24, 10}, {20, 5},  {19, 5}};
  std::vector<uint64_t> blocks;
  for (int i = 0; i < 400; ++i) blocks.push_back(0x2000 + rng() % 0x2000);
  while (f->v6.size() < kV6Prefixes) {
    const int len = PickLength(rng, v6_dist, 1000);
    const uint64_t hi = blocks[rng() % blocks.size()] << 48 | (rng() >> 16);
    const geo::Prefix p =
        geo::Prefix::Make(geo::Address::FromWords(hi, rng()), len);
    if (seen.insert(p).second) f->v6.push_back(p);
  }

  // The bare LPM structure, values = 4096 "rankings".
  auto t0 = std::chrono::steady_clock::now();
  geo::PrefixTable::Builder b;
  for (const auto* list : {&f->v4, &f->v6}) {
    for (const geo::Prefix& p : *list) {
      if (!b.Add(p, static_cast<uint32_t>(rng() % 4096)).ok()) std::abort();
    }
  }
  auto built = std::move(b).Build();
  if (!built.ok()) std::abort();
  f->lpm = *std::move(built);
  f->lpm_build_s = Seconds(t0);

  // The real thing: CSV text -> LatencyTable.
  std::string csv = "network,region,rtt_ms\n";
  csv.reserve((f->v4.size() + f->v6.size()) * kRegionsPerNetwork * 32);
  for (const auto* list : {&f->v4, &f->v6}) {
    for (const geo::Prefix& p : *list) {
      const std::string net = p.ToString();
      int picked[kRegionsPerNetwork];
      for (int k = 0; k < kRegionsPerNetwork; ++k) {
        bool again;
        do {
          picked[k] = static_cast<int>(rng() % kRegions);
          again = false;
          for (int j = 0; j < k; ++j) again |= picked[j] == picked[k];
        } while (again);
        absl::StrAppend(&csv, net, ",region-", picked[k], ",",
                        1 + rng() % 300, ".", rng() % 10, "\n");
      }
    }
  }
  f->csv_bytes = csv.size();
  const double peak_before = PeakRssMiB();
  t0 = std::chrono::steady_clock::now();
  auto table = geo::LatencyTable::ParseCsv(csv, "bench.csv");
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", std::string(table.status().message()).c_str());
    std::abort();
  }
  f->table = *table;
  f->csv_build_s = Seconds(t0);
  f->csv_peak_growth_mib = PeakRssMiB() - peak_before;

  // Probe addresses: inside random prefixes, random host bits.
  for (size_t i = 0; i < kProbes; ++i) {
    const geo::Prefix& p4 = f->v4[rng() % f->v4.size()];
    f->v4_probes.push_back(geo::Address::FromV4(
        p4.address().v4() | (static_cast<uint32_t>(rng()) & ~geo::MaskV4(p4.length()))));
    const geo::Prefix& p6 = f->v6[rng() % f->v6.size()];
    const int len = p6.length();
    const uint64_t hi = p6.address().hi() | (rng() & ~geo::Mask64(len));
    f->v6_probes.push_back(geo::Address::FromWords(hi, rng()));
  }

  const geo::PrefixTable::Stats& s = f->lpm.stats();
  const geo::LatencyTable::Memory m = f->table->memory();
  std::fprintf(stderr,
               "geo_bench: %zu IPv4 + %zu IPv6 prefixes\n"
               "  PrefixTable build: %.3f s; %.1f MiB (v4 nodes %.1f MiB, v6 "
               "nodes %.1f MiB; %zu chunks, %zu wide, %zu skips); worst reads "
               "v4 %d, v6 %d\n"
               "  LatencyTable from CSV (%.1f MiB, %zu rows, %zu rankings): "
               "%.3f s; memory %.1f MiB = LPM %.1f + rankings %.2f + explain "
               "%.1f; peak RSS grew %.0f MiB while loading\n",
               s.v4_prefixes, s.v6_prefixes, f->lpm_build_s,
               s.bytes / 1048576.0, s.v4_nodes_bytes / 1048576.0,
               s.v6_nodes_bytes / 1048576.0, s.chunks, s.wide_chunks, s.skips,
               s.v4_max_reads, s.v6_max_reads, f->csv_bytes / 1048576.0,
               (f->v4.size() + f->v6.size()) * kRegionsPerNetwork,
               f->table->ranking_count(), f->csv_build_s,
               m.total() / 1048576.0, m.prefix_table / 1048576.0,
               m.rankings / 1048576.0, m.explain / 1048576.0,
               f->csv_peak_growth_mib);
  return f;
}

const Fixture& Get() {
  static const Fixture* f = MakeFixture();
  return *f;
}

void Counters(benchmark::State& state) {
  const Fixture& f = Get();
  state.counters["lpm_MiB"] = f.lpm.MemoryBytes() / 1048576.0;
  state.counters["lpm_build_s"] = f.lpm_build_s;
}

// Runs `probe` on probes[0], probes[1], ... probes[count - 1] in turn
// (`count` a power of two).
template <typename Probe>
void ProbeEach(benchmark::State& state, const std::vector<geo::Address>& probes,
               size_t count, Probe probe) {
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(probe(probes[i++ & (count - 1)]));
  }
}

// Looks up probes[i], where i depends on the previous result.
void LookupChained(benchmark::State& state, const std::vector<geo::Address>& probes) {
  const geo::PrefixTable& lpm = Get().lpm;
  size_t i = 0;
  for (auto _ : state) {
    const geo::PrefixTable::Result r = lpm.Lookup(probes[i]);
    i = (i + 1 + r.value + r.scope) & (kProbes - 1);  // depends on the result
  }
  benchmark::DoNotOptimize(i);
}

void BM_LookupV4Random(benchmark::State& state) {
  const Fixture& f = Get();
  ProbeEach(state, f.v4_probes, kProbes, [&f](const geo::Address& a) { return f.lpm.Lookup(a); });
  Counters(state);
}
BENCHMARK(BM_LookupV4Random);

void BM_LookupV4Hot(benchmark::State& state) {
  const Fixture& f = Get();
  ProbeEach(state, f.v4_probes, kHot, [&f](const geo::Address& a) { return f.lpm.Lookup(a); });
}
BENCHMARK(BM_LookupV4Hot);

void BM_LookupV4Chained(benchmark::State& state) { LookupChained(state, Get().v4_probes); }
BENCHMARK(BM_LookupV4Chained);

void BM_LookupV6Random(benchmark::State& state) {
  const Fixture& f = Get();
  ProbeEach(state, f.v6_probes, kProbes, [&f](const geo::Address& a) { return f.lpm.Lookup(a); });
  Counters(state);
}
BENCHMARK(BM_LookupV6Random);

void BM_LookupV6Hot(benchmark::State& state) {
  const Fixture& f = Get();
  ProbeEach(state, f.v6_probes, kHot, [&f](const geo::Address& a) { return f.lpm.Lookup(a); });
}
BENCHMARK(BM_LookupV6Hot);

void BM_LookupV6Chained(benchmark::State& state) { LookupChained(state, Get().v6_probes); }
BENCHMARK(BM_LookupV6Chained);

void BM_RankV4Random(benchmark::State& state) {
  const Fixture& f = Get();
  ProbeEach(state, f.v4_probes, kProbes, [&f](const geo::Address& a) { return f.table->Rank(a); });
}
BENCHMARK(BM_RankV4Random);

void BM_RankV6Random(benchmark::State& state) {
  const Fixture& f = Get();
  ProbeEach(state, f.v6_probes, kProbes, [&f](const geo::Address& a) { return f.table->Rank(a); });
}
BENCHMARK(BM_RankV6Random);

// Policies: 8 members (one per region), a hot ranking, health and admin
// state in their atomics.
struct PolicyFixture {
  geo::AdminStates admin;
  geo::HealthTable health;
  std::vector<geo::Candidate> members;
  const geo::Ranking* ranking = nullptr;
  PolicyFixture() {
    const Fixture& f = Get();
    ranking = f.table->Rank(f.v4_probes[0]).ranking;
    for (int r = 0; r < 8; ++r) {
      const std::string name = absl::StrCat("region-", r);
      geo::Candidate c;
      c.region = *admin.IdFor(name);
      c.table_region = f.table->FindRegion(name).value_or(geo::kNoRegion);
      c.weight = 10 * (r + 1);
      c.role = r == 0 ? geo::FailoverRole::kPrimary : geo::FailoverRole::kSecondary;
      c.health_slot = *health.SlotFor(name);
      members.push_back(c);
    }
    // The client's best region is unhealthy: one skip per pick.
    if (ranking != nullptr) {
      for (geo::Candidate& c : members) {
        if (c.table_region == (*ranking)[0]) health.Set(c.health_slot, false);
      }
    }
  }
};

PolicyFixture& Policies() {
  static PolicyFixture* p = new PolicyFixture();
  return *p;
}

// Runs `pick(members, states)` over the policy fixture.
template <typename Pick>
void PickEach(benchmark::State& state, Pick pick) {
  PolicyFixture& p = Policies();
  const geo::MemberStates st{&p.health, &p.admin, nullptr};
  for (auto _ : state) {
    benchmark::DoNotOptimize(pick(p, st));
  }
}

void BM_PickLatency(benchmark::State& state) {
  PickEach(state, [](const PolicyFixture& p, const geo::MemberStates& st) {
    return geo::PickLatency(p.members, p.ranking, st);
  });
}
BENCHMARK(BM_PickLatency);

void BM_PickWeighted(benchmark::State& state) {
  geo::Rng rng(1);
  PickEach(state, [&rng](const PolicyFixture& p, const geo::MemberStates& st) {
    return geo::PickWeighted(p.members, st, rng);
  });
}
BENCHMARK(BM_PickWeighted);

void BM_PickFailover(benchmark::State& state) {
  PickEach(state, [](const PolicyFixture& p, const geo::MemberStates& st) {
    return geo::PickFailover(p.members, st);
  });
}
BENCHMARK(BM_PickFailover);

void BM_PickMultivalue(benchmark::State& state) {
  geo::Rng rng(2);
  PickEach(state, [&rng](const PolicyFixture& p, const geo::MemberStates& st) {
    return geo::PickMultivalue(p.members, st, rng);
  });
}
BENCHMARK(BM_PickMultivalue);

}  // namespace
