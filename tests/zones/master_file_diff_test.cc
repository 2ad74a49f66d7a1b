// File: tests/zones/master_file_diff_test.cc
//
// The master-file reader's two parsers (the fast path and ldns,
// zones/master_file_rr.h) read every line alike: every line of the bundled
// example zones, the inputs where they once differed, and the reader's
// state between them (a blank owner means the same whichever one reads it).
// tests/fuzz/master_file_diff_fuzz.cc looks for more such lines.
#include "zones/master_file_rr.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/file.h"
#include "base/string_view.h"
#include "dns/wire/types.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/zones/test_util.h"
#include "zones/master_file.h"
#include "zones/zone.h"

namespace {

using namespace zones_test;  // tests/zones/test_util.h

// What the check reports for `text` read as a zone of `origin`: one
// "line N "text": disagreement" per line the parsers read differently.
struct Check {
  int lines = 0;       // lines that start an RR
  int fast_lines = 0;  // of those, read by the fast path
  std::vector<std::string> disagreements;
};

Check CheckText(std::string_view text, std::string_view origin) {
  Check check;
  const absl::Status st = zones::ForEachRRLineBothWays(
      text, Wire(origin),
      [&](int line, std::string_view line_text,
          const zones::RRLineReadings& readings) {
        ++check.lines;
        check.fast_lines += readings.fast_read ? 1 : 0;
        const std::string d = zones::RRLineDisagreement(readings);
        if (d.empty() ||
            !zones::KnownRRLineDifference(line_text, readings).empty()) {
          return;
        }
        check.disagreements.push_back(
            absl::StrCat("line ", line, " \"",
                         absl::CEscape(base::AV(line_text)), "\": ", d));
      });
  EXPECT_TRUE(st.ok()) << st;
  return check;
}

TEST(MasterFileDiffTest, BundledExampleZonesReadAlikeBothWays) {
  const char* env = std::getenv("STEER_SOURCE_DIR");
  const std::string root = env != nullptr ? env : STEER_TEST_SOURCE_DIR;
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"examples", "examples/lab"}) {
    for (const auto& e :
         std::filesystem::directory_iterator(std::filesystem::path(root) / dir)) {
      if (e.path().extension() == ".zone") files.push_back(e.path());
    }
  }
  ASSERT_GE(files.size(), 3u);
  for (const std::filesystem::path& file : files) {
    SCOPED_TRACE(file.string());
    absl::StatusOr<std::string> text = base::ReadFile(file.string());
    ASSERT_TRUE(text.ok()) << text.status();
    // "example.com.zone" is the zone example.com.
    const Check check = CheckText(*text, file.stem().string() + ".");
    EXPECT_THAT(check.disagreements, ::testing::IsEmpty());
    EXPECT_GT(check.lines, 0);
    EXPECT_GT(check.fast_lines, 0);  // the fast path was exercised
  }
}

TEST(MasterFileDiffTest, EveryFastPathTypeReadsAsLdnsDoes) {
  const Check check = CheckText(
      "www A 192.0.2.1\n"
      "    300 IN AAAA 2001:db8::1\n"
      "@ NS ns1.example.net.\n"
      "web CNAME www\n"
      "1 PTR @\n"
      "@ MX 10 mail\n"
      "@ TXT \"v=spf1 -all\" \"two;three\" ; comment\n"
      "crlf\tIN\tA\t192.0.2.2\r\n",
      "example.com.");
  EXPECT_THAT(check.disagreements, ::testing::IsEmpty());
  EXPECT_EQ(check.lines, 8);
  EXPECT_EQ(check.fast_lines, 8);
}

// Lines where the fast path once read something else than ldns: it now
// leaves them to ldns.
TEST(MasterFileDiffTest, FastPathDeclinesWhatLdnsReadsOtherwise) {
  const std::string origin = Wire("example.com.");
  const std::string previous = Wire("www.example.com.");
  const std::string long_txt = [] {
    std::string line = "big TXT";
    while (line.size() < 70000) line += " \"" + std::string(200, 'x') + "\"";
    return line;
  }();
  for (const std::string_view line : std::vector<std::string_view>{
           // ldns drops NUL octets: 1.2.3.45, not 1.2.3.4.
           std::string_view("w A 192.0.2.1\0" "5", 15),
           // '\f' and '\v' end ldns's line, or are part of a first owner.
           "w A\f192.0.2.1", "w\vA 192.0.2.1", "w A 192.0.2.1\fx A 192.0.2.2",
           "\fA 192.0.2.1", "\vA 192.0.2.1",
           // ldns refuses RDATA text of 64 KiB or more.
           long_txt}) {
    SCOPED_TRACE(absl::CEscape(base::AV(line.substr(0, 40))));
    const zones::RRLineReadings r =
        zones::ReadRRLineBothWays(line, origin, previous);
    EXPECT_FALSE(r.fast_read);
    EXPECT_EQ(zones::RRLineDisagreement(r), "");
  }
}

TEST(MasterFileDiffTest, DisagreementsAreDescribed) {
  zones::RRLineReadings r;
  r.fast_read = true;
  r.fast.owner = Wire("www.example.com.");
  r.fast.type = 1;
  r.fast.ttl = 300;
  r.fast.rdata = std::string("\xc0\x00\x02\x01", 4);
  r.ldns_error = "Syntax error";
  EXPECT_EQ(zones::RRLineDisagreement(r),
            "the fast path reads www.example.com. 300 CLASS1 A c0000201, ldns "
            "refuses the line: Syntax error");
  r.ldns_read = true;
  r.ldns = r.fast;
  EXPECT_EQ(zones::RRLineDisagreement(r), "");
  r.ldns.owner = Wire("example.com.");
  r.ldns.rdata = std::string("\xc0\x00\x02\x02", 4);
  r.ldns_rest = 3;
  EXPECT_EQ(zones::RRLineDisagreement(r),
            "owner: fast path www.example.com., ldns example.com.; RDATA: fast "
            "path c0000201, ldns c0000202; ldns reads the last 3 octets of the "
            "line as another RR");
}

// A blank owner is the previous RR's owner (RFC 1035 §5.1) whichever
// parser reads the line: here the first RR's blank owner is the origin,
// and after a $ORIGIN a line for ldns (parentheses) and one for the fast
// path both land there, not at the new origin.
TEST(MasterFileDiffTest, BlankOwnerAfterOriginIsThePreviousOwnerBothWays) {
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
      zones_test::ZoneFromText("example.com.",
                               " TXT \"first\"\n"
                               "$ORIGIN sub.example.com.\n"
                               " TXT ( \"by-ldns\" )\n"
                               " A 192.0.2.1\n"
                               "$ORIGIN example.com.\n"
                               "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                               "@ NS ns1\n"
                               "ns1 A 192.0.2.53\n");
  ASSERT_TRUE(zone.ok()) << zone.status();
  const zones::Node* apex = (*zone)->Find(Wire("example.com."));
  ASSERT_NE(apex, nullptr);
  ASSERT_NE(apex->Find(dns::rrtype::kTXT), nullptr);
  EXPECT_EQ(apex->Find(dns::rrtype::kTXT)->count, 2);
  EXPECT_NE(apex->Find(dns::rrtype::kA), nullptr);
  EXPECT_EQ((*zone)->Find(Wire("sub.example.com.")), nullptr);
}

}  // namespace
