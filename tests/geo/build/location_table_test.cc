// Tests for geo/build/location_table.h (the default latency table ranked from
// network locations), LatencyTable::FromSharedRows and the header-driven
// CSV reader (geo/csv_reader.h) they use.
#include "geo/build/location_table.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "geo/csv_reader.h"
#include "geo/build/latency_model.h"
#include "tests/geo/build/test_regions.h"

namespace geo {
namespace {

using ::geo::testing::kThreeRegionsCsv;
using ::testing::HasSubstr;

class LocationTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = RegionRegistry::ParseCsv(kThreeRegionsCsv, "regions.csv", ids_);
    ASSERT_TRUE(r.ok()) << r.status();
    regions_ = *r;
  }
  absl::StatusOr<std::shared_ptr<const LatencyTable>> Parse(const std::string& text,
                                                            LocationTableStats* st = nullptr) {
    return ParseLocationLatencyTable(text, "loc.csv", *regions_, kDefaultDistanceModel, st);
  }
  // "eu-west-1 us-east-1 ap-southeast-1" for `addr`.
  static std::string Order(const LatencyTable& t, const char* addr) {
    RankResult r = t.Rank(*Address::Parse(addr));
    if (r.ranking == nullptr) return "-";
    std::vector<std::string> names;
    for (TableRegion id : r.ranking->regions()) names.push_back(t.region_name(id));
    return absl::StrJoin(names, " ");
  }

  AdminStates ids_;
  std::shared_ptr<const RegionRegistry> regions_;
};

constexpr char kLocations[] =
    "network,latitude,longitude,country\n"
    "81.2.68.0/24,51.5,-0.12,GB\n"        // London
    "81.2.69.0/24,53.48,-2.24,GB\n"       // Manchester: ranks as London
    "8.8.8.0/24,37.4,-122.1,US\n"         // California
    "1.0.0.0/8,31.23,121.47,CN\n"         // Shanghai: most IPv4 addresses
    "2001:200::/23,35.65,139.74,JP\n";    // Tokyo: all IPv6 addresses

TEST_F(LocationTableTest, RanksEachLocationWithTheModel) {
  LocationTableStats st;
  auto t = Parse(kLocations, &st);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(st.file_networks, 5u);
  EXPECT_EQ(st.locations, 5u);
  EXPECT_EQ(st.regions, 3u);
  EXPECT_EQ(Order(**t, "81.2.68.7"), "eu-west-1 us-east-1 ap-southeast-1");
  EXPECT_EQ(Order(**t, "81.2.69.200"), "eu-west-1 us-east-1 ap-southeast-1");
  EXPECT_EQ(Order(**t, "8.8.8.8"), "us-east-1 eu-west-1 ap-southeast-1");
  EXPECT_EQ(Order(**t, "1.0.1.1"), "ap-southeast-1 eu-west-1 us-east-1");
  EXPECT_EQ(Order(**t, "2001:200::1"), "ap-southeast-1 eu-west-1 us-east-1");
  // Rankings are stored once (3 orders here).
  EXPECT_EQ((*t)->ranking_count(), 3u);
  // London + Manchester merge into one /23; Shanghai and Tokyo rank as
  // their family's default row and are left to it: 2 networks + 2 defaults.
  EXPECT_EQ(st.networks, 4u);
  RankExplanation ex;
  (*t)->Rank(*Address::Parse("81.2.69.7"), &ex);
  ASSERT_TRUE(ex.matched);
  EXPECT_EQ(ex.network.ToString(), "81.2.68.0/23");
  // The merged network's RTTs are the address-weighted mean of its
  // locations' (the latency builder's merge; both /24s weigh the same).
  const double london = kDefaultDistanceModel.RttMs(HaversineKm(51.5, -0.12, 53.35, -6.26));
  const double manchester =
      kDefaultDistanceModel.RttMs(HaversineKm(53.48, -2.24, 53.35, -6.26));
  EXPECT_NEAR(ex.rtt_ms[0], (london + manchester) / 2, 0.1);
  (*t)->Rank(*Address::Parse("1.2.3.4"), &ex);
  EXPECT_EQ(ex.network.ToString(), "0.0.0.0/0");
  (*t)->Rank(*Address::Parse("2001:200::1"), &ex);
  EXPECT_EQ(ex.network.ToString(), "::/0");
}

TEST_F(LocationTableTest, DefaultRowsAreAddressWeightedMeans) {
  auto t = Parse(kLocations);
  ASSERT_TRUE(t.ok()) << t.status();
  // IPv4: nearly all addresses in Shanghai -> Asia first.
  RankExplanation ex;
  (*t)->Rank(*Address::Parse("192.0.2.1"), &ex);
  ASSERT_TRUE(ex.matched);
  EXPECT_EQ(ex.network.ToString(), "0.0.0.0/0");
  EXPECT_EQ(Order(**t, "192.0.2.1"), "ap-southeast-1 eu-west-1 us-east-1");
  // Europe-heavy IPv4 -> Europe first.
  auto eu = Parse("network,latitude,longitude\n81.0.0.0/8,51.5,-0.12\n1.0.1.0/24,31.23,121.47\n");
  ASSERT_TRUE(eu.ok()) << eu.status();
  EXPECT_EQ(Order(**eu, "192.0.2.1"), "eu-west-1 us-east-1 ap-southeast-1");
  EXPECT_EQ(Order(**eu, "1.0.1.1"), "ap-southeast-1 eu-west-1 us-east-1");
  // IPv6: only Tokyo.
  EXPECT_EQ(Order(**t, "2a00::1"), "ap-southeast-1 eu-west-1 us-east-1");
  // A file that gives 0.0.0.0/0 itself keeps it.
  auto own = Parse(absl::StrCat(kLocations, "0.0.0.0/0,38.9,-77.4,\n"));
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(Order(**own, "192.0.2.1"), "us-east-1 eu-west-1 ap-southeast-1");
  EXPECT_EQ(Order(**own, "1.2.3.4"), "ap-southeast-1 eu-west-1 us-east-1");
}

TEST_F(LocationTableTest, ErrorsNameFileAndLine) {
  auto err = [&](const std::string& text) {
    auto t = Parse(text);
    EXPECT_FALSE(t.ok());
    return std::string(t.status().message());
  };
  EXPECT_THAT(err(""), HasSubstr("loc.csv:1: empty file"));
  EXPECT_THAT(err("net,latitude,longitude\n"), HasSubstr("loc.csv:1: header must have columns network"));
  EXPECT_THAT(err("network,latitude,longitude\n1.2.3.0/24,1,2\n1.2.4.0/24,1\n"),
              HasSubstr("loc.csv:3: expected 3 fields as in the header, got 2"));
  EXPECT_THAT(err("network,latitude,longitude\n1.2.3.4/24,1,2\n"),
              HasSubstr("loc.csv:2: network '1.2.3.4/24'"));
  EXPECT_THAT(err("network,latitude,longitude\n1.2.3.0/24,91,2\n"),
              HasSubstr("loc.csv:2: latitude '91' is not a number in -90..90"));
  EXPECT_THAT(err("network,latitude,longitude\n1.2.3.0/24,1,2\n1.2.4.0/24,,\n"),
              HasSubstr("loc.csv:3: no latitude"));
  EXPECT_THAT(err("network,latitude,longitude\n1.2.3.0/24,1,2\n1.2.3.0/24,3,4\n"),
              HasSubstr("loc.csv:3: network 1.2.3.0/24 overlaps 1.2.3.0/24 (line 2)"));
  EXPECT_THAT(err("network,latitude,longitude\n1.2.0.0/16,1,2\n1.2.3.0/24,3,4\n"),
              HasSubstr("loc.csv:3: network 1.2.3.0/24 overlaps 1.2.0.0/16 (line 2)"));
}

TEST_F(LocationTableTest, DefaultTableLoading) {
  std::string note;
  // "off" and "" give no table and say nothing.
  for (const char* off : {"", "off"}) {
    auto t = LoadDefaultLatencyTable(off, regions_.get(), &note);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(*t, nullptr);
    EXPECT_EQ(note, "");
  }
  // A given path must exist.
  auto missing = LoadDefaultLatencyTable("/nonexistent/loc.csv", regions_.get(), &note);
  EXPECT_FALSE(missing.ok());
  // A real file loads, with one line to log.
  const std::string path = ::testing::TempDir() + "/loc_" + std::to_string(getpid()) + ".csv";
  std::ofstream(path) << kLocations;
  auto t = LoadDefaultLatencyTable(path, regions_.get(), &note);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_NE(*t, nullptr);
  EXPECT_THAT(note, HasSubstr(absl::StrCat("default latency table ", path)));
  EXPECT_THAT(note, HasSubstr("4 networks (5 in the file), 5 locations x 3 regions"));
  EXPECT_THAT(note, HasSubstr("loaded in"));
  std::remove(path.c_str());
  // No regions to rank against.
  EXPECT_FALSE(LoadDefaultLatencyTable(path, nullptr, &note).ok());
}

// rank_only: only the regions in use are ranked, in the same order the
// full ranking gives them; none with coordinates is an error naming them.
TEST_F(LocationTableTest, RanksOnlyTheRegionsInUse) {
  auto full = Parse(kLocations);
  ASSERT_TRUE(full.ok()) << full.status();
  const std::vector<std::string> in_use = {"ap-southeast-1", "us-east-1"};
  LocationTableStats st;
  auto some = ParseLocationLatencyTable(kLocations, "loc.csv", *regions_,
                                        kDefaultDistanceModel, &st, in_use);
  ASSERT_TRUE(some.ok()) << some.status();
  EXPECT_EQ(st.regions, 2u);
  EXPECT_EQ((*some)->region_count(), 2u);
  for (const char* addr : {"81.2.68.1", "81.2.69.200", "8.8.8.8", "1.0.0.1", "9.9.9.9"}) {
    std::string expected;
    for (const std::string& name :
         std::vector<std::string>(absl::StrSplit(Order(**full, addr), ' '))) {
      if (name == "ap-southeast-1" || name == "us-east-1") {
        expected += (expected.empty() ? "" : " ") + name;
      }
    }
    EXPECT_EQ(Order(**some, addr), expected) << addr;
  }
  const std::vector<std::string> unknown = {"mars-north-1", "us-gov-west-1"};
  auto none = ParseLocationLatencyTable(kLocations, "loc.csv", *regions_,
                                        kDefaultDistanceModel, nullptr, unknown);
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(std::string(none.status().message()),
              HasSubstr("none of the regions in use (mars-north-1, us-gov-west-1) has "
                        "coordinates in regions.csv"));
}

TEST(SharedRowsTest, RowsStoredOnceAndChecked) {
  LatencyTable::SharedRows in;
  in.rows = {{{"a", 10}, {"b", 20}}, {{"a", 30}, {"b", 5}}};
  in.networks = {{*Prefix::Parse("10.0.0.0/8"), 0},
                 {*Prefix::Parse("11.0.0.0/8"), 1},
                 {*Prefix::Parse("12.0.0.0/8"), 0},
                 {*Prefix::Parse("2001:db8::/32"), 1}};
  auto t = LatencyTable::FromSharedRows(in, "shared");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->network_count(), 4u);
  EXPECT_EQ((*t)->ranking_count(), 2u);
  RankExplanation ex;
  RankResult r = (*t)->Rank(*Address::Parse("12.1.2.3"), &ex);
  ASSERT_NE(r.ranking, nullptr);
  EXPECT_EQ((*t)->region_name((*r.ranking)[0]), "a");
  EXPECT_EQ(ex.network.ToString(), "12.0.0.0/8");
  EXPECT_FLOAT_EQ(ex.rtt_ms[1], 20);
  r = (*t)->Rank(*Address::Parse("2001:db8::1"), &ex);
  EXPECT_EQ((*t)->region_name((*r.ranking)[0]), "b");
  EXPECT_FLOAT_EQ(ex.rtt_ms[0], 5);

  LatencyTable::SharedRows bad = in;
  bad.networks.push_back({*Prefix::Parse("13.0.0.0/8"), 2});
  EXPECT_THAT(LatencyTable::FromSharedRows(bad, "shared").status().message(),
              HasSubstr("names row 3 of 2"));
  bad = in;
  bad.rows[1].push_back({"bad name!", 1});
  EXPECT_THAT(LatencyTable::FromSharedRows(bad, "shared").status().message(),
              HasSubstr("shared:2: region 'bad name!'"));
  bad = in;
  bad.rows.push_back({});
  EXPECT_THAT(LatencyTable::FromSharedRows(bad, "shared").status().message(),
              HasSubstr("row 3 has no regions"));
}

TEST(CsvRowTest, HeaderDrivenRows) {
  CsvColumn a{{"alpha", "a"}}, b{{"beta"}}, c{{"gamma"}, false};
  CsvColumn* cols[] = {&a, &b, &c};
  std::vector<std::string> seen;
  absl::Status s = ForEachCsvRow(
      "beta,x,a\n1,2,3\n\n\"4,5\",6,7\n", "t.csv", cols, "alpha,beta",
      [&](absl::Span<const std::string_view> f, int line) {
        seen.push_back(absl::StrCat(line, ":", std::string(f[a.index]), "/",
                                    std::string(f[b.index])));
        return absl::OkStatus();
      });
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(a.index, 2);
  EXPECT_EQ(b.index, 0);
  EXPECT_EQ(c.index, -1);
  EXPECT_EQ(seen, (std::vector<std::string>{"2:3/1", "4:7/4,5"}));

  auto run = [](std::string_view text) {
    CsvColumn x{{"x"}}, y{{"y"}};
    CsvColumn* cs[] = {&x, &y};
    return ForEachCsvRow(text, "t.csv", cs, "x,y",
                         [](absl::Span<const std::string_view>, int) {
                           return absl::OkStatus();
                         });
  };
  EXPECT_THAT(run("").message(), HasSubstr("t.csv:1: empty file (expected a header x,y)"));
  EXPECT_THAT(run("x,z\n").message(),
              HasSubstr("t.csv:1: header must have columns x, y; got 'x,z'"));
  EXPECT_THAT(run("x,y,x\n").message(), HasSubstr("t.csv:1: column 'x' duplicates"));
  EXPECT_THAT(run("x,y\n1,2\n3\n").message(),
              HasSubstr("t.csv:3: expected 2 fields as in the header, got 1"));
  EXPECT_THAT(run("x,y\n1,\"2\n").message(), HasSubstr("t.csv:2: malformed CSV"));
}

}  // namespace
}  // namespace geo
