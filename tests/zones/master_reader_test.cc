// zones::MasterReader: owners, TTL and class in either order, directives,
// TTL defaults, and every error of a file reported at its line.
#include "zones/master_reader.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zones {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kOrigin("\7example\3com\0", 13);

// "owner type class ttl line" per record, owners in wire form shown as text.
std::string Text(std::string_view wire) {
  std::string out;
  size_t i = 0;
  while (i < wire.size() && wire[i] != 0) {
    const size_t n = static_cast<unsigned char>(wire[i]);
    out.append(wire.substr(i + 1, n));
    out.push_back('.');
    i += n + 1;
  }
  return out.empty() ? "." : out;
}

struct Result {
  std::vector<std::string> records;
  std::vector<std::string> errors;
};

Result Read(std::string_view text, bool allow_include = false) {
  Result r;
  MasterErrors errors;
  MasterReader reader("z.zone", kOrigin, TtlContext{}, &errors);
  auto sink = [&](const MasterRecord& rec) {
    r.records.push_back(Text(rec.owner_wire) + " " + std::to_string(rec.type) + " " +
                        std::to_string(rec.rclass) + " " + std::to_string(rec.ttl) + " @" +
                        std::to_string(rec.line));
    return std::string();
  };
  auto seen = [&](const MasterInclude& inc) {
    return "$INCLUDE " + inc.path + ": seen with origin " + Text(inc.origin_wire);
  };
  const MasterReader::IncludeHandler include(seen);  // refers to `seen`
  reader.Read(text, sink, allow_include ? &include : nullptr);
  r.errors = errors.lines();
  return r;
}

// RFC 2181 §8: 2147483648..4294967295 are read as 0, with a warning each;
// above 4294967295 is an error.
TEST(MasterReaderTest, TopBitTtlsAreZeroWithAWarning) {
  MasterErrors errors;
  MasterReader reader("z.zone", kOrigin, TtlContext{}, &errors);
  std::vector<uint32_t> ttls;
  reader.Read("a 2147483648 A 192.0.2.1\nb 4294967295 A 192.0.2.2\n$TTL 3000000000\nc A 192.0.2.3\n",
              [&](const MasterRecord& rr) {
                ttls.push_back(rr.ttl);
                return std::string();
              },
              nullptr);
  EXPECT_TRUE(errors.empty()) << errors.Summary();
  EXPECT_THAT(ttls, ElementsAre(0u, 0u, 0u));
  EXPECT_THAT(errors.warnings(),
              ElementsAre("z.zone:1: TTL 2147483648 has the top bit set; treated as 0 (RFC 2181 §8)",
                          "z.zone:2: TTL 4294967295 has the top bit set; treated as 0 (RFC 2181 §8)",
                          "z.zone:3: TTL 3000000000 has the top bit set; treated as 0 (RFC 2181 §8)"));
  EXPECT_THAT(Read("a 4294967296 A 192.0.2.1\n").errors,
              ElementsAre("z.zone:1: TTL 4294967296 is out of range (0..2147483647)"));
}

// A quoted owner is the name between the quotes (as BIND and NSD read it).
TEST(MasterReaderTest, QuotedOwnerIsTheNameInside) {
  Result r = Read("\"quoted\" A 192.0.2.1\n\"a.b\" A 192.0.2.2\n");
  EXPECT_THAT(r.errors, ElementsAre());
  EXPECT_THAT(r.records, ElementsAre("quoted.example.com. 1 1 3600 @1",
                                     "a.b.example.com. 1 1 3600 @2"));
}

TEST(MasterReaderTest, ClassAndTtlInEitherOrder) {
  Result r = Read("www IN 300 A 192.0.2.1\nwww 300 IN A 192.0.2.2\nwww A 192.0.2.3\n");
  EXPECT_THAT(r.errors, IsEmpty());
  EXPECT_THAT(r.records, ElementsAre("www.example.com. 1 1 300 @1", "www.example.com. 1 1 300 @2",
                                     "www.example.com. 1 1 300 @3"));
}

TEST(MasterReaderTest, BlankOwnerAtAndOrigin) {
  Result r = Read(
      "$TTL 1h\n"
      "@ SOA ns h 1 2 3 4 5\n"
      "  NS ns\n"
      "$ORIGIN sub\n"
      "x A 192.0.2.1\n"
      "$ORIGIN other.test.\n"
      "@ TXT hi\n");
  EXPECT_THAT(r.errors, IsEmpty());
  EXPECT_THAT(r.records, ElementsAre("example.com. 6 1 3600 @2", "example.com. 2 1 3600 @3",
                                     "x.sub.example.com. 1 1 3600 @5", "other.test. 16 1 3600 @7"));
}

TEST(MasterReaderTest, TtlDefaultsFollowRfc2308AndRfc1035) {
  Result r = Read("a 60 A 192.0.2.1\nb A 192.0.2.2\n$TTL 2m\nc A 192.0.2.3\nd 5 A 192.0.2.4\ne A 192.0.2.5\n");
  EXPECT_THAT(r.records, ElementsAre("a.example.com. 1 1 60 @1", "b.example.com. 1 1 60 @2",
                                     "c.example.com. 1 1 120 @4", "d.example.com. 1 1 5 @5",
                                     "e.example.com. 1 1 120 @6"));
  EXPECT_THAT(Read("f A 192.0.2.6\n").records, ElementsAre("f.example.com. 1 1 3600 @1"));
}

TEST(MasterReaderTest, EveryErrorIsReportedAndGoodRecordsStillRead) {
  Result r = Read(
      "a A 192.0.2.256\n"
      "b BOGUSTYPE x\n"
      "c 99999999999 A 192.0.2.1\n"
      "d A 192.0.2.4\n"
      "e TXT \"open\n"
      "f IN TXT ( \"a\"\n"
      "q IN A 192.0.2.8\n");
  EXPECT_THAT(r.errors,
              ElementsAre("z.zone:1: bad IPv4 address '192.0.2.256'",
                          "z.zone:2: unknown type 'BOGUSTYPE'",
                          "z.zone:3: TTL 99999999999 is out of range (0..2147483647)",
                          "z.zone:5: unterminated quoted string",
                          "z.zone:6: unclosed '(' opened at line 6"));
  EXPECT_THAT(r.records, ElementsAre("d.example.com. 1 1 3600 @4"));
}

TEST(MasterReaderTest, ErrorsAreCappedAndCounted) {
  std::string text;
  for (int i = 0; i < 25; ++i) text += "x A 300.0.0.1\n";
  MasterErrors errors;
  MasterReader reader("z.zone", kOrigin, TtlContext{}, &errors);
  reader.Read(text, [](const MasterRecord&) { return std::string(); }, nullptr);
  EXPECT_EQ(errors.count(), 25u);
  EXPECT_EQ(errors.lines().size(), MasterErrors::kMax);
  EXPECT_THAT(errors.Summary(), ::testing::EndsWith("\n... and 5 more errors"));
}

TEST(MasterReaderTest, DirectivesAndTheirErrors) {
  Result r = Read("$ORIGIN\n$TTL x\n$INCLUDE other.zone\n$GENERATE 1-2 a$ A 192.0.2.$\n");
  EXPECT_THAT(r.errors, ElementsAre("z.zone:1: $ORIGIN takes one domain name",
                                    "z.zone:2: bad $TTL value: bad TTL 'x'",
                                    "z.zone:3: $INCLUDE is not allowed here (zone text, not a file)",
                                    "z.zone:4: unsupported directive $GENERATE"));
  Result inc = Read("$INCLUDE \"sub.zone\" sub\n", /*allow_include=*/true);
  EXPECT_THAT(inc.errors,
              ElementsAre("z.zone:1: $INCLUDE sub.zone: seen with origin sub.example.com."));
}

TEST(MasterReaderTest, FirstRecordWithoutOwnerAndRecordsWithoutType) {
  EXPECT_THAT(Read("  A 192.0.2.1\n").errors,
              ElementsAre("z.zone:1: no owner name (the first record starts with a blank)"));
  EXPECT_THAT(Read("x 300 IN\n").errors, ElementsAre("z.zone:1: the record has no type"));
  EXPECT_THAT(Read("x 300 IN 600 A 192.0.2.1\n").errors,
              ElementsAre("z.zone:1: a second TTL or class '600'"));
}

TEST(MasterReaderTest, SinkErrorsAreReportedAsTheSinkWroteThem) {
  MasterErrors errors;
  MasterReader reader("z.zone", kOrigin, TtlContext{}, &errors);
  reader.Read("a A 192.0.2.1\nb A 192.0.2.2\n",
              [](const MasterRecord& rec) {
                return rec.line == 2 ? std::string("z.zone:2: CNAME and other data") : std::string();
              },
              nullptr);
  EXPECT_THAT(errors.lines(), ElementsAre("z.zone:2: CNAME and other data"));
  EXPECT_EQ(reader.records(), 1u);
}

}  // namespace
}  // namespace zones
