#include "geo/build/latency_builder.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "geo/latency_table.h"
#include "geo/build/location_table.h"
#include "tests/geo/build/mmdb_writer.h"
#include "tools/latency_build_command.h"

namespace geo {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Four regions on the equator / pole, one without a location.
constexpr char kRegions[] =
    "region,latitude,longitude\n"
    "r-east,0,0\n"
    "r-west,0,-90\n"
    "r-north,60,0\n"
    "r-gov,,\n";

class Fixture {
 public:
  Fixture() {
    auto r = RegionRegistry::ParseCsv(kRegions, "regions.csv", ids_);
    EXPECT_TRUE(r.ok()) << r.status();
    regions_ = *r;
    auto c = CountryCentroids::ParseCsv("country,latitude,longitude\nXA,0,2\nXB,0,-88\n",
                                        "centroids.csv");
    EXPECT_TRUE(c.ok());
    centroids_ = *c;
  }
  const RegionRegistry& regions() const { return *regions_; }
  const CountryCentroids* centroids() const { return &centroids_; }

 private:
  AdminStates ids_;
  std::shared_ptr<const RegionRegistry> regions_;
  CountryCentroids centroids_;
};

Prefix P(const char* s) {
  absl::StatusOr<Prefix> p = Prefix::Parse(s);
  EXPECT_TRUE(p.ok()) << s;
  return *p;
}

uint32_t PlaceAt(GeoNetworks& n, double lat, double lon, const char* cc = "") {
  Place p;
  p.country = cc;
  p.has_coordinates = true;
  p.latitude = lat;
  p.longitude = lon;
  return n.InternPlace(p);
}
uint32_t Country(GeoNetworks& n, const char* cc) {
  Place p;
  p.country = cc;
  return n.InternPlace(p);
}

std::shared_ptr<const LatencyTable> Load(const BuiltLatencyTable& t) {
  auto lt = LatencyTable::ParseCsv(t.ToCsv(), "built.csv");
  EXPECT_TRUE(lt.ok()) << lt.status();
  return lt.ok() ? *lt : LatencyTable::Empty();
}

// "r-east 10.5,r-north 77" for the client's row; "-" when none matches.
std::string RowFor(const LatencyTable& t, const char* addr) {
  RankExplanation ex;
  RankResult r = t.Rank(*Address::Parse(addr), &ex);
  if (r.ranking == nullptr) return "-";
  std::vector<std::string> parts;
  for (size_t i = 0; i < r.ranking->size(); ++i) {
    parts.push_back(absl::StrCat(t.region_name((*r.ranking)[i]), " ", ex.rtt_ms[i]));
  }
  return absl::StrJoin(parts, ",");
}

int32_t Tenths(double ms) { return static_cast<int32_t>(std::nearbyint(ms * 10)); }
double ModelMs(double lat1, double lon1, double lat2, double lon2,
               const DistanceModel& m = kDefaultDistanceModel) {
  return Tenths(m.RttMs(HaversineKm(lat1, lon1, lat2, lon2))) / 10.0;
}

TEST(LatencyBuilderTest, ModelRowsRankingAndDefaults) {
  Fixture f;
  GeoNetworks n;
  n.Add(P("10.0.0.0/8"), PlaceAt(n, 0, 1));
  n.Add(P("20.0.0.0/8"), Country(n, "XB"));  // centroid (0,-88)
  n.Add(P("2001:db8::/32"), PlaceAt(n, 59, 0));
  n.Add(P("30.0.0.0/8"), Country(n, "ZZ"));  // no centroid: left out
  LatencyBuildOptions opt;
  opt.merge = MergeMode::kNone;
  absl::StatusOr<BuiltLatencyTable> t =
      BuildLatencyTable(n, f.regions(), f.centroids(), {}, opt);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->stats.input_prefixes_v4, 3u);
  EXPECT_EQ(t->stats.input_prefixes_v6, 1u);
  EXPECT_EQ(t->stats.no_location_prefixes, 1u);
  EXPECT_THAT(t->stats.no_location_countries, ElementsAre(std::pair<std::string, size_t>("ZZ", 1)));
  EXPECT_EQ(t->stats.modeled_regions, 3u);
  // 0.0.0.0/0, 10/8, 20/8, ::/0; 2001:db8::/32 is the only located IPv6
  // network, so ::/0 (the mean of IPv6 rows) has its row and it needs none.
  EXPECT_EQ(t->stats.output_networks_v4, 3u);
  EXPECT_EQ(t->stats.output_networks_v6, 1u);
  EXPECT_EQ(t->stats.output_rows, 12u);

  auto lt = Load(*t);
  EXPECT_EQ(RowFor(*lt, "10.1.2.3"),
            absl::StrCat("r-east ", ModelMs(0, 1, 0, 0), ",r-north ", ModelMs(0, 1, 60, 0),
                         ",r-west ", ModelMs(0, 1, 0, -90)));
  EXPECT_EQ(RowFor(*lt, "20.0.0.1"),
            absl::StrCat("r-west ", ModelMs(0, -88, 0, -90), ",r-east ", ModelMs(0, -88, 0, 0),
                         ",r-north ", ModelMs(0, -88, 60, 0)));
  EXPECT_THAT(RowFor(*lt, "2001:db8::1"), ::testing::StartsWith("r-north "));
  // Defaults: the address-weighted mean of the family's located rows; two
  // equal /8s here, so the mean of 10/8 and 20/8 per region.
  const DistanceModel& m = kDefaultDistanceModel;
  const double east =
      (m.RttMs(HaversineKm(0, 1, 0, 0)) + m.RttMs(HaversineKm(0, -88, 0, 0))) / 2;
  EXPECT_THAT(RowFor(*lt, "30.0.0.1"), HasSubstr(absl::StrCat("r-east ", Tenths(east) / 10.0)));
  EXPECT_EQ(RowFor(*lt, "2001:db9::1"), RowFor(*lt, "2001:db8::1"));  // IPv6 default
  // r-gov has no coordinates: no modeled RTT, in no row.
  EXPECT_THAT(t->ToCsv(), ::testing::Not(HasSubstr("r-gov")));
  EXPECT_THAT(t->ToCsv(), ::testing::StartsWith("network,region,rtt_ms\n0.0.0.0/0,"));

  // Without default rows, unlocated addresses match nothing.
  opt.default_rows = false;
  t = BuildLatencyTable(n, f.regions(), f.centroids(), {}, opt);
  ASSERT_TRUE(t.ok());
  lt = Load(*t);
  EXPECT_EQ(RowFor(*lt, "30.0.0.1"), "-");
  EXPECT_EQ(RowFor(*lt, "2001:db9::1"), "-");
}

TEST(LatencyBuilderTest, TopK) {
  Fixture f;
  GeoNetworks n;
  n.Add(P("10.0.0.0/8"), PlaceAt(n, 0, 1));
  LatencyBuildOptions opt;
  opt.top_k = 2;
  absl::StatusOr<BuiltLatencyTable> t = BuildLatencyTable(n, f.regions(), f.centroids(), {}, opt);
  ASSERT_TRUE(t.ok());
  auto lt = Load(*t);
  EXPECT_EQ(RowFor(*lt, "10.0.0.1"),
            absl::StrCat("r-east ", ModelMs(0, 1, 0, 0), ",r-north ", ModelMs(0, 1, 60, 0)));
}

TEST(LatencyBuilderTest, MeasuredOverridesAndPrecedence) {
  Fixture f;
  GeoNetworks n;
  n.Add(P("10.0.0.0/8"), PlaceAt(n, 0, 1, "XA"));
  n.Add(P("20.0.0.0/8"), Country(n, "XB"));
  n.Add(P("2001:db8::/32"), PlaceAt(n, 59, 0));
  absl::StatusOr<std::vector<MeasuredRtt>> m = ParseMeasuredCsv(
      "client,region,rtt_ms\n"
      "10.1.0.0/16,r-west,1\n"         // network: beats the model inside 10.1/16
      "10.1.2.0/24,r-west,500\n"       // the longer network wins
      "\"geo:0,1.2\",r-north,2\n"      // location: 22 km from 10/8's place
      "\"geo:0,1.3\",r-north,3\n"      // farther than the first: loses
      "XA,r-north,4\n"                 // country: the location beats it
      "XA,r-east,6\n"                  // country: applies (no location for r-east)
      "XB,r-gov,3\n"                   // adds a region the model lacks
      "198.18.0.0/15,r-north,7\n"      // unlocated network: default row + this
      "\"geo:-45,100\",r-east,1\n"     // matches no place
      "2001:db8:1::/48,r-west,0.5\n",
      "m.csv");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->size(), 10u);
  EXPECT_EQ((*m)[2].kind, MeasuredRtt::Kind::kLocation);
  EXPECT_EQ((*m)[4].kind, MeasuredRtt::Kind::kCountry);
  for (MergeMode mode : {MergeMode::kNone, MergeMode::kSiblings, MergeMode::kOptimal}) {
    LatencyBuildOptions opt;
    opt.merge = mode;
    absl::StatusOr<BuiltLatencyTable> t = BuildLatencyTable(n, f.regions(), f.centroids(), *m, opt);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->stats.measured, 10u);
    EXPECT_EQ(t->stats.measured_unused, 2u);  // geo:0,1.3 and geo:-45,100
    auto lt = Load(*t);
    const double west = ModelMs(0, 1, 0, -90);
    EXPECT_EQ(RowFor(*lt, "10.0.0.1"), absl::StrCat("r-north 2,r-east 6,r-west ", west));
    EXPECT_EQ(RowFor(*lt, "10.1.0.1"), "r-west 1,r-north 2,r-east 6");
    EXPECT_EQ(RowFor(*lt, "10.1.2.1"), "r-north 2,r-east 6,r-west 500");
    EXPECT_EQ(RowFor(*lt, "10.2.0.1"), RowFor(*lt, "10.0.0.1"));
    EXPECT_THAT(RowFor(*lt, "20.0.0.1"), ::testing::StartsWith("r-gov 3,r-west "));
    EXPECT_THAT(RowFor(*lt, "198.19.255.255"), ::testing::StartsWith("r-north 7,"));
    EXPECT_EQ(RowFor(*lt, "198.20.0.0"), RowFor(*lt, "30.0.0.1"));  // plain default
    EXPECT_THAT(RowFor(*lt, "2001:db8:1::1"), ::testing::StartsWith("r-west 0.5,r-north "));
    EXPECT_THAT(RowFor(*lt, "2001:db8:2::1"), ::testing::StartsWith("r-north "));
  }
  // A region the registry lacks is an error at the measurement's line.
  absl::StatusOr<std::vector<MeasuredRtt>> bad =
      ParseMeasuredCsv("client,region,rtt_ms\n10.0.0.0/8,r-east,1\nDE,nope,2\n", "m2.csv");
  ASSERT_TRUE(bad.ok());
  absl::StatusOr<BuiltLatencyTable> t = BuildLatencyTable(n, f.regions(), f.centroids(), *bad, {});
  EXPECT_EQ(t.status().message(), "m2.csv:3: unknown region 'nope' (not in regions.csv)");
  // A typo: the same words as the server's (RegionRegistry::CheckName).
  bad = ParseMeasuredCsv("client,region,rtt_ms\nDE,r-wset,2\n", "m3.csv");
  ASSERT_TRUE(bad.ok());
  t = BuildLatencyTable(n, f.regions(), f.centroids(), *bad, {});
  EXPECT_EQ(t.status().message(), "m3.csv:2: unknown region 'r-wset' (did you mean 'r-west'?)");
}

TEST(LatencyBuilderTest, MeasuredCsvErrors) {
  auto err = [](const char* text) {
    return std::string(ParseMeasuredCsv(text, "m.csv").status().message());
  };
  EXPECT_EQ(err("network,region\n"),
            "m.csv:1: header must have columns client or network or location, region, "
            "rtt_ms; got 'network,region'");
  EXPECT_THAT(err("client,region,rtt_ms\nparis,r-east,1\n"),
              HasSubstr("m.csv:2: client 'paris' is not a network, a geo:LAT,LON location "
                        "or a country code"));
  EXPECT_EQ(err("client,region,rtt_ms\n\"geo:1,2,3\",r-east,1\n"),
            "m.csv:2: client 'geo:1,2,3': expected geo:LATITUDE,LONGITUDE");
  EXPECT_EQ(err("client,region,rtt_ms\n\"geo:91,2\",r-east,1\n"),
            "m.csv:2: latitude 91 is outside -90..90");
  EXPECT_EQ(err("client,region,rtt_ms\nDE,,1\n"), "m.csv:2: empty region name");
  EXPECT_EQ(err("client,region,rtt_ms\nDE,r,-1\n"), "m.csv:2: rtt_ms -1 is negative");
  EXPECT_EQ(err("client,region,rtt_ms\nDE,r,fast\n"), "m.csv:2: rtt_ms 'fast' is not a number");
  EXPECT_EQ(err("client,region,rtt_ms\n10.0.0.0/8,r,1\n10.0.0.0/8,r,2\n"),
            "m.csv:3: second measurement for 10.0.0.0/8 and r (first at line 2)");
  EXPECT_EQ(err("client,region,rtt_ms\n10.0.0.0/8,r,1,x\n"),
            "m.csv:2: expected 3 fields as in the header, got 4");
  // A bare address is a full-length network.
  auto ok = ParseMeasuredCsv("location,region,rtt_ms\n192.0.2.1,r,1\n", "m.csv");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[0].network.ToString(), "192.0.2.1/32");
}

TEST(LatencyBuilderTest, RttMatrixSamples) {
  Fixture f;
  absl::StatusOr<std::vector<DistanceSample>> s = ParseRttMatrixSamples(
      "src,dst,p50_ms\nr-east,r-east,1\nr-east,r-west,100\nr-west,r-east,110\n"
      "r-east,r-gov,5\nr-north,r-east,70\n",
      "m.csv", f.regions());
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 2u);  // the diagonal and r-gov (no coordinates) skipped
  EXPECT_NEAR((*s)[0].km, HaversineKm(0, 0, 0, -90), 1e-9);
  EXPECT_DOUBLE_EQ((*s)[0].rtt_ms, 105);  // mean of both directions
  EXPECT_DOUBLE_EQ((*s)[1].rtt_ms, 70);
  EXPECT_EQ(ParseRttMatrixSamples("src,dst,p50_ms\nr-east,mars,1\n", "m.csv", f.regions())
                .status()
                .message(),
            "m.csv:2: unknown region 'mars' (not in regions.csv)");
}

// ------------------------------------------------------- merge property

// Random nested and adjacent prefixes over a few places, in both families.
GeoNetworks RandomInput(uint32_t seed, std::vector<Address>& probes) {
  std::mt19937_64 rng(seed);
  GeoNetworks n;
  std::vector<uint32_t> places;
  // Few places, so that equal rankings sit side by side and merge.
  const double pts[][2] = {{0, 1}, {0, 3}, {1, -89}, {58, 2}, {30, -45}, {10, -20}};
  for (const auto& p : pts) places.push_back(PlaceAt(n, p[0], p[1]));
  places.push_back(Country(n, "XA"));
  places.push_back(Country(n, "XB"));
  auto pick = [&]() { return places[rng() % places.size()]; };
  auto add_probe = [&](const Prefix& p) {
    const Address a = p.address();
    probes.push_back(a);
    if (p.is_v4()) {
      const uint32_t last = a.v4() | ~MaskV4(p.length());
      probes.push_back(Address::FromV4(last));
      probes.push_back(Address::FromV4(a.v4() - 1));
      probes.push_back(Address::FromV4(last + 1));
      probes.push_back(Address::FromV4(a.v4() + static_cast<uint32_t>(rng() & ~MaskV4(p.length()))));
    } else {
      const int len = p.length();
      const uint64_t hi_host = len >= 64 ? 0 : ~Mask64(len);
      const uint64_t lo_host = len >= 64 ? ~Mask64(len - 64) : ~uint64_t{0};
      probes.push_back(Address::FromWords(a.hi() | hi_host, a.lo() | lo_host));
      probes.push_back(Address::FromWords(a.hi() | (rng() & hi_host), a.lo() | (rng() & lo_host)));
      probes.push_back(Address::FromWords(a.hi() | hi_host, (a.lo() | lo_host) + 1));
    }
  };
  // IPv4: dense runs of /24s to /28s inside 10/8 and 11/8 (adjacent, so
  // merges happen), plus nested and scattered prefixes.
  for (int base : {10, 11}) {
    uint32_t cur = static_cast<uint32_t>(base) << 24;
    const uint32_t place_run = pick();
    for (int i = 0; i < 400; ++i) {
      const int len = 22 + static_cast<int>(rng() % 7);
      cur = (cur + ~MaskV4(len)) & MaskV4(len);  // align up
      const Prefix p = Prefix::Make(Address::FromV4(cur), len);
      n.Add(p, rng() % 3 == 0 ? pick() : place_run);
      add_probe(p);
      cur += (uint32_t{1} << (32 - len)) * (1 + (rng() % 4 == 0 ? rng() % 3 : 0));
    }
  }
  for (int i = 0; i < 300; ++i) {
    const int len = 8 + static_cast<int>(rng() % 25);
    const Prefix p = Prefix::Make(Address::FromV4(static_cast<uint32_t>(rng())), len);
    n.Add(p, pick());
    add_probe(p);
  }
  // IPv6: runs of /48s in 2001:db8::/32, and scattered prefixes.
  for (int i = 0; i < 300; ++i) {
    const uint64_t hi = 0x20010db800000000ull | (uint64_t(i / 3) << 16);
    const Prefix p = Prefix::Make(Address::FromWords(hi, 0), 48);
    n.Add(p, i % 7 == 0 ? pick() : places[(i / 40) % places.size()]);
    add_probe(p);
  }
  for (int i = 0; i < 200; ++i) {
    const int len = 16 + static_cast<int>(rng() % 113);
    const Address a = Address::FromWords(0x2000000000000000ull | (rng() >> 3), rng());
    if (a.is_v4()) continue;
    const Prefix p = Prefix::Make(a, len);
    n.Add(p, pick());
    add_probe(p);
  }
  for (int i = 0; i < 3000; ++i) {
    probes.push_back(Address::FromV4(static_cast<uint32_t>(rng())));
    probes.push_back(Address::FromWords(0x20010db800000000ull | (rng() & 0xFFFFFFFull), rng()));
    probes.push_back(Address::FromWords(rng(), rng()));
  }
  return n;
}

// Expects the answers `got` to equal `want`, probe by probe (the first few
// differences are shown, as "PROBE: <want_name> 'W' <got_name> 'G'").
void ExpectSameAnswers(const std::vector<Address>& probes, const std::vector<std::string>& want,
                       const std::vector<std::string>& got, const char* want_name,
                       const char* got_name) {
  size_t diffs = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    if (got[i] != want[i] && ++diffs <= 5) {
      ADD_FAILURE() << probes[i].ToString() << ": " << want_name << " '" << want[i] << "' "
                    << got_name << " '" << got[i] << "'";
    }
  }
  EXPECT_EQ(diffs, 0u);
}

// The ranking (region names) and ECS scope for every probe.
std::vector<std::string> Answers(const LatencyTable& t, const std::vector<Address>& probes,
                                 bool with_rtts) {
  std::vector<std::string> out;
  out.reserve(probes.size());
  for (const Address& a : probes) {
    RankExplanation ex;
    RankResult r = t.Rank(a, with_rtts ? &ex : nullptr);
    std::string s = absl::StrCat("/", r.scope, " ");
    if (r.ranking != nullptr) {
      for (size_t i = 0; i < r.ranking->size(); ++i) {
        absl::StrAppend(&s, t.region_name((*r.ranking)[i]), " ");
        if (with_rtts) absl::StrAppend(&s, ex.rtt_ms[i], " ");
      }
    } else {
      s += "none";
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(LatencyBuilderTest, MergeChangesNoAnswer) {
  Fixture f;
  std::vector<Address> probes;
  const GeoNetworks n = RandomInput(42, probes);
  absl::StatusOr<std::vector<MeasuredRtt>> m = ParseMeasuredCsv(
      "client,region,rtt_ms\n10.0.64.0/18,r-west,3\n11.0.3.0/24,r-north,1\n"
      "2001:db8:10::/44,r-east,2\n",
      "m.csv");
  ASSERT_TRUE(m.ok());
  for (bool defaults : {true, false}) {
    for (size_t top_k : {size_t{0}, size_t{2}}) {
      for (bool by_ranking : {true, false}) {
        SCOPED_TRACE(absl::StrCat("defaults=", defaults, " top_k=", top_k,
                                  " by_ranking=", by_ranking));
        LatencyBuildOptions opt;
        opt.default_rows = defaults;
        opt.top_k = top_k;
        opt.merge_by_ranking = by_ranking;
        opt.merge = MergeMode::kNone;
        absl::StatusOr<BuiltLatencyTable> none =
            BuildLatencyTable(n, f.regions(), f.centroids(), *m, opt);
        ASSERT_TRUE(none.ok()) << none.status();
        auto before = LatencyTable::FromRows(none->ToLatencyRows());
        ASSERT_TRUE(before.ok()) << before.status();
        // Exact rows merge keeps RTTs too; by ranking only the order.
        const std::vector<std::string> want = Answers(**before, probes, !by_ranking);
        size_t prev = none->stats.output_networks();
        for (MergeMode mode : {MergeMode::kSiblings, MergeMode::kOptimal}) {
          SCOPED_TRACE(MergeModeName(mode));
          opt.merge = mode;
          absl::StatusOr<BuiltLatencyTable> merged =
              BuildLatencyTable(n, f.regions(), f.centroids(), *m, opt);
          ASSERT_TRUE(merged.ok()) << merged.status();
          auto after = LatencyTable::FromRows(merged->ToLatencyRows());
          ASSERT_TRUE(after.ok()) << after.status();
          ExpectSameAnswers(probes, want, Answers(**after, probes, !by_ranking), "before",
                            "after");
          EXPECT_LE(merged->stats.output_networks(), prev);
          prev = merged->stats.output_networks();
          if (mode == MergeMode::kOptimal) {
            EXPECT_LT(merged->stats.output_networks(), none->stats.output_networks());
          }
        }
      }
    }
  }
}

// Siblings with identical rows become their parent; the default row's
// ranking needs no row under 0.0.0.0/0.
TEST(LatencyBuilderTest, SiblingMergeByHand) {
  Fixture f;
  GeoNetworks n;
  const uint32_t a = PlaceAt(n, 0, 1), b = PlaceAt(n, 0, -89);
  n.Add(P("10.0.0.0/24"), a);
  n.Add(P("10.0.1.0/24"), a);
  n.Add(P("10.0.2.0/24"), a);
  n.Add(P("10.0.3.0/25"), a);
  n.Add(P("10.0.3.128/25"), b);
  LatencyBuildOptions opt;
  opt.default_rows = false;
  opt.merge = MergeMode::kSiblings;
  auto networks = [&](const BuiltLatencyTable& t) {
    std::vector<std::string> out;
    for (const auto& x : t.networks) out.push_back(x.network.ToString());
    return out;
  };
  absl::StatusOr<BuiltLatencyTable> t = BuildLatencyTable(n, f.regions(), nullptr, {}, opt);
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(networks(*t), ElementsAre("10.0.0.0/23", "10.0.2.0/24", "10.0.3.0/25", "10.0.3.128/25"));
  opt.merge = MergeMode::kOptimal;  // a /22 for `a`, the /25 of `b` inside
  t = BuildLatencyTable(n, f.regions(), nullptr, {}, opt);
  ASSERT_TRUE(t.ok());
  EXPECT_THAT(networks(*t), ElementsAre("10.0.0.0/22", "10.0.3.128/25"));
}

TEST(LatencyBuilderTest, CsvFormat) {
  Fixture f;
  GeoNetworks n;
  n.Add(P("192.0.2.0/24"), PlaceAt(n, 0, 0));
  absl::StatusOr<std::vector<MeasuredRtt>> m =
      ParseMeasuredCsv("client,region,rtt_ms\n192.0.2.0/24,r-west,14.24\n", "m.csv");
  LatencyBuildOptions opt;
  opt.model = DistanceModel{81, 0};  // every modeled RTT 81 ms
  opt.default_rows = false;
  absl::StatusOr<BuiltLatencyTable> t = BuildLatencyTable(n, f.regions(), nullptr, *m, opt);
  ASSERT_TRUE(t.ok());
  // Ties at 81 ms are ranked by name, as LatencyTable does.
  EXPECT_EQ(t->ToCsv(),
            "network,region,rtt_ms\n"
            "192.0.2.0/24,r-west,14.2\n"
            "192.0.2.0/24,r-east,81\n"
            "192.0.2.0/24,r-north,81\n");
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/latency_builder_test_" + std::to_string(getpid()) + "_" + name;
}
std::string WriteFile(const std::string& name, const std::string& bytes) {
  const std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}
std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(LatencyBuilderTest, WriteReplacesAtomically) {
  Fixture f;
  GeoNetworks n;
  n.Add(P("192.0.2.0/24"), PlaceAt(n, 0, 0));
  absl::StatusOr<BuiltLatencyTable> t = BuildLatencyTable(n, f.regions(), nullptr, {}, {});
  ASSERT_TRUE(t.ok());
  const std::string path = TempPath("atomic.csv");
  std::ofstream(path) << "old";
  absl::StatusOr<size_t> bytes = WriteLatencyCsv(*t, path);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(ReadFile(path), t->ToCsv());
  EXPECT_EQ(*bytes, t->ToCsv().size());
  EXPECT_FALSE(std::ifstream(path + ".tmp").good());
  EXPECT_TRUE(absl::IsNotFound(WriteLatencyCsv(*t, TempPath("no/such/dir.csv")).status()));
  std::remove(path.c_str());
}

// The command end to end on fixture files: a tor-geoipdb file, an MMDB and
// a locations CSV together.
TEST(LatencyBuildCommandTest, EndToEnd) {
  const std::string regions = WriteFile("regions.csv", kRegions);
  const std::string centroids = WriteFile("centroids.csv", "country,latitude,longitude\nXA,0,2\n");
  const std::string tor = WriteFile(
      "geoip",
      "# x\n167772160,184549375,XA\n"
      "2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,XA\n");
  testing::MmdbWriter w(6);
  w.Insert("2001:db9::/32", testing::MmdbValue::Map(
                                {{"latitude", testing::MmdbValue::Dbl(59)},
                                 {"longitude", testing::MmdbValue::Dbl(1)}}));
  const std::string mmdb = WriteFile("city.mmdb", w.Build());
  const std::string loc = WriteFile("loc.csv", "network,latitude,longitude\n20.0.0.0/8,0,-89\n");
  const std::string measured = WriteFile("m.csv", "client,region,rtt_ms\n20.1.0.0/16,r-north,1\n");
  const std::string matrix = WriteFile(
      "matrix.csv", "src,dst,p50_ms\nr-east,r-west,150\nr-east,r-north,100\nr-west,r-north,200\n");
  const std::string out = TempPath("out.csv");
  std::vector<std::string> args = {"--geoip", tor, "--geoip", mmdb, "--geoip=" + loc,
                                   "--regions", regions, "--centroids", centroids,
                                   "--measured", measured, "--fit-matrix", matrix,
                                   "--out", out};
  std::FILE* so = std::tmpfile();
  std::FILE* se = std::tmpfile();
  const int rc = RunLatencyBuildCommand("steer-latency-build", args, so, se);
  auto slurp = [](std::FILE* f) {
    std::rewind(f);
    std::string s;
    char buf[4096];
    size_t k;
    while ((k = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, k);
    return s;
  };
  const std::string sout = slurp(so), serr = slurp(se);
  ASSERT_EQ(rc, 0) << serr;
  EXPECT_THAT(sout, HasSubstr("(tor-geoipdb)"));
  EXPECT_THAT(sout, HasSubstr("(mmdb)"));
  EXPECT_THAT(sout, HasSubstr("(locations-csv)"));
  EXPECT_THAT(sout, HasSubstr("prefixes in: 4 (IPv4 2, IPv6 2); out: "));
  EXPECT_THAT(sout, HasSubstr("fit: a = "));
  EXPECT_THAT(sout, HasSubstr("time: read "));
  auto lt = LatencyTable::LoadCsv(out);
  ASSERT_TRUE(lt.ok()) << lt.status();
  EXPECT_THAT(RowFor(**lt, "10.0.0.1"), ::testing::StartsWith("r-east "));
  EXPECT_THAT(RowFor(**lt, "20.1.0.1"), ::testing::StartsWith("r-north 1,r-west "));
  EXPECT_THAT(RowFor(**lt, "2001:db9::1"), ::testing::StartsWith("r-north "));
  EXPECT_THAT(ReadFile(out), ::testing::StartsWith("network,region,rtt_ms\n"));

  // Bad input: file:line on stderr, exit 1.
  const std::string bad = WriteFile("bad.geoip", "1,2,XA\n3,2,XA\n");
  args = {"--geoip", bad, "--regions", regions, "--out", out};
  std::FILE* se2 = std::tmpfile();
  EXPECT_EQ(RunLatencyBuildCommand("steer-latency-build", args, so, se2), 1);
  EXPECT_EQ(slurp(se2), "steer-latency-build: " + bad + ":2: range start 3 > end 2\n");
  // Usage errors: exit 2.
  args = {"--geoip", bad};
  std::FILE* se3 = std::tmpfile();
  EXPECT_EQ(RunLatencyBuildCommand("steer-latency-build", args, so, se3), 2);
  EXPECT_THAT(slurp(se3), HasSubstr("--out FILE is needed"));
  args = {"--top", "x", "--geoip", bad, "--out", out};
  EXPECT_EQ(ParseLatencyBuildArgs(args).status().message(), "--top: 'x' is not a count");
  args = {"--help"};
  std::FILE* so2 = std::tmpfile();
  EXPECT_EQ(RunLatencyBuildCommand("steer-latency-build", args, so2, se3), 0);
  EXPECT_THAT(slurp(so2), HasSubstr("--measured FILE"));
  for (std::FILE* x : {so, se, se2, se3, so2}) std::fclose(x);
  for (const std::string& p : {regions, centroids, tor, mmdb, loc, measured, matrix, out, bad}) {
    std::remove(p.c_str());
  }
}

// ------------------------------------------------- network locations

// The compact default (network locations ranked at start-up) answers as
// the full table does: the same ranking for every probe. Adjacent
// networks at one location merge, and no probe's location changes.
TEST(NetworkLocationsTest, RankedLikeTheFullTable) {
  Fixture f;
  std::vector<Address> probes;
  const GeoNetworks n = RandomInput(7, probes);
  absl::StatusOr<NetworkLocations> locs = BuildNetworkLocations(n, f.centroids());
  ASSERT_TRUE(locs.ok()) << locs.status();
  EXPECT_EQ(locs->stats.input_prefixes(), n.networks().size());
  EXPECT_EQ(locs->networks.size(), locs->stats.output_networks());
  EXPECT_LT(locs->stats.output_networks(), locs->stats.input_prefixes());
  EXPECT_EQ(locs->locations.size(), 8u);  // 6 points + 2 country centroids

  const std::string csv = locs->ToCsv();
  ASSERT_EQ(csv.substr(0, csv.find('\n')), "network,latitude,longitude,country");
  absl::StatusOr<std::shared_ptr<const LatencyTable>> compact =
      ParseLocationLatencyTable(csv, "locations.csv", f.regions(),
                                kDefaultDistanceModel);
  ASSERT_TRUE(compact.ok()) << compact.status();

  LatencyBuildOptions opt;  // all regions, defaults, optimal merge
  absl::StatusOr<BuiltLatencyTable> full =
      BuildLatencyTable(n, f.regions(), f.centroids(), {}, opt);
  ASSERT_TRUE(full.ok()) << full.status();
  auto want_table = LatencyTable::FromRows(full->ToLatencyRows());
  ASSERT_TRUE(want_table.ok());
  auto strip_scope = [](std::vector<std::string> v) {
    for (std::string& s : v) s = s.substr(s.find(' ') + 1);
    return v;
  };
  ExpectSameAnswers(probes, strip_scope(Answers(**want_table, probes, false)),
                    strip_scope(Answers(**compact, probes, false)), "full", "compact");

  // The same file is a locations CSV for the builder: reading it back
  // gives the same networks.
  GeoNetworks again;
  ASSERT_TRUE(ParseLocationsCsv(csv, "locations.csv", again).ok());
  EXPECT_EQ(again.networks().size(), locs->networks.size());
}

// Adjacent ranges of one country merge into the fewest prefixes; a
// country without a centroid is counted and left out.
TEST(NetworkLocationsTest, MergesAdjacentRanges) {
  Fixture f;
  GeoNetworks n;
  ASSERT_TRUE(ParseTorGeoip("# tor-geoipdb\n"
                            "167772160,167772415,XA\n"   // 10.0.0.0/24
                            "167772416,167772671,XA\n"   // 10.0.1.0/24
                            "167772672,167772927,XB\n"   // 10.0.2.0/24
                            "167772928,167773183,QQ\n"   // 10.0.3.0/24: no centroid
                            "2001:db8::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,XB\n",
                            "geoip", n)
                  .ok());
  absl::StatusOr<NetworkLocations> locs = BuildNetworkLocations(n, f.centroids());
  ASSERT_TRUE(locs.ok()) << locs.status();
  EXPECT_EQ(locs->ToCsv(),
            "network,latitude,longitude,country\n"
            "10.0.0.0/23,0,2,XA\n"
            "10.0.2.0/24,0,-88,XB\n"
            "2001:db8::/47,0,-88,XB\n");
  EXPECT_EQ(locs->stats.no_location_prefixes, 1u);
  ASSERT_EQ(locs->stats.no_location_countries.size(), 1u);
  EXPECT_EQ(locs->stats.no_location_countries[0].first, "QQ");
}

}  // namespace
}  // namespace geo
