// What an outgoing transfer carries (routed names flattened to the default
// member, alias groups left out), the difference of two versions, and the
// IXFR journal: bounded, persisted, read back, reaching back or not.
#include "dns/xfr/transfer_zone.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "dns/wire/name.h"
#include "dns/xfr/journal.h"
#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"

namespace dns::xfr {
namespace {

std::string Wire(const std::string& text) {
  std::string w;
  EXPECT_TRUE(NameFromText(text, &w));
  return w;
}

std::shared_ptr<const zones::Zone> Build(uint32_t serial, const std::string& extra,
                                         const std::string& json = "") {
  zones::ZoneBuilder b(Wire("example.test."));
  const std::string text = absl::StrCat(
      "$ORIGIN example.test.\n$TTL 300\n@ SOA ns1 hostmaster ", serial,
      " 3600 600 86400 60\n@ NS ns1\nns1 A 192.0.2.53\nsub NS ns.sub\nns.sub A 192.0.2.54\n", extra);
  EXPECT_TRUE(zones::ReadMasterText(text, "t.zone", &b).ok());
  if (!json.empty()) EXPECT_TRUE(zones::ReadRoute53JsonText(json, "t.json", &b).ok());
  absl::StatusOr<std::shared_ptr<const zones::Zone>> z = std::move(b).Build();
  EXPECT_TRUE(z.ok()) << z.status();
  return *z;
}

constexpr char kRouted[] = R"({"ResourceRecordSets": [
  {"Name": "app.example.test.", "Type": "A", "SetIdentifier": "use1", "Region": "us-east-1",
   "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.12"}]},
  {"Name": "app.example.test.", "Type": "A", "SetIdentifier": "euw1", "Region": "eu-west-1",
   "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.11"}]},
  {"Name": "fo.example.test.", "Type": "A", "SetIdentifier": "b", "Failover": "SECONDARY",
   "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.22"}]},
  {"Name": "fo.example.test.", "Type": "A", "SetIdentifier": "a", "Failover": "PRIMARY",
   "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.21"}]},
  {"Name": "alias.example.test.", "Type": "A", "SetIdentifier": "x", "Region": "us-east-1",
   "AliasTarget": {"DNSName": "app.example.test.", "EvaluateTargetHealth": false}}]})";

TEST(TransferZoneTest, RoutedNamesTransferAsTheirDefaultMember) {
  auto z = Build(1, "www A 192.0.2.1\n", kRouted);
  std::vector<std::string> seen;
  ForEachTransferRrset(*z, [&](std::string_view owner, const zones::RRset& r) {
    for (size_t i = 0; i < r.count; ++i) {
      seen.push_back(absl::StrCat(NameToText(std::string(owner)), " ", r.type, " ",
                                  r.type == 1 ? std::to_string(static_cast<uint8_t>(r.rdata(i)[3])) : ""));
    }
  });
  auto has = [&](const std::string& s) { return std::find(seen.begin(), seen.end(), s) != seen.end(); };
  EXPECT_TRUE(has("app.example.test. 1 12"));  // the first latency member
  EXPECT_FALSE(has("app.example.test. 1 11"));
  EXPECT_TRUE(has("fo.example.test. 1 21"));   // the failover PRIMARY
  EXPECT_FALSE(has("fo.example.test. 1 22"));
  EXPECT_TRUE(has("ns.sub.example.test. 1 54"));  // glue
  EXPECT_TRUE(has("sub.example.test. 2 "));       // the delegation
  for (const std::string& s : seen) EXPECT_EQ(s.find("alias."), std::string::npos) << s;
  for (const std::string& s : seen) EXPECT_NE(s, "example.test. 6 ");  // the SOA goes first and last
  EXPECT_EQ(TransferRecordCount(*z), seen.size() + 2);
}

TEST(TransferZoneTest, DiffHasWhatChangedOnly) {
  auto a = Build(1, "www A 192.0.2.1\nwww A 192.0.2.2\nold TXT \"x\"\nttl A 192.0.2.5\n");
  auto b = Build(2, "www A 192.0.2.1\nwww A 192.0.2.3\nnew TXT \"y\"\nttl 30 A 192.0.2.5\n");
  ZoneDiff d = DiffZones(*a, *b);
  EXPECT_EQ(d.from_serial(), 1u);
  EXPECT_EQ(d.to_serial(), 2u);
  auto names = [](const std::vector<WireRr>& rrs) {
    std::vector<std::string> out;
    for (const WireRr& rr : rrs) out.push_back(absl::StrCat(NameToText(rr.owner), "/", rr.type, "/", rr.ttl));
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(names(d.deleted), (std::vector<std::string>{"old.example.test./16/300",
                                                         "ttl.example.test./1/300",
                                                         "www.example.test./1/300"}));
  EXPECT_EQ(names(d.added), (std::vector<std::string>{"new.example.test./16/300",
                                                       "ttl.example.test./1/30",
                                                       "www.example.test./1/300"}));
  EXPECT_TRUE(DiffZones(*a, *a).deleted.empty());
}

TEST(JournalTest, ChainsPersistsAndStaysBounded) {
  const std::string dir = e2e::MakeTempDir();
  const std::string origin = Wire("example.test.");
  Journal j(dir, /*max_diffs=*/3);
  std::shared_ptr<const zones::Zone> prev = Build(1, "");
  for (uint32_t s = 2; s <= 5; ++s) {
    auto next = Build(s, absl::StrCat("v", s, " A 192.0.2.", s, "\n"));
    ASSERT_TRUE(j.Add(origin, DiffZones(*prev, *next), 100).ok());
    prev = next;
  }
  // Four differences, three kept: 2→3, 3→4, 4→5.
  EXPECT_FALSE(j.From(origin, 1).has_value());
  ASSERT_TRUE(j.From(origin, 2).has_value());
  EXPECT_EQ(j.From(origin, 2)->size(), 3u);
  EXPECT_EQ(j.From(origin, 4)->size(), 1u);
  EXPECT_EQ(j.RangeOf(origin)->oldest, 2u);
  EXPECT_EQ(j.RangeOf(origin)->newest, 5u);

  // Read back from the data dir.
  Journal again(dir, 3);
  EXPECT_TRUE(again.Load().empty());
  ASSERT_TRUE(again.From(origin, 3).has_value());
  EXPECT_EQ((*again.From(origin, 3))[1]->to_serial(), 5u);

  // A difference that does not continue the newest starts afresh.
  auto other = Build(9, "");
  ASSERT_TRUE(j.Add(origin, DiffZones(*Build(8, ""), *other), 100).ok());
  EXPECT_FALSE(j.From(origin, 4).has_value());
  EXPECT_EQ(j.RangeOf(origin)->diffs, 1u);

  // A journal that would hold more RRs than the zone (at least 64) keeps
  // only the newest differences: here each changes 60 RRs.
  Journal small("", 100);
  prev = Build(1, "");
  for (uint32_t s = 2; s <= 6; ++s) {
    std::string names;
    for (int i = 0; i < 30; ++i) absl::StrAppend(&names, "v", s, "-", i, " A 192.0.2.1\n");
    auto next = Build(s, names);
    ASSERT_TRUE(small.Add(origin, DiffZones(*prev, *next), /*zone_records=*/3).ok());
    prev = next;
  }
  EXPECT_EQ(small.RangeOf(origin)->diffs, 1u);

  // A damaged file is ignored and named.
  e2e::WriteFile(j.PathOf(origin), "STEERIXFR1\n\x05junk");
  Journal broken(dir, 3);
  std::vector<std::string> lines = broken.Load();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("journal ignored"), std::string::npos) << lines[0];
  EXPECT_FALSE(broken.RangeOf(origin).has_value());
}

}  // namespace
}  // namespace dns::xfr
