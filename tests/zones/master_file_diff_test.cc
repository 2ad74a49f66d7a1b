// File: tests/zones/master_file_diff_test.cc
//
// Our master-file reader against ldns, line by line
// (tests/zones/ldns_line_diff.h): every line of the bundled example zones
// and of the differential fuzz target's seed corpus, and a line of every
// type in common use, read by both, reads the same; the lines ldns takes
// and we refuse on purpose are refused with a message.
// tests/fuzz/master_file_diff_fuzz.cc looks for more such lines.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/file.h"
#include "base/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/zones/ldns_line_diff.h"
#include "tests/zones/test_util.h"

namespace {

using namespace zones_test;  // tests/zones/test_util.h, ldns_line_diff.h

std::string SourceDir() {
  const char* env = std::getenv("STEER_SOURCE_DIR");
  return env != nullptr ? env : STEER_TEST_SOURCE_DIR;
}

// Every line of `text` compared: how many both read, and the unexplained
// disagreements as "line N "text": what differs".
struct Check {
  int both_read = 0;
  std::vector<std::string> disagreements;
};

Check CheckText(std::string_view text, std::string_view origin) {
  Check check;
  int n = 0;
  for (absl::string_view l : absl::StrSplit(base::AV(text), '\n')) {
    const std::string_view line(l.data(), l.size());
    ++n;
    const LineComparison c = CompareLineWithLdns(line, Wire(origin));
    check.both_read += c.ours_read && c.ldns_read ? 1 : 0;
    if (!c.disagreement.empty() && c.known.empty()) {
      check.disagreements.push_back(absl::StrCat(
          "line ", n, " \"", absl::CEscape(base::AV(line)), "\": ", c.disagreement));
    }
  }
  return check;
}

std::vector<std::filesystem::path> FilesIn(const std::string& dir, const char* extension) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(SourceDir() + "/" + dir)) {
    if (e.is_regular_file() && (extension == nullptr || e.path().extension() == extension))
      files.push_back(e.path());
  }
  return files;
}

TEST(MasterFileDiffTest, BundledExampleZonesReadAsLdnsReadsThem) {
  std::vector<std::filesystem::path> files = FilesIn("examples", ".zone");
  for (const auto& f : FilesIn("examples/lab", ".zone")) files.push_back(f);
  ASSERT_GE(files.size(), 3u);
  for (const std::filesystem::path& file : files) {
    SCOPED_TRACE(file.string());
    absl::StatusOr<std::string> text = base::ReadFile(file.string());
    ASSERT_TRUE(text.ok()) << text.status();
    // "example.com.zone" is the zone example.com.
    const Check check = CheckText(*text, file.stem().string() + ".");
    EXPECT_THAT(check.disagreements, ::testing::IsEmpty());
    EXPECT_GT(check.both_read, 0);
  }
}

TEST(MasterFileDiffTest, FuzzSeedCorpusReadsAsLdnsReadsIt) {
  int both_read = 0;
  for (const std::filesystem::path& file : FilesIn("tests/fuzz/corpus/master_file_diff", nullptr)) {
    SCOPED_TRACE(file.string());
    absl::StatusOr<std::string> text = base::ReadFile(file.string());
    ASSERT_TRUE(text.ok()) << text.status();
    const Check check = CheckText(*text, "example.com.");
    EXPECT_THAT(check.disagreements, ::testing::IsEmpty());
    both_read += check.both_read;
  }
  EXPECT_GT(both_read, 20);
}

// One line of every type in common use (issue 15's list) and then some.
TEST(MasterFileDiffTest, EveryCommonTypeReadsAsLdnsReadsIt) {
  const char* const lines[] = {
      "www 300 IN A 192.0.2.1",
      "www AAAA 2001:db8::1",
      "@ NS ns1.example.net.",
      "alias CNAME www",
      "d DNAME other.example.",
      "@ SOA ns1 hostmaster 2024060101 3600 900 1209600 300",
      "@ SOA ns1 host\\.master 1 1h 15m 2w 5m",
      "@ MX 10 mail",
      "t TXT \"v=spf1 -all\" \"a;b\" plain \"say \\\"hi\\\"\" \"\\065\\\\\"",
      "t SPF \"v=spf1 -all\"",
      "_sip._tcp SRV 10 60 5060 sip",
      "n NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
      "c CAA 0 issue \"letsencrypt.org\"",
      "s SSHFP 1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac",
      "_443._tcp TLSA 3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6",
      "_443._tcp SMIMEA 3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6",
      "@ OPENPGPKEY dGhpcyBpcyBub3QgYSByZWFsIGtleQ==",
      "h HINFO \"PC\" \"Linux\"",
      "l LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
      "p PTR www",
      "@ DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
      "@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
      "@ RRSIG A 13 2 300 20250101000000 20241201000000 12345 example.com. "
      "dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==",
      "@ NSEC www.example.com. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY",
      "x NSEC3 1 0 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG",
      "@ NSEC3PARAM 1 0 0 -",
      "@ CDS 60485 8 2 2BB183AF5F22588179A53B0A98631FAD1A2921182BB183AF5F22588179A53B0A",
      "@ CDNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
      "s SVCB 1 svc.example.net. alpn=h2,h3 port=8443",
      "s HTTPS 1 . alpn=h2 ipv4hint=192.0.2.1",
      "s HTTPS 1 . alpn=\"h2,h3\" port=443",
      "_ftp._tcp URI 10 1 \"ftp://ftp1.example.com/public\"",
      "@ ZONEMD 2024060101 1 1 "
      "a3b69bad980a3504e1cffcb0fd6397f93848071c93151f552ae2f6b1711d4bd2d8b39808226d7b9db71e34b72077f8fe",
      "w TYPE65280 \\# 4 0a000001",
      "w A \\# 4 c0000201",
      "a\\.b\\065 60 CH TXT ( \"in\" \"parens\" ) ; and a comment",
  };
  for (const char* line : lines) {
    const LineComparison c = CompareLineWithLdns(line, Wire("example.com."));
    EXPECT_TRUE(c.ours_read) << line << ": " << c.ours_error;
    EXPECT_TRUE(c.ldns_read) << line << ": " << c.ldns_error;
    EXPECT_EQ(c.disagreement, "") << line;
  }
}

// What ldns 1.8.3 takes and we refuse, as NSD, Knot or BIND do (and the
// issue asks): each refused with a message.
TEST(MasterFileDiffTest, LinesLdnsTakesAndWeRefuse) {
  struct Case {
    std::string line;
    std::string error;
  };
  const std::vector<Case> cases = {
      // A TTL above 32 bits (ldns wraps it; 2^31..2^32-1 are read as 0,
      // see KnownDifferencesAreRecognized).
      {"x 99999999999 A 192.0.2.1", "line:1: TTL 99999999999 is out of range (0..2147483647)"},
      // ldns stops at the NUL and reads 192.0.2.1.
      {std::string("x A 192.0.2.1\0" "5", 15), "line:1: NUL octet in the file"},
      // ldns takes the quote to the end of the text.
      {"t TXT \"open", "line:1: unterminated quoted string"},
      {"p TXT ( \"a\"", "line:1: unclosed '(' opened at line 1"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(absl::CEscape(base::AV(k.line)));
    const LineComparison c = CompareLineWithLdns(k.line, Wire("example.com."));
    EXPECT_FALSE(c.ours_read);
    EXPECT_EQ(c.ours_error, k.error);
    EXPECT_TRUE(c.ldns_read) << "ldns now refuses it too: " << c.ldns_error;
  }
}

// Lines both read, differently, on purpose: ours is how NSD, Knot and
// BIND read them (tests/zones/ldns_line_diff.cc lists why). The fuzz
// target found each of them.
TEST(MasterFileDiffTest, KnownDifferencesAreRecognized) {
  for (const char* line : {
           "txt IN TXT \"one? \"two\" \"three;semi\"",  // '"' after a non-blank
           "t2 TXT \"(pa \"(parens)\" ; and a commentrens)\" ; and a comment",
           "q TXT \"x\"(paqens)Ispf0",                   // a parenthesis against a token
           "t TXT \"a\rb\"",                             // CR inside a token
           "gen3 \r IN MX 5 mail",                       // CR between tokens
           "gen3 TXT X \\# 4 03616263",                  // \# not first in the RDATA
           "n NS \\@.",                                  // "\@." is not the origin
           "@x A 192.0.2.2",                              // nor is "@x"
           "x 2147483648 A 192.0.2.1",                    // RFC 2181 §8: 0 here
           "x 4294967295 A 192.0.2.1",
           "\"quoted\" A 192.0.2.1",                      // owner quoted
           "s SVCB 16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",  // RFC 9460 D.2
       }) {
    SCOPED_TRACE(absl::CEscape(line));
    const LineComparison c = CompareLineWithLdns(line, Wire("example.com."));
    ASSERT_TRUE(c.ours_read) << c.ours_error;
    ASSERT_TRUE(c.ldns_read) << c.ldns_error;
    EXPECT_NE(c.disagreement, "");
    EXPECT_NE(c.known, "");
  }
}

TEST(MasterFileDiffTest, RecordsAreDescribed) {
  const LineComparison c = CompareLineWithLdns("www 300 A 192.0.2.1", Wire("example.com."));
  ASSERT_TRUE(c.ours_read);
  EXPECT_EQ(DescribeLineRR(c.ours), "www.example.com. 300 CLASS1 A c0000201");
}

}  // namespace
