// File: tests/zones/builder_test.cc
//
// ZoneBuilder: every validation error with its exact "file:line", and the
// compiled Zone (nodes, flags, cuts, wildcards, pre-encoded wire).
#include "zones/builder.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/zones/test_util.h"
#include "zones/master_file.h"
#include "zones/zone.h"

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using zones::kNoNode;
using zones::Node;
using zones::RdataNames;
using zones::SourceLocation;
using zones::Zone;
using zones::ZoneBuilder;
using namespace zones_test;  // tests/zones/test_util.h
namespace node_flag = zones::node_flag;

// Lines 1-4 of a valid zone for example.com.
constexpr char kHead[] =
    "$TTL 300\n"
    "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.53\n";

std::string ErrorOf(const std::string& text) {
  auto zone = ZoneFromText("example.com.", text);
  if (zone.ok()) return "(no error)";
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(zone.status().message());
}

// --- Validation errors, each with the line of the offending RR. ---

TEST(BuilderValidationTest, AValidZoneBuilds) {
  EXPECT_EQ(ErrorOf(kHead), "(no error)");
}

TEST(BuilderValidationTest, NoSoa) {
  EXPECT_EQ(ErrorOf("; no SOA here\n@ NS ns1\nns1 A 192.0.2.1\n"),
            "zone.db:1: zone example.com. has no SOA record at its apex");
  // Nothing at the apex at all.
  EXPECT_EQ(ErrorOf("www A 192.0.2.1\n"),
            "zone.db:1: zone example.com. has no SOA record at its apex");
}

TEST(BuilderValidationTest, TwoSoas) {
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "\n@ SOA ns2 hostmaster 2 7200 900 1209600 300\n"),
            "zone.db:6: zone example.com. has more than one SOA record (first "
            "at zone.db:2)");
}

TEST(BuilderValidationTest, IdenticalSoasAreOneRecord) {
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"),
            "(no error)");
}

TEST(BuilderValidationTest, SoaNotAtApex) {
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "www SOA ns1 hostmaster 1 7200 900 1209600 300\n"),
            "zone.db:5: SOA record at www.example.com. is not at the zone apex "
            "example.com.");
}

TEST(BuilderValidationTest, NoNsAtApex) {
  EXPECT_EQ(ErrorOf("$TTL 300\n\n@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                    "ns1 A 192.0.2.1\nsub NS ns1\n"),
            "zone.db:3: zone example.com. has no NS records at its apex");
}

TEST(BuilderValidationTest, CnameBesideOtherData) {
  EXPECT_EQ(
      ErrorOf(std::string(kHead) + "www A 192.0.2.1\nwww CNAME ns1\n"),
      "zone.db:6: CNAME at www.example.com. cannot coexist with other data "
      "(A at zone.db:5)");
  EXPECT_EQ(
      ErrorOf(std::string(kHead) +
              "www CNAME ns1\nwww TXT hello\nwww MX 1 ns1\n"),
      "zone.db:5: CNAME at www.example.com. cannot coexist with other data "
      "(TXT at zone.db:6)");
  // At the apex it collides with the SOA.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "@ CNAME www.example.net.\n"),
            "zone.db:5: CNAME at example.com. cannot coexist with other data "
            "(SOA at zone.db:2)");
  // DNSSEC records may sit beside a CNAME.
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "www CNAME ns1\nwww TYPE47 \\# 4 00000140\n"),
            "(no error)");
}

TEST(BuilderValidationTest, TwoCnames) {
  EXPECT_EQ(ErrorOf(std::string(kHead) + "www CNAME ns1\nwww CNAME ns2\n"),
            "zone.db:6: www.example.com. has more than one CNAME record (first "
            "at zone.db:5)");
  // The same CNAME twice is one record.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "www CNAME ns1\nWWW CNAME NS1\n"),
            "(no error)");
}

TEST(BuilderValidationTest, MissingGlue) {
  EXPECT_EQ(
      ErrorOf(std::string(kHead) +
              "sub NS ns.elsewhere.net.\n"  // out of bailiwick: no glue needed
              "sub NS ns1.sub\n"            // 6: needs glue
              "ns1.sub TXT \"not an address\"\n"),
      "zone.db:6: delegation sub.example.com.: NS target ns1.sub.example.com. "
      "has no "
      "glue (A/AAAA) in the zone");
  // A target at the delegation point itself needs glue too.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "sub NS sub\n"),
            "zone.db:5: delegation sub.example.com.: NS target "
            "sub.example.com. has no glue "
            "(A/AAAA) in the zone");
  // AAAA is glue; a target elsewhere in the zone needs an address too
  // (NsTargetsInsideTheZoneHaveAnAddress).
  EXPECT_EQ(
      ErrorOf(std::string(kHead) + "sub NS ns1.sub\nns1.sub AAAA "
                                   "2001:db8::1\nsub NS ns1\n"),
      "(no error)");
}

TEST(BuilderValidationTest, FirstProblemInFileOrderWins) {
  EXPECT_EQ(
      ErrorOf(std::string(kHead) +
              "sub NS ns.sub\n"             // 5: no glue
              "www CNAME a\nwww CNAME b\n"  // 7: two CNAMEs
              "@ SOA ns2 hostmaster 2 7200 900 1209600 300\n"),  // 8: two SOAs
      "zone.db:5: delegation sub.example.com.: NS target ns.sub.example.com. "
      "has no glue "
      "(A/AAAA) in the zone");
}

// --- DNAME (RFC 6672 §2.4), as kzonecheck and named-checkzone have it. ---

TEST(BuilderDnameTest, DataBesideADnameIsFine) {
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "d DNAME example.net.\n"
                    "d A 192.0.2.9\n"
                    "d TXT \"beside, not below\"\n"
                    "xd A 192.0.2.10\n"          // a sibling, not below
                    "e.example.com. A 192.0.2.11\n"
                    "*.w DNAME example.org.\n"),
            "(no error)");
  // At the apex, with the zone's servers outside it.
  EXPECT_EQ(ErrorOf("$TTL 300\n@ SOA ns.example.net. h 1 2 3 4 5\n"
                    "@ NS ns.example.net.\n@ DNAME example.org.\n@ MX 10 mx.example.org.\n"),
            "(no error)");
  // Identical DNAME RRs are one RR.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "d DNAME example.net.\nD DNAME Example.NET.\n"),
            "(no error)");
}

TEST(BuilderDnameTest, NoDataBelowADname) {
  EXPECT_EQ(ErrorOf(std::string(kHead) + "d DNAME example.net.\nx.d A 192.0.2.2\n"),
            "zone.db:6: A at x.d.example.com. is below the DNAME at d.example.com. "
            "(zone.db:5): no name below a DNAME's owner has data (RFC 6672 §2.4)");
  // Deeper, before the DNAME in the file, and a delegation is data too
  // (kzonecheck: "child record exists under DNAME").
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "a.b.d TXT \"x\"\n"
                    "d DNAME example.net.\n"),
            "zone.db:5: TXT at a.b.d.example.com. is below the DNAME at d.example.com. "
            "(zone.db:6): no name below a DNAME's owner has data (RFC 6672 §2.4)");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "d DNAME example.net.\nx.d NS ns.example.net.\n"),
            "zone.db:6: NS at x.d.example.com. is below the DNAME at d.example.com. "
            "(zone.db:5): no name below a DNAME's owner has data (RFC 6672 §2.4)");
  // A DNAME at the apex leaves no room for in-zone name servers.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "@ DNAME example.net.\n"),
            "zone.db:4: A at ns1.example.com. is below the DNAME at example.com. "
            "(zone.db:5): no name below a DNAME's owner has data (RFC 6672 §2.4)");
}

TEST(BuilderDnameTest, OneDnameAndNoCnameOrNsBesideIt) {
  EXPECT_EQ(ErrorOf(std::string(kHead) + "d DNAME example.net.\nd DNAME example.org.\n"),
            "zone.db:6: d.example.com. has more than one DNAME record (first at "
            "zone.db:5; a name has at most one, RFC 6672 §2.4)");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "d DNAME example.net.\nd CNAME example.org.\n"),
            "zone.db:6: CNAME at d.example.com. cannot coexist with other data (DNAME "
            "at zone.db:5)");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "d NS ns.example.net.\nd DNAME example.org.\n"),
            "zone.db:6: DNAME at d.example.com. cannot coexist with the delegation "
            "there (NS at zone.db:5; RFC 6672 §2.4)");
}

// --- NS, MX and SRV targets (named-checkzone -M fail -S fail; kzonecheck). ---

TEST(BuilderTargetTest, TargetsThatAreCnamesInsideTheZone) {
  EXPECT_EQ(ErrorOf(std::string(kHead) + "@ MX 10 alias\nalias CNAME ns1\n"),
            "zone.db:5: example.com. MX target alias.example.com. is a CNAME; it must "
            "name the host itself (RFC 2181 §10.3)");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "alias CNAME ns1\n_sip._tcp SRV 0 0 5060 alias\n"),
            "zone.db:6: _sip._tcp.example.com. SRV target alias.example.com. is a "
            "CNAME; it must name the host itself (RFC 2782)");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "@ NS alias\nalias CNAME ns1\n"),
            "zone.db:5: example.com. NS target alias.example.com. is a CNAME; it must "
            "name the host itself (RFC 2181 §10.3)");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "sub NS alias\nalias CNAME ns1\n"),
            "zone.db:5: sub.example.com. NS target alias.example.com. is a CNAME; it "
            "must name the host itself (RFC 2181 §10.3)");
}

TEST(BuilderTargetTest, TargetsThatAreNotCnamesOrNotOurs) {
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "@ MX 10 ns1\n"                    // an address
                    "@ MX 20 mail.example.net.\n"      // another zone's business
                    "@ MX 30 nothing-here\n"           // no node: not this rule
                    "null MX 0 .\n"                    // RFC 7505 null MX
                    "_sip._tcp SRV 0 0 0 .\n"          // RFC 2782: no service
                    "_x._tcp SRV 0 0 1 ns1\n"
                    "www CNAME ns1\n"                  // a CNAME nothing targets
                    "other CNAME www.example.net.\n"
                    "_y._tcp SRV 0 0 1 www.example.net.\n"),
            "(no error)");
}

TEST(BuilderTargetTest, NsTargetsInsideTheZoneHaveAnAddress) {
  // The apex: as named-checkzone ("has no address records") and kzonecheck
  // ("missing glue record").
  EXPECT_EQ(ErrorOf(std::string(kHead) + "@ NS ns2\nns2 TXT \"no address\"\n"),
            "zone.db:5: zone example.com.: NS target ns2.example.com. has no address "
            "(A/AAAA) in the zone");
  EXPECT_EQ(ErrorOf(std::string(kHead) + "@ NS ns2\n"),
            "zone.db:5: zone example.com.: NS target ns2.example.com. has no address "
            "(A/AAAA) in the zone");
  // A delegation's target elsewhere in the zone (kzonecheck: missing glue).
  EXPECT_EQ(ErrorOf(std::string(kHead) + "sub NS host2\n"),
            "zone.db:5: delegation sub.example.com.: NS target host2.example.com. has "
            "no address (A/AAAA) in the zone");
  EXPECT_EQ(ErrorOf(std::string(kHead) +
                    "@ NS ns2\nns2 AAAA 2001:db8::2\n"   // AAAA will do
                    "@ NS ns.example.net.\n"              // outside: not ours
                    "@ NS ns.sub\nsub NS ns.sub\nns.sub A 192.0.2.7\n"  // glue counts
                    "kid NS host3\nhost3 A 192.0.2.8\n"
                    // At or below another delegation: the child's name, not
                    // required (kzonecheck; named-checkzone warns only).
                    "other NS ns.example.net.\nkid2 NS ns.other\nkid3 NS other\n"),
            "(no error)");
  // The apex naming a name below a delegation needs its glue.
  EXPECT_EQ(ErrorOf(std::string(kHead) + "sub NS ns.example.net.\n@ NS ns.sub\n"),
            "zone.db:6: zone example.com.: NS target ns.sub.example.com. has no "
            "address (A/AAAA) in the zone");
}

// --- Add() errors (RDATA shape, class, owner). ---

class BuilderAddTest : public ::testing::Test {
 protected:
  BuilderAddTest() : builder_(Wire("example.com.")) {
    file_ = builder_.AddSource("f.zone");
  }
  absl::Status Add(std::string_view owner, uint16_t type,
                   std::string_view rdata, uint16_t rclass = 1) {
    return builder_.Add(Wire(owner), type, rclass, 300, rdata,
                        SourceLocation{file_, 7});
  }
  ZoneBuilder builder_;
  int file_;
};

TEST_F(BuilderAddTest, Where) {
  EXPECT_EQ(builder_.Where({file_, 12}), "f.zone:12");
  EXPECT_EQ(builder_.Where({file_, 0}), "f.zone");
  EXPECT_EQ(builder_.Where({}), "(unknown)");
  EXPECT_EQ(builder_.origin(), Wire("example.com."));
}

TEST_F(BuilderAddTest, RdataShape) {
  EXPECT_EQ(Add("www.example.com.", 1, Bytes({1, 2, 3})).message(),
            "f.zone:7: A record at www.example.com. has 3 octets of RDATA, "
            "expected 4");
  EXPECT_EQ(Add("www.example.com.", 28, Bytes({1, 2, 3, 4})).message(),
            "f.zone:7: AAAA record at www.example.com. has 4 octets of RDATA, "
            "expected 16");
  EXPECT_EQ(Add("www.example.com.", 15, Bytes({0, 10, 3, 'a', 'b'})).message(),
            "f.zone:7: MX record at www.example.com. has a malformed domain "
            "name in its RDATA");
  EXPECT_EQ(Add("www.example.com.", 2, Bytes({0xc0, 12})).message(),
            "f.zone:7: NS record at www.example.com. has a malformed domain "
            "name in its RDATA");
  EXPECT_EQ(Add("www.example.com.", 5, Wire("a.example.com.") + "x").message(),
            "f.zone:7: CNAME record at www.example.com. has 1 octets of "
            "trailing RDATA");
  EXPECT_EQ(
      Add("example.com.", 6, Wire("a.") + Wire("b.") + std::string(19, '\0'))
          .message(),
      "f.zone:7: SOA record at example.com. has truncated RDATA");
  EXPECT_EQ(Add("www.example.com.", 16, "").message(),
            "f.zone:7: TXT record at www.example.com. needs at least one "
            "character-string");
  EXPECT_EQ(Add("www.example.com.", 16, Bytes({5, 'a'})).message(),
            "f.zone:7: TXT record at www.example.com. has a malformed "
            "character-string in its "
            "RDATA");
  EXPECT_EQ(Add("www.example.com.", 41, "").message(),
            "f.zone:7: type OPT cannot appear in a zone");
  EXPECT_EQ(Add("www.example.com.", 1, Bytes({1, 2, 3, 4}), 3).message(),
            "f.zone:7: class CH is not supported (only IN)");
  EXPECT_EQ(
      Add("www.example.org.", 1, Bytes({1, 2, 3, 4})).message(),
      "f.zone:7: owner www.example.org. is outside the zone example.com.");
  EXPECT_EQ(Add("com.", 1, Bytes({1, 2, 3, 4})).message(),
            "f.zone:7: owner com. is outside the zone example.com.");
  EXPECT_EQ(
      builder_.Add("", 1, 1, 300, Bytes({1, 2, 3, 4}), {file_, 8}).message(),
      "f.zone:8: malformed owner name");
  EXPECT_EQ(builder_.Add("\5ab", 1, 1, 300, Bytes({1, 2, 3, 4}), {file_, 8})
                .message(),
            "f.zone:8: malformed owner name");
  // Opaque types take any RDATA.
  EXPECT_TRUE(Add("www.example.com.", 65280, "").ok());
  EXPECT_TRUE(Add("www.example.com.", 99, Bytes({1, 'x'})).ok());
}

TEST_F(BuilderAddTest, LowerCasesNamesInRdataAndOwner) {
  ASSERT_TRUE(
      Add("example.com.", 6,
          std::string("\3NS1\7Example\3COM\0\4Host\7EXAMPLE\3com\0", 35) +
              Bytes(
                  {0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 1, 0}))
          .ok());
  ASSERT_TRUE(
      Add("example.com.", 2, std::string("\3NS1\7Example\3COM\0", 17)).ok());
  ASSERT_TRUE(builder_
                  .Add(std::string("\3NS1\7EXAMPLE\3com\0", 17), 1, 1, 300,
                       Bytes({192, 0, 2, 1}), {file_, 9})
                  .ok());
  ASSERT_TRUE(
      Add("mx.example.com.", 15, Bytes({0, 5}) + std::string("\4MAIL\1X\0", 8))
          .ok());
  ASSERT_TRUE(Add("srv.example.com.", 33,
                  Bytes({0, 1, 0, 2, 0, 3}) + std::string("\1T\0", 3))
                  .ok());
  ASSERT_TRUE(Add("d.example.com.", 39, std::string("\1D\0", 3)).ok());
  ASSERT_TRUE(Add("txt.example.com.", 16, std::string("\3ABC", 4)).ok());
  auto built = std::move(builder_).Build();
  ASSERT_TRUE(built.ok()) << built.status();
  const Zone& zone = **built;
  EXPECT_EQ(zone.serial(), 7u);
  EXPECT_EQ(zone.negative_ttl(), 256u);  // min(SOA TTL 300, MINIMUM 256)
  EXPECT_EQ(std::string(zone.soa().rdata(0)).substr(0, 35),
            Wire("ns1.example.com.") + Wire("host.example.com."));
  EXPECT_EQ(zone.apex().Find(2)->rdata(0), Wire("ns1.example.com."));
  ASSERT_NE(zone.Find(Wire("ns1.example.com.")), nullptr);
  EXPECT_EQ(zone.Find(Wire("mx.example.com."))->Find(15)->rdata(0),
            Bytes({0, 5}) + Wire("mail.x."));
  EXPECT_EQ(zone.Find(Wire("srv.example.com."))->Find(33)->rdata(0),
            Bytes({0, 1, 0, 2, 0, 3}) + Wire("t."));
  EXPECT_EQ(zone.Find(Wire("d.example.com."))->Find(39)->rdata(0), Wire("d."));
  // Not a name: TXT keeps its case.
  EXPECT_EQ(zone.Find(Wire("txt.example.com."))->Find(16)->rdata(0),
            std::string("\3ABC", 4));
}

// --- The compiled zone. ---

TEST(BuilderCompileTest, PreEncodedARRsetIsByteExact) {
  auto zone = ZoneFromText(
      "example.com.",
      std::string(kHead) + "www 300 A 192.0.2.1\nwww 300 A 192.0.2.2\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  const zones::RRset* a = (*zone)->Find(Wire("www.example.com."))->Find(1);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->type, 1);
  EXPECT_EQ(a->ttl, 300u);
  EXPECT_EQ(a->count, 2);
  EXPECT_EQ(a->names, RdataNames::kNone);
  EXPECT_EQ(a->wire, Bytes({0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1,  //
                            0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 2}));
  EXPECT_THAT(a->rr_offsets, ElementsAre(0u, 14u));
  EXPECT_EQ(a->rdata(1), Bytes({192, 0, 2, 2}));
}

TEST(BuilderCompileTest, MxWireAndNamesLayout) {
  auto zone = ZoneFromText(
      "example.com.", std::string(kHead) + "@ 60 MX 10 Mail.Example.com.\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  const zones::RRset* mx = (*zone)->apex().Find(15);
  ASSERT_NE(mx, nullptr);
  EXPECT_EQ(mx->names, RdataNames::kMx);
  EXPECT_EQ(mx->wire, Bytes({0, 15, 0, 1, 0, 0, 0, 60, 0, 20, 0, 10}) +
                          Wire("mail.example.com."));
  EXPECT_EQ((*zone)->apex().Find(2)->names, RdataNames::kNameAt0);
  EXPECT_EQ((*zone)->soa().names, RdataNames::kSoa);
}

TEST(BuilderCompileTest, DuplicatesDroppedAndFirstTtlWins) {
  ZoneBuilder builder(Wire("example.com."));
  ASSERT_TRUE(
      zones::ReadMasterText(std::string(kHead) +
                                "www 300 A 192.0.2.1\n"
                                "www 600 A 192.0.2.2\n"   // 6: TTL differs
                                "www 300 A 192.0.2.1\n"   // duplicate
                                "WWW 300 A 192.0.2.1\n",  // duplicate
                            "zone.db", &builder)
          .ok());
  EXPECT_THAT(
      builder.warnings(),
      ElementsAre(
          "zone.db:6: TTL 600 of www.example.com. A differs from the RRset's "
          "TTL 300; using 300 (RFC 2181 §5.2)"));
  auto zone = std::move(builder).Build();
  ASSERT_TRUE(zone.ok()) << zone.status();
  const zones::RRset* a = (*zone)->Find(Wire("www.example.com."))->Find(1);
  EXPECT_EQ(a->count, 2);
  EXPECT_EQ(a->ttl, 300u);
  EXPECT_EQ(a->rdata(0), Bytes({192, 0, 2, 1}));
  EXPECT_EQ(a->rdata(1), Bytes({192, 0, 2, 2}));
  EXPECT_EQ(a->wire.substr(14, 8),
            Bytes({0, 1, 0, 1, 0, 0, 1, 44}));  // TTL 300 in both
  EXPECT_EQ((*zone)->record_count(), 5u);
}

TEST(BuilderCompileTest, ManyDuplicatesInABigRRset) {
  std::string text = kHead;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i)
      text += "big TXT \"v" + std::to_string(i) + "\"\n";
  }
  auto zone = ZoneFromText("example.com.", text);
  ASSERT_TRUE(zone.ok()) << zone.status();
  const zones::RRset* txt = (*zone)->Find(Wire("big.example.com."))->Find(16);
  ASSERT_EQ(txt->count, 40);
  for (int i = 0; i < 40; ++i) {  // file order kept
    const std::string v = "v" + std::to_string(i);
    EXPECT_EQ(txt->rdata(i), std::string(1, static_cast<char>(v.size())) + v);
  }
  EXPECT_EQ((*zone)->record_count(), 43u);
}

TEST(BuilderCompileTest, RRsetsSortedByType) {
  auto zone = ZoneFromText(
      "example.com.",
      std::string(kHead) + "x TXT hi\nx AAAA ::1\nx A 192.0.2.1\nx MX 1 x\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  const Node* x = (*zone)->Find(Wire("x.example.com."));
  std::vector<uint16_t> types;
  for (const auto& rs : x->rrsets) types.push_back(rs.type);
  EXPECT_THAT(types, ElementsAre(1, 15, 16, 28));
  EXPECT_EQ(x->Find(15)->type, 15);
  EXPECT_EQ(x->Find(2), nullptr);
  EXPECT_EQ(x->Find(99), nullptr);
}

TEST(BuilderCompileTest, NodesFlagsCutsAndWildcards) {
  auto built =
      ZoneFromText("example.com.",
                   "$TTL 300\n"
                   "www CNAME ns1\n"  // the apex is not the first owner
                   "@ SOA ns1 hostmaster 42 7200 900 1209600 600\n"
                   "@ NS ns1\n"
                   "ns1 A 192.0.2.53\n"
                   "sub NS ns1.sub\n"
                   "ns1.sub A 192.0.2.54\n"
                   "deeper.sub NS ns.deeper.sub\n"
                   "ns.deeper.sub A 192.0.2.55\n"
                   "x.y.z.sub A 192.0.2.56\n"
                   "*.wild A 192.0.2.57\n"
                   "a.b.c TXT leaf\n"
                   "* TXT apex-wildcard\n");
  ASSERT_TRUE(built.ok()) << built.status();
  const Zone& zone = **built;
  auto index = [&](std::string_view name) -> uint32_t {
    const Node* n = zone.Find(Wire(name));
    return n == nullptr ? kNoNode : static_cast<uint32_t>(n - &zone.node(0));
  };
  auto node = [&](std::string_view name) -> const Node& {
    return *zone.Find(Wire(name));
  };

  EXPECT_EQ(index("example.com."), 0u);
  EXPECT_EQ(&zone.apex(), &zone.node(0));
  EXPECT_EQ(zone.serial(), 42u);
  EXPECT_EQ(zone.negative_ttl(), 300u);  // min(SOA TTL 300, MINIMUM 600)
  EXPECT_EQ(zone.record_count(), 12u);
  // 11 owners + ENTs y.z.sub, z.sub, wild, b.c, c.
  EXPECT_EQ(zone.node_count(), 16u);
  for (const char* ent :
       {"y.z.sub.example.com.", "z.sub.example.com.", "wild.example.com.",
        "b.c.example.com.", "c.example.com."}) {
    ASSERT_NE(zone.Find(Wire(ent)), nullptr) << ent;
    EXPECT_TRUE(zone.Find(Wire(ent))->empty_non_terminal()) << ent;
  }
  EXPECT_EQ(zone.Find(Wire("nothere.example.com.")), nullptr);
  EXPECT_EQ(zone.Find(Wire("example.com")), zone.Find(Wire("example.com.")));

  EXPECT_EQ(zone.apex().flags, node_flag::kApex);
  EXPECT_EQ(zone.apex().cut, kNoNode);
  EXPECT_EQ(zone.apex().wildcard_child, index("*.example.com."));
  EXPECT_EQ(node("www.example.com.").flags, node_flag::kCname);
  EXPECT_EQ(node("ns1.example.com.").flags, 0);

  const uint32_t sub = index("sub.example.com.");
  EXPECT_EQ(node("sub.example.com.").flags, node_flag::kDelegation);
  EXPECT_EQ(node("sub.example.com.").cut, sub);
  for (const char* below :
       {"ns1.sub.example.com.", "ns.deeper.sub.example.com.",
        "x.y.z.sub.example.com.", "y.z.sub.example.com.",
        "z.sub.example.com."}) {
    EXPECT_EQ(node(below).flags, node_flag::kBelowCut) << below;
    EXPECT_EQ(node(below).cut, sub) << below;
  }
  // A delegation below another one is occluded: the topmost cut counts.
  EXPECT_EQ(node("deeper.sub.example.com.").flags,
            node_flag::kDelegation | node_flag::kBelowCut);
  EXPECT_EQ(node("deeper.sub.example.com.").cut, sub);

  EXPECT_EQ(node("wild.example.com.").wildcard_child,
            index("*.wild.example.com."));
  EXPECT_EQ(node("*.wild.example.com.").flags, node_flag::kWildcard);
  EXPECT_EQ(node("*.example.com.").flags, node_flag::kWildcard);
  EXPECT_EQ(node("c.example.com.").wildcard_child, kNoNode);
  EXPECT_EQ(node("a.b.c.example.com.").cut, kNoNode);
}

TEST(BuilderCompileTest, RdataNamesFor) {
  EXPECT_EQ(zones::RdataNamesFor(2), RdataNames::kNameAt0);   // NS
  EXPECT_EQ(zones::RdataNamesFor(5), RdataNames::kNameAt0);   // CNAME
  EXPECT_EQ(zones::RdataNamesFor(12), RdataNames::kNameAt0);  // PTR
  EXPECT_EQ(zones::RdataNamesFor(15), RdataNames::kMx);
  EXPECT_EQ(zones::RdataNamesFor(6), RdataNames::kSoa);
  EXPECT_EQ(zones::RdataNamesFor(33), RdataNames::kSrv);
  EXPECT_EQ(zones::RdataNamesFor(39), RdataNames::kOther);  // DNAME
  EXPECT_EQ(zones::RdataNamesFor(35), RdataNames::kOther);  // NAPTR
  EXPECT_EQ(zones::RdataNamesFor(1), RdataNames::kNone);
  EXPECT_EQ(zones::RdataNamesFor(28), RdataNames::kNone);
  EXPECT_EQ(zones::RdataNamesFor(16), RdataNames::kNone);
  EXPECT_EQ(zones::RdataNamesFor(65280), RdataNames::kNone);
}

TEST(BuilderCompileTest, OtherTypesWithNamesAreLowerCased) {
  auto zone = ZoneFromText("example.com.",
                           std::string(kHead) +
                               "n NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!x!\" "
                               "Repl.Example.COM.\n"
                               "r RP Mbox.Example.COM. TXT.Example.COM.\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  const std::string naptr(
      (*zone)->Find(Wire("n.example.com."))->Find(35)->rdata(0));
  EXPECT_EQ(naptr.substr(naptr.size() - 18), Wire("repl.example.com."));
  EXPECT_EQ((*zone)->Find(Wire("r.example.com."))->Find(17)->rdata(0),
            Wire("mbox.example.com.") + Wire("txt.example.com."));
}

// Not a benchmark: a sanity check that a big zone builds in linear-ish
// time. The 1,000,000-record measurement lives in bench/.
TEST(BuilderCompileTest, HundredThousandRecords) {
  ZoneBuilder builder(Wire("example.com."));
  const int file = builder.AddSource("generated");
  ASSERT_TRUE(zones::ReadMasterText(kHead, "head", &builder).ok());
  std::string owner;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100000; ++i) {
    std::string text = "h" + std::to_string(i) + ".d" +
                       std::to_string(i % 100) + ".example.com.";
    dns::NameFromText(text, &owner);
    const std::string rdata =
        Bytes({10, (i >> 16) & 255, (i >> 8) & 255, i & 255});
    ASSERT_TRUE(builder.Add(owner, 1, 1, 300, rdata, {file, i + 1}).ok());
  }
  auto zone = std::move(builder).Build();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ((*zone)->record_count(), 100003u);
  EXPECT_EQ((*zone)->node_count(), 2u + 100000u + 100u);
  EXPECT_TRUE((*zone)->Find(Wire("d7.example.com."))->empty_non_terminal());
  std::printf("100k records: add + build %.3f s\n", seconds);
}

}  // namespace
