// Tests for geo/regions.h: the region registry CSV (header-driven), the
// shipped default data, and AdminStates (stable ids, admin state atomics).
#include "geo/regions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace geo {
namespace {

using ::testing::HasSubstr;

std::string SourceDir() {
  const char* d = std::getenv("STEER_SOURCE_DIR");
  return d != nullptr ? d : STEER_TEST_SOURCE_DIR;
}

TEST(RegionRegistryTest, ParsesCanonicalHeader) {
  AdminStates ids;
  auto reg = RegionRegistry::ParseCsv(
      "region,latitude,longitude\n"
      "eu-west-1,53.3498,-6.2603\n"
      "us-east-1,39.0438,-77.4874\n",
      "r.csv", ids);
  ASSERT_TRUE(reg.ok()) << reg.status();
  ASSERT_EQ((*reg)->size(), 2u);
  const Region* eu = (*reg)->Find("eu-west-1");
  ASSERT_NE(eu, nullptr);
  EXPECT_TRUE(eu->has_location);
  EXPECT_DOUBLE_EQ(eu->latitude, 53.3498);
  EXPECT_DOUBLE_EQ(eu->longitude, -6.2603);
  EXPECT_EQ(eu->line, 2);
  EXPECT_EQ(eu->id, *ids.Find("eu-west-1"));
  EXPECT_EQ((*reg)->Get(eu->id), eu);
  EXPECT_EQ((*reg)->Find("mars-1"), nullptr);
  EXPECT_EQ((*reg)->Get(kNoRegion), nullptr);
  EXPECT_EQ((*reg)->regions()[1].name, "us-east-1");
}

TEST(RegionRegistryTest, HeaderDrivenWithAliasesAndExtraColumns) {
  AdminStates ids;
  auto reg = RegionRegistry::ParseCsv(
      "description,lon,region,notes,lat\n"
      "\"Europe (Ireland)\",-6.2603,eu-west-1,\"a, b\",53.3498\n",
      "r.csv", ids);
  ASSERT_TRUE(reg.ok()) << reg.status();
  const Region* eu = (*reg)->Find("eu-west-1");
  ASSERT_NE(eu, nullptr);
  EXPECT_DOUBLE_EQ(eu->latitude, 53.3498);
  EXPECT_DOUBLE_EQ(eu->longitude, -6.2603);
}

TEST(RegionRegistryTest, EmptyCoordinatesMeanNoLocation) {
  AdminStates ids;
  auto reg = RegionRegistry::ParseCsv(
      "region,latitude,longitude\nus-gov-west-1,,\n", "r.csv", ids);
  ASSERT_TRUE(reg.ok()) << reg.status();
  const Region* gov = (*reg)->Find("us-gov-west-1");
  ASSERT_NE(gov, nullptr);
  EXPECT_FALSE(gov->has_location);
  EXPECT_NE(gov->id, kNoRegion);
}

TEST(RegionRegistryTest, ShippedDefaultLoads) {
  AdminStates ids;
  auto reg = RegionRegistry::LoadCsv(SourceDir() + "/" + kDefaultRegionsFile, ids);
  ASSERT_TRUE(reg.ok()) << reg.status();
  EXPECT_EQ((*reg)->size(), 41u);
  const Region* dub = (*reg)->Find("eu-west-1");
  ASSERT_NE(dub, nullptr);
  EXPECT_TRUE(dub->has_location);
  EXPECT_NEAR(dub->latitude, 53.35, 0.01);
  const Region* gov = (*reg)->Find("us-gov-east-1");
  ASSERT_NE(gov, nullptr);
  EXPECT_FALSE(gov->has_location);
  int located = 0;
  for (const Region& r : (*reg)->regions()) located += r.has_location;
  EXPECT_EQ(located, 39);
  // DefaultRegionsPath() points at the same file in the built tree.
  EXPECT_THAT(std::string(DefaultRegionsPath()), HasSubstr(kDefaultRegionsFile));
  AdminStates ids2;
  EXPECT_TRUE(RegionRegistry::LoadCsv(DefaultRegionsPath(), ids2).ok());
}

TEST(RegionRegistryTest, SharedRichFileLoadsAsIs) {
  // The richer file data/aws_regions.csv was extracted from (lat/lon
  // columns among many) loads as it is.
  const std::string path = SourceDir() + "/tests/geo/testdata/aws_regions_full.csv";
  AdminStates ids;
  auto reg = RegionRegistry::LoadCsv(path, ids);
  ASSERT_TRUE(reg.ok()) << reg.status();
  EXPECT_EQ((*reg)->size(), 41u);
}

struct ErrorCase {
  const char* csv;
  const char* error;
};

TEST(RegionRegistryTest, ErrorsCarryFileAndLine) {
  const ErrorCase cases[] = {
      {"", "r.csv:1: empty file"},
      {"region,latitude\n", "r.csv:1: header must have columns region"},
      {"name,lat,lon\n", "r.csv:1: header must have columns region"},
      {"region,lat,latitude,lon\n", "r.csv:1: column 'latitude' duplicates"},
      {"region,lat,lon\neu-west-1,53\n", "r.csv:2: expected 3 fields"},
      {"region,lat,lon\n,1,2\n", "r.csv:2: empty region name"},
      {"region,lat,lon\na,1,2\nb,1,2\n\na,3,4\n",
       "r.csv:5: duplicate region 'a' (first at line 2)"},
      {"region,lat,lon\na,north,2\n", "r.csv:2: latitude 'north' is not a number"},
      {"region,lat,lon\na,91,2\n", "r.csv:2: latitude 91 is outside -90..90"},
      {"region,lat,lon\na,1,-180.5\n",
       "r.csv:2: longitude -180.5 is outside -180..180"},
      {"region,lat,lon\na,1,\n", "r.csv:2: region 'a' has only one of"},
      {"region,lat,lon\na,,2\n", "r.csv:2: region 'a' has only one of"},
      {"region,lat,lon\n\"a,1,2\n", "r.csv:2: malformed CSV"},
  };
  for (const ErrorCase& c : cases) {
    AdminStates ids;
    auto reg = RegionRegistry::ParseCsv(c.csv, "r.csv", ids);
    ASSERT_FALSE(reg.ok()) << c.csv;
    EXPECT_EQ(reg.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(reg.status().message()), HasSubstr(c.error))
        << c.csv;
  }
  AdminStates ids;
  auto missing = RegionRegistry::LoadCsv("/nonexistent/regions.csv", ids);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

TEST(AdminStatesTest, IdsAreStableAcrossReloads) {
  AdminStates ids;
  auto first = RegionRegistry::ParseCsv(
      "region,lat,lon\na,1,1\nb,2,2\n", "1.csv", ids);
  ASSERT_TRUE(first.ok());
  const RegionId b = (*first)->Find("b")->id;
  ids.Set(b, AdminState::kDrain);
  // A reload in another order, with a new region and without "a".
  auto second = RegionRegistry::ParseCsv(
      "region,lat,lon\nc,3,3\nb,2,2\n", "2.csv", ids);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)->Find("b")->id, b);
  EXPECT_EQ(ids.Get(b), AdminState::kDrain);
  const RegionId c = (*second)->Find("c")->id;
  EXPECT_NE(c, b);
  EXPECT_NE(c, *ids.Find("a"));
  EXPECT_EQ(ids.Get(c), AdminState::kUp);
  EXPECT_EQ(ids.Name(b), "b");
  EXPECT_EQ(ids.Name(kNoRegion), "");
}

TEST(AdminStatesTest, StatesAndNames) {
  AdminStates admin(4);
  const RegionId a = *admin.IdFor("a");
  EXPECT_EQ(*admin.IdFor("a"), a);
  EXPECT_EQ(admin.Get(a), AdminState::kUp);
  admin.Set(a, AdminState::kDown);
  EXPECT_EQ(admin.Get(a), AdminState::kDown);
  admin.Set(a, AdminState::kUp);
  EXPECT_EQ(admin.Get(a), AdminState::kUp);
  // kNoRegion and out-of-range ids read up and ignore writes.
  admin.Set(kNoRegion, AdminState::kDown);
  EXPECT_EQ(admin.Get(kNoRegion), AdminState::kUp);
  EXPECT_EQ(admin.Get(1000), AdminState::kUp);
  EXPECT_FALSE(admin.IdFor("").ok());
  ASSERT_TRUE(admin.IdFor("b").ok());
  ASSERT_TRUE(admin.IdFor("c").ok());
  ASSERT_TRUE(admin.IdFor("d").ok());
  absl::StatusOr<RegionId> full = admin.IdFor("e");
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted);
  const auto list = admin.List();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].first, "a");
  EXPECT_FALSE(admin.Find("e").has_value());

  EXPECT_EQ(AdminStateName(AdminState::kDrain), "drain");
  EXPECT_EQ(ParseAdminState("down"), AdminState::kDown);
  EXPECT_EQ(ParseAdminState("drained"), AdminState::kDrain);
  EXPECT_FALSE(ParseAdminState("sideways").has_value());
}

TEST(AdminStatesTest, ConcurrentReadersSeeWrites) {
  AdminStates admin;
  const RegionId a = *admin.IdFor("a");
  std::atomic<bool> stop{false};
  std::atomic<int> seen_down{0};
  std::thread reader([&] {
    while (!stop.load()) {
      if (admin.Get(a) == AdminState::kDown) seen_down.store(1);
    }
  });
  admin.Set(a, AdminState::kDown);
  while (seen_down.load() == 0) std::this_thread::yield();
  stop.store(true);
  reader.join();
  EXPECT_EQ(seen_down.load(), 1);
}

// The one check every input's region names go through (latency tables,
// Route 53 record sets, change batches, `zonectl latency build`).
namespace unknown_region {

std::shared_ptr<const RegionRegistry> Aws(AdminStates& ids) {
  auto reg = RegionRegistry::ParseCsv(
      "region,latitude,longitude\n"
      "us-east-1,39.0,-77.5\n"
      "eu-west-1,53.3,-6.3\n"
      "eu-west-2,51.5,-0.1\n"
      "ap-southeast-2,-33.9,151.2\n",
      "aws_regions.csv", ids);
  EXPECT_TRUE(reg.ok()) << reg.status();
  return *reg;
}

TEST(RegionRegistryTest, CheckNameAcceptsKnownNames) {
  AdminStates ids;
  EXPECT_TRUE(Aws(ids)->CheckName("eu-west-1").ok());
  EXPECT_TRUE(Aws(ids)->CheckName("ap-southeast-2").ok());
}

TEST(RegionRegistryTest, CheckNameSaysWhatWasMeant) {
  AdminStates ids;
  auto reg = Aws(ids);
  absl::Status st = reg->CheckName("eu-wset-1");  // a transposition: one edit
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  EXPECT_EQ(st.message(), "unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)");
  EXPECT_EQ(reg->UnknownRegionMessage("us-east-2"),
            "unknown region 'us-east-2' (did you mean 'us-east-1'?)");
  EXPECT_EQ(reg->UnknownRegionMessage("ap-southest-2"),
            "unknown region 'ap-southest-2' (did you mean 'ap-southeast-2'?)");
  EXPECT_EQ(reg->UnknownRegionMessage("EU-WEST-1"),
            "unknown region 'EU-WEST-1' (did you mean 'eu-west-1'? region names are "
            "case-sensitive)");
  // Nothing close: where the names come from.
  EXPECT_EQ(reg->UnknownRegionMessage("mars"), "unknown region 'mars' (not in aws_regions.csv)");
  EXPECT_EQ(reg->UnknownRegionMessage("r1"), "unknown region 'r1' (not in aws_regions.csv)");
  // Nothing is registered by asking.
  EXPECT_FALSE(ids.Find("eu-wset-1").has_value());
}

}  // namespace unknown_region

}  // namespace
}  // namespace geo
