// ApplyChange and the commit path: a sequence of changes applied to one
// state and replayed onto a fresh one gives the same inputs (what
// replicating changes needs), a refused change changes nothing, and the
// same holds through ControlState::Commit.
#include "dns/control/change.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/string_view.h"
#include "dns/control/control_state.h"
#include "dns/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/test_util.h"

namespace dns::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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
  if (s.dnssec_keys.value != nullptr) {
    absl::StrAppend(&out, "dnssec keys ", Provenance(s.dnssec_keys));
    for (const auto& [wire, keys] : *s.dnssec_keys.value)
      for (const dnssec::KeyPair& k : keys) absl::StrAppend(&out, " ", NameToText(wire), k.key_tag);
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "health checks ", Provenance(s.health_checks));
  for (const auto& c : s.health_checks.value->checks()) absl::StrAppend(&out, " ", c.id);
  absl::StrAppend(&out, "\n");
  for (const auto& [name, state] : s.region_states)
    absl::StrAppend(&out, "region ", name, " ", base::AV(geo::AdminStateName(state)), "\n");
  for (const auto& [wire, z] : s.serials) {
    absl::StrAppend(&out, "serial of ", NameToText(wire), " ", z.serial, " (data ", z.data_serial,
                    ", digest ", z.digest, ")\n");
  }
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
  // Loaded with serial 3, then one change batch.
  EXPECT_THAT(text, HasSubstr("zone other.test. api [other.zone, other.json] serial 4"));
  // example.test.: 1 from its file, 2 after batch C1; kept after unloading.
  EXPECT_THAT(text, HasSubstr("serial of example.test. 2 (data 1"));
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

// ---------------------------------------------------------------------------
// SOA serials, follow-file and region names: one change at a time, with a
// context that lives as long as the test (and a clock it sets).

class ChangeStepTest : public ChangeTest {
 protected:
  // Applies `c` to state_; its log lines (and notes) go to log_. The
  // change's status.
  absl::Status Apply(const Change& c) {
    ChangeContext ctx{config_, default_latency_, admin_, now_};
    std::vector<std::string> notes;
    absl::StatusOr<Transition> t = ApplyChange(state_, c, ctx, &notes);
    for (const std::string& n : notes) log_ += n + "\n";
    if (!t.ok()) return t.status();
    for (const std::string& l : t->log) log_ += l + "\n";
    state_ = std::move(t->next);
    return absl::OkStatus();
  }
  // The serial example.test. (or `origin`) serves: the zone's serial(),
  // which is its SOA's.
  uint32_t Serial(const std::string& origin = "example.test.") {
    std::string wire;
    EXPECT_TRUE(NameFromText(origin, &wire));
    auto it = state_.zones.find(wire);
    EXPECT_NE(it, state_.zones.end()) << origin;
    return it == state_.zones.end() ? 0 : it->second.value->serial();
  }
  const ZoneInput& Zone(const std::string& origin = "example.test.") {
    std::string wire;
    EXPECT_TRUE(NameFromText(origin, &wire));
    return state_.zones.at(wire);
  }
  static std::string Wire(const std::string& origin) {
    std::string wire;
    EXPECT_TRUE(NameFromText(origin, &wire));
    return wire;
  }
  // Rewrites the --zone file (a different size each time, so SIGHUP sees it).
  void EditZoneFile(int serial, int extra_records) {
    std::string text = MinimalZone("example.test.", serial);
    for (int i = 0; i < extra_records; ++i) absl::StrAppend(&text, "x", i, " IN A 192.0.2.99\n");
    WriteText(config_.zones[0].path, text);
  }

  geo::AdminStates admin_;
  DefaultLatency default_latency_{""};
  absl::Time now_ = absl::FromUnixSeconds(1767268800);  // 2026-01-01T12:00:00Z
  ControlInputs state_;
  std::string log_;
};

TEST_F(ChangeStepTest, EveryChangeBatchRaisesTheSerial) {
  ASSERT_TRUE(Apply(change::StartUp{}).ok());
  EXPECT_EQ(Serial(), 1u);  // the file's own
  uint32_t last = Serial();
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(Apply(BatchChange("example.test.",
                                  Batch("CREATE", absl::StrCat("a", i, ".example.test."),
                                        "192.0.2.21"),
                                  i))
                    .ok());
    EXPECT_EQ(Serial(), last + 1) << "batch " << i;
    last = Serial();
  }
  EXPECT_EQ(Serial(), 6u);
  // A refused batch changes nothing, the serial included.
  EXPECT_FALSE(
      Apply(BatchChange("example.test.", Batch("CREATE", "a1.example.test.", "192.0.2.21"), 9))
          .ok());
  EXPECT_EQ(Serial(), 6u);
  // A batch that UPSERTs the SOA with a newer serial: that serial.
  const std::string soa = R"({"Changes":[{"Action":"UPSERT","ResourceRecordSet":{
    "Name":"example.test.","Type":"SOA","TTL":300,"ResourceRecords":[
    {"Value":"ns1.example.test. hostmaster.example.test. 2026010100 3600 600 86400 60"}]}}]})";
  ASSERT_TRUE(Apply(BatchChange("example.test.", soa, 10)).ok());
  EXPECT_EQ(Serial(), 2026010100u);
  ASSERT_TRUE(Apply(BatchChange("example.test.", Batch("DELETE", "a1.example.test.", "192.0.2.21"),
                                11))
                  .ok());
  EXPECT_EQ(Serial(), 2026010101u);
}

TEST_F(ChangeStepTest, TheSameDataKeepsItsSerial) {
  ASSERT_TRUE(Apply(change::StartUp{}).ok());
  const change::LoadZone load{"other.test.",
                              {ZoneFile{"other.zone", "master", MinimalZone("other.test.", 3)}}};
  ASSERT_TRUE(Apply(load).ok());
  EXPECT_EQ(Serial("other.test."), 3u);
  ASSERT_TRUE(Apply(load).ok());  // uploaded again, unchanged
  EXPECT_EQ(Serial("other.test."), 3u);
  // Changed but with the same serial: the served one + 1, said in the log.
  ASSERT_TRUE(Apply(change::LoadZone{"other.test.",
                                     {ZoneFile{"other.zone", "master",
                                               MinimalZone("other.test.", 3) +
                                                   "new IN A 192.0.2.5\n"}}})
                  .ok());
  EXPECT_EQ(Serial("other.test."), 4u);
  EXPECT_THAT(log_, HasSubstr("zone other.test.: serial 3 of other.zone is not newer than the "
                              "served 3: serving 4 (serial-policy increment)"));
  // Unloaded and loaded again: on from the last one served.
  ASSERT_TRUE(Apply(change::UnloadZone{"other.test."}).ok());
  ASSERT_TRUE(Apply(load).ok());
  EXPECT_EQ(Serial("other.test."), 5u);
}

TEST_F(ChangeStepTest, AReloadedFileKeepsItsOwnSerialButNeverGoesBack) {
  ASSERT_TRUE(Apply(change::StartUp{}).ok());
  EXPECT_EQ(Serial(), 1u);
  // Edited without raising the serial: 1 + 1, and the log says why.
  EditZoneFile(1, 1);
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok());
  EXPECT_EQ(Serial(), 2u);
  EXPECT_THAT(log_, HasSubstr("zone example.test.: serial 1 of " + config_.zones[0].path +
                              " is not newer than the served 1: serving 2"));
  // Raised past the served one: the file's.
  EditZoneFile(2024060101, 2);
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok());
  EXPECT_EQ(Serial(), 2024060101u);
  // Lowered: never back.
  EditZoneFile(7, 3);
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok());
  EXPECT_EQ(Serial(), 2024060102u);
  // Touched but the same content: the same serial.
  ASSERT_EQ(system(absl::StrCat("touch -d '-1 hour' ", config_.zones[0].path).c_str()), 0);
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok());
  EXPECT_EQ(Serial(), 2024060102u);
}

TEST_F(ChangeStepTest, TheServedSerialSurvivesARestart) {
  ASSERT_TRUE(Apply(change::StartUp{}).ok());
  for (int i = 1; i <= 3; ++i) {  // edited three times, the serial never raised
    EditZoneFile(1, i);
    ASSERT_TRUE(Apply(change::ReloadFiles{}).ok());
  }
  EXPECT_EQ(Serial(), 4u);
  // What the data dir holds at the next start: serials.json.
  change::StartUp restart;
  for (const auto& [wire, z] : state_.serials) restart.stored.serials[NameToText(wire)] = z;
  ASSERT_EQ(restart.stored.serials.at("example.test.").serial, 4u);
  // The file as it was: the serial as it was (not the file's 1).
  state_ = ControlInputs();
  ASSERT_TRUE(Apply(restart).ok());
  EXPECT_EQ(Serial(), 4u);
  // The file changed while the server was down (its serial not raised):
  // on from the one served before.
  EditZoneFile(1, 4);
  state_ = ControlInputs();
  ASSERT_TRUE(Apply(restart).ok());
  EXPECT_EQ(Serial(), 5u);
}

TEST_F(ChangeStepTest, EachSerialPolicy) {
  // dateserial for every zone: today's date, then counting up.
  config_.serial_policy = zones::SerialPolicy::kDateSerial;
  ASSERT_TRUE(Apply(change::StartUp{}).ok());
  EXPECT_EQ(Serial(), 2026010100u);
  ASSERT_TRUE(
      Apply(BatchChange("example.test.", Batch("CREATE", "a.example.test.", "192.0.2.21"), 1))
          .ok());
  EXPECT_EQ(Serial(), 2026010101u);
  now_ += absl::Hours(24);
  ASSERT_TRUE(
      Apply(BatchChange("example.test.", Batch("CREATE", "b.example.test.", "192.0.2.21"), 2))
          .ok());
  EXPECT_EQ(Serial(), 2026010200u);
  // unixtime for this zone only: the clock, newer than the served dateserial?
  // No (2026010200 is ahead of 1767355200): never back, so + 1.
  config_.zone_serial_policies.emplace_back(Wire("example.test."),
                                            zones::SerialPolicy::kUnixTime);
  ASSERT_TRUE(
      Apply(BatchChange("example.test.", Batch("CREATE", "c.example.test.", "192.0.2.21"), 3))
          .ok());
  EXPECT_EQ(Serial(), 2026010201u);
  // A zone of its own under unixtime: the clock.
  config_.zone_serial_policies.emplace_back(Wire("other.test."),
                                            zones::SerialPolicy::kUnixTime);
  ASSERT_TRUE(Apply(change::LoadZone{"other.test.",
                                     {ZoneFile{"other.zone", "master",
                                               MinimalZone("other.test.", 3)}}})
                  .ok());
  EXPECT_EQ(Serial("other.test."), 1767355200u);
  ASSERT_TRUE(
      Apply(BatchChange("other.test.", Batch("CREATE", "a.other.test.", "192.0.2.21"), 4)).ok());
  EXPECT_EQ(Serial("other.test."), 1767355201u);  // the same second: + 1
  now_ += absl::Seconds(30);
  ASSERT_TRUE(
      Apply(BatchChange("other.test.", Batch("CREATE", "b.other.test.", "192.0.2.21"), 5)).ok());
  EXPECT_EQ(Serial("other.test."), 1767355230u);
  // keep: the data's own, whatever happens.
  config_.zone_serial_policies.emplace_back(Wire("other.test."), zones::SerialPolicy::kKeep);
  ASSERT_TRUE(
      Apply(BatchChange("other.test.", Batch("CREATE", "c.other.test.", "192.0.2.21"), 6)).ok());
  EXPECT_EQ(Serial("other.test."), 3u);
  ASSERT_TRUE(Apply(change::LoadZone{"other.test.",
                                     {ZoneFile{"other.zone", "master",
                                               MinimalZone("other.test.", 2)}}})
                  .ok());
  EXPECT_EQ(Serial("other.test."), 2u);
  EXPECT_THAT(log_, HasSubstr("warning: zone other.test.: serial 2 of other.zone is not newer "
                              "than the served 3, and serial-policy keep serves it"));
}

TEST_F(ChangeStepTest, FollowFileReturnsAZoneToItsFile) {
  ASSERT_TRUE(Apply(change::StartUp{}).ok());
  ASSERT_TRUE(
      Apply(BatchChange("example.test.", Batch("CREATE", "a.example.test.", "192.0.2.21"), 1))
          .ok());
  EXPECT_EQ(Zone().managed_by, ManagedBy::kApi);
  EXPECT_EQ(Serial(), 2u);
  // SIGHUP says which zones it leaves to the data dir.
  log_.clear();
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok());
  EXPECT_THAT(log_, HasSubstr("SIGHUP: not re-reading the --zone files of example.test.: "
                              "changed through the control API, the zone follows the data dir"));
  // Back to the file: its data, managed by the command line, the serial on.
  EditZoneFile(1, 1);
  log_.clear();
  ASSERT_TRUE(Apply(change::FollowFile{"example.test."}).ok());
  const ZoneInput& z = Zone();
  EXPECT_EQ(z.managed_by, ManagedBy::kCommandLine);
  EXPECT_EQ(z.sources, std::vector<std::string>{config_.zones[0].path});
  std::string a, x0;
  ASSERT_TRUE(NameFromText("a.example.test.", &a));
  ASSERT_TRUE(NameFromText("x0.example.test.", &x0));
  EXPECT_EQ(z.value->Find(a), nullptr);
  EXPECT_NE(z.value->Find(x0), nullptr);
  EXPECT_EQ(Serial(), 3u);
  EXPECT_THAT(log_, HasSubstr("control API: zone example.test. follows " +
                              config_.zones[0].path + " again (followed the data dir), serial 3"));
  // SIGHUP follows it again.
  EditZoneFile(1, 2);
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok());
  EXPECT_EQ(Serial(), 4u);
  // Unloaded through the API: loaded from its file again.
  ASSERT_TRUE(Apply(change::UnloadZone{"example.test."}).ok());
  ASSERT_TRUE(Apply(change::FollowFile{"EXAMPLE.test"}).ok());
  EXPECT_TRUE(state_.unloaded.empty());
  EXPECT_EQ(Serial(), 4u) << "the same data as served before it was unloaded";
  // A zone with no --zone file, or none at all.
  ASSERT_TRUE(Apply(change::LoadZone{"other.test.",
                                     {ZoneFile{"other.zone", "master",
                                               MinimalZone("other.test.", 3)}}})
                  .ok());
  absl::Status st = Apply(change::FollowFile{"other.test."});
  EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("zone other.test. has no --zone file"));
  // A file that no longer loads: its error, and nothing changes.
  ASSERT_TRUE(
      Apply(BatchChange("example.test.", Batch("CREATE", "b.example.test.", "192.0.2.21"), 2))
          .ok());
  WriteText(config_.zones[0].path, "$ORIGIN example.test.\n@ IN SOA ns1 hostmaster 1 2 3 4\n");
  st = Apply(change::FollowFile{"example.test."});
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(Zone().managed_by, ManagedBy::kApi);
}

TEST_F(ChangeStepTest, UnknownRegionsAreRefusedEverywhere) {
  ASSERT_TRUE(Apply(change::StartUp{}).ok());
  ASSERT_NE(state_.regions.value, nullptr) << "data/aws_regions.csv loads by default";
  // A latency table (PUT /v1/latency).
  absl::Status st = Apply(change::LoadLatency{
      "network,region,rtt_ms\n0.0.0.0/0,eu-west-1,10\n0.0.0.0/0,eu-wset-1,20\n"});
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  EXPECT_EQ(st.message(),
            "latency.csv:3: unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)");
  EXPECT_EQ(state_.latency.value, nullptr);
  // Route 53 record sets loaded with a zone.
  std::string routed = kRouted;
  routed.replace(routed.find("\"eu-west-1\""), 11, "\"eu-wset-1\"");
  st = Apply(change::LoadZone{"other.test.",
                              {ZoneFile{"other.zone", "master", MinimalZone("other.test.", 3)},
                               ZoneFile{"other.json", "route53", routed}}});
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  EXPECT_THAT(std::string(st.message()), ::testing::StartsWith("other.json:"));
  EXPECT_THAT(std::string(st.message()),
              HasSubstr(": record set [name='app.other.test.', type='A', set-identifier='euw1']: "
                        "unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)"));
  EXPECT_EQ(state_.zones.size(), 1u);
  // A change batch.
  const std::string batch = R"({"Changes":[{"Action":"CREATE","ResourceRecordSet":{
    "Name":"app.example.test.","Type":"A","SetIdentifier":"x","Region":"us-eats-1","TTL":60,
    "ResourceRecords":[{"Value":"192.0.2.7"}]}}]})";
  st = Apply(BatchChange("example.test.", batch, 1));
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  EXPECT_THAT(std::string(st.message()),
              HasSubstr("unknown region 'us-eats-1' (did you mean 'us-east-1'?)"));
  EXPECT_EQ(Serial(), 1u);
  // --latency at start-up and on SIGHUP.
  const std::string latency = dir_ + "/latency.csv";
  WriteText(latency, "network,region,rtt_ms\n0.0.0.0/0,eu-west-1,10\n");
  config_.latency = latency;
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok());
  WriteText(latency, "network,region,rtt_ms\n0.0.0.0/0,eu-west-1,10\n10.0.0.0/8,mars-1,5\n");
  st = Apply(change::ReloadFiles{});
  EXPECT_EQ(st.message(), latency + ":3: unknown region 'mars-1' (not in " +
                              state_.regions.source() + ")");
  ControlInputs fresh;
  std::swap(fresh, state_);
  st = Apply(change::StartUp{});
  EXPECT_EQ(st.message(), latency + ":3: unknown region 'mars-1' (not in " +
                              fresh.regions.source() + ")");
}

TEST_F(ChangeStepTest, ARegionsFileThatDropsARegionInUseIsRefused) {
  const std::string regions = dir_ + "/regions.csv";
  WriteText(regions, "region,latitude,longitude\neu-west-1,53.3,-6.3\nus-east-1,39.0,-77.5\n");
  config_.regions = regions;
  ASSERT_TRUE(Apply(change::StartUp{}).ok());
  ASSERT_TRUE(Apply(change::LoadZone{"other.test.",
                                     {ZoneFile{"other.zone", "master",
                                               MinimalZone("other.test.", 3)},
                                      ZoneFile{"other.json", "route53", kRouted}}})
                  .ok());
  // us-east-1 goes: SIGHUP is refused naming the record set.
  WriteText(regions, "region,latitude,longitude\neu-west-1,53.3,-6.3\nus-east-2,40.0,-83.00\n");
  absl::Status st = Apply(change::ReloadFiles{});
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(std::string(st.message()),
              HasSubstr("set-identifier='use1']: unknown region 'us-east-1' (did you mean "
                        "'us-east-2'?)"));
}

// ---------------------------------------------------------------------------
// DNSSEC keys (--dnssec-keys): read at start-up and on SIGHUP when a file
// of the folder changed; a bad key file refuses the change, the old keys
// stay; the snapshot carries the keys.

class DnssecKeysChangeTest : public ChangeStepTest {
 protected:
  void SetUp() override {
    ChangeStepTest::SetUp();
    keys_ = dir_ + "/keys";
    ASSERT_EQ(mkdir(keys_.c_str(), 0700), 0);
    config_.dnssec_keys = keys_;
  }
  // A new key pair for `origin` written into keys_; its .key path.
  std::string AddKey(const std::string& origin, bool ksk) {
    absl::StatusOr<dnssec::KeyPair> pair =
        dnssec::GenerateKeyPair(Wire(origin), 13, ksk, absl::ToUnixSeconds(now_));
    EXPECT_TRUE(pair.ok()) << pair.status();
    if (!pair.ok()) return "";
    absl::Status st = dnssec::WriteKeyPair(keys_, &*pair);
    EXPECT_TRUE(st.ok()) << st;
    return pair->key_path;
  }
  // "origin role" of every key loaded, sorted.
  std::vector<std::string> Keys() const {
    std::vector<std::string> out;
    if (state_.dnssec_keys.value == nullptr) return out;
    for (const auto& [wire, list] : *state_.dnssec_keys.value)
      for (const dnssec::KeyPair& k : list)
        out.push_back(absl::StrCat(NameToText(wire), " ", dnssec::KeyRoleName(k.role)));
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string keys_;
};

TEST_F(DnssecKeysChangeTest, StartUpLoadsTheKeysAndWarnsOfZonesNotServed) {
  AddKey("example.test.", /*ksk=*/true);
  AddKey("example.test.", /*ksk=*/false);
  AddKey("elsewhere.test.", /*ksk=*/false);
  ASSERT_TRUE(Apply(change::StartUp{}).ok()) << log_;
  EXPECT_EQ(Keys(), (std::vector<std::string>{"elsewhere.test. CSK", "example.test. KSK",
                                              "example.test. ZSK"}));
  EXPECT_EQ(state_.dnssec_keys.source(), keys_);
  EXPECT_EQ(state_.dnssec_keys.stamps.size(), 6u);  // .key and .private of each
  EXPECT_EQ(state_.dnssec_keys_loaded_at, now_);
  EXPECT_THAT(log_, HasSubstr("dnssec keys " + keys_ + ": 3 keys for 2 zones"));
  EXPECT_THAT(log_,
              HasSubstr("warning: dnssec-keys: keys for zone elsewhere.test., which is not served"));
  EXPECT_THAT(log_, Not(HasSubstr("keys for zone example.test.")));
}

TEST_F(DnssecKeysChangeTest, WithoutTheFlagThereAreNoKeys) {
  config_.dnssec_keys.clear();
  AddKey("example.test.", /*ksk=*/false);
  ASSERT_TRUE(Apply(change::StartUp{}).ok()) << log_;
  EXPECT_EQ(state_.dnssec_keys.value, nullptr);
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok()) << log_;
  EXPECT_EQ(state_.dnssec_keys.value, nullptr);
}

TEST_F(DnssecKeysChangeTest, ABadKeyFileStopsStartUpNamingTheFile) {
  const std::string key = AddKey("example.test.", /*ksk=*/false);
  WriteText(key, "example.test. IN DNSKEY 256 3 13 !!!\n");
  absl::Status st = Apply(change::StartUp{});
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(st.message(), HasSubstr(key + ": "));
  // A folder that is not there: the same kind of error, naming it.
  config_.dnssec_keys = dir_ + "/missing";
  st = Apply(change::StartUp{});
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(st.message(), HasSubstr(dir_ + "/missing: cannot open folder"));
}

TEST_F(DnssecKeysChangeTest, SighupReadsAChangedFolderAndKeepsTheOldKeysOnError) {
  AddKey("example.test.", /*ksk=*/true);
  ASSERT_TRUE(Apply(change::StartUp{}).ok()) << log_;
  EXPECT_EQ(Keys(), (std::vector<std::string>{"example.test. CSK"}));
  const std::string zsk = AddKey("example.test.", /*ksk=*/false);
  now_ += absl::Seconds(10);
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok()) << log_;
  EXPECT_EQ(Keys(), (std::vector<std::string>{"example.test. KSK", "example.test. ZSK"}));
  EXPECT_THAT(log_, HasSubstr("dnssec keys " + keys_ + " (2 keys for 1 zone)"));
  EXPECT_EQ(state_.dnssec_keys_loaded_at, now_);

  // Corrupted: refused with the file's message; nothing changes.
  const std::shared_ptr<const dnssec::KeysByZone> before = state_.dnssec_keys.value;
  const std::string priv = zsk.substr(0, zsk.size() - 4) + ".private";
  WriteText(priv, "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: AAAA\n");
  absl::Status st = Apply(change::ReloadFiles{});
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(st.message(), HasSubstr(priv + ": "));
  EXPECT_EQ(state_.dnssec_keys.value, before);

  // Removed: the KSK alone again, a CSK.
  ASSERT_EQ(unlink(priv.c_str()), 0);
  ASSERT_EQ(unlink(zsk.c_str()), 0);
  ASSERT_TRUE(Apply(change::ReloadFiles{}).ok()) << log_;
  EXPECT_EQ(Keys(), (std::vector<std::string>{"example.test. CSK"}));
}

// POST /v1/dnssec/reload: the folder read now, changed or not; a bad file
// refuses it and the old keys stay; without --dnssec-keys, refused.
TEST_F(DnssecKeysChangeTest, KeyReloadReadsTheFolderNow) {
  const std::string ksk = AddKey("example.test.", /*ksk=*/true);
  ASSERT_TRUE(Apply(change::StartUp{}).ok()) << log_;
  const std::shared_ptr<const dnssec::KeysByZone> first = state_.dnssec_keys.value;
  now_ += absl::Seconds(5);
  ASSERT_TRUE(Apply(change::ReloadDnssecKeys{}).ok()) << log_;
  EXPECT_NE(state_.dnssec_keys.value, first);  // read again, though nothing changed
  EXPECT_EQ(state_.dnssec_keys_loaded_at, now_);
  EXPECT_THAT(log_, HasSubstr("control API: reloaded dnssec keys " + keys_ + " (1 key for 1 zone)"));
  AddKey("example.test.", /*ksk=*/false);
  AddKey("elsewhere.test.", /*ksk=*/false);
  ASSERT_TRUE(Apply(change::ReloadDnssecKeys{}).ok()) << log_;
  EXPECT_EQ(Keys(), (std::vector<std::string>{"elsewhere.test. CSK", "example.test. KSK",
                                              "example.test. ZSK"}));
  EXPECT_THAT(log_,
              HasSubstr("warning: dnssec-keys: keys for zone elsewhere.test., which is not served"));
  EXPECT_EQ(CounterOf(change::ReloadDnssecKeys{}), ChangeCounter::kApi);
  // The stamps SIGHUP compares are the reload's.
  EXPECT_EQ(state_.dnssec_keys.stamps.size(), 6u);

  const std::shared_ptr<const dnssec::KeysByZone> before = state_.dnssec_keys.value;
  WriteText(ksk, "example.test. IN DNSKEY 257 3 13 !!!\n");
  absl::Status st = Apply(change::ReloadDnssecKeys{});
  EXPECT_TRUE(absl::IsInvalidArgument(st)) << st;
  EXPECT_THAT(st.message(), HasSubstr(ksk + ": "));
  EXPECT_EQ(state_.dnssec_keys.value, before);

  config_.dnssec_keys.clear();
  st = Apply(change::ReloadDnssecKeys{});
  EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;
  EXPECT_THAT(st.message(), HasSubstr("without --dnssec-keys"));
}

TEST_F(DnssecKeysChangeTest, TheSnapshotCarriesTheKeys) {
  AddKey("example.test.", /*ksk=*/false);
  absl::StatusOr<std::unique_ptr<ControlState>> cs =
      ControlState::Create(config_, [](const std::string&) {});
  ASSERT_TRUE(cs.ok()) << cs.status();
  const DnssecKeysInfo info = (*cs)->DnssecKeys();
  ASSERT_NE(info.keys, nullptr);
  EXPECT_EQ(info.source, keys_);
  EXPECT_EQ(info.served, (std::set<std::string>{Wire("example.test.")}));
  std::unique_ptr<const Snapshot> snap = (*cs)->TakeInitialSnapshot();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->dnssec_keys, info.keys);  // shared, not copied
  ASSERT_EQ(snap->dnssec_keys->count(Wire("example.test.")), 1u);
}

// ---------------------------------------------------------------------------
// Secondary zones: the transferred copy plus the origin's Route 53 JSON
// merged on top, served with the primary's serial; the API cannot replace
// what the primary owns.

TEST_F(ChangeStepTest, ASecondaryZoneIsTheTransferPlusItsJsonWithThePrimarysSerial) {
  const std::string json = dir_ + "/sec.json";
  WriteText(json, kRouted);
  config_.zones.push_back({"other.test.", json});
  auto primary = xfr::ParseEndpoint("127.0.0.1:5400");
  ASSERT_TRUE(primary.ok());
  ASSERT_TRUE(config_.transfer.AddSecondary("other.test.", *primary).ok());
  ASSERT_TRUE(Apply(change::StartUp{}).ok()) << log_;
  EXPECT_EQ(state_.zones.count(Wire("other.test.")), 0u);  // nothing transferred yet

  auto text = std::make_shared<const std::string>(MinimalZone("other.test.", 2026120801) +
                                                   "www IN A 192.0.2.80\n");
  ASSERT_TRUE(Apply(change::TransferredZone{"other.test.", text, "127.0.0.1:5400 (AXFR)"}).ok())
      << log_;
  EXPECT_EQ(Serial("other.test."), 2026120801u);  // the primary's, not served + 1
  EXPECT_EQ(Zone("other.test.").value->routed_record_set_count(), 2u);  // the JSON on top
  EXPECT_THAT(log_, HasSubstr("secondary zone other.test. serial 2026120801"));
  // A new copy with an older serial is served as the primary has it (keep).
  text = std::make_shared<const std::string>(MinimalZone("other.test.", 2026120800));
  ASSERT_TRUE(Apply(change::TransferredZone{"other.test.", text, "127.0.0.1:5400 (AXFR)"}).ok());
  EXPECT_EQ(Serial("other.test."), 2026120800u);

  // The API does not replace a secondary's data.
  absl::Status st = Apply(BatchChange("other.test.", Batch("CREATE", "x.other.test.", "192.0.2.1"), 1));
  EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("is a secondary zone"));
  st = Apply(change::LoadZone{"other.test.", {ZoneFile{"z", "master", MinimalZone("other.test.")}}});
  EXPECT_TRUE(absl::IsFailedPrecondition(st)) << st;

  // A transfer that does not build is refused and the old copy stays.
  auto broken = std::make_shared<const std::string>("@ IN A 192.0.2.1\n");
  EXPECT_FALSE(Apply(change::TransferredZone{"other.test.", broken, "x"}).ok());
  EXPECT_EQ(Serial("other.test."), 2026120800u);
  // Only secondaries take transfers.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      Apply(change::TransferredZone{"example.test.", text, "x"})));

  // Expiry: SERVFAIL set, then cleared.
  ASSERT_TRUE(Apply(change::SetZoneExpired{"other.test.", true}).ok());
  EXPECT_EQ(state_.expired.count(Wire("other.test.")), 1u);
  ASSERT_TRUE(Apply(change::SetZoneExpired{"other.test.", false}).ok());
  EXPECT_EQ(state_.expired.count(Wire("other.test.")), 0u);

  // A master file for a secondary origin is an error at the next transfer.
  config_.zones.push_back({"other.test.", dir_ + "/example.test.zone"});
  st = Apply(change::TransferredZone{"other.test.", text, "x"});
  EXPECT_THAT(std::string(st.message()), HasSubstr("only Route 53 record sets (.json)"));
}

}  // namespace
}  // namespace dns::control
