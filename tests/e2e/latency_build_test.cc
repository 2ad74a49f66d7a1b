// End to end: `zonectl latency build` (the real binary) on tiny inputs the
// test writes (tor-geoipdb text, a MaxMind DB from tests/geo/build/mmdb_writer.h,
// regions, centroids, measured RTTs), then the real steerdns serving the
// table it built: clients in Europe, North America and Asia (EDNS Client
// Subnet, asked with ldns) get their nearest region. Also the default
// table: `--format locations` written and given as --default-latency, and
// the one line the server logs about it.
#include <chrono>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/geo/build/mmdb_writer.h"
#include "tests/geo/build/test_regions.h"

namespace e2e {
namespace {

using ::geo::testing::kThreeRegionsCsv;
using ::geo::testing::MmdbValue;
using ::geo::testing::MmdbWriter;
using ::testing::HasSubstr;

constexpr char kZone[] =
    "$ORIGIN lab.test.\n$TTL 300\n"
    "@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n"
    "@ IN NS ns1\n"
    "ns1 IN A 127.0.0.1\n";

constexpr char kRecordSets[] = R"({"ResourceRecordSets": [
  {"Name": "app.lab.test.", "Type": "A", "SetIdentifier": "euw1",
   "Region": "eu-west-1", "TTL": 30, "ResourceRecords": [{"Value": "192.0.2.1"}]},
  {"Name": "app.lab.test.", "Type": "A", "SetIdentifier": "use1",
   "Region": "us-east-1", "TTL": 30, "ResourceRecords": [{"Value": "192.0.2.2"}]},
  {"Name": "app.lab.test.", "Type": "A", "SetIdentifier": "apse1",
   "Region": "ap-southeast-1", "TTL": 30, "ResourceRecords": [{"Value": "192.0.2.3"}]}
]})";

// GeoLite2 City's layout.
MmdbValue City(const char* cc, double lat, double lon) {
  return MmdbValue::Map({
      {"country", MmdbValue::Map({{"iso_code", MmdbValue::Str(cc)}})},
      {"location", MmdbValue::Map({{"latitude", MmdbValue::Dbl(lat)},
                                   {"longitude", MmdbValue::Dbl(lon)}})},
  });
}

// A/AAAA values of a reply's answer section.
std::vector<std::string> Values(const Reply& r) {
  std::vector<std::string> out;
  ldns_rr_list* list = r.answer();
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    char* t = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(list, i), 0));
    out.push_back(t != nullptr ? t : "");
    free(t);
  }
  return out;
}

class e2eLatencyBuild : public TempDirTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempDirTest::SetUp());
    ASSERT_TRUE(WriteFile(tmp_ + "/regions.csv", kThreeRegionsCsv));
    ASSERT_TRUE(WriteFile(tmp_ + "/lab.test.zone", kZone));
    ASSERT_TRUE(WriteFile(tmp_ + "/lab.test.json", kRecordSets));
  }

  // Starts steerdns on the lab zone with `flags`; checks the answers for
  // clients on three continents.
  void ExpectNearestRegions(const std::vector<std::string>& flags,
                            std::string* log = nullptr) {
    ServerOptions o;
    o.zones = {"lab.test.=" + tmp_ + "/lab.test.zone",
               "lab.test.=" + tmp_ + "/lab.test.json"};
    o.extra_args = {"--regions", tmp_ + "/regions.csv"};
    o.extra_args.insert(o.extra_args.end(), flags.begin(), flags.end());
    ServerProcess server;
    ASSERT_TRUE(server.Start(o));
    const struct {
      const char* subnet;
      const char* want;
      const char* where;
    } cases[] = {
        {"81.2.69.0/24", "192.0.2.1", "Europe (London)"},
        {"81.2.70.0/24", "192.0.2.1", "Europe (Berlin)"},
        {"8.8.8.0/24", "192.0.2.2", "North America (California)"},
        {"1.0.1.0/24", "192.0.2.3", "Asia (Shanghai)"},
        {"2001:200::/32", "192.0.2.3", "Asia (Tokyo, IPv6)"},
        {"2a02:c7f::/48", "192.0.2.1", "Europe (London, IPv6)"},
    };
    for (const auto& c : cases) {
      Reply r;
      ASSERT_TRUE(AskUdp(Endpoint::V4(server.port()), "app.lab.test.", LDNS_RR_TYPE_A,
                         WithEcs(c.subnet), &r));
      EXPECT_EQ(Values(r), std::vector<std::string>{c.want})
          << c.where << " " << c.subnet << "\n" << r.ToString();
    }
    if (log != nullptr) *log = server.Log();
    EXPECT_TRUE(server.Stop());
  }
};

TEST_F(e2eLatencyBuild, ZonectlBuildsFromTorGeoipWithMeasurements) {
  // 81.2.69.0/24 GB, 81.2.70.0/24 + 81.2.71.0/24 DE (adjacent: merge),
  // 8.8.8.0/24 US; IPv6 JP. Centroids of our own.
  ASSERT_TRUE(WriteFile(tmp_ + "/geoip",
                        "# tor-geoipdb\n"
                        "1359103232,1359103487,GB\n"
                        "1359103488,1359103999,DE\n"
                        "134744064,134744319,US\n"
                        "16777472,16777727,CN\n"
                        "2001:200::,2001:3ff:ffff:ffff:ffff:ffff:ffff:ffff,JP\n"
                        "2a02:c7f::,2a02:c7f:0:ffff:ffff:ffff:ffff:ffff,GB\n"));
  ASSERT_TRUE(WriteFile(tmp_ + "/centroids.csv",
                        "country,latitude,longitude\n"
                        "GB,51.5,-0.12\nDE,52.5,13.4\nUS,37.4,-122.1\n"
                        "CN,31.23,121.47\nJP,35.65,139.74\n"));
  // A measurement for the US network that beats the model.
  ASSERT_TRUE(WriteFile(tmp_ + "/measured.csv",
                        "network,region,rtt_ms\n8.8.8.0/24,us-east-1,61.5\n"));
  const std::string out = tmp_ + "/latency.csv";
  ToolRun r = RunZonectl({"latency", "build", "--geoip", tmp_ + "/geoip", "--regions",
                          tmp_ + "/regions.csv", "--centroids", tmp_ + "/centroids.csv",
                          "--measured", tmp_ + "/measured.csv", "--out", out});
  ASSERT_TRUE(Succeeded(r)) << r.Describe();
  // Prefixes in (6 ranges: 1 + 2 + 1 + 1 + 1 + 1 = 6 prefixes, DE is a /23),
  // out (merged; IPv6 JP range is 2001:200::/23), and the time it took.
  EXPECT_THAT(r.out, HasSubstr("prefixes in: 6 (IPv4 4, IPv6 2); out: "));
  EXPECT_THAT(r.out, HasSubstr("time: read "));
  const std::string csv = ReadFile(out);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "network,region,rtt_ms");
  EXPECT_THAT(csv, HasSubstr("8.8.8.0/24,us-east-1,61.5\n"));
  EXPECT_THAT(csv, HasSubstr("0.0.0.0/0,"));
  // Three ranked regions per network (us-gov-west-1 has no location).
  size_t rows = 0;
  for (char ch : csv) rows += ch == '\n';
  EXPECT_EQ((rows - 1) % 3, 0u) << csv;

  std::string log;
  ExpectNearestRegions({"--latency", out}, &log);
  EXPECT_THAT(log, HasSubstr("latency table " + out));

  // The compact default from the same input serves the same answers.
  const std::string locs = tmp_ + "/locations.csv";
  r = RunZonectl({"latency", "build", "--format", "locations", "--geoip",
                  tmp_ + "/geoip", "--centroids", tmp_ + "/centroids.csv", "--out", locs});
  ASSERT_TRUE(Succeeded(r)) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("locations: 5"));
  EXPECT_THAT(ReadFile(locs), HasSubstr("81.2.70.0/23,52.5,13.4,DE\n"));
  r = RunZonectl({"check", locs});
  ASSERT_TRUE(Succeeded(r)) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("network locations (--default-latency): 6 networks, 5 locations"));
  ExpectNearestRegions({"--default-latency", locs}, &log);
  EXPECT_THAT(log, HasSubstr("default latency table " + locs));
  EXPECT_THAT(log, HasSubstr("5 locations x 3 regions"));
}

TEST_F(e2eLatencyBuild, BadInputGivesFileAndLine) {
  ASSERT_TRUE(WriteFile(tmp_ + "/geoip", "16777472,16777727,CN\n16777728,16777000,CN\n"));
  ToolRun r = RunZonectl({"latency", "build", "--geoip", tmp_ + "/geoip", "--regions",
                          tmp_ + "/regions.csv", "--out", tmp_ + "/x.csv"});
  EXPECT_TRUE(FailedWithOneLine(r, 1)) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr(tmp_ + "/geoip:2: "));
  ASSERT_TRUE(WriteFile(tmp_ + "/m.csv", "network,region,rtt_ms\n8.8.8.0/24,us-east-1,-3\n"));
  ASSERT_TRUE(WriteFile(tmp_ + "/geoip", "16777472,16777727,CN\n"));
  r = RunZonectl({"latency", "build", "--geoip", tmp_ + "/geoip", "--regions",
                  tmp_ + "/regions.csv", "--measured", tmp_ + "/m.csv", "--out",
                  tmp_ + "/x.csv"});
  EXPECT_TRUE(FailedWithOneLine(r, 1)) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr(tmp_ + "/m.csv:2: "));
  // A broken default table stops start-up with file:line.
  ASSERT_TRUE(WriteFile(tmp_ + "/bad-locations.csv",
                        "network,latitude,longitude,country\n1.0.0.0/24,100,0,XX\n"));
  std::string out;
  ExitInfo e = RunBinary({"--listen", "127.0.0.1:0", "--control", "off", "--zone",
                          "lab.test.=" + tmp_ + "/lab.test.zone", "--zone",
                          "lab.test.=" + tmp_ + "/lab.test.json", "--regions",
                          tmp_ + "/regions.csv", "--default-latency",
                          tmp_ + "/bad-locations.csv"},
                         std::chrono::seconds(10), &out);
  EXPECT_TRUE(e.exited && e.exit_code == 1) << e.Describe() << out;
  EXPECT_THAT(out, HasSubstr(tmp_ + "/bad-locations.csv:2: latitude '100'"));
}

TEST_F(e2eLatencyBuild, MmdbTableServesThreeContinents) {
  // A tiny GeoLite2-City-shaped IPv6 database (IPv4 under ::/96).
  MmdbWriter w(6);
  w.Insert("81.2.69.0/24", City("GB", 51.5, -0.12));
  w.Insert("81.2.70.0/23", City("DE", 52.5, 13.4));
  w.Insert("8.8.8.0/24", City("US", 37.4, -122.1));
  w.Insert("1.0.1.0/24", City("CN", 31.23, 121.47));
  w.Insert("2001:200::/23", City("JP", 35.65, 139.74));
  w.Insert("2a02:c7f::/32", City("GB", 51.5, -0.12));
  w.AliasIpv4();
  ASSERT_TRUE(WriteFile(tmp_ + "/city.mmdb", w.Build()));
  const std::string out = tmp_ + "/latency.csv";
  ToolRun r = RunZonectl({"latency", "build", "--geoip", tmp_ + "/city.mmdb", "--regions",
                          tmp_ + "/regions.csv", "--out", out});
  ASSERT_TRUE(Succeeded(r)) << r.Describe();
  EXPECT_THAT(r.out, HasSubstr("(mmdb)"));
  EXPECT_THAT(r.out, HasSubstr("prefixes in: 6 (IPv4 4, IPv6 2)"));
  ExpectNearestRegions({"--latency", out});
}

}  // namespace
}  // namespace e2e
