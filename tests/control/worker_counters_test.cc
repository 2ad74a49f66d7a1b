// Per-worker counters the control side reads: drain expiry (max across
// workers), the routed-answer table, and RecordOutcome.
#include "dns/server/counters.h"

#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace dns::server {
namespace {

TEST(RegionExpiryTest, MaxAcrossWorkers) {
  RegionExpiry a, b, c;
  a.Note(3, 1000);
  a.Note(3, 900);  // never lowers
  b.Note(3, 1500);
  c.Note(7, 1200);
  b.Note(geo::kNoRegion, 5000);                 // ignored
  b.Note(RegionExpiry::kCapacity, 5000);        // ignored
  std::vector<uint32_t> out;
  const RegionExpiry* all[] = {&a, &b, &c};
  MergeExpiry(all, &out);
  ASSERT_EQ(out.size(), RegionExpiry::kCapacity);
  EXPECT_EQ(out[3], 1500u);
  EXPECT_EQ(out[7], 1200u);
  EXPECT_EQ(out[0], 0u);
  EXPECT_EQ(a.Get(3), 1000u);
}

TEST(RegionExpiryTest, ConcurrentWritersAndReader) {
  // Each worker writes only its own array; a reader merges meanwhile.
  constexpr int kWorkers = 4;
  std::vector<std::unique_ptr<RegionExpiry>> w;
  for (int i = 0; i < kWorkers; ++i) w.push_back(std::make_unique<RegionExpiry>());
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      for (uint32_t t = 1; t <= 20000; ++t) w[i]->Note(t % 8, t * kWorkers + i);
    });
  }
  std::vector<const RegionExpiry*> all;
  for (auto& x : w) all.push_back(x.get());
  std::vector<uint32_t> out;
  for (int k = 0; k < 50; ++k) MergeExpiry(all, &out);  // must not tear or crash
  for (auto& t : threads) t.join();
  MergeExpiry(all, &out);
  for (uint32_t r = 0; r < 8; ++r) {
    uint32_t want = 0;
    for (uint32_t t = 1; t <= 20000; ++t)
      if (t % 8 == r) want = t * kWorkers + (kWorkers - 1);
    EXPECT_EQ(out[r], want) << r;
  }
}

TEST(RoutedCountersTest, CountsByKeyAndOverflowsWithoutGrowing) {
  RoutedCounters c;
  c.Bump(1, 2, RouteReason::kNearest);
  c.Bump(1, 2, RouteReason::kNearest);
  c.Bump(1, 2, RouteReason::kFailOpen);
  c.Bump(0xFFFFFFFFu, geo::kNoRegion, RouteReason::kWeighted);
  std::map<std::tuple<uint32_t, uint32_t, int>, uint64_t> seen;
  c.ForEach([&](uint32_t n, uint32_t r, RouteReason why, uint64_t count) {
    seen[{n, r, static_cast<int>(why)}] = count;
  });
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ((seen[{1, 2, static_cast<int>(RouteReason::kNearest)}]), 2u);
  EXPECT_EQ((seen[{1, 2, static_cast<int>(RouteReason::kFailOpen)}]), 1u);
  EXPECT_EQ((seen[{0xFFFFFFFFu, geo::kNoRegion, static_cast<int>(RouteReason::kWeighted)}]), 1u);
  for (uint32_t i = 0; i < RoutedCounters::kCapacity; ++i) c.Bump(100 + i, 1, RouteReason::kNearest);
  size_t keys = 0;
  c.ForEach([&](uint32_t, uint32_t, RouteReason, uint64_t) { ++keys; });
  EXPECT_EQ(keys, RoutedCounters::kMaxUsed);
  EXPECT_EQ(c.overflow(), RoutedCounters::kCapacity + 3 - RoutedCounters::kMaxUsed);
}

TEST(RecordOutcomeTest, FillsQtypeRcodeEcsRoutedAndExpiry) {
  auto c = std::make_unique<WorkerCounters>();
  Outcome oc;
  oc.qtype = 1;
  oc.rcode = Rcode::kNoError;
  oc.has_ecs = true;
  oc.routed_count = 2;
  oc.routed[0] = RoutedAnswer{4, 9, 60, RouteReason::kNearest};
  oc.routed[1] = RoutedAnswer{4, 10, 300, RouteReason::kMultiValue};
  RecordOutcome(*c, oc, 100, 1000);
  EXPECT_EQ(Load(c->by_qtype_rcode[QtypeSlot(1)][0]), 1u);
  EXPECT_EQ(Load(c->ecs_present), 1u);
  EXPECT_EQ(c->expiry.Get(9), 1060u);
  EXPECT_EQ(c->expiry.Get(10), 1300u);
  // No reply: only the malformed-drop counter moves.
  Outcome bad;
  bad.malformed = true;
  RecordOutcome(*c, bad, 0, 1000);
  EXPECT_EQ(Load(c->dropped_malformed), 1u);
  EXPECT_EQ(Load(c->ecs_absent), 0u);
}

TEST(QtypeSlotTest, NamesMatchSlots) {
  const std::pair<uint16_t, const char*> cases[] = {
      {1, "A"},     {2, "NS"},    {5, "CNAME"}, {6, "SOA"},    {12, "PTR"},  {15, "MX"},
      {16, "TXT"},  {28, "AAAA"}, {33, "SRV"},  {35, "NAPTR"}, {43, "DS"},   {48, "DNSKEY"},
      {64, "SVCB"}, {65, "HTTPS"}, {99, "SPF"}, {251, "IXFR"}, {252, "AXFR"}, {255, "ANY"},
      {257, "CAA"}, {0, "OTHER"}, {4711, "OTHER"}};
  std::set<size_t> slots;
  for (const auto& [type, name] : cases) {
    EXPECT_STREQ(QtypeSlotName(QtypeSlot(type)), name) << type;
    slots.insert(QtypeSlot(type));
  }
  EXPECT_EQ(slots.size(), kQtypeSlots);
  EXPECT_STREQ(RcodeSlotName(WorkerCounters::RcodeSlot(16)), "BADVERS");
  EXPECT_STREQ(RcodeSlotName(WorkerCounters::RcodeSlot(3)), "NXDOMAIN");
}

}  // namespace
}  // namespace dns::server
