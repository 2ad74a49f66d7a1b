// dns::Outcome carries each routed answer's region, TTL, name id and the
// reason the Router picked it (metrics and drain tracking), without
// allocating on the query path.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns/answer/answer.h"
#include "dns/answer/routed_names.h"
#include "dns/answer/snapshot.h"
#include "dns/wire/name.h"
#include "geo/health.h"
#include "geo/latency_table.h"
#include "geo/regions.h"
#include "gtest/gtest.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"

namespace dns {
namespace {

constexpr char kZone[] =
    "$ORIGIN example.test.\n$TTL 300\n"
    "@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n"
    "@ IN NS ns1\nns1 IN A 192.0.2.1\n";

constexpr char kRecords[] = R"({"ResourceRecordSets":[
 {"Name":"app.example.test.","Type":"A","SetIdentifier":"eu","Region":"eu-west-1","TTL":60,
  "ResourceRecords":[{"Value":"192.0.2.101"}]},
 {"Name":"app.example.test.","Type":"A","SetIdentifier":"us","Region":"us-east-1","TTL":60,
  "ResourceRecords":[{"Value":"192.0.2.102"}]},
 {"Name":"mv.example.test.","Type":"A","SetIdentifier":"a","MultiValueAnswer":true,"TTL":30,
  "ResourceRecords":[{"Value":"192.0.2.1"}]},
 {"Name":"mv.example.test.","Type":"A","SetIdentifier":"b","MultiValueAnswer":true,"TTL":30,
  "ResourceRecords":[{"Value":"192.0.2.2"}]}]})";

// 198.51.100.0/24 is nearest to eu-west-1; everyone else (default row)
// to us-east-1.
constexpr char kLatency[] =
    "network,region,rtt_ms\n"
    "198.51.100.0/24,eu-west-1,10\n198.51.100.0/24,us-east-1,80\n"
    "0.0.0.0/0,us-east-1,40\n0.0.0.0/0,eu-west-1,90\n";

class RouteReasonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string origin;
    ASSERT_TRUE(NameFromText("example.test.", &origin));
    zones::ZoneBuilder b(origin);
    ASSERT_TRUE(zones::ReadMasterText(kZone, "z.zone", &b).ok());
    ASSERT_TRUE(zones::ReadRoute53JsonText(kRecords, "z.json", &b).ok());
    absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = std::move(b).Build();
    ASSERT_TRUE(zone.ok()) << zone.status();
    SnapshotInputs in;
    in.zones.Put(*zone);
    in.latency = geo::LatencyTable::ParseCsv(kLatency, "l.csv").value();
    in.admin = &admin_;
    in.health = &health_;
    in.names = &names_;
    absl::StatusOr<std::unique_ptr<const Snapshot>> s = BuildSnapshot(std::move(in));
    ASSERT_TRUE(s.ok()) << s.status();
    snap_ = *std::move(s);
  }

  // Queries name/A from `client` (IPv4, packet source, no ECS).
  Outcome Ask(const std::string& name, const uint8_t (&client)[4]) {
    std::string qname;
    EXPECT_TRUE(NameFromText(name, &qname));
    std::vector<uint8_t> q = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    q.insert(q.end(), qname.begin(), qname.end());
    q.insert(q.end(), {0, 1, 0, 1});
    Request req;
    req.source.bytes[0] = client[0];
    req.source.bytes[1] = client[1];
    req.source.bytes[2] = client[2];
    req.source.bytes[3] = client[3];
    Outcome oc;
    uint8_t out[1232];
    EXPECT_GT(HandleQuery(*snap_, q.data(), q.size(), req, out, sizeof out, &oc), 0u);
    return oc;
  }
  geo::RegionId Id(const char* region) { return *admin_.Find(region); }

  geo::AdminStates admin_;
  geo::HealthTable health_;
  RoutedNames names_;
  std::unique_ptr<const Snapshot> snap_;
};

constexpr uint8_t kEuClient[4] = {198, 51, 100, 7};
constexpr uint8_t kOtherClient[4] = {203, 0, 113, 9};

TEST_F(RouteReasonTest, NearestAndDefaultRow) {
  Outcome eu = Ask("app.example.test.", kEuClient);
  ASSERT_EQ(eu.routed_count, 1);
  EXPECT_EQ(eu.routed[0].region, Id("eu-west-1"));
  EXPECT_EQ(eu.routed[0].reason, RouteReason::kNearest);
  EXPECT_EQ(eu.routed[0].ttl, 60u);
  EXPECT_EQ(names_.Name(eu.routed[0].name_id), "app.example.test.");
  Outcome other = Ask("app.example.test.", kOtherClient);
  ASSERT_EQ(other.routed_count, 1);
  EXPECT_EQ(other.routed[0].region, Id("us-east-1"));
  EXPECT_EQ(other.routed[0].reason, RouteReason::kDefaultRow);
}

TEST_F(RouteReasonTest, NextNearestSaysWhyAndFailOpen) {
  admin_.Set(Id("eu-west-1"), geo::AdminState::kDrain);
  Outcome drained = Ask("app.example.test.", kEuClient);
  ASSERT_EQ(drained.routed_count, 1);
  EXPECT_EQ(drained.routed[0].region, Id("us-east-1"));
  EXPECT_EQ(drained.routed[0].reason, RouteReason::kNextNearestDrained);
  admin_.Set(Id("eu-west-1"), geo::AdminState::kDown);
  EXPECT_EQ(Ask("app.example.test.", kEuClient).routed[0].reason, RouteReason::kNextNearestDown);
  admin_.Set(Id("us-east-1"), geo::AdminState::kDown);
  Outcome open = Ask("app.example.test.", kEuClient);
  ASSERT_EQ(open.routed_count, 1);
  EXPECT_EQ(open.routed[0].reason, RouteReason::kFailOpen);
  EXPECT_EQ(open.routed[0].region, Id("eu-west-1"));
}

TEST_F(RouteReasonTest, MultivalueRecordsEveryMemberAndStaticRecordsNone) {
  Outcome mv = Ask("mv.example.test.", kEuClient);
  ASSERT_EQ(mv.routed_count, 2);
  EXPECT_EQ(mv.routed[0].reason, RouteReason::kMultiValue);
  EXPECT_EQ(mv.routed[1].ttl, 30u);
  EXPECT_EQ(mv.routed[0].region, geo::kNoRegion);
  EXPECT_EQ(Ask("ns1.example.test.", kEuClient).routed_count, 0);
  EXPECT_EQ(Ask("nope.example.test.", kEuClient).routed_count, 0);
}

}  // namespace
}  // namespace dns
