// File: tests/zones/route53_json_test.cc
//
// Route 53 JSON record sets into the zone model: a realistic
// `aws route53 list-resource-record-sets` dump, every Route 53 rule with its
// exact error, JSON syntax errors with their line, unknown fields, and a
// zone merged from a master file and JSON (LoadZone).
#include "zones/route53_json.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "dns/wire/types.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/zones/test_util.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/zone.h"
#include "zones/zone_loader.h"
#include "zones/zone_set.h"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using zones::FailoverRole;
using zones::Node;
using zones::RoutedGroup;
using zones::RoutedMember;
using zones::RoutingPolicy;
using zones::SourceLocation;
using zones::Zone;
using zones::ZoneBuilder;
using namespace zones_test;  // tests/zones/test_util.h
namespace node_flag = zones::node_flag;
namespace rrtype = dns::rrtype;

// The dump as `aws route53 list-resource-record-sets --hosted-zone-id ...`
// prints it (trimmed), with some names without the trailing dot and in
// mixed case, as people write them by hand.
constexpr char kDump[] = R"json({
    "ResourceRecordSets": [
        {
            "Name": "example.com.",
            "Type": "A",
            "AliasTarget": {
                "HostedZoneId": "Z2FDTNDATAQYW2",
                "DNSName": "www.example.com.",
                "EvaluateTargetHealth": true
            }
        },
        {
            "Name": "example.com.",
            "Type": "MX",
            "TTL": 300,
            "ResourceRecords": [
                { "Value": "10 mail.example.com." },
                { "Value": "20 Mail2.Example.COM" }
            ]
        },
        {
            "Name": "example.com.",
            "Type": "NS",
            "TTL": 172800,
            "ResourceRecords": [
                { "Value": "ns-1536.awsdns-00.co.uk." },
                { "Value": "ns-0.awsdns-00.com." }
            ]
        },
        {
            "Name": "example.com.",
            "Type": "SOA",
            "TTL": 900,
            "ResourceRecords": [
                { "Value": "ns-1536.awsdns-00.co.uk. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" }
            ]
        },
        {
            "Name": "example.com.",
            "Type": "TXT",
            "TTL": 300,
            "ResourceRecords": [
                { "Value": "\"v=spf1 include:amazonses.com ~all\"" },
                { "Value": "\"say \\\"hi\\\"\" \"two strings\"" }
            ]
        },
        {
            "Name": "\\052.example.com.",
            "Type": "A",
            "TTL": 60,
            "ResourceRecords": [ { "Value": "192.0.2.99" } ]
        },
        {
            "Name": "api.example.com.",
            "Type": "A",
            "SetIdentifier": "blue",
            "Weight": 200,
            "TTL": 60,
            "ResourceRecords": [ { "Value": "192.0.2.10" } ]
        },
        {
            "Name": "api.example.com.",
            "Type": "A",
            "SetIdentifier": "green",
            "Weight": 55,
            "TTL": 60,
            "ResourceRecords": [ { "Value": "192.0.2.11" } ],
            "HealthCheckId": "hc-green"
        },
        {
            "Name": "app.example.com",
            "Type": "A",
            "SetIdentifier": "app-primary",
            "Failover": "PRIMARY",
            "TTL": 30,
            "ResourceRecords": [ { "Value": "192.0.2.20" } ],
            "HealthCheckId": "11111111-2222-3333-4444-555555555555"
        },
        {
            "Name": "app.example.com",
            "Type": "A",
            "SetIdentifier": "app-secondary",
            "Failover": "SECONDARY",
            "AliasTarget": {
                "HostedZoneId": "Z2FDTNDATAQYW2",
                "DNSName": "www.example.com",
                "EvaluateTargetHealth": false
            }
        },
        {
            "Name": "Docs.Example.Com",
            "Type": "CNAME",
            "TTL": 3600,
            "ResourceRecords": [ { "Value": "example.github.io" } ]
        },
        {
            "Name": "mv.example.com.",
            "Type": "A",
            "SetIdentifier": "mv-1",
            "MultiValueAnswer": true,
            "TTL": 60,
            "ResourceRecords": [ { "Value": "192.0.2.31" } ],
            "HealthCheckId": "hc-mv-1"
        },
        {
            "Name": "mv.example.com.",
            "Type": "A",
            "SetIdentifier": "mv-2",
            "MultiValueAnswer": true,
            "TTL": 60,
            "ResourceRecords": [ { "Value": "192.0.2.32" } ],
            "HealthCheckId": "hc-mv-2"
        },
        {
            "Name": "www.example.com.",
            "Type": "A",
            "SetIdentifier": "us-east-1",
            "Region": "us-east-1",
            "TTL": 60,
            "ResourceRecords": [ { "Value": "192.0.2.1" }, { "Value": "192.0.2.2" } ],
            "HealthCheckId": "hc-use1"
        },
        {
            "Name": "WWW.example.com.",
            "Type": "A",
            "SetIdentifier": "eu-west-1",
            "Region": "eu-west-1",
            "TTL": 60,
            "ResourceRecords": [ { "Value": "198.51.100.1" } ],
            "HealthCheckId": "hc-euw1"
        },
        {
            "Name": "www.example.com.",
            "Type": "A",
            "SetIdentifier": "ap-southeast-2",
            "Region": "ap-southeast-2",
            "TTL": 60,
            "ResourceRecords": [ { "Value": "203.0.113.1" } ],
            "HealthCheckId": "hc-apse2"
        },
        {
            "Name": "www.example.com",
            "Type": "A",
            "SetIdentifier": "sa-east-1",
            "Region": "sa-east-1",
            "TTL": 60,
            "ResourceRecords": [ { "Value": "203.0.113.200" } ],
            "HealthCheckId": "hc-sae1"
        },
        {
            "Name": "www.example.com.",
            "Type": "AAAA",
            "TTL": 300,
            "ResourceRecords": [ { "Value": "2001:db8::1" } ]
        }
    ],
    "IsTruncated": false,
    "MaxItems": "300"
}
)json";

absl::StatusOr<std::shared_ptr<const Zone>> FromJson(
    std::string_view text, const std::string& display = "zone.json") {
  ZoneBuilder builder(Wire("example.com."));
  absl::Status s = zones::ReadRoute53JsonText(text, display, &builder);
  if (!s.ok()) return s;
  return std::move(builder).Build();
}

const RoutedGroup& GroupAt(const Zone& zone, std::string_view owner,
                           uint16_t type) {
  const Node* node = zone.Find(Wire(owner));
  EXPECT_NE(node, nullptr) << owner;
  static const RoutedGroup kNone;
  if (node == nullptr) return kNone;
  const RoutedGroup* g = node->FindRouted(type);
  EXPECT_NE(g, nullptr) << owner;
  return g == nullptr ? kNone : *g;
}

TEST(Route53JsonTest, ReadsARealisticDump) {
  auto zone = FromJson(kDump, "example.com.json");
  ASSERT_TRUE(zone.ok()) << zone.status();
  const Zone& z = **zone;
  EXPECT_EQ(z.serial(), 1u);
  EXPECT_EQ(z.negative_ttl(), 900u);
  // Static: SOA, 2 NS, 2 MX, 2 TXT at the apex; the wildcard A, the CNAME,
  // the AAAA. Routed members are not counted.
  EXPECT_EQ(z.record_count(), 10u);
  EXPECT_THAT(z.sources(), ElementsAre("example.com.json"));

  // The apex: static SOA/NS/MX/TXT, and a simple alias for A.
  const Node& apex = z.apex();
  EXPECT_EQ(apex.flags, node_flag::kApex | node_flag::kRouted);
  ASSERT_EQ(apex.rrsets.size(), 4u);
  EXPECT_EQ(apex.rrsets[0].type, rrtype::kNS);
  EXPECT_EQ(apex.rrsets[1].type, rrtype::kSOA);
  EXPECT_EQ(apex.rrsets[2].type, rrtype::kMX);
  EXPECT_EQ(apex.rrsets[3].type, rrtype::kTXT);
  EXPECT_EQ(apex.Find(rrtype::kNS)->ttl, 172800u);
  // MX targets are absolute and lower-cased, with or without the dot.
  EXPECT_EQ(apex.Find(rrtype::kMX)->rdata(1),
            Bytes({0, 20}) + Wire("mail2.example.com."));
  // TXT: quotes, escaped quotes and two strings in one value.
  EXPECT_EQ(apex.Find(rrtype::kTXT)->rdata(0),
            "\x21v=spf1 include:amazonses.com ~all");
  EXPECT_EQ(apex.Find(rrtype::kTXT)->rdata(1),
            "\x08say \"hi\"\x0btwo strings");
  ASSERT_EQ(apex.routed.size(), 1u);
  const RoutedGroup& alias = apex.routed[0];
  EXPECT_EQ(alias.type, rrtype::kA);
  EXPECT_EQ(alias.policy, RoutingPolicy::kSimple);
  ASSERT_EQ(alias.members.size(), 1u);
  EXPECT_TRUE(alias.members[0].is_alias());
  EXPECT_EQ(alias.members[0].alias_target, Wire("www.example.com."));
  EXPECT_TRUE(alias.members[0].evaluate_target_health);
  EXPECT_EQ(alias.members[0].rrset.count, 0u);
  EXPECT_EQ(alias.members[0].rrset.type, rrtype::kA);
  EXPECT_EQ(alias.members[0].set_identifier, "");
  EXPECT_EQ(alias.members[0].source, "example.com.json:3");

  // Latency over four regions, in file order, names in any case.
  const RoutedGroup& www = GroupAt(z, "www.example.com.", rrtype::kA);
  EXPECT_EQ(www.policy, RoutingPolicy::kLatency);
  ASSERT_EQ(www.members.size(), 4u);
  std::vector<std::string> regions, checks;
  for (const RoutedMember& m : www.members) {
    regions.push_back(m.region);
    checks.push_back(m.health_check_id);
    EXPECT_EQ(m.set_identifier, m.region);
    EXPECT_EQ(m.rrset.ttl, 60u);
    EXPECT_EQ(m.rrset.type, rrtype::kA);
    EXPECT_FALSE(m.is_alias());
  }
  EXPECT_THAT(regions, ElementsAre("us-east-1", "eu-west-1", "ap-southeast-2",
                                   "sa-east-1"));
  EXPECT_THAT(checks,
              ElementsAre("hc-use1", "hc-euw1", "hc-apse2", "hc-sae1"));
  EXPECT_EQ(www.members[0].rrset.count, 2u);
  EXPECT_EQ(www.members[0].rrset.rdata(1), Bytes({192, 0, 2, 2}));
  EXPECT_EQ(www.members[3].rrset.rdata(0), Bytes({203, 0, 113, 200}));
  EXPECT_EQ(www.members[1].source, "example.com.json:123");
  const Node* www_node = z.Find(Wire("www.example.com."));
  EXPECT_EQ(www_node->flags, node_flag::kRouted);
  ASSERT_EQ(www_node->rrsets.size(), 1u);  // the static AAAA beside it
  EXPECT_EQ(www_node->rrsets[0].type, rrtype::kAAAA);

  const RoutedGroup& api = GroupAt(z, "api.example.com.", rrtype::kA);
  EXPECT_EQ(api.policy, RoutingPolicy::kWeighted);
  ASSERT_EQ(api.members.size(), 2u);
  EXPECT_EQ(api.members[0].weight, 200u);
  EXPECT_EQ(api.members[1].weight, 55u);
  EXPECT_EQ(api.members[0].health_check_id, "");
  EXPECT_EQ(api.members[1].health_check_id, "hc-green");

  const RoutedGroup& app = GroupAt(z, "app.example.com.", rrtype::kA);
  EXPECT_EQ(app.policy, RoutingPolicy::kFailover);
  ASSERT_EQ(app.members.size(), 2u);
  EXPECT_EQ(app.members[0].failover, FailoverRole::kPrimary);
  EXPECT_EQ(app.members[0].rrset.ttl, 30u);
  EXPECT_EQ(app.members[1].failover, FailoverRole::kSecondary);
  EXPECT_EQ(app.members[1].alias_target, Wire("www.example.com."));
  EXPECT_FALSE(app.members[1].evaluate_target_health);

  const RoutedGroup& mv = GroupAt(z, "mv.example.com.", rrtype::kA);
  EXPECT_EQ(mv.policy, RoutingPolicy::kMultiValue);
  ASSERT_EQ(mv.members.size(), 2u);
  EXPECT_EQ(mv.members[1].rrset.rdata(0), Bytes({192, 0, 2, 32}));

  // Simple records: the CNAME (mixed-case name), the "\052" wildcard.
  const Node* docs = z.Find(Wire("docs.example.com."));
  ASSERT_NE(docs, nullptr);
  EXPECT_EQ(docs->flags, node_flag::kCname);
  EXPECT_EQ(docs->Find(rrtype::kCNAME)->rdata(0), Wire("example.github.io."));
  const Node* star = z.Find(Wire("*.example.com."));
  ASSERT_NE(star, nullptr);
  EXPECT_EQ(star->flags, node_flag::kWildcard);
  EXPECT_EQ(apex.wildcard_child, static_cast<uint32_t>(star - &z.node(0)));
  EXPECT_EQ(star->Find(rrtype::kA)->rdata(0), Bytes({192, 0, 2, 99}));
}

TEST(Route53JsonTest, RoutedOnlyNodesAreDataNodesNotEmptyNonTerminals) {
  auto zone = FromJson(kDump);
  ASSERT_TRUE(zone.ok()) << zone.status();
  for (const char* name : {"api.example.com.", "app.example.com.",
                           "mv.example.com."}) {
    const Node* node = (*zone)->Find(Wire(name));
    ASSERT_NE(node, nullptr) << name;
    EXPECT_TRUE(node->rrsets.empty()) << name;
    EXPECT_FALSE(node->empty_non_terminal()) << name;
    EXPECT_EQ(node->flags, node_flag::kRouted) << name;
    zones::LookupResult r =
        zones::Lookup(**zone, zones_test::QName(name), rrtype::kA);
    EXPECT_EQ(r.kind, zones::LookupKind::kExact) << name;
    EXPECT_EQ(r.node, node) << name;
  }
  // A routed name below another makes the name between an empty
  // non-terminal, as static data does.
  constexpr char kDeep[] = R"({"ResourceRecordSets": [
    {"Name": "example.com", "Type": "SOA", "TTL": 900, "ResourceRecords": [{"Value": "ns1.example.com. h.example.com. 1 2 3 4 5"}]},
    {"Name": "example.com", "Type": "NS", "TTL": 900, "ResourceRecords": [{"Value": "ns1.example.net."}]},
    {"Name": "a.b.example.com", "Type": "A", "SetIdentifier": "x", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}
  ]})";
  auto deep = FromJson(kDeep);
  ASSERT_TRUE(deep.ok()) << deep.status();
  EXPECT_TRUE((*deep)->Find(Wire("b.example.com."))->empty_non_terminal());
  EXPECT_FALSE((*deep)->Find(Wire("a.b.example.com."))->empty_non_terminal());
}

TEST(Route53JsonTest, ReadsAFileAndReportsAMissingOne) {
  TempFolder dir;
  const std::string path = dir.Write("example.com.json", kDump);
  ZoneBuilder builder(Wire("example.com."));
  ASSERT_TRUE(zones::ReadRoute53Json(path, &builder).ok());
  auto zone = std::move(builder).Build();
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(GroupAt(**zone, "www.example.com.", rrtype::kA).members[0].source,
            path + ":114");

  ZoneBuilder other(Wire("example.com."));
  absl::Status s = zones::ReadRoute53Json(dir.path() + "/nope.json", &other);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), dir.path() + "/nope.json: cannot open: No such file "
                                      "or directory");
}

// --- Errors. A document whose record sets are one per line: the SOA on
// line 2, the NS on line 3, then `records` from line 4 on.
std::string Doc(const std::vector<std::string>& records) {
  std::vector<std::string> all = {
      R"(  {"Name": "example.com.", "Type": "SOA", "TTL": 900, "ResourceRecords": [{"Value": "ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300"}]})",
      R"(  {"Name": "example.com.", "Type": "NS", "TTL": 900, "ResourceRecords": [{"Value": "ns1.example.net."}]})"};
  for (const std::string& r : records) all.push_back("  " + r);
  return absl::StrCat("{\"ResourceRecordSets\": [\n", absl::StrJoin(all, ",\n"),
                      "\n]}\n");
}

std::string ErrorOf(const std::vector<std::string>& records) {
  auto zone = FromJson(Doc(records));
  if (zone.ok()) return "(no error)";
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(zone.status().message());
}

// One latency member for www.example.com. A.
std::string Latency(absl::string_view id, absl::string_view region,
                    absl::string_view extra = "") {
  return absl::StrCat(R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": ")",
                      id, R"(", "Region": ")", region,
                      R"(", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}])",
                      extra, "}");
}

std::string Weighted(absl::string_view id, int weight, int ttl,
                     absl::string_view value = "192.0.2.1") {
  return absl::StrCat(R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": ")",
                      id, R"(", "Weight": )", weight, R"(, "TTL": )", ttl,
                      R"(, "ResourceRecords": [{"Value": ")", value, R"("}]})");
}

constexpr char kSimpleA[] =
    R"({"Name": "www.example.com.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.80"}]})";

TEST(Route53JsonErrorTest, TheBaseDocumentIsValid) {
  EXPECT_EQ(ErrorOf({}), "(no error)");
  EXPECT_EQ(ErrorOf({Latency("eu", "eu-west-1"), Latency("us", "us-east-1")}),
            "(no error)");
}

TEST(Route53JsonErrorTest, OneLatencyMemberPerRegion) {
  EXPECT_EQ(ErrorOf({Latency("eu2", "eu-west-1"), Latency("us", "us-east-1"),
                     Latency("eu", "eu-west-1")}),
            "zone.json:6: record set [name='www.example.com.', type='A', "
            "set-identifier='eu']: another latency record for region "
            "eu-west-1 (set-identifier='eu2')");
}

TEST(Route53JsonErrorTest, NoSimpleRecordSetBesideARoutedGroup) {
  EXPECT_EQ(ErrorOf({kSimpleA, Latency("eu", "eu-west-1")}),
            "zone.json:5: record set [name='www.example.com.', type='A', "
            "set-identifier='eu']: conflicts with the simple www.example.com. "
            "A record set at zone.json:4 (a name and type has one simple "
            "record set or a group of routed ones)");
  // Either order; the routed group is the one named.
  EXPECT_EQ(ErrorOf({Latency("eu", "eu-west-1"), kSimpleA}),
            "zone.json:4: record set [name='www.example.com.', type='A', "
            "set-identifier='eu']: conflicts with the simple www.example.com. "
            "A record set at zone.json:5 (a name and type has one simple "
            "record set or a group of routed ones)");
  // Another type beside a routed group is fine.
  EXPECT_EQ(
      ErrorOf({Latency("eu", "eu-west-1"),
               R"({"Name": "www.example.com.", "Type": "AAAA", "TTL": 300, "ResourceRecords": [{"Value": "2001:db8::1"}]})"}),
      "(no error)");
}

TEST(Route53JsonErrorTest, OnePolicyPerGroup) {
  EXPECT_EQ(ErrorOf({Latency("eu", "eu-west-1"), Weighted("w1", 10, 60)}),
            "zone.json:5: record set [name='www.example.com.', type='A', "
            "set-identifier='w1']: is a weighted record, but "
            "set-identifier='eu' of the same name and type is latency (one "
            "routing policy per name and type)");
  // A simple alias is a policy too.
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "x.example.com.", "EvaluateTargetHealth": false}})",
               Latency("eu", "eu-west-1")}),
      "zone.json:5: record set [name='www.example.com.', type='A', "
      "set-identifier='eu']: is a latency record, but the record at "
      "zone.json:4 of the same name and type is simple (one routing policy "
      "per name and type)");
}

TEST(Route53JsonErrorTest, SetIdentifierIsRequiredAndUnique) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: "
      "SetIdentifier is required for a latency record");
  EXPECT_EQ(ErrorOf({Weighted("a", 10, 60), Weighted("a", 20, 60, "192.0.2.2")}),
            "zone.json:5: record set [name='www.example.com.', type='A', "
            "set-identifier='a']: SetIdentifier 'a' is already used by the "
            "record at zone.json:4");
  // The same SetIdentifier in another group is fine.
  EXPECT_EQ(
      ErrorOf({Weighted("a", 10, 60),
               R"({"Name": "www.example.com.", "Type": "AAAA", "SetIdentifier": "a", "Weight": 1, "TTL": 60, "ResourceRecords": [{"Value": "2001:db8::1"}]})"}),
      "(no error)");
  // SetIdentifier without a policy.
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "x", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A', "
      "set-identifier='x']: SetIdentifier needs a routing policy (Region, "
      "Weight, Failover or MultiValueAnswer)");
}

TEST(Route53JsonErrorTest, WeightedMembersShareATtlAndWeightsAreBounded) {
  EXPECT_EQ(ErrorOf({Weighted("a", 10, 60), Weighted("b", 20, 300)}),
            "zone.json:5: record set [name='www.example.com.', type='A', "
            "set-identifier='b']: TTL 300 differs from the TTL 60 of "
            "set-identifier='a' (weighted records of one name and type share "
            "a TTL)");
  EXPECT_EQ(ErrorOf({Weighted("a", 256, 60)}),
            "zone.json:4: record set [name='www.example.com.', type='A', "
            "set-identifier='a']: Weight 256 is out of range (0..255)");
  EXPECT_EQ(ErrorOf({Weighted("a", -1, 60)}),
            "zone.json:4: record set [name='www.example.com.', type='A', "
            "set-identifier='a']: Weight must be an integer from 0 to 255");
  EXPECT_EQ(ErrorOf({Weighted("a", 0, 60), Weighted("b", 255, 60)}),
            "(no error)");
  // Weighted aliases have no TTL and do not take part.
  EXPECT_EQ(
      ErrorOf({Weighted("a", 1, 60),
               R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "b", "Weight": 1, "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "x.example.com.", "EvaluateTargetHealth": true}})",
               Weighted("c", 1, 60, "192.0.2.3")}),
      "(no error)");
}

TEST(Route53JsonErrorTest, FailoverHasOnePrimaryAndOneSecondary) {
  auto failover = [](absl::string_view id, absl::string_view role) {
    return absl::StrCat(
        R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": ")", id,
        R"(", "Failover": ")", role,
        R"(", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})");
  };
  EXPECT_EQ(ErrorOf({failover("p", "PRIMARY"), failover("s", "SECONDARY")}),
            "(no error)");
  EXPECT_EQ(ErrorOf({failover("p", "PRIMARY"), failover("p2", "PRIMARY")}),
            "zone.json:5: record set [name='www.example.com.', type='A', "
            "set-identifier='p2']: another PRIMARY failover record "
            "(set-identifier='p')");
  EXPECT_EQ(ErrorOf({failover("s", "SECONDARY"), failover("s2", "SECONDARY")}),
            "zone.json:5: record set [name='www.example.com.', type='A', "
            "set-identifier='s2']: another SECONDARY failover record "
            "(set-identifier='s')");
  EXPECT_EQ(ErrorOf({failover("p", "primary")}),
            "zone.json:4: record set [name='www.example.com.', type='A', "
            "set-identifier='p']: Failover must be PRIMARY or SECONDARY, not "
            "'primary'");
}

TEST(Route53JsonErrorTest, MultivalueUpToManyMembersButNoAliases) {
  std::vector<std::string> members;
  for (int i = 1; i <= 20; ++i) {
    members.push_back(absl::StrCat(
        R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "m)", i,
        R"(", "MultiValueAnswer": true, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.)",
        i, R"("}], "HealthCheckId": "hc)", i, R"("})"));
  }
  EXPECT_EQ(ErrorOf(members), "(no error)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "m", "MultiValueAnswer": true, "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "x.example.com.", "EvaluateTargetHealth": false}})"}),
      "zone.json:4: record set [name='www.example.com.', type='A', "
      "set-identifier='m']: a multivalue answer record cannot be an alias");
  // MultiValueAnswer: false is no policy at all.
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "MultiValueAnswer": false, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "(no error)");
}

TEST(Route53JsonErrorTest, AliasesHaveNoTtlAndNoValues) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "TTL": 60, "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "x.example.com.", "EvaluateTargetHealth": false}})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: an alias "
      "record has no TTL (it answers with the alias target's)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "ResourceRecords": [{"Value": "192.0.2.1"}], "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "x.example.com.", "EvaluateTargetHealth": false}})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: an alias "
      "record has no ResourceRecords");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z1", "EvaluateTargetHealth": false}})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: "
      "AliasTarget.DNSName is required");
  // Two simple aliases of one name and type.
  const std::string alias =
      R"({"Name": "www.example.com.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "x.example.com.", "EvaluateTargetHealth": false}})";
  EXPECT_EQ(ErrorOf({alias, alias}),
            "zone.json:5: record set [name='www.example.com.', type='A']: "
            "another simple record of this name and type is at zone.json:4");
  // Alias targets are not resolved here (the snapshot does it).
  EXPECT_EQ(ErrorOf({alias}), "(no error)");
}

TEST(Route53JsonErrorTest, PlainRecordsNeedTtlAndValues) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: TTL is "
      "required (except for alias records)");
  EXPECT_EQ(ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "TTL": 60})"}),
            "zone.json:4: record set [name='www.example.com.', type='A']: "
            "ResourceRecords is required (except for alias records)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": []})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: "
      "ResourceRecords is empty");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "TTL": -5, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: TTL "
      "must be an integer from 0 to 2147483647");
  EXPECT_EQ(
      ErrorOf({R"({"Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: ResourceRecordSets[2]: Name is required");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "AX", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.']: unknown Type 'AX'");
}

TEST(Route53JsonErrorTest, PoliciesDoNotMixInOneRecordSet) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "x", "Region": "eu-west-1", "Weight": 5, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A', "
      "set-identifier='x']: Region and Weight select different routing "
      "policies (a record set has one)");
}

TEST(Route53JsonErrorTest, UnsupportedRoutingIsNamed) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "de", "GeoLocation": {"CountryCode": "DE"}, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A', "
      "set-identifier='de']: geolocation routing (GeoLocation) is not "
      "supported");
  EXPECT_THAT(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "c", "CidrRoutingConfig": {"CollectionId": "x", "LocationName": "y"}, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      HasSubstr("IP-based routing (CidrRoutingConfig) is not supported"));
  EXPECT_THAT(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "g", "GeoProximityLocation": {"AWSRegion": "eu-west-1"}, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      HasSubstr("geoproximity routing (GeoProximityLocation) is not supported"));
}

TEST(Route53JsonErrorTest, UnknownFieldsAreErrors) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "a", "Wieght": 5, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A', "
      "set-identifier='a']: unknown field 'Wieght' (did you mean 'Weight'?)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "ttl": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: unknown "
      "field 'ttl' (did you mean 'TTL'? field names are case-sensitive)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "Colour": "blue", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: unknown "
      "field 'Colour'");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": [{"value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: unknown "
      "field 'value' in ResourceRecords[0] (did you mean 'Value'? field names "
      "are case-sensitive)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "AliasTarget": {"DNSName": "x.example.com.", "EvaluateTargetHealt": true}})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: unknown "
      "field 'EvaluateTargetHealt' in AliasTarget (did you mean "
      "'EvaluateTargetHealth'?)");
}

TEST(Route53JsonErrorTest, BadValuesNameTheRecordAndTheValue) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}, {"Value": "1.2.3"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='A']: bad value "
      "'1.2.3': Syntax error, could not parse the RR's rdata");
  EXPECT_EQ(
      ErrorOf({Latency("eu", "eu-west-1"),
               R"({"Name": "www.example.com.", "Type": "A", "SetIdentifier": "us", "Region": "us-east-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1 192.0.2.2"}]})"}),
      "zone.json:5: record set [name='www.example.com.', type='A', "
      "set-identifier='us']: bad value '192.0.2.1 192.0.2.2': Syntax error, "
      "superfluous text present");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "MX", "TTL": 60, "ResourceRecords": [{"Value": "10"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='MX']: bad "
      "value '10': Syntax error, value expected");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": "v=DKIM1; k=rsa"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='TXT']: bad "
      "value 'v=DKIM1; k=rsa': ';' outside quotes");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "a.example.net"}, {"Value": "b.example.net"}]})"}),
      "zone.json:4: record set [name='www.example.com.', type='CNAME']: a "
      "CNAME record has one value");
}

TEST(Route53JsonErrorTest, NamesOutsideTheZoneAndBadNames) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.net", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.net.', type='A']: owner "
      "www.example.net. is outside the zone example.com.");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.net", "Type": "A", "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: record set [name='www.example.net.', type='A', "
      "set-identifier='eu']: owner www.example.net. is outside the zone "
      "example.com.");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "a..example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: ResourceRecordSets[2]: Name 'a..example.com' is not a "
      "valid domain name");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "\\058.example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:4: ResourceRecordSets[2]: Name '\\058.example.com' is not a "
      "valid domain name");
}

TEST(Route53JsonErrorTest, OctalEscapesInNamesAndValues) {
  auto zone = FromJson(Doc(
      {R"({"Name": "\\101b\\056c.example.com", "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": "\"caf\\303\\251\""}]})",
       R"({"Name": "alias.example.com", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "\\052.example.com"}]})"}));
  ASSERT_TRUE(zone.ok()) << zone.status();
  // "\101" is "A" (lower-cased), "\056" a dot inside the label.
  const Node* node = (*zone)->Find(Bytes({4, 'a', 'b', '.', 'c'}) +
                                   Wire("example.com."));
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->Find(rrtype::kTXT)->rdata(0), "\x05" "caf\xc3\xa9");
  EXPECT_EQ((*zone)->Find(Wire("alias.example.com."))
                ->Find(rrtype::kCNAME)
                ->rdata(0),
            Wire("*.example.com."));
}

TEST(Route53JsonErrorTest, RoutedCnameCountsAsACname) {
  const std::string cname =
      R"({"Name": "www.example.com.", "Type": "CNAME", "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "eu.example.net."}]})";
  EXPECT_EQ(ErrorOf({cname}), "(no error)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": "\"x\""}]})",
               cname}),
      "zone.json:5: record set [name='www.example.com.', type='CNAME', "
      "set-identifier='eu']: CNAME cannot coexist with other data (TXT at "
      "zone.json:4)");
  EXPECT_EQ(ErrorOf({cname, Latency("eu", "eu-west-1")}),
            "zone.json:4: record set [name='www.example.com.', type='CNAME', "
            "set-identifier='eu']: CNAME cannot coexist with other data (A at "
            "zone.json:5)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "www.example.com.", "Type": "CNAME", "TTL": 60, "ResourceRecords": [{"Value": "x.example.net."}]})",
               Latency("eu", "eu-west-1")}),
      "zone.json:5: record set [name='www.example.com.', type='A', "
      "set-identifier='eu']: cannot coexist with the CNAME at zone.json:4");
}

TEST(Route53JsonErrorTest, RoutedRecordsAtOrBelowADelegationAndRoutedNs) {
  EXPECT_EQ(
      ErrorOf({R"({"Name": "sub.example.com.", "Type": "NS", "TTL": 60, "ResourceRecords": [{"Value": "ns.example.net."}]})",
               R"({"Name": "www.sub.example.com.", "Type": "A", "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:5: record set [name='www.sub.example.com.', type='A', "
      "set-identifier='eu']: is at or below the delegation sub.example.com. "
      "(NS at zone.json:4) and would never be answered");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "sub.example.com.", "Type": "NS", "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "ns.example.net."}]})"}),
      "zone.json:4: record set [name='sub.example.com.', type='NS', "
      "set-identifier='eu']: a NS record set is always simple (no routing "
      "policy, no alias)");
}

TEST(Route53JsonErrorTest, DnameAndTargetRulesSeeRoutedRecordSets) {
  constexpr char kDname[] =
      R"({"Name": "d.example.com.", "Type": "DNAME", "TTL": 60, "ResourceRecords": [{"Value": "example.net."}]})";
  // A routed record set below a DNAME, named by its record set and line.
  EXPECT_EQ(
      ErrorOf({kDname,
               R"({"Name": "x.d.example.com.", "Type": "A", "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "zone.json:5: record set [name='x.d.example.com.', type='A', "
      "set-identifier='eu']: is below the DNAME at d.example.com. (zone.json:4): no "
      "name below a DNAME's owner has data (RFC 6672 §2.4)");
  // A simple one too, at the line of its record set.
  EXPECT_EQ(
      ErrorOf({kDname,
               R"({"Name": "x.d.example.com.", "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": "\"x\""}]})"}),
      "zone.json:5: TXT at x.d.example.com. is below the DNAME at d.example.com. "
      "(zone.json:4): no name below a DNAME's owner has data (RFC 6672 §2.4)");
  // An MX whose target is a routed CNAME.
  EXPECT_EQ(
      ErrorOf({R"({"Name": "example.com.", "Type": "MX", "TTL": 60, "ResourceRecords": [{"Value": "10 mail.example.com."}]})",
               R"({"Name": "mail.example.com.", "Type": "CNAME", "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "mail.example.net."}]})"}),
      "zone.json:4: example.com. MX target mail.example.com. is a CNAME; it must "
      "name the host itself (RFC 2181 §10.3)");
  // A routed A record set is an address for an in-zone name server.
  EXPECT_EQ(
      ErrorOf({R"({"Name": "sub.example.com.", "Type": "NS", "TTL": 60, "ResourceRecords": [{"Value": "ns.example.com."}]})",
               R"({"Name": "ns.example.com.", "Type": "A", "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]})"}),
      "(no error)");
  EXPECT_EQ(
      ErrorOf({R"({"Name": "sub.example.com.", "Type": "NS", "TTL": 60, "ResourceRecords": [{"Value": "ns.example.com."}]})"}),
      "zone.json:4: delegation sub.example.com.: NS target ns.example.com. has no "
      "address (A/AAAA) in the zone");
}

TEST(Route53JsonErrorTest, ADuplicateSimpleRecordSet) {
  EXPECT_EQ(ErrorOf({kSimpleA, kSimpleA}),
            "zone.json:5: record set [name='www.example.com.', type='A']: "
            "duplicates the www.example.com. A record set from zone.json:4 "
            "(a name and type is defined in one place)");
}

TEST(Route53JsonErrorTest, SyntaxErrorsCarryTheirLine) {
  auto zone = FromJson(
      "{\n"
      "  \"ResourceRecordSets\": [\n"
      "    {\"Name\": \"example.com.\",\n"
      "     \"Type\" \"SOA\"}\n"
      "  ]\n"
      "}\n");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "zone.json:4: syntax error while parsing object separator - "
            "unexpected string literal; expected ':'");
  zone = FromJson("{\"ResourceRecordSets\": [\n  {\"Name\": \"x\",}\n]}\n");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "zone.json:2: syntax error while parsing object key - unexpected "
            "'}'; expected string literal");
  zone = FromJson("{\"ResourceRecordSets\": [\n");
  ASSERT_FALSE(zone.ok());
  EXPECT_THAT(zone.status().message(), HasSubstr("zone.json:2: syntax error"));
  zone = FromJson("");
  ASSERT_FALSE(zone.ok());
  EXPECT_THAT(zone.status().message(),
              HasSubstr("zone.json:1: syntax error while parsing value - "
                        "unexpected end of input"));
}

TEST(Route53JsonErrorTest, NumberTooLargeIsAnErrorWithItsLine) {
  auto zone = FromJson(
      "{\"ResourceRecordSets\": [\n"
      "  {\"Name\": \"www.example.com.\", \"Type\": \"A\", \"TTL\": 1e999,\n"
      "   \"ResourceRecords\": [{\"Value\": \"192.0.2.1\"}]}]}\n");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(), "zone.json:2: number overflow parsing '1e999'");
}

TEST(Route53JsonErrorTest, TheDocumentMustHoldResourceRecordSets) {
  auto zone = FromJson("[1, 2]");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "zone.json: expected a JSON object with a \"ResourceRecordSets\" "
            "array (as printed by aws route53 list-resource-record-sets)");
  zone = FromJson(R"({"ResourceRecordSets": {"Name": "example.com."}})");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "zone.json: \"ResourceRecordSets\" must be an array");
  zone = FromJson(R"({"ResourceRecordSets": [42]})");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "zone.json: ResourceRecordSets[0]: is not an object");
  // Empty: no SOA, found by the builder.
  zone = FromJson(R"({"ResourceRecordSets": []})");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "zone.json:1: zone example.com. has no SOA record at its apex");
}

// --- The builder API directly.

TEST(AddRoutedTest, MemberRRsetIsEncodedLikeAStaticRRset) {
  // The same values through a master file and through AddRouted.
  auto master = zones_test::ZoneFromText(
      "example.com.",
      "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.53\n"
      "mx 60 MX 10 Mail.Example.COM.\nmx 60 MX 20 b.example.com.\n"
      "mx 60 MX 10 mail.example.com.\n");
  ASSERT_TRUE(master.ok()) << master.status();
  const zones::RRset& want = *(*master)->Find(Wire("mx.example.com."))->Find(
      rrtype::kMX);

  ZoneBuilder b(Wire("example.com."));
  const int file = b.AddSource("api");
  ASSERT_TRUE(zones_test::ReadZoneHead(&b).ok());
  RoutedMember m;
  m.set_identifier = "x";
  m.region = "eu-west-1";
  const std::string mail = Bytes({0, 10}) + Bytes({4}) + "Mail" +
                           Bytes({7}) + "Example" + Bytes({3}) + "COM" +
                           Bytes({0});
  ASSERT_TRUE(b.AddRouted(Wire("mx.example.com."), rrtype::kMX,
                          RoutingPolicy::kLatency, m,
                          {mail, Bytes({0, 20}) + Wire("b.example.com."),
                           Bytes({0, 10}) + Wire("mail.example.com.")},
                          60, SourceLocation{file, 7})
                  .ok());
  auto zone = std::move(b).Build();
  ASSERT_TRUE(zone.ok()) << zone.status();
  const RoutedGroup& g = GroupAt(**zone, "mx.example.com.", rrtype::kMX);
  ASSERT_EQ(g.members.size(), 1u);
  const zones::RRset& got = g.members[0].rrset;
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.ttl, want.ttl);
  EXPECT_EQ(got.count, 2u);  // the repeated value is dropped
  EXPECT_EQ(got.count, want.count);
  EXPECT_EQ(got.names, want.names);
  EXPECT_EQ(got.wire, want.wire);
  EXPECT_EQ(got.rr_offsets, want.rr_offsets);
  EXPECT_EQ(g.members[0].source, "api:7");
}

TEST(AddRoutedTest, MemberErrorsAreImmediate) {
  ZoneBuilder b(Wire("example.com."));
  const int file = b.AddSource("api");
  RoutedMember alias;
  alias.alias_target = Wire("www.example.com.");
  absl::Status s =
      b.AddRouted(Wire("a.example.com."), rrtype::kA, RoutingPolicy::kSimple,
                  alias, {Bytes({192, 0, 2, 1})}, 0, SourceLocation{file, 3});
  EXPECT_EQ(s.message(),
            "api:3: record set [name='a.example.com.', type='A']: an alias "
            "record has no values");
  RoutedMember plain;
  plain.set_identifier = "x";
  s = b.AddRouted(Wire("a.example.com."), rrtype::kA,
                  RoutingPolicy::kWeighted, plain, {}, 60,
                  SourceLocation{file, 4});
  EXPECT_EQ(s.message(),
            "api:4: record set [name='a.example.com.', type='A', "
            "set-identifier='x']: has no values");
  s = b.AddRouted(Wire("a.example.com."), rrtype::kA,
                  RoutingPolicy::kWeighted, plain, {Bytes({1, 2, 3})}, 60,
                  SourceLocation{file, 5});
  EXPECT_EQ(s.message(),
            "api:5: record set [name='a.example.com.', type='A', "
            "set-identifier='x']: A record at a.example.com. has 3 octets of "
            "RDATA, expected 4");
  s = b.AddRouted(Wire("a.example.com."), rrtype::kSOA,
                  RoutingPolicy::kWeighted, plain, {}, 60,
                  SourceLocation{file, 6});
  EXPECT_EQ(s.message(),
            "api:6: record set [name='a.example.com.', type='SOA', "
            "set-identifier='x']: a SOA record set is always simple (no "
            "routing policy, no alias)");
}

TEST(AddRoutedTest, BuilderRulesBeyondTheJson) {
  // Rules the JSON reader cannot produce but an API caller could.
  ZoneBuilder b(Wire("example.com."));
  ASSERT_TRUE(zones_test::ReadZoneHead(&b).ok());
  const int file = b.AddSource("api");
  RoutedMember m;
  m.set_identifier = "x";
  m.weight = 300;
  ASSERT_TRUE(b.AddRouted(Wire("w.example.com."), rrtype::kA,
                          RoutingPolicy::kWeighted, m,
                          {Bytes({192, 0, 2, 1})}, 60, SourceLocation{file, 1})
                  .ok());
  auto zone = std::move(b).Build();
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "api:1: record set [name='w.example.com.', type='A', "
            "set-identifier='x']: Weight 300 is out of range (0..255)");

  ZoneBuilder c(Wire("example.com."));
  ASSERT_TRUE(zones_test::ReadZoneHead(&c).ok());
  const int api = c.AddSource("api");
  RoutedMember f;
  f.set_identifier = "f";
  ASSERT_TRUE(c.AddRouted(Wire("f.example.com."), rrtype::kA,
                          RoutingPolicy::kFailover, f, {Bytes({192, 0, 2, 1})},
                          60, SourceLocation{api, 2})
                  .ok());
  zone = std::move(c).Build();
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "api:2: record set [name='f.example.com.', type='A', "
            "set-identifier='f']: a failover record needs Failover PRIMARY "
            "or SECONDARY");
}

TEST(AddRoutedTest, TheFirstErrorInFileOrderWins) {
  // A static error after a routed one, and one before it.
  ZoneBuilder b(Wire("example.com."));
  ASSERT_TRUE(zones_test::ReadZoneHead(&b).ok());
  ASSERT_TRUE(zones::ReadRoute53JsonText(
                  R"({"ResourceRecordSets": [
  {"Name": "www.example.com.", "Type": "A", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}
]})",
                  "zone.json", &b)
                  .ok());
  ASSERT_TRUE(zones::ReadMasterText("x CNAME a\nx TXT \"b\"\n", "late.db", &b)
                  .ok());
  auto zone = std::move(b).Build();
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "zone.json:2: record set [name='www.example.com.', type='A']: "
            "SetIdentifier is required for a latency record");

  ZoneBuilder c(Wire("example.com."));
  ASSERT_TRUE(zones_test::ReadZoneHead(&c, "x CNAME a\nx TXT \"b\"\n").ok());
  ASSERT_TRUE(zones::ReadRoute53JsonText(
                  R"({"ResourceRecordSets": [
  {"Name": "www.example.com.", "Type": "A", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]}
]})",
                  "zone.json", &c)
                  .ok());
  zone = std::move(c).Build();
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            "zone.db:5: CNAME at x.example.com. cannot coexist with other "
            "data (TXT at zone.db:6)");
}

// --- A zone from a master file and JSON (LoadZone).

constexpr char kMaster[] =
    "$TTL 300\n"
    "@    SOA ns1 hostmaster 7 7200 900 1209600 300\n"
    "@    NS  ns1\n"
    "ns1  A   192.0.2.53\n"
    "www  AAAA 2001:db8::1\n"
    "mail A   192.0.2.25\n";

constexpr char kRouted[] = R"({"ResourceRecordSets": [
  {"Name": "www.example.com.", "Type": "A", "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60, "ResourceRecords": [{"Value": "198.51.100.1"}]},
  {"Name": "www.example.com.", "Type": "A", "SetIdentifier": "us", "Region": "us-east-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.1"}]},
  {"Name": "example.com.", "Type": "A", "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "www.example.com.", "EvaluateTargetHealth": true}}
]})";

TEST(LoadZoneTest, MergesAMasterFileAndJson) {
  TempFolder dir;
  const std::string zone_path = dir.Write("example.com.zone", kMaster);
  const std::string json_path = dir.Write("example.com.JSON", kRouted);
  auto zone = zones::LoadZone("Example.COM", {zone_path, json_path});
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ((*zone)->serial(), 7u);
  EXPECT_THAT((*zone)->sources(), ElementsAre(zone_path, json_path));
  const Node* www = (*zone)->Find(Wire("www.example.com."));
  ASSERT_NE(www, nullptr);
  EXPECT_NE(www->Find(rrtype::kAAAA), nullptr);
  ASSERT_NE(www->FindRouted(rrtype::kA), nullptr);
  EXPECT_EQ(www->FindRouted(rrtype::kA)->members.size(), 2u);
  EXPECT_EQ(www->FindRouted(rrtype::kA)->members[1].source, json_path + ":3");
  EXPECT_NE((*zone)->apex().FindRouted(rrtype::kA), nullptr);

  // JSON alone is a zone too, once it has SOA and NS.
  const std::string full = dir.Write("full.json", kDump);
  zone = zones::LoadZone("example.com.", {full});
  ASSERT_TRUE(zone.ok()) << zone.status();
}

TEST(LoadZoneTest, AJsonRecordSetDuplicatingTheMasterFileNamesBoth) {
  TempFolder dir;
  const std::string zone_path = dir.Write("example.com.zone", kMaster);
  const std::string json_path = dir.Write(
      "dup.json", R"({"ResourceRecordSets": [
  {"Name": "mail.example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.26"}]}
]})");
  auto zone = zones::LoadZone("example.com.", {zone_path, json_path});
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            json_path +
                ":2: record set [name='mail.example.com.', type='A']: "
                "duplicates the mail.example.com. A record set from " +
                zone_path + ":6 (a name and type is defined in one place)");
  // The other order: the master file's RR names the JSON record set.
  zone = zones::LoadZone("example.com.", {json_path, zone_path});
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            zone_path +
                ":6: A record at mail.example.com. duplicates record set "
                "[name='mail.example.com.', type='A'] from " +
                json_path + ":2 (a name and type is defined in one place)");
  // A routed group of a name and type the master file has.
  const std::string routed_path = dir.Write(
      "routed.json", R"({"ResourceRecordSets": [
  {"Name": "mail.example.com", "Type": "A", "SetIdentifier": "a", "Weight": 1, "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.26"}]}
]})");
  zone = zones::LoadZone("example.com.", {zone_path, routed_path});
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(),
            routed_path +
                ":2: record set [name='mail.example.com.', type='A', "
                "set-identifier='a']: conflicts with the simple "
                "mail.example.com. A record set at " +
                zone_path +
                ":6 (a name and type has one simple record set or a group "
                "of routed ones)");
}

TEST(LoadZoneTest, BadOriginAndNoFiles) {
  auto zone = zones::LoadZone("a..b", {"x.zone"});
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(), "bad zone origin 'a..b'");
  zone = zones::LoadZone("example.com.", {});
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().message(), "no files for zone example.com.");
  EXPECT_TRUE(zones::IsRoute53JsonPath("a/b.Json"));
  EXPECT_FALSE(zones::IsRoute53JsonPath("a/json.zone"));
}

}  // namespace
