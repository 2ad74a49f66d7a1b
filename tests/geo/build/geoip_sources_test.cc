#include "geo/build/geoip_sources.h"

#include <maxminddb.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "geo/build/mmdb_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/build/mmdb_writer.h"

namespace geo {
namespace {

using ::geo::testing::MmdbValue;
using ::geo::testing::MmdbWriter;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Address A(const char* s) { return *Address::Parse(s); }

// The prefixes RangeToPrefixes covers [first, last] with, as text; one
// "RangeToPrefixes failed" entry if it returns false.
std::vector<std::string> RangePrefixes(const Address& first, const Address& last) {
  std::vector<Prefix> prefixes;
  if (!RangeToPrefixes(first, last, prefixes)) return {"RangeToPrefixes failed"};
  std::vector<std::string> out;
  for (const Prefix& p : prefixes) out.push_back(p.ToString());
  return out;
}

// (network, place) pairs as text: "1.2.3.0/24 DE 52.5,13.4".
std::vector<std::string> Dump(const GeoNetworks& n) {
  std::vector<std::string> out;
  for (const GeoNetworks::Entry& e : n.networks()) {
    const Place& p = n.place(e.place);
    std::string s = e.network.ToString() + " " + (p.country.empty() ? "-" : p.country);
    if (p.has_coordinates) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " %.2f,%.2f", p.latitude, p.longitude);
      s += buf;
    }
    out.push_back(s);
  }
  return out;
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/geoip_sources_test_" + std::to_string(getpid()) +
         "_" + name;
}

// Removes the fixture files when the test program ends.
class TempFiles : public ::testing::Environment {
 public:
  static std::vector<std::string>& paths() {
    static auto* p = new std::vector<std::string>;
    return *p;
  }
  void TearDown() override {
    for (const std::string& p : paths()) std::remove(p.c_str());
  }
};
const auto* const kTempFiles = ::testing::AddGlobalTestEnvironment(new TempFiles);

std::string WriteFile(const std::string& name, const std::string& bytes) {
  const std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << bytes;
  TempFiles::paths().push_back(path);
  return path;
}

TEST(RangeToPrefixesTest, Ipv4) {
  EXPECT_THAT(RangePrefixes(A("1.0.0.0"), A("1.0.0.255")), ElementsAre("1.0.0.0/24"));
  EXPECT_THAT(RangePrefixes(A("1.0.0.1"), A("1.0.0.6")),
              ElementsAre("1.0.0.1/32", "1.0.0.2/31", "1.0.0.4/31", "1.0.0.6/32"));
  EXPECT_THAT(RangePrefixes(A("0.0.0.0"), A("255.255.255.255")), ElementsAre("0.0.0.0/0"));
  EXPECT_THAT(RangePrefixes(A("255.255.255.255"), A("255.255.255.255")),
              ElementsAre("255.255.255.255/32"));
  // tor-geoipdb's first lines: 16777216..16777471 = 1.0.0.0/24,
  // 16777472..16778239 = 1.0.1.0 - 1.0.3.255.
  EXPECT_THAT(RangePrefixes(Address::FromV4(16777472), Address::FromV4(16778239)),
              ElementsAre("1.0.1.0/24", "1.0.2.0/23"));
}

TEST(RangeToPrefixesTest, Ipv6AndErrors) {
  EXPECT_THAT(RangePrefixes(A("::"), A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
              ElementsAre("::/0"));
  EXPECT_THAT(RangePrefixes(A("2001:4:112::"), A("2001:4:112:ffff:ffff:ffff:ffff:ffff")),
              ElementsAre("2001:4:112::/48"));
  EXPECT_THAT(RangePrefixes(A("2001:db8::"), A("2001:db8::2")),
              ElementsAre("2001:db8::/127", "2001:db8::2/128"));
  std::vector<Prefix> out;
  EXPECT_FALSE(RangeToPrefixes(A("1.0.0.0"), A("2001:db8::"), out));
  EXPECT_FALSE(RangeToPrefixes(A("1.0.0.9"), A("1.0.0.1"), out));
  EXPECT_TRUE(out.empty());
}

TEST(TorGeoipTest, ParsesBothFamilies) {
  GeoNetworks n;
  const char* text =
      "# comment\n"
      "\n"
      "16777216,16777471,AU\r\n"
      "16777472,16778239,CN\n"
      "16778240,16778240,??\n"
      "2001:4:112::,2001:4:112:ffff:ffff:ffff:ffff:ffff,US\n"
      "2001:200::,2001:200:0:ffff:ffff:ffff:ffff:ffff,AU\n";
  ASSERT_TRUE(ParseTorGeoip(text, "geoip", n).ok());
  EXPECT_THAT(Dump(n), ElementsAre("1.0.0.0/24 AU", "1.0.1.0/24 CN", "1.0.2.0/23 CN",
                                   "2001:4:112::/48 US", "2001:200::/48 AU"));
  EXPECT_EQ(n.records, 5u);
  EXPECT_EQ(n.unlocated_records, 1u);
  EXPECT_EQ(n.places().size(), 3u);  // AU, CN, US: AU interned once
}

TEST(TorGeoipTest, ErrorsHaveFileAndLine) {
  auto err = [](const char* text) {
    GeoNetworks n;
    return std::string(ParseTorGeoip(text, "geoip", n).message());
  };
  EXPECT_EQ(err("# x\n1,2\n"), "geoip:2: expected 3 fields (start,end,country), got 2");
  EXPECT_EQ(err("1,2,US,x\n"), "geoip:1: expected 3 fields (start,end,country), got 4");
  EXPECT_EQ(err("5,4,US\n"), "geoip:1: range start 5 > end 4");
  EXPECT_EQ(err("1,2,USA\n"), "geoip:1: country code 'USA' is not two capital letters (or ?\?)");
  EXPECT_EQ(err("1,2,us\n"), "geoip:1: country code 'us' is not two capital letters (or ?\?)");
  EXPECT_EQ(err("1,4294967296,US\n"),
            "geoip:1: range end '4294967296' is not an IPv4 integer or an address");
  EXPECT_EQ(err("x,2,US\n"), "geoip:1: range start 'x' is not an IPv4 integer or an address");
  EXPECT_EQ(err("1,::1,US\n"), "geoip:1: range start and end are of different families");
  EXPECT_EQ(err("2001:db8::9,2001:db8::1,US\n"),
            "geoip:1: range start 2001:db8::9 > end 2001:db8::1");
  GeoNetworks n;
  absl::Status s = ReadTorGeoip(TempPath("missing"), n);
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
}

TEST(LocationsCsvTest, Parses) {
  GeoNetworks n;
  const char* text =
      "lon,lat,network,country\n"
      "13.4,52.5,192.0.2.0/24,DE\n"
      ",,198.51.100.0/24,FR\n"
      "2.35,48.85,2001:db8::/32,\n"
      ",,203.0.113.0/24,\n";
  ASSERT_TRUE(ParseLocationsCsv(text, "loc.csv", n).ok());
  EXPECT_THAT(Dump(n), ElementsAre("192.0.2.0/24 DE 52.50,13.40", "198.51.100.0/24 FR",
                                   "2001:db8::/32 - 48.85,2.35"));
  EXPECT_EQ(n.records, 4u);
  EXPECT_EQ(n.unlocated_records, 1u);
}

TEST(LocationsCsvTest, Errors) {
  auto err = [](const char* text) {
    GeoNetworks n;
    return std::string(ParseLocationsCsv(text, "loc.csv", n).message());
  };
  EXPECT_EQ(err("network,latitude\n"),
            "loc.csv:1: header must have columns network, latitude or lat, longitude or "
            "lon; got 'network,latitude'");
  EXPECT_THAT(err("network,latitude,longitude\n10.1.2.3/8,1,2\n"),
              HasSubstr("loc.csv:2: network '10.1.2.3/8': "));
  EXPECT_EQ(err("network,latitude,longitude\n10.0.0.0/8,91,2\n"),
            "loc.csv:2: latitude 91 is outside -90..90");
  EXPECT_EQ(err("network,latitude,longitude\n10.0.0.0/8,1,\n"),
            "loc.csv:2: only one of latitude and longitude is given");
  EXPECT_EQ(err("network,latitude,longitude\n10.0.0.0/8,1\n"),
            "loc.csv:2: expected 3 fields as in the header, got 2");
  EXPECT_EQ(err("network,latitude,longitude,country\n10.0.0.0/8,1,2,Germany\n"),
            "loc.csv:2: country code 'Germany' is not two capital letters");
  EXPECT_EQ(err(""), "loc.csv:1: empty file (expected a header network,latitude,longitude)");
}

TEST(CountryCentroidsTest, ParseAndErrors) {
  absl::StatusOr<CountryCentroids> c = CountryCentroids::ParseCsv(
      "country,latitude,longitude,basis\nDE,52.5,13.4,Berlin\nUS,40.7,-74.0,New York\n",
      "c.csv");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->size(), 2u);
  EXPECT_DOUBLE_EQ(c->Find("US")->longitude, -74.0);
  EXPECT_FALSE(c->Find("FR").has_value());
  auto err = [](const char* text) {
    return std::string(CountryCentroids::ParseCsv(text, "c.csv").status().message());
  };
  EXPECT_EQ(err("country,latitude,longitude\nDE,1,2\nDE,3,4\n"),
            "c.csv:3: duplicate country 'DE' (first at line 2)");
  EXPECT_EQ(err("country,latitude,longitude\nDEU,1,2\n"),
            "c.csv:2: country code 'DEU' is not two capital letters");
  EXPECT_EQ(err("country,latitude,longitude\nDE,x,2\n"),
            "c.csv:2: latitude 'x' is not a number");
}

TEST(CountryCentroidsTest, ShippedFileCoversTorCodes) {
  absl::StatusOr<CountryCentroids> c =
      CountryCentroids::LoadCsv(DefaultCountryCentroidsPath());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_GT(c->size(), 250u);
  for (const char* cc : {"US", "DE", "GB", "JP", "BR", "AU", "IN", "ZA", "EU", "AP", "UK"}) {
    EXPECT_TRUE(c->Find(cc).has_value()) << cc;
  }
  // Largest-city choices, not zone.tab's first zone.
  EXPECT_NEAR(c->Find("AU")->longitude, 151.2, 0.1);  // Sydney
  EXPECT_NEAR(c->Find("CA")->longitude, -79.4, 0.1);  // Toronto
}

// ------------------------------------------------------------------ MMDB

MmdbValue Geoip2City(const char* cc, double lat, double lon) {
  return MmdbValue::Map({
      {"city", MmdbValue::Map({{"names", MmdbValue::Map({{"en", MmdbValue::Str("X")}})}})},
      {"country", MmdbValue::Map({{"iso_code", MmdbValue::Str(cc)}})},
      {"location", MmdbValue::Map({{"accuracy_radius", MmdbValue::U16(100)},
                                   {"latitude", MmdbValue::Dbl(lat)},
                                   {"longitude", MmdbValue::Dbl(lon)}})},
  });
}
// ip-location-db's flat layout, here with float coordinates.
MmdbValue FlatCity(const char* cc, float lat, float lon) {
  return MmdbValue::Map({{"city", MmdbValue::Str("Y")},
                         {"country_code", MmdbValue::Str(cc)},
                         {"latitude", MmdbValue::Flt(lat)},
                         {"longitude", MmdbValue::Flt(lon)}});
}

// Our writer's output must be a database libmaxminddb itself looks up.
void ExpectLookup(const std::string& path, const char* ip, bool found, int netmask = 0) {
  MMDB_s db;
  ASSERT_EQ(MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
  int gai = 0, err = 0;
  MMDB_lookup_result_s r = MMDB_lookup_string(&db, ip, &gai, &err);
  EXPECT_EQ(gai, 0);
  EXPECT_EQ(err, MMDB_SUCCESS);
  EXPECT_EQ(r.found_entry, found) << ip;
  if (found && netmask > 0) {
    EXPECT_EQ(r.netmask, netmask) << ip;
  }
  MMDB_close(&db);
}

TEST(MmdbTest, Ipv4Database) {
  for (int record_size : {24, 32}) {
    MmdbWriter w(4, record_size);
    const size_t de = w.Insert("1.2.3.0/24", Geoip2City("DE", 52.5, 13.4));
    w.Insert("10.0.0.0/8", FlatCity("FR", 48.85f, 2.35f));
    w.InsertSame("11.0.0.0/16", de);  // a second network, same data record
    w.Insert("12.0.0.0/8", MmdbValue::Map({{"other", MmdbValue::Bool(true)}}));
    w.Insert("13.0.0.0/8", MmdbValue::Map({{"registered_country",
                                            MmdbValue::Map({{"iso_code", MmdbValue::Str("NL")}})}}));
    const std::string path =
        WriteFile("v4_" + std::to_string(record_size) + ".mmdb", w.Build());
    ExpectLookup(path, "1.2.3.4", true, 24);
    ExpectLookup(path, "1.2.4.4", false);

    GeoNetworks n;
    MmdbInfo info;
    absl::Status s = ReadMmdb(path, n, &info);
    ASSERT_TRUE(s.ok()) << s;
    EXPECT_THAT(Dump(n), ElementsAre("1.2.3.0/24 DE 52.50,13.40", "10.0.0.0/8 FR 48.85,2.35",
                                     "11.0.0.0/16 DE 52.50,13.40", "13.0.0.0/8 NL"));
    EXPECT_EQ(n.records, 5u);
    EXPECT_EQ(n.unlocated_records, 1u);  // 12.0.0.0/8
    EXPECT_EQ(info.ip_version, 4);
    EXPECT_EQ(info.data_records, 4u);
    EXPECT_EQ(info.database_type, "steerdns-Test-City");
    EXPECT_EQ(info.aliases_skipped, 0u);
    absl::StatusOr<GeoSourceKind> k = DetectGeoSource(path);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(*k, GeoSourceKind::kMmdb);
  }
}

TEST(MmdbTest, Ipv6DatabaseReadsIpv4OnceDespiteAliases) {
  MmdbWriter w(6);
  w.Insert("2001:db8::/32", Geoip2City("JP", 35.65, 139.74));
  w.Insert("2400:cb00::/48", Geoip2City("KR", 37.57, 126.98));
  w.Insert("192.0.2.0/24", FlatCity("DE", 50.11f, 8.68f));
  w.Insert("198.51.100.128/25", Geoip2City("US", 39.04, -77.49));
  w.AliasIpv4();
  const std::string path = WriteFile("v6.mmdb", w.Build());
  ExpectLookup(path, "192.0.2.1", true);
  ExpectLookup(path, "::ffff:192.0.2.1", true);  // through the alias
  ExpectLookup(path, "2002:c000:0201::1", true);  // 6to4 alias
  ExpectLookup(path, "2001:db8::1", true);

  GeoNetworks n;
  MmdbInfo info;
  ASSERT_TRUE(ReadMmdb(path, n, &info).ok());
  EXPECT_THAT(Dump(n), ElementsAre("192.0.2.0/24 DE 50.11,8.68", "198.51.100.128/25 US 39.04,-77.49",
                                   "2001:db8::/32 JP 35.65,139.74", "2400:cb00::/48 KR 37.57,126.98"));
  EXPECT_EQ(info.ip_version, 6);
  EXPECT_EQ(info.aliases_skipped, 2u);
}

TEST(MmdbTest, Errors) {
  GeoNetworks n;
  absl::Status s = ReadMmdb(TempPath("nope.mmdb"), n);
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
  const std::string junk = WriteFile("junk.mmdb", std::string(1000, 'x'));
  s = ReadMmdb(junk, n);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr(junk + ": "));
  // A good file whose root's left record points past the data section.
  MmdbWriter w(4);
  w.Insert("1.2.3.0/24", Geoip2City("DE", 52.5, 13.4));
  std::string bytes = w.Build();
  bytes[0] = bytes[1] = bytes[2] = '\xFF';
  const std::string bad = WriteFile("badrecord.mmdb", bytes);
  s = ReadMmdb(bad, n);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr(bad + ": search tree node 0: "));
}

TEST(DetectGeoSourceTest, ByContent) {
  const std::string tor = WriteFile("tor.txt", "# header\n16777216,16777471,AU\n");
  const std::string csv = WriteFile("loc.csv", "network,latitude,longitude\n");
  EXPECT_EQ(*DetectGeoSource(tor), GeoSourceKind::kTorGeoip);
  EXPECT_EQ(*DetectGeoSource(csv), GeoSourceKind::kLocationsCsv);
  EXPECT_TRUE(absl::IsNotFound(DetectGeoSource(TempPath("none")).status()));
  GeoNetworks n;
  ASSERT_TRUE(ReadGeoSource(tor, n).ok());
  EXPECT_THAT(Dump(n), ElementsAre("1.0.0.0/24 AU"));
  EXPECT_EQ(GeoSourceKindName(GeoSourceKind::kMmdb), "mmdb");
}

}  // namespace
}  // namespace geo
