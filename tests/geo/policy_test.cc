// Tests for geo/policy.h: latency, weighted, failover and multivalue
// routing, fail-open, admin states, overrides, traces and the RNG.
#include "geo/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace geo {
namespace {

using ::testing::ElementsAre;

// A fixture with a latency table ranking eu < us < ap for 10/8 and
// ap < us (eu unranked) for 11/8, three regions and health checks.
class PolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = LatencyTable::ParseCsv(
        "network,region,rtt_ms\n"
        "10.0.0.0/8,eu-west-1,10\n"
        "10.0.0.0/8,us-east-1,50\n"
        "10.0.0.0/8,ap-south-1,90\n"
        "11.0.0.0/8,ap-south-1,10\n"
        "11.0.0.0/8,us-east-1,20\n",
        "t.csv");
    ASSERT_TRUE(t.ok()) << t.status();
    table_ = *t;
    for (const char* name : {"eu-west-1", "us-east-1", "ap-south-1", "sa-east-1"}) {
      regions_[name] = *admin_.IdFor(name);
      slots_[name] = *health_.SlotFor(std::string("hc-") + name);
    }
  }

  // A member in `region`, with that region's health check.
  Candidate Member(const std::string& region, uint32_t weight = 0,
                   FailoverRole role = FailoverRole::kNone) {
    Candidate c;
    c.region = regions_.at(region);
    c.table_region = table_->FindRegion(region).value_or(kNoRegion);
    c.weight = weight;
    c.role = role;
    c.health_slot = slots_.at(region);
    return c;
  }

  const Ranking* RankingFor(const char* addr) {
    return table_->Rank(*Address::Parse(addr)).ranking;
  }

  void SetHealthy(const std::string& region, bool healthy) {
    health_.Set(slots_.at(region), healthy);
  }
  void SetAdmin(const std::string& region, AdminState s) {
    admin_.Set(regions_.at(region), s);
  }

  MemberStates States() { return MemberStates{&health_, &admin_, nullptr}; }

  std::shared_ptr<const LatencyTable> table_;
  AdminStates admin_;
  HealthTable health_;
  std::map<std::string, RegionId> regions_;
  std::map<std::string, HealthSlot> slots_;
};

// ---- Latency ---------------------------------------------------------------

TEST_F(PolicyTest, LatencyPicksBestRankedEligibleRegion) {
  const std::vector<Candidate> c = {Member("us-east-1"), Member("ap-south-1"),
                                    Member("eu-west-1")};
  const Ranking* r10 = RankingFor("10.1.1.1");  // eu, us, ap
  Pick p = PickLatency(c, r10, States());
  EXPECT_EQ(p.index, 2u);
  EXPECT_FALSE(p.fail_open);

  SetHealthy("eu-west-1", false);
  EXPECT_EQ(PickLatency(c, r10, States()).index, 0u);  // us
  SetAdmin("us-east-1", AdminState::kDrain);
  EXPECT_EQ(PickLatency(c, r10, States()).index, 1u);  // ap
  SetAdmin("ap-south-1", AdminState::kDown);
  // Nothing eligible: fail-open to the best-ranked member.
  p = PickLatency(c, r10, States());
  EXPECT_EQ(p.index, 2u);
  EXPECT_TRUE(p.fail_open);
}

TEST_F(PolicyTest, LatencyUnrankedRegionsComeAfterRankedInCandidateOrder) {
  // 11/8 ranks ap, us; eu-west-1 and sa-east-1 are not ranked there.
  const std::vector<Candidate> c = {Member("sa-east-1"), Member("eu-west-1"),
                                    Member("us-east-1"), Member("ap-south-1")};
  const Ranking* r11 = RankingFor("11.1.1.1");
  EXPECT_EQ(PickLatency(c, r11, States()).index, 3u);  // ap
  SetHealthy("ap-south-1", false);
  EXPECT_EQ(PickLatency(c, r11, States()).index, 2u);  // us
  SetHealthy("us-east-1", false);
  EXPECT_EQ(PickLatency(c, r11, States()).index, 0u);  // sa: first unranked
  SetAdmin("sa-east-1", AdminState::kDrain);
  EXPECT_EQ(PickLatency(c, r11, States()).index, 1u);  // eu
  SetHealthy("eu-west-1", false);
  const Pick p = PickLatency(c, r11, States());
  EXPECT_EQ(p.index, 3u);  // fail-open: best ranked
  EXPECT_TRUE(p.fail_open);
}

TEST_F(PolicyTest, LatencyWithoutRankingUsesCandidateOrder) {
  const std::vector<Candidate> c = {Member("us-east-1"), Member("eu-west-1")};
  const Ranking* none = RankingFor("12.0.0.1");
  ASSERT_EQ(none, nullptr);
  EXPECT_EQ(PickLatency(c, none, States()).index, 0u);
  SetHealthy("us-east-1", false);
  EXPECT_EQ(PickLatency(c, none, States()).index, 1u);
}

TEST_F(PolicyTest, LatencyEmptyAndNullStates) {
  EXPECT_EQ(PickLatency({}, RankingFor("10.0.0.1"), States()).index, kNoPick);
  // No health table, no admin states: everything eligible.
  const std::vector<Candidate> c = {Member("us-east-1"), Member("eu-west-1")};
  SetHealthy("eu-west-1", false);
  const Pick p = PickLatency(c, RankingFor("10.0.0.1"), MemberStates{});
  EXPECT_EQ(p.index, 1u);
  EXPECT_FALSE(p.fail_open);
}

// The query path (no trace) walks the ranking and stops at the first
// eligible member; explain (with a trace) evaluates every member. They must
// always agree: every combination of member lists (duplicated regions,
// unranked and unknown regions), rankings and states, checked exhaustively
// over a deterministic pseudo-random sample.
TEST_F(PolicyTest, LatencyPickWithoutTraceAgreesWithTracedPick) {
  const std::vector<std::string> names = {"eu-west-1", "us-east-1", "ap-south-1", "sa-east-1"};
  const std::vector<const Ranking*> rankings = {RankingFor("10.0.0.1"), RankingFor("11.0.0.1"),
                                                RankingFor("12.0.0.1")};
  ASSERT_EQ(rankings[2], nullptr);
  Rng rng(20261129);
  int fail_opens = 0, passed_over = 0;
  for (int round = 0; round < 4000; ++round) {
    std::vector<Candidate> c;
    const size_t n = rng.Below(7);  // 0..6 members, regions may repeat
    for (size_t i = 0; i < n; ++i) {
      Candidate m = Member(names[rng.Below(names.size())]);
      if (rng.Below(8) == 0) m.table_region = kNoRegion;  // region not in the table
      c.push_back(m);
    }
    for (const std::string& r : names) {
      SetHealthy(r, rng.Below(3) != 0);
      SetAdmin(r, static_cast<AdminState>(rng.Below(3)));
    }
    const Ranking* ranking = rankings[rng.Below(rankings.size())];
    PickTrace trace;
    const Pick traced = PickLatency(c, ranking, States(), &trace);
    const Pick fast = PickLatency(c, ranking, States());
    ASSERT_EQ(fast.index, traced.index) << "round " << round;
    ASSERT_EQ(fast.fail_open, traced.fail_open) << "round " << round;
    ASSERT_EQ(fast.passed_over, traced.passed_over) << "round " << round;
    fail_opens += traced.fail_open;
    passed_over += traced.passed_over != SkipReason::kNone;
  }
  // The sample reaches the interesting cases.
  EXPECT_GT(fail_opens, 50);
  EXPECT_GT(passed_over, 500);
}

TEST_F(PolicyTest, LatencyTraceExplainsEveryCandidate) {
  const std::vector<Candidate> c = {Member("sa-east-1"), Member("us-east-1"),
                                    Member("eu-west-1"), Member("ap-south-1")};
  SetHealthy("eu-west-1", false);
  SetAdmin("ap-south-1", AdminState::kDown);
  PickTrace trace;
  const Pick p = PickLatency(c, RankingFor("10.0.0.1"), States(), &trace);
  EXPECT_EQ(p.index, 1u);  // us
  EXPECT_EQ(trace.policy, PolicyKind::kLatency);
  EXPECT_TRUE(trace.ranked);
  EXPECT_EQ(trace.ranking.size(), 3u);
  EXPECT_FALSE(trace.fail_open);
  EXPECT_THAT(trace.picked, ElementsAre(1u));
  ASSERT_EQ(trace.candidates.size(), 4u);
  // In ranking order: eu (0), us (1), ap (2), then unranked sa.
  const CandidateTrace& eu = trace.candidates[0];
  EXPECT_EQ(eu.region_name, "eu-west-1");
  EXPECT_EQ(eu.rank, 0);
  EXPECT_FALSE(eu.state.healthy);
  EXPECT_EQ(eu.skip, SkipReason::kUnhealthy);
  const CandidateTrace& us = trace.candidates[1];
  EXPECT_EQ(us.region_name, "us-east-1");
  EXPECT_EQ(us.skip, SkipReason::kNone);
  const CandidateTrace& ap = trace.candidates[2];
  EXPECT_EQ(ap.rank, 2);
  EXPECT_EQ(ap.state.admin, AdminState::kDown);
  EXPECT_EQ(ap.skip, SkipReason::kDown);
  const CandidateTrace& sa = trace.candidates[3];
  EXPECT_EQ(sa.region_name, "sa-east-1");
  EXPECT_EQ(sa.rank, -1);
  EXPECT_EQ(sa.skip, SkipReason::kNotRanked);
  EXPECT_EQ(SkipReasonName(sa.skip), "not-ranked");

  // Same answer with and without the trace.
  EXPECT_EQ(PickLatency(c, RankingFor("10.0.0.1"), States()).index, p.index);

  // Fail-open is reported.
  SetHealthy("us-east-1", false);
  SetAdmin("sa-east-1", AdminState::kDrain);
  const Pick fo = PickLatency(c, RankingFor("10.0.0.1"), States(), &trace);
  EXPECT_TRUE(fo.fail_open);
  EXPECT_TRUE(trace.fail_open);
  EXPECT_EQ(fo.index, 2u);  // eu, best ranked
  EXPECT_EQ(trace.candidates[0].skip, SkipReason::kNone);
  EXPECT_EQ(trace.candidates[3].skip, SkipReason::kDrained);
}

TEST_F(PolicyTest, LatencyTraceSaysWhenTheTableRanksNoMember) {
  // No row for 12/8, and 11/8 ranks none of sa/eu: the members go in their
  // listed order, and the ones after the pick are "no-table-row", not
  // "outranked" (nothing ranked them).
  const std::vector<Candidate> c = {Member("sa-east-1"), Member("eu-west-1")};
  for (const char* client : {"12.0.0.1", "11.0.0.1"}) {
    SCOPED_TRACE(client);
    PickTrace trace;
    const Pick p = PickLatency(c, RankingFor(client), States(), &trace);
    EXPECT_EQ(p.index, 0u);
    ASSERT_EQ(trace.candidates.size(), 2u);
    EXPECT_EQ(trace.candidates[0].skip, SkipReason::kNone);
    EXPECT_EQ(trace.candidates[1].skip, SkipReason::kNoTableRow);
    EXPECT_EQ(SkipReasonName(trace.candidates[1].skip), "no-table-row");
  }
}

TEST_F(PolicyTest, OverrideReplacesHealthCheckButNotAdminState) {
  // E.g. alias members with EvaluateTargetHealth: the caller computes them.
  const std::vector<Candidate> c = {Member("eu-west-1"), Member("us-east-1")};
  const std::vector<Candidate> target = {Member("ap-south-1")};
  int calls = 0;
  auto alias_health = [&](size_t i) {
    ++calls;
    if (i != 0) return MemberHealth::kUseSlot;
    return AnyEligible(target, States()) ? MemberHealth::kHealthy
                                         : MemberHealth::kUnhealthy;
  };
  absl::FunctionRef<MemberHealth(size_t)> fn(alias_health);
  MemberStates st{&health_, &admin_, &fn};
  SetHealthy("eu-west-1", false);  // ignored: overridden
  EXPECT_EQ(PickLatency(c, RankingFor("10.0.0.1"), st).index, 0u);
  // The query path evaluates members in ranking order only until one is
  // eligible: eu (ranked first) was, so us was never asked about.
  EXPECT_EQ(calls, 1);
  SetHealthy("ap-south-1", false);  // the target is down now
  EXPECT_EQ(PickLatency(c, RankingFor("10.0.0.1"), st).index, 1u);
  SetHealthy("ap-south-1", true);
  SetAdmin("eu-west-1", AdminState::kDrain);  // admin still applies
  EXPECT_EQ(PickLatency(c, RankingFor("10.0.0.1"), st).index, 1u);
  PickTrace trace;
  PickLatency(c, RankingFor("10.0.0.1"), st, &trace);
  EXPECT_TRUE(trace.candidates[0].state.overridden);
  EXPECT_TRUE(trace.candidates[0].state.healthy);
  EXPECT_EQ(trace.candidates[0].skip, SkipReason::kDrained);
  EXPECT_FALSE(trace.candidates[1].state.overridden);
}

TEST_F(PolicyTest, AnyEligible) {
  const std::vector<Candidate> c = {Member("eu-west-1"), Member("us-east-1")};
  EXPECT_TRUE(AnyEligible(c, States()));
  SetHealthy("eu-west-1", false);
  SetAdmin("us-east-1", AdminState::kDrain);
  EXPECT_FALSE(AnyEligible(c, States()));
  EXPECT_FALSE(AnyEligible({}, States()));
  Candidate unchecked;  // no region, no health check
  EXPECT_TRUE(AnyEligible({&unchecked, 1}, States()));
}

// ---- Weighted --------------------------------------------------------------

// Share of picks per candidate index over `draws` draws.
std::vector<double> Shares(absl::Span<const Candidate> c,
                           const MemberStates& st, int draws, uint64_t seed,
                           int* fail_open = nullptr) {
  Rng rng(seed);
  std::vector<double> count(c.size(), 0);
  for (int i = 0; i < draws; ++i) {
    const Pick p = PickWeighted(c, st, rng);
    EXPECT_NE(p.index, kNoPick);
    if (p.index == kNoPick) continue;
    count[p.index] += 1;
    if (fail_open != nullptr && p.fail_open) ++*fail_open;
  }
  for (double& x : count) x /= draws;
  return count;
}

TEST_F(PolicyTest, WeightedSharesFollowWeights) {
  // Fixed seed, 100k draws: every share within 1.5 percentage points.
  const std::vector<Candidate> c = {Member("eu-west-1", 10),
                                    Member("us-east-1", 30),
                                    Member("ap-south-1", 60)};
  const std::vector<double> s = Shares(c, States(), 100000, 42);
  EXPECT_NEAR(s[0], 0.10, 0.015);
  EXPECT_NEAR(s[1], 0.30, 0.015);
  EXPECT_NEAR(s[2], 0.60, 0.015);

  // Unhealthy members drop out; the rest keep their relative weights.
  SetHealthy("ap-south-1", false);
  const std::vector<double> s2 = Shares(c, States(), 100000, 43);
  EXPECT_NEAR(s2[0], 0.25, 0.015);
  EXPECT_NEAR(s2[1], 0.75, 0.015);
  EXPECT_EQ(s2[2], 0.0);
}

TEST_F(PolicyTest, WeightedZeroWeightOnlyWhenOthersUnhealthy) {
  const std::vector<Candidate> c = {Member("eu-west-1", 0),
                                    Member("us-east-1", 5),
                                    Member("ap-south-1", 0)};
  std::vector<double> s = Shares(c, States(), 20000, 7);
  EXPECT_EQ(s[0], 0.0);
  EXPECT_EQ(s[1], 1.0);
  EXPECT_EQ(s[2], 0.0);
  SetHealthy("us-east-1", false);
  int fail_open = 0;
  s = Shares(c, States(), 100000, 8, &fail_open);
  EXPECT_NEAR(s[0], 0.5, 0.015);
  EXPECT_EQ(s[1], 0.0);
  EXPECT_NEAR(s[2], 0.5, 0.015);
  EXPECT_EQ(fail_open, 0);
}

TEST_F(PolicyTest, WeightedAllZeroIsEqual) {
  const std::vector<Candidate> c = {Member("eu-west-1", 0),
                                    Member("us-east-1", 0),
                                    Member("ap-south-1", 0),
                                    Member("sa-east-1", 0)};
  const std::vector<double> s = Shares(c, States(), 100000, 9);
  for (double x : s) EXPECT_NEAR(x, 0.25, 0.015);
}

TEST_F(PolicyTest, WeightedFailOpenUsesWeightsOfAll) {
  const std::vector<Candidate> c = {Member("eu-west-1", 1),
                                    Member("us-east-1", 3),
                                    Member("ap-south-1", 0)};
  SetHealthy("eu-west-1", false);
  SetAdmin("us-east-1", AdminState::kDrain);
  SetAdmin("ap-south-1", AdminState::kDown);
  int fail_open = 0;
  const std::vector<double> s = Shares(c, States(), 100000, 10, &fail_open);
  EXPECT_EQ(fail_open, 100000);
  EXPECT_NEAR(s[0], 0.25, 0.015);
  EXPECT_NEAR(s[1], 0.75, 0.015);
  EXPECT_EQ(s[2], 0.0);
}

TEST_F(PolicyTest, WeightedTrace) {
  const std::vector<Candidate> c = {Member("eu-west-1", 0),
                                    Member("us-east-1", 5),
                                    Member("ap-south-1", 5)};
  SetHealthy("ap-south-1", false);
  Rng rng(1);
  PickTrace trace;
  const Pick p = PickWeighted(c, States(), rng, &trace);
  EXPECT_EQ(p.index, 1u);
  EXPECT_EQ(trace.policy, PolicyKind::kWeighted);
  EXPECT_EQ(trace.total_weight, 5u);
  EXPECT_EQ(trace.candidates[0].skip, SkipReason::kWeightZero);
  EXPECT_EQ(trace.candidates[1].skip, SkipReason::kNone);
  EXPECT_EQ(trace.candidates[2].skip, SkipReason::kUnhealthy);
  EXPECT_EQ(PickWeighted({}, States(), rng).index, kNoPick);
}

// ---- Failover --------------------------------------------------------------

TEST_F(PolicyTest, Failover) {
  const std::vector<Candidate> c = {
      Member("us-east-1", 0, FailoverRole::kSecondary),
      Member("eu-west-1", 0, FailoverRole::kPrimary)};
  Pick p = PickFailover(c, States());
  EXPECT_EQ(p.index, 1u);  // primary
  EXPECT_FALSE(p.fail_open);
  SetHealthy("eu-west-1", false);
  EXPECT_EQ(PickFailover(c, States()).index, 0u);  // secondary
  SetAdmin("us-east-1", AdminState::kDrain);
  p = PickFailover(c, States());
  EXPECT_EQ(p.index, 1u);  // both out: primary
  EXPECT_TRUE(p.fail_open);
  SetHealthy("eu-west-1", true);
  SetAdmin("eu-west-1", AdminState::kDown);
  SetAdmin("us-east-1", AdminState::kUp);
  EXPECT_EQ(PickFailover(c, States()).index, 0u);  // down primary

  PickTrace trace;
  PickFailover(c, States(), &trace);
  EXPECT_EQ(trace.candidates[0].skip, SkipReason::kNone);
  EXPECT_EQ(trace.candidates[1].skip, SkipReason::kDown);
  SetAdmin("eu-west-1", AdminState::kUp);
  PickFailover(c, States(), &trace);
  EXPECT_EQ(trace.candidates[0].skip, SkipReason::kStandby);
  EXPECT_EQ(trace.candidates[1].skip, SkipReason::kNone);
}

TEST_F(PolicyTest, FailoverSecondaryWithoutHealthCheckIsHealthy) {
  Candidate secondary;  // no health check: always healthy
  secondary.role = FailoverRole::kSecondary;
  const std::vector<Candidate> c = {
      Member("eu-west-1", 0, FailoverRole::kPrimary), secondary};
  SetHealthy("eu-west-1", false);
  const Pick p = PickFailover(c, States());
  EXPECT_EQ(p.index, 1u);
  EXPECT_FALSE(p.fail_open);
}

TEST_F(PolicyTest, FailoverOnlyPrimaryOrNoRoles) {
  std::vector<Candidate> c = {Member("eu-west-1", 0, FailoverRole::kPrimary)};
  SetHealthy("eu-west-1", false);
  Pick p = PickFailover(c, States());
  EXPECT_EQ(p.index, 0u);
  EXPECT_TRUE(p.fail_open);
  c = {Member("eu-west-1"), Member("us-east-1")};
  EXPECT_EQ(PickFailover(c, States()).index, 1u);
  EXPECT_EQ(PickFailover({}, States()).index, kNoPick);
}

// ---- Multivalue ------------------------------------------------------------

TEST_F(PolicyTest, MultivalueAtMostEightHealthyInVaryingOrder) {
  HealthTable h;
  std::vector<Candidate> c(12);
  for (size_t i = 0; i < c.size(); ++i) {
    c[i].health_slot = *h.SlotFor("m" + std::to_string(i));
  }
  h.Set(c[3].health_slot, false);
  h.Set(c[7].health_slot, false);
  MemberStates st{&h, nullptr, nullptr};
  Rng rng(11);
  std::set<std::vector<uint32_t>> orders;
  std::vector<int> times(c.size(), 0);
  for (int round = 0; round < 2000; ++round) {
    const MultiPick m = PickMultivalue(c, st, rng);
    ASSERT_EQ(m.count, 8);
    EXPECT_FALSE(m.fail_open);
    std::vector<uint32_t> got(m.index.begin(), m.index.begin() + m.count);
    std::set<uint32_t> unique(got.begin(), got.end());
    EXPECT_EQ(unique.size(), 8u);  // no member twice
    EXPECT_EQ(unique.count(3), 0u);
    EXPECT_EQ(unique.count(7), 0u);
    for (uint32_t i : got) ++times[i];
    orders.insert(got);
  }
  EXPECT_GT(orders.size(), 1000u);  // the order varies
  // Each of the 10 healthy members is in 8/10 of the answers.
  for (size_t i = 0; i < c.size(); ++i) {
    if (i == 3 || i == 7) continue;
    EXPECT_NEAR(times[i] / 2000.0, 0.8, 0.05) << i;
  }
}

TEST_F(PolicyTest, MultivalueFewerThanEight) {
  const std::vector<Candidate> c = {Member("eu-west-1"), Member("us-east-1"),
                                    Member("ap-south-1")};
  SetAdmin("us-east-1", AdminState::kDrain);
  Rng rng(12);
  std::set<std::vector<uint32_t>> orders;
  for (int round = 0; round < 200; ++round) {
    const MultiPick m = PickMultivalue(c, States(), rng);
    ASSERT_EQ(m.count, 2);
    orders.insert({m.index[0], m.index[1]});
  }
  EXPECT_EQ(orders, (std::set<std::vector<uint32_t>>{{0, 2}, {2, 0}}));
  const MultiPick one = PickMultivalue(c, States(), rng, nullptr, 1);
  EXPECT_EQ(one.count, 1);
  EXPECT_EQ(PickMultivalue({}, States(), rng).count, 0);
}

TEST_F(PolicyTest, MultivalueFailOpen) {
  const std::vector<Candidate> c = {Member("eu-west-1"), Member("us-east-1")};
  SetHealthy("eu-west-1", false);
  SetHealthy("us-east-1", false);
  Rng rng(13);
  PickTrace trace;
  const MultiPick m = PickMultivalue(c, States(), rng, &trace);
  EXPECT_EQ(m.count, 2);
  EXPECT_TRUE(m.fail_open);
  EXPECT_TRUE(trace.fail_open);
  EXPECT_EQ(trace.picked.size(), 2u);
  EXPECT_EQ(trace.policy, PolicyKind::kMultivalue);
}

TEST_F(PolicyTest, MultivalueTraceMarksNotDrawn) {
  HealthTable h;
  std::vector<Candidate> c(10);
  MemberStates st{&h, nullptr, nullptr};
  Rng rng(14);
  PickTrace trace;
  const MultiPick m = PickMultivalue(c, st, rng, &trace);
  EXPECT_EQ(m.count, 8);
  int not_drawn = 0;
  for (const CandidateTrace& t : trace.candidates) {
    not_drawn += t.skip == SkipReason::kNotDrawn;
  }
  EXPECT_EQ(not_drawn, 2);
}

// ---- Rng -------------------------------------------------------------------

TEST(RngTest, DeterministicAndUniform) {
  Rng a(5), b(5), c(6);
  EXPECT_EQ(a.Next(), b.Next());
  EXPECT_NE(a.Next(), c.Next());
  Rng r(99);
  std::vector<int> hist(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const uint64_t x = r.Below(7);
    ASSERT_LT(x, 7u);
    ++hist[x];
  }
  for (int n : hist) EXPECT_NEAR(n, 10000, 500);
  EXPECT_EQ(r.Below(1), 0u);
  EXPECT_EQ(r.Below(0), 0u);
  std::vector<int> v = {1, 2, 3, 4};
  std::shuffle(v.begin(), v.end(), r);  // usable as a URBG
  std::sort(v.begin(), v.end());
  EXPECT_THAT(v, ElementsAre(1, 2, 3, 4));
}

}  // namespace
}  // namespace geo
