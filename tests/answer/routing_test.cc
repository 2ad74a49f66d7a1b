// In-process tests of routed record sets: Route 53 latency, weighted,
// failover, multivalue and alias routing answered by dns::HandleQuery, the
// client address (EDNS Client Subnet, RFC 7871, or the packet source), the
// reply's ECS scope, BuildSnapshot's alias checks and the explain JSON.
//
// Zones come from zones::ReadMasterText + zones::ReadRoute53JsonText (the
// fixtures are inline), the latency table from geo::LatencyTable::ParseCsv;
// health and admin state are this test's own geo::HealthTable and
// geo::AdminStates, set directly. Replies are decoded with ldns, never with
// our own parser.
#include "dns/answer/answer.h"

#include <arpa/inet.h>
#include <sys/socket.h>

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/answer/explain.h"
#include "dns/answer/snapshot.h"
#include "dns/control/explain_json.h"
#include "dns/wire/name.h"
#include "geo/health.h"
#include "geo/latency_table.h"
#include "geo/regions.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ldns_oracle.h"
#include "tests/ecs_subnet.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"
#include "zones/zone_set.h"

namespace dns {
namespace {

using ::steer_test::AppendEcs, ::steer_test::BuildQuery, ::steer_test::EdnsOptions,
    ::steer_test::ParseEcsPrefix, ::steer_test::ReadEcsOption, ::steer_test::SectionText;
using ::testing::AnyOf, ::testing::ElementsAre, ::testing::HasSubstr;
using json = nlohmann::json;

// ---------------------------------------------------------------------------
// Fixtures.

constexpr char kZone[] = R"($ORIGIN example.com.
$TTL 3600
@        IN SOA ns1 hostmaster 2026010101 7200 3600 1209600 300
@        IN NS  ns1
ns1      IN A   192.0.2.53
www      IN A   192.0.2.1
www      IN AAAA 2001:db8::1
; a static RRset beside the routed A group of the same owner
app      IN TXT "static beside routed"
; a CNAME into a routed name
web      IN CNAME app
sub      IN NS  ns.sub
ns.sub   IN A   192.0.2.200
)";

// One latency member: Region, SetIdentifier, a value, a TTL, a health check.
std::string LatencyMember(const std::string& name, const std::string& id,
                          const std::string& region, int ttl, const std::string& value) {
  return R"({"Name":")" + name + R"(","Type":"A","SetIdentifier":")" + id +
         R"(","Region":")" + region + R"(","TTL":)" + std::to_string(ttl) +
         R"(,"ResourceRecords":[{"Value":")" + value + R"("}],"HealthCheckId":"hc-)" + id +
         R"("})";
}

std::string Weighted(const std::string& name, const std::string& id, int weight,
                     const std::string& value, bool health_check, int ttl = 30) {
  std::string s = R"({"Name":")" + name + R"(","Type":"A","SetIdentifier":")" + id +
                  R"(","Weight":)" + std::to_string(weight) + R"(,"TTL":)" +
                  std::to_string(ttl) + R"(,"ResourceRecords":[{"Value":")" + value + R"("}])";
  if (health_check) s += R"(,"HealthCheckId":"hc-)" + id + R"(")";
  return s + "}";
}

std::string Alias(const std::string& name, const std::string& target, bool evaluate,
                  const std::string& extra = "") {
  return R"({"Name":")" + name + R"(","Type":"A",)" + extra +
         R"("AliasTarget":{"HostedZoneId":"Z0EXAMPLE","DNSName":")" + target +
         R"(","EvaluateTargetHealth":)" + (evaluate ? "true" : "false") + "}}";
}

// Members of app.example.com. A, in file order. eu-central-1 and
// ca-central-1 are in no row of the latency table.
struct AppMember {
  const char* id;
  const char* region;
  int ttl;
  const char* value;
};
constexpr AppMember kApp[] = {
    {"use1", "us-east-1", 60, "192.0.2.101"},
    {"euw1", "eu-west-1", 30, "192.0.2.102"},
    {"apse1", "ap-southeast-1", 45, "192.0.2.103"},
    {"sae1", "sa-east-1", 20, "192.0.2.104"},
    {"euc1", "eu-central-1", 15, "192.0.2.105"},
    {"cac1", "ca-central-1", 10, "192.0.2.106"},
};

std::string RecordSets() {
  std::vector<std::string> sets;
  for (const AppMember& m : kApp)
    sets.push_back(LatencyMember("app.example.com.", m.id, m.region, m.ttl, m.value));
  // Weighted: 90/10; 3/1/0 with health checks on the weighted members;
  // all zero.
  sets.push_back(Weighted("canary.example.com.", "stable", 90, "192.0.2.111", false));
  sets.push_back(Weighted("canary.example.com.", "next", 10, "192.0.2.112", false));
  sets.push_back(Weighted("w0.example.com.", "wa", 3, "192.0.2.113", true));
  sets.push_back(Weighted("w0.example.com.", "wb", 1, "192.0.2.114", true));
  sets.push_back(Weighted("w0.example.com.", "wz", 0, "192.0.2.115", false));
  sets.push_back(Weighted("zero.example.com.", "x", 0, "192.0.2.116", false));
  sets.push_back(Weighted("zero.example.com.", "y", 0, "192.0.2.117", false));
  // Failover.
  sets.push_back(R"({"Name":"status.example.com.","Type":"A","SetIdentifier":"primary",
    "Failover":"PRIMARY","TTL":30,"ResourceRecords":[{"Value":"192.0.2.121"}],
    "HealthCheckId":"hc-primary"})");
  sets.push_back(R"({"Name":"status.example.com.","Type":"A","SetIdentifier":"secondary",
    "Failover":"SECONDARY","TTL":30,"ResourceRecords":[{"Value":"192.0.2.122"}],
    "HealthCheckId":"hc-secondary"})");
  // Multivalue: ten members.
  for (int i = 0; i < 10; ++i) {
    sets.push_back(R"({"Name":"multi.example.com.","Type":"A","SetIdentifier":"m)" +
                   std::to_string(i) + R"(","MultiValueAnswer":true,"TTL":40,)" +
                   R"("ResourceRecords":[{"Value":"192.0.2.)" + std::to_string(160 + i) +
                   R"("}],"HealthCheckId":"hc-m)" + std::to_string(i) + R"("})");
  }
  // Aliases: a simple alias to the latency group, a simple alias to a
  // static RRset, failover with an alias PRIMARY (with and without
  // EvaluateTargetHealth).
  sets.push_back(Alias("api.example.com.", "app.example.com.", true));
  sets.push_back(Alias("toww.example.com.", "www.example.com.", false));
  sets.push_back(Alias("front.example.com.", "app.example.com.", true,
                       R"("SetIdentifier":"primary","Failover":"PRIMARY",)"));
  sets.push_back(R"({"Name":"front.example.com.","Type":"A","SetIdentifier":"secondary",
    "Failover":"SECONDARY","TTL":30,"ResourceRecords":[{"Value":"192.0.2.250"}]})");
  sets.push_back(Alias("front2.example.com.", "app.example.com.", false,
                       R"("SetIdentifier":"primary","Failover":"PRIMARY",)"));
  sets.push_back(R"({"Name":"front2.example.com.","Type":"A","SetIdentifier":"secondary",
    "Failover":"SECONDARY","TTL":30,"ResourceRecords":[{"Value":"192.0.2.251"}]})");
  // Nested: latency whose members alias weighted groups.
  sets.push_back(Alias("geo.example.com.", "pool-us.example.com.", true,
                       R"("SetIdentifier":"us","Region":"us-east-1",)"));
  sets.push_back(Alias("geo.example.com.", "pool-eu.example.com.", true,
                       R"("SetIdentifier":"eu","Region":"eu-west-1",)"));
  sets.push_back(Weighted("pool-us.example.com.", "u1", 1, "192.0.2.131", false, 20));
  sets.push_back(Weighted("pool-us.example.com.", "u2", 1, "192.0.2.132", false, 20));
  sets.push_back(Weighted("pool-eu.example.com.", "e1", 1, "192.0.2.141", true, 20));
  sets.push_back(Weighted("pool-eu.example.com.", "e2", 1, "192.0.2.142", true, 20));

  // Weighted with an alias member (EvaluateTargetHealth) beside a plain one.
  sets.push_back(Alias("wal.example.com.", "pool-eu.example.com.", true,
                       R"("SetIdentifier":"to-eu","Weight":1,)"));
  sets.push_back(Weighted("wal.example.com.", "local", 1, "192.0.2.118", false));
  // A wildcard latency group, as the AWS CLI prints the name ("\052" = "*").
  sets.push_back(R"({"Name":"\\052.wild.example.com.","Type":"A","SetIdentifier":"us",
    "Region":"us-east-1","TTL":50,"ResourceRecords":[{"Value":"192.0.2.151"}]})");
  sets.push_back(R"({"Name":"\\052.wild.example.com.","Type":"A","SetIdentifier":"eu",
    "Region":"eu-west-1","TTL":50,"ResourceRecords":[{"Value":"192.0.2.152"}]})");
  // A latency CNAME group (Route 53 routes CNAMEs too): one member leads to
  // a static name, the other into the routed app group.
  sets.push_back(R"({"Name":"cdn.example.com.","Type":"CNAME","SetIdentifier":"us",
    "Region":"us-east-1","TTL":300,"ResourceRecords":[{"Value":"www.example.com"}]})");
  sets.push_back(R"({"Name":"cdn.example.com.","Type":"CNAME","SetIdentifier":"ap",
    "Region":"ap-southeast-1","TTL":300,"ResourceRecords":[{"Value":"app.example.com"}]})");

  std::string out = "{\n  \"ResourceRecordSets\": [\n";
  for (size_t i = 0; i < sets.size(); ++i) out += "    " + sets[i] + (i + 1 < sets.size() ? ",\n" : "\n");
  return out + "  ]\n}\n";
}

// Regions in rows: us-east-1, eu-west-1, ap-southeast-1, sa-east-1.
constexpr char kTable[] = R"(network,region,rtt_ms
0.0.0.0/0,us-east-1,40
0.0.0.0/0,eu-west-1,90
0.0.0.0/0,sa-east-1,120
0.0.0.0/0,ap-southeast-1,220
::/0,us-east-1,40
::/0,eu-west-1,90
::/0,sa-east-1,120
::/0,ap-southeast-1,220
198.51.100.0/24,eu-west-1,12
198.51.100.0/24,us-east-1,78
198.51.100.0/24,ap-southeast-1,165
198.51.100.0/24,sa-east-1,190
203.0.113.0/24,ap-southeast-1,9
203.0.113.0/24,eu-west-1,160.1
203.0.113.0/24,us-east-1,230
203.0.113.0/24,sa-east-1,330
192.0.2.0/25,sa-east-1,14
192.0.2.0/25,us-east-1,115
192.0.2.0/25,eu-west-1,185
192.0.2.0/25,ap-southeast-1,320
10.9.0.0/16,eu-west-1,5
10.7.0.0/16,us-east-1,30
10.7.0.0/16,eu-west-1,30
20.0.0.0/8,us-east-1,10
20.0.0.0/8,eu-west-1,50
20.1.0.0/16,eu-west-1,10
20.1.0.0/16,us-east-1,50
2001:db8:eeee::/48,eu-west-1,11
2001:db8:eeee::/48,us-east-1,80
2001:db8:eeee::/48,ap-southeast-1,170
2001:db8:eeee::/48,sa-east-1,192
)";

std::string Wire(const std::string& text) {
  std::string wire;
  EXPECT_TRUE(NameFromText(text, &wire)) << text;
  return wire;
}

// Reads one zone (master text and/or Route 53 JSON) and builds it. Returns
// the first error.
absl::StatusOr<std::shared_ptr<const zones::Zone>> MakeZone(const std::string& origin,
                                                            const std::string& master,
                                                            const std::string& json_text) {
  zones::ZoneBuilder builder(Wire(origin));
  if (!master.empty()) {
    absl::Status st = zones::ReadMasterText(master, origin + "zone", &builder);
    if (!st.ok()) return st;
  }
  if (!json_text.empty()) {
    absl::Status st = zones::ReadRoute53JsonText(json_text, origin + "json", &builder);
    if (!st.ok()) return st;
  }
  return std::move(builder).Build();
}

// What MakeSnapshot builds from.
struct SnapshotSpec {
  std::string json = RecordSets();  // example.com.'s Route 53 JSON, beside kZone
  std::string net_zone = "";        // example.net. master text; "" = no such zone
  bool latency = true;              // with the latency table kTable
  geo::AdminStates* admin = nullptr;
  geo::HealthTable* health = nullptr;
};

// BuildSnapshot of `spec`; the first error.
absl::StatusOr<std::unique_ptr<const Snapshot>> MakeSnapshot(const SnapshotSpec& spec) {
  SnapshotInputs in;
  auto zone = MakeZone("example.com.", kZone, spec.json);
  if (!zone.ok()) return zone.status();
  in.zones.Put(*zone);
  if (!spec.net_zone.empty()) {
    auto other = MakeZone("example.net.", spec.net_zone, "");
    if (!other.ok()) return other.status();
    in.zones.Put(*other);
  }
  if (spec.latency) {
    auto table = geo::LatencyTable::ParseCsv(kTable, "latency.csv");
    if (!table.ok()) return table.status();
    in.latency = *table;
  }
  in.admin = spec.admin;
  in.health = spec.health;
  return BuildSnapshot(std::move(in));
}

// ---------------------------------------------------------------------------
// Queries and replies.

// An ECS option's fields (tests/ecs_subnet.h).
using Ecs = ::steer_test::EcsSubnet;

// Appends an OPT RR carrying `ecs` to a query without EDNS (bytes built by
// hand, so malformed options can be sent too).
std::vector<uint8_t> WithEcs(std::vector<uint8_t> q, const Ecs& e) {
  return AppendEcs(std::move(q), e.family, e.source, e.scope, e.address);
}

ClientAddress Source(const std::string& text) {
  ClientAddress a;
  if (text.find(':') != std::string::npos) {
    a.is_v6 = true;
    EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), a.bytes), 1) << text;
  } else {
    EXPECT_EQ(inet_pton(AF_INET, text.c_str(), a.bytes), 1) << text;
  }
  return a;
}

// A reply decoded by ldns, flattened for assertions.
struct Decoded {
  bool empty = true;
  int rcode = -1;
  bool aa = false;
  std::vector<std::string> answer;     // presentation form, tabs
  std::vector<std::string> values;     // RDATA of the answer's A/AAAA RRs, in order
  std::vector<uint32_t> ttls;          // TTL of those RRs
  std::vector<std::string> owners;     // owner of those RRs
  std::vector<std::string> authority;
  bool has_opt = false;
  std::optional<Ecs> ecs;              // the reply's ECS option
  int ecs_options = 0;                 // how many ECS options

  std::string value() const { return values.size() == 1 ? values[0] : "<" + Joined() + ">"; }
  std::string Joined() const {
    std::string s;
    for (const auto& v : values) s += (s.empty() ? "" : ",") + v;
    return s;
  }
  int scope() const { return ecs ? ecs->scope : -1; }
};

std::string RdfText(const ldns_rdf* rdf) {
  char* t = ldns_rdf2str(rdf);
  std::string s = t != nullptr ? t : "";
  free(t);
  return s;
}

Decoded Decode(const uint8_t* wire, size_t len) {
  Decoded d;
  if (len == 0) return d;
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire, len) != LDNS_STATUS_OK) {
    ADD_FAILURE() << "reply does not decode";
    return d;
  }
  d.empty = false;
  d.rcode = ldns_pkt_get_rcode(pkt);
  d.aa = ldns_pkt_aa(pkt);
  d.answer = SectionText(pkt, LDNS_SECTION_ANSWER);
  d.authority = SectionText(pkt, LDNS_SECTION_AUTHORITY);
  ldns_rr_list* an = ldns_pkt_answer(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(an); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(an, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A && ldns_rr_get_type(rr) != LDNS_RR_TYPE_AAAA)
      continue;
    d.values.push_back(RdfText(ldns_rr_rdf(rr, 0)));
    d.ttls.push_back(ldns_rr_ttl(rr));
    d.owners.push_back(RdfText(ldns_rr_owner(rr)));
  }
  // ldns keeps the OPT out of the sections; the ARCOUNT octets count it.
  const size_t additional = ldns_rr_list_rr_count(ldns_pkt_additional(pkt));
  d.has_opt = (static_cast<size_t>(wire[10] << 8 | wire[11]) == additional + 1);
  bool complete = true;
  for (const auto& [code, data] : EdnsOptions(pkt, &complete)) {
    if (code != 8) continue;
    ++d.ecs_options;
    if (std::optional<Ecs> e = ReadEcsOption(data)) d.ecs = e;
  }
  if (!complete) ADD_FAILURE() << "OPT option overruns the RDATA";
  ldns_pkt_free(pkt);
  return d;
}

// `snap`'s reply to `query` (a UDP query from no particular source).
Decoded AnswerFrom(const Snapshot& snap, const std::vector<uint8_t>& query) {
  uint8_t out[4096];
  Request req;
  const size_t n = HandleQuery(snap, query.data(), query.size(), req, out, sizeof out, nullptr);
  return Decode(out, n);
}

// ---------------------------------------------------------------------------
// The fixture: one snapshot per test, with this test's health and admin
// state.

// One step of a walk through health and admin states (RunSteps).
struct StateStep {
  const char* what;
  std::vector<std::string> unhealthy;  // app member ids
  std::vector<std::pair<std::string, geo::AdminState>> admin;
  const char* value;  // the member that answers then
};

class RoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto snap = MakeSnapshot({.admin = &admin_, .health = &health_});
    ASSERT_TRUE(snap.ok()) << snap.status();
    snapshot_ = std::move(*snap);
  }

  void SetHealth(const std::string& check, bool healthy) {
    std::optional<geo::HealthSlot> slot = health_.Find(check);
    ASSERT_TRUE(slot.has_value()) << "no health slot for " << check;
    health_.Set(*slot, healthy);
  }
  void SetAppHealth(const std::string& id, bool healthy) { SetHealth("hc-" + id, healthy); }
  void SetAllAppHealth(bool healthy) {
    for (const AppMember& m : kApp) SetAppHealth(m.id, healthy);
  }
  void SetAdmin(const std::string& region, geo::AdminState state) {
    std::optional<geo::RegionId> id = admin_.Find(region);
    ASSERT_TRUE(id.has_value()) << "no admin id for " << region;
    admin_.Set(*id, state);
  }

  Decoded Ask(const std::vector<uint8_t>& query, const ClientAddress& source = {},
              Transport transport = Transport::kUdp) {
    Request req;
    req.transport = transport;
    req.source = source;
    const size_t n = HandleQuery(*snapshot_, query.data(), query.size(), req, out_,
                                 sizeof out_, &outcome_);
    return Decode(out_, n);
  }
  // With ECS for `prefix` ("198.51.100.0/24").
  Decoded AskEcs(const std::string& name, const std::string& prefix,
                 ldns_rr_type type = LDNS_RR_TYPE_A, const ClientAddress& source = {}) {
    return Ask(WithEcs(BuildQuery(name, type), ParseEcsPrefix(prefix)), source);
  }
  // Without EDNS, from `source`.
  Decoded AskFrom(const std::string& name, const std::string& source,
                  ldns_rr_type type = LDNS_RR_TYPE_A) {
    return Ask(BuildQuery(name, type), Source(source));
  }

  // Walks `steps`: before each, every app member healthy and its region up,
  // then the step's unhealthy members and admin states; `ask` must get
  // NOERROR with the step's value. `client` names the client in traces.
  void RunSteps(const std::string& client, const std::vector<StateStep>& steps,
                const std::function<Decoded()>& ask) {
    for (const StateStep& s : steps) {
      SCOPED_TRACE(client + ": " + s.what);
      SetAllAppHealth(true);
      for (const AppMember& m : kApp) SetAdmin(m.region, geo::AdminState::kUp);
      for (const auto& id : s.unhealthy) SetAppHealth(id, false);
      for (const auto& [region, state] : s.admin) SetAdmin(region, state);
      Decoded r = ask();
      ASSERT_EQ(r.rcode, LDNS_RCODE_NOERROR);
      EXPECT_EQ(r.value(), s.value);
    }
  }

  // The explain JSON for `query` from `source`.
  json Explain(const std::vector<uint8_t>& query, const ClientAddress& source = {}) {
    Request req;
    req.source = source;
    Trace trace;
    const size_t n = HandleQuery(*snapshot_, query.data(), query.size(), req, out_,
                                 sizeof out_, &outcome_, &trace);
    const std::string text = control::ExplainJson(trace, out_, n);
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "explain output is not JSON:\n" << text;
    return j;
  }

  geo::AdminStates admin_;
  geo::HealthTable health_;
  std::unique_ptr<const Snapshot> snapshot_;
  uint8_t out_[65535];
  Outcome outcome_;
};

// ---------------------------------------------------------------------------
// Latency routing.

struct SubnetCase {
  const char* prefix;   // the client's ECS prefix
  const char* value;    // expected member value
  uint32_t ttl;         // that member's TTL
  int scope_lo, scope_hi;  // the reply's scope must be in [lo, hi]
};

TEST_F(RoutingTest, NearestRegionPerClientSubnet) {
  const SubnetCase cases[] = {
      // Table rows: the row's first region; scope = the row's length.
      {"198.51.100.0/24", "192.0.2.102", 30, 24, 24},    // eu-west-1
      {"203.0.113.0/24", "192.0.2.103", 45, 24, 24},     // ap-southeast-1
      {"192.0.2.0/25", "192.0.2.104", 20, 25, 25},       // sa-east-1
      {"10.9.0.0/16", "192.0.2.102", 30, 16, 16},        // eu-west-1 only
      // RTT tie (30 ms each): region name order, eu-west-1 before us-east-1.
      {"10.7.0.0/16", "192.0.2.102", 30, 16, 16},
      // A longer ECS prefix inside a row.
      {"198.51.100.128/25", "192.0.2.102", 30, 24, 25},
      {"203.0.113.7/32", "192.0.2.103", 45, 24, 32},
      // The 0.0.0.0/0 default row (us-east-1 nearest). 100.64.0.0/2 holds
      // no other row; /1 holds 10.x and 20.x.
      {"100.64.0.0/10", "192.0.2.101", 60, 2, 10},
      // 20.0.0.0/8 -> us-east-1 first, 20.1.0.0/16 -> eu-west-1 first.
      {"20.2.0.0/24", "192.0.2.101", 60, 15, 24},
      {"20.128.0.0/9", "192.0.2.101", 60, 9, 9},
      {"20.1.0.0/16", "192.0.2.102", 30, 16, 16},
      {"20.1.200.0/24", "192.0.2.102", 30, 16, 24},
      // IPv6 rows.
      {"2001:db8:eeee:100::/56", "192.0.2.102", 30, 48, 56},
      {"2001:db8:eeee::/48", "192.0.2.102", 30, 48, 48},
      // ::/0 default; 2001:db8:1234:: differs from 2001:db8:eeee:: at bit 33.
      {"2001:db8:1234::/48", "192.0.2.101", 60, 33, 48},
  };
  for (const SubnetCase& c : cases) {
    SCOPED_TRACE(c.prefix);
    Decoded r = AskEcs("app.example.com.", c.prefix);
    ASSERT_FALSE(r.empty);
    EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
    EXPECT_TRUE(r.aa);
    ASSERT_EQ(r.values.size(), 1u) << r.Joined();
    EXPECT_EQ(r.values[0], c.value);
    EXPECT_EQ(r.ttls[0], c.ttl) << "the answer carries the member's TTL";
    EXPECT_EQ(r.owners[0], "app.example.com.");
    ASSERT_TRUE(r.ecs.has_value()) << "the reply must echo ECS";
    const Ecs sent = ParseEcsPrefix(c.prefix);
    EXPECT_EQ(r.ecs->family, sent.family);
    EXPECT_EQ(r.ecs->source, sent.source);
    EXPECT_EQ(r.ecs->address, sent.address);
    EXPECT_GE(r.scope(), c.scope_lo);
    EXPECT_LE(r.scope(), c.scope_hi);
    EXPECT_EQ(r.ecs_options, 1);
    EXPECT_TRUE(outcome_.has_ecs);
  }
}

// The RFC 7871 example of the issue: 20.0.0.0/8 -> A, 20.1.0.0/16 -> B; a
// query from 20.2.0.0/24 must not be told "all of 20/8" (scope 8).
TEST_F(RoutingTest, EcsScopeNeverClaimsTheWholeCoveringRow) {
  Decoded r = AskEcs("app.example.com.", "20.2.0.0/24");
  ASSERT_TRUE(r.ecs.has_value());
  EXPECT_EQ(r.value(), "192.0.2.101");
  EXPECT_NE(r.scope(), 8);
  EXPECT_GE(r.scope(), 15);
  EXPECT_LE(r.scope(), 24);
}

// A source prefix shorter than the table's detail: the client's /8 holds
// both rankings, so the answer for 20.0.0.0 holds for at most a /16 of it.
TEST_F(RoutingTest, EcsScopeLongerThanSourceWhenTheSubnetIsSplit) {
  Decoded r = AskEcs("app.example.com.", "20.0.0.0/8");
  ASSERT_TRUE(r.ecs.has_value());
  EXPECT_EQ(r.value(), "192.0.2.101");  // 20.0.0.0 is in 20/8, not 20.1/16
  EXPECT_EQ(r.ecs->source, 8);
  EXPECT_GE(r.scope(), 16) << "scope <= 8 would hand 20.1.0.0/16 the wrong region";
}

// app's members failing one by one, nearest first, for a client whose
// nearest region is eu-west-1 and whose other regions come in file order
// (use1, apse1, sae1, euc1, cac1): who answers after each step.
std::vector<StateStep> FailFromEuWestInFileOrder() {
  return {
      {"all healthy", {}, {}, "192.0.2.102"},
      {"euw1 unhealthy", {"euw1"}, {}, "192.0.2.101"},
      {"+use1", {"euw1", "use1"}, {}, "192.0.2.103"},
      {"+apse1", {"euw1", "use1", "apse1"}, {}, "192.0.2.104"},
      {"+sae1", {"euw1", "use1", "apse1", "sae1"}, {}, "192.0.2.105"},
      {"+euc1", {"euw1", "use1", "apse1", "sae1", "euc1"}, {}, "192.0.2.106"},
      {"all unhealthy: fail-open to nearest",
       {"euw1", "use1", "apse1", "sae1", "euc1", "cac1"}, {}, "192.0.2.102"},
  };
}

// Walks down a client's ranking as members fail; unranked regions come
// after every ranked one, in file order; with nothing eligible, fail-open
// answers the nearest.
TEST_F(RoutingTest, UnhealthyNearestFallsToNextThenUnrankedInFileOrderThenFailOpen) {
  // 198.51.100.0/24 ranks eu-west-1, us-east-1, ap-southeast-1, sa-east-1;
  // eu-central-1 and ca-central-1 are unranked (file order: euc1, cac1), so
  // sae1 is the last ranked member and euc1 the first unranked one.
  std::vector<StateStep> steps = FailFromEuWestInFileOrder();
  steps.push_back({"nearest healthy again", {"use1", "apse1", "sae1", "euc1", "cac1"}, {},
                   "192.0.2.102"});
  steps.push_back({"only an unranked one healthy", {"euw1", "use1", "apse1", "sae1", "euc1"},
                   {}, "192.0.2.106"});
  RunSteps("198.51.100.0/24", steps,
           [&] { return AskEcs("app.example.com.", "198.51.100.0/24"); });
}

TEST_F(RoutingTest, RowRankingOnlyOneRegionPutsTheRestInFileOrder) {
  // 10.9.0.0/16 ranks eu-west-1 only: the other five members come after it
  // in file order (use1, apse1, sae1, euc1, cac1), not in the /0's order.
  RunSteps("10.9.0.0/16", FailFromEuWestInFileOrder(),
           [&] { return AskEcs("app.example.com.", "10.9.0.0/16"); });
}

TEST_F(RoutingTest, DrainedAndDownRegionsAreSkipped) {
  using geo::AdminState;
  // The default ranking: us-east-1, eu-west-1, sa-east-1, ap-southeast-1.
  const std::vector<StateStep> steps = {
      {"all up", {}, {}, "192.0.2.101"},
      {"us-east-1 drained", {}, {{"us-east-1", AdminState::kDrain}}, "192.0.2.102"},
      {"us-east-1 down", {}, {{"us-east-1", AdminState::kDown}}, "192.0.2.102"},
      {"+eu-west-1 drained", {},
       {{"us-east-1", AdminState::kDown}, {"eu-west-1", AdminState::kDrain}}, "192.0.2.104"},
      {"+sa-east-1 unhealthy", {"sae1"},
       {{"us-east-1", AdminState::kDown}, {"eu-west-1", AdminState::kDrain}}, "192.0.2.103"},
      {"ranked all out: unranked eu-central-1", {"sae1"},
       {{"us-east-1", AdminState::kDown},
        {"eu-west-1", AdminState::kDrain},
        {"ap-southeast-1", AdminState::kDown}},
       "192.0.2.105"},
      {"every region drained or down: fail-open", {},
       {{"us-east-1", AdminState::kDrain},
        {"eu-west-1", AdminState::kDown},
        {"ap-southeast-1", AdminState::kDrain},
        {"sa-east-1", AdminState::kDown},
        {"eu-central-1", AdminState::kDrain},
        {"ca-central-1", AdminState::kDown}},
       "192.0.2.101"},
      {"back up", {}, {}, "192.0.2.101"},
  };
  RunSteps("packet source 192.168.1.1 (default row)", steps,
           [&] { return AskFrom("app.example.com.", "192.168.1.1"); });
}

TEST_F(RoutingTest, DrainedNearestForEcsClient) {
  SetAdmin("eu-west-1", geo::AdminState::kDrain);
  EXPECT_EQ(AskEcs("app.example.com.", "198.51.100.0/24").value(), "192.0.2.101");
  SetAdmin("eu-west-1", geo::AdminState::kDown);
  EXPECT_EQ(AskEcs("app.example.com.", "198.51.100.0/24").value(), "192.0.2.101");
  SetAdmin("eu-west-1", geo::AdminState::kUp);
  EXPECT_EQ(AskEcs("app.example.com.", "198.51.100.0/24").value(), "192.0.2.102");
}

TEST_F(RoutingTest, AllUnhealthyOrOutFailsOpenToNearest) {
  // Mixed: every member either unhealthy or in a region out of service.
  SetAppHealth("euw1", false);
  SetAppHealth("apse1", false);
  SetAppHealth("euc1", false);
  SetAdmin("us-east-1", geo::AdminState::kDrain);
  SetAdmin("sa-east-1", geo::AdminState::kDown);
  SetAdmin("ca-central-1", geo::AdminState::kDrain);
  EXPECT_EQ(AskEcs("app.example.com.", "198.51.100.0/24").value(), "192.0.2.102");
  EXPECT_EQ(AskEcs("app.example.com.", "203.0.113.0/24").value(), "192.0.2.103");
  EXPECT_EQ(AskEcs("app.example.com.", "192.0.2.0/25").value(), "192.0.2.104");
  EXPECT_EQ(AskFrom("app.example.com.", "192.168.1.1").value(), "192.0.2.101");
}

// ---------------------------------------------------------------------------
// The client address: ECS, else the packet source.

TEST_F(RoutingTest, PacketSourceWithoutEcs) {
  struct {
    const char* source;
    const char* value;
  } cases[] = {
      {"198.51.100.7", "192.0.2.102"},
      {"203.0.113.250", "192.0.2.103"},
      {"192.0.2.1", "192.0.2.104"},
      {"192.0.2.200", "192.0.2.101"},  // outside 192.0.2.0/25: default
      {"127.0.0.1", "192.0.2.101"},
      {"2001:db8:eeee::1", "192.0.2.102"},
      {"2001:db8:ffff::1", "192.0.2.101"},  // ::/0
      // v4-mapped: the IPv4 client 203.0.113.9, not the ::/0 default.
      {"::ffff:203.0.113.9", "192.0.2.103"},
      {"::ffff:198.51.100.7", "192.0.2.102"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.source);
    Decoded r = AskFrom("app.example.com.", c.source);
    EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
    EXPECT_EQ(r.value(), c.value);
    EXPECT_FALSE(r.has_opt) << "no OPT in the query, none in the reply";
    EXPECT_FALSE(r.ecs.has_value());
  }
  // EDNS without ECS: routed by the source, no ECS option in the reply.
  Decoded r = Ask(BuildQuery("app.example.com.", LDNS_RR_TYPE_A, {.edns_udp = 1232}),
                  Source("203.0.113.9"));
  EXPECT_EQ(r.value(), "192.0.2.103");
  EXPECT_TRUE(r.has_opt);
  EXPECT_FALSE(r.ecs.has_value());
  EXPECT_EQ(r.ecs_options, 0);
}

TEST_F(RoutingTest, EcsWinsOverPacketSource) {
  // Packet from 203.0.113.9 (ap-southeast-1), ECS says 198.51.100.0/24.
  Decoded r = AskEcs("app.example.com.", "198.51.100.0/24", LDNS_RR_TYPE_A,
                     Source("203.0.113.9"));
  EXPECT_EQ(r.value(), "192.0.2.102");
  ASSERT_TRUE(r.ecs.has_value());
  EXPECT_EQ(r.scope(), 24);
  // IPv6 ECS from an IPv4 packet source.
  Decoded v6 = AskEcs("app.example.com.", "2001:db8:eeee:1200::/56", LDNS_RR_TYPE_A,
                      Source("203.0.113.9"));
  EXPECT_EQ(v6.value(), "192.0.2.102");
  ASSERT_TRUE(v6.ecs.has_value());
  EXPECT_EQ(v6.ecs->family, 2);
  EXPECT_EQ(v6.ecs->source, 56);
  EXPECT_EQ(v6.ecs->address, ParseEcsPrefix("2001:db8:eeee:1200::/56").address);
  EXPECT_GE(v6.scope(), 48);
  EXPECT_LE(v6.scope(), 56);
}

// Extreme source prefixes: a /1 and a /2 hold several rows (the scope must
// be longer than the source), a /128 is one address.
TEST_F(RoutingTest, EcsShortAndFullSourcePrefixes) {
  // 128.0.0.0 matches only 0.0.0.0/0; 128.0.0.0/2 (128-191) holds no row,
  // 128.0.0.0/1 holds 192.0.2.0/25 and others.
  Decoded one = AskEcs("app.example.com.", "128.0.0.0/1");
  EXPECT_EQ(one.value(), "192.0.2.101");
  ASSERT_TRUE(one.ecs.has_value());
  EXPECT_EQ(one.ecs->source, 1);
  EXPECT_GE(one.scope(), 2);
  EXPECT_LE(one.scope(), 32);
  // 0.0.0.0/1 holds 10.7/16, 10.9/16, 20/8 ...: 0.0.0.0 is in /0 only;
  // 0.0.0.0/5 (0-7) holds no row, /4 (0-15) holds 10.x.
  Decoded zero_net = AskEcs("app.example.com.", "0.0.0.0/1");
  EXPECT_EQ(zero_net.value(), "192.0.2.101");
  EXPECT_GE(zero_net.scope(), 5);
  Decoded full = AskEcs("app.example.com.", "2001:db8:eeee::1/128");
  EXPECT_EQ(full.value(), "192.0.2.102");
  ASSERT_TRUE(full.ecs.has_value());
  EXPECT_EQ(full.ecs->source, 128);
  EXPECT_EQ(full.ecs->address.size(), 16u);
  EXPECT_GE(full.scope(), 48);
  EXPECT_LE(full.scope(), 128);
}

// An IPv6 (family 2) ECS option carrying a v4-mapped prefix is the IPv4
// client 198.51.100.0 (geo/ treats v4-mapped as IPv4). The echoed scope is
// in the option's family (IPv6 bits): the /24 row is
// ::ffff:198.51.100.0/120, and anything shorter (e.g. 24) would claim the
// answer for other clients.
TEST_F(RoutingTest, EcsV4MappedInIpv6FamilyKeepsScopeInIpv6Terms) {
  Decoded r = AskEcs("app.example.com.", "::ffff:198.51.100.0/120");
  ASSERT_FALSE(r.empty);
  ASSERT_EQ(r.rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(r.value(), "192.0.2.102");
  ASSERT_TRUE(r.ecs.has_value());
  EXPECT_EQ(r.ecs->family, 2);
  EXPECT_EQ(r.ecs->source, 120);
  EXPECT_EQ(r.scope(), 120);
}

TEST_F(RoutingTest, EcsSourcePrefixZeroRoutesByPacketSourceWithScopeZero) {
  for (uint16_t family : {1, 2}) {
    SCOPED_TRACE(family);
    Ecs zero;
    zero.family = family;
    zero.source = 0;
    for (const auto& [source, value] :
         std::vector<std::pair<std::string, std::string>>{{"203.0.113.9", "192.0.2.103"},
                                                          {"198.51.100.7", "192.0.2.102"},
                                                          {"2001:db8:eeee::5", "192.0.2.102"},
                                                          {"10.0.0.1", "192.0.2.101"}}) {
      SCOPED_TRACE(source);
      Decoded r = Ask(WithEcs(BuildQuery("app.example.com.", LDNS_RR_TYPE_A), zero),
                      Source(source));
      EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
      EXPECT_EQ(r.value(), value);
      ASSERT_TRUE(r.ecs.has_value());
      EXPECT_EQ(r.ecs->family, family);
      EXPECT_EQ(r.ecs->source, 0);
      EXPECT_EQ(r.scope(), 0);
      EXPECT_TRUE(r.ecs->address.empty());
    }
  }
}

TEST_F(RoutingTest, MalformedEcsIsFormErr) {
  const struct {
    const char* what;
    Ecs ecs;
  } cases[] = {
      {"unknown family", {3, 8, 0, {10}}},
      {"address longer than the prefix", {1, 8, 0, {10, 1}}},
      {"address shorter than the prefix", {1, 24, 0, {10, 1}}},
      {"bits set after the prefix", {1, 20, 0, {10, 1, 0x1f}}},
      {"scope set in the query", {1, 24, 24, {198, 51, 100}}},
      {"IPv4 prefix over 32", {1, 33, 0, {1, 2, 3, 4, 0}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Decoded r = Ask(WithEcs(BuildQuery("app.example.com.", LDNS_RR_TYPE_A), c.ecs),
                    Source("198.51.100.7"));
    ASSERT_FALSE(r.empty);
    EXPECT_EQ(r.rcode, LDNS_RCODE_FORMERR);
    EXPECT_TRUE(r.values.empty());
  }
}

// Static, negative and referral answers are right for every client: scope
// 0, even with ECS, and routing never changes them.
TEST_F(RoutingTest, StaticNegativeAndReferralRepliesCarryScopeZero) {
  const struct {
    const char* name;
    ldns_rr_type type;
    int rcode;
    const char* answer;  // substring of the first answer RR ("" for none)
  } cases[] = {
      {"www.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, "192.0.2.1"},
      {"www.example.com.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, "2001:db8::1"},
      {"app.example.com.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, "static beside routed"},
      {"nope.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, ""},
      {"app.example.com.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, ""},   // NODATA at a routed name
      {"app.example.com.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, ""}, // no AAAA group
      {"www.example.com.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, ""},   // NODATA
      {"host.sub.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, ""},  // referral
  };
  for (const char* prefix : {"198.51.100.0/24", "2001:db8:eeee::/48", "20.2.0.0/24"}) {
    for (const auto& c : cases) {
      SCOPED_TRACE(std::string(prefix) + " " + c.name);
      Decoded r = AskEcs(c.name, prefix, c.type);
      ASSERT_FALSE(r.empty);
      EXPECT_EQ(r.rcode, c.rcode);
      if (*c.answer != '\0') {
        ASSERT_FALSE(r.answer.empty());
        EXPECT_THAT(r.answer[0], HasSubstr(c.answer));
        EXPECT_THAT(r.answer[0], HasSubstr("\t3600\t"));
      } else {
        EXPECT_TRUE(r.answer.empty());
        EXPECT_FALSE(r.authority.empty());
      }
      ASSERT_TRUE(r.ecs.has_value());
      EXPECT_EQ(r.scope(), 0);
      EXPECT_EQ(r.ecs->source, ParseEcsPrefix(prefix).source);
      EXPECT_EQ(r.ecs->address, ParseEcsPrefix(prefix).address);
    }
  }
  // The referral's authority is the delegation, without AA.
  Decoded ref = AskEcs("host.sub.example.com.", "198.51.100.0/24");
  EXPECT_FALSE(ref.aa);
  ASSERT_FALSE(ref.authority.empty());
  EXPECT_THAT(ref.authority[0], HasSubstr("sub.example.com.\t3600\tIN\tNS\tns.sub.example.com."));
}

TEST_F(RoutingTest, NonLatencyPoliciesDoNotDependOnTheClient) {
  for (const char* name : {"canary.example.com.", "status.example.com.", "multi.example.com.",
                           "toww.example.com."}) {
    SCOPED_TRACE(name);
    Decoded r = AskEcs(name, "198.51.100.0/24");
    EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
    EXPECT_FALSE(r.values.empty());
    ASSERT_TRUE(r.ecs.has_value());
    EXPECT_EQ(r.scope(), 0);
  }
}

TEST_F(RoutingTest, CnameIntoRoutedNameIsRoutedWithScope) {
  Decoded r = AskEcs("web.example.com.", "203.0.113.0/24");
  EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
  ASSERT_EQ(r.answer.size(), 2u);
  EXPECT_THAT(r.answer[0], HasSubstr("web.example.com.\t3600\tIN\tCNAME\tapp.example.com."));
  EXPECT_EQ(r.value(), "192.0.2.103");
  ASSERT_EQ(r.owners.size(), 1u);
  EXPECT_EQ(r.owners[0], "app.example.com.");
  EXPECT_EQ(r.ttls[0], 45u);
  EXPECT_EQ(r.scope(), 24);
}

TEST_F(RoutingTest, WildcardLatencyGroup) {
  Decoded eu = AskEcs("anything.wild.example.com.", "198.51.100.0/24");
  EXPECT_EQ(eu.rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(eu.value(), "192.0.2.152");
  ASSERT_EQ(eu.owners.size(), 1u);
  EXPECT_EQ(eu.owners[0], "anything.wild.example.com.");
  EXPECT_EQ(eu.ttls[0], 50u);
  EXPECT_EQ(eu.scope(), 24);
  EXPECT_EQ(AskEcs("x.y.wild.example.com.", "20.2.0.0/24").value(), "192.0.2.151");
}

TEST_F(RoutingTest, RoutedCnameGroupIsFollowed) {
  // 203.0.113.0/24: ap-southeast-1 → CNAME app, whose A is routed too.
  Decoded ap = AskEcs("cdn.example.com.", "203.0.113.0/24");
  EXPECT_EQ(ap.rcode, LDNS_RCODE_NOERROR);
  ASSERT_EQ(ap.answer.size(), 2u);
  EXPECT_THAT(ap.answer[0], HasSubstr("cdn.example.com.\t300\tIN\tCNAME\tapp.example.com."));
  EXPECT_EQ(ap.value(), "192.0.2.103");
  EXPECT_EQ(ap.scope(), 24);
  // 20.2.0.0/24: us-east-1 → CNAME www (static).
  Decoded us = AskEcs("cdn.example.com.", "20.2.0.0/24");
  ASSERT_EQ(us.answer.size(), 2u);
  EXPECT_THAT(us.answer[0], HasSubstr("cdn.example.com.\t300\tIN\tCNAME\twww.example.com."));
  EXPECT_EQ(us.value(), "192.0.2.1");
  EXPECT_GE(us.scope(), 15);
  EXPECT_LE(us.scope(), 24);
  // Asking for the CNAME itself.
  Decoded c = AskEcs("cdn.example.com.", "203.0.113.0/24", LDNS_RR_TYPE_CNAME);
  ASSERT_EQ(c.answer.size(), 1u);
  EXPECT_THAT(c.answer[0], HasSubstr("CNAME\tapp.example.com."));
  EXPECT_EQ(c.scope(), 24);
}

TEST_F(RoutingTest, QueryNameCaseDoesNotMatter) {
  Decoded r = AskEcs("APP.Example.COM.", "203.0.113.0/24");
  EXPECT_EQ(r.value(), "192.0.2.103");
  EXPECT_EQ(r.scope(), 24);
}

TEST_F(RoutingTest, TcpAnswersTheSame) {
  Decoded r = Ask(WithEcs(BuildQuery("app.example.com.", LDNS_RR_TYPE_A),
                          ParseEcsPrefix("192.0.2.0/25")),
                  {}, Transport::kTcp);
  EXPECT_EQ(r.value(), "192.0.2.104");
  EXPECT_EQ(r.scope(), 25);
}

// ---------------------------------------------------------------------------
// Weighted.

// Draws `n` answers for `name`; returns the count per value.
std::map<std::string, int> Draw(const std::function<Decoded()>& ask, int n) {
  std::map<std::string, int> counts;
  for (int i = 0; i < n; ++i) {
    Decoded r = ask();
    if (r.values.size() != 1) {
      ADD_FAILURE() << "draw " << i << ": expected one value, got " << r.Joined();
      break;
    }
    ++counts[r.values[0]];
  }
  return counts;
}

constexpr int kDraws = 20000;
constexpr double kTolerance = 0.02;  // ±2 percentage points

TEST_F(RoutingTest, WeightedShares) {
  const auto ask = [&](const char* name) {
    return [this, name] { return AskFrom(name, "198.51.100.7"); };
  };
  {
    auto c = Draw(ask("canary.example.com."), kDraws);
    EXPECT_NEAR(c["192.0.2.111"] / double(kDraws), 0.90, kTolerance);
    EXPECT_NEAR(c["192.0.2.112"] / double(kDraws), 0.10, kTolerance);
    EXPECT_EQ(c.size(), 2u);
  }
  {
    // 3 : 1 : 0 — the weight-0 member never answers while others are healthy.
    auto c = Draw(ask("w0.example.com."), kDraws);
    EXPECT_NEAR(c["192.0.2.113"] / double(kDraws), 0.75, kTolerance);
    EXPECT_NEAR(c["192.0.2.114"] / double(kDraws), 0.25, kTolerance);
    EXPECT_EQ(c.count("192.0.2.115"), 0u) << "weight 0 answered while others are healthy";
  }
  {
    // All weights 0: equal chances.
    auto c = Draw(ask("zero.example.com."), kDraws);
    EXPECT_NEAR(c["192.0.2.116"] / double(kDraws), 0.5, kTolerance);
    EXPECT_NEAR(c["192.0.2.117"] / double(kDraws), 0.5, kTolerance);
  }
}

TEST_F(RoutingTest, WeightedTtlAndOwner) {
  Decoded r = AskFrom("canary.example.com.", "198.51.100.7");
  ASSERT_EQ(r.values.size(), 1u);
  EXPECT_EQ(r.ttls[0], 30u);
  EXPECT_EQ(r.owners[0], "canary.example.com.");
}

TEST_F(RoutingTest, WeightedUnhealthyMembersAndWeightZero) {
  const auto ask = [this] { return AskFrom("w0.example.com.", "198.51.100.7"); };
  // wa unhealthy: all of the weight is wb's.
  SetHealth("hc-wa", false);
  auto c = Draw(ask, 2000);
  EXPECT_EQ(c["192.0.2.114"], 2000);
  // wa and wb unhealthy: now the weight-0 member answers.
  SetHealth("hc-wb", false);
  c = Draw(ask, 2000);
  EXPECT_EQ(c["192.0.2.115"], 2000);
  // wb back: the weight-0 member stops.
  SetHealth("hc-wb", true);
  c = Draw(ask, 2000);
  EXPECT_EQ(c["192.0.2.114"], 2000);
}

TEST_F(RoutingTest, WeightedAllUnhealthyFailsOpen) {
  // pool-eu: every member has a health check. All down → fail-open: both
  // still answer, by weight (1:1).
  SetHealth("hc-e1", false);
  SetHealth("hc-e2", false);
  auto c = Draw([this] { return AskFrom("pool-eu.example.com.", "198.51.100.7"); },
                4000);
  EXPECT_NEAR(c["192.0.2.141"] / 4000.0, 0.5, 0.05);
  EXPECT_NEAR(c["192.0.2.142"] / 4000.0, 0.5, 0.05);
  // One healthy: only that one.
  SetHealth("hc-e2", true);
  c = Draw([this] { return AskFrom("pool-eu.example.com.", "198.51.100.7"); }, 1000);
  EXPECT_EQ(c["192.0.2.142"], 1000);
}

TEST_F(RoutingTest, WeightedAliasMemberWithEvaluateTargetHealth) {
  const auto ask = [this] { return AskFrom("wal.example.com.", "198.51.100.7"); };
  auto c = Draw(ask, 4000);
  const int to_eu = c["192.0.2.141"] + c["192.0.2.142"];
  EXPECT_NEAR(to_eu / 4000.0, 0.5, 0.05);
  EXPECT_NEAR(c["192.0.2.118"] / 4000.0, 0.5, 0.05);
  // The alias target all unhealthy: the alias member is out of the draw.
  SetHealth("hc-e1", false);
  SetHealth("hc-e2", false);
  c = Draw(ask, 1000);
  EXPECT_EQ(c["192.0.2.118"], 1000);
}

TEST_F(RoutingTest, AnyQueryAtRoutedNames) {
  // RFC 8482: one RRset. At app the static TXT is there to give; at geo
  // (routed only) a routed answer, with the scope of its decision.
  Decoded app = AskEcs("app.example.com.", "198.51.100.0/24", LDNS_RR_TYPE_ANY);
  EXPECT_EQ(app.rcode, LDNS_RCODE_NOERROR);
  EXPECT_FALSE(app.answer.empty());
  Decoded geo = AskEcs("geo.example.com.", "198.51.100.0/24", LDNS_RR_TYPE_ANY);
  EXPECT_EQ(geo.rcode, LDNS_RCODE_NOERROR);
  ASSERT_EQ(geo.values.size(), 1u) << geo.Joined();
  EXPECT_THAT(geo.values[0], AnyOf("192.0.2.141", "192.0.2.142"));
  EXPECT_EQ(geo.scope(), 24);
}

// ---------------------------------------------------------------------------
// Failover.

TEST_F(RoutingTest, FailoverAllCombinations) {
  const struct {
    bool primary, secondary;
    const char* value;
  } cases[] = {
      {true, true, "192.0.2.121"},
      {true, false, "192.0.2.121"},
      {false, true, "192.0.2.122"},
      {false, false, "192.0.2.121"},  // both unhealthy: PRIMARY
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string("primary ") + (c.primary ? "up" : "down") + ", secondary " +
                 (c.secondary ? "up" : "down"));
    SetHealth("hc-primary", c.primary);
    SetHealth("hc-secondary", c.secondary);
    for (int i = 0; i < 3; ++i) {
      Decoded r = AskFrom("status.example.com.", "198.51.100.7");
      EXPECT_EQ(r.value(), c.value);
      ASSERT_EQ(r.ttls.size(), 1u);
      EXPECT_EQ(r.ttls[0], 30u);
    }
  }
}

// ---------------------------------------------------------------------------
// Multivalue.

TEST_F(RoutingTest, MultivalueAtMostEightInVaryingOrder) {
  std::set<std::vector<std::string>> orders;
  std::set<std::string> seen;
  for (int i = 0; i < 300; ++i) {
    Decoded r = AskFrom("multi.example.com.", "198.51.100.7");
    ASSERT_EQ(r.rcode, LDNS_RCODE_NOERROR);
    ASSERT_GE(r.values.size(), 1u);
    ASSERT_LE(r.values.size(), 8u) << r.Joined();
    EXPECT_EQ(r.values.size(), 8u) << "10 healthy members: Route 53 answers 8";
    std::set<std::string> distinct(r.values.begin(), r.values.end());
    EXPECT_EQ(distinct.size(), r.values.size()) << "duplicates: " << r.Joined();
    for (uint32_t ttl : r.ttls) EXPECT_EQ(ttl, 40u);
    for (const auto& o : r.owners) EXPECT_EQ(o, "multi.example.com.");
    orders.insert(r.values);
    seen.insert(r.values.begin(), r.values.end());
  }
  EXPECT_GE(orders.size(), 10u) << "the order (and subset) must vary across answers";
  EXPECT_EQ(seen.size(), 10u) << "every member must get its turn";
}

TEST_F(RoutingTest, MultivalueOnlyHealthyMembers) {
  for (int i = 0; i < 7; ++i) SetHealth("hc-m" + std::to_string(i), false);
  // m7, m8, m9 healthy.
  std::set<std::vector<std::string>> orders;
  for (int i = 0; i < 100; ++i) {
    Decoded r = AskFrom("multi.example.com.", "198.51.100.7");
    std::vector<std::string> sorted = r.values;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_THAT(sorted, ElementsAre("192.0.2.167", "192.0.2.168", "192.0.2.169"));
    orders.insert(r.values);
  }
  EXPECT_GE(orders.size(), 2u) << "the order must vary";
  // All unhealthy: fail-open, up to 8 of the 10.
  for (int i = 7; i < 10; ++i) SetHealth("hc-m" + std::to_string(i), false);
  Decoded r = AskFrom("multi.example.com.", "198.51.100.7");
  EXPECT_GE(r.values.size(), 1u);
  EXPECT_LE(r.values.size(), 8u);
}

// ---------------------------------------------------------------------------
// Aliases.

TEST_F(RoutingTest, AliasToLatencyGroup) {
  const struct {
    const char* prefix;
    const char* value;
    uint32_t ttl;
    int scope;
  } cases[] = {
      {"198.51.100.0/24", "192.0.2.102", 30, 24},
      {"203.0.113.0/24", "192.0.2.103", 45, 24},
      {"192.0.2.0/25", "192.0.2.104", 20, 25},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.prefix);
    Decoded r = AskEcs("api.example.com.", c.prefix);
    EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
    EXPECT_TRUE(r.aa);
    ASSERT_EQ(r.values.size(), 1u) << r.Joined();
    EXPECT_EQ(r.values[0], c.value);
    EXPECT_EQ(r.owners[0], "api.example.com.") << "an alias answers under its own name";
    EXPECT_EQ(r.ttls[0], c.ttl) << "the target member's TTL";
    EXPECT_EQ(r.scope(), c.scope);
  }
  // Without ECS: the packet source.
  EXPECT_EQ(AskFrom("api.example.com.", "203.0.113.9").value(), "192.0.2.103");
}

TEST_F(RoutingTest, AliasToStaticRRset) {
  Decoded r = AskEcs("toww.example.com.", "198.51.100.0/24");
  EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(r.value(), "192.0.2.1");
  ASSERT_EQ(r.owners.size(), 1u);
  EXPECT_EQ(r.owners[0], "toww.example.com.");
  EXPECT_EQ(r.scope(), 0);
}

TEST_F(RoutingTest, AliasEvaluateTargetHealth) {
  const std::string client = "203.0.113.0/24";  // ap-southeast-1 nearest
  // Target healthy: the PRIMARY alias answers from the latency group.
  EXPECT_EQ(AskEcs("front.example.com.", client).value(), "192.0.2.103");
  EXPECT_EQ(AskEcs("front2.example.com.", client).value(), "192.0.2.103");
  // One target member healthy (unranked ca-central-1): target healthy.
  SetAllAppHealth(false);
  SetAppHealth("cac1", true);
  EXPECT_EQ(AskEcs("front.example.com.", client).value(), "192.0.2.106");
  // Every target member unhealthy: the alias member is unhealthy with
  // EvaluateTargetHealth → SECONDARY; without, the PRIMARY alias still
  // answers (and its target fails open to the nearest).
  SetAppHealth("cac1", false);
  Decoded r = AskEcs("front.example.com.", client);
  EXPECT_EQ(r.value(), "192.0.2.250");
  ASSERT_EQ(r.ttls.size(), 1u);
  EXPECT_EQ(r.ttls[0], 30u);
  EXPECT_EQ(AskEcs("front2.example.com.", client).value(), "192.0.2.103");
  // A simple alias (one member) with EvaluateTargetHealth still answers:
  // nothing else could (fail-open), from its target's nearest member.
  EXPECT_EQ(AskEcs("api.example.com.", client).value(), "192.0.2.103");
  // Healthy again: back to the PRIMARY.
  SetAllAppHealth(true);
  EXPECT_EQ(AskEcs("front.example.com.", client).value(), "192.0.2.103");
}

TEST_F(RoutingTest, AliasEvaluateTargetHealthCountsDrainedRegions) {
  // Every target member's region out of service: target unhealthy.
  for (const AppMember& m : kApp) SetAdmin(m.region, geo::AdminState::kDrain);
  SetAdmin("eu-west-1", geo::AdminState::kDown);
  EXPECT_EQ(AskEcs("front.example.com.", "203.0.113.0/24").value(), "192.0.2.250");
  SetAdmin("sa-east-1", geo::AdminState::kUp);
  EXPECT_EQ(AskEcs("front.example.com.", "203.0.113.0/24").value(), "192.0.2.104");
}

TEST_F(RoutingTest, NestedAliasLatencyToWeighted) {
  const auto draw = [this](const std::string& prefix) {
    std::map<std::string, int> counts;
    for (int i = 0; i < 400; ++i) {
      Decoded r = AskEcs("geo.example.com.", prefix);
      if (r.values.size() != 1) {
        ADD_FAILURE() << r.Joined();
        break;
      }
      EXPECT_EQ(r.owners[0], "geo.example.com.");
      EXPECT_EQ(r.ttls[0], 20u);
      ++counts[r.values[0]];
    }
    return counts;
  };
  // 198.51.100.0/24: eu-west-1 → pool-eu (both members drawn).
  auto eu = draw("198.51.100.0/24");
  EXPECT_EQ(eu.size(), 2u);
  EXPECT_GT(eu["192.0.2.141"], 100);
  EXPECT_GT(eu["192.0.2.142"], 100);
  // 20.2.0.0/24: us-east-1 → pool-us.
  auto us = draw("20.2.0.0/24");
  EXPECT_EQ(us.size(), 2u);
  EXPECT_GT(us["192.0.2.131"], 100);
  EXPECT_GT(us["192.0.2.132"], 100);
  // The latency decision sets the scope.
  Decoded r = AskEcs("geo.example.com.", "198.51.100.0/24");
  EXPECT_EQ(r.scope(), 24);
  // pool-eu all unhealthy: geo's eu member is unhealthy (EvaluateTargetHealth),
  // the next region (us-east-1) answers.
  SetHealth("hc-e1", false);
  SetHealth("hc-e2", false);
  auto next = draw("198.51.100.0/24");
  EXPECT_EQ(next.count("192.0.2.141") + next.count("192.0.2.142"), 0u);
  EXPECT_GT(next["192.0.2.131"], 100);
  EXPECT_GT(next["192.0.2.132"], 100);
}

// ---------------------------------------------------------------------------
// BuildSnapshot: alias targets must resolve and must not loop.

struct BadAlias {
  const char* what;
  std::string json;
  std::string extra_zone;     // another zone (example.net.) master text, or ""
  std::string record_name;    // the record the error must name
  std::string target;         // ... and the alias target it is about
};

constexpr char kNetZone[] = R"($ORIGIN example.net.
$TTL 3600
@     IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@     IN NS  ns1
ns1   IN A   192.0.2.54
host  IN A   192.0.2.77
)";

std::string Sets(std::initializer_list<std::string> sets) {
  std::string out = R"({"ResourceRecordSets":[)";
  bool first = true;
  for (const auto& s : sets) {
    out += (first ? "" : ",") + s;
    first = false;
  }
  return out + "]}";
}

TEST(RoutingSnapshotTest, AliasErrorsNameTheRecord) {
  const BadAlias cases[] = {
      {"target in no loaded zone",
       Sets({Alias("lost.example.com.", "www.example.org.", false)}), "",
       "lost.example.com.", "www.example.org"},
      {"target zone loaded but name missing",
       Sets({Alias("lost.example.com.", "nope.example.net.", false)}), kNetZone,
       "lost.example.com.", "nope.example.net"},
      {"target name missing in the same zone",
       Sets({Alias("lost.example.com.", "nope.example.com.", false)}), "",
       "lost.example.com.", "nope.example.com"},
      {"target without that type",
       // app has only TXT statically (no A) in this zone.
       Sets({Alias("notype.example.com.", "app.example.com.", false)}), "",
       "notype.example.com.", "app.example.com"},
      {"target without that type (latency member)",
       Sets({Alias("lat.example.com.", "app.example.com.", true,
                   R"("SetIdentifier":"eu","Region":"eu-west-1",)"),
             Alias("lat.example.com.", "www.example.com.", true,
                   R"("SetIdentifier":"us","Region":"us-east-1",)")}),
       "", "lat.example.com.', type='A', set-identifier='eu", "app.example.com"},
      {"alias to itself", Sets({Alias("self.example.com.", "self.example.com.", false)}), "",
       "self.example.com.", "self.example.com"},
      {"alias cycle a -> b -> a",
       Sets({Alias("loop-a.example.com.", "loop-b.example.com.", false),
             Alias("loop-b.example.com.", "loop-a.example.com.", false)}),
       "", "loop-", "loop-"},
      {"alias cycle through a weighted group",
       Sets({Alias("ring.example.com.", "ring-w.example.com.", false),
             Alias("ring-w.example.com.", "ring.example.com.", false,
                   R"("SetIdentifier":"one","Weight":1,)"),
             Weighted("ring-w.example.com.", "two", 1, "192.0.2.9", false)}),
       "", "ring", "ring"},
  };
  for (const BadAlias& c : cases) {
    SCOPED_TRACE(c.what);
    geo::AdminStates admin;
    geo::HealthTable health;
    absl::Status st = MakeSnapshot({.json = c.json,
                                    .net_zone = c.extra_zone,
                                    .latency = false,
                                    .admin = &admin,
                                    .health = &health})
                          .status();
    ASSERT_FALSE(st.ok()) << "must be refused";
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    const std::string msg(st.message());
    EXPECT_THAT(msg, HasSubstr("record set [name='" + c.record_name)) << msg;
    EXPECT_THAT(msg, HasSubstr("type='A'")) << msg;
    EXPECT_THAT(msg, HasSubstr(c.target)) << msg;
    EXPECT_THAT(msg, HasSubstr("example.com.json")) << "where the record was defined: " << msg;
  }
}

// With the configured health checks given, a HealthCheckId outside them
// is an error naming the record; one inside gets its slot.
TEST(RoutingSnapshotTest, UnknownHealthCheckIdNamesTheRecord) {
  const std::string json = Sets({Weighted("w.example.com.", "one", 1, "192.0.2.9", true),
                                 Weighted("w.example.com.", "two", 1, "192.0.2.10", true)});
  auto zone = MakeZone("example.com.", kZone, json);
  ASSERT_TRUE(zone.ok()) << zone.status();
  for (bool known_two : {false, true}) {
    geo::HealthTable health;
    SnapshotInputs in;
    in.zones.Put(*zone);
    in.health = &health;
    in.health_check_known = [known_two](std::string_view id) {
      return id == "hc-one" || (known_two && id == "hc-two");
    };
    auto snap = BuildSnapshot(std::move(in));
    if (known_two) {
      ASSERT_TRUE(snap.ok()) << snap.status();
      EXPECT_TRUE(health.Find("hc-two").has_value());
      continue;
    }
    ASSERT_FALSE(snap.ok());
    EXPECT_EQ(snap.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(snap.status().message()),
                HasSubstr("record set [name='w.example.com.', type='A', set-identifier='two']: "
                          "HealthCheckId 'hc-two' is not a configured health check"));
  }
}

TEST(RoutingSnapshotTest, AliasTargetInAnotherLoadedZone) {
  geo::AdminStates admin;
  geo::HealthTable health;
  auto snap = MakeSnapshot({.json = Sets({Alias("out.example.com.", "host.example.net.", false)}),
                            .net_zone = kNetZone,
                            .latency = false,
                            .admin = &admin,
                            .health = &health});
  ASSERT_TRUE(snap.ok()) << snap.status();
  Decoded r = AnswerFrom(**snap, BuildQuery("out.example.com.", LDNS_RR_TYPE_A));
  EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(r.value(), "192.0.2.77");
  ASSERT_EQ(r.owners.size(), 1u);
  EXPECT_EQ(r.owners[0], "out.example.com.");
}

TEST(RoutingSnapshotTest, NoTableNoStatesStillAnswers) {
  // A snapshot without a latency table, admin or health state: every
  // member healthy and up, the ranking empty (members in file order).
  auto snap = MakeSnapshot({.latency = false});
  ASSERT_TRUE(snap.ok()) << snap.status();
  Decoded r = AnswerFrom(**snap, BuildQuery("app.example.com.", LDNS_RR_TYPE_A));
  EXPECT_EQ(r.rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(r.value(), "192.0.2.101");
}

TEST(RoutingSnapshotTest, SlotsAreKeptAcrossSnapshots) {
  // A reload resolves the same names to the same slots and ids, so health
  // and admin state survive it.
  geo::AdminStates admin;
  geo::HealthTable health;
  auto first = MakeSnapshot({.admin = &admin, .health = &health});
  ASSERT_TRUE(first.ok()) << first.status();
  health.Set(*health.Find("hc-euw1"), false);
  admin.Set(*admin.Find("us-east-1"), geo::AdminState::kDrain);
  auto second = MakeSnapshot({.admin = &admin, .health = &health});
  ASSERT_TRUE(second.ok()) << second.status();
  std::vector<uint8_t> q = WithEcs(BuildQuery("app.example.com.", LDNS_RR_TYPE_A),
                                   ParseEcsPrefix("198.51.100.0/24"));
  // euw1 unhealthy, us-east-1 drained.
  EXPECT_EQ(AnswerFrom(**second, q).value(), "192.0.2.103");
}

// ---------------------------------------------------------------------------
// Explain.

// The candidate object of `set_identifier` in a decision.
json CandidateOf(const json& decision, const std::string& set_identifier) {
  for (const json& c : decision.at("candidates"))
    if (c.value("set_identifier", "") == set_identifier) return c;
  ADD_FAILURE() << "no candidate " << set_identifier << " in " << decision.dump(2);
  return json::object();
}

TEST_F(RoutingTest, ExplainLatencyDecisionFromEcs) {
  SetAppHealth("euw1", false);
  SetAdmin("us-east-1", geo::AdminState::kDrain);
  json j = Explain(WithEcs(BuildQuery("app.example.com.", LDNS_RR_TYPE_A),
                           ParseEcsPrefix("198.51.100.0/24")),
                   Source("203.0.113.9"));
  ASSERT_TRUE(j.is_object());
  SCOPED_TRACE(j.dump(2));
  EXPECT_EQ(j.value("zone", ""), "example.com.");
  ASSERT_TRUE(j.contains("client"));
  EXPECT_EQ(j["client"].value("address", ""), "198.51.100.0");
  EXPECT_EQ(j["client"].value("from", ""), "ecs");
  ASSERT_TRUE(j.contains("ecs"));
  EXPECT_EQ(j["ecs"].value("source_prefix", -1), 24);
  EXPECT_EQ(j.value("scope", -1), 24);
  EXPECT_EQ(j.value("fail_open", true), false);
  ASSERT_TRUE(j.contains("decisions"));
  ASSERT_EQ(j["decisions"].size(), 1u);
  const json& d = j["decisions"][0];
  EXPECT_EQ(d.value("name", ""), "app.example.com.");
  EXPECT_EQ(d.value("type", ""), "A");
  EXPECT_EQ(d.value("policy", ""), "latency");
  ASSERT_TRUE(d.contains("table_row"));
  ASSERT_TRUE(d["table_row"].is_object());
  EXPECT_EQ(d["table_row"].value("network", ""), "198.51.100.0/24");
  const json& ranking = d["table_row"]["ranking"];
  ASSERT_EQ(ranking.size(), 4u);
  EXPECT_EQ(ranking[0].value("region", ""), "eu-west-1");
  EXPECT_NEAR(ranking[0].value("rtt_ms", -1.0), 12.0, 1e-3);
  EXPECT_EQ(ranking[1].value("region", ""), "us-east-1");
  EXPECT_NEAR(ranking[1].value("rtt_ms", -1.0), 78.0, 1e-3);
  EXPECT_EQ(ranking[2].value("region", ""), "ap-southeast-1");
  EXPECT_EQ(ranking[3].value("region", ""), "sa-east-1");
  ASSERT_EQ(d["candidates"].size(), 6u);
  const json euw1 = CandidateOf(d, "euw1");
  EXPECT_EQ(euw1.value("region", ""), "eu-west-1");
  EXPECT_EQ(euw1.value("healthy", true), false);
  EXPECT_EQ(euw1.value("admin", ""), "up");
  EXPECT_EQ(euw1.value("skipped", ""), "unhealthy");
  const json use1 = CandidateOf(d, "use1");
  EXPECT_EQ(use1.value("healthy", false), true);
  EXPECT_EQ(use1.value("admin", ""), "drain");
  EXPECT_EQ(use1.value("skipped", ""), "drained");
  const json apse1 = CandidateOf(d, "apse1");
  EXPECT_EQ(apse1.value("picked", false), true);
  EXPECT_FALSE(apse1.contains("skipped"));
  EXPECT_EQ(CandidateOf(d, "sae1").value("skipped", ""), "outranked");
  EXPECT_EQ(CandidateOf(d, "euc1").value("skipped", ""), "not-ranked");
  EXPECT_EQ(d.value("fail_open", true), false);
  EXPECT_THAT(d.value("answered", json::array()).get<std::vector<std::string>>(),
              ElementsAre("apse1"));
  // The reply: the answer, its TTL.
  ASSERT_TRUE(j.contains("reply"));
  EXPECT_EQ(j["reply"].value("rcode", ""), "NOERROR");
  ASSERT_EQ(j["reply"]["answer"].size(), 1u);
  EXPECT_THAT(j["reply"]["answer"][0].get<std::string>(), HasSubstr("192.0.2.103"));
  EXPECT_EQ(j["reply"].value("ttl", 0), 45);
}

TEST_F(RoutingTest, ExplainPacketSourceAndFailOpen) {
  SetAllAppHealth(false);
  json j = Explain(BuildQuery("app.example.com.", LDNS_RR_TYPE_A), Source("203.0.113.9"));
  ASSERT_TRUE(j.is_object());
  SCOPED_TRACE(j.dump(2));
  EXPECT_EQ(j["client"].value("address", ""), "203.0.113.9");
  EXPECT_EQ(j["client"].value("from", ""), "packet");
  EXPECT_FALSE(j.contains("ecs") && !j["ecs"].is_null()) << "no ECS in the query";
  EXPECT_EQ(j.value("scope", -1), 0);
  EXPECT_EQ(j.value("fail_open", false), true);
  ASSERT_EQ(j["decisions"].size(), 1u);
  const json& d = j["decisions"][0];
  EXPECT_EQ(d.value("fail_open", false), true);
  EXPECT_EQ(d["table_row"].value("network", ""), "203.0.113.0/24");
  // RTTs are rounded to 0.1 ms, not the table's float (160.10000610351562).
  ASSERT_GE(d["table_row"]["ranking"].size(), 2u);
  EXPECT_EQ(d["table_row"]["ranking"][1]["rtt_ms"].dump(), "160.1");
  for (const json& c : d["candidates"]) EXPECT_EQ(c.value("healthy", true), false) << c.dump();
  EXPECT_THAT(j["reply"]["answer"][0].get<std::string>(), HasSubstr("192.0.2.103"));
}

TEST_F(RoutingTest, ExplainNestedAliasHasOneDecisionPerGroup) {
  json j = Explain(WithEcs(BuildQuery("geo.example.com.", LDNS_RR_TYPE_A),
                           ParseEcsPrefix("198.51.100.0/24")));
  ASSERT_TRUE(j.is_object());
  SCOPED_TRACE(j.dump(2));
  ASSERT_EQ(j["decisions"].size(), 2u);
  EXPECT_EQ(j["decisions"][0].value("name", ""), "geo.example.com.");
  EXPECT_EQ(j["decisions"][0].value("policy", ""), "latency");
  EXPECT_EQ(CandidateOf(j["decisions"][0], "eu").value("alias_target", ""),
            "pool-eu.example.com.");
  EXPECT_EQ(j["decisions"][1].value("name", ""), "pool-eu.example.com.");
  EXPECT_EQ(j["decisions"][1].value("policy", ""), "weighted");
  EXPECT_EQ(j["reply"].value("ttl", 0), 20);
  EXPECT_EQ(j.value("scope", -1), 24);
}

TEST_F(RoutingTest, ExplainStaticName) {
  json j = Explain(WithEcs(BuildQuery("www.example.com.", LDNS_RR_TYPE_A),
                           ParseEcsPrefix("198.51.100.0/24")));
  ASSERT_TRUE(j.is_object());
  SCOPED_TRACE(j.dump(2));
  EXPECT_EQ(j.value("zone", ""), "example.com.");
  EXPECT_EQ(j.value("routed", true), false);
  EXPECT_TRUE(j["decisions"].empty());
  EXPECT_EQ(j.value("scope", -1), 0);
  EXPECT_THAT(j["reply"]["answer"][0].get<std::string>(), HasSubstr("192.0.2.1"));
}

}  // namespace
}  // namespace dns
