// File: tests/e2e/routing_test.cc
//
// Latency routing through the real binary: `steerdns --zone ORIGIN=FILE.json`
// beside a master file for the same origin, `--latency FILE.csv`. Queries
// carry EDNS Client Subnet (RFC 7871) built with ldns, or come from dig
// +subnet; without ECS the packet source (127.0.0.1, ::1) routes. Checked:
// the member chosen per subnet, its TTL, the reply's ECS option (family,
// source prefix and address echoed; the scope), static names beside routed
// ones (unaffected, scope 0), `steerdns --explain` (JSON on stdout, exit 0),
// and start-up refusing a bad latency CSV (`file:line:`) and Route 53 JSON
// that breaks Route 53's rules (naming the record).
//
// Only 127.0.0.1 and ::1 are used; every wait is bounded.
#include <unistd.h>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kDig[] = "/usr/bin/dig";
constexpr milliseconds kToolTimeout{10000};
constexpr milliseconds kExitTimeout{5000};

std::string RdataText(const ldns_rr* rr) {
  char* t = ldns_rdf2str(ldns_rr_rdf(rr, 0));
  std::string s = t != nullptr ? t : "";
  free(t);
  return s;
}

// A/AAAA values of the answer section, in order, with their TTLs.
struct Answered {
  std::vector<std::string> values;
  std::vector<uint32_t> ttls;
  std::vector<std::string> owners;
  std::string value() const {
    if (values.size() == 1) return values[0];
    std::string s = "<";
    for (const auto& v : values) s += v + " ";
    return s + ">";
  }
};

Answered AnswerOf(const Reply& r) {
  Answered a;
  ldns_rr_list* list = r.answer();
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    const ldns_rr_type t = ldns_rr_get_type(rr);
    if (t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA) continue;
    a.values.push_back(RdataText(rr));
    a.ttls.push_back(ldns_rr_ttl(rr));
    char* o = ldns_rdf2str(ldns_rr_owner(rr));
    a.owners.push_back(o != nullptr ? o : "");
    free(o);
  }
  return a;
}

// One routed case: ECS prefix → member value, its TTL, the scope range.
struct RouteCase {
  std::string prefix;
  ldns_rr_type type;
  std::string value;
  uint32_t ttl;
  int scope_lo, scope_hi;
};

// Asks `qname` with ECS for each case over UDP and TCP and checks answer,
// TTL and the echoed ECS.
void CheckRoutes(const Endpoint& ep, const std::string& qname,
                 const std::vector<RouteCase>& cases) {
  for (const RouteCase& c : cases) {
    for (bool tcp : {false, true}) {
      SCOPED_TRACE(c.prefix + (tcp ? " over TCP" : " over UDP"));
      Reply r;
      const QueryOptions o = WithEcs(c.prefix);
      ASSERT_TRUE(tcp ? AskTcp(ep, qname, c.type, o, &r) : AskUdp(ep, qname, c.type, o, &r));
      EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
      EXPECT_TRUE(r.aa()) << r.ToString();
      const Answered a = AnswerOf(r);
      ASSERT_EQ(a.values.size(), 1u) << r.ToString();
      EXPECT_EQ(a.values[0], c.value) << r.ToString();
      EXPECT_EQ(a.ttls[0], c.ttl) << "the member's TTL\n" << r.ToString();
      EXPECT_EQ(a.owners[0], qname);
      ASSERT_TRUE(r.has_opt());
      int count = 0;
      const std::optional<EcsSubnet> ecs = ReplyEcs(r, &count);
      ASSERT_TRUE(ecs.has_value()) << "no ECS in the reply\n" << r.ToString();
      EXPECT_EQ(count, 1);
      const EcsSubnet sent = ParseEcsPrefix(c.prefix);
      EXPECT_EQ(ecs->family, sent.family);
      EXPECT_EQ(ecs->source, sent.source);
      EXPECT_EQ(ecs->address, sent.address);
      EXPECT_GE(ecs->scope, c.scope_lo) << r.ToString();
      EXPECT_LE(ecs->scope, c.scope_hi) << r.ToString();
    }
  }
}

// dig's "; CLIENT-SUBNET: 198.51.100.0/24/24" line: the scope, or -1.
int DigScope(const std::string& text, const std::string& prefix) {
  const std::string head = "; CLIENT-SUBNET: " + prefix + "/";
  for (const auto& l : Lines(text)) {
    if (l.rfind(head, 0) == 0) return std::atoi(l.c_str() + head.size());
  }
  return -1;
}

std::string Dig(uint16_t port, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kDig, "@127.0.0.1", "-p", std::to_string(port),
                                   "+norec", "+time=2", "+tries=1"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunTool(argv, kToolTimeout);
}

// ---------------------------------------------------------------------------
// The bundled example: examples/example.com.zone + examples/route53/
// example.com.json for one origin, examples/latency.csv.

std::vector<std::string> ExampleDataArgs() {
  return {"--zone", "example.com.=" + ExamplePath("example.com.zone"),
          "--zone", "example.com.=" + ExamplePath("route53/example.com.json"),
          "--latency", ExamplePath("latency.csv")};
}

class e2eRouting : public ServerTest {
 protected:
  ServerOptions Options() override {
    ServerOptions o = ServerOptions::ExampleZones();
    o.zones.push_back("example.com.=" + ExamplePath("route53/example.com.json"));
    o.extra_args = {"--latency", ExamplePath("latency.csv")};
    return o;
  }
};

TEST_F(e2eRouting, EcsChoosesRegionPerSubnet) {
  CheckRoutes(v4(), "app.example.com.",
              {
                  {"198.51.100.0/24", LDNS_RR_TYPE_A, "192.0.2.102", 60, 24, 24},   // eu-west-1
                  {"198.51.100.77/32", LDNS_RR_TYPE_A, "192.0.2.102", 60, 24, 32},
                  {"203.0.113.0/24", LDNS_RR_TYPE_A, "192.0.2.103", 60, 24, 24},    // ap-southeast-1
                  {"192.0.2.0/25", LDNS_RR_TYPE_A, "192.0.2.104", 60, 25, 25},      // sa-east-1
                  // 0.0.0.0/0: us-east-1. 10.0.0.0/1 holds no other row.
                  {"10.0.0.0/8", LDNS_RR_TYPE_A, "192.0.2.101", 60, 1, 8},
                  {"2001:db8:eeee::/48", LDNS_RR_TYPE_A, "192.0.2.102", 60, 48, 48},
                  {"2001:db8:eeee:ab00::/56", LDNS_RR_TYPE_AAAA, "2001:db8:100::2", 60, 48, 56},
                  {"203.0.113.0/24", LDNS_RR_TYPE_AAAA, "2001:db8:100::3", 60, 24, 24},
              });
}

TEST_F(e2eRouting, PacketSourceRoutesWithoutEcs) {
  // 127.0.0.1 matches only 0.0.0.0/0: us-east-1.
  for (bool edns : {false, true}) {
    SCOPED_TRACE(edns ? "EDNS without ECS" : "no EDNS");
    QueryOptions o;
    o.edns = edns;
    Reply r;
    ASSERT_TRUE(AskUdp("app.example.com.", LDNS_RR_TYPE_A, o, &r));
    EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
    EXPECT_EQ(AnswerOf(r).value(), "192.0.2.101") << r.ToString();
    EXPECT_EQ(r.has_opt(), edns);
    EXPECT_FALSE(ReplyEcs(r).has_value()) << "no ECS asked, none echoed\n" << r.ToString();
    Reply t;
    ASSERT_TRUE(AskTcp("app.example.com.", LDNS_RR_TYPE_AAAA, o, &t));
    EXPECT_EQ(AnswerOf(t).value(), "2001:db8:100::1") << t.ToString();
  }
  // ECS with source prefix 0: the packet source again, scope 0.
  QueryOptions o;
  o.edns = true;
  o.edns_options = EcsOption(0, {}, 0, 1);
  Reply r;
  ASSERT_TRUE(AskUdp("app.example.com.", LDNS_RR_TYPE_A, o, &r));
  EXPECT_EQ(AnswerOf(r).value(), "192.0.2.101") << r.ToString();
  auto ecs = ReplyEcs(r);
  ASSERT_TRUE(ecs.has_value()) << r.ToString();
  EXPECT_EQ(ecs->family, 1);
  EXPECT_EQ(ecs->source, 0);
  EXPECT_EQ(ecs->scope, 0);
}

TEST_F(e2eRouting, StaticNamesBesideRoutedOnesAreUnaffected) {
  const std::string prefix = "198.51.100.0/24";
  const EcsSubnet sent = ParseEcsPrefix(prefix);
  const struct {
    const char* name;
    ldns_rr_type type;
    int rcode;
    std::vector<std::string> answer;
  } cases[] = {
      {"www.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       {"www.example.com. 3600 IN A 192.0.2.10"}},
      {"www.example.com.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR,
       {"www.example.com. 3600 IN AAAA 2001:db8::10"}},
      {"mail.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       {"mail.example.com. 3600 IN A 192.0.2.25"}},
      {"nope.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}},
      {"app.example.com.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR, {}},   // NODATA
      {"www.sub.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR, {}},  // referral
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(Q(c.name, c.type));
    Reply r;
    ASSERT_TRUE(AskUdp(c.name, c.type, WithEcs(prefix), &r));
    EXPECT_EQ(r.rcode(), c.rcode) << r.ToString();
    EXPECT_TRUE(SectionEquals(r.answer(), c.answer)) << r.ToString();
    if (c.answer.empty()) {
      EXPECT_GT(ldns_rr_list_rr_count(r.authority()), 0u) << r.ToString();
    }
    auto ecs = ReplyEcs(r);
    ASSERT_TRUE(ecs.has_value()) << r.ToString();
    EXPECT_EQ(ecs->family, sent.family);
    EXPECT_EQ(ecs->source, sent.source);
    EXPECT_EQ(ecs->address, sent.address);
    EXPECT_EQ(ecs->scope, 0) << "static, negative and referral answers: scope 0\n"
                             << r.ToString();
  }
}

TEST_F(e2eRouting, AliasWeightedAndFailoverGroups) {
  // api → app (alias, EvaluateTargetHealth): the latency choice under api's name.
  Reply r;
  ASSERT_TRUE(AskUdp("api.example.com.", LDNS_RR_TYPE_A, WithEcs("203.0.113.0/24"), &r));
  EXPECT_TRUE(SectionEquals(r.answer(), {"api.example.com. 60 IN A 192.0.2.103"}))
      << r.ToString();
  auto ecs = ReplyEcs(r);
  ASSERT_TRUE(ecs.has_value());
  EXPECT_EQ(ecs->scope, 24);
  // canary: 90/10 over 400 draws.
  std::map<std::string, int> counts;
  for (int i = 0; i < 400; ++i) {
    Reply w;
    ASSERT_TRUE(AskUdp("canary.example.com.", LDNS_RR_TYPE_A, {}, &w));
    const Answered a = AnswerOf(w);
    ASSERT_EQ(a.values.size(), 1u) << w.ToString();
    EXPECT_EQ(a.ttls[0], 30u);
    ++counts[a.values[0]];
  }
  EXPECT_EQ(counts.size(), 2u);
  EXPECT_GT(counts["192.0.2.111"], 300);
  EXPECT_GT(counts["192.0.2.112"], 10);
  // status: PRIMARY (no health checks configured: healthy).
  Reply f;
  ASSERT_TRUE(AskUdp("status.example.com.", LDNS_RR_TYPE_A, {}, &f));
  EXPECT_TRUE(SectionEquals(f.answer(), {"status.example.com. 30 IN A 192.0.2.121"}))
      << f.ToString();
}

TEST_F(e2eRouting, DigWithSubnet) {
  STEER_REQUIRE(access(kDig, X_OK) == 0, "dig is not installed");
  const uint16_t port = server_.port();
  std::string out = Dig(port, {"app.example.com", "A", "+subnet=198.51.100.0/24"});
  EXPECT_TRUE(HasLine(out, "app.example.com. 60 IN A 192.0.2.102")) << out;
  EXPECT_EQ(DigScope(out, "198.51.100.0/24"), 24) << out;

  out = Dig(port, {"app.example.com", "A", "+subnet=203.0.113.0/24"});
  EXPECT_TRUE(HasLine(out, "app.example.com. 60 IN A 192.0.2.103")) << out;
  EXPECT_EQ(DigScope(out, "203.0.113.0/24"), 24) << out;

  out = Dig(port, {"app.example.com", "AAAA", "+subnet=2001:db8:eeee::/48"});
  EXPECT_TRUE(HasLine(out, "app.example.com. 60 IN AAAA 2001:db8:100::2")) << out;
  EXPECT_EQ(DigScope(out, "2001:db8:eeee::/48"), 48) << out;

  // A static name: same ECS, scope 0.
  out = Dig(port, {"www.example.com", "A", "+subnet=198.51.100.0/24"});
  EXPECT_TRUE(HasLine(out, "www.example.com. 3600 IN A 192.0.2.10")) << out;
  EXPECT_EQ(DigScope(out, "198.51.100.0/24"), 0) << out;

  // No ECS: 127.0.0.1 → the default row.
  out = Dig(port, {"app.example.com", "A"});
  EXPECT_TRUE(HasLine(out, "app.example.com. 60 IN A 192.0.2.101")) << out;
}

// ---------------------------------------------------------------------------
// Our own data: five regions, a table written here.

constexpr char kOwnZone[] = R"($ORIGIN steer.test.
$TTL 3600
@       IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@       IN NS  ns1
ns1     IN A   192.0.2.53
static  IN A   192.0.2.9
lb      IN TXT "static beside routed"
)";

constexpr char kOwnJson[] = R"({
  "ResourceRecordSets": [
    {"Name": "lb.steer.test.", "Type": "A", "SetIdentifier": "use1",
     "Region": "us-east-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.201"}]},
    {"Name": "lb.steer.test.", "Type": "A", "SetIdentifier": "euw1",
     "Region": "eu-west-1", "TTL": 30, "ResourceRecords": [{"Value": "192.0.2.202"}]},
    {"Name": "lb.steer.test.", "Type": "A", "SetIdentifier": "apse1",
     "Region": "ap-southeast-1", "TTL": 45, "ResourceRecords": [{"Value": "192.0.2.203"}]},
    {"Name": "lb.steer.test.", "Type": "A", "SetIdentifier": "sae1",
     "Region": "sa-east-1", "TTL": 20, "ResourceRecords": [{"Value": "192.0.2.204"}]},
    {"Name": "lb.steer.test.", "Type": "A", "SetIdentifier": "apne1",
     "Region": "ap-northeast-1", "TTL": 15, "ResourceRecords": [{"Value": "192.0.2.205"}]}
  ]
}
)";

constexpr char kOwnTable[] = R"(network,region,rtt_ms
0.0.0.0/0,us-east-1,40
0.0.0.0/0,eu-west-1,90
0.0.0.0/0,sa-east-1,120
0.0.0.0/0,ap-southeast-1,220
0.0.0.0/0,ap-northeast-1,250
::/0,ap-northeast-1,20
::/0,us-east-1,90
198.51.100.0/24,eu-west-1,12
198.51.100.0/24,us-east-1,78
203.0.113.0/24,ap-southeast-1,9
203.0.113.0/24,ap-northeast-1,60
192.0.2.0/25,sa-east-1,14
192.0.2.0/25,us-east-1,115
100.64.0.0/10,ap-northeast-1,7
100.64.0.0/10,ap-southeast-1,70
20.0.0.0/8,us-east-1,10
20.0.0.0/8,eu-west-1,50
20.1.0.0/16,eu-west-1,10
20.1.0.0/16,us-east-1,50
2001:db8:eeee::/48,eu-west-1,11
2001:db8:eeee::/48,us-east-1,80
)";

class e2eRoutingOwn : public ServerTest {
 protected:
  ServerOptions Options() override {
    dir_ = MakeTempDir();
    EXPECT_FALSE(dir_.empty());
    EXPECT_TRUE(WriteFile(dir_ + "/steer.test.zone", kOwnZone));
    EXPECT_TRUE(WriteFile(dir_ + "/steer.test.json", kOwnJson));
    EXPECT_TRUE(WriteFile(dir_ + "/latency.csv", kOwnTable));
    ServerOptions o;
    o.zones = {"steer.test.=" + dir_ + "/steer.test.zone",
               "steer.test.=" + dir_ + "/steer.test.json"};
    o.ipv6 = Ipv6LoopbackAvailable();
    o.extra_args = {"--latency", dir_ + "/latency.csv"};
    return o;
  }
  std::string dir_;
};

TEST_F(e2eRoutingOwn, NearestRegionPerSubnet) {
  CheckRoutes(v4(), "lb.steer.test.",
              {
                  {"198.51.100.0/24", LDNS_RR_TYPE_A, "192.0.2.202", 30, 24, 24},
                  {"203.0.113.0/24", LDNS_RR_TYPE_A, "192.0.2.203", 45, 24, 24},
                  {"192.0.2.0/25", LDNS_RR_TYPE_A, "192.0.2.204", 20, 25, 25},
                  {"100.64.0.0/10", LDNS_RR_TYPE_A, "192.0.2.205", 15, 10, 10},
                  {"100.100.0.0/16", LDNS_RR_TYPE_A, "192.0.2.205", 15, 10, 16},
                  // 20.0.0.0/8 → us-east-1, 20.1.0.0/16 → eu-west-1 (RFC 7871
                  // example of the issue: 20.2.0.0/24 gets 15..24, never 8).
                  {"20.2.0.0/24", LDNS_RR_TYPE_A, "192.0.2.201", 60, 15, 24},
                  {"20.1.0.0/16", LDNS_RR_TYPE_A, "192.0.2.202", 30, 16, 16},
                  {"20.1.9.0/24", LDNS_RR_TYPE_A, "192.0.2.202", 30, 16, 24},
                  // 0.0.0.0/0; 0.0.0.0/4 holds no other row, /3 holds 20/8.
                  {"10.0.0.0/8", LDNS_RR_TYPE_A, "192.0.2.201", 60, 4, 8},
                  {"2001:db8:eeee:100::/56", LDNS_RR_TYPE_A, "192.0.2.202", 30, 48, 56},
                  // ::/0 → ap-northeast-1; differs from 2001:db8:eeee:: at bit 33.
                  {"2001:db8:1::/48", LDNS_RR_TYPE_A, "192.0.2.205", 15, 33, 48},
              });
}

TEST_F(e2eRoutingOwn, PacketSourceV4AndV6) {
  Reply r;
  ASSERT_TRUE(AskUdp("lb.steer.test.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_TRUE(SectionEquals(r.answer(), {"lb.steer.test. 60 IN A 192.0.2.201"})) << r.ToString();
  if (!Ipv6LoopbackAvailable()) GTEST_SKIP() << "no ::1";
  // From ::1: the ::/0 row, ap-northeast-1 first.
  Reply v6r;
  ASSERT_TRUE(e2e::AskUdp(v6(), "lb.steer.test.", LDNS_RR_TYPE_A, {}, &v6r));
  EXPECT_TRUE(SectionEquals(v6r.answer(), {"lb.steer.test. 15 IN A 192.0.2.205"}))
      << v6r.ToString();
  Reply v6t;
  ASSERT_TRUE(e2e::AskTcp(v6(), "lb.steer.test.", LDNS_RR_TYPE_A, {}, &v6t));
  EXPECT_TRUE(SectionEquals(v6t.answer(), {"lb.steer.test. 15 IN A 192.0.2.205"}))
      << v6t.ToString();
  // ECS still wins over the IPv6 packet source.
  Reply e;
  ASSERT_TRUE(e2e::AskUdp(v6(), "lb.steer.test.", LDNS_RR_TYPE_A, WithEcs("203.0.113.0/24"), &e));
  EXPECT_TRUE(SectionEquals(e.answer(), {"lb.steer.test. 45 IN A 192.0.2.203"})) << e.ToString();
}

TEST_F(e2eRoutingOwn, StaticBesideRoutedHasScopeZero) {
  for (const auto& [name, type, answer] :
       std::vector<std::tuple<std::string, ldns_rr_type, std::string>>{
           {"lb.steer.test.", LDNS_RR_TYPE_TXT, "lb.steer.test. 3600 IN TXT \"static beside routed\""},
           {"static.steer.test.", LDNS_RR_TYPE_A, "static.steer.test. 3600 IN A 192.0.2.9"}}) {
    SCOPED_TRACE(name);
    Reply r;
    ASSERT_TRUE(AskUdp(name, type, WithEcs("203.0.113.0/24"), &r));
    EXPECT_TRUE(SectionEquals(r.answer(), {answer})) << r.ToString();
    auto ecs = ReplyEcs(r);
    ASSERT_TRUE(ecs.has_value()) << r.ToString();
    EXPECT_EQ(ecs->source, 24);
    EXPECT_EQ(ecs->scope, 0) << r.ToString();
  }
}

TEST_F(e2eRoutingOwn, DigWithSubnet) {
  STEER_REQUIRE(access(kDig, X_OK) == 0, "dig is not installed");
  const uint16_t port = server_.port();
  const struct {
    const char* prefix;
    const char* line;
    int scope_lo, scope_hi;
  } cases[] = {
      {"203.0.113.0/24", "lb.steer.test. 45 IN A 192.0.2.203", 24, 24},
      {"192.0.2.0/25", "lb.steer.test. 20 IN A 192.0.2.204", 25, 25},
      {"20.2.0.0/24", "lb.steer.test. 60 IN A 192.0.2.201", 15, 24},
      {"2001:db8:eeee:100::/56", "lb.steer.test. 30 IN A 192.0.2.202", 48, 56},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.prefix);
    std::string out = Dig(port, {"lb.steer.test", "A", std::string("+subnet=") + c.prefix});
    EXPECT_TRUE(HasLine(out, c.line)) << out;
    const int scope = DigScope(out, c.prefix);
    EXPECT_GE(scope, c.scope_lo) << out;
    EXPECT_LE(scope, c.scope_hi) << out;
  }
}

// A zone given as Route 53 JSON alone, apex SOA and NS included, as
// `aws route53 list-resource-record-sets` prints a hosted zone.
constexpr char kJsonOnlyZone[] = R"({
  "ResourceRecordSets": [
    {"Name": "steer.test.", "Type": "SOA", "TTL": 900, "ResourceRecords": [
      {"Value": "ns1.steer.test. hostmaster.steer.test. 7 7200 900 1209600 86400"}]},
    {"Name": "steer.test.", "Type": "NS", "TTL": 172800, "ResourceRecords": [
      {"Value": "ns1.steer.test."}]},
    {"Name": "ns1.steer.test.", "Type": "A", "TTL": 300, "ResourceRecords": [
      {"Value": "192.0.2.53"}]},
    {"Name": "lb.steer.test.", "Type": "A", "SetIdentifier": "euw1",
     "Region": "eu-west-1", "TTL": 30, "ResourceRecords": [{"Value": "192.0.2.202"}]},
    {"Name": "lb.steer.test.", "Type": "A", "SetIdentifier": "apse1",
     "Region": "ap-southeast-1", "TTL": 45, "ResourceRecords": [{"Value": "192.0.2.203"}]}
  ],
  "IsTruncated": false,
  "MaxItems": "100"
}
)";

class e2eRoutingJsonOnly : public ServerTest {
 protected:
  ServerOptions Options() override {
    const std::string dir = MakeTempDir();
    EXPECT_FALSE(dir.empty());
    EXPECT_TRUE(WriteFile(dir + "/steer.test.json", kJsonOnlyZone));
    EXPECT_TRUE(WriteFile(dir + "/latency.csv", kOwnTable));
    ServerOptions o;
    o.zones = {"steer.test.=" + dir + "/steer.test.json"};
    o.extra_args = {"--latency", dir + "/latency.csv"};
    return o;
  }
};

TEST_F(e2eRoutingJsonOnly, ServesTheHostedZone) {
  Reply soa;
  ASSERT_TRUE(AskUdp("steer.test.", LDNS_RR_TYPE_SOA, {}, &soa));
  EXPECT_TRUE(SectionEquals(
      soa.answer(),
      {"steer.test. 900 IN SOA ns1.steer.test. hostmaster.steer.test. 7 7200 900 1209600 86400"}))
      << soa.ToString();
  EXPECT_TRUE(soa.aa());
  // 203.0.113.0/24: ap-southeast-1; 198.51.100.0/24: eu-west-1.
  CheckRoutes(v4(), "lb.steer.test.",
              {{"203.0.113.0/24", LDNS_RR_TYPE_A, "192.0.2.203", 45, 24, 24},
               {"198.51.100.0/24", LDNS_RR_TYPE_A, "192.0.2.202", 30, 24, 24}});
  // No member in the client's nearest regions (127.0.0.1: us-east-1,
  // eu-west-1, ...): the first ranked region that has one.
  Reply r;
  ASSERT_TRUE(AskUdp("lb.steer.test.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_TRUE(SectionEquals(r.answer(), {"lb.steer.test. 30 IN A 192.0.2.202"})) << r.ToString();
  // Negative answers carry the SOA, min(900, 86400).
  Reply nx;
  ASSERT_TRUE(AskUdp("nope.steer.test.", LDNS_RR_TYPE_A, WithEcs("203.0.113.0/24"), &nx));
  EXPECT_EQ(nx.rcode(), LDNS_RCODE_NXDOMAIN) << nx.ToString();
  auto ecs = ReplyEcs(nx);
  ASSERT_TRUE(ecs.has_value());
  EXPECT_EQ(ecs->scope, 0);
}

// ---------------------------------------------------------------------------
// steerdns --explain NAME TYPE CLIENT

class e2eRoutingExplain : public testing::Test {
 protected:
  // Runs --explain; expects exit 0 and JSON on stdout.
  json Explain(const std::vector<std::string>& what) {
    std::vector<std::string> args = ExampleDataArgs();
    args.push_back("--explain");
    args.insert(args.end(), what.begin(), what.end());
    std::string output, err;
    ExitInfo info = RunBinary(args, kExitTimeout, &output, &err);
    EXPECT_TRUE(info.exited_in_time && info.exited && info.exit_code == 0)
        << info.Describe() << "\n" << output;
    const std::string out = output.size() >= err.size() ? output.substr(err.size()) : output;
    json j = json::parse(out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON:\n" << out << "\nstderr:\n" << err;
    stdout_ = out;
    return j;
  }
  std::string stdout_;
};

TEST_F(e2eRoutingExplain, AddressClient) {
  json j = Explain({"app.example.com", "A", "198.51.100.7"});
  ASSERT_TRUE(j.is_object());
  SCOPED_TRACE(stdout_);
  EXPECT_THAT(stdout_, HasSubstr("eu-west-1"));
  EXPECT_EQ(j.value("zone", ""), "example.com.");
  ASSERT_TRUE(j.contains("client"));
  EXPECT_EQ(j["client"].value("address", ""), "198.51.100.7");
  ASSERT_TRUE(j.contains("decisions"));
  ASSERT_GE(j["decisions"].size(), 1u);
  const json& d = j["decisions"][0];
  EXPECT_EQ(d.value("name", ""), "app.example.com.");
  EXPECT_EQ(d.value("policy", ""), "latency");
  EXPECT_EQ(d["table_row"].value("network", ""), "198.51.100.0/24");
  ASSERT_GE(d["table_row"]["ranking"].size(), 1u);
  EXPECT_EQ(d["table_row"]["ranking"][0].value("region", ""), "eu-west-1");
  EXPECT_EQ(d["candidates"].size(), 4u);
  EXPECT_EQ(j.value("fail_open", true), false);
  ASSERT_TRUE(j.contains("reply"));
  ASSERT_EQ(j["reply"]["answer"].size(), 1u);
  EXPECT_THAT(j["reply"]["answer"][0].get<std::string>(), HasSubstr("192.0.2.102"));
  EXPECT_EQ(j["reply"].value("ttl", 0), 60);
}

TEST_F(e2eRoutingExplain, PrefixClientAndIpv6) {
  json p = Explain({"app.example.com", "A", "203.0.113.0/24"});
  ASSERT_TRUE(p.is_object());
  EXPECT_THAT(stdout_, HasSubstr("ap-southeast-1"));
  ASSERT_TRUE(p.contains("reply"));
  ASSERT_EQ(p["reply"]["answer"].size(), 1u) << stdout_;
  EXPECT_THAT(p["reply"]["answer"][0].get<std::string>(), HasSubstr("192.0.2.103"));
  EXPECT_EQ(p["decisions"][0]["table_row"].value("network", ""), "203.0.113.0/24") << stdout_;

  json v6 = Explain({"app.example.com.", "AAAA", "2001:db8:eeee::1"});
  ASSERT_TRUE(v6.is_object());
  ASSERT_TRUE(v6.contains("reply"));
  ASSERT_EQ(v6["reply"]["answer"].size(), 1u) << stdout_;
  EXPECT_THAT(v6["reply"]["answer"][0].get<std::string>(), HasSubstr("2001:db8:100::2"));
}

TEST_F(e2eRoutingExplain, AliasShowsTheTargetDecision) {
  json j = Explain({"api.example.com", "A", "192.0.2.9"});
  ASSERT_TRUE(j.is_object());
  SCOPED_TRACE(stdout_);
  EXPECT_THAT(stdout_, HasSubstr("sa-east-1"));
  ASSERT_TRUE(j.contains("reply"));
  ASSERT_EQ(j["reply"]["answer"].size(), 1u);
  EXPECT_THAT(j["reply"]["answer"][0].get<std::string>(), HasSubstr("api.example.com."));
  EXPECT_THAT(j["reply"]["answer"][0].get<std::string>(), HasSubstr("192.0.2.104"));
  bool saw_latency = false;
  for (const json& d : j["decisions"]) saw_latency |= d.value("policy", "") == "latency";
  EXPECT_TRUE(saw_latency);
}

// ---------------------------------------------------------------------------
// Start-up refuses bad data.

struct BadInput {
  const char* name;
  std::string latency;   // latency CSV text ("" = the bundled one)
  std::string json;      // Route 53 JSON for example.com. ("" = none)
  std::vector<std::string> expect;  // all must appear in the output
  std::string regions = "";         // regions CSV text ("" = the default)
};

void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

class e2eRoutingStartup : public testing::TestWithParam<BadInput> {};

TEST_P(e2eRoutingStartup, RefusedWithReason) {
  const BadInput& c = GetParam();
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(PickFreePort()),
                                   "--zone", "example.com.=" + ExamplePath("example.com.zone")};
  if (!c.json.empty()) {
    ASSERT_TRUE(WriteFile(dir + "/rules.json", c.json));
    args.push_back("--zone");
    args.push_back("example.com.=" + dir + "/rules.json");
  }
  args.push_back("--latency");
  if (!c.latency.empty()) {
    ASSERT_TRUE(WriteFile(dir + "/bad-latency.csv", c.latency));
    args.push_back(dir + "/bad-latency.csv");
  } else {
    args.push_back(ExamplePath("latency.csv"));
  }
  if (!c.regions.empty()) {
    ASSERT_TRUE(WriteFile(dir + "/bad-regions.csv", c.regions));
    args.push_back("--regions");
    args.push_back(dir + "/bad-regions.csv");
  }
  std::string output;
  ExitInfo info = RunBinary(args, kExitTimeout, &output);
  EXPECT_TRUE(info.exited_in_time) << "start-up must stop, not serve\n" << output;
  EXPECT_TRUE(info.exited) << info.Describe() << "\n" << output;
  EXPECT_NE(info.exit_code, 0) << output;
  for (const std::string& e : c.expect) EXPECT_THAT(output, HasSubstr(e));
}

// A Route 53 JSON file of `sets`.
std::string Rules(std::initializer_list<std::string> sets) {
  std::string out = "{\n  \"ResourceRecordSets\": [\n";
  const char* sep = "";
  for (const std::string& set : sets) {
    out += sep + set;
    sep = ",\n";
  }
  return out + "\n  ]\n}\n";
}

// A record set NAME.example.com. A with one value, SetIdentifier `id` and
// the routing policy `policy` (its JSON members, e.g. R"("Weight": 1)").
std::string RoutedA(const std::string& name, const std::string& id, const std::string& policy,
                    const std::string& value, int ttl = 60) {
  return R"(    {"Name": ")" + name + R"(.example.com.", "Type": "A", "SetIdentifier": ")" + id +
         R"(", )" + policy + R"(, "TTL": )" + std::to_string(ttl) +
         R"(, "ResourceRecords": [{"Value": ")" + value + R"("}]})";
}

INSTANTIATE_TEST_SUITE_P(
    Bad, e2eRoutingStartup,
    testing::Values(
        BadInput{"NegativeRtt",
                 "network,region,rtt_ms\n198.51.100.0/24,eu-west-1,12\n"
                 "198.51.100.0/24,us-east-1,-5\n",
                 "", {"bad-latency.csv:3:"}},
        BadInput{"HostBitsSet",
                 "network,region,rtt_ms\n10.1.2.3/8,eu-west-1,12\n", "",
                 {"bad-latency.csv:2:"}},
        BadInput{"WrongHeader", "net,region,rtt\n10.0.0.0/8,eu-west-1,12\n", "",
                 {"bad-latency.csv:1:"}},
        BadInput{"DuplicateRow",
                 "network,region,rtt_ms\n10.0.0.0/8,eu-west-1,12\n"
                 "0.0.0.0/0,us-east-1,40\n10.0.0.0/8,eu-west-1,13\n",
                 "", {"bad-latency.csv:4:"}},
        BadInput{"BadRegionsLatitude", "", "", {"bad-regions.csv:3:"},
                 "region,latitude,longitude\nus-east-1,38.9,-77.0\n"
                 "eu-west-1,123.4,-6.2\n"},
        BadInput{"DuplicateSetIdentifier", "",
                 Rules({RoutedA("dup", "one", R"("Weight": 1)", "192.0.2.1"),
                        RoutedA("dup", "one", R"("Weight": 2)", "192.0.2.2")}),
                 {"rules.json", "dup.example.com."}},
        BadInput{"WeightOver255", "",
                 Rules({RoutedA("heavy", "a", R"("Weight": 256)", "192.0.2.1")}),
                 {"rules.json", "heavy.example.com."}},
        BadInput{"TwoPrimaries", "",
                 Rules({RoutedA("twoprim", "a", R"("Failover": "PRIMARY")", "192.0.2.1"),
                        RoutedA("twoprim", "b", R"("Failover": "PRIMARY")", "192.0.2.2")}),
                 {"rules.json", "twoprim.example.com."}},
        BadInput{"SameRegionTwice", "",
                 Rules({RoutedA("twice", "a", R"("Region": "eu-west-1")", "192.0.2.1"),
                        RoutedA("twice", "b", R"("Region": "eu-west-1")", "192.0.2.2")}),
                 {"rules.json", "twice.example.com."}},
        BadInput{"WeightedTtlsDiffer", "",
                 Rules({RoutedA("ttl", "a", R"("Weight": 1)", "192.0.2.1", 60),
                        RoutedA("ttl", "b", R"("Weight": 1)", "192.0.2.2", 30)}),
                 {"rules.json", "ttl.example.com."}},
        BadInput{"MixedPolicies", "",
                 Rules({RoutedA("mixed", "a", R"("Weight": 1)", "192.0.2.1"),
                        RoutedA("mixed", "b", R"("Region": "eu-west-1")", "192.0.2.2")}),
                 {"rules.json", "mixed.example.com."}},
        BadInput{"RoutedBesideStaticOfSameType", "",
                 Rules({RoutedA("www", "a", R"("Region": "eu-west-1")", "192.0.2.1")}),
                 {"www.example.com."}},
        BadInput{"AliasTargetMissing", "",
                 Rules({R"(    {"Name": "lost.example.com.", "Type": "A",
     "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "nowhere.example.com.",
                     "EvaluateTargetHealth": false}})"}),
                 {"lost.example.com.", "nowhere.example.com"}},
        BadInput{"AliasCycle", "",
                 Rules({R"(    {"Name": "loop-a.example.com.", "Type": "A",
     "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "loop-b.example.com.",
                     "EvaluateTargetHealth": false}})",
                        R"(    {"Name": "loop-b.example.com.", "Type": "A",
     "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "loop-a.example.com.",
                     "EvaluateTargetHealth": false}})"}),
                 {"loop-"}}),
    [](const testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace e2e
