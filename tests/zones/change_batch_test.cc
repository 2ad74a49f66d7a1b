// File: tests/zones/change_batch_test.cc
//
// Route 53 change batches applied to a compiled zone (zones/change_batch.h):
// CREATE, DELETE and UPSERT of plain, routed and alias record sets, every
// error with Route 53's exact text, all-or-nothing, the batch forms, and
// the new zone answering through Node::Find and zones::Lookup.
#include "zones/change_batch.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dns/wire/types.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/zones/test_util.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"
#include "zones/zone.h"
#include "zones/zone_set.h"

namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using zones::ApplyChangeBatch;
using zones::FailoverRole;
using zones::LookupKind;
using zones::Node;
using zones::RoutedGroup;
using zones::RoutedMember;
using zones::RoutingPolicy;
using zones::RRset;
using zones::Zone;
using zones::ZoneBuilder;
using namespace zones_test;  // tests/zones/test_util.h
namespace rrtype = dns::rrtype;

using ZonePtr = std::shared_ptr<const Zone>;

constexpr char kMaster[] = R"zone($ORIGIN example.com.
$TTL 3600
@       SOA   ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300
@       NS    ns1.example.com.
@       NS    ns2.example.com.
ns1     A     192.0.2.1
ns2     A     192.0.2.2
www 300 A     192.0.2.10
www 300 A     192.0.2.11
mail    MX    10 mx.example.com.
mx      A     192.0.2.20
alias   CNAME www.example.com.
txt     TXT   "hello world"
sub     NS    ns.sub.example.com.
ns.sub  A     192.0.2.53
)zone";

constexpr char kRoutes[] = R"json({"ResourceRecordSets": [
  {"Name": "api.example.com.", "Type": "A", "SetIdentifier": "eu",
   "Region": "eu-west-1", "TTL": 60,
   "ResourceRecords": [{"Value": "198.51.100.1"}]},
  {"Name": "api.example.com.", "Type": "A", "SetIdentifier": "us",
   "Region": "us-east-1", "TTL": 60, "HealthCheckId": "hc-us",
   "ResourceRecords": [{"Value": "198.51.100.2"}]},
  {"Name": "w.example.com.", "Type": "A", "SetIdentifier": "blue",
   "Weight": 70, "TTL": 30, "ResourceRecords": [{"Value": "203.0.113.1"}]},
  {"Name": "w.example.com.", "Type": "A", "SetIdentifier": "green",
   "Weight": 30, "TTL": 30, "ResourceRecords": [{"Value": "203.0.113.2"}]},
  {"Name": "fo.example.com.", "Type": "A", "SetIdentifier": "p",
   "Failover": "PRIMARY", "HealthCheckId": "hc-1", "TTL": 60,
   "ResourceRecords": [{"Value": "192.0.2.100"}]},
  {"Name": "fo.example.com.", "Type": "A", "SetIdentifier": "s",
   "Failover": "SECONDARY",
   "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "www.example.com.",
                   "EvaluateTargetHealth": false}},
  {"Name": "example.com.", "Type": "A",
   "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "www.example.com.",
                   "EvaluateTargetHealth": true}}
]})json";

ZonePtr BaseZone() {
  ZoneBuilder b(Wire("example.com."));
  absl::Status s = zones::ReadMasterText(kMaster, "zone.db", &b);
  if (s.ok()) s = zones::ReadRoute53JsonText(kRoutes, "routes.json", &b);
  if (!s.ok()) {
    ADD_FAILURE() << s;
    return nullptr;
  }
  absl::StatusOr<ZonePtr> zone = std::move(b).Build();
  if (!zone.ok()) {
    ADD_FAILURE() << zone.status();
    return nullptr;
  }
  return *zone;
}

// One change: {"Action": ..., "ResourceRecordSet": <rrset>}.
std::string Change(const std::string& action, const std::string& rrset) {
  return absl::StrCat(R"({"Action": ")", action,
                      R"(", "ResourceRecordSet": )", rrset, "}");
}

std::string Batch(const std::vector<std::string>& changes) {
  return absl::StrCat(R"({"Comment": "test", "Changes": [)",
                      absl::StrJoin(changes, ",\n"), "]}");
}

absl::StatusOr<ZonePtr> Apply(const Zone& zone,
                              const std::vector<std::string>& changes) {
  return ApplyChangeBatch(zone, Batch(changes), "batch.json");
}

// The error of a batch that must fail ("" and a test failure if it does
// not).
std::string Error(const Zone& zone, const std::vector<std::string>& changes) {
  absl::StatusOr<ZonePtr> got = Apply(zone, changes);
  if (got.ok()) {
    ADD_FAILURE() << "the batch was applied";
    return "";
  }
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(got.status().message());
}

// The A record set JSON of `name` with `values`.
std::string ARecords(const std::string& name, uint32_t ttl,
                     const std::vector<std::string>& values) {
  std::vector<std::string> rr;
  for (const std::string& v : values)
    rr.push_back(absl::StrCat(R"({"Value": ")", v, R"("})"));
  return absl::StrCat(R"({"Name": ")", name, R"(", "Type": "A", "TTL": )", ttl,
                      R"(, "ResourceRecords": [)", absl::StrJoin(rr, ", "),
                      "]}");
}

std::string Dotted(std::string_view rdata) {
  if (rdata.size() != 4) return "?";
  return absl::StrCat(static_cast<uint8_t>(rdata[0]), ".",
                      static_cast<uint8_t>(rdata[1]), ".",
                      static_cast<uint8_t>(rdata[2]), ".",
                      static_cast<uint8_t>(rdata[3]));
}

std::vector<std::string> Addresses(const RRset& rrset) {
  std::vector<std::string> out;
  for (size_t i = 0; i < rrset.count; ++i) out.push_back(Dotted(rrset.rdata(i)));
  return out;
}

const RRset* Static(const Zone& zone, std::string_view name, uint16_t type) {
  const Node* node = zone.Find(Wire(name));
  return node == nullptr ? nullptr : node->Find(type);
}

const RoutedGroup* Group(const Zone& zone, std::string_view name,
                         uint16_t type) {
  const Node* node = zone.Find(Wire(name));
  return node == nullptr ? nullptr : node->FindRouted(type);
}

const RoutedMember* Member(const Zone& zone, std::string_view name,
                           uint16_t type, std::string_view id) {
  const RoutedGroup* g = Group(zone, name, type);
  if (g == nullptr) return nullptr;
  for (const RoutedMember& m : g->members) {
    if (m.set_identifier == id) return &m;
  }
  return nullptr;
}

std::vector<std::string> MemberIds(const RoutedGroup* g) {
  std::vector<std::string> ids;
  if (g != nullptr) {
    for (const RoutedMember& m : g->members) ids.push_back(m.set_identifier);
  }
  return ids;
}

// Everything a zone serves, in one comparable string (sources aside).
std::string Dump(const Zone& zone) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < zone.node_count(); ++i) {
    const Node& n = zone.node(static_cast<uint32_t>(i));
    std::string line = absl::StrCat(dns::NameToText(n.owner), " flags=",
                                    n.flags, " wc=",
                                    n.wildcard_child == zones::kNoNode
                                        ? std::string("-")
                                        : zone.node(n.wildcard_child).owner,
                                    " cut=",
                                    n.cut == zones::kNoNode
                                        ? std::string("-")
                                        : zone.node(n.cut).owner);
    for (const RRset& rs : n.rrsets) {
      absl::StrAppend(&line, " | ", rs.type, " ", rs.ttl, " ", rs.count, " ",
                      absl::BytesToHexString(rs.wire));
    }
    for (const RoutedGroup& g : n.routed) {
      absl::StrAppend(&line, " | routed ", g.type, " ",
                      zones::RoutingPolicyName(g.policy));
      for (const RoutedMember& m : g.members) {
        absl::StrAppend(&line, " [", m.set_identifier, " ", m.region, " ",
                        m.weight, " ", static_cast<int>(m.failover), " ",
                        m.health_check_id, " ",
                        absl::BytesToHexString(m.alias_target), " ",
                        m.evaluate_target_health, " ", m.rrset.ttl, " ",
                        absl::BytesToHexString(m.rrset.wire), " ", m.source,
                        "]");
      }
    }
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  return absl::StrCat(absl::StrJoin(lines, "\n"), "\nserial=", zone.serial(),
                      " negative_ttl=", zone.negative_ttl(),
                      " records=", zone.record_count());
}

class ChangeBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    zone_ = BaseZone();
    ASSERT_NE(zone_, nullptr);
    before_ = Dump(*zone_);
  }
  // The input zone never changes, whatever the batch did.
  void TearDown() override {
    if (zone_ != nullptr) {
      EXPECT_EQ(Dump(*zone_), before_);
    }
  }

  ZonePtr zone_;
  std::string before_;
};

// --- Plain record sets ---

TEST_F(ChangeBatchTest, CreateUpsertDeletePlainRecordSets) {
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_,
      {
          // Any case, no trailing dot.
          Change("CREATE", ARecords("New.Example.COM", 120, {"192.0.2.77"})),
          Change("UPSERT",
                 ARecords("www.example.com.", 60, {"192.0.2.12"})),
          Change("DELETE", R"({"Name": "txt.example.com.", "Type": "TXT",
                 "TTL": 3600, "ResourceRecords": [{"Value": "\"hello world\""}]})"),
      });
  ASSERT_TRUE(got.ok()) << got.status();
  const Zone& z = **got;

  const RRset* created = Static(z, "new.example.com.", rrtype::kA);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->ttl, 120u);
  EXPECT_THAT(Addresses(*created), ElementsAre("192.0.2.77"));

  const RRset* www = Static(z, "www.example.com.", rrtype::kA);
  ASSERT_NE(www, nullptr);
  EXPECT_EQ(www->ttl, 60u);
  EXPECT_THAT(Addresses(*www), ElementsAre("192.0.2.12"));

  // txt.example.com. had only the TXT: the name is gone.
  EXPECT_EQ(z.Find(Wire("txt.example.com.")), nullptr);
  EXPECT_EQ(zones::Lookup(z, QName("txt.example.com."), rrtype::kTXT).kind,
            LookupKind::kNxDomain);

  // The rest is as it was; the old zone still has the old data.
  EXPECT_THAT(Addresses(*Static(z, "mx.example.com.", rrtype::kA)),
              ElementsAre("192.0.2.20"));
  EXPECT_THAT(MemberIds(Group(z, "api.example.com.", rrtype::kA)),
              ElementsAre("eu", "us"));
  EXPECT_EQ(z.serial(), 2024010101u);
  EXPECT_EQ(z.record_count(), zone_->record_count() + 1 - 1 - 1);
  EXPECT_THAT(z.sources(), ElementsAre("zone.db", "routes.json", "batch.json"));
  EXPECT_EQ(zone_->Find(Wire("new.example.com.")), nullptr);
  EXPECT_THAT(Addresses(*Static(*zone_, "www.example.com.", rrtype::kA)),
              ElementsAre("192.0.2.10", "192.0.2.11"));

  // The new zone answers.
  const zones::LookupResult r =
      zones::Lookup(z, QName("NEW.example.com."), rrtype::kA);
  EXPECT_EQ(r.kind, LookupKind::kExact);
  ASSERT_NE(r.node, nullptr);
  EXPECT_NE(r.node->Find(rrtype::kA), nullptr);
}

TEST_F(ChangeBatchTest, TheSameDisplayNameIsListedOnce) {
  absl::StatusOr<ZonePtr> once = Apply(
      *zone_, {Change("CREATE", ARecords("a.example.com", 60, {"192.0.2.1"}))});
  ASSERT_TRUE(once.ok()) << once.status();
  absl::StatusOr<ZonePtr> twice = Apply(
      **once, {Change("CREATE", ARecords("b.example.com", 60, {"192.0.2.2"}))});
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_THAT((*twice)->sources(),
              ElementsAre("zone.db", "routes.json", "batch.json"));
  EXPECT_NE(Static(**twice, "a.example.com.", rrtype::kA), nullptr);
  EXPECT_NE(Static(**twice, "b.example.com.", rrtype::kA), nullptr);
}

TEST_F(ChangeBatchTest, AnUnchangedRebuildServesExactlyTheSame) {
  // UPSERT with the current content: the rebuilt zone equals the old one.
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_, {Change("UPSERT", ARecords("www.example.com.", 300,
                                         {"192.0.2.11", "192.0.2.10"}))});
  ASSERT_TRUE(got.ok()) << got.status();
  // The values keep the order the change gave them; all else is equal.
  const RRset& www = *Static(**got, "www.example.com.", rrtype::kA);
  EXPECT_THAT(Addresses(www), ElementsAre("192.0.2.11", "192.0.2.10"));
  got = Apply(*zone_, {Change("UPSERT", ARecords("www.example.com.", 300,
                                                 {"192.0.2.10", "192.0.2.11"}))});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Dump(**got), before_);
}

TEST_F(ChangeBatchTest, CreateOfAnExistingRecordSet) {
  EXPECT_EQ(Error(*zone_, {Change("CREATE", ARecords("www.example.com.", 300,
                                                      {"192.0.2.10"}))}),
            "Tried to create resource record set [name='www.example.com.', "
            "type='A'] but it already exists");
  // Any case, no trailing dot: the same record set.
  EXPECT_EQ(Error(*zone_, {Change("CREATE", ARecords("WWW.Example.com", 300,
                                                      {"192.0.2.10"}))}),
            "Tried to create resource record set [name='www.example.com.', "
            "type='A'] but it already exists");
}

TEST_F(ChangeBatchTest, DeleteOfAMissingRecordSet) {
  EXPECT_EQ(Error(*zone_, {Change("DELETE", ARecords("nope.example.com.", 300,
                                                      {"192.0.2.10"}))}),
            "Tried to delete resource record set [name='nope.example.com.', "
            "type='A'] but it was not found");
  // The name exists, not with this type.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "www.example.com",
                "Type": "AAAA", "TTL": 300,
                "ResourceRecords": [{"Value": "2001:db8::1"}]})")}),
            "Tried to delete resource record set [name='www.example.com.', "
            "type='AAAA'] but it was not found");
  // A routed record set is named with its SetIdentifier.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "api.example.com.",
                "Type": "A", "SetIdentifier": "ap", "Region": "ap-south-1",
                "TTL": 60, "ResourceRecords": [{"Value": "198.51.100.9"}]})")}),
            "Tried to delete resource record set [name='api.example.com.', "
            "type='A', set-identifier='ap'] but it was not found");
}

TEST_F(ChangeBatchTest, DeleteMustMatchTtlAndValues) {
  const std::string mismatch =
      "Tried to delete resource record set [name='www.example.com.', "
      "type='A'] but the values provided do not match the current values";
  // Another TTL.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", ARecords("www.example.com.", 301,
                                                      {"192.0.2.10",
                                                       "192.0.2.11"}))}),
            mismatch);
  // A value missing, a value too many, another value.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", ARecords("www.example.com.", 300,
                                                      {"192.0.2.10"}))}),
            mismatch);
  EXPECT_EQ(Error(*zone_,
                  {Change("DELETE",
                          ARecords("www.example.com.", 300,
                                   {"192.0.2.10", "192.0.2.11", "192.0.2.12"}))}),
            mismatch);
  EXPECT_EQ(Error(*zone_, {Change("DELETE", ARecords("www.example.com.", 300,
                                                      {"192.0.2.10",
                                                       "192.0.2.99"}))}),
            mismatch);
  // A plain record set is not an alias.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "www.example.com.",
                "Type": "A", "AliasTarget": {"HostedZoneId": "Z1",
                "DNSName": "mx.example.com.", "EvaluateTargetHealth": false}})")}),
            mismatch);
  // TXT values are compared as they are: case matters there.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "txt.example.com.",
                "Type": "TXT", "TTL": 3600,
                "ResourceRecords": [{"Value": "\"Hello world\""}]})")}),
            "Tried to delete resource record set [name='txt.example.com.', "
            "type='TXT'] but the values provided do not match the current "
            "values");
}

TEST_F(ChangeBatchTest, DeleteComparesValuesAsASetAndNamesInAnyCase) {
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_,
      {
          Change("DELETE", ARecords("WWW.example.COM", 300,
                                    {"192.0.2.11", "192.0.2.10"})),
          Change("DELETE", R"({"Name": "mail.example.com", "Type": "MX",
                 "TTL": 3600, "ResourceRecords": [{"Value": "10 MX.Example.COM"}]})"),
          Change("DELETE", R"({"Name": "alias.example.com.", "Type": "CNAME",
                 "TTL": 3600, "ResourceRecords": [{"Value": "WWW.example.com"}]})"),
      });
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)->Find(Wire("www.example.com.")), nullptr);
  EXPECT_EQ((*got)->Find(Wire("mail.example.com.")), nullptr);
  EXPECT_EQ((*got)->Find(Wire("alias.example.com.")), nullptr);
}

TEST_F(ChangeBatchTest, ChangesActInOrderOnTheEvolvingRecordSets) {
  // DELETE then CREATE of one record set: a replacement.
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_, {Change("DELETE", ARecords("www.example.com.", 300,
                                         {"192.0.2.10", "192.0.2.11"})),
               Change("CREATE", ARecords("www.example.com.", 30,
                                         {"192.0.2.44"}))});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(Addresses(*Static(**got, "www.example.com.", rrtype::kA)),
              ElementsAre("192.0.2.44"));
  EXPECT_EQ(Static(**got, "www.example.com.", rrtype::kA)->ttl, 30u);

  // CREATE then DELETE with the values just created.
  got = Apply(*zone_,
              {Change("CREATE", ARecords("tmp.example.com", 5, {"192.0.2.5"})),
               Change("DELETE", ARecords("tmp.example.com", 5, {"192.0.2.5"}))});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)->Find(Wire("tmp.example.com.")), nullptr);

  // A record set is deleted once.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", ARecords("www.example.com.", 300,
                                                      {"192.0.2.10",
                                                       "192.0.2.11"})),
                           Change("DELETE", ARecords("www.example.com.", 300,
                                                      {"192.0.2.10",
                                                       "192.0.2.11"}))}),
            "Tried to delete resource record set [name='www.example.com.', "
            "type='A'] but it was not found");
  // CREATE twice in one batch.
  EXPECT_EQ(Error(*zone_,
                  {Change("CREATE", ARecords("n.example.com", 5, {"192.0.2.5"})),
                   Change("CREATE", ARecords("n.example.com", 5, {"192.0.2.6"}))}),
            "Tried to create resource record set [name='n.example.com.', "
            "type='A'] but it already exists");
}

TEST_F(ChangeBatchTest, AllOrNothing) {
  // The first change is fine, the second fails: nothing is applied and
  // the input zone keeps serving what it served (TearDown checks it).
  const std::string batch = Batch(
      {Change("CREATE", ARecords("first.example.com.", 60, {"192.0.2.60"})),
       Change("UPSERT", ARecords("www.example.com.", 60, {"192.0.2.61"})),
       Change("CREATE", ARecords("mx.example.com.", 60, {"192.0.2.62"}))});
  absl::StatusOr<ZonePtr> got = ApplyChangeBatch(*zone_, batch, "batch.json");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "Tried to create resource record set [name='mx.example.com.', "
            "type='A'] but it already exists");
  EXPECT_EQ(zone_->Find(Wire("first.example.com.")), nullptr);
  EXPECT_THAT(Addresses(*Static(*zone_, "www.example.com.", rrtype::kA)),
              ElementsAre("192.0.2.10", "192.0.2.11"));
  // A failure at the final check (the apex NS) undoes earlier changes too.
  EXPECT_EQ(
      Error(*zone_,
            {Change("CREATE", ARecords("first.example.com.", 60, {"192.0.2.60"})),
             Change("DELETE", R"({"Name": "example.com.", "Type": "NS",
                    "TTL": 3600, "ResourceRecords": [
                      {"Value": "ns1.example.com."},
                      {"Value": "ns2.example.com."}]})")}),
      "A HostedZone must contain at least one NS record for the zone itself.");
  EXPECT_EQ(zone_->Find(Wire("first.example.com.")), nullptr);
}

// --- Routed record sets ---

TEST_F(ChangeBatchTest, LatencyMembersAddAndRemove) {
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_,
      {Change("CREATE", R"({"Name": "api.example.com.", "Type": "A",
              "SetIdentifier": "ap", "Region": "ap-southeast-1", "TTL": 60,
              "ResourceRecords": [{"Value": "198.51.100.3"}]})"),
       Change("DELETE", R"({"Name": "api.example.com.", "Type": "A",
              "SetIdentifier": "us", "Region": "us-east-1", "TTL": 60,
              "HealthCheckId": "hc-us",
              "ResourceRecords": [{"Value": "198.51.100.2"}]})")});
  ASSERT_TRUE(got.ok()) << got.status();
  const RoutedGroup* g = Group(**got, "api.example.com.", rrtype::kA);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->policy, RoutingPolicy::kLatency);
  EXPECT_THAT(MemberIds(g), ElementsAre("eu", "ap"));
  const RoutedMember* ap = Member(**got, "api.example.com.", rrtype::kA, "ap");
  EXPECT_EQ(ap->region, "ap-southeast-1");
  EXPECT_EQ(ap->rrset.ttl, 60u);
  EXPECT_THAT(Addresses(ap->rrset), ElementsAre("198.51.100.3"));
  EXPECT_EQ(ap->source, "batch.json (change 1)");
  // Untouched members keep where they came from.
  EXPECT_EQ(Member(**got, "api.example.com.", rrtype::kA, "eu")->source,
            "routes.json:2");

  // The last member goes: the name goes with it.
  got = Apply(*zone_,
              {Change("DELETE", R"({"Name": "api.example.com.", "Type": "A",
                      "SetIdentifier": "us", "Region": "us-east-1", "TTL": 60,
                      "HealthCheckId": "hc-us",
                      "ResourceRecords": [{"Value": "198.51.100.2"}]})"),
               Change("DELETE", R"({"Name": "api.example.com.", "Type": "A",
                      "SetIdentifier": "eu", "Region": "eu-west-1", "TTL": 60,
                      "ResourceRecords": [{"Value": "198.51.100.1"}]})")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)->Find(Wire("api.example.com.")), nullptr);
}

TEST_F(ChangeBatchTest, RoutedDeleteMustMatchEveryRoutingField) {
  const std::string mismatch =
      "Tried to delete resource record set [name='api.example.com.', "
      "type='A', set-identifier='us'] but the values provided do not match "
      "the current values";
  // Without its HealthCheckId; with another Region; with another TTL.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "api.example.com.",
                "Type": "A", "SetIdentifier": "us", "Region": "us-east-1",
                "TTL": 60, "ResourceRecords": [{"Value": "198.51.100.2"}]})")}),
            mismatch);
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "api.example.com.",
                "Type": "A", "SetIdentifier": "us", "Region": "us-west-2",
                "TTL": 60, "HealthCheckId": "hc-us",
                "ResourceRecords": [{"Value": "198.51.100.2"}]})")}),
            mismatch);
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "api.example.com.",
                "Type": "A", "SetIdentifier": "us", "Region": "us-east-1",
                "TTL": 61, "HealthCheckId": "hc-us",
                "ResourceRecords": [{"Value": "198.51.100.2"}]})")}),
            mismatch);
  // Another policy under the same SetIdentifier.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "api.example.com.",
                "Type": "A", "SetIdentifier": "us", "Weight": 1,
                "TTL": 60, "HealthCheckId": "hc-us",
                "ResourceRecords": [{"Value": "198.51.100.2"}]})")}),
            mismatch);
  // A weight.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "w.example.com.",
                "Type": "A", "SetIdentifier": "blue", "Weight": 71, "TTL": 30,
                "ResourceRecords": [{"Value": "203.0.113.1"}]})")}),
            "Tried to delete resource record set [name='w.example.com.', "
            "type='A', set-identifier='blue'] but the values provided do not "
            "match the current values");
}

TEST_F(ChangeBatchTest, CreateOfAnExistingRoutedMember) {
  EXPECT_EQ(Error(*zone_, {Change("CREATE", R"({"Name": "api.example.com.",
                "Type": "A", "SetIdentifier": "eu", "Region": "eu-central-1",
                "TTL": 60, "ResourceRecords": [{"Value": "198.51.100.7"}]})")}),
            "Tried to create resource record set [name='api.example.com.', "
            "type='A', set-identifier='eu'] but it already exists");
}

TEST_F(ChangeBatchTest, LatencyRegionsAreUnique) {
  EXPECT_EQ(Error(*zone_, {Change("CREATE", R"({"Name": "api.example.com.",
                "Type": "A", "SetIdentifier": "eu2", "Region": "eu-west-1",
                "TTL": 60, "ResourceRecords": [{"Value": "198.51.100.7"}]})")}),
            "RRSet with DNS name api.example.com., type A, SetIdentifier eu2, "
            "and Region Name=eu-west-1 cannot be created because a latency "
            "RRSet with the same name, type and region already exists.");
  // Moving a region from one member to another in one batch is fine.
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_,
      {Change("UPSERT", R"({"Name": "api.example.com.", "Type": "A",
              "SetIdentifier": "eu", "Region": "eu-central-1", "TTL": 60,
              "ResourceRecords": [{"Value": "198.51.100.1"}]})"),
       Change("CREATE", R"({"Name": "api.example.com.", "Type": "A",
              "SetIdentifier": "eu2", "Region": "eu-west-1", "TTL": 60,
              "ResourceRecords": [{"Value": "198.51.100.7"}]})")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Member(**got, "api.example.com.", rrtype::kA, "eu")->region,
            "eu-central-1");
  EXPECT_EQ(Member(**got, "api.example.com.", rrtype::kA, "eu2")->region,
            "eu-west-1");
}

TEST_F(ChangeBatchTest, WeightedWeightChangeByUpsert) {
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_, {Change("UPSERT", R"({"Name": "w.example.com", "Type": "A",
                      "SetIdentifier": "blue", "Weight": 0, "TTL": 30,
                      "ResourceRecords": [{"Value": "203.0.113.1"}]})")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Member(**got, "w.example.com.", rrtype::kA, "blue")->weight, 0u);
  EXPECT_EQ(Member(**got, "w.example.com.", rrtype::kA, "green")->weight, 30u);
  EXPECT_EQ(Member(*zone_, "w.example.com.", rrtype::kA, "blue")->weight, 70u);
  // UPSERT of a member that does not exist creates it.
  got = Apply(*zone_,
              {Change("UPSERT", R"({"Name": "w.example.com", "Type": "A",
                      "SetIdentifier": "red", "Weight": 5, "TTL": 30,
                      "ResourceRecords": [{"Value": "203.0.113.3"}]})")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(MemberIds(Group(**got, "w.example.com.", rrtype::kA)),
              ElementsAre("blue", "green", "red"));
}

TEST_F(ChangeBatchTest, BuilderRulesNameTheChange) {
  // Weighted members share a TTL: the builder's rule and message.
  EXPECT_EQ(Error(*zone_, {Change("UPSERT", R"({"Name": "w.example.com",
                "Type": "A", "SetIdentifier": "blue", "Weight": 70, "TTL": 60,
                "ResourceRecords": [{"Value": "203.0.113.1"}]})")}),
            "change 1 (UPSERT): record set [name='w.example.com.', type='A', "
            "set-identifier='blue']: TTL 60 differs from the TTL 30 of "
            "set-identifier='green' (weighted records of one name and type "
            "share a TTL)");
  // One PRIMARY per failover group.
  EXPECT_EQ(
      Error(*zone_,
            {Change("CREATE", ARecords("z.example.com", 60, {"192.0.2.9"})),
             Change("CREATE", R"({"Name": "fo.example.com.", "Type": "A",
                    "SetIdentifier": "p2", "Failover": "PRIMARY", "TTL": 60,
                    "ResourceRecords": [{"Value": "192.0.2.101"}]})")}),
      "change 2 (CREATE): record set [name='fo.example.com.', type='A', "
      "set-identifier='p2']: another PRIMARY failover record "
      "(set-identifier='p')");
  // What a record set shows on its own fails in change order.
  EXPECT_EQ(
      Error(*zone_,
            {Change("CREATE", R"({"Name": "c.example.com.", "Type": "CNAME",
                    "TTL": 60, "ResourceRecords": [{"Value": "a.example.com."},
                    {"Value": "b.example.com."}]})"),
             Change("CREATE", ARecords("www.example.com", 60, {"192.0.2.9"}))}),
      "change 1 (CREATE): record set [name='c.example.com.', "
      "type='CNAME']: a CNAME record has one value");
  EXPECT_EQ(Error(*zone_, {Change("UPSERT", R"({"Name": "api.example.com.",
                "Type": "NS", "SetIdentifier": "x", "Weight": 1, "TTL": 60,
                "ResourceRecords": [{"Value": "ns1.example.com."}]})")}),
            "change 1 (UPSERT): record set [name='api.example.com.', "
            "type='NS', set-identifier='x']: a NS record set is always simple "
            "(no routing policy, no alias)");
  // A rule broken by what the batch removed is found at what it kept.
  EXPECT_EQ(Error(*zone_, {Change("DELETE", ARecords("ns.sub.example.com.",
                                                      3600, {"192.0.2.53"}))}),
            "zone example.com.: delegation sub.example.com.: NS target "
            "ns.sub.example.com. has no glue (A/AAAA) in the zone");
}

TEST_F(ChangeBatchTest, AliasMembers) {
  // The failover SECONDARY alias, deleted with its exact AliasTarget (any
  // case, no trailing dot).
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_, {Change("DELETE", R"({"Name": "fo.example.com.", "Type": "A",
                      "SetIdentifier": "s", "Failover": "SECONDARY",
                      "AliasTarget": {"HostedZoneId": "Zother",
                      "DNSName": "WWW.example.com",
                      "EvaluateTargetHealth": false}})")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(MemberIds(Group(**got, "fo.example.com.", rrtype::kA)),
              ElementsAre("p"));

  // Another target or another EvaluateTargetHealth does not match.
  const std::string mismatch =
      "Tried to delete resource record set [name='fo.example.com.', "
      "type='A', set-identifier='s'] but the values provided do not match "
      "the current values";
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "fo.example.com.",
                "Type": "A", "SetIdentifier": "s", "Failover": "SECONDARY",
                "AliasTarget": {"HostedZoneId": "Z1",
                "DNSName": "www.example.com.", "EvaluateTargetHealth": true}})")}),
            mismatch);
  EXPECT_EQ(Error(*zone_, {Change("DELETE", R"({"Name": "fo.example.com.",
                "Type": "A", "SetIdentifier": "s", "Failover": "SECONDARY",
                "AliasTarget": {"HostedZoneId": "Z1",
                "DNSName": "mx.example.com.", "EvaluateTargetHealth": false}})")}),
            mismatch);

  // The apex alias, replaced by another alias; a new simple alias.
  got = Apply(*zone_,
              {Change("UPSERT", R"({"Name": "example.com", "Type": "A",
                      "AliasTarget": {"HostedZoneId": "Z1",
                      "DNSName": "mx.example.com",
                      "EvaluateTargetHealth": false}})"),
               Change("CREATE", R"({"Name": "short.example.com", "Type": "AAAA",
                      "AliasTarget": {"HostedZoneId": "Z1",
                      "DNSName": "api.example.com",
                      "EvaluateTargetHealth": true}})")});
  ASSERT_TRUE(got.ok()) << got.status();
  const RoutedGroup* apex = Group(**got, "example.com.", rrtype::kA);
  ASSERT_NE(apex, nullptr);
  EXPECT_EQ(apex->policy, RoutingPolicy::kSimple);
  ASSERT_EQ(apex->members.size(), 1u);
  EXPECT_EQ(apex->members[0].alias_target, Wire("mx.example.com."));
  EXPECT_FALSE(apex->members[0].evaluate_target_health);
  const RoutedGroup* s = Group(**got, "short.example.com.", rrtype::kAAAA);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->members[0].alias_target, Wire("api.example.com."));
  EXPECT_TRUE(s->members[0].evaluate_target_health);
  EXPECT_EQ(s->members[0].rrset.count, 0u);

  // A plain record set turned into an alias (same name, type, no
  // SetIdentifier) by UPSERT, and back.
  got = Apply(*zone_, {Change("UPSERT", R"({"Name": "www.example.com.",
                              "Type": "A", "AliasTarget": {"HostedZoneId": "Z1",
                              "DNSName": "mx.example.com.",
                              "EvaluateTargetHealth": false}})")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Static(**got, "www.example.com.", rrtype::kA), nullptr);
  ASSERT_NE(Group(**got, "www.example.com.", rrtype::kA), nullptr);
  got = Apply(**got,
              {Change("UPSERT", ARecords("www.example.com.", 300, {"192.0.2.10"}))});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Group(**got, "www.example.com.", rrtype::kA), nullptr);
  EXPECT_THAT(Addresses(*Static(**got, "www.example.com.", rrtype::kA)),
              ElementsAre("192.0.2.10"));
}

// --- Rules between record sets, with Route 53's texts ---

TEST_F(ChangeBatchTest, CnameConflicts) {
  EXPECT_EQ(Error(*zone_, {Change("CREATE", R"({"Name": "www.example.com.",
                "Type": "CNAME", "TTL": 60,
                "ResourceRecords": [{"Value": "mx.example.com."}]})")}),
            "RRSet of type CNAME with DNS name www.example.com. is not "
            "permitted as it conflicts with other records with the same DNS "
            "name in zone example.com.");
  EXPECT_EQ(Error(*zone_, {Change("CREATE", ARecords("alias.example.com.", 60,
                                                      {"192.0.2.1"}))}),
            "RRSet of type A with DNS name alias.example.com. is not "
            "permitted because a conflicting RRSet of type CNAME with the "
            "same DNS name already exists in zone example.com.");
  EXPECT_EQ(Error(*zone_, {Change("CREATE", R"({"Name": "example.com.",
                "Type": "CNAME", "TTL": 60,
                "ResourceRecords": [{"Value": "www.example.com."}]})")}),
            "RRSet of type CNAME with DNS name example.com. is not permitted "
            "at apex in zone example.com.");
  // A routed CNAME counts as a CNAME.
  EXPECT_EQ(Error(*zone_, {Change("CREATE", R"({"Name": "txt.example.com.",
                "Type": "CNAME", "SetIdentifier": "a", "Weight": 1, "TTL": 60,
                "ResourceRecords": [{"Value": "www.example.com."}]})")}),
            "RRSet of type CNAME with DNS name txt.example.com. is not "
            "permitted as it conflicts with other records with the same DNS "
            "name in zone example.com.");
  // Replacing a CNAME by other data in one batch is fine.
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_, {Change("DELETE", R"({"Name": "alias.example.com.",
                      "Type": "CNAME", "TTL": 3600,
                      "ResourceRecords": [{"Value": "www.example.com."}]})"),
               Change("CREATE", ARecords("alias.example.com.", 60,
                                         {"192.0.2.1"}))});
  ASSERT_TRUE(got.ok()) << got.status();
  const Node* alias = (*got)->Find(Wire("alias.example.com."));
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->flags & zones::node_flag::kCname, 0);
  EXPECT_NE(alias->Find(rrtype::kA), nullptr);
  // And UPSERT of the CNAME itself is no conflict with itself.
  got = Apply(*zone_, {Change("UPSERT", R"({"Name": "alias.example.com.",
                              "Type": "CNAME", "TTL": 60,
                              "ResourceRecords": [{"Value": "mx.example.com."}]})")});
  ASSERT_TRUE(got.ok()) << got.status();
}

TEST_F(ChangeBatchTest, SimpleAndRoutedRecordSetsDoNotMix) {
  EXPECT_EQ(Error(*zone_, {Change("CREATE", ARecords("api.example.com.", 60,
                                                      {"192.0.2.1"}))}),
            "RRSet with DNS name api.example.com., type A cannot be created "
            "as other RRSets exist with the same name and type.");
  EXPECT_EQ(Error(*zone_, {Change("UPSERT", R"({"Name": "w.example.com.",
                "Type": "A", "AliasTarget": {"HostedZoneId": "Z1",
                "DNSName": "www.example.com.", "EvaluateTargetHealth": false}})")}),
            "RRSet with DNS name w.example.com., type A cannot be created as "
            "other RRSets exist with the same name and type.");
  EXPECT_EQ(Error(*zone_, {Change("CREATE", R"({"Name": "www.example.com.",
                "Type": "A", "SetIdentifier": "one", "Weight": 1, "TTL": 300,
                "ResourceRecords": [{"Value": "192.0.2.10"}]})")}),
            "RRSet with DNS name www.example.com., type A, SetIdentifier one "
            "cannot be created as a non-weighted set exists with the same "
            "name and type.");
  EXPECT_EQ(Error(*zone_, {Change("CREATE", R"({"Name": "w.example.com.",
                "Type": "A", "SetIdentifier": "eu", "Region": "eu-west-1",
                "TTL": 30, "ResourceRecords": [{"Value": "192.0.2.10"}]})")}),
            "RRSet with DNS name w.example.com., type A, SetIdentifier eu "
            "cannot be created as a non-latency set exists with the same name "
            "and type.");
  EXPECT_EQ(Error(*zone_, {Change("CREATE", R"({"Name": "www.example.com.",
                "Type": "A", "SetIdentifier": "m1", "MultiValueAnswer": true,
                "TTL": 300, "ResourceRecords": [{"Value": "192.0.2.10"}]})")}),
            "RRSet with DNS name www.example.com., type A, SetIdentifier m1 "
            "cannot be created because a non multivalue answer rrset exists "
            "with the same name and type.");
  // Converting a plain record set into a weighted group in one batch.
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_,
      {Change("DELETE", ARecords("www.example.com.", 300,
                                 {"192.0.2.10", "192.0.2.11"})),
       Change("CREATE", R"({"Name": "www.example.com.", "Type": "A",
              "SetIdentifier": "one", "Weight": 1, "TTL": 300,
              "ResourceRecords": [{"Value": "192.0.2.10"}]})"),
       Change("CREATE", R"({"Name": "www.example.com.", "Type": "A",
              "SetIdentifier": "two", "Weight": 2, "TTL": 300,
              "ResourceRecords": [{"Value": "192.0.2.11"}]})")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(Static(**got, "www.example.com.", rrtype::kA), nullptr);
  const RoutedGroup* g = Group(**got, "www.example.com.", rrtype::kA);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->policy, RoutingPolicy::kWeighted);
  EXPECT_THAT(MemberIds(g), ElementsAre("one", "two"));
  EXPECT_NE((*got)->Find(Wire("www.example.com."))->flags &
                zones::node_flag::kRouted,
            0);
}

TEST_F(ChangeBatchTest, NamesOutsideTheZone) {
  EXPECT_EQ(Error(*zone_, {Change("CREATE", ARecords("www.example.org.", 60,
                                                      {"192.0.2.1"}))}),
            "RRSet with DNS name www.example.org. is not permitted in zone "
            "example.com.");
  EXPECT_EQ(Error(*zone_, {Change("DELETE", ARecords("com", 60,
                                                      {"192.0.2.1"}))}),
            "RRSet with DNS name com. is not permitted in zone example.com.");
}

TEST_F(ChangeBatchTest, TheApexKeepsItsNsAndOneSoa) {
  const std::string apex_ns = R"({"Name": "example.com.", "Type": "NS",
      "TTL": 3600, "ResourceRecords": [{"Value": "ns1.example.com."},
      {"Value": "ns2.example.com."}]})";
  const std::string apex_soa = R"({"Name": "example.com.", "Type": "SOA",
      "TTL": 3600, "ResourceRecords": [{"Value": "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300"}]})";
  EXPECT_EQ(Error(*zone_, {Change("DELETE", apex_ns)}),
            "A HostedZone must contain at least one NS record for the zone "
            "itself.");
  EXPECT_EQ(Error(*zone_, {Change("DELETE", apex_soa)}),
            "A HostedZone must contain exactly one SOA record.");
  EXPECT_EQ(Error(*zone_, {Change("CREATE", apex_soa)}),
            "Tried to create resource record set [name='example.com.', "
            "type='SOA'] but it already exists");
  EXPECT_EQ(
      Error(*zone_,
            {Change("UPSERT", R"({"Name": "example.com.", "Type": "SOA",
                    "TTL": 3600, "ResourceRecords": [
                    {"Value": "ns1.example.com. h.example.com. 1 2 3 4 5"},
                    {"Value": "ns1.example.com. h.example.com. 2 2 3 4 5"}]})")}),
      "A HostedZone must contain exactly one SOA record.");

  // Replacing the apex NS in one batch is fine; so is a new SOA.
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_,
      {Change("DELETE", apex_ns),
       Change("CREATE", R"({"Name": "example.com.", "Type": "NS", "TTL": 600,
              "ResourceRecords": [{"Value": "ns1.example.com."}]})"),
       Change("UPSERT", R"({"Name": "example.com.", "Type": "SOA", "TTL": 900,
              "ResourceRecords": [{"Value": "ns1.example.com. hostmaster.example.com. 2024020202 7200 3600 1209600 60"}]})")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)->serial(), 2024020202u);
  EXPECT_EQ((*got)->negative_ttl(), 60u);
  const RRset* ns = Static(**got, "example.com.", rrtype::kNS);
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(ns->count, 1u);
  EXPECT_EQ(ns->ttl, 600u);
}

// --- New names answer ---

TEST_F(ChangeBatchTest, NewWildcardsAndDelegationsAnswer) {
  absl::StatusOr<ZonePtr> got = Apply(
      *zone_,
      {Change("CREATE", ARecords("\\\\052.dyn.example.com", 60, {"192.0.2.200"})),
       Change("CREATE", R"({"Name": "child.example.com.", "Type": "NS",
              "TTL": 3600, "ResourceRecords": [{"Value": "ns.child.example.com."}]})"),
       Change("CREATE", ARecords("ns.child.example.com.", 3600,
                                 {"192.0.2.201"}))});
  ASSERT_TRUE(got.ok()) << got.status();
  const Zone& z = **got;
  zones::LookupResult r =
      zones::Lookup(z, QName("host.dyn.example.com."), rrtype::kA);
  EXPECT_EQ(r.kind, LookupKind::kWildcard);
  ASSERT_NE(r.node, nullptr);
  EXPECT_THAT(Addresses(*r.node->Find(rrtype::kA)), ElementsAre("192.0.2.200"));
  // dyn.example.com. is an empty non-terminal of the new zone.
  r = zones::Lookup(z, QName("dyn.example.com."), rrtype::kA);
  EXPECT_EQ(r.kind, LookupKind::kExact);
  EXPECT_TRUE(r.node->empty_non_terminal());
  r = zones::Lookup(z, QName("www.child.example.com."), rrtype::kA);
  EXPECT_EQ(r.kind, LookupKind::kReferral);
  EXPECT_EQ(r.node->owner, Wire("child.example.com."));
  // The old zone knows none of it.
  EXPECT_EQ(zones::Lookup(*zone_, QName("host.dyn.example.com."), rrtype::kA)
                .kind,
            LookupKind::kNxDomain);
}

// --- The batch document ---

TEST_F(ChangeBatchTest, TheWrappedFormOfTheCli) {
  const std::string batch = absl::StrCat(
      R"({"HostedZoneId": "/hostedzone/Z1", "ChangeBatch": )",
      Batch({Change("CREATE", ARecords("cli.example.com", 60, {"192.0.2.3"}))}),
      "}");
  absl::StatusOr<ZonePtr> got = ApplyChangeBatch(*zone_, batch, "cli.json");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_NE(Static(**got, "cli.example.com.", rrtype::kA), nullptr);
  EXPECT_THAT((*got)->sources(),
              ElementsAre("zone.db", "routes.json", "cli.json"));
  // Without Comment and HostedZoneId too.
  got = ApplyChangeBatch(
      *zone_,
      absl::StrCat(R"({"ChangeBatch": {"Changes": [)",
                   Change("CREATE", ARecords("cli.example.com", 60,
                                             {"192.0.2.3"})),
                   "]}}"),
      "cli.json");
  ASSERT_TRUE(got.ok()) << got.status();
}

TEST_F(ChangeBatchTest, BadBatchDocuments) {
  auto error = [&](std::string_view batch) {
    absl::StatusOr<ZonePtr> got = ApplyChangeBatch(*zone_, batch, "b.json");
    EXPECT_FALSE(got.ok()) << batch;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(got.status().message());
  };
  const std::string expected =
      "b.json: expected a JSON object with a \"Changes\" array (a Route 53 "
      "change batch: {\"Changes\":[{\"Action\":\"CREATE\","
      "\"ResourceRecordSet\":{...}}]}, or the same as {\"ChangeBatch\":{...}})";
  EXPECT_EQ(error("{\"Changes\": [\n  {\"Action\": \"CREATE\",,}]}"),
            "b.json:2: syntax error while parsing object key - unexpected ','; "
            "expected string literal");
  EXPECT_EQ(error("[]"), expected);
  EXPECT_EQ(error("{}"), expected);
  EXPECT_EQ(error(R"({"Comment": "x"})"), expected);
  EXPECT_EQ(error(R"({"Changes": []})"),
            "b.json: Changes is empty (a change batch has at least one change)");
  EXPECT_EQ(error(R"({"Changes": {}})"),
            "b.json: \"Changes\" must be an array");
  EXPECT_EQ(error(R"({"Changes": [], "Commnet": "x"})"),
            "b.json: unknown field 'Commnet' in the change batch (it has "
            "Changes and Comment)");
  EXPECT_EQ(error(R"({"Changes": [], "Comment": 5})"),
            "b.json: Comment must be a string");
  EXPECT_EQ(error(R"({"ChangeBatch": [], "HostedZoneId": "Z"})"),
            "b.json: \"ChangeBatch\" must be an object");
  EXPECT_EQ(error(R"({"ChangeBatch": {"Changes": []}, "Id": "Z"})"),
            "b.json: unknown field 'Id' beside \"ChangeBatch\"");
  EXPECT_EQ(error(R"({"ChangeBatch": {"Changes": []}})"),
            "b.json: Changes is empty (a change batch has at least one change)");

  const std::string a = ARecords("x.example.com", 60, {"192.0.2.1"});
  EXPECT_EQ(error(Batch({Change("CREATE", a), "5"})),
            "change 2: is not an object {\"Action\": ..., "
            "\"ResourceRecordSet\": {...}}");
  EXPECT_EQ(error(Batch({Change("MODIFY", a)})),
            "change 1: Action 'MODIFY' is not CREATE, DELETE or UPSERT");
  EXPECT_EQ(error(Batch({Change("create", a)})),
            "change 1: Action 'create' is not CREATE, DELETE or UPSERT");
  EXPECT_EQ(error(Batch({R"({"Action": 1, "ResourceRecordSet": {}})"})),
            "change 1: Action '1' is not CREATE, DELETE or UPSERT");
  EXPECT_EQ(error(Batch({R"({"ResourceRecordSet": {}})"})),
            "change 1: Action is required");
  EXPECT_EQ(error(Batch({R"({"Action": "DELETE"})"})),
            "change 1 (DELETE): ResourceRecordSet is required");
  EXPECT_EQ(error(Batch({R"({"Action": "DELETE", "ResourceRecordSet": {},
                             "Extra": 1})"})),
            "change 1: unknown field 'Extra' (a change has Action and "
            "ResourceRecordSet)");
  // The record set reads as in Route 53 JSON files, errors included.
  EXPECT_EQ(error(Batch({R"({"Action": "UPSERT", "ResourceRecordSet": []})"})),
            "change 1 (UPSERT): ResourceRecordSet: is not an object");
  EXPECT_EQ(error(Batch({Change("CREATE", R"({"Name": "x.example.com",
                "Type": "A", "ResourceRecords": [{"Value": "192.0.2.1"}]})")})),
            "change 1 (CREATE): record set [name='x.example.com.', "
            "type='A']: TTL is required (except for alias records)");
  EXPECT_EQ(error(Batch({Change("CREATE", R"({"Name": "x.example.com",
                "Type": "A", "TTL": 60, "Wieght": 1,
                "ResourceRecords": [{"Value": "192.0.2.1"}]})")})),
            "change 1 (CREATE): record set [name='x.example.com.', "
            "type='A']: unknown field 'Wieght' (did you mean 'Weight'?)");
  EXPECT_EQ(error(Batch({Change("CREATE", R"({"Name": "x.example.com",
                "Type": "A", "TTL": 60,
                "ResourceRecords": [{"Value": "192.0.2"}]})")})),
            "change 1 (CREATE): record set [name='x.example.com.', "
            "type='A']: bad value '192.0.2': bad IPv4 address '192.0.2'");
}

// --- Size ---

TEST(ChangeBatchSizeTest, OneChangeOnA100kRecordZoneIsQuick) {
  ZoneBuilder b(Wire("big.example."));
  ASSERT_TRUE(zones_test::ReadZoneHead(&b, "", "big.db").ok());
  for (int i = 0; i < 100000; ++i) {
    const std::string rdata = {static_cast<char>(10), static_cast<char>(i >> 16),
                               static_cast<char>(i >> 8),
                               static_cast<char>(i)};
    ASSERT_TRUE(b.Add(Wire(absl::StrCat("h", i, ".big.example.")), rrtype::kA,
                      dns::rrclass::kIN, 300, rdata, {0, i + 5})
                    .ok());
  }
  absl::StatusOr<ZonePtr> zone = std::move(b).Build();
  ASSERT_TRUE(zone.ok()) << zone.status();

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<ZonePtr> got = ApplyChangeBatch(
      **zone,
      Batch({Change("UPSERT", ARecords("h5.big.example", 60, {"192.0.2.5"}))}),
      "api");
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
  ASSERT_TRUE(got.ok()) << got.status();
  std::printf("one change on %zu records: %.3f s\n", (*got)->record_count(),
              seconds);
  EXPECT_EQ((*got)->record_count(), (*zone)->record_count());
  EXPECT_THAT(Addresses(*Static(**got, "h5.big.example.", rrtype::kA)),
              ElementsAre("192.0.2.5"));
  EXPECT_LT(seconds, 3.0);  // well under a second in a release build
}

}  // namespace
