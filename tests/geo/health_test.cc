// Tests for geo/health.h: slot assignment, state words, forced state.
#include "geo/health.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace geo {
namespace {

TEST(HealthTableTest, SlotsAreStableAndStartHealthy) {
  HealthTable h(8);
  const HealthSlot a = *h.SlotFor("hc-a");
  const HealthSlot b = *h.SlotFor("hc-b");
  EXPECT_NE(a, b);
  EXPECT_EQ(*h.SlotFor("hc-a"), a);  // a "reload" resolves the same id
  EXPECT_EQ(*h.Find("hc-b"), b);
  EXPECT_FALSE(h.Find("hc-c").has_value());
  EXPECT_EQ(h.Name(a), "hc-a");
  EXPECT_EQ(h.Name(kNoSlot), "");
  EXPECT_TRUE(h.healthy(a));
  EXPECT_EQ(h.word(a), 0u);
  EXPECT_FALSE(h.SlotFor("").ok());
}

TEST(HealthTableTest, StateSurvivesReResolution) {
  HealthTable h;
  const HealthSlot a = *h.SlotFor("hc-a");
  h.Set(a, false);
  EXPECT_FALSE(h.healthy(*h.SlotFor("hc-a")));
}

TEST(HealthTableTest, NoSlotAndOutOfRangeAreHealthy) {
  HealthTable h(2);
  EXPECT_TRUE(h.healthy(kNoSlot));
  EXPECT_TRUE(h.healthy(5));
  h.Set(kNoSlot, false);  // ignored
  h.Set(5, false);
  EXPECT_TRUE(h.healthy(kNoSlot));
  ASSERT_TRUE(h.SlotFor("x").ok());
  ASSERT_TRUE(h.SlotFor("y").ok());
  EXPECT_EQ(h.SlotFor("z").status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(HealthTableTest, SetKeepsProberBits) {
  HealthTable h;
  const HealthSlot s = *h.SlotFor("hc");
  h.Store(s, 0x123);  // e.g. hysteresis counters
  h.Set(s, false);
  EXPECT_FALSE(h.healthy(s));
  EXPECT_EQ(h.word(s) & HealthTable::kProberBits, 0x123u);
  h.Set(s, true);
  EXPECT_TRUE(h.healthy(s));
  EXPECT_EQ(h.word(s), 0x123u);
}

TEST(HealthTableTest, ForcedStateWinsOverProber) {
  HealthTable h;
  const HealthSlot s = *h.SlotFor("hc");
  h.Force(s, false);
  EXPECT_FALSE(h.healthy(s));
  EXPECT_FALSE(h.SetUnlessForced(s, true));
  EXPECT_FALSE(h.healthy(s));
  h.Unforce(s);
  EXPECT_FALSE(h.healthy(s));  // until the prober says otherwise
  EXPECT_TRUE(h.SetUnlessForced(s, true));
  EXPECT_TRUE(h.healthy(s));
  h.Force(s, true);
  EXPECT_TRUE(h.healthy(s));
  EXPECT_NE(h.word(s) & HealthTable::kForcedBit, 0u);
  const auto list = h.List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].first, "hc");
}

TEST(HealthTableTest, ConcurrentFlipsAndReads) {
  HealthTable h;
  const HealthSlot s = *h.SlotFor("hc");
  std::atomic<bool> reading{false};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!reading.load()) std::this_thread::yield();  // overlap the two
    for (int i = 0; i < 100000; ++i) h.Set(s, i % 2 == 0);
    stop.store(true);
  });
  uint64_t bad = 0;
  reading.store(true);
  do {
    const uint32_t w = h.word(s);
    if ((w & ~HealthTable::kDownBit) != 0u) ++bad;  // a torn or stray value
  } while (!stop.load());
  writer.join();
  EXPECT_EQ(bad, 0u);
  EXPECT_FALSE(h.healthy(s));  // last write: i = 99999 -> unhealthy
}

}  // namespace
}  // namespace geo
