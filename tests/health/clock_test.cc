// Tests for health/clock.h: the real clock's waits and a FakeClock that
// moves only when told.
#include "health/clock.h"

#include <gtest/gtest.h>

#include <chrono>

namespace health {
namespace {

using namespace std::chrono_literals;

TEST(ClockTest, RealClockBlocksUntilTheDeadlineRoundedUp) {
  Clock& clock = RealClock();
  EXPECT_EQ(clock.BlockFor(clock.Now() - 1s), 0ms);
  // 100.5 ms ahead: 101 ms unless this thread was held up on the way.
  const std::optional<std::chrono::milliseconds> wait = clock.BlockFor(clock.Now() + 100500us);
  ASSERT_TRUE(wait.has_value());
  EXPECT_GE(*wait, 50ms);
  EXPECT_LE(*wait, 101ms);
  EXPECT_EQ(clock.Subscribe([] {}), 0u) << "never jumps, keeps nothing";
}

TEST(ClockTest, FakeClockMovesOnlyByAdvance) {
  FakeClock clock;
  const SteadyTime t0 = clock.Now();
  const WallTime w0 = clock.WallNow();
  EXPECT_GT(w0.time_since_epoch().count(), 0);
  EXPECT_EQ(clock.Now(), t0);
  clock.Advance(1500ms);
  EXPECT_EQ(clock.Now() - t0, 1500ms);
  EXPECT_EQ(clock.WallNow() - w0, 1500ms);
  clock.Advance(-1s);
  EXPECT_EQ(clock.Now() - t0, 1500ms) << "never backwards";
}

TEST(ClockTest, FakeClockWaitsUntilWokenAndCallsSubscribers) {
  FakeClock clock;
  EXPECT_EQ(clock.BlockFor(clock.Now()), 0ms);
  EXPECT_EQ(clock.BlockFor(clock.Now() + 1ms), std::nullopt);
  int a = 0, b = 0;
  const uint64_t ha = clock.Subscribe([&] { ++a; });
  const uint64_t hb = clock.Subscribe([&] { ++b; });
  EXPECT_NE(ha, hb);
  clock.Advance(1s);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
  clock.Unsubscribe(ha);
  clock.Advance(1s);
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
}

}  // namespace
}  // namespace health
