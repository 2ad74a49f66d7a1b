// File: tests/zones/zone_set_test.cc
//
// Lookup inside a zone (exact, empty non-terminal, wildcard, referral,
// NXDOMAIN) and zone selection in a ZoneSet.
#include "zones/zone_set.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/zones/test_util.h"
#include "zones/zone.h"

namespace {

using ::testing::UnorderedElementsAre;
using zones::LookupKind;
using zones::Zone;
using zones::ZoneSet;
using namespace zones_test;  // tests/zones/test_util.h

constexpr uint16_t kA = 1;
constexpr uint16_t kNS = 2;
constexpr uint16_t kSOA = 6;
constexpr uint16_t kMX = 15;
constexpr uint16_t kTXT = 16;
constexpr uint16_t kSRV = 33;
constexpr uint16_t kDS = 43;


std::shared_ptr<const Zone> MustBuild(std::string_view origin,
                                      const std::string& text) {
  auto zone = ZoneFromText(origin, text);
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.ok() ? *zone : nullptr;
}

struct LookupCase {
  const char* qname;
  uint16_t qtype;
  LookupKind kind;
  const char* node;  // owner of the returned node
};

void ExpectLookups(const Zone& zone, const std::vector<LookupCase>& cases) {
  for (const LookupCase& c : cases) {
    const zones::LookupResult r = zones::Lookup(zone, QName(c.qname), c.qtype);
    EXPECT_STREQ(zones::LookupKindName(r.kind), zones::LookupKindName(c.kind))
        << c.qname << " type " << c.qtype;
    ASSERT_NE(r.node, nullptr) << c.qname;
    EXPECT_EQ(dns::NameToText(r.node->owner), c.node)
        << c.qname << " type " << c.qtype;
  }
}

// RFC 4592 §2.2.1, with concrete SOA and SRV RDATA.
constexpr char kRfc4592Zone[] =
    "$ORIGIN example.\n"
    "example.                 3600 IN  SOA   ns.example.com. "
    "hostmaster.example.com. "
    "1 3600 900 604800 300\n"
    "example.                 3600     NS    ns.example.com.\n"
    "example.                 3600     NS    ns.example.net.\n"
    "*.example.               3600     TXT   \"this is a wildcard\"\n"
    "*.example.               3600     MX    10 host1.example.\n"
    "sub.*.example.           3600     TXT   \"this is not a wildcard\"\n"
    "host1.example.           3600     A     192.0.2.1\n"
    "_ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.\n"
    "_ssh._tcp.host2.example. 3600     SRV   0 0 22 host2.example.\n"
    "subdel.example.          3600     NS    ns.example.com.\n"
    "subdel.example.          3600     NS    ns.example.net.\n";

TEST(LookupTest, Rfc4592Examples) {
  auto zone = MustBuild("example.", kRfc4592Zone);
  ASSERT_NE(zone, nullptr);
  ExpectLookups(
      *zone,
      {
          // §2.2.1: synthesized from a wildcard.
          {"host3.example.", kMX, LookupKind::kWildcard, "*.example."},
          {"host3.example.", kA, LookupKind::kWildcard,
           "*.example."},  // NODATA
          {"foo.bar.example.", kTXT, LookupKind::kWildcard, "*.example."},
          // §2.2.1: not synthesized.
          {"host1.example.", kMX, LookupKind::kExact, "host1.example."},
          {"sub.*.example.", kMX, LookupKind::kExact, "sub.*.example."},
          {"_telnet._tcp.host1.example.", kSRV, LookupKind::kNxDomain,
           "_tcp.host1.example."},
          {"host.subdel.example.", kA, LookupKind::kReferral,
           "subdel.example."},
          {"ghost.*.example.", kMX, LookupKind::kNxDomain, "*.example."},
          // More from the same zone.
          {"*.example.", kTXT, LookupKind::kExact, "*.example."},
          {"example.", kSOA, LookupKind::kExact, "example."},
          {"_tcp.host2.example.", kSRV, LookupKind::kExact,
           "_tcp.host2.example."},
          {"host2.example.", kA, LookupKind::kExact, "host2.example."},
          {"_ssh._tcp.host2.example.", kSRV, LookupKind::kExact,
           "_ssh._tcp.host2.example."},
          {"subdel.example.", kNS, LookupKind::kReferral, "subdel.example."},
          {"subdel.example.", kDS, LookupKind::kExact, "subdel.example."},
          {"HOST3.Example.", kMX, LookupKind::kWildcard, "*.example."},
      });
  // Empty non-terminals are exact matches on nodes without RRsets.
  const auto r = zones::Lookup(*zone, QName("_tcp.host1.example."), kSRV);
  EXPECT_EQ(r.kind, LookupKind::kExact);
  EXPECT_TRUE(r.node->empty_non_terminal());
}

constexpr char kExampleCom[] =
    "$TTL 300\n"
    "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.53\n"
    "www A 192.0.2.1\n"
    "a.b.c TXT leaf\n"
    "*.w A 192.0.2.2\n"
    "x.w A 192.0.2.3\n"
    "sub NS ns.sub\n"
    "ns.sub A 192.0.2.4\n"
    "deep.sub NS ns.deep.sub\n"
    "ns.deep.sub A 192.0.2.5\n";

TEST(LookupTest, ExactEntNxdomainAndWildcards) {
  auto zone = MustBuild("example.com.", kExampleCom);
  ASSERT_NE(zone, nullptr);
  ExpectLookups(
      *zone,
      {
          {"www.example.com.", kA, LookupKind::kExact, "www.example.com."},
          {"www.example.com.", kMX, LookupKind::kExact,
           "www.example.com."},  // NODATA
          {"example.com.", kNS, LookupKind::kExact, "example.com."},
          {"b.c.example.com.", kA, LookupKind::kExact,
           "b.c.example.com."},                                          // ENT
          {"c.example.com.", kA, LookupKind::kExact, "c.example.com."},  // ENT
          {"nope.example.com.", kA, LookupKind::kNxDomain, "example.com."},
          {"q.www.example.com.", kA, LookupKind::kNxDomain, "www.example.com."},
          {"zz.b.c.example.com.", kA, LookupKind::kNxDomain,
           "b.c.example.com."},
          // The wildcard below the ENT w.example.com. covers its other
          // children, however deep ...
          {"y.w.example.com.", kA, LookupKind::kWildcard, "*.w.example.com."},
          {"a.b.y.w.example.com.", kTXT, LookupKind::kWildcard,
           "*.w.example.com."},
          // ... but not names below an existing one (RFC 4592 §3.3.1).
          {"x.w.example.com.", kA, LookupKind::kExact, "x.w.example.com."},
          {"z.x.w.example.com.", kA, LookupKind::kNxDomain, "x.w.example.com."},
          {"w.example.com.", kA, LookupKind::kExact, "w.example.com."},
      });
}

TEST(LookupTest, ReferralsAtAndBelowACut) {
  auto zone = MustBuild("example.com.", kExampleCom);
  ASSERT_NE(zone, nullptr);
  ExpectLookups(
      *zone,
      {
          {"sub.example.com.", kA, LookupKind::kReferral, "sub.example.com."},
          {"sub.example.com.", kNS, LookupKind::kReferral, "sub.example.com."},
          {"sub.example.com.", kSOA, LookupKind::kReferral, "sub.example.com."},
          // DS at the cut is the parent's (RFC 4035 §3.1.4.1).
          {"sub.example.com.", kDS, LookupKind::kExact, "sub.example.com."},
          // Glue and anything else below the cut: referral.
          {"ns.sub.example.com.", kA, LookupKind::kReferral,
           "sub.example.com."},
          {"ns.sub.example.com.", kDS, LookupKind::kReferral,
           "sub.example.com."},
          {"nothere.sub.example.com.", kA, LookupKind::kReferral,
           "sub.example.com."},
          // A cut below a cut is occluded: the topmost one refers, DS included.
          {"deep.sub.example.com.", kDS, LookupKind::kReferral,
           "sub.example.com."},
          {"ns.deep.sub.example.com.", kA, LookupKind::kReferral,
           "sub.example.com."},
          {"a.b.deep.sub.example.com.", kA, LookupKind::kReferral,
           "sub.example.com."},
      });
}

TEST(LookupTest, WildcardAtTheApexAndUnderAnOwner) {
  auto zone = MustBuild("example.com.",
                        "$TTL 300\n"
                        "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                        "@ NS ns1\n"
                        "ns1 A 192.0.2.53\n"
                        "* MX 10 ns1\n"
                        "host A 192.0.2.1\n"
                        "*.host A 192.0.2.2\n");
  ASSERT_NE(zone, nullptr);
  ExpectLookups(
      *zone,
      {
          {"anything.example.com.", kMX, LookupKind::kWildcard,
           "*.example.com."},
          {"a.b.example.com.", kMX, LookupKind::kWildcard, "*.example.com."},
          {"a.host.example.com.", kA, LookupKind::kWildcard,
           "*.host.example.com."},
          {"x.ns1.example.com.", kA, LookupKind::kNxDomain, "ns1.example.com."},
      });
}

TEST(ZoneSetTest, DeepestZoneWinsAndRefusedIsNull) {
  auto parent = MustBuild("example.com.", kExampleCom);
  auto child = MustBuild(
      "sub.example.com.",
      "$TTL 300\n@ SOA ns hostmaster 7 1 2 3 4\n@ NS ns\nns A 192.0.2.4\n");
  auto other = MustBuild(
      "example.org.",
      "$TTL 300\n@ SOA ns hostmaster 9 1 2 3 4\n@ NS ns.example.com.\n");
  ASSERT_TRUE(parent && child && other);

  ZoneSet set;
  EXPECT_EQ(set.FindZone(QName("www.example.com.")), nullptr);
  set.Put(parent);
  set.Put(child);
  set.Put(other);
  EXPECT_EQ(set.size(), 3u);

  EXPECT_EQ(set.FindZone(QName("www.example.com.")), parent.get());
  EXPECT_EQ(set.FindZone(QName("example.com.")), parent.get());
  EXPECT_EQ(set.FindZone(QName("sub.example.com.")), child.get());
  EXPECT_EQ(set.FindZone(QName("ns.sub.example.com.")), child.get());
  EXPECT_EQ(set.FindZone(QName("a.b.c.d.e.f.g.h.sub.example.com.")),
            child.get());
  EXPECT_EQ(set.FindZone(QName("WWW.Example.ORG.")), other.get());
  EXPECT_EQ(set.FindZone(QName("xsub.example.com.")), parent.get());
  // Not authoritative: REFUSED.
  EXPECT_EQ(set.FindZone(QName("com.")), nullptr);
  EXPECT_EQ(set.FindZone(QName(".")), nullptr);
  EXPECT_EQ(set.FindZone(QName("example.net.")), nullptr);
  EXPECT_EQ(set.FindZone(QName("ample.com.")), nullptr);

  EXPECT_EQ(set.Get(Wire("sub.example.com.")), child.get());
  EXPECT_EQ(set.Get(Wire("www.example.com.")), nullptr);
  EXPECT_THAT(set.zones(), UnorderedElementsAre(parent, child, other));

  // Without the child zone the parent's delegation answers.
  EXPECT_TRUE(set.Remove(Wire("sub.example.com.")));
  EXPECT_FALSE(set.Remove(Wire("sub.example.com.")));
  EXPECT_EQ(set.size(), 2u);
  const Zone* z = set.FindZone(QName("ns.sub.example.com."));
  ASSERT_EQ(z, parent.get());
  EXPECT_EQ(zones::Lookup(*z, QName("ns.sub.example.com."), kA).kind,
            LookupKind::kReferral);

  EXPECT_TRUE(set.Remove(Wire("example.com.")));
  EXPECT_EQ(set.FindZone(QName("www.example.com.")), nullptr);
  EXPECT_EQ(set.FindZone(QName("www.example.org.")), other.get());
}

TEST(ZoneSetTest, PutReplacesTheZoneWithTheSameOrigin) {
  auto v1 = MustBuild("example.com.", kExampleCom);
  auto v2 = MustBuild("example.com.", kExampleCom);
  ZoneSet set;
  set.Put(v1);
  set.Put(v2);
  EXPECT_EQ(set.size(), 1u);
  EXPECT_EQ(set.FindZone(QName("www.example.com.")), v2.get());
  EXPECT_EQ(set.Get(Wire("example.com.")), v2.get());
}

TEST(ZoneSetTest, RootZone) {
  auto root =
      MustBuild(".",
                "$TTL 300\n. SOA a.root. nstld.root. 1 2 3 4 5\n. NS a.root.\n"
                "a.root. A 192.0.2.1\n");
  auto child = MustBuild("example.com.", kExampleCom);
  ASSERT_TRUE(root && child);
  ZoneSet set;
  set.Put(root);
  set.Put(child);
  EXPECT_EQ(set.FindZone(QName("www.example.com.")), child.get());
  EXPECT_EQ(set.FindZone(QName("example.org.")), root.get());
  EXPECT_EQ(set.FindZone(QName(".")), root.get());
  ExpectLookups(*root, {
                           {".", kSOA, LookupKind::kExact, "."},
                           {"org.", kA, LookupKind::kNxDomain, "."},
                           {"a.root.", kA, LookupKind::kExact, "a.root."},
                       });
}

// RFC 6672 §3.2: a name below a DNAME owner finds the owner (kDname), before
// any wildcard and after a zone cut; the owner itself is an exact match; a
// DNAME at the apex redirects every name below the apex.
TEST(LookupTest, Dname) {
  auto zone = MustBuild("example.com.",
                        "$TTL 300\n"
                        "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                        "@ NS ns1\n"
                        "ns1 A 192.0.2.53\n"
                        "d DNAME target.example.net.\n"
                        "d2 A 192.0.2.2\n"
                        "d2 TXT \"beside\"\n"
                        "d2 CAA 0 issue \"ca.example.net\"\n"
                        "d2 DNAME other.example.net.\n"
                        "*.w A 192.0.2.9\n"
                        "sub NS ns.sub\n"
                        "ns.sub A 192.0.2.10\n");
  ASSERT_NE(zone, nullptr);
  ExpectLookups(*zone, {
                           {"x.d.example.com.", kA, LookupKind::kDname, "d.example.com."},
                           {"a.b.d.example.com.", kTXT, LookupKind::kDname, "d.example.com."},
                           {"d.example.com.", kA, LookupKind::kExact, "d.example.com."},
                           // A DNAME among types above and below 39.
                           {"x.d2.example.com.", kA, LookupKind::kDname, "d2.example.com."},
                           {"x.w.example.com.", kA, LookupKind::kWildcard, "*.w.example.com."},
                           {"nope.example.com.", kA, LookupKind::kNxDomain, "example.com."},
                           {"x.sub.example.com.", kA, LookupKind::kReferral, "sub.example.com."},
                       });
  auto apex = MustBuild("dn.example.com.",
                        "$TTL 300\n"
                        "@ SOA ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300\n"
                        "@ NS ns1.example.com.\n"
                        "@ DNAME example.net.\n");
  ASSERT_NE(apex, nullptr);
  ExpectLookups(*apex, {
                           {"www.dn.example.com.", kA, LookupKind::kDname, "dn.example.com."},
                           {"dn.example.com.", kSOA, LookupKind::kExact, "dn.example.com."},
                       });
}

}  // namespace
