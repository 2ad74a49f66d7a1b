// ApplyChange and the commit path: a sequence of changes applied to one
// state and replayed onto a fresh one gives the same inputs (what
// replicating changes needs), a refused change changes nothing, and the
// same holds through ControlState::Commit.
#include "dns/control/change.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/string_view.h"
#include "dns/control/control_state.h"
#include "dns/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/test_util.h"

namespace dns::control {
namespace {

using ::testing::HasSubstr;

constexpr char kRouted[] = R"({"ResourceRecordSets": [
  {"Name": "app.other.test.", "Type": "A", "SetIdentifier": "euw1", "Region": "eu-west-1",
   "HealthCheckId": "hc-a", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]},
  {"Name": "app.other.test.", "Type": "A", "SetIdentifier": "use1", "Region": "us-east-1",
   "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.2"}]}]})";
constexpr char kChecks[] = R"({"HealthChecks": [
  {"Id": "hc-a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}}]})";

change::ApplyBatch BatchChange(const std::string& origin, const std::string& body, int n) {
  return change::ApplyBatch{origin, body, "", absl::StrCat("/change/C", n),
                            "2026-01-01T00:00:00Z"};
}

// Everything the inputs say, as text: equal text, equal inputs.
template <typename T>
std::string Provenance(const Input<T>& in) {
  return absl::StrCat(ManagedByName(in.managed_by), " [", absl::StrJoin(in.sources, ", "), "]");
}

std::string Describe(const ControlInputs& s) {
  std::string out = absl::StrCat("regions ", Provenance(s.regions), "\n");
  for (const auto& [wire, z] : s.zones) {
    absl::StrAppend(&out, "zone ", z.origin_text, " ", Provenance(z), " serial ",
                    z.value->serial(), " records ", z.value->record_count(), " changes ",
                    z.changes_applied, " names");
    for (size_t i = 0; i < z.value->node_count(); ++i)
      absl::StrAppend(&out, " ", NameToText(z.value->node(i).owner));
    absl::StrAppend(&out, "\n");
  }
  for (const std::string& wire : s.unloaded) absl::StrAppend(&out, "unloaded ", NameToText(wire), "\n");
  if (s.latency.value != nullptr) {
    absl::StrAppend(&out, "latency ", Provenance(s.latency), " ", s.latency.value->network_count(),
                    " networks ", s.latency.value->region_count(), " regions",
                    s.latency_is_default ? " (default)" : "", "\n");
  }
  absl::StrAppend(&out, "health checks ", Provenance(s.health_checks));
  for (const auto& c : s.health_checks.value->checks()) absl::StrAppend(&out, " ", c.id);
  absl::StrAppend(&out, "\n");
  for (const auto& [name, state] : s.region_states)
    absl::StrAppend(&out, "region ", name, " ", base::AV(geo::AdminStateName(state)), "\n");
  return out;
}

class ChangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    const std::string zone = dir_ + "/example.test.zone";
    WriteText(zone, MinimalZone("example.test.", 1));
    config_.zones.push_back({"example.test.", zone});
  }

  // The changes under test, one refused (a record that exists) among them.
  std::vector<Change> Changes() const {
    return {
        change::StartUp{},
        change::LoadHealthChecks{kChecks},
        change::LoadZone{"other.test.",
                         {ZoneFile{"other.zone", "master", MinimalZone("other.test.", 3)},
                          ZoneFile{"other.json", "route53", kRouted}}},
        BatchChange("example.test.", Batch("CREATE", "a.example.test.", "192.0.2.21"), 1),
        BatchChange("example.test.", Batch("CREATE", "a.example.test.", "192.0.2.21"), 2),
        change::LoadLatency{"network,region,rtt_ms\n0.0.0.0/0,eu-west-1,10\n"
                            "0.0.0.0/0,us-east-1,20\n"},
        change::SetRegionState{"eu-west-1", geo::AdminState::kDrain},
        BatchChange("other.test.", Batch("CREATE", "b.other.test.", "192.0.2.22"), 3),
        change::UnloadZone{"example.test."},
        change::ReloadFiles{},
    };
  }

  // Applies `changes` to a fresh state; the outcome of each as text.
  std::string ApplyAll(const std::vector<Change>& changes, ControlInputs* state) {
    geo::AdminStates admin;
    DefaultLatency default_latency(config_.default_latency);
    ChangeContext ctx{config_, default_latency, admin};
    std::string outcomes;
    for (const Change& c : changes) {
      std::vector<std::string> notes;
      absl::StatusOr<Transition> t = ApplyChange(*state, c, ctx, &notes);
      absl::StrAppend(&outcomes, t.ok() ? "ok" : t.status().ToString(), "\n");
      if (t.ok()) *state = std::move(t->next);
    }
    return outcomes;
  }

  std::string dir_;
  dns::control::Config config_;
};

TEST_F(ChangeTest, ReplayingTheChangesOntoAFreshStateGivesTheSameInputs) {
  const std::vector<Change> changes = Changes();
  ControlInputs first, replayed;
  const std::string outcomes = ApplyAll(changes, &first);
  EXPECT_EQ(ApplyAll(changes, &replayed), outcomes);
  EXPECT_EQ(Describe(replayed), Describe(first));
  // The sequence did what it says.
  EXPECT_THAT(outcomes, HasSubstr("already exists"));
  const std::string text = Describe(first);
  EXPECT_THAT(text, HasSubstr("zone other.test. api [other.zone, other.json] serial 3"));
  EXPECT_THAT(text, HasSubstr(" b.other.test."));
  EXPECT_THAT(text, HasSubstr("unloaded example.test."));
  EXPECT_THAT(text, HasSubstr("latency api [api] 1 networks 2 regions"));
  EXPECT_THAT(text, HasSubstr("health checks api [api] hc-a"));
  EXPECT_THAT(text, HasSubstr("region eu-west-1 drain"));
}

TEST_F(ChangeTest, ARefusedChangeLeavesTheInputsAsTheyWere) {
  ControlInputs state;
  ApplyAll({change::StartUp{}}, &state);
  const std::string before = Describe(state);
  geo::AdminStates admin;
  DefaultLatency default_latency("");
  ChangeContext ctx{config_, default_latency, admin};
  std::vector<std::string> notes;
  EXPECT_TRUE(absl::IsNotFound(
      ApplyChange(state, change::UnloadZone{"nope.test."}, ctx, &notes).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      ApplyChange(state, change::LoadLatency{"network,region,rtt_ms\nnope,x,1\n"}, ctx, &notes)
          .status()));
  EXPECT_TRUE(absl::IsNotFound(
      ApplyChange(state, change::SetRegionState{"no-such-region-9", geo::AdminState::kDown}, ctx,
                  &notes)
          .status()));
  EXPECT_EQ(Describe(state), before);
}

TEST_F(ChangeTest, SighupWithNothingChangedPublishesNothing) {
  // Files written "now" are racy: age it so that its stat proves it unchanged.
  ASSERT_EQ(system(absl::StrCat("touch -d '-1 hour' ", config_.zones[0].path).c_str()), 0);
  ControlInputs state;
  ApplyAll({change::StartUp{}}, &state);
  geo::AdminStates admin;
  DefaultLatency default_latency("");
  ChangeContext ctx{config_, default_latency, admin};
  std::vector<std::string> notes;
  absl::StatusOr<Transition> t = ApplyChange(state, change::ReloadFiles{}, ctx, &notes);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->snapshot, SnapshotEffect::kNone);
  EXPECT_FALSE(t->counted);
  EXPECT_THAT(t->log, ::testing::ElementsAre("SIGHUP: no file changed; nothing to publish"));
}

// The same through ControlState: what one server committed, another
// replays through Commit to the same inputs, snapshot and counts.
TEST_F(ChangeTest, ControlStatesReplayingTheSameChangesAgree) {
  std::vector<Change> changes = Changes();
  changes.erase(changes.begin());  // Create() starts up
  std::string log;
  auto start = [&]() -> std::unique_ptr<ControlState> {
    absl::StatusOr<std::unique_ptr<ControlState>> s =
        ControlState::Create(config_, [&](const std::string& l) { log += l + "\n"; });
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  };
  std::unique_ptr<ControlState> a = start(), b = start();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::string outcomes_a, outcomes_b;
  for (const Change& c : changes) absl::StrAppend(&outcomes_a, a->Commit(c).ToString(), "\n");
  for (const Change& c : changes) absl::StrAppend(&outcomes_b, b->Commit(c).ToString(), "\n");
  EXPECT_EQ(outcomes_b, outcomes_a);
  EXPECT_EQ(Describe(b->Inputs()), Describe(a->Inputs()));
  EXPECT_EQ(b->reloads().api, a->reloads().api);
  EXPECT_EQ(b->reloads().api_failures, 1u);
  EXPECT_EQ(b->reloads().generation, a->reloads().generation);
  EXPECT_EQ(b->Region("eu-west-1")->state, geo::AdminState::kDrain);
  uint32_t serial_a = 0, serial_b = 0;
  std::string wire;
  ASSERT_TRUE(NameFromText("other.test.", &wire));
  a->WithSnapshot([&](const Snapshot& s) { serial_a = s.zones.Get(wire)->serial(); });
  b->WithSnapshot([&](const Snapshot& s) { serial_b = s.zones.Get(wire)->serial(); });
  EXPECT_EQ(serial_b, serial_a);
  EXPECT_THAT(log, HasSubstr("control API: change batch /change/C3 applied to zone other.test."));
}

}  // namespace
}  // namespace dns::control
