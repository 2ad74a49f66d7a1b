// File: tests/zones/master_file_test.cc
//
// Master files through ldns into a Zone: directives, syntax, includes, and
// the "file:line" of every error.
#include "zones/master_file.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "dns/wire/types.h"
#include "tests/zones/test_util.h"
#include "zones/builder.h"
#include "zones/zone.h"

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using zones::ZoneBuilder;
using namespace zones_test;  // tests/zones/test_util.h

// The RDATA of each RR of `owner`/`type`, or nothing if absent.
std::vector<std::string> Rdatas(const zones::Zone& zone, std::string_view owner,
                                uint16_t type) {
  std::vector<std::string> out;
  const zones::Node* node = zone.Find(Wire(owner));
  if (node == nullptr) return out;
  const zones::RRset* rs = node->Find(type);
  if (rs == nullptr) return out;
  for (size_t i = 0; i < rs->count; ++i) out.emplace_back(rs->rdata(i));
  return out;
}

uint32_t TtlOf(const zones::Zone& zone, std::string_view owner, uint16_t type) {
  const zones::Node* node = zone.Find(Wire(owner));
  if (node == nullptr || node->Find(type) == nullptr) return 0xffffffff;
  return node->Find(type)->ttl;
}

// The start of a valid zone for example.com., lines 1-4.
constexpr char kHead[] =
    "$TTL 300\n"
    "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
    "@ IN NS ns1\n"
    "ns1 IN A 192.0.2.53\n";

TEST(MasterFileTest, ReadsDirectivesOwnersParenthesesAndEscapes) {
  TempFolder dir;
  const std::string path =
      dir.Write("example.com.zone",
                "; example zone\n"
                "$TTL 1h\n"
                "$ORIGIN Example.COM.\n"
                "@   IN  SOA ns1 Hostmaster.Example.COM. (\n"
                "        2024010101 ; serial\n"
                "        7200       ; refresh\n"
                "        900        ; retry\n"
                "        1209600    ; expire\n"
                "        300 )      ; minimum\n"
                "    IN  NS  ns1\n"
                "    IN  NS  ns2.example.net.\n"
                "ns1 IN  A   192.0.2.53\n"
                "www 600 IN A 192.0.2.1\n"
                "        IN AAAA 2001:db8::1\n"
                "WWW.example.com. IN A 192.0.2.2\n"
                "mail IN MX 10 Mail.Example.COM.\n"
                "a\\.b IN TXT \"dot inside\"\n"
                "\\065bc IN TXT \"a\\065b\"\n"
                "gen IN TYPE65280 \\# 4 0a000001\n"
                "gen2 IN A \\# 4 c0000201\n"
                "$ORIGIN sub\n"
                "host A 192.0.2.9\n");
  ZoneBuilder builder(Wire("example.com."));
  ASSERT_TRUE(zones::ReadMasterFile(path, &builder).ok());
  EXPECT_THAT(
      builder.warnings(),
      ElementsAre(path + ":15: TTL 3600 of www.example.com. A differs from the "
                         "RRset's TTL 600; using 600 (RFC 2181 §5.2)"));
  auto built = std::move(builder).Build();
  ASSERT_TRUE(built.ok()) << built.status();
  const zones::Zone& zone = **built;

  EXPECT_EQ(zone.origin(), Wire("example.com."));
  EXPECT_EQ(zone.serial(), 2024010101u);
  EXPECT_EQ(zone.negative_ttl(), 300u);  // min(SOA TTL 3600, MINIMUM 300)
  EXPECT_EQ(zone.soa().ttl, 3600u);
  // SOA names are lower-cased and completed with the origin.
  EXPECT_EQ(std::string(zone.soa().rdata(0)).substr(0, 41),
            Wire("ns1.example.com.") + Wire("hostmaster.example.com."));
  EXPECT_THAT(Rdatas(zone, "example.com.", 2),
              ElementsAre(Wire("ns1.example.com."), Wire("ns2.example.net.")));
  // Blank owner continues "www"; "WWW.example.com." is the same owner.
  EXPECT_THAT(Rdatas(zone, "www.example.com.", 1),
              ElementsAre(Bytes({192, 0, 2, 1}), Bytes({192, 0, 2, 2})));
  EXPECT_EQ(TtlOf(zone, "www.example.com.", 1), 600u);
  EXPECT_EQ(TtlOf(zone, "www.example.com.", 28), 3600u);
  EXPECT_THAT(Rdatas(zone, "mail.example.com.", 15),
              ElementsAre(Bytes({0, 10}) + Wire("mail.example.com.")));
  // "a\.b" is one label holding a dot.
  const std::string dotted = std::string(
                                 "\x03"
                                 "a.b",
                                 4) +
                             Wire("example.com.");
  ASSERT_NE(zone.Find(dotted), nullptr);
  EXPECT_EQ(zone.Find(dotted)->Find(16)->rdata(0), std::string("\x0a"
                                                               "dot inside"));
  // "\065bc" is "Abc", lower-cased as an owner; TXT content keeps its case.
  EXPECT_THAT(Rdatas(zone, "abc.example.com.", 16),
              ElementsAre(std::string("\x03"
                                      "aAb")));
  // RFC 3597 generic syntax, for an unknown and for a known type.
  EXPECT_THAT(Rdatas(zone, "gen.example.com.", 65280),
              ElementsAre(Bytes({10, 0, 0, 1})));
  EXPECT_THAT(Rdatas(zone, "gen2.example.com.", 1),
              ElementsAre(Bytes({192, 0, 2, 1})));
  // A relative $ORIGIN is relative to the current origin.
  EXPECT_THAT(Rdatas(zone, "host.sub.example.com.", 1),
              ElementsAre(Bytes({192, 0, 2, 9})));
  EXPECT_TRUE(zone.Find(Wire("sub.example.com."))->empty_non_terminal());
  EXPECT_EQ(zone.record_count(), 13u);
  EXPECT_THAT(zone.sources(), ElementsAre(path));
}

TEST(MasterFileTest, TtlUnitsAndDefaultTtl) {
  auto zone = ZoneFromText("example.com.",
                           "$TTL 1d\n"
                           "@ SOA ns1 host 1 2 3 4 5\n"
                           "@ NS ns1\n"
                           "ns1 A 192.0.2.1\n"
                           "a 1h30m A 192.0.2.2\n"
                           "$TTL 60\n"
                           "b A 192.0.2.3\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(TtlOf(**zone, "ns1.example.com.", 1), 86400u);
  EXPECT_EQ(TtlOf(**zone, "a.example.com.", 1), 5400u);
  EXPECT_EQ(TtlOf(**zone, "b.example.com.", 1), 60u);
}

TEST(MasterFileTest, OmittedTtls) {
  auto zone =
      ZoneFromText("example.com.",
                   "@ SOA ns1 host 1 2 3 4 5\n"  // nothing to go by: 3600
                   "@ 100 NS ns1\n"
                   "ns1 A 192.0.2.1\n"  // the last explicit TTL (RFC 1035 §5.1)
                   "$TTL 0\n"
                   "c A 192.0.2.3\n"  // $TTL 0 means 0
                   "d 50 A 192.0.2.4\n"
                   "e A 192.0.2.5\n");  // $TTL beats the last explicit TTL
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(TtlOf(**zone, "example.com.", 6), 3600u);
  EXPECT_EQ(TtlOf(**zone, "example.com.", 2), 100u);
  EXPECT_EQ(TtlOf(**zone, "ns1.example.com.", 1), 100u);
  EXPECT_EQ(TtlOf(**zone, "c.example.com.", 1), 0u);
  EXPECT_EQ(TtlOf(**zone, "d.example.com.", 1), 50u);
  EXPECT_EQ(TtlOf(**zone, "e.example.com.", 1), 0u);
}

TEST(MasterFileTest, IncludedFileInheritsTtlAndOrigin) {
  TempFolder dir;
  const std::string main =
      dir.Write("main.zone", std::string(kHead) +
                                 "$TTL 77\n$ORIGIN in.example.com.\n"
                                 "$INCLUDE inc.zone\n");
  dir.Write("inc.zone", "x A 192.0.2.1\n");
  auto zone = zones::LoadMasterFile("example.com.", main);
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(TtlOf(**zone, "x.in.example.com.", 1), 77u);
}

TEST(MasterFileTest, CrLfLineEndings) {
  auto zone = ZoneFromText("example.com.",
                           "$TTL 300\r\n"
                           "@ SOA ns1 host 1 2 3 4 5\r\n"
                           "@ NS ns1\r\n"
                           "\r\n"
                           "ns1 A 192.0.2.1\r\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ((*zone)->record_count(), 3u);
}

TEST(MasterFileTest, EmptyTextHasNoSoa) {
  auto zone = ZoneFromText("example.com.", "");
  EXPECT_EQ(std::string(zone.status().message()),
            "zone.db:1: zone example.com. has no SOA record at its apex");
}

// Line numbers: each RR is reported at the line where it starts, after
// comments, blank lines and multi-line records. The CNAME check names two
// RRs, so it shows two of them.
TEST(MasterFileTest, RecordsCarryTheLineWhereTheyStart) {
  auto zone = ZoneFromText("example.com.",
                           std::string(kHead) +           // 1-4
                               "; comment\n"              // 5
                               "\n"                       // 6
                               "   ; indented comment\n"  // 7
                               "www A 192.0.2.2\n"        // 8
                               "txt TXT ( \"a\"\n"        // 9
                               "\n"                       // 10
                               "   \"b\" )\n"             // 11
                               "\n"                       // 12
                               "; c\n"                    // 13
                               "www CNAME txt\n");        // 14
  EXPECT_EQ(
      zone.status().message(),
      "zone.db:14: CNAME at www.example.com. cannot coexist with other data "
      "(A at zone.db:8)");
}

TEST(MasterFileTest, SyntaxErrorNamesItsLine) {
  auto zone = ZoneFromText(
      "example.com.", std::string(kHead) + "www A 192.0.2.1\nbad A 1.2.3\n");
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(zone.status().message()), "zone.db:6: bad IPv4 address '1.2.3'");
}

TEST(MasterFileTest, SyntaxErrorAfterCommentsNamesItsOwnLine) {
  auto zone = ZoneFromText(
      "example.com.",
      std::string(kHead) + "; one\n; two\n\nbad A 1.2.3 ; trailing\n");
  EXPECT_EQ(std::string(zone.status().message()), "zone.db:8: bad IPv4 address '1.2.3'");
}

TEST(MasterFileTest, SyntaxErrorOnFirstAndLastLine) {
  auto first = ZoneFromText("example.com.", "bad A 1.2.3\n");
  // The missing SOA is the builder's, found only once the reading is clean.
  EXPECT_EQ(std::string(first.status().message()), "zone.db:1: bad IPv4 address '1.2.3'");
  auto last = ZoneFromText("example.com.",
                           std::string(kHead) + "bad A 1.2.3");  // no newline
  EXPECT_EQ(std::string(last.status().message()), "zone.db:5: bad IPv4 address '1.2.3'");
}

TEST(MasterFileTest, SyntaxErrorInMultiLineRecordNamesItsFirstLine) {
  auto zone = ZoneFromText("example.com.",
                           "$TTL 300\n"
                           "\n"
                           "@ SOA ns1 host (\n"  // 3
                           "   1 2 3\n"
                           "   4 five )\n"
                           "@ NS ns1\n");
  EXPECT_EQ(std::string(zone.status().message()), "zone.db:3: bad TTL 'five'");
}

// RFC 1035 §5.1: "[<TTL>] [<class>]" or "[<class>] [<TTL>]"; ldns took
// only the first order, and a BIND export may have either (issue 15).
TEST(MasterFileTest, ClassBeforeTtlIsRead) {
  auto zone = ZoneFromText("example.com.", std::string(kHead) +
                                               "www IN 300 A 192.0.2.1\n"
                                               "  in 1h AAAA ::1\n"
                                               "mail 60 IN A 192.0.2.2\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(TtlOf(**zone, "www.example.com.", 1), 300u);
  EXPECT_EQ(TtlOf(**zone, "www.example.com.", 28), 3600u);
  EXPECT_EQ(TtlOf(**zone, "mail.example.com.", 1), 60u);
}

// An unclosed '(' once swallowed the next line into the TXT record
// ("p TXT "a" "q" "IN" "A" "192.0.2.8"", q NXDOMAIN; issue 15).
TEST(MasterFileTest, UnclosedParenthesisIsAnError) {
  auto zone = ZoneFromText("example.com.", std::string(kHead) +
                                               "p IN TXT ( \"a\"\n"  // 5
                                               "q IN A 192.0.2.8\n");
  EXPECT_EQ(std::string(zone.status().message()), "zone.db:5: unclosed '(' opened at line 5");
}

TEST(MasterFileTest, UnterminatedQuoteIsAnError) {
  auto zone = ZoneFromText("example.com.", std::string(kHead) +
                                               "p IN TXT \"open\n"  // 5
                                               "q IN A 192.0.2.8\n"
                                               "r IN TXT \"a\" \"b\\\"\n");  // 7
  EXPECT_EQ(std::string(zone.status().message()),
            "zone.db:5: unterminated quoted string\n"
            "zone.db:7: unterminated quoted string");
}

// TTLs have 31 bits (RFC 2181 §8). 99999999999 once wrapped to
// 1215752191, 4294967295 once silently became the $TTL, 2147483648 was
// served as it is (issue 15). Now a value that does not fit 32 bits is
// refused; one with the top bit set is read as 0 with a warning (as BIND;
// Knot loads it too), see TopBitTtlsAreZeroWithAWarning.
TEST(MasterFileTest, TopBitTtlsAreZeroWithAWarning) {
  zones::ZoneBuilder builder(std::string("\7example\3com\0", 13));
  ASSERT_TRUE(zones::ReadMasterText(std::string(kHead) + "b 4294967295 A 192.0.2.2\n"
                                                         "$TTL 2147483648\n"
                                                         "c A 192.0.2.3\n",
                                    "zone.db", &builder)
                  .ok());
  EXPECT_THAT(builder.warnings(),
              ::testing::ElementsAre(
                  "zone.db:5: TTL 4294967295 has the top bit set; treated as 0 (RFC 2181 §8)",
                  "zone.db:6: TTL 2147483648 has the top bit set; treated as 0 (RFC 2181 §8)"));
  auto zone = std::move(builder).Build();
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(TtlOf(**zone, "b.example.com.", 1), 0u);
  EXPECT_EQ(TtlOf(**zone, "c.example.com.", 1), 0u);
}

TEST(MasterFileTest, TtlOutOfRangeIsRefused) {
  auto zone = ZoneFromText("example.com.", std::string(kHead) +
                                               "a 99999999999 A 192.0.2.1\n"
                                               "b 4294967295 A 192.0.2.2\n"
                                               "c 2147483648 A 192.0.2.3\n"
                                               "d IN 9999999999999999999999 A 192.0.2.4\n"
                                               "$TTL 2147483648\n"
                                               "e 2147483647 A 192.0.2.5\n");
  EXPECT_EQ(std::string(zone.status().message()),
            "zone.db:5: TTL 99999999999 is out of range (0..2147483647)\n"
            "zone.db:8: TTL 9999999999999999999999 is out of range (0..2147483647)");
  zone = ZoneFromText("example.com.", std::string(kHead) + "e 2147483647 A 192.0.2.5\n"
                                                           "f 24855d3h14m7s A 192.0.2.6\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(TtlOf(**zone, "e.example.com.", 1), 2147483647u);
  EXPECT_EQ(TtlOf(**zone, "f.example.com.", 1), 2147483647u);
}

// Every error of a file, each at its line, the reader's and the
// builder's alike, and the good records between them still checked.
TEST(MasterFileTest, EveryErrorIsReported) {
  auto zone = ZoneFromText("example.com.", std::string(kHead) +
                                               "a A 192.0.2.256\n"                      // 5
                                               "b BOGUSTYPE x\n"                        // 6
                                               "c A 192.0.2.1\n"                        // 7
                                               "www.other.org. A 192.0.2.1\n"           // 8
                                               + std::string(64, 'x') + " A 192.0.2.1\n"  // 9
                                               "t TXT ( \"a\"\n"                        // 10
                                               "   \"b\" ) )\n"                         // 11
                                               "n A 192.0.2.9\n");                      // 12
  EXPECT_EQ(std::string(zone.status().message()),
            "zone.db:5: bad IPv4 address '192.0.2.256'\n"
            "zone.db:6: unknown type 'BOGUSTYPE'\n"
            "zone.db:9: bad owner name: label longer than 63 octets in '" +
                std::string(64, 'x') +
                "'\n"
                "zone.db:11: ')' without '('");
}

TEST(MasterFileTest, AtMostTwentyErrorsAreListed) {
  std::string text = kHead;
  for (int i = 0; i < 25; ++i) text += "x A 300.0.0.1\n";
  auto zone = ZoneFromText("example.com.", text);
  const std::string message(zone.status().message());
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 20);
  EXPECT_THAT(message, ::testing::StartsWith("zone.db:5: bad IPv4 address '300.0.0.1'\n"
                                             "zone.db:6: bad IPv4 address '300.0.0.1'\n"));
  EXPECT_THAT(message, ::testing::EndsWith("zone.db:24: bad IPv4 address '300.0.0.1'\n"
                                           "... and 5 more errors"));
}

TEST(MasterFileTest, MissingRdataIsAnError) {
  auto zone = ZoneFromText("example.com.", std::string(kHead) + "www A\nwww MX 10\n");
  EXPECT_EQ(std::string(zone.status().message()),
            "zone.db:5: A record is missing its IPv4 address\n"
            "zone.db:6: MX record is missing its domain name");
}

// An owner outside the zone is left out with a warning, as BIND ("ignoring
// out-of-zone data") and Knot load such a file (NSD refuses it).
TEST(MasterFileTest, OwnerOutsideTheZoneIsIgnoredWithAWarning) {
  zones::ZoneBuilder builder(std::string("\7example\3com\0", 13));
  ASSERT_TRUE(zones::ReadMasterText(std::string(kHead) + "www.other.org. A 192.0.2.1\n"
                                                         "WWW.Example.COM. A 192.0.2.2\n",
                                    "zone.db", &builder)
                  .ok());
  EXPECT_THAT(builder.warnings(),
              ::testing::ElementsAre(
                  "zone.db:5: owner www.other.org. is outside the zone example.com.; ignored"));
  auto zone = std::move(builder).Build();
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(TtlOf(**zone, "www.example.com.", 1), 300u);
}

TEST(MasterFileTest, ClassOtherThanIn) {
  auto zone =
      ZoneFromText("example.com.", std::string(kHead) + "www CH A 192.0.2.1\n");
  EXPECT_EQ(std::string(zone.status().message()),
            "zone.db:5: class CH is not supported (only IN)");
}

// Generic RDATA of a known type must be that type's RDATA (RFC 3597 §5).
TEST(MasterFileTest, GenericRdataOfTheWrongLength) {
  auto zone = ZoneFromText("example.com.",
                           std::string(kHead) + "x TYPE28 \\# 4 20010db8\n");
  EXPECT_EQ(std::string(zone.status().message()),
            "zone.db:5: generic RDATA of AAAA has 4 octets of RDATA, expected 16");
  zone =
      ZoneFromText("example.com.", std::string(kHead) + "\ny NS \\# 2 c00c\n");
  EXPECT_EQ(std::string(zone.status().message()),
            "zone.db:6: generic RDATA of NS has a malformed domain name in its RDATA");
}

TEST(MasterFileTest, BadDirectives) {
  EXPECT_EQ(
      std::string(ZoneFromText("example.com.", "$TTL 300\n$TTL soon\n").status().message()),
      "zone.db:2: bad $TTL value: bad TTL 'soon'");
  EXPECT_EQ(std::string(ZoneFromText("example.com.", "$ORIGIN\n").status().message()),
            "zone.db:1: $ORIGIN takes one domain name");
  EXPECT_EQ(std::string(ZoneFromText("example.com.", "\n$GENERATE 1-4 h$ A 192.0.2.$\n")
                .status()
                .message()),
            "zone.db:2: unsupported directive $GENERATE");
}

TEST(MasterFileTest, AbsoluteOriginAndComments) {
  auto zone = ZoneFromText("example.com.",
                           std::string(kHead) +
                               "$ORIGIN other.example.com. ; a comment\n"
                               "www A 192.0.2.7\n"
                               "@ A 192.0.2.8\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_THAT(Rdatas(**zone, "www.other.example.com.", 1),
              ElementsAre(Bytes({192, 0, 2, 7})));
  EXPECT_THAT(Rdatas(**zone, "other.example.com.", 1),
              ElementsAre(Bytes({192, 0, 2, 8})));
}

TEST(MasterFileTest, UnreadableFile) {
  TempFolder dir;
  ZoneBuilder builder(Wire("example.com."));
  const std::string missing = dir.path() + "/missing.zone";
  absl::Status s = zones::ReadMasterFile(missing, &builder);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(s.message()), missing + ": cannot open: No such file or directory");

  s = zones::ReadMasterFile(dir.path(), &builder);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(s.message()), dir.path() + ": cannot open: Is a directory");
}

TEST(MasterFileTest, IncludeResolvesRelativeToTheIncludingFile) {
  TempFolder dir;
  const std::string main =
      dir.Write("main.zone", std::string(kHead) +
                                 "$INCLUDE sub/part.zone\n"  // 5
                                 "after A 192.0.2.3\n"
                                 "$INCLUDE \"sub/other.zone\" Other ; rel\n"
                                 "last A 192.0.2.4\n");
  const std::string part = dir.Write("sub/part.zone",
                                     "part A 192.0.2.2\n"
                                     "$INCLUDE nested.zone\n"
                                     "$ORIGIN changed.example.com.\n"
                                     "inside A 192.0.2.7\n");
  const std::string nested = dir.Write("sub/nested.zone", "deep A 192.0.2.5\n");
  const std::string other =
      dir.Write("sub/other.zone", "@ A 192.0.2.6\nwww A 192.0.2.8\n");

  auto zone = zones::LoadMasterFile("example.com", main);
  ASSERT_TRUE(zone.ok()) << zone.status();
  for (const char* name :
       {"part.example.com.", "deep.example.com.", "inside.changed.example.com.",
        "after.example.com.", "other.example.com.", "www.other.example.com.",
        "last.example.com."}) {
    EXPECT_NE((*zone)->Find(Wire(name)), nullptr) << name;
  }
  // $ORIGIN inside an included file does not leak back out.
  EXPECT_EQ((*zone)->Find(Wire("after.changed.example.com.")), nullptr);
  EXPECT_THAT((*zone)->sources(),
              ElementsAre(main, dir.path() + "/sub/part.zone",
                          dir.path() + "/sub/nested.zone",
                          dir.path() + "/sub/other.zone"));
  EXPECT_EQ(part, dir.path() + "/sub/part.zone");
  (void)nested;
  (void)other;
}

TEST(MasterFileTest, ErrorsInsideAnIncludedFileNameThatFile) {
  TempFolder dir;
  const std::string main =
      dir.Write("main.zone", std::string(kHead) + "$INCLUDE inc.zone\n");
  const std::string inc =
      dir.Write("inc.zone", "ok A 192.0.2.1\n\nbad A 1.2.3\n");
  auto zone = zones::LoadMasterFile("example.com.", main);
  EXPECT_EQ(std::string(zone.status().message()),
            dir.path() + "/inc.zone:3: bad IPv4 address '1.2.3'");

  dir.Write("inc.zone", "www.other.org. A 192.0.2.1\nwww.other.org. A 1.2.3\n");
  zone = zones::LoadMasterFile("example.com.", main);
  EXPECT_EQ(zone.status().message(), dir.path() + "/inc.zone:2: bad IPv4 address '1.2.3'");

  // Validation errors point into whichever file holds each RR.
  dir.Write("main.zone",
            std::string(kHead) + "www A 192.0.2.1\n$INCLUDE inc.zone\n");
  dir.Write("inc.zone", "; the alias\nwww CNAME ns1\n");
  zone = zones::LoadMasterFile("example.com.", main);
  EXPECT_EQ(std::string(zone.status().message()),
            dir.path() +
                "/inc.zone:2: CNAME at www.example.com. cannot coexist with "
                "other data "
                "(A at " +
                main + ":5)");
  (void)inc;
}

// The errors of a load come in reading order, across the files.
TEST(MasterFileTest, ErrorsOfIncludedFilesAreListedInReadingOrder) {
  TempFolder dir;
  const std::string main = dir.Write("main.zone", std::string(kHead) +
                                                      "a A 1\n"               // 5
                                                      "$INCLUDE inc.zone\n"   // 6
                                                      "$INCLUDE nope.zone\n"  // 7
                                                      "b AAAA 1\n");          // 8
  dir.Write("inc.zone", "c MX x y\n\nd TXT \"\n");
  auto zone = zones::LoadMasterFile("example.com.", main);
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(zone.status().message()),
            main + ":5: bad IPv4 address '1'\n" +                       //
                dir.path() + "/inc.zone:1: bad 16-bit value 'x'\n" +    //
                dir.path() + "/inc.zone:3: unterminated quoted string\n" +  //
                main + ":7: $INCLUDE " + dir.path() +
                "/nope.zone: cannot open: No such file or directory\n" +  //
                main + ":8: bad IPv6 address '1'");
}

// A blank owner is the previous RR's owner (RFC 1035 §5.1), not the
// origin, also after a $ORIGIN; the first RR's blank owner is refused.
TEST(MasterFileTest, BlankOwnerIsThePreviousOwner) {
  auto zone = ZoneFromText("example.com.",
                           "@ TXT \"first\"\n"
                           "$ORIGIN sub.example.com.\n"
                           " TXT ( \"second\" )\n"
                           " A 192.0.2.1\n"
                           "$ORIGIN example.com.\n"
                           "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                           "@ NS ns1\n"
                           "ns1 A 192.0.2.53\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ((*zone)->Find(Wire("example.com."))->Find(dns::rrtype::kTXT)->count, 2);
  EXPECT_NE((*zone)->Find(Wire("example.com."))->Find(dns::rrtype::kA), nullptr);
  EXPECT_EQ((*zone)->Find(Wire("sub.example.com.")), nullptr);
  EXPECT_EQ(std::string(ZoneFromText("example.com.", "  A 192.0.2.1\n").status().message()),
            "zone.db:1: no owner name (the first record starts with a blank)");
}

TEST(MasterFileTest, IncludeLoop) {
  TempFolder dir;
  const std::string a =
      dir.Write("a.zone", std::string(kHead) + "$INCLUDE b.zone\n");
  dir.Write("b.zone", "x A 192.0.2.1\n$INCLUDE a.zone\n");
  auto zone = zones::LoadMasterFile("example.com.", a);
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(zone.status().message()), dir.path() + "/b.zone:2: $INCLUDE loop: " +
                                         a + " is already being read");

  const std::string self = dir.Write("self.zone", "$INCLUDE ./self.zone\n");
  zone = zones::LoadMasterFile("example.com.", self);
  EXPECT_EQ(std::string(zone.status().message()), self + ":1: $INCLUDE loop: " + dir.path() +
                                         "/./self.zone is already being read");
}

TEST(MasterFileTest, IncludeDepthLimit) {
  TempFolder dir;
  for (int i = 0; i <= 11; ++i) {
    dir.Write("f" + std::to_string(i) + ".zone",
              "$INCLUDE f" + std::to_string(i + 1) + ".zone\n");
  }
  dir.Write("f12.zone", "x A 192.0.2.1\n");
  auto zone = zones::LoadMasterFile("example.com.", dir.path() + "/f0.zone");
  EXPECT_EQ(std::string(zone.status().message()),
            dir.path() + "/f10.zone:1: $INCLUDE nests deeper than 10 files");

  // Ten levels are fine (f2 → f12).
  dir.Write("f12.zone", kHead);
  zone = zones::LoadMasterFile("example.com.", dir.path() + "/f2.zone");
  EXPECT_TRUE(zone.ok()) << zone.status();
}

TEST(MasterFileTest, IncludeOfAMissingFile) {
  TempFolder dir;
  const std::string main =
      dir.Write("main.zone", std::string(kHead) + "\n$INCLUDE nope.zone\n");
  auto zone = zones::LoadMasterFile("example.com.", main);
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(zone.status().message()),
            main + ":6: $INCLUDE " + dir.path() +
                "/nope.zone: cannot open: No such file or directory");
}

TEST(MasterFileTest, TextRefusesInclude) {
  ZoneBuilder builder(Wire("example.com."));
  absl::Status s = zones::ReadMasterText(
      std::string(kHead) + "$INCLUDE /etc/passwd\n", "uploaded", &builder);
  EXPECT_EQ(std::string(s.message()),
            "uploaded:5: $INCLUDE is not allowed here (zone text, not a file)");
}

TEST(MasterFileTest, LoadMasterFileRejectsABadOrigin) {
  auto zone = zones::LoadMasterFile("exa..mple.com", "/nonexistent");
  EXPECT_EQ(std::string(zone.status().message()), "bad zone origin 'exa..mple.com'");
}

TEST(MasterFileTest, WarningsStayEmptyForAConsistentZone) {
  ZoneBuilder builder(Wire("example.com."));
  ASSERT_TRUE(zones::ReadMasterText(kHead, "zone.db", &builder).ok());
  EXPECT_THAT(builder.warnings(), IsEmpty());
}

}  // namespace
