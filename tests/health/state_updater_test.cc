// Tests for health/state_updater.h: Route 53's anti-flap state machine,
// fed results by hand (no clock, no I/O).
#include "health/state_updater.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace health {
namespace {

// Observes `results` in order; returns which of them flipped the state.
std::vector<bool> Feed(StateUpdater& s, std::initializer_list<bool> results) {
  std::vector<bool> flips;
  for (bool ok : results) flips.push_back(s.Observe(ok));
  return flips;
}

TEST(StateUpdaterTest, NewCheckIsHealthyWithoutAResult) {
  const StateUpdater s(3, false);
  EXPECT_TRUE(s.healthy());
  EXPECT_FALSE(s.has_result());
  EXPECT_EQ(s.checks(), 0u);
  EXPECT_EQ(s.consecutive(), 0);
}

TEST(StateUpdaterTest, FirstResultSetsTheStateWhateverTheThreshold) {
  StateUpdater s(3, false);
  EXPECT_TRUE(s.Observe(false));
  EXPECT_FALSE(s.healthy());
  EXPECT_EQ(s.FlipReason(), "first result");
  EXPECT_TRUE(s.has_result());
  EXPECT_FALSE(s.last_ok());
  EXPECT_EQ(s.consecutive(), 1);

  StateUpdater up(3, false);
  EXPECT_FALSE(up.Observe(true)) << "already healthy: no flip";
  EXPECT_TRUE(up.healthy());
}

TEST(StateUpdaterTest, FlipsAfterThresholdResultsInARowBothWays) {
  StateUpdater s(2, false);
  ASSERT_FALSE(s.Observe(true));
  EXPECT_EQ(Feed(s, {false, true, false}), (std::vector<bool>{false, false, false}))
      << "a success between two failures restarts the count";
  EXPECT_TRUE(s.healthy());
  EXPECT_TRUE(s.Observe(false));  // second failure in a row
  EXPECT_FALSE(s.healthy());
  EXPECT_EQ(s.FlipReason(), "2 consecutive failures");
  EXPECT_EQ(Feed(s, {false, true}), (std::vector<bool>{false, false}));
  EXPECT_TRUE(s.Observe(true));
  EXPECT_TRUE(s.healthy());
  EXPECT_EQ(s.FlipReason(), "2 consecutive successes");
  EXPECT_EQ(s.consecutive(), 2);
  EXPECT_EQ(s.checks(), 8u);
  EXPECT_EQ(s.failures(), 4u);
}

TEST(StateUpdaterTest, ThresholdOneFlipsOnEveryDisagreement) {
  StateUpdater s(1, false);
  EXPECT_EQ(Feed(s, {true, false, false, true}), (std::vector<bool>{false, true, false, true}));
  EXPECT_EQ(s.FlipReason(), "1 consecutive successes");
}

TEST(StateUpdaterTest, InvertedFlipsEveryResult) {
  StateUpdater s(2, true);
  EXPECT_FALSE(s.healthy()) << "an inverted check starts unhealthy";
  EXPECT_TRUE(s.Observe(false));  // endpoint down -> healthy
  EXPECT_TRUE(s.healthy());
  EXPECT_FALSE(s.last_ok());
  EXPECT_EQ(s.FlipReason(), "first result, inverted");
  EXPECT_FALSE(s.Observe(true));
  EXPECT_TRUE(s.Observe(true));
  EXPECT_FALSE(s.healthy());
  EXPECT_EQ(s.FlipReason(), "2 consecutive successes, inverted");
}

TEST(StateUpdaterTest, DisabledHasAPassedResultAndNoChecks) {
  const StateUpdater d = StateUpdater::Disabled(false);
  EXPECT_TRUE(d.healthy());
  EXPECT_TRUE(d.has_result());
  EXPECT_TRUE(d.last_ok());
  EXPECT_EQ(d.checks(), 0u);
  EXPECT_EQ(d.consecutive(), 0);
  EXPECT_FALSE(StateUpdater::Disabled(true).healthy()) << "Route 53: disabled + inverted";
}

}  // namespace
}  // namespace health
