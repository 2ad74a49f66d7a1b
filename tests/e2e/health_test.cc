// File: tests/e2e/health_test.cc
//
// Health checks end to end (issue 5): the real `steerdns` with
// --health-checks, probing real endpoints that this test starts and stops on
// 127.0.0.1 (threads in the test process: an HTTP/TCP server whose answer
// can be switched to 503, a hang or a body without the search string, and a
// tiny UDP DNS server that c-ares is pointed at with
// --health-check-resolver), queried with ldns over our own sockets with an
// EDNS Client Subnet that picks the client's network:
//   - kill the nearest region's endpoint: the answer moves to the next
//     region within RequestInterval x FailureThreshold + 1 s; bring it back
//     and the answer returns (the times are printed);
//   - HTTP 503, a hanging endpoint, a missing search string, an FQDN check
//     resolved through the test's DNS server, Inverted, Disabled, and a
//     CALCULATED check over three children;
//   - all members unhealthy -> fail-open; an alias with EvaluateTargetHealth
//     follows its target; a drained region counts as unhealthy;
//   - `zonectl health` (table and --json), /metrics, `zonectl explain`;
//   - an unknown HealthCheckId stops start-up naming the record; a reload
//     that would orphan an id, and a change batch naming an unknown id, are
//     refused; health checks loaded through the API persist in --data-dir;
//     SIGHUP re-reads the file.
//
// Only 127.0.0.1 is used; every wait is bounded, and none is a fixed sleep:
// the server is another process, so a test polls (PollUntil) for the
// answer or state it expects.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/server_process.h"
#include "tests/health/loopback.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Polls `done` every 20 ms until it holds: the seconds that took, or -1 if
// it did not within `limit`.
double PollUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto start = Clock::now();
  for (;;) {
    if (done()) return std::chrono::duration<double>(Clock::now() - start).count();
    if (Clock::now() - start >= limit) return -1;
    std::this_thread::sleep_for(20ms);
  }
}

// ---------------------------------------------------------------------------
// Endpoints the health checks probe.

// A loopback TCP listener that speaks just enough HTTP/1.1. Start() binds
// (port 0 = any free port; the same port again after Stop()), Stop() closes
// the listener (new connections are refused) and every open connection.
class TestEndpoint {
 public:
  enum class Mode { kOk, k503, kHang, kNoSearchString };
  static constexpr char kSearchString[] = "ALL SYSTEMS GO";

  ~TestEndpoint() { Stop(); }

  bool Start(uint16_t port = 0) {
    Stop();
    return server_.Start(SOCK_STREAM, port != 0 ? port : server_.port(), /*backlog=*/64);
  }

  void Stop() {
    server_.Stop();
    for (int c : hanging_) close(c);
    hanging_.clear();
  }

  uint16_t port() const { return server_.port(); }
  void set_mode(Mode m) { mode_ = m; }

 private:
  void Accept(int fd) {
    const int c = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    const Mode mode = mode_;
    if (mode == Mode::kHang) {
      hanging_.push_back(c);  // never answered; closed by Stop()
      return;
    }
    Serve(c, mode);
    close(c);
  }

  // Reads the request head (bounded), then answers per `mode`. A TCP
  // check connects and resets: the read just ends.
  static void Serve(int c, Mode mode) {
    std::string req;
    char buf[2048];
    const auto deadline = Clock::now() + 500ms;
    while (req.find("\r\n\r\n") == std::string::npos && Clock::now() < deadline) {
      pollfd p{c, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) return;
      req.append(buf, static_cast<size_t>(n));
    }
    if (req.find("\r\n\r\n") == std::string::npos) return;
    std::string body, status = "200 OK";
    if (mode == Mode::k503) {
      status = "503 Service Unavailable";
      body = "down for maintenance";
    } else if (mode == Mode::kNoSearchString) {
      body = "hello from a test endpoint";
    } else {
      body = std::string("status: ") + kSearchString + "\n";
    }
    const std::string reply = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\n" +
                              "Content-Length: " + std::to_string(body.size()) +
                              "\r\nConnection: close\r\n\r\n" + body;
    (void)!send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
  }

  std::atomic<Mode> mode_{Mode::kOk};
  std::vector<int> hanging_;  // the server's thread only, then Stop()
  tests::LoopbackServer server_{[this](int fd) { Accept(fd); }};  // last: uses the above
};

// A UDP DNS server on 127.0.0.1 that answers `name` A with 127.0.0.1 (TTL
// 0) while answering() is true, and NXDOMAIN otherwise.
class TestResolver {
 public:
  explicit TestResolver(std::string name) : name_(std::move(name)) {}
  ~TestResolver() { Stop(); }

  bool Start() { return server_.Start(SOCK_DGRAM, 0, /*backlog=*/0); }
  void Stop() { server_.Stop(); }
  uint16_t port() const { return server_.port(); }
  void set_answering(bool on) { answering_ = on; }
  int queries() const { return queries_; }

 private:
  // Reads one query from `fd` and answers it.
  void Answer(int fd) {
    uint8_t buf[1500];
    sockaddr_in from{};
    socklen_t flen = sizeof from;
    const ssize_t n = recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    if (n <= 0) return;
    ldns_pkt* q = nullptr;
    if (ldns_wire2pkt(&q, buf, static_cast<size_t>(n)) != LDNS_STATUS_OK) return;
    ++queries_;
    ldns_pkt* r = ldns_pkt_new();
    ldns_pkt_set_id(r, ldns_pkt_id(q));
    ldns_pkt_set_qr(r, true);
    ldns_pkt_set_aa(r, true);
    ldns_pkt_set_rd(r, ldns_pkt_rd(q));
    ldns_rr_list* question = ldns_pkt_question(q);
    bool hit = false;
    if (ldns_rr_list_rr_count(question) == 1) {
      const ldns_rr* qr = ldns_rr_list_rr(question, 0);
      ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, ldns_rr_clone(qr));
      char* owner = ldns_rdf2str(ldns_rr_owner(qr));
      const std::string qname = owner != nullptr ? owner : "";
      free(owner);
      hit = answering_ && strcasecmp(qname.c_str(), name_.c_str()) == 0;
      if (hit && ldns_rr_get_type(qr) == LDNS_RR_TYPE_A) {
        ldns_rr* a = nullptr;
        if (ldns_rr_new_frm_str(&a, (name_ + " 0 IN A 127.0.0.1").c_str(), 0, nullptr,
                                nullptr) == LDNS_STATUS_OK) {
          ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, a);
        }
      }
    }
    ldns_pkt_set_rcode(r, hit ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN);
    uint8_t* wire = nullptr;
    size_t wire_len = 0;
    if (ldns_pkt2wire(&wire, r, &wire_len) == LDNS_STATUS_OK) {
      sendto(fd, wire, wire_len, 0, reinterpret_cast<sockaddr*>(&from), flen);
      free(wire);
    }
    ldns_pkt_free(r);
    ldns_pkt_free(q);
  }

  const std::string name_;
  std::atomic<bool> answering_{true};
  std::atomic<int> queries_{0};
  tests::LoopbackServer server_{[this](int fd) { Answer(fd); }};  // last: uses the above
};

using tests::ClosedPort;

// ---------------------------------------------------------------------------
// Data: zone health.test., routed names, latency table, health checks.

constexpr char kZone[] =
    "$ORIGIN health.test.\n"
    "$TTL 300\n"
    "@ SOA ns1 hostmaster 1 3600 600 86400 60\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.53\n";

// The client network: eu-west-1 is nearest, then us-east-1.
constexpr char kLatency[] =
    "network,region,rtt_ms\n"
    "198.51.100.0/24,eu-west-1,10\n"
    "198.51.100.0/24,us-east-1,50\n"
    "198.51.100.0/24,ap-southeast-1,150\n";

constexpr char kEu[] = "192.0.2.1";  // eu-west-1 members answer this
constexpr char kUs[] = "192.0.2.2";  // us-east-1 members

// A latency pair: `name`.health.test. with eu-west-1 (check `eu_check`) and
// us-east-1 (check `us_check`).
json LatencyPair(const std::string& name, const std::string& eu_check,
                 const std::string& us_check) {
  json out = json::array();
  for (int i = 0; i < 2; ++i) {
    json rs = {{"Name", name + ".health.test."},
               {"Type", "A"},
               {"SetIdentifier", i == 0 ? "euw1" : "use1"},
               {"Region", i == 0 ? "eu-west-1" : "us-east-1"},
               {"TTL", 5},
               {"ResourceRecords", {{{"Value", i == 0 ? kEu : kUs}}}}};
    const std::string& check = i == 0 ? eu_check : us_check;
    if (!check.empty()) rs["HealthCheckId"] = check;
    out.push_back(rs);
  }
  return out;
}

json RecordSets() {
  json sets = json::array();
  auto add = [&](const json& list) {
    for (const json& rs : list) sets.push_back(rs);
  };
  add(LatencyPair("tcp", "hc-tcp", "hc-us"));
  add(LatencyPair("http", "hc-http", "hc-us"));
  add(LatencyPair("fqdn", "hc-fqdn", "hc-us"));
  add(LatencyPair("inverted", "hc-inverted", "hc-us"));
  add(LatencyPair("disabled", "hc-disabled", "hc-us"));
  add(LatencyPair("disabled-inverted", "hc-disabled-inverted", "hc-us"));
  add(LatencyPair("calc", "hc-calc", "hc-us"));
  add(LatencyPair("allbad", "hc-closed", "hc-closed"));
  add(LatencyPair("drain", "hc-us", "hc-us"));
  // alias.health.test.: eu-west-1 is an alias (EvaluateTargetHealth) to
  // target.health.test., whose one member has hc-tcp.
  sets.push_back({{"Name", "alias.health.test."},
                  {"Type", "A"},
                  {"SetIdentifier", "euw1"},
                  {"Region", "eu-west-1"},
                  {"AliasTarget",
                   {{"HostedZoneId", "ZTEST"},
                    {"DNSName", "target.health.test."},
                    {"EvaluateTargetHealth", true}}}});
  sets.push_back({{"Name", "alias.health.test."},
                  {"Type", "A"},
                  {"SetIdentifier", "use1"},
                  {"Region", "us-east-1"},
                  {"TTL", 5},
                  {"HealthCheckId", "hc-us"},
                  {"ResourceRecords", {{{"Value", kUs}}}}});
  sets.push_back({{"Name", "target.health.test."},
                  {"Type", "A"},
                  {"SetIdentifier", "t1"},
                  {"Weight", 1},
                  {"TTL", 5},
                  {"HealthCheckId", "hc-tcp"},
                  {"ResourceRecords", {{{"Value", "192.0.2.11"}}}}});
  return json{{"ResourceRecordSets", sets}};
}

json Check(const std::string& id, json config) {
  if (!config.contains("RequestInterval")) config["RequestInterval"] = 1;
  if (!config.contains("FailureThreshold") && config.value("Type", "") != "CALCULATED")
    config["FailureThreshold"] = 1;
  return {{"Id", id}, {"CallerReference", "e2e-" + id}, {"HealthCheckVersion", 1},
          {"HealthCheckConfig", config}};
}

json TcpCheck(const std::string& id, uint16_t port, int failure_threshold = 1) {
  return Check(id, {{"Type", "TCP"}, {"IPAddress", "127.0.0.1"}, {"Port", port},
                    {"FailureThreshold", failure_threshold}});
}

// ---------------------------------------------------------------------------
// Fixture: endpoints, a resolver, and one server with every check.

class e2eHealth : public testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);
    tmp_ = MakeTempDir();
    ASSERT_FALSE(tmp_.empty());
    for (TestEndpoint* e : {&tcp_, &http_, &fqdn_, &us_, &child_[0], &child_[1], &child_[2]}) {
      ASSERT_TRUE(e->Start());
    }
    ASSERT_TRUE(resolver_.Start());
    ASSERT_TRUE(WriteFile(tmp_ + "/health.test.zone", kZone));
    ASSERT_TRUE(WriteFile(tmp_ + "/health.test.json", RecordSets().dump(2)));
    ASSERT_TRUE(WriteFile(tmp_ + "/latency.csv", kLatency));
    ASSERT_TRUE(WriteFile(HealthChecksPath(), HealthChecks().dump(2)));
  }

  void TearDown() override {
    if (server_.IsRunning()) {
      EXPECT_TRUE(server_.Stop()) << "clean shutdown on SIGTERM";
    }
  }

  std::string HealthChecksPath() const { return tmp_ + "/health-checks.json"; }

  // Every check the record sets use (hc-tcp: FailureThreshold 2).
  json HealthChecks() const {
    json checks = json::array();
    checks.push_back(TcpCheck("hc-tcp", tcp_.port(), 2));
    checks.push_back(TcpCheck("hc-us", us_.port()));
    checks.push_back(Check("hc-http", {{"Type", "HTTP_STR_MATCH"},
                                       {"IPAddress", "127.0.0.1"},
                                       {"Port", http_.port()},
                                       {"ResourcePath", "/health"},
                                       {"SearchString", TestEndpoint::kSearchString}}));
    checks.push_back(Check("hc-fqdn", {{"Type", "HTTP"},
                                       {"FullyQualifiedDomainName", "endpoint.hc.test"},
                                       {"Port", fqdn_.port()},
                                       {"ResourcePath", "/"}}));
    checks.push_back(Check("hc-inverted", {{"Type", "TCP"},
                                           {"IPAddress", "127.0.0.1"},
                                           {"Port", closed_.port()},
                                           {"Inverted", true}}));
    checks.push_back(Check("hc-disabled", {{"Type", "TCP"},
                                           {"IPAddress", "127.0.0.1"},
                                           {"Port", closed_.port()},
                                           {"Disabled", true}}));
    checks.push_back(Check("hc-disabled-inverted", {{"Type", "TCP"},
                                                    {"IPAddress", "127.0.0.1"},
                                                    {"Port", us_.port()},
                                                    {"Disabled", true},
                                                    {"Inverted", true}}));
    checks.push_back(TcpCheck("hc-closed", closed_.port()));
    for (int i = 0; i < 3; ++i) {
      checks.push_back(TcpCheck("hc-child-" + std::to_string(i), child_[i].port()));
    }
    checks.push_back(Check("hc-calc", {{"Type", "CALCULATED"},
                                       {"ChildHealthChecks",
                                        {"hc-child-0", "hc-child-1", "hc-child-2"}},
                                       {"HealthThreshold", 2}}));
    return json{{"HealthChecks", checks}, {"IsTruncated", false}, {"MaxItems", "100"}};
  }

  ServerOptions Options(const std::vector<std::string>& extra = {}) const {
    ServerOptions o;
    o.zones = {"health.test.=" + tmp_ + "/health.test.zone",
               "health.test.=" + tmp_ + "/health.test.json"};
    o.control = true;
    o.extra_args = {"--latency", tmp_ + "/latency.csv", "--health-checks", HealthChecksPath(),
                    "--health-check-resolver",
                    "127.0.0.1:" + std::to_string(resolver_.port())};
    for (const std::string& e : extra) o.extra_args.push_back(e);
    return o;
  }

  // Starts the server and waits (up to 5 s) until every probed check has a
  // first result, so answers reflect the endpoints.
  void StartAndSettle(const std::vector<std::string>& extra = {}) {
    ASSERT_TRUE(server_.Start(Options(extra)));
    HttpReply r;
    const double settled = PollUntil(
        [&] {
          r = Http(server_, "GET", "/v1/health-checks");
          if (r.status != 200) return true;  // fails below
          for (const json& c : r.body_json["health_checks"]) {
            if (c["type"] != "CALCULATED" && !c["disabled"].get<bool>() && c["checks"] == 0)
              return false;
          }
          return true;
        },
        5000ms);
    ASSERT_EQ(r.status, 200) << r.Describe();
    ASSERT_GE(settled, 0) << "checks did not all report in 5 s\n" << server_.Log();
  }

  // The A value answered for `name`.health.test. to a client in
  // 198.51.100.0/24 ("" on no answer).
  std::string Answer(const std::string& name) {
    QueryOptions o;
    o.edns = true;
    o.edns_options = EcsOption(24, {198, 51, 100});
    Reply r;
    if (!AskUdp(Endpoint::V4(server_.port()), name + ".health.test.", LDNS_RR_TYPE_A, o, &r))
      return "";
    for (size_t i = 0; i < ldns_rr_list_rr_count(r.answer()); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(r.answer(), i);
      if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A) continue;
      char* t = ldns_rdf2str(ldns_rr_rdf(rr, 0));
      std::string s = t != nullptr ? t : "";
      free(t);
      return s;
    }
    return "";
  }

  // Seconds until Answer(name) == want; -1 if not within `limit`.
  double SecondsUntil(const std::string& name, const std::string& want,
                      std::chrono::milliseconds limit = 6000ms) {
    return PollUntil([&] { return Answer(name) == want; }, limit);
  }

  // The check `id` from GET /v1/health-checks.
  json CheckStatus(const std::string& id) {
    HttpReply r = Http(server_, "GET", "/v1/health-checks");
    for (const json& c : r.body_json["health_checks"])
      if (c["id"] == id) return c;
    return json();
  }

  std::string tmp_;
  TestEndpoint tcp_, http_, fqdn_, us_, child_[3];
  ClosedPort closed_;
  TestResolver resolver_{"endpoint.hc.test."};
  ServerProcess server_;
};

// The headline: kill the nearest region's endpoint, the answer
// moves within RequestInterval x FailureThreshold + 1 s (1 x 2 + 1 = 3 s);
// bring it back, it returns (as fast: 2 successes in a row).
TEST_F(e2eHealth, KilledEndpointMovesAnswersAndBack) {
  StartAndSettle();
  EXPECT_EQ(Answer("tcp"), kEu);
  EXPECT_EQ(Answer("alias"), "192.0.2.11") << "alias target healthy";
  const uint16_t port = tcp_.port();
  tcp_.Stop();
  const double moved = SecondsUntil("tcp", kUs);
  ASSERT_GE(moved, 0) << "answer did not move\n" << server_.Log();
  EXPECT_LE(moved, 3.0) << "RequestInterval 1 x FailureThreshold 2 + 1 s";
  // Alias with EvaluateTargetHealth: its target's only member is down.
  EXPECT_EQ(Answer("alias"), kUs);
  json st = CheckStatus("hc-tcp");
  EXPECT_EQ(st["state"], "unhealthy");
  EXPECT_EQ(st["reason"], "connect refused");

  ASSERT_TRUE(tcp_.Start(port));
  const double back = SecondsUntil("tcp", kEu);
  ASSERT_GE(back, 0) << "answer did not come back\n" << server_.Log();
  EXPECT_LE(back, 3.0);
  EXPECT_EQ(Answer("alias"), "192.0.2.11");
  std::printf("[ MEASURED ] endpoint killed -> answer moved to us-east-1 in %.2f s; "
              "endpoint back -> answer returned in %.2f s (bound 3 s)\n",
              moved, back);
  RecordProperty("seconds_to_move", std::to_string(moved));
  RecordProperty("seconds_to_return", std::to_string(back));
  // Each state change logged once, with its reason.
  const std::string log = server_.Log();
  EXPECT_THAT(log, HasSubstr("'hc-tcp' TCP 127.0.0.1:" + std::to_string(port) +
                             " is now unhealthy: connect refused"));
  EXPECT_THAT(log, HasSubstr("'hc-tcp' TCP 127.0.0.1:" + std::to_string(port) +
                             " is now healthy"));
}

// HTTP_STR_MATCH: 503, a hang (timeout capped at 90% of the 1 s interval)
// and a body without the search string each take the region out; the
// reason says which.
TEST_F(e2eHealth, HttpFailuresEachMoveTheAnswer) {
  StartAndSettle();
  ASSERT_EQ(Answer("http"), kEu);
  struct Case {
    TestEndpoint::Mode mode;
    std::string reason;
  };
  const Case cases[] = {{TestEndpoint::Mode::k503, "HTTP 503"},
                        {TestEndpoint::Mode::kHang, "timeout after 900ms"},
                        {TestEndpoint::Mode::kNoSearchString, "search string not found"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.reason);
    http_.set_mode(c.mode);
    const double moved = SecondsUntil("http", kUs);
    EXPECT_GE(moved, 0) << server_.Log();
    EXPECT_LE(moved, 2.5) << "RequestInterval 1 x FailureThreshold 1 + 1 s (+ the hang's 0.9 s)";
    json st = CheckStatus("hc-http");
    EXPECT_EQ(st["state"], "unhealthy");
    EXPECT_THAT(st["reason"].get<std::string>(), HasSubstr(c.reason));
    std::printf("[ MEASURED ] HTTP endpoint %s -> answer moved in %.2f s\n", c.reason.c_str(),
                moved);
    http_.set_mode(TestEndpoint::Mode::kOk);
    EXPECT_GE(SecondsUntil("http", kEu), 0) << "back to healthy";
    EXPECT_EQ(CheckStatus("hc-http")["reason"], "HTTP 200");
  }
  EXPECT_THAT(server_.Log(), HasSubstr("is now unhealthy: search string not found"));
}

// FullyQualifiedDomainName: resolved with c-ares through the test's own
// DNS server before every probe; NXDOMAIN takes the region out.
TEST_F(e2eHealth, FqdnCheckResolvedThroughLocalDns) {
  StartAndSettle();
  EXPECT_EQ(Answer("fqdn"), kEu);
  EXPECT_GT(resolver_.queries(), 0) << "c-ares asked the test's resolver";
  EXPECT_EQ(CheckStatus("hc-fqdn")["address"],
            "127.0.0.1:" + std::to_string(fqdn_.port()));
  resolver_.set_answering(false);
  EXPECT_GE(SecondsUntil("fqdn", kUs), 0) << server_.Log();
  EXPECT_THAT(CheckStatus("hc-fqdn")["reason"].get<std::string>(), HasSubstr("resolve failed"));
  resolver_.set_answering(true);
  EXPECT_GE(SecondsUntil("fqdn", kEu), 0) << server_.Log();
}

// Inverted: a refused connect is healthy. Disabled: never probed, healthy;
// Disabled + Inverted: always unhealthy (Route 53's manual failover).
TEST_F(e2eHealth, InvertedAndDisabledChecks) {
  StartAndSettle();
  EXPECT_EQ(Answer("inverted"), kEu);
  json inv = CheckStatus("hc-inverted");
  EXPECT_EQ(inv["state"], "healthy");
  EXPECT_EQ(inv["last_result"], "failure");
  EXPECT_EQ(Answer("disabled"), kEu);
  EXPECT_EQ(CheckStatus("hc-disabled")["checks"], 0);
  EXPECT_EQ(Answer("disabled-inverted"), kUs);
  EXPECT_EQ(CheckStatus("hc-disabled-inverted")["state"], "unhealthy");
}

// CALCULATED over three children with HealthThreshold 2.
TEST_F(e2eHealth, CalculatedCheckOverThreeChildren) {
  StartAndSettle();
  EXPECT_EQ(Answer("calc"), kEu);
  child_[0].Stop();
  // One child down: 2 of 3 still healthy. The prober evaluates the parent
  // in the same round as the child's change, so once the child shows
  // unhealthy the parent's answer is final.
  PollUntil([&] { return CheckStatus("hc-child-0")["state"] == "unhealthy"; }, 5000ms);
  EXPECT_EQ(CheckStatus("hc-child-0")["state"], "unhealthy") << server_.Log();
  EXPECT_EQ(Answer("calc"), kEu);
  const uint16_t port1 = child_[1].port();
  child_[1].Stop();
  EXPECT_GE(SecondsUntil("calc", kUs), 0) << server_.Log();
  EXPECT_THAT(CheckStatus("hc-calc")["reason"].get<std::string>(), HasSubstr("1 of 3"));
  ASSERT_TRUE(child_[1].Start(port1));
  EXPECT_GE(SecondsUntil("calc", kEu), 0) << server_.Log();
}

// Every member unhealthy: answer as if all were healthy (fail-open, the
// nearest); a drained region is skipped even though its check is healthy.
TEST_F(e2eHealth, AllUnhealthyFailsOpenAndDrainCountsAsUnhealthy) {
  StartAndSettle();
  EXPECT_EQ(CheckStatus("hc-closed")["state"], "unhealthy");
  EXPECT_EQ(Answer("allbad"), kEu) << "fail-open to the nearest";
  ToolRun ex = Zonectl(server_, {"explain", "allbad.health.test", "A", "--client", "127.0.0.1",
                                 "--subnet", "198.51.100.0/24", "--json"});
  json e;
  ASSERT_TRUE(ParsesAsJson(ex, &e)) << ex.Describe();
  EXPECT_EQ(e["fail_open"], true);

  EXPECT_EQ(Answer("drain"), kEu);
  ASSERT_TRUE(Succeeded(Zonectl(server_, {"region", "drain", "eu-west-1"})));
  EXPECT_EQ(Answer("drain"), kUs);
  EXPECT_EQ(Answer("tcp"), kUs) << "drained regardless of its healthy check";
  ASSERT_TRUE(Succeeded(Zonectl(server_, {"region", "up", "eu-west-1"})));
  EXPECT_EQ(Answer("drain"), kEu);
}

// `zonectl health` (table and --json), explain's health per candidate,
// /metrics with the per-check families (promtool when installed).
TEST_F(e2eHealth, ZonectlHealthExplainAndMetrics) {
  StartAndSettle();
  tcp_.Stop();
  ASSERT_GE(SecondsUntil("tcp", kUs), 0);

  ToolRun table = Zonectl(server_, {"health"});
  ASSERT_TRUE(Succeeded(table)) << table.Describe();
  EXPECT_THAT(table.out, HasSubstr("STATE"));
  EXPECT_THAT(table.out, HasSubstr("LAST_CHANGE"));
  EXPECT_THAT(table.out, testing::ContainsRegex("hc-tcp +TCP +TCP 127.0.0.1:[0-9]+ +unhealthy "
                                                "+failure +connect refused"));
  EXPECT_THAT(table.out, HasSubstr("tcp.health.test. A euw1"));

  ToolRun js = Zonectl(server_, {"health", "--json"});
  json j;
  ASSERT_TRUE(ParsesAsJson(js, &j)) << js.Describe();
  EXPECT_EQ(NonSnakeKey(j, {}), "");
  ASSERT_EQ(j["health_checks"].size(), HealthChecks()["HealthChecks"].size());
  EXPECT_EQ(j["managed_by"], "command-line");
  EXPECT_EQ(j["probing"], true);
  json tcp;
  for (const json& c : j["health_checks"])
    if (c["id"] == "hc-tcp") tcp = c;
  EXPECT_EQ(tcp["state"], "unhealthy");
  EXPECT_GE(tcp["failures"].get<int>(), 2);
  EXPECT_GT(tcp["checks"].get<int>(), tcp["failures"].get<int>());
  EXPECT_TRUE(tcp["last_latency_ms"].is_number());
  EXPECT_TRUE(tcp["last_change"].is_string());
  ASSERT_EQ(tcp["used_by"].size(), 2u);  // tcp.health.test. euw1, target t1

  ToolRun ex = Zonectl(server_, {"explain", "tcp.health.test", "A", "--client", "127.0.0.1",
                                 "--subnet", "198.51.100.0/24"});
  ASSERT_TRUE(Succeeded(ex)) << ex.Describe();
  EXPECT_THAT(ex.out, HasSubstr("hc-tcp unhealthy (connect refused)"));
  EXPECT_THAT(ex.out, HasSubstr("hc-us healthy (connected)"));
  ToolRun exj = Zonectl(server_, {"explain", "tcp.health.test", "A", "--client", "127.0.0.1",
                                  "--subnet", "198.51.100.0/24", "--json"});
  json e;
  ASSERT_TRUE(ParsesAsJson(exj, &e));
  const json& c0 = e["decisions"][0]["candidates"][0];
  EXPECT_EQ(c0["health_check"]["id"], "hc-tcp");
  EXPECT_EQ(c0["health_check"]["state"], "unhealthy");
  EXPECT_EQ(c0["health_check"]["reason"], "connect refused");
  EXPECT_EQ(c0["skipped"], "unhealthy");

  HttpReply m = Http(server_, "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_THAT(m.body, HasSubstr("steerdns_health_check_healthy{id=\"hc-tcp\",type=\"TCP\"} 0"));
  EXPECT_THAT(m.body, HasSubstr("steerdns_health_check_healthy{id=\"hc-us\",type=\"TCP\"} 1"));
  EXPECT_THAT(m.body, HasSubstr("# TYPE steerdns_health_check_checks_total counter"));
  EXPECT_THAT(m.body, HasSubstr("steerdns_health_check_failures_total{id=\"hc-tcp\"}"));
  EXPECT_THAT(m.body, HasSubstr("steerdns_health_check_last_latency_seconds{id=\"hc-us\"}"));
  if (access("/usr/bin/promtool", X_OK) == 0) {
    const std::string file = tmp_ + "/metrics.txt";
    ASSERT_TRUE(WriteFile(file, m.body));
    std::string output;
    ExitInfo info = RunProgram({"/bin/sh", "-c", "/usr/bin/promtool check metrics < '" + file + "'"},
                               std::chrono::seconds(30), &output);
    EXPECT_TRUE(info.exited && info.exit_code == 0) << info.Describe() << "\n" << output;
  }
}

// An unknown HealthCheckId stops start-up naming the record; a bad health
// checks file stops it with file:line.
TEST_F(e2eHealth, StartupErrors) {
  json checks = HealthChecks();
  json kept = json::array();
  for (const json& c : checks["HealthChecks"])
    if (c["Id"] != "hc-http") kept.push_back(c);
  checks["HealthChecks"] = kept;
  ASSERT_TRUE(WriteFile(HealthChecksPath(), checks.dump(2)));
  ServerOptions o = Options();
  std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--control", "off"};
  for (const std::string& z : o.zones) {
    args.push_back("--zone");
    args.push_back(z);
  }
  for (const std::string& a : o.extra_args) args.push_back(a);
  std::string out;
  ExitInfo info = RunBinary(args, 10s, &out);
  EXPECT_TRUE(info.exited && info.exit_code == 1) << info.Describe() << out;
  EXPECT_THAT(out, HasSubstr("health.test.json:"));
  EXPECT_THAT(out, HasSubstr("record set [name='http.health.test.', type='A', "
                             "set-identifier='euw1']: HealthCheckId 'hc-http' is not a "
                             "configured health check"));

  ASSERT_TRUE(WriteFile(HealthChecksPath(),
                        "{\"HealthChecks\": [\n  {\"Id\": \"x\", \"HealthCheckConfig\": "
                        "{\"Type\": \"TCP\", \"IPAddress\": \"127.0.0.1\", \"Port\": 1,\n"
                        "   \"FailureThreshold\": 11}}]}\n"));
  info = RunBinary(args, 10s, &out);
  EXPECT_TRUE(info.exited && info.exit_code == 1) << info.Describe() << out;
  EXPECT_THAT(out, HasSubstr(HealthChecksPath() + ":2: health check 'x': FailureThreshold"));
}

// PUT /v1/health-checks (zonectl health load): validated, atomic; refused
// when it would orphan a HealthCheckId (the old checks keep running); a
// change batch naming an unknown id is refused; persisted in --data-dir.
TEST_F(e2eHealth, LoadThroughApiRefusalsAndDataDir) {
  const std::string data = tmp_ + "/data";
  StartAndSettle({"--data-dir", data});
  json checks = HealthChecks();
  json kept = json::array();
  for (const json& c : checks["HealthChecks"])
    if (c["Id"] != "hc-tcp") kept.push_back(c);
  json orphan = checks;
  orphan["HealthChecks"] = kept;
  const std::string orphan_file = tmp_ + "/orphan.json";
  ASSERT_TRUE(WriteFile(orphan_file, orphan.dump(2)));
  ToolRun r = Zonectl(server_, {"health", "load", orphan_file});
  EXPECT_TRUE(FailedWithOneLine(r)) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("HealthCheckId 'hc-tcp' is not a configured health check"));
  EXPECT_EQ(CheckStatus("hc-tcp")["state"], "healthy") << "old checks keep running";

  const std::string bad_file = tmp_ + "/bad.json";
  ASSERT_TRUE(WriteFile(bad_file, "{\"HealthChecks\": [\n  {\"Id\": \"x\"\n"));
  r = Zonectl(server_, {"health", "load", bad_file});
  EXPECT_TRUE(FailedWithOneLine(r)) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr(bad_file + ":"));

  // A change batch whose record names an unknown id.
  const std::string batch = tmp_ + "/batch.json";
  json rs = LatencyPair("new", "hc-nope", "")[0];
  ASSERT_TRUE(WriteFile(batch, json{{"Changes", {{{"Action", "CREATE"},
                                                  {"ResourceRecordSet", rs}}}}}.dump()));
  r = Zonectl(server_, {"change", "health.test.", "--change-batch", "file://" + batch});
  EXPECT_TRUE(FailedWithOneLine(r)) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("HealthCheckId 'hc-nope' is not a configured health check"));

  // A good load: one more check, with an unknown field (a warning).
  json more = checks;
  json extra = TcpCheck("hc-extra", us_.port());
  extra["HealthCheckConfig"]["FancyNewField"] = 1;
  more["HealthChecks"].push_back(extra);
  const std::string more_file = tmp_ + "/more.json";
  ASSERT_TRUE(WriteFile(more_file, more.dump(2)));
  r = Zonectl(server_, {"health", "load", more_file});
  EXPECT_EQ(r.exit.exit_code, 0) << r.Describe();
  const size_t total = more["HealthChecks"].size();
  EXPECT_THAT(r.out, HasSubstr("health checks loaded: " + std::to_string(total) + " checks"));
  EXPECT_THAT(r.err, HasSubstr(more_file + ":"));
  EXPECT_THAT(r.err, HasSubstr("health check 'hc-extra': unknown field"));
  EXPECT_EQ(Http(server_, "GET", "/v1/health-checks").body_json["managed_by"], "api");
  EXPECT_EQ(ReadFile(data + "/health-checks.json"), more.dump(2));
  // Unchanged checks kept their state and counters across the reload.
  EXPECT_GT(CheckStatus("hc-tcp")["checks"].get<int>(), 0);

  // Restart on the data dir: its checks win over --health-checks.
  ASSERT_TRUE(server_.Stop());
  ASSERT_TRUE(server_.Start(Options({"--data-dir", data})));
  EXPECT_THAT(server_.Log(), HasSubstr("the data dir's version replaces"));
  json after = Http(server_, "GET", "/v1/health-checks").body_json;
  EXPECT_EQ(after["health_checks"].size(), total);
  EXPECT_EQ(after["managed_by"], "api");
}

// SIGHUP re-reads --health-checks; a new file that orphans an id is
// refused and the old checks keep running.
TEST_F(e2eHealth, SighupRereadsHealthChecks) {
  StartAndSettle();
  json checks = HealthChecks();
  // hc-us now probes a closed port: us-east-1 goes unhealthy.
  for (json& c : checks["HealthChecks"])
    if (c["Id"] == "hc-us") c["HealthCheckConfig"]["Port"] = closed_.port();
  // No wait for a new mtime second: the server compares mtimes to the
  // nanosecond and counts a file stamped within 2 s of its last write as
  // changed anyway (ControlState's "racy" stamps).
  ASSERT_TRUE(WriteFile(HealthChecksPath(), checks.dump(2)));
  kill(server_.pid(), SIGHUP);
  PollUntil([&] { return CheckStatus("hc-us")["state"] == "unhealthy"; }, 5000ms);
  EXPECT_EQ(CheckStatus("hc-us")["state"], "unhealthy") << server_.Log();
  EXPECT_THAT(server_.Log(), HasSubstr("health checks " + HealthChecksPath()));

  json kept = json::array();
  for (const json& c : checks["HealthChecks"])
    if (c["Id"] != "hc-calc") kept.push_back(c);
  checks["HealthChecks"] = kept;
  ASSERT_TRUE(WriteFile(HealthChecksPath(), checks.dump(2)));
  kill(server_.pid(), SIGHUP);
  PollUntil([&] { return server_.Log().find("reload failed") != std::string::npos; }, 5000ms);
  EXPECT_THAT(server_.Log(), HasSubstr("HealthCheckId 'hc-calc' is not a configured health check"));
  EXPECT_TRUE(CheckStatus("hc-calc").is_object()) << "old checks keep running";
  EXPECT_EQ(Answer("calc"), kEu);
}

}  // namespace
}  // namespace e2e
