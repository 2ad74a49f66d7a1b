// ControlState: the one owner of the current inputs. Journal replay across
// restarts, the command-line vs data-dir precedence rule, refused changes
// keeping the old data, and SIGHUP reusing unchanged zones.
#include "dns/control/control_state.h"

#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dns/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/test_util.h"

namespace dns::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kOrigin[] = "example.test.";

class ControlStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    zone_path_ = dir_ + "/example.test.zone";
    WriteText(zone_path_, MinimalZone(kOrigin, 1));
    config_.zones.push_back({kOrigin, zone_path_});
    config_.data_dir = dir_ + "/data";
  }

  std::unique_ptr<ControlState> Start() {
    log_.clear();
    absl::StatusOr<std::unique_ptr<ControlState>> s =
        ControlState::Create(config_, [this](const std::string& l) { log_ += l + "\n"; });
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }

  // The zone object serving `origin` in the current snapshot (nullptr: none).
  static const zones::Zone* Serving(const ControlState& state, const std::string& origin) {
    std::string wire;
    EXPECT_TRUE(NameFromText(origin, &wire));
    const zones::Zone* found = nullptr;
    state.WithSnapshot([&](const Snapshot& s) { found = s.zones.Get(wire); });
    return found;
  }
  static bool HasName(const ControlState& state, const std::string& origin,
                      const std::string& name) {
    const zones::Zone* z = Serving(state, origin);
    std::string wire;
    EXPECT_TRUE(NameFromText(name, &wire));
    return z != nullptr && z->Find(wire) != nullptr;
  }

  // Writes DIR/locations.csv (the header, then `rows`) and makes it the
  // default latency table; returns its path.
  std::string UseDefaultLatency(const std::string& rows) {
    const std::string locations = dir_ + "/locations.csv";
    WriteText(locations, "network,latitude,longitude,country\n" + rows);
    config_.default_latency = locations;
    return locations;
  }

  std::string dir_, zone_path_, log_;
  dns::control::Config config_;
};

TEST_F(ControlStateTest, ChangesAreReplayedFromTheJournalAfterARestart) {
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    EXPECT_EQ(state->Zone(kOrigin)->managed_by, ManagedBy::kCommandLine);
    ASSERT_TRUE(state->ApplyChanges(kOrigin, Batch("CREATE", "a.example.test.", "192.0.2.21"), "")
                    .ok());
    absl::StatusOr<ChangeResult> r =
        state->ApplyChanges("EXAMPLE.test", Batch("CREATE", "b.example.test.", "192.0.2.22"), "c");
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->comment, "c");
    EXPECT_THAT(r->id, HasSubstr("/change/C"));
    EXPECT_EQ(r->zone.changes_applied, 2u);
    EXPECT_EQ(r->zone.managed_by, ManagedBy::kApi);
    ASSERT_TRUE(state->ApplyChanges(kOrigin, Batch("DELETE", "a.example.test.", "192.0.2.21"), "")
                    .ok());
    EXPECT_FALSE(HasName(*state, kOrigin, "a.example.test."));
    EXPECT_TRUE(HasName(*state, kOrigin, "b.example.test."));
  }
  // The command-line file changes meanwhile: the data dir's copy wins.
  WriteText(zone_path_, MinimalZone(kOrigin, 99));
  auto state = Start();
  ASSERT_NE(state, nullptr);
  absl::StatusOr<ZoneInfo> z = state->Zone(kOrigin);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->managed_by, ManagedBy::kApi);
  EXPECT_EQ(z->changes_applied, 3u);
  EXPECT_EQ(z->serial, 4u);  // 1 from the file, + 1 per change batch, kept
  EXPECT_FALSE(HasName(*state, kOrigin, "a.example.test."));
  EXPECT_TRUE(HasName(*state, kOrigin, "b.example.test."));
  EXPECT_THAT(log_, HasSubstr("3 change batches"));
}

TEST_F(ControlStateTest, RefusedChangeKeepsTheOldDataAndWritesNothing) {
  auto state = Start();
  ASSERT_NE(state, nullptr);
  const zones::Zone* before = Serving(*state, kOrigin);
  absl::StatusOr<ChangeResult> r =
      state->ApplyChanges(kOrigin, Batch("CREATE", "www.example.test.", "192.0.2.99"), "");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(r.status()));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("already exists"));
  EXPECT_EQ(Serving(*state, kOrigin), before);
  EXPECT_EQ(state->Zone(kOrigin)->managed_by, ManagedBy::kCommandLine);
  EXPECT_EQ(state->reloads().api_failures, 1u);
  // A bad zone upload is refused with file:line.
  absl::StatusOr<ZoneInfo> put =
      state->PutZone(kOrigin, {ZoneFile{"up.zone", "master", "$ORIGIN example.test.\n@ IN SOA"}});
  ASSERT_FALSE(put.ok());
  EXPECT_THAT(std::string(put.status().message()), HasSubstr("up.zone:"));
  EXPECT_EQ(Serving(*state, kOrigin), before);
  EXPECT_TRUE(absl::IsNotFound(state->ApplyChanges("nope.test.", "{}", "").status()));
  // Nothing reached the data dir.
  EXPECT_TRUE(List(config_.data_dir + "/zones").empty());
}

TEST_F(ControlStateTest, PutZoneThenRestartLoadsTheUploadedZone) {
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    absl::StatusOr<ZoneInfo> z = state->PutZone(
        "other.test", {ZoneFile{"other.zone", "", MinimalZone("other.test.", 7)}});
    ASSERT_TRUE(z.ok()) << z.status();
    EXPECT_EQ(z->origin, "other.test.");
    EXPECT_EQ(z->serial, 7u);
    EXPECT_EQ(state->zone_count(), 2u);
  }
  auto state = Start();
  ASSERT_NE(state, nullptr);
  absl::StatusOr<ZoneInfo> z = state->Zone("other.test.");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->serial, 7u);
  EXPECT_EQ(z->sources, std::vector<std::string>{"other.zone"});
  EXPECT_EQ(state->Zone(kOrigin)->managed_by, ManagedBy::kCommandLine);
}

TEST_F(ControlStateTest, UnloadedCommandLineZoneStaysUnloaded) {
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    ASSERT_EQ(state->UnloadZone(kOrigin).value(), kOrigin);
    EXPECT_EQ(Serving(*state, kOrigin), nullptr);
    ASSERT_TRUE(state->ReloadFiles().ok());  // SIGHUP does not bring it back
    EXPECT_EQ(Serving(*state, kOrigin), nullptr);
  }
  auto state = Start();
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(Serving(*state, kOrigin), nullptr);
  EXPECT_TRUE(absl::IsNotFound(state->Zone(kOrigin).status()));
}

TEST_F(ControlStateTest, WithoutDataDirChangesLiveInMemory) {
  config_.data_dir.clear();
  auto state = Start();
  ASSERT_NE(state, nullptr);
  EXPECT_THAT(log_, HasSubstr("in memory only"));
  ASSERT_TRUE(
      state->ApplyChanges(kOrigin, Batch("CREATE", "a.example.test.", "192.0.2.21"), "").ok());
  EXPECT_TRUE(HasName(*state, kOrigin, "a.example.test."));
  auto again = Start();
  EXPECT_FALSE(HasName(*again, kOrigin, "a.example.test."));
}

TEST_F(ControlStateTest, SighupReusesUnchangedZonesAndReparsesChangedOnes) {
  const std::string other = dir_ + "/other.test.zone";
  WriteText(other, MinimalZone("other.test.", 1));
  config_.zones.push_back({"other.test.", other});
  // Files written "now" are racy (same clock tick as a later write); age
  // them so that an unchanged stat proves an unchanged file.
  ASSERT_EQ(system(absl::StrCat("touch -d '-1 hour' ", zone_path_, " ", other).c_str()), 0);
  auto state = Start();
  ASSERT_NE(state, nullptr);
  const zones::Zone* a = Serving(*state, kOrigin);
  const zones::Zone* b = Serving(*state, "other.test.");
  WriteText(other, MinimalZone("other.test.", 2));
  ASSERT_TRUE(state->ReloadFiles().ok());
  EXPECT_EQ(Serving(*state, kOrigin), a);  // same object: not re-parsed
  EXPECT_NE(Serving(*state, "other.test."), b);
  EXPECT_EQ(state->Zone("other.test.")->serial, 2u);
  EXPECT_EQ(state->reloads().sighup, 1u);
  // A broken file: refused, the old zone keeps serving.
  const zones::Zone* b2 = Serving(*state, "other.test.");
  WriteText(other, "$ORIGIN other.test.\nbroken line\n");
  absl::Status st = state->ReloadFiles();
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("other.test.zone:"));
  EXPECT_EQ(Serving(*state, "other.test."), b2);
  EXPECT_EQ(state->reloads().sighup_failures, 1u);
}

TEST_F(ControlStateTest, ApiManagedZoneIsNotReReadOnSighup) {
  auto state = Start();
  ASSERT_NE(state, nullptr);
  ASSERT_TRUE(
      state->ApplyChanges(kOrigin, Batch("CREATE", "a.example.test.", "192.0.2.21"), "").ok());
  WriteText(zone_path_, MinimalZone(kOrigin, 50));
  ASSERT_TRUE(state->ReloadFiles().ok());
  EXPECT_EQ(state->Zone(kOrigin)->serial, 2u);  // the batch's, not the file's 50
  EXPECT_TRUE(HasName(*state, kOrigin, "a.example.test."));
  EXPECT_THAT(log_, HasSubstr("SIGHUP: not re-reading the --zone files of example.test.:"));
  EXPECT_EQ(state->Zone(kOrigin)->follows, Follows::kDataDir);
  EXPECT_EQ(state->Zone(kOrigin)->zone_files, std::vector<std::string>{zone_path_});
}

// The SOA serial: raised by every change, written to serials.json before
// the change is published, and kept across restarts; the SOA the snapshot
// serves carries it.
TEST_F(ControlStateTest, SerialsPersistInTheDataDir) {
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    EXPECT_EQ(state->Zone(kOrigin)->serial, 1u);
    EXPECT_EQ(state->Zone(kOrigin)->serial_policy, zones::SerialPolicy::kIncrement);
    for (int i = 1; i <= 5; ++i) {
      absl::StatusOr<ChangeResult> r = state->ApplyChanges(
          kOrigin, Batch("CREATE", absl::StrCat("a", i, ".example.test."), "192.0.2.21"), "");
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(r->zone.serial, 1u + i);
      EXPECT_EQ(Serving(*state, kOrigin)->serial(), 1u + i);
    }
    ASSERT_TRUE(state->PutZone("other.test", {ZoneFile{"other.zone", "master",
                                                       MinimalZone("other.test.", 7)}})
                    .ok());
    ASSERT_TRUE(state->UnloadZone("other.test").ok());
    const std::string json = ReadText(config_.data_dir + "/serials.json");
    EXPECT_THAT(json, HasSubstr("\"example.test.\": {\n      \"data_serial\": 1,"));
    EXPECT_THAT(json, HasSubstr("\"serial\": 6"));
    EXPECT_THAT(json, HasSubstr("\"other.test.\""));  // kept after unloading
  }
  WriteText(zone_path_, MinimalZone(kOrigin, 1) + "changed IN A 192.0.2.3\n");
  auto state = Start();
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->Zone(kOrigin)->serial, 6u);  // the data dir's zone, as served
  EXPECT_EQ(Serving(*state, kOrigin)->serial(), 6u);
  // other.test. loaded again with the same data: the same serial.
  ASSERT_TRUE(state->PutZone("other.test", {ZoneFile{"other.zone", "master",
                                                     MinimalZone("other.test.", 7)}})
                  .ok());
  EXPECT_EQ(state->Zone("other.test.")->serial, 7u);
  // Back to the (changed) file: on from 6.
  absl::StatusOr<ZoneInfo> z = state->FollowFile(kOrigin);
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(z->serial, 7u);
  EXPECT_THAT(log_, HasSubstr("serial 1 of " + zone_path_ +
                              " is not newer than the served 6: serving 7"));
}

// follow-file: the zone goes back to its --zone file, the data dir's copy
// and journal go, and a restart (and SIGHUP) follow the file.
TEST_F(ControlStateTest, FollowFileDropsTheDataDirCopy) {
  const std::string folder = config_.data_dir + "/zones/example.test.";
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    EXPECT_EQ(state->Zone(kOrigin)->follows, Follows::kFile);
    ASSERT_TRUE(
        state->ApplyChanges(kOrigin, Batch("CREATE", "a.example.test.", "192.0.2.21"), "").ok());
    EXPECT_THAT(List(folder), ::testing::Contains("manifest.json"));
    EXPECT_EQ(state->Zone(kOrigin)->follows, Follows::kDataDir);
    absl::StatusOr<ZoneInfo> z = state->FollowFile("Example.Test");
    ASSERT_TRUE(z.ok()) << z.status();
    EXPECT_EQ(z->managed_by, ManagedBy::kCommandLine);
    EXPECT_EQ(z->follows, Follows::kFile);
    EXPECT_EQ(z->serial, 3u);  // the file's 1 is not newer than the served 2
    EXPECT_FALSE(HasName(*state, kOrigin, "a.example.test."));
    EXPECT_TRUE(List(folder).empty()) << "the data dir's copy is gone";
    EXPECT_EQ(state->reloads().api, 2u);
    // Unknown zone, zone without a file.
    EXPECT_TRUE(absl::IsNotFound(state->FollowFile("").status()));
    ASSERT_TRUE(state->PutZone("other.test", {ZoneFile{"other.zone", "master",
                                                       MinimalZone("other.test.", 7)}})
                    .ok());
    EXPECT_TRUE(absl::IsFailedPrecondition(state->FollowFile("other.test").status()));
    EXPECT_EQ(state->Zone("other.test.")->follows, Follows::kDataDir);
  }
  WriteText(zone_path_, MinimalZone(kOrigin, 1) + "b IN A 192.0.2.22\n");
  auto state = Start();
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->Zone(kOrigin)->managed_by, ManagedBy::kCommandLine);
  EXPECT_TRUE(HasName(*state, kOrigin, "b.example.test."));
  EXPECT_EQ(state->Zone(kOrigin)->serial, 4u);
  // A tombstone goes too.
  ASSERT_TRUE(state->UnloadZone(kOrigin).ok());
  EXPECT_THAT(List(folder), ::testing::Contains("manifest.json"));
  ASSERT_TRUE(state->FollowFile(kOrigin).ok());
  EXPECT_TRUE(List(folder).empty());
  auto again = Start();
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(HasName(*again, kOrigin, "b.example.test."));
}

TEST_F(ControlStateTest, LatencyAndRegionStatesPersist) {
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    absl::StatusOr<LatencyInfo> bad = state->PutLatency("network,region,rtt_ms\nnope,x,1\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_THAT(std::string(bad.status().message()), HasSubstr("latency.csv:2:"));
    absl::StatusOr<LatencyInfo> l =
        state->PutLatency("network,region,rtt_ms\n0.0.0.0/0,eu-west-1,10\n0.0.0.0/0,us-east-1,20\n");
    ASSERT_TRUE(l.ok()) << l.status();
    EXPECT_EQ(l->regions, 2u);
    ASSERT_TRUE(state->SetRegionState("eu-west-1", geo::AdminState::kDrain).ok());
    EXPECT_TRUE(absl::IsNotFound(
        state->SetRegionState("no-such-region-9", geo::AdminState::kDrain).status()));
  }
  auto state = Start();
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->Latency().managed_by, ManagedBy::kApi);
  EXPECT_EQ(state->Latency().regions, 2u);
  EXPECT_EQ(state->Region("eu-west-1")->state, geo::AdminState::kDrain);
  // Back up: removed from regions.json.
  ASSERT_TRUE(state->SetRegionState("eu-west-1", geo::AdminState::kUp).ok());
  auto again = Start();
  EXPECT_EQ(again->Region("eu-west-1")->state, geo::AdminState::kUp);
}

TEST_F(ControlStateTest, ChangeToAFileEditedOnDiskIsAConflict) {
  auto state = Start();
  ASSERT_NE(state, nullptr);
  WriteText(zone_path_, MinimalZone(kOrigin, 1) + "; edited\n");
  absl::StatusOr<ChangeResult> r =
      state->ApplyChanges(kOrigin, Batch("CREATE", "a.example.test.", "192.0.2.21"), "");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(r.status())) << r.status();
  EXPECT_FALSE(HasName(*state, kOrigin, "a.example.test."));
}

// A server started without routed names gets the default table the first
// time a zone with routed record sets is loaded through the API.
// Route 53 record sets: app.ORIGIN A, one latency member per region.
std::string LatencyRecordSets(const std::string& origin, const std::vector<std::string>& regions) {
  std::string sets;
  for (const std::string& r : regions) {
    if (!sets.empty()) sets += ",";
    sets += absl::StrCat(R"({"Name": "app.)", origin, R"(", "Type": "A", "SetIdentifier": ")", r,
                         R"(", "Region": ")", r,
                         R"(", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.9"}]})");
  }
  return absl::StrCat(R"({"ResourceRecordSets": [)", sets, "]}");
}

TEST_F(ControlStateTest, DefaultLatencyTableLoadsWhenRoutedNamesArriveLater) {
  const std::string locations =
      UseDefaultLatency("81.2.69.0/24,51.5,-0.12,GB\n8.8.8.0/24,40.7,-74.0,US\n");
  auto state = Start();
  ASSERT_NE(state, nullptr);
  EXPECT_FALSE(state->Latency().source.has_value());  // nothing routed yet
  EXPECT_THAT(log_, Not(HasSubstr("default latency table")));
  const std::string routed = R"({"ResourceRecordSets": [
    {"Name": "app.other.test.", "Type": "A", "SetIdentifier": "euw1",
     "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]},
    {"Name": "app.other.test.", "Type": "A", "SetIdentifier": "use1",
     "Region": "us-east-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.2"}]}]})";
  absl::StatusOr<ZoneInfo> z = state->PutZone(
      "other.test", {ZoneFile{"other.zone", "master", MinimalZone("other.test.", 3)},
                     ZoneFile{"other.json", "route53", routed}});
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(z->routed_record_sets, 2u);
  EXPECT_EQ(state->Latency().source, locations);
  EXPECT_GE(state->Latency().networks, 2u);
  EXPECT_THAT(log_, HasSubstr("default latency table " + locations));
}

// The default table ranks only the regions latency record sets name: a
// weighted-only zone needs none; a region that comes into use later is
// ranked by a reload of the default table; answers for the regions it
// already ranked stay as they were.
TEST_F(ControlStateTest, DefaultLatencyTableRanksTheRegionsInUse) {
  const std::string locations = UseDefaultLatency(
      "81.2.69.0/24,51.5,-0.12,GB\n8.8.8.0/24,40.7,-74.0,US\n1.0.0.0/24,1.3,103.8,SG\n");
  auto state = Start();
  ASSERT_NE(state, nullptr);
  const std::string weighted = R"({"ResourceRecordSets": [
    {"Name": "w.other.test.", "Type": "A", "SetIdentifier": "a", "Weight": 1,
     "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}]})";
  ASSERT_TRUE(state
                  ->PutZone("other.test",
                            {ZoneFile{"other.zone", "master", MinimalZone("other.test.", 3)},
                             ZoneFile{"other.json", "route53", weighted}})
                  .ok());
  EXPECT_FALSE(state->Latency().source.has_value());
  EXPECT_THAT(log_, Not(HasSubstr("default latency table")));

  ASSERT_TRUE(state
                  ->PutZone("two.test",
                            {ZoneFile{"two.zone", "master", MinimalZone("two.test.", 1)},
                             ZoneFile{"two.json", "route53",
                                      LatencyRecordSets("two.test.", {"eu-west-1", "us-east-1"})}})
                  .ok());
  EXPECT_EQ(state->Latency().source, locations);
  EXPECT_EQ(state->Latency().regions, 2u);
  EXPECT_THAT(log_, HasSubstr("3 locations x 2 regions (those in use"));
  // A zone naming only regions already ranked: no reload.
  log_.clear();
  ASSERT_TRUE(state
                  ->PutZone("one.test",
                            {ZoneFile{"one.zone", "master", MinimalZone("one.test.", 1)},
                             ZoneFile{"one.json", "route53", LatencyRecordSets("one.test.", {"us-east-1"})}})
                  .ok());
  EXPECT_THAT(log_, Not(HasSubstr("default latency table")));
  // A change batch naming a region in use: no re-rank either.
  const std::string batch = R"({"Changes": [{"Action": "UPSERT", "ResourceRecordSet":
    {"Name": "lat.one.test.", "Type": "A", "SetIdentifier": "us-east-1-b", "Region": "us-east-1",
     "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.99"}]}}]})";
  ASSERT_TRUE(state->ApplyChanges("one.test", batch, "").ok());
  EXPECT_THAT(log_, Not(HasSubstr("default latency table")));
  EXPECT_EQ(state->reloads().default_latency_rankings, 1u);
  // A new region: ranked too.
  ASSERT_TRUE(state
                  ->PutZone("three.test",
                            {ZoneFile{"three.zone", "master", MinimalZone("three.test.", 1)},
                             ZoneFile{"three.json", "route53",
                                      LatencyRecordSets("three.test.", {"ap-southeast-1", "eu-west-1"})}})
                  .ok());
  EXPECT_THAT(log_, HasSubstr("3 locations x 3 regions (those in use"));
  EXPECT_EQ(state->Latency().regions, 3u);
  EXPECT_EQ(state->reloads().default_latency_rankings, 2u);
}

// SIGHUP loads the default table's file again when it changed (the build
// rewrites it after a tor-geoipdb update); a broken one is refused and the
// old table keeps serving.
TEST_F(ControlStateTest, SighupReloadsAChangedDefaultTable) {
  const std::string json = dir_ + "/example.test.json";
  WriteText(json, LatencyRecordSets("example.test.", {"eu-west-1", "us-east-1"}));
  config_.zones.push_back({kOrigin, json});
  const std::string locations = UseDefaultLatency("81.2.69.0/24,51.5,-0.12,GB\n");
  ASSERT_EQ(system(absl::StrCat("touch -d '-1 hour' ", zone_path_, " ", json, " ",
                                locations).c_str()),
            0);
  auto state = Start();
  ASSERT_NE(state, nullptr);
  const size_t before = state->Latency().networks;
  // Unchanged: nothing to publish.
  ASSERT_TRUE(state->ReloadFiles().ok());
  EXPECT_THAT(log_, HasSubstr("SIGHUP: no file changed"));
  // Changed: loaded again.
  WriteText(locations,
            "network,latitude,longitude,country\n81.2.69.0/24,51.5,-0.12,GB\n"
            "8.8.8.0/24,40.7,-74.0,US\n1.0.0.0/24,1.3,103.8,SG\n");
  ASSERT_TRUE(state->ReloadFiles().ok());
  EXPECT_THAT(log_, HasSubstr("SIGHUP: reloaded default latency table " + locations));
  EXPECT_EQ(state->Latency().source, locations);
  EXPECT_NE(state->Latency().networks, before);
  const size_t after = state->Latency().networks;
  // Broken: refused with file:line, the table stays.
  WriteText(locations, "network,latitude,longitude,country\n8.8.8.0/24,91,0,US\n");
  absl::Status st = state->ReloadFiles();
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()), HasSubstr("locations.csv:2:"));
  EXPECT_EQ(state->Latency().networks, after);
}

// Routed record sets and no latency table: the default (a network
// locations file ranked at start-up) serves, says so in one line, and
// gives way to --latency and to the data dir's table.
TEST_F(ControlStateTest, DefaultLatencyTableWhenRoutedNamesHaveNone) {
  const std::string json = dir_ + "/example.test.json";
  WriteText(json, R"({"ResourceRecordSets": [
    {"Name": "app.example.test.", "Type": "A", "SetIdentifier": "euw1",
     "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]},
    {"Name": "app.example.test.", "Type": "A", "SetIdentifier": "use1",
     "Region": "us-east-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.2"}]}]})");
  config_.zones.push_back({kOrigin, json});
  const std::string locations =
      UseDefaultLatency("81.2.69.0/24,51.5,-0.12,GB\n8.8.8.0/24,40.7,-74.0,US\n");
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    EXPECT_EQ(state->Latency().source, locations);
    EXPECT_GE(state->Latency().networks, 2u);
    EXPECT_THAT(log_, HasSubstr("default latency table " + locations));
    EXPECT_THAT(log_, Not(HasSubstr("no latency table")));
  }
  // "off": none.
  config_.default_latency = "off";
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    EXPECT_FALSE(state->Latency().source.has_value());
    EXPECT_THAT(log_, HasSubstr("latency record sets but no latency table"));
  }
  // A named file that does not load stops start-up with file:line.
  config_.default_latency = dir_ + "/bad.csv";
  WriteText(config_.default_latency, "network,latitude,longitude\n1.2.3.0/24,1\n");
  EXPECT_THAT(std::string(ControlState::Create(config_, [](const std::string&) {})
                              .status()
                              .message()),
              HasSubstr("bad.csv:2:"));
  // --latency wins.
  config_.default_latency = locations;
  config_.latency = ExamplePath("latency.csv");
  {
    auto state = Start();
    ASSERT_NE(state, nullptr);
    EXPECT_EQ(state->Latency().source, config_.latency);
    EXPECT_THAT(log_, Not(HasSubstr("default latency table")));
  }
}

// ---------------------------------------------------------------------------
// Health checks (issue 5): every HealthCheckId must be a loaded check.

namespace health {

constexpr char kChecks[] = R"({"HealthChecks": [
  {"Id": "hc-a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}},
  {"Id": "hc-b", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}}]})";

std::string RecordSets(const std::string& check) {
  return absl::StrCat(R"({"ResourceRecordSets": [
  {"Name": "app.example.test.", "Type": "A", "SetIdentifier": "eu", "Region": "eu-west-1",
   "TTL": 60, "HealthCheckId": ")", check, R"(", "ResourceRecords": [{"Value": "192.0.2.1"}]}]})");
}

}  // namespace health

class ControlStateHealthTest : public ControlStateTest {
 protected:
  void SetUp() override {
    ControlStateTest::SetUp();
    checks_path_ = dir_ + "/health-checks.json";
    WriteText(checks_path_, health::kChecks);
    WriteText(dir_ + "/app.json", health::RecordSets("hc-a"));
    config_.zones.push_back({kOrigin, dir_ + "/app.json"});
    config_.health_checks = checks_path_;
  }
  std::string checks_path_;
};

TEST_F(ControlStateHealthTest, UnknownHealthCheckIdStopsStartUpNamingTheRecord) {
  WriteText(dir_ + "/app.json", health::RecordSets("hc-nope"));
  absl::StatusOr<std::unique_ptr<ControlState>> s =
      ControlState::Create(config_, [](const std::string&) {});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(),
              HasSubstr("app.json:2: record set [name='app.example.test.', type='A', "
                        "set-identifier='eu']: HealthCheckId 'hc-nope' is not a configured "
                        "health check"));
}

TEST_F(ControlStateHealthTest, WithoutHealthChecksAnyHealthCheckIdIsAnError) {
  config_.health_checks.clear();
  absl::StatusOr<std::unique_ptr<ControlState>> s =
      ControlState::Create(config_, [](const std::string&) {});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("HealthCheckId 'hc-a'"));
}

TEST_F(ControlStateHealthTest, BadHealthChecksFileIsFileLine) {
  WriteText(checks_path_, "{\"HealthChecks\": [\n  {\"Id\": 5}]}");
  absl::StatusOr<std::unique_ptr<ControlState>> s =
      ControlState::Create(config_, [](const std::string&) {});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr(checks_path_ + ":2:"));
}

TEST_F(ControlStateHealthTest, StatusListsRecordSetsUsingEachCheck) {
  std::unique_ptr<ControlState> state = Start();
  ASSERT_NE(state, nullptr);
  std::vector<HealthCheckInfo> checks = state->HealthChecks();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].status.id, "hc-a");
  ASSERT_EQ(checks[0].used_by.size(), 1u);
  EXPECT_EQ(checks[0].used_by[0].name, "app.example.test.");
  EXPECT_EQ(checks[0].used_by[0].type, "A");
  EXPECT_EQ(checks[0].used_by[0].set_identifier, "eu");
  EXPECT_TRUE(checks[1].used_by.empty());
  HealthChecksSummary sum = state->HealthChecksSummaryInfo();
  EXPECT_EQ(sum.source, checks_path_);
  EXPECT_EQ(sum.managed_by, ManagedBy::kCommandLine);
  EXPECT_FALSE(sum.probing) << "not started: nothing probes (--explain)";
}

TEST_F(ControlStateHealthTest, ReloadThatOrphansAnIdIsRefusedAndPutPersists) {
  std::unique_ptr<ControlState> state = Start();
  ASSERT_NE(state, nullptr);
  const std::string only_b = R"({"HealthChecks": [
  {"Id": "hc-b", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}}]})";
  absl::StatusOr<HealthChecksSummary> r = state->PutHealthChecks(only_b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("HealthCheckId 'hc-a' is not a configured"));
  EXPECT_EQ(state->HealthChecks().size(), 2u) << "old checks keep running";
  EXPECT_FALSE(ReadText(config_.data_dir + "/health-checks.json").size() > 0);

  // A change batch that names an unknown id is refused too.
  absl::StatusOr<ChangeResult> c = state->ApplyChanges(
      kOrigin,
      R"({"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":"x.example.test.",
         "Type":"A","SetIdentifier":"w","Weight":1,"TTL":60,"HealthCheckId":"hc-zz",
         "ResourceRecords":[{"Value":"192.0.2.9"}]}}]})",
      "");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("HealthCheckId 'hc-zz'"));

  const std::string three = R"({"HealthChecks": [
  {"Id": "hc-a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}},
  {"Id": "hc-c", "HealthCheckConfig": {"Type": "HTTP", "IPAddress": "127.0.0.1", "Port": 9,
   "Shiny": true}}]})";
  r = state->PutHealthChecks(three);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->checks, 2u);
  EXPECT_EQ(r->managed_by, ManagedBy::kApi);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_THAT(r->warnings[0], HasSubstr("health-checks.json:3: health check 'hc-c'"));
  EXPECT_EQ(ReadText(config_.data_dir + "/health-checks.json"), three);

  // After a restart the data dir's checks win over --health-checks.
  state.reset();
  state = Start();
  ASSERT_NE(state, nullptr);
  std::vector<HealthCheckInfo> checks = state->HealthChecks();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[1].status.id, "hc-c");
  EXPECT_EQ(state->HealthChecksSummaryInfo().managed_by, ManagedBy::kApi);
  EXPECT_THAT(log_, HasSubstr("the data dir's version replaces"));
}

// A PUT whose data-dir write fails changes nothing: the running checks are
// not restarted (their state and last change stay as they were).
TEST_F(ControlStateHealthTest, FailedDataDirWriteLeavesRunningChecksAlone) {
  std::unique_ptr<ControlState> state = Start();
  ASSERT_NE(state, nullptr);
  const std::vector<HealthCheckInfo> before = state->HealthChecks();
  ASSERT_EQ(before.size(), 2u);
  // A directory where the file must go: the rename into place fails.
  const std::string target = config_.data_dir + "/health-checks.json";
  ASSERT_EQ(system(absl::StrCat("mkdir -p ", target, "/x").c_str()), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::string three = R"({"HealthChecks": [
  {"Id": "hc-a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}},
  {"Id": "hc-b", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 10}},
  {"Id": "hc-c", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}}]})";
  absl::StatusOr<HealthChecksSummary> r = state->PutHealthChecks(three);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("data dir not written"));
  const std::vector<HealthCheckInfo> after = state->HealthChecks();
  ASSERT_EQ(after.size(), 2u);
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].status.id, before[i].status.id);
    EXPECT_EQ(after[i].status.description, before[i].status.description);
    EXPECT_TRUE(after[i].status.last_change == before[i].status.last_change)
        << after[i].status.id << " was restarted";
  }
}

TEST_F(ControlStateHealthTest, SighupReReadsTheHealthChecksFile) {
  std::unique_ptr<ControlState> state = Start();
  ASSERT_NE(state, nullptr);
  // Drop hc-a: refused, the old checks stay.
  WriteText(checks_path_, R"({"HealthChecks": [
  {"Id": "hc-b", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}}]})");
  absl::Status st = state->ReloadFiles();
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr("HealthCheckId 'hc-a'"));
  EXPECT_EQ(state->HealthChecks().size(), 2u);
  // Add one: accepted.
  WriteText(checks_path_, R"({"HealthChecks": [
  {"Id": "hc-a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}},
  {"Id": "hc-b", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}},
  {"Id": "hc-c", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "127.0.0.1", "Port": 9}}]})");
  st = state->ReloadFiles();
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(state->HealthChecks().size(), 3u);
}

TEST(LoadTsigKeysTest, FlagsAndBindFileMakeOneRingAndEveryNamedKeyMustExist) {
  const std::string dir = MakeTempDir();
  const std::string file = dir + "/keys.conf";
  WriteText(file,
            "# tsig-keygen output\n"
            "key \"from-file\" {\n\talgorithm hmac-sha512;\n\tsecret \"c2VjcmV0MTIzNA==\";\n};\n");
  Config config;
  config.tsig_keys = {"xfr:hmac-sha256:c2VjcmV0"};
  config.tsig_keys_file = file;
  config.transfer.all_zones.allow_transfer.push_back(*xfr::ParseAclEntry("127.0.0.1:from-file"));
  absl::StatusOr<std::shared_ptr<const tsig::KeyRing>> ring = LoadTsigKeys(config);
  ASSERT_TRUE(ring.ok()) << ring.status();
  EXPECT_EQ((*ring)->size(), 2u);

  config.transfer.all_zones.notify.push_back(*xfr::ParseEndpoint("127.0.0.1:5301:nokey"));
  ring = LoadTsigKeys(config);
  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(std::string(ring.status().message()),
              HasSubstr("notify 127.0.0.1:5301:nokey: no TSIG key 'nokey.'"));

  config.transfer.all_zones.notify.clear();
  config.tsig_keys.push_back("xfr:hmac-nonsense:c2VjcmV0");
  ring = LoadTsigKeys(config);
  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(std::string(ring.status().message()), HasSubstr("--tsig-key: "));
  EXPECT_THAT(std::string(ring.status().message()), Not(HasSubstr("c2VjcmV0")));
}

}  // namespace
}  // namespace dns::control
