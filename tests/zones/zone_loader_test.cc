// zones::LoadZone picks each file's reader by name, and for Route 53 JSON in
// a file not named .json, by content: record sets in "noalias.txt" load as
// what they are instead of failing as a master file at line 1.
#include "zones/zone_loader.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string WriteTemp(const std::string& name, const std::string& content) {
  char dir[] = "/tmp/zone_loader_test.XXXXXX";
  const std::string path = std::string(mkdtemp(dir)) + "/" + name;
  std::ofstream(path) << content;
  return path;
}

constexpr char kRecordSets[] = R"(
  {"ResourceRecordSets": [
    {"Name": "t.test.", "Type": "SOA", "TTL": 900, "ResourceRecords": [{"Value":
      "ns.t.test. admin.t.test. 1 7200 900 1209600 86400"}]},
    {"Name": "t.test.", "Type": "NS", "TTL": 900, "ResourceRecords": [{"Value": "ns.t.test."}]},
    {"Name": "ns.t.test.", "Type": "A", "TTL": 900, "ResourceRecords": [{"Value": "192.0.2.1"}]},
    {"Name": "www.t.test.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.2"}]}
  ]})";

TEST(LooksLikeRoute53Json, FirstNonBlankCharacter) {
  EXPECT_TRUE(zones::LooksLikeRoute53Json("{}"));
  EXPECT_TRUE(zones::LooksLikeRoute53Json("\n \t {\"ResourceRecordSets\": []}"));
  EXPECT_FALSE(zones::LooksLikeRoute53Json("$ORIGIN t.test.\n"));
  EXPECT_FALSE(zones::LooksLikeRoute53Json("; {json in a comment}\n"));
  EXPECT_FALSE(zones::LooksLikeRoute53Json(""));
  EXPECT_FALSE(zones::LooksLikeRoute53Json("  \n"));
}

TEST(LoadZone, Route53JsonInAFileNotNamedJsonLoadsByContent) {
  const std::string path = WriteTemp("noalias.txt", kRecordSets);
  EXPECT_TRUE(zones::IsRoute53JsonFile(path));
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = zones::LoadZone("t.test.", {path});
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ((*zone)->record_count(), 4u);
}

TEST(LoadZone, AMasterFileStaysAMasterFile) {
  const std::string path = WriteTemp("t.test.zone",
                                     "$TTL 300\n@ SOA ns admin 1 7200 900 1209600 86400\n"
                                     "@ NS ns\nns A 192.0.2.1\n");
  EXPECT_FALSE(zones::IsRoute53JsonFile(path));
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = zones::LoadZone("t.test.", {path});
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_FALSE(zones::IsRoute53JsonFile("/no/such/file"));
}

TEST(LoadZone, BrokenJsonInATxtFileGetsTheJsonReadersError) {
  const std::string path = WriteTemp("broken.txt", "{\"ResourceRecordSets\": [\n  {\"Name\": 5}\n]}");
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = zones::LoadZone("t.test.", {path});
  ASSERT_FALSE(zone.ok());
  EXPECT_THAT(std::string(zone.status().message()), HasSubstr("broken.txt:2"));
  EXPECT_THAT(std::string(zone.status().message()), Not(HasSubstr("TTL")));
}

}  // namespace
