// The DNSSEC side of the compiled zone (zones/zone.h ZoneDnssec): canonical
// name order (RFC 4034 §6.1), RRSIGs per covered RRset with their own
// TTLs, the NSEC chain search, NSEC3 owners out of lookups, and nothing at
// all for an unsigned zone.
#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/zones/test_util.h"
#include "zones/zone.h"
#include "zones/zone_set.h"

namespace zones {
namespace {

using zones_test::QName, zones_test::Wire, zones_test::ZoneFromText;

TEST(CanonicalNameCompareTest, Rfc4034Section61Example) {
  // RFC 4034 §6.1's example, in canonical order (lower-cased: names are
  // stored so), and the octet "\200" as in the RFC.
  const std::vector<std::string> fixed = {
      Wire("example."),
      Wire("a.example."),
      Wire("yljkjljk.a.example."),
      Wire("z.a.example."),
      Wire("zabc.a.example."),
      Wire("z.example."),
      std::string("\001\001\001z\007example", 12) + std::string(1, '\0'),  // \001.z.example.
      Wire("*.z.example."),
      std::string("\001\200\001z\007example", 12) + std::string(1, '\0'),  // \200.z.example.
  };
  for (size_t i = 0; i < fixed.size(); ++i) {
    for (size_t j = 0; j < fixed.size(); ++j) {
      const int c = CanonicalNameCompare(fixed[i], fixed[j]);
      EXPECT_EQ(c < 0, i < j) << i << " " << j;
      EXPECT_EQ(c == 0, i == j) << i << " " << j;
    }
  }
}

constexpr char kSigned[] =
    "$TTL 3600\n"
    "@ SOA ns1 h 1 2 3 4 300\n"
    "@ RRSIG SOA 13 2 3600 20300101000000 20200101000000 1 example.com. AAAA\n"
    "@ NS ns1\n"
    "@ 300 NSEC ns1 NS SOA RRSIG NSEC\n"
    "@ 300 RRSIG NSEC 13 2 300 20300101000000 20200101000000 1 example.com. AAAA\n"
    "ns1 A 192.0.2.53\n"
    "ns1 RRSIG A 13 2 3600 20300101000000 20200101000000 1 example.com. AAAA\n"
    "ns1 RRSIG A 13 2 3600 20300101000000 20200101000000 2 example.com. BBBB\n"
    "ns1 300 NSEC x.y A RRSIG NSEC\n"
    "x.y 300 NSEC example.com. A RRSIG NSEC\n"
    "x.y A 192.0.2.1\n";

TEST(ZoneDnssecTest, UnsignedZoneHasNone) {
  auto zone = ZoneFromText("example.com.", "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n"
                                           "ns1 A 192.0.2.53\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ((*zone)->dnssec(), nullptr);
  EXPECT_EQ((*zone)->SignaturesOf((*zone)->soa()), nullptr);
  EXPECT_EQ((*zone)->CoveringNsec(Wire("x.example.com.")), nullptr);
}

TEST(ZoneDnssecTest, SignaturesPerRRsetAndNsecChain) {
  auto built = ZoneFromText("example.com.", kSigned);
  ASSERT_TRUE(built.ok()) << built.status();
  const Zone& zone = **built;
  ASSERT_NE(zone.dnssec(), nullptr);
  const RRset* soa_sigs = zone.SignaturesOf(zone.soa());
  ASSERT_NE(soa_sigs, nullptr);
  EXPECT_EQ(soa_sigs->count, 1);
  const Node* ns1 = zone.Find(Wire("ns1.example.com."));
  ASSERT_NE(ns1, nullptr);
  const RRset* a_sigs = zone.SignaturesOf(*ns1->Find(1));
  ASSERT_NE(a_sigs, nullptr);
  EXPECT_EQ(a_sigs->count, 2);  // two keys
  // The RRSIG RRset stays in the node, each RR with its own TTL.
  const RRset* all = zone.apex().Find(46);
  ASSERT_NE(all, nullptr);
  ASSERT_EQ(all->count, 2);
  std::vector<uint32_t> ttls;
  for (uint16_t i = 0; i < all->count; ++i) {
    const auto* p = reinterpret_cast<const uint8_t*>(all->wire.data()) + all->rr_offsets[i] + 4;
    ttls.push_back((uint32_t{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3]);
  }
  std::sort(ttls.begin(), ttls.end());
  EXPECT_EQ(ttls, (std::vector<uint32_t>{300, 3600}));
  // The covering NSEC: the last owner at or before the name.
  EXPECT_EQ(zone.CoveringNsec(Wire("ns1.example.com."))->owner, Wire("ns1.example.com."));
  EXPECT_EQ(zone.CoveringNsec(Wire("b.example.com."))->owner, Wire("example.com."));
  EXPECT_EQ(zone.CoveringNsec(Wire("y.example.com."))->owner, Wire("ns1.example.com."));
  EXPECT_EQ(zone.CoveringNsec(Wire("a.x.y.example.com."))->owner, Wire("x.y.example.com."));
  EXPECT_EQ(zone.CoveringNsec(Wire("zzz.example.com."))->owner, Wire("x.y.example.com."));
}

TEST(ZoneDnssecTest, Nsec3OwnersAreNotNames) {
  const std::string owner = "2vptu5timamqttgl4luu9kg21e0aor3s";
  auto built = ZoneFromText(
      "example.com.",
      std::string("$TTL 3600\n@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\nns1 A 192.0.2.53\n"
                  "@ NSEC3PARAM 1 0 0 -\n"
                  "@ RRSIG SOA 13 2 3600 20300101000000 20200101000000 1 example.com. AAAA\n") +
          owner + " 300 NSEC3 1 0 0 - " + owner + " A RRSIG\n" + owner +
          " 300 NSEC3 1 0 0 - " + owner + " A RRSIG\n");
  ASSERT_TRUE(built.ok()) << built.status();
  const Zone& zone = **built;
  ASSERT_NE(zone.dnssec(), nullptr);
  EXPECT_EQ(zone.dnssec()->nsec3_chain.size(), 1u);
  const dns::Name q = QName(owner + ".example.com.");
  EXPECT_EQ(Lookup(zone, q, 50).kind, LookupKind::kNxDomain);
  EXPECT_EQ(Lookup(zone, QName("x." + owner + ".example.com."), 1).kind, LookupKind::kNxDomain);
  EXPECT_EQ(Lookup(zone, QName("x." + owner + ".example.com."), 1).node, &zone.apex());
}

}  // namespace
}  // namespace zones
