// DataStore: atomic writes, crash leftovers ignored at load, journal order,
// generations and tombstones.
#include "dns/control/data_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/test_util.h"

namespace dns::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::unique_ptr<DataStore> OpenStore(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<DataStore>> s = DataStore::Open(dir);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

std::vector<ZoneFile> Files(const std::string& content) {
  return {ZoneFile{"example.test.zone", "master", content}};
}

JournalEntry Change(const std::string& id, const std::string& batch) {
  JournalEntry e;
  e.id = id;
  e.submitted_at = "2026-11-28T00:00:00Z";
  e.batch_json = batch;
  return e;
}

TEST(ZoneFolderNameTest, EscapesOddBytesAndTheRoot) {
  EXPECT_EQ(ZoneFolderName("example.com."), "example.com.");
  EXPECT_EQ(ZoneFolderName("."), "%2E");
  EXPECT_EQ(ZoneFolderName("a/b\\032c."), "a%2Fb%5C032c.");
}

TEST(DataStoreTest, ZoneRoundTripAndJournalInOrder) {
  const std::string dir = MakeTempDir();
  {
    auto store = OpenStore(dir);
    ASSERT_THAT(store->LoadZones().value(), IsEmpty());
    ASSERT_TRUE(store->PutZone("example.test.", Files("zone v1")).ok());
    for (int i = 1; i <= 12; ++i) {
      JournalEntry e = Change("/change/C" + std::to_string(i),
                              "{\"Changes\":[],\"n\":" + std::to_string(i) + "}");
      ASSERT_TRUE(store->AppendChange("example.test.", &e).ok());
      EXPECT_EQ(e.seq, static_cast<uint64_t>(i));
    }
  }
  auto store = OpenStore(dir);
  std::vector<StoredZone> zones = store->LoadZones().value();
  ASSERT_EQ(zones.size(), 1u);
  const StoredZone& z = zones[0];
  EXPECT_EQ(z.origin, "example.test.");
  EXPECT_FALSE(z.unloaded);
  ASSERT_EQ(z.files.size(), 1u);
  EXPECT_EQ(z.files[0].name, "example.test.zone");
  EXPECT_EQ(z.files[0].format, "master");
  EXPECT_EQ(z.files[0].content, "zone v1");
  ASSERT_EQ(z.changes.size(), 12u);  // 10..12 sort after 1..9
  for (size_t i = 0; i < z.changes.size(); ++i) {
    EXPECT_EQ(z.changes[i].seq, i + 1);
    EXPECT_EQ(z.changes[i].id, "/change/C" + std::to_string(i + 1));
    EXPECT_THAT(z.changes[i].batch_json, HasSubstr("\"n\":" + std::to_string(i + 1)));
  }
  // The journal continues after a reload.
  JournalEntry e = Change("/change/C13", "{\"Changes\":[]}");
  ASSERT_TRUE(store->AppendChange("example.test.", &e).ok());
  EXPECT_EQ(e.seq, 13u);
}

TEST(DataStoreTest, ReplaceResetsTheJournal) {
  const std::string dir = MakeTempDir();
  {
    auto store = OpenStore(dir);
    ASSERT_TRUE(store->LoadZones().ok());
    ASSERT_TRUE(store->PutZone("example.test.", Files("v1")).ok());
    JournalEntry e = Change("/change/C1", "{\"Changes\":[]}");
    ASSERT_TRUE(store->AppendChange("example.test.", &e).ok());
    ASSERT_TRUE(store->PutZone("example.test.", Files("v2")).ok());
  }
  auto store = OpenStore(dir);
  std::vector<StoredZone> zones = store->LoadZones().value();
  ASSERT_EQ(zones.size(), 1u);
  EXPECT_EQ(zones[0].generation, 2u);
  EXPECT_EQ(zones[0].files[0].content, "v2");
  EXPECT_THAT(zones[0].changes, IsEmpty());
  EXPECT_THAT(List(zones[0].folder), ElementsAre("000002-0.zone", "changes", "manifest.json"));
}

// A crash at any point of a write leaves temp files or files of an
// uncommitted generation: load ignores (and removes) them.
TEST(DataStoreTest, CrashLeftoversAreIgnoredAtLoad) {
  const std::string dir = MakeTempDir();
  std::string folder;
  {
    auto store = OpenStore(dir);
    ASSERT_TRUE(store->LoadZones().ok());
    ASSERT_TRUE(store->PutZone("example.test.", Files("committed")).ok());
    JournalEntry e = Change("/change/C1", "{\"Changes\":[]}");
    ASSERT_TRUE(store->AppendChange("example.test.", &e).ok());
    folder = dir + "/zones/example.test.";
  }
  // Crash while replacing: the new generation's file was written, then a
  // half-written manifest temp file; the rename never happened.
  WriteText(folder + "/000002-0.zone", "uncommitted");
  WriteText(folder + "/manifest.json.tmp-999-0", "{\"origin\":\"example.test.\",\"gener");
  // Crash while journaling the second change: only its temp file exists.
  WriteText(folder + "/changes/000001-000002.json.tmp-999-1", "{\"id\":");
  // Crash after a replace committed but before cleanup: a stale journal
  // entry of an old generation.
  WriteText(folder + "/changes/000000-000001.json", "{\"change_batch\":{}}");
  // A crash in the first write of another zone: no manifest yet.
  ASSERT_EQ(mkdir((dir + "/zones/other.test.").c_str(), 0755), 0);
  WriteText(dir + "/zones/other.test./000001-0.zone", "half");
  // And a top-level temp file.
  WriteText(dir + "/latency.csv.tmp-999-2", "network,re");

  auto store = OpenStore(dir);
  std::vector<StoredZone> zones = store->LoadZones().value();
  ASSERT_EQ(zones.size(), 1u);
  EXPECT_EQ(zones[0].generation, 1u);
  EXPECT_EQ(zones[0].files[0].content, "committed");
  ASSERT_EQ(zones[0].changes.size(), 1u);
  EXPECT_EQ(zones[0].changes[0].id, "/change/C1");
  // Garbage is gone.
  EXPECT_THAT(List(folder), ElementsAre("000001-0.zone", "changes", "manifest.json"));
  EXPECT_THAT(List(folder + "/changes"), ElementsAre("000001-000001.json"));
  EXPECT_THAT(List(dir + "/zones"), ElementsAre("example.test."));
  EXPECT_FALSE(store->LoadLatency().value().has_value());
  EXPECT_THAT(List(dir), ElementsAre("zones"));
}

TEST(DataStoreTest, JournalGapIsDataLoss) {
  const std::string dir = MakeTempDir();
  {
    auto store = OpenStore(dir);
    ASSERT_TRUE(store->LoadZones().ok());
    ASSERT_TRUE(store->PutZone("example.test.", Files("z")).ok());
    for (int i = 0; i < 3; ++i) {
      JournalEntry e = Change("/change/C", "{\"Changes\":[]}");
      ASSERT_TRUE(store->AppendChange("example.test.", &e).ok());
    }
  }
  ASSERT_EQ(unlink((dir + "/zones/example.test./changes/000001-000002.json").c_str()), 0);
  auto store = OpenStore(dir);
  absl::StatusOr<std::vector<StoredZone>> zones = store->LoadZones();
  ASSERT_FALSE(zones.ok());
  EXPECT_TRUE(absl::IsDataLoss(zones.status()));
  EXPECT_THAT(std::string(zones.status().message()), HasSubstr("000001-000003.json"));
}

TEST(DataStoreTest, TombstoneHasNoFilesAndRefusesChanges) {
  const std::string dir = MakeTempDir();
  {
    auto store = OpenStore(dir);
    ASSERT_TRUE(store->LoadZones().ok());
    ASSERT_TRUE(store->PutZone("example.test.", Files("z")).ok());
    ASSERT_TRUE(store->PutTombstone("example.test.").ok());
    JournalEntry e = Change("/change/C", "{\"Changes\":[]}");
    EXPECT_TRUE(absl::IsFailedPrecondition(store->AppendChange("example.test.", &e)));
  }
  auto store = OpenStore(dir);
  std::vector<StoredZone> zones = store->LoadZones().value();
  ASSERT_EQ(zones.size(), 1u);
  EXPECT_TRUE(zones[0].unloaded);
  EXPECT_EQ(zones[0].generation, 2u);
  EXPECT_THAT(zones[0].files, IsEmpty());
  EXPECT_FALSE(store->HasZone("example.test."));
}

TEST(DataStoreTest, LatencyAndRegionStatesRoundTrip) {
  const std::string dir = MakeTempDir();
  {
    auto store = OpenStore(dir);
    ASSERT_TRUE(store->PutLatency("network,region,rtt_ms\n0.0.0.0/0,eu-west-1,1\n").ok());
    ASSERT_TRUE(store->PutRegionStates({{"eu-west-1", "drain"}, {"us-east-1", "down"}}).ok());
  }
  auto store = OpenStore(dir);
  EXPECT_EQ(store->LoadLatency().value().value(), "network,region,rtt_ms\n0.0.0.0/0,eu-west-1,1\n");
  using P = std::pair<std::string, std::string>;
  EXPECT_THAT(store->LoadRegionStates().value(),
              ElementsAre(P{"eu-west-1", "drain"}, P{"us-east-1", "down"}));
}

TEST(DataStoreTest, SerialsRoundTrip) {
  const std::string dir = MakeTempDir();
  {
    auto store = OpenStore(dir);
    EXPECT_THAT(store->LoadSerials().value(), IsEmpty());
    std::map<std::string, ZoneSerial> serials;
    serials["example.test."] = ZoneSerial{2024060105, 2024060101, 0x0123456789abcdefull};
    serials["other.test."] = ZoneSerial{0xFFFFFFFFu, 7, 0xFFFFFFFFFFFFFFFFull};
    ASSERT_TRUE(store->PutSerials(serials).ok());
  }
  auto store = OpenStore(dir);
  std::map<std::string, ZoneSerial> back = store->LoadSerials().value();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back["example.test."], (ZoneSerial{2024060105, 2024060101, 0x0123456789abcdefull}));
  EXPECT_EQ(back["other.test."], (ZoneSerial{0xFFFFFFFFu, 7, 0xFFFFFFFFFFFFFFFFull}));
  EXPECT_THAT(ReadText(dir + "/serials.json"), HasSubstr("\"digest\": \"0123456789abcdef\""));
  // Written atomically: no temp file stays behind.
  EXPECT_THAT(List(dir), ElementsAre("serials.json", "zones"));
  // A file that does not parse stops start-up naming it.
  WriteText(dir + "/serials.json", R"({"zones": {"a.": {"serial": 1, "data_serial": 1,
    "digest": "xyz"}}})");
  absl::StatusOr<std::map<std::string, ZoneSerial>> bad = store->LoadSerials();
  EXPECT_TRUE(absl::IsDataLoss(bad.status()));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("serials.json: zone a.: digest"));
  WriteText(dir + "/serials.json",
            R"({"zones": {"a.": {"serial": -1, "data_serial": 1, "digest": "0"}}})");
  EXPECT_EQ(store->LoadSerials().status().message(),
            dir + "/serials.json: zone a.: serial -1 is not a serial (0..4294967295)");
  WriteText(dir + "/serials.json", R"({"zones": {"a.": {"serial": 1}}})");
  EXPECT_TRUE(absl::IsDataLoss(store->LoadSerials().status()));
}

TEST(DataStoreTest, DropZoneRemovesFilesJournalAndTombstone) {
  const std::string dir = MakeTempDir();
  const std::string folder = dir + "/zones/example.test.";
  {
    auto store = OpenStore(dir);
    ASSERT_TRUE(store->LoadZones().ok());
    ASSERT_TRUE(store->DropZone("example.test.").ok());  // nothing there: fine
    ASSERT_TRUE(store->PutZone("example.test.", Files("zone v1")).ok());
    JournalEntry e = Change("/change/C1", "{\"Changes\":[]}");
    ASSERT_TRUE(store->AppendChange("example.test.", &e).ok());
    ASSERT_TRUE(store->DropZone("example.test.").ok());
    EXPECT_FALSE(store->HasZone("example.test."));
    EXPECT_TRUE(List(folder).empty());
    EXPECT_TRUE(absl::IsFailedPrecondition(store->AppendChange("example.test.", &e)));
    // Loaded again later: a new generation, an empty journal.
    ASSERT_TRUE(store->PutZone("example.test.", Files("zone v2")).ok());
    ASSERT_TRUE(store->PutTombstone("example.test.").ok());
    ASSERT_TRUE(store->DropZone("example.test.").ok());
  }
  auto store = OpenStore(dir);
  EXPECT_THAT(store->LoadZones().value(), IsEmpty());
  // A crash right after the commit point (the manifest removed, the rest
  // not yet): load removes the leftovers.
  ASSERT_TRUE(store->PutZone("example.test.", Files("zone v3")).ok());
  ASSERT_EQ(::unlink((folder + "/manifest.json").c_str()), 0);
  auto after_crash = OpenStore(dir);
  EXPECT_THAT(after_crash->LoadZones().value(), IsEmpty());
  EXPECT_TRUE(List(folder).empty());
}

}  // namespace
}  // namespace dns::control
