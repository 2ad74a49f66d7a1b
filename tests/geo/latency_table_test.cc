// Tests for geo/latency_table.h: CSV loading, rankings, ECS scopes, explain,
// and file:line errors.
#include "geo/latency_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace geo {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<const LatencyTable> Parse(std::string_view csv) {
  absl::StatusOr<std::shared_ptr<const LatencyTable>> t =
      LatencyTable::ParseCsv(csv, "t.csv");
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *t : LatencyTable::Empty();
}

// "eu-west-1,us-east-1" for a ranking; "-" for none.
std::string Order(const LatencyTable& t, const Ranking* r) {
  if (r == nullptr) return "-";
  std::string out;
  for (TableRegion id : r->regions()) {
    if (!out.empty()) out += ",";
    out += t.region_name(id);
  }
  return out;
}

struct Case {
  const char* address;
  const char* order;  // expected region order, "-" = no ranking
  int scope;
};

void Check(const LatencyTable& t, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    const std::optional<Address> a = Address::Parse(c.address);
    ASSERT_TRUE(a.has_value()) << c.address;
    const RankResult r = t.Rank(*a);
    EXPECT_EQ(Order(t, r.ranking), c.order) << c.address;
    EXPECT_EQ(r.scope, c.scope) << c.address;
    // The explain path agrees with the fast path.
    RankExplanation ex;
    const RankResult r2 = t.Rank(*a, &ex);
    EXPECT_EQ(r2.ranking, r.ranking) << c.address;
    EXPECT_EQ(ex.ranking, r.ranking) << c.address;
    EXPECT_EQ(ex.matched, r.ranking != nullptr) << c.address;
    if (ex.matched) {
      EXPECT_TRUE(ex.network.Contains(*a) ||
                  (a->is_v4() && !ex.network.is_v4()))
          << c.address << " in " << ex.network.ToString();
      EXPECT_EQ(ex.rtt_ms.size(), r.ranking->size());
    }
  }
}

// A t22_nets_corner-style table: rows of (address, region order, scope).
constexpr char kCorners[] =
    "network,region,rtt_ms\n"
    "0.0.0.0/0,us-east-1,120\n"
    "0.0.0.0/0,eu-west-1,130\n"
    "::/0,us-east-1,100\n"
    "::/0,ap-south-1,90\n"
    "20.0.0.0/8,eu-west-1,10\n"
    "20.0.0.0/8,us-east-1,80\n"
    "20.1.0.0/16,us-east-1,5\n"
    "20.1.0.0/16,eu-west-1,70\n"
    "198.51.100.0/24,ap-south-1,30\n"
    "198.51.100.7/32,eu-west-1,1\n"
    "2001:db8::/32,eu-west-1,12\n"
    "2001:db8::/32,us-east-1,40\n"
    "2001:db8:1::/48,us-east-1,3\n"
    "2001:db8:1::1/128,ap-south-1,2\n"
    "::ffff:203.0.113.0/120,ap-south-1,7\n";  // = 203.0.113.0/24

TEST(LatencyTableTest, CornerTable) {
  auto t = Parse(kCorners);
  EXPECT_EQ(t->region_count(), 3u);
  EXPECT_EQ(t->network_count(), 10u);
  Check(*t, {
                // The scope example: the /8 answers with scope 15.
                {"20.2.0.0", "eu-west-1,us-east-1", 15},
                {"20.1.2.3", "us-east-1,eu-west-1", 16},
                {"20.0.0.1", "eu-west-1,us-east-1", 16},
                {"20.255.0.0", "eu-west-1,us-east-1", 9},
                // The IPv4 default, with the widest scope that fits.
                {"192.0.2.1", "us-east-1,eu-west-1", 6},  // 192/5 holds 198.51.100/24
                {"1.1.1.1", "us-east-1,eu-west-1", 4},
                {"255.255.255.255", "us-east-1,eu-west-1", 3},
                // /24 and a /32 inside it.
                {"198.51.100.7", "eu-west-1", 32},
                {"198.51.100.6", "ap-south-1", 32},
                {"198.51.100.8", "ap-south-1", 29},
                {"198.51.100.200", "ap-south-1", 25},
                // v4-mapped clients are IPv4 clients.
                {"::ffff:198.51.100.7", "eu-west-1", 32},
                {"::ffff:20.2.0.0", "eu-west-1,us-east-1", 15},
                // A v4-mapped row is an IPv4 row.
                {"203.0.113.9", "ap-south-1", 24},
                // IPv6.
                {"2001:db8:1::1", "ap-south-1", 128},
                {"2001:db8:1::2", "us-east-1", 127},
                {"2001:db8:1:ffff::", "us-east-1", 49},
                {"2001:db8:2::", "eu-west-1,us-east-1", 47},
                {"2001:db9::", "ap-south-1,us-east-1", 32},
                {"::1", "ap-south-1,us-east-1", 3},
                {"fe80::1", "ap-south-1,us-east-1", 1},
            });
}

TEST(LatencyTableTest, NoDefaultMeansNoRanking) {
  auto t = Parse("network,region,rtt_ms\n10.0.0.0/8,eu-west-1,5\n");
  Check(*t, {{"10.1.2.3", "eu-west-1", 8},
             {"11.0.0.0", "-", 8},
             {"2001:db8::1", "-", 0},
             {"0.0.0.0", "-", 5}});
}

TEST(LatencyTableTest, Ipv6DefaultServesIpv4WithoutIpv4Default) {
  auto t = Parse(
      "network,region,rtt_ms\n"
      "::/0,us-east-1,50\n"
      "10.0.0.0/8,eu-west-1,5\n");
  Check(*t, {{"10.0.0.1", "eu-west-1", 8},
             {"11.0.0.1", "us-east-1", 8},
             {"2001:db8::1", "us-east-1", 0}});
  RankExplanation ex;
  t->Rank(*Address::Parse("11.0.0.1"), &ex);
  EXPECT_TRUE(ex.matched);
  EXPECT_EQ(ex.network.ToString(), "::/0");
}

TEST(LatencyTableTest, OnlyDefaultsGiveScopeZero) {
  auto t = Parse(
      "network,region,rtt_ms\n"
      "0.0.0.0/0,us-east-1,50\n"
      "::/0,eu-west-1,50\n");
  Check(*t, {{"192.0.2.1", "us-east-1", 0}, {"2001:db8::1", "eu-west-1", 0}});
}

TEST(LatencyTableTest, TiesBrokenByRegionName) {
  auto t = Parse(
      "network,region,rtt_ms\n"
      "10.0.0.0/8,us-west-2,20\n"
      "10.0.0.0/8,eu-west-1,20\n"
      "10.0.0.0/8,ap-south-1,20.0\n"
      "10.0.0.0/8,zz-last-1,19.999\n"
      "10.0.0.0/8,af-south-1,21\n");
  Check(*t, {{"10.0.0.1",
              "zz-last-1,ap-south-1,eu-west-1,us-west-2,af-south-1", 8}});
}

TEST(LatencyTableTest, IdenticalRankingsAreShared) {
  auto t = Parse(
      "network,region,rtt_ms\n"
      "10.0.0.0/8,a,1\n10.0.0.0/8,b,2\n"
      "11.0.0.0/8,a,5\n11.0.0.0/8,b,9\n"     // same order, other RTTs
      "12.0.0.0/8,b,1\n12.0.0.0/8,a,2\n"
      "2001:db8::/32,a,3\n2001:db8::/32,b,4\n");
  EXPECT_EQ(t->ranking_count(), 2u);
  const RankResult r10 = t->Rank(*Address::Parse("10.0.0.1"));
  const RankResult r11 = t->Rank(*Address::Parse("11.0.0.1"));
  const RankResult r6 = t->Rank(*Address::Parse("2001:db8::1"));
  EXPECT_EQ(r10.ranking, r11.ranking);
  EXPECT_EQ(r10.ranking, r6.ranking);
  EXPECT_NE(r10.ranking, t->Rank(*Address::Parse("12.0.0.1")).ranking);
  // Adjacent /8s with the same ranking merge for the scope.
  EXPECT_EQ(r10.scope, 7);
}

TEST(LatencyTableTest, LongestMatchDoesNotMergeRows) {
  // The /24 lists one region: its clients get only that one.
  auto t = Parse(
      "network,region,rtt_ms\n"
      "10.0.0.0/8,a,1\n10.0.0.0/8,b,2\n"
      "10.1.1.0/24,b,7\n");
  Check(*t, {{"10.1.1.1", "b", 24}, {"10.1.2.1", "a,b", 23}});
}

TEST(LatencyTableTest, ExplainReportsRowAndRtts) {
  auto t = Parse(kCorners);
  RankExplanation ex;
  const RankResult r = t->Rank(*Address::Parse("20.2.0.1"), &ex);
  ASSERT_TRUE(ex.matched);
  EXPECT_EQ(ex.network.ToString(), "20.0.0.0/8");
  EXPECT_EQ(ex.scope, 15);
  EXPECT_EQ(ex.ranking, r.ranking);
  ASSERT_EQ(ex.rtt_ms.size(), 2u);
  EXPECT_FLOAT_EQ(ex.rtt_ms[0], 10);
  EXPECT_FLOAT_EQ(ex.rtt_ms[1], 80);

  t->Rank(*Address::Parse("192.0.2.1"), &ex);
  EXPECT_EQ(ex.network.ToString(), "0.0.0.0/0");
  t->Rank(*Address::Parse("2001:db8:1::1"), &ex);
  EXPECT_EQ(ex.network.ToString(), "2001:db8:1::1/128");
  t->Rank(*Address::Parse("fe80::1"), &ex);
  EXPECT_EQ(ex.network.ToString(), "::/0");

  auto none = Parse("network,region,rtt_ms\n10.0.0.0/8,a,1\n");
  none->Rank(*Address::Parse("11.0.0.1"), &ex);
  EXPECT_FALSE(ex.matched);
  EXPECT_EQ(ex.ranking, nullptr);
}

TEST(LatencyTableTest, CsvDialect) {
  // CRLF line ends, blank lines, quoted fields, spaces around fields, a
  // UTF-8 BOM, no newline at the end.
  auto t = Parse(
      "\xEF\xBB\xBFnetwork,region,rtt_ms\r\n"
      "\r\n"
      "\"10.0.0.0/8\",\"eu-west-1\",\"5\"\r\n"
      "\n"
      " 10.0.0.0/8 , us-east-1 , 7 \r\n"
      "11.0.0.0/8,us-east-1,1e1");
  Check(*t, {{"10.0.0.1", "eu-west-1,us-east-1", 8},
             {"11.0.0.1", "us-east-1", 8}});
}

TEST(LatencyTableTest, RegionIdsAndNames) {
  auto t = Parse(kCorners);
  std::optional<TableRegion> eu = t->FindRegion("eu-west-1");
  ASSERT_TRUE(eu.has_value());
  EXPECT_EQ(t->region_name(*eu), "eu-west-1");
  EXPECT_FALSE(t->FindRegion("mars-1").has_value());
}

TEST(LatencyTableTest, EmptyTables) {
  auto header_only = Parse("network,region,rtt_ms\n");
  Check(*header_only, {{"1.2.3.4", "-", 0}, {"::1", "-", 0}});
  auto empty = LatencyTable::Empty();
  Check(*empty, {{"1.2.3.4", "-", 0}});
  EXPECT_EQ(empty->network_count(), 0u);
}

struct ErrorCase {
  const char* csv;
  const char* error;  // expected substring
};

TEST(LatencyTableTest, CsvErrorsCarryFileAndLine) {
  const ErrorCase cases[] = {
      {"", "t.csv:1: empty file"},
      {"net,region,rtt_ms\n", "t.csv:1: header must be 'network,region,rtt_ms'"},
      {"network,region\n", "t.csv:1: header must be"},
      {"network,region,rtt_ms,extra\n", "t.csv:1: header must be"},
      {"network,region,rtt_ms\n10.0.0.0/8,a\n", "t.csv:2: expected 3 fields"},
      {"network,region,rtt_ms\n10.0.0.0/8,a,1,2\n",
       "t.csv:2: expected 3 fields"},
      {"network,region,rtt_ms\n\n\nbogus,a,1\n",
       "t.csv:4: network 'bogus' is not an IPv4 or IPv6 network"},
      {"network,region,rtt_ms\n10.1.2.3/8,a,1\n",
       "t.csv:2: network '10.1.2.3/8' has host bits set (the network is "
       "10.0.0.0/8)"},
      {"network,region,rtt_ms\n2001:db8::1/32,a,1\n", "t.csv:2: network"},
      {"network,region,rtt_ms\n10.0.0.0/33,a,1\n",
       "t.csv:2: network '10.0.0.0/33': prefix length must be 0..32"},
      {"network,region,rtt_ms\n10.0.0.0/8,a,fast\n",
       "t.csv:2: rtt_ms 'fast' is not a finite number"},
      {"network,region,rtt_ms\n10.0.0.0/8,a,\n", "t.csv:2: rtt_ms ''"},
      {"network,region,rtt_ms\n10.0.0.0/8,a,nan\n", "t.csv:2: rtt_ms 'nan'"},
      {"network,region,rtt_ms\n10.0.0.0/8,a,inf\n", "t.csv:2: rtt_ms 'inf'"},
      {"network,region,rtt_ms\n10.0.0.0/8,a,-1\n",
       "t.csv:2: rtt_ms -1 is negative"},
      {"network,region,rtt_ms\n10.0.0.0/8,,1\n", "t.csv:2: region ''"},
      {"network,region,rtt_ms\n10.0.0.0/8,eu west,1\n",
       "t.csv:2: region 'eu west'"},
      {"network,region,rtt_ms\n10.0.0.0/8,a,1\n11.0.0.0/8,a,1\n"
       "10.0.0.0/8,b,1\n10.0.0.0/8,a,2\n",
       "t.csv:5: duplicate row for network 10.0.0.0/8 and region a (first at "
       "line 2)"},
      // The same network spelled two ways is still one network.
      {"network,region,rtt_ms\n10.0.0.0/8,a,1\n::ffff:10.0.0.0/104,a,2\n",
       "t.csv:3: duplicate row for network 10.0.0.0/8"},
      {"network,region,rtt_ms\n10.0.0.0/8,\"a,1\n", "t.csv:2: malformed CSV"},
      {"network,region,rtt_ms\n10.0.0.0/8,a\"b,1\n", "t.csv:2: malformed CSV"},
  };
  for (const ErrorCase& c : cases) {
    absl::StatusOr<std::shared_ptr<const LatencyTable>> t =
        LatencyTable::ParseCsv(c.csv, "t.csv");
    ASSERT_FALSE(t.ok()) << c.csv;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << c.csv;
    EXPECT_THAT(std::string(t.status().message()), HasSubstr(c.error))
        << c.csv;
  }
}

TEST(LatencyTableTest, EveryBadRowIsReported) {
  absl::StatusOr<std::shared_ptr<const LatencyTable>> t = LatencyTable::ParseCsv(
      "network,region,rtt_ms\n"
      "10.0.0.0/8,eu-west-1,10\n"  // 2
      "bogus,eu-west-1,1\n"        // 3
      "11.0.0.0/8,eu-west-1\n"     // 4
      "12.0.0.0/8,eu-west-1,fast\n",  // 5
      "t.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(std::string(t.status().message()),
            "t.csv:3: network 'bogus' is not an IPv4 or IPv6 network\n"
            "t.csv:4: expected 3 fields (network,region,rtt_ms), got 2\n"
            "t.csv:5: rtt_ms 'fast' is not a finite number");
}

TEST(LatencyTableTest, DuplicateReportsEarliestRepeat) {
  // Two duplicated pairs: the one repeated first in the file is reported.
  absl::StatusOr<std::shared_ptr<const LatencyTable>> t = LatencyTable::ParseCsv(
      "network,region,rtt_ms\n"
      "11.0.0.0/8,b,1\n"   // 2
      "10.0.0.0/8,a,1\n"   // 3
      "10.0.0.0/8,a,1\n"   // 4: first repeat
      "11.0.0.0/8,b,1\n",  // 5
      "t.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()),
              HasSubstr("t.csv:4: duplicate row for network 10.0.0.0/8 and "
                        "region a (first at line 3)"));
}

TEST(LatencyTableTest, LoadCsvFromFile) {
  const std::string path = testing::TempDir() + "/geo_latency_test.csv";
  {
    std::ofstream f(path);
    f << "network,region,rtt_ms\n10.0.0.0/8,eu-west-1,5\n10.0.0.0/8,bad,x\n";
  }
  absl::StatusOr<std::shared_ptr<const LatencyTable>> t =
      LatencyTable::LoadCsv(path);
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()), HasSubstr(path + ":3: rtt_ms"));
  {
    std::ofstream f(path);
    f << "network,region,rtt_ms\n10.0.0.0/8,eu-west-1,5\n";
  }
  t = LatencyTable::LoadCsv(path);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->source(), path);
  std::remove(path.c_str());

  t = LatencyTable::LoadCsv(path + ".missing");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr(".missing"));
}

TEST(LatencyTableTest, FromRows) {
  std::vector<LatencyRow> rows = {
      {*Prefix::Parse("10.0.0.0/8"), "b", 2, 0},
      {*Prefix::Parse("10.0.0.0/8"), "a", 2, 0},
      {*Prefix::Parse("::/0"), "c", 1, 0},
  };
  absl::StatusOr<std::shared_ptr<const LatencyTable>> t =
      LatencyTable::FromRows(rows, "mem");
  ASSERT_TRUE(t.ok()) << t.status();
  Check(**t, {{"10.0.0.1", "a,b", 8}, {"2001:db8::", "c", 0}});

  rows.push_back({*Prefix::Parse("10.0.0.0/8"), "a", 3, 0});
  t = LatencyTable::FromRows(rows, "mem");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()),
              HasSubstr("mem:4: duplicate row for network 10.0.0.0/8 and "
                        "region a (first at line 2)"));
  rows.back() = {*Prefix::Parse("11.0.0.0/8"), "a", -5, 42};
  t = LatencyTable::FromRows(rows, "mem");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("mem:42: rtt_ms"));
}

TEST(LatencyTableTest, MemoryIsReported) {
  auto t = Parse(kCorners);
  const LatencyTable::Memory m = t->memory();
  EXPECT_GT(m.prefix_table, 0u);
  EXPECT_GT(m.rankings, 0u);
  EXPECT_GT(m.explain, 0u);
  EXPECT_EQ(m.total(), m.prefix_table + m.rankings + m.explain);
}

// Every region a table names must be in the registry: the first row, in
// line order, naming one it lacks is the error, with RegionRegistry's
// "did you mean".
TEST(LatencyTableTest, CheckRegionsNamesEveryUnknownRegionAndWhatWasMeant) {
  AdminStates ids;
  absl::StatusOr<std::shared_ptr<const RegionRegistry>> reg = RegionRegistry::ParseCsv(
      "region,latitude,longitude\neu-west-1,53.3,-6.3\nus-east-1,39.0,-77.5\n",
      "aws_regions.csv", ids);
  ASSERT_TRUE(reg.ok()) << reg.status();
  EXPECT_TRUE(Parse("network,region,rtt_ms\n0.0.0.0/0,eu-west-1,10\n0.0.0.0/0,us-east-1,20\n")
                  ->CheckRegions(**reg)
                  .ok());
  auto t = Parse(
      "network,region,rtt_ms\n"
      "0.0.0.0/0,eu-west-1,10\n"
      "10.0.0.0/8,us-east-1,20\n"
      "10.0.0.0/8,eu-wset-1,30\n"
      "192.0.2.0/24,eu-wset-1,5\n"
      "192.0.2.0/24,mars,5\n");
  EXPECT_EQ(t->region_line(*t->FindRegion("eu-wset-1")), 4);
  absl::Status st = t->CheckRegions(**reg);
  EXPECT_TRUE(absl::IsInvalidArgument(st));
  // Each unknown region once, at the line that first names it.
  EXPECT_THAT(std::string(st.message()),
              ::testing::StartsWith("t.csv:4: unknown region 'eu-wset-1' (did you mean "
                                    "'eu-west-1'?)\nt.csv:6: unknown region 'mars'"));
  EXPECT_EQ(std::count(st.message().begin(), st.message().end(), '\n'), 1);
}

}  // namespace
}  // namespace geo
