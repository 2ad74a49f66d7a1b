// File: tests/e2e/control_test.cc
//
// The control API and `zonectl` end to end: the real `steerdns`, started
// with `--control 127.0.0.1:<free port>` (and no zones unless said), driven
// by the real `zonectl` binary, and queried with ldns over our own sockets.
// The contract is docs/control-api.md and the zonectl issue:
//   - zones loaded with zonectl answer; change batches change answers, all
//     or nothing, with Route 53's error texts;
//   - an acknowledged change survives `kill -9` with the same --data-dir;
//   - a bad zone is refused with its file:line and the old zone answers;
//   - drain/down move answers, safe_to_stop_at = last answer's send time +
//     TTL; `--wait` returns once it is reached; up restores;
//   - /metrics is Prometheus text (promtool, when installed);
//   - `zonectl check` on good and bad files of each kind, `--help` on every
//     command, `--json` that parses with snake_case fields, one line on
//     stderr for every failure, the bearer token, STEERDNS_SERVER.
//
// Only 127.0.0.1 is used; every wait is bounded.
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using std::chrono::seconds;
using SysClock = std::chrono::system_clock;

constexpr char kPromtool[] = "/usr/bin/promtool";

// ---------------------------------------------------------------------------
// DNS helpers.

std::string RdataText(const ldns_rr* rr) {
  char* t = ldns_rdf2str(ldns_rr_rdf(rr, 0));
  std::string s = t != nullptr ? t : "";
  free(t);
  return s;
}

// The A values of the answer section, in order.
std::vector<std::string> AValues(const Reply& r) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(r.answer()); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(r.answer(), i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A) out.push_back(RdataText(rr));
  }
  return out;
}

// An EDNS Client Subnet option for an IPv4 /24.
QueryOptions Ecs24(uint8_t a, uint8_t b, uint8_t c) {
  QueryOptions o;
  o.edns = true;
  o.edns_options = EcsOption(24, {a, b, c});
  return o;
}

std::string Read(const std::string& path) { return ReadFile(path); }

// Line number (1-based) of the first line of `text` that contains `needle`.
int LineOf(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(needle) != std::string::npos) return n;
  }
  return -1;
}

// `text` with the first line containing `needle` replaced by `line`.
std::string ReplaceLine(const std::string& text, const std::string& needle,
                        const std::string& replacement) {
  std::istringstream in(text);
  std::string line, out;
  bool done = false;
  while (std::getline(in, line)) {
    if (!done && line.find(needle) != std::string::npos) {
      line = replacement;
      done = true;
    }
    out += line + "\n";
  }
  EXPECT_TRUE(done) << "no line with '" << needle << "'";
  return out;
}

// A Route 53 change batch of one change.
json Change(const std::string& action, const std::string& name, const std::string& type,
            int ttl, const std::vector<std::string>& values) {
  json rs = {{"Name", name}, {"Type", type}, {"TTL", ttl},
             {"ResourceRecords", json::array()}};
  for (const auto& v : values) rs["ResourceRecords"].push_back({{"Value", v}});
  return {{"Action", action}, {"ResourceRecordSet", rs}};
}

json Batch(const std::vector<json>& changes) {
  json b = {{"Changes", json::array()}};
  for (const auto& c : changes) b["Changes"].push_back(c);
  return b;
}

// ---------------------------------------------------------------------------
// Fixture: one server per test, started by the test (flags differ).

class e2eControl : public TempDirTest {
 protected:
  void TearDown() override {
    if (server_.IsRunning()) {
      EXPECT_TRUE(server_.Stop()) << "clean shutdown on SIGTERM";
    }
  }

  // A server with the control API, no zones, and `extra` flags.
  testing::AssertionResult StartServer(const std::vector<std::string>& extra = {}) {
    ServerOptions o;
    o.control = true;
    o.threads = 2;
    o.extra_args = extra;
    return server_.Start(o);
  }

  ToolRun Z(const std::vector<std::string>& args) { return Zonectl(server_, args); }

  Endpoint dns() const { return Endpoint::V4(server_.port()); }

  // Loads examples/example.com.zone + examples/route53/example.com.json.
  void LoadExample() {
    ToolRun r = Z({"load", "example.com.", ExamplePath("example.com.zone"),
                   ExamplePath("route53/example.com.json")});
    ASSERT_TRUE(Succeeded(r));
  }

  // Asks `name` A; the reply.
  Reply Ask(const std::string& name, const QueryOptions& o = {}) {
    Reply r;
    EXPECT_TRUE(AskUdp(dns(), name, LDNS_RR_TYPE_A, o, &r));
    return r;
  }

  // The region object `name` from `zonectl region list --json`.
  json Region(const std::string& name) {
    ToolRun r = Z({"region", "list", "--json"});
    EXPECT_TRUE(Succeeded(r));
    json j;
    EXPECT_TRUE(ParsesAsJson(r, &j));
    if (j.contains("regions")) {
      for (const json& x : j["regions"]) {
        if (x.value("name", "") == name) return x;
      }
    }
    ADD_FAILURE() << "region " << name << " not listed\n" << r.Describe();
    return json();
  }

  ServerProcess server_;
};

// ---------------------------------------------------------------------------
// Zones.

TEST_F(e2eControl, LoadIntoEmptyServerAndQuery) {
  ASSERT_TRUE(StartServer());
  Reply before = Ask("www.example.com.");
  EXPECT_EQ(before.rcode(), LDNS_RCODE_REFUSED) << "no zones yet\n" << before.ToString();

  ToolRun list0 = Z({"list", "--json"});
  ASSERT_TRUE(Succeeded(list0));
  json zones0;
  ASSERT_TRUE(ParsesAsJson(list0, &zones0));
  ASSERT_TRUE(zones0.contains("zones")) << list0.Describe();
  EXPECT_TRUE(zones0["zones"].is_array() && zones0["zones"].empty()) << list0.Describe();

  const std::string zone = ExamplePath("example.com.zone");
  const std::string routed = ExamplePath("route53/example.com.json");
  ToolRun load = Z({"load", "example.com.", zone, routed});
  ASSERT_TRUE(Succeeded(load));
  EXPECT_THAT(load.out, HasSubstr("example.com."));

  Reply r = Ask("www.example.com.");
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(r.aa());
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}))
      << r.ToString();
  // The routed names came along (127.0.0.1 without a latency table: an
  // answer from the group, whichever member).
  Reply app = Ask("app.example.com.");
  EXPECT_EQ(app.rcode(), LDNS_RCODE_NOERROR) << app.ToString();
  EXPECT_EQ(AValues(app).size(), 1u) << app.ToString();

  ToolRun list = Z({"list", "--json"});
  ASSERT_TRUE(Succeeded(list));
  json zones;
  ASSERT_TRUE(ParsesAsJson(list, &zones));
  ASSERT_EQ(zones["zones"].size(), 1u) << list.Describe();
  const json& z = zones["zones"][0];
  EXPECT_EQ(z.value("origin", ""), "example.com.");
  EXPECT_EQ(z.value("serial", 0LL), 2024060101LL);
  EXPECT_EQ(z.value("records", 0), 74);
  EXPECT_EQ(z.value("routed_record_sets", 0), 13);
  EXPECT_EQ(z.value("managed_by", ""), "api");
  EXPECT_EQ(z.value("changes_applied", -1), 0);
  EXPECT_EQ(z.value("sources", json::array()), json::array({zone, routed})) << list.Describe();
  EXPECT_EQ(NonSnakeKey(zones), "");

  // A second zone: the list is sorted by origin.
  ASSERT_TRUE(Succeeded(Z({"load", "sub.example.com", ExamplePath("sub.example.com.zone")})));
  ASSERT_TRUE(Succeeded(Z({"load", "aaa.test.", WriteTemp("aaa.zone",
                                                           "$ORIGIN aaa.test.\n$TTL 60\n"
                                                           "@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n"
                                                           "ns1 A 192.0.2.1\n")})));
  ToolRun three = Z({"list", "--json"});
  json sorted;
  ASSERT_TRUE(ParsesAsJson(three, &sorted));
  std::vector<std::string> origins;
  for (const json& x : sorted["zones"]) origins.push_back(x.value("origin", ""));
  EXPECT_EQ(origins, (std::vector<std::string>{"aaa.test.", "example.com.", "sub.example.com."}))
      << three.Describe();
  ASSERT_TRUE(Succeeded(Z({"unload", "aaa.test."})));
  ASSERT_TRUE(Succeeded(Z({"unload", "sub.example.com."})));

  // show: with or without the trailing dot, any case.
  for (const std::string origin : {"example.com.", "example.com", "EXAMPLE.Com."}) {
    SCOPED_TRACE(origin);
    ToolRun show = Z({"show", origin, "--json"});
    ASSERT_TRUE(Succeeded(show));
    json s;
    ASSERT_TRUE(ParsesAsJson(show, &s));
    EXPECT_EQ(s, z) << "show equals the list entry";
  }
  ToolRun human = Z({"list"});
  ASSERT_TRUE(Succeeded(human));
  EXPECT_THAT(human.out, HasSubstr("example.com."));
  EXPECT_THAT(human.out, HasSubstr("2024060101"));
  ToolRun show = Z({"show", "example.com"});
  ASSERT_TRUE(Succeeded(show));
  EXPECT_THAT(show.out, HasSubstr("2024060101"));

  // Unload: REFUSED again, and `show` fails with one line (404 NoSuchZone).
  ToolRun unload = Z({"unload", "example.com", "--json"});
  ASSERT_TRUE(Succeeded(unload));
  json u;
  ASSERT_TRUE(ParsesAsJson(unload, &u));
  EXPECT_EQ(u.value("unloaded", ""), "example.com.");
  EXPECT_EQ(Ask("www.example.com.").rcode(), LDNS_RCODE_REFUSED);
  EXPECT_TRUE(FailedWithOneLine(Z({"show", "example.com."}), 1));
  HttpReply h = Http(server_, "GET", "/v1/zones/example.com.");
  EXPECT_EQ(h.status, 404) << h.Describe();
  EXPECT_EQ(h.body_json.value("code", ""), "NoSuchZone") << h.Describe();
  EXPECT_TRUE(h.body_json.contains("error")) << h.Describe();
}

TEST_F(e2eControl, ChangeBatchChangesTheAnswer) {
  ASSERT_TRUE(StartServer());
  LoadExample();
  const std::string upsert = WriteTemp(
      "upsert.json",
      Batch({Change("UPSERT", "www.example.com.", "A", 300, {"192.0.2.99"})}).dump(2));
  ToolRun r = Z({"change", "example.com.", "--change-batch", "file://" + upsert});
  ASSERT_TRUE(Succeeded(r));
  EXPECT_THAT(r.out, HasSubstr("INSYNC"));
  Reply a = Ask("www.example.com.");
  EXPECT_TRUE(SectionEquals(a.answer(), {"www.example.com. 300 IN A 192.0.2.99"}))
      << a.ToString();

  // The same wrapped as `aws route53 change-resource-record-sets` takes it,
  // with a comment; --json prints Route 53's ChangeInfo.
  json wrapped = {{"ChangeBatch",
                   {{"Comment", "add new"},
                    {"Changes",
                     {Change("CREATE", "new.example.com", "A", 120, {"192.0.2.77"})}}}}};
  const std::string create = WriteTemp("create.json", wrapped.dump());
  ToolRun c = Z({"change", "example.com", "--change-batch", "file://" + create, "--json"});
  ASSERT_TRUE(Succeeded(c));
  json info;
  ASSERT_TRUE(ParsesAsJson(c, &info));
  ASSERT_TRUE(info.contains("ChangeInfo")) << c.Describe();
  EXPECT_EQ(info["ChangeInfo"].value("Status", ""), "INSYNC");
  EXPECT_THAT(info["ChangeInfo"].value("Id", ""), StartsWith("/change/C"));
  EXPECT_EQ(info["ChangeInfo"].value("Comment", ""), "add new");
  EXPECT_TRUE(std::regex_match(info["ChangeInfo"].value("SubmittedAt", ""),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
      << c.Describe();
  Reply n = Ask("new.example.com.");
  EXPECT_TRUE(SectionEquals(n.answer(), {"new.example.com. 120 IN A 192.0.2.77"}))
      << n.ToString();

  // DELETE with the current values removes it.
  const std::string del = WriteTemp(
      "delete.json",
      Batch({Change("DELETE", "new.example.com.", "A", 120, {"192.0.2.77"})}).dump());
  ASSERT_TRUE(Succeeded(Z({"change", "example.com.", "--change-batch", "file://" + del})));
  EXPECT_EQ(Ask("new.example.com.").rcode(), LDNS_RCODE_NXDOMAIN);

  ToolRun show = Z({"show", "example.com.", "--json"});
  ASSERT_TRUE(Succeeded(show));
  json s;
  ASSERT_TRUE(ParsesAsJson(show, &s));
  EXPECT_EQ(s.value("changes_applied", -1), 3) << show.Describe();
}

TEST_F(e2eControl, BatchWithOneBadChangeChangesNothing) {
  ASSERT_TRUE(StartServer({"--latency", ExamplePath("latency.csv")}));
  LoadExample();
  const std::string bad = WriteTemp(
      "bad.json", Batch({Change("CREATE", "fresh.example.com.", "A", 60, {"192.0.2.55"}),
                         Change("UPSERT", "www.example.com.", "A", 60, {"192.0.2.56"}),
                         Change("CREATE", "www.example.com.", "A", 3600, {"192.0.2.10"})})
                      .dump(2));
  ToolRun r = Z({"change", "example.com.", "--change-batch", "file://" + bad});
  EXPECT_TRUE(FailedWithOneLine(r, 1));
  EXPECT_THAT(r.err, HasSubstr("Tried to create resource record set "
                               "[name='www.example.com.', type='A'] but it already exists"));
  EXPECT_EQ(Ask("fresh.example.com.").rcode(), LDNS_RCODE_NXDOMAIN) << "nothing applied";
  Reply www = Ask("www.example.com.");
  EXPECT_TRUE(SectionEquals(www.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}))
      << "nothing applied\n" << www.ToString();

  // The API itself: 400 InvalidChangeBatch with the same text.
  HttpReply h = Http(server_, "POST", "/v1/zones/example.com./changes", Read(bad));
  EXPECT_EQ(h.status, 400) << h.Describe();
  EXPECT_EQ(h.body_json.value("code", ""), "InvalidChangeBatch") << h.Describe();
  EXPECT_THAT(h.body_json.value("error", ""),
              HasSubstr("Tried to create resource record set "
                        "[name='www.example.com.', type='A'] but it already exists"));

  // Route 53's other texts.
  struct Case {
    json batch;
    std::string text;
  } cases[] = {
      {Batch({Change("DELETE", "www.example.com.", "A", 3600, {"192.0.2.11"})}),
       "Tried to delete resource record set [name='www.example.com.', type='A'] but the "
       "values provided do not match the current values"},
      {Batch({Change("DELETE", "nothere.example.com.", "A", 60, {"192.0.2.1"})}),
       "Tried to delete resource record set [name='nothere.example.com.', type='A'] but "
       "it was not found"},
      {Batch({{{"Action", "DELETE"},
               {"ResourceRecordSet",
                {{"Name", "app.example.com."}, {"Type", "A"}, {"SetIdentifier", "nope"},
                 {"Region", "eu-central-1"}, {"TTL", 60},
                 {"ResourceRecords", {{{"Value", "192.0.2.1"}}}}}}}}),
       "Tried to delete resource record set [name='app.example.com.', type='A', "
       "set-identifier='nope'] but it was not found"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string f = WriteTemp("case.json", c.batch.dump());
    ToolRun t = Z({"change", "example.com.", "--change-batch", "file://" + f});
    EXPECT_TRUE(FailedWithOneLine(t, 1));
    EXPECT_THAT(t.err, HasSubstr(c.text));
  }
  ToolRun show = Z({"show", "example.com.", "--json"});
  json s;
  ASSERT_TRUE(ParsesAsJson(show, &s));
  EXPECT_EQ(s.value("changes_applied", -1), 0) << show.Describe();
  Reply app = Ask("app.example.com.", Ecs24(198, 51, 100));
  EXPECT_EQ(AValues(app), std::vector<std::string>{"192.0.2.102"}) << app.ToString();
  // A change batch for a zone that is not loaded: 404 NoSuchZone.
  HttpReply nz = Http(server_, "POST", "/v1/zones/example.org./changes", Read(bad));
  EXPECT_EQ(nz.status, 404) << nz.Describe();
  EXPECT_EQ(nz.body_json.value("code", ""), "NoSuchZone") << nz.Describe();
}

TEST_F(e2eControl, AcknowledgedChangeSurvivesKillDashNine) {
  const std::string data_dir = tmp_ + "/data";
  ASSERT_EQ(mkdir(data_dir.c_str(), 0700), 0);
  ASSERT_TRUE(StartServer({"--data-dir", data_dir}));
  LoadExample();
  const std::string upsert = WriteTemp(
      "upsert.json",
      Batch({Change("UPSERT", "www.example.com.", "A", 300, {"192.0.2.99"}),
             Change("CREATE", "kept.example.com.", "A", 60, {"192.0.2.98"})})
          .dump());
  ASSERT_TRUE(Succeeded(Z({"change", "example.com.", "--change-batch", "file://" + upsert})));
  // Acknowledged: now kill -9, no chance to flush anything.
  ASSERT_EQ(kill(server_.pid(), SIGKILL), 0);
  for (int i = 0; i < 500 && server_.IsRunning(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(server_.IsRunning());

  // Same --data-dir, no --zone: the zone and the change are back.
  ASSERT_TRUE(StartServer({"--data-dir", data_dir}));
  Reply www = Ask("www.example.com.");
  EXPECT_TRUE(SectionEquals(www.answer(), {"www.example.com. 300 IN A 192.0.2.99"}))
      << www.ToString() << "\nserver output:\n" << server_.Log();
  Reply kept = Ask("kept.example.com.");
  EXPECT_TRUE(SectionEquals(kept.answer(), {"kept.example.com. 60 IN A 192.0.2.98"}))
      << kept.ToString();
  Reply mail = Ask("mail.example.com.");
  EXPECT_TRUE(SectionEquals(mail.answer(), {"mail.example.com. 3600 IN A 192.0.2.25"}))
      << mail.ToString();
  ToolRun list = Z({"list", "--json"});
  json zones;
  ASSERT_TRUE(ParsesAsJson(list, &zones));
  ASSERT_EQ(zones["zones"].size(), 1u) << list.Describe();
  EXPECT_EQ(zones["zones"][0].value("managed_by", ""), "api");
  EXPECT_EQ(zones["zones"][0].value("routed_record_sets", 0), 13);
  ToolRun stats = Z({"stats", "--json"});
  json status;
  ASSERT_TRUE(ParsesAsJson(stats, &status));
  EXPECT_EQ(status.value("data_dir", ""), data_dir) << stats.Describe();

  // An acknowledged unload survives kill -9 too.
  ASSERT_TRUE(Succeeded(Z({"unload", "example.com."})));
  ASSERT_EQ(kill(server_.pid(), SIGKILL), 0);
  for (int i = 0; i < 500 && server_.IsRunning(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(StartServer({"--data-dir", data_dir}));
  EXPECT_EQ(Ask("www.example.com.").rcode(), LDNS_RCODE_REFUSED);
}

TEST_F(e2eControl, BadZoneIsRefusedWithItsLineAndTheOldZoneAnswers) {
  ASSERT_TRUE(StartServer());
  LoadExample();
  const std::string good = Read(ExamplePath("example.com.zone"));
  // The new version moves www and breaks sip's address further down.
  std::string text = ReplaceLine(good, "192.0.2.10", "www IN A 192.0.2.11");
  text = ReplaceLine(text, "192.0.2.50", "sip IN A 192.0.2.500");
  const int bad_line = LineOf(text, "192.0.2.500");
  const std::string bad = WriteTemp("bad.zone", text);
  ToolRun r = Z({"load", "example.com.", bad});
  EXPECT_TRUE(FailedWithOneLine(r, 1));
  const std::string where = bad + ":" + std::to_string(bad_line) + ":";
  EXPECT_THAT(r.err, HasSubstr(where));
  Reply www = Ask("www.example.com.");
  EXPECT_TRUE(SectionEquals(www.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}))
      << "the old zone keeps serving\n" << www.ToString();
  Reply app = Ask("app.example.com.", Ecs24(198, 51, 100));
  EXPECT_EQ(AValues(app).size(), 1u) << "routed names too\n" << app.ToString();

  // `zonectl check` says the same as the server.
  ToolRun check = RunZonectl({"check", bad});
  EXPECT_TRUE(FailedWithOneLine(check, 1));
  const size_t at = check.err.find(where);
  ASSERT_NE(at, std::string::npos) << check.Describe();
  EXPECT_THAT(r.err, HasSubstr(check.err.substr(at, check.err.size() - at - 1)))
      << "zonectl check and the server word the error the same";

  // The raw API: 400 InvalidInput, file:line in the message.
  json body = {{"files", {{{"name", "bad.zone"}, {"format", "master"}, {"content", text}}}}};
  HttpReply h = Http(server_, "PUT", "/v1/zones/example.com.", body.dump());
  EXPECT_EQ(h.status, 400) << h.Describe();
  EXPECT_EQ(h.body_json.value("code", ""), "InvalidInput") << h.Describe();
  EXPECT_THAT(h.body_json.value("error", ""),
              HasSubstr("bad.zone:" + std::to_string(bad_line) + ":"));

  // Bad Route 53 JSON beside a good master file: refused, naming the record.
  json dup = json::parse(Read(ExamplePath("route53/example.com.json")));
  json twin = dup["ResourceRecordSets"][1];  // euw1
  twin["SetIdentifier"] = "euw1-twin";
  dup["ResourceRecordSets"].push_back(twin);
  const std::string bad_json = WriteTemp("bad.json", dup.dump(2));
  ToolRun rj = Z({"load", "example.com.", ExamplePath("example.com.zone"), bad_json});
  EXPECT_TRUE(FailedWithOneLine(rj, 1));
  EXPECT_TRUE(std::regex_search(rj.err, std::regex(std::regex_replace(
                                             bad_json, std::regex(R"([.^$|()\[\]{}*+?\\])"),
                                             R"(\$&)") + R"(:\d+: )")))
      << rj.Describe();
  EXPECT_THAT(rj.err, HasSubstr("euw1-twin"));
  www = Ask("www.example.com.");
  EXPECT_TRUE(SectionEquals(www.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}))
      << www.ToString();

  // A file that is not there: one line, nothing sent.
  EXPECT_TRUE(FailedWithOneLine(Z({"load", "example.com.", tmp_ + "/missing.zone"}), 1));
}

// ---------------------------------------------------------------------------
// Regions.

TEST_F(e2eControl, DrainMovesAnswersAndReportsSafeToStop) {
  ASSERT_TRUE(StartServer());
  ToolRun lat = Z({"latency", "load", ExamplePath("latency.csv"), "--json"});
  ASSERT_TRUE(Succeeded(lat));
  json l;
  ASSERT_TRUE(ParsesAsJson(lat, &l));
  EXPECT_EQ(l.value("networks", 0), 6);
  EXPECT_EQ(l.value("regions", 0), 4);
  EXPECT_EQ(l.value("rankings", 0), 4);
  LoadExample();

  // 198.51.100.0/24: eu-west-1 (12 ms), then us-east-1 (78 ms).
  const QueryOptions europe = Ecs24(198, 51, 100);
  Reply r = Ask("app.example.com.", europe);
  ASSERT_EQ(AValues(r), std::vector<std::string>{"192.0.2.102"}) << r.ToString();
  json eu = Region("eu-west-1");
  EXPECT_EQ(eu.value("state", ""), "up");
  EXPECT_TRUE(eu.contains("safe_to_stop_at") && eu["safe_to_stop_at"].is_null()) << eu;
  EXPECT_TRUE(eu.contains("last_answer_expires_at") && eu["last_answer_expires_at"].is_string())
      << eu;

  // The last answer for eu-west-1: sent early in a second, so that the send
  // time and the time taken just before it share the second (asked again
  // if a busy machine let the exchange straddle a second boundary).
  SysClock::time_point before_last;
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::this_thread::sleep_until(std::chrono::ceil<seconds>(SysClock::now()) +
                                  std::chrono::milliseconds(50));
    before_last = SysClock::now();
    r = Ask("app.example.com.", europe);
    const SysClock::time_point after = SysClock::now();
    ASSERT_EQ(AValues(r), std::vector<std::string>{"192.0.2.102"}) << r.ToString();
    if (Rfc3339(after) == Rfc3339(before_last)) break;
  }
  const std::string expected_safe = Rfc3339(before_last + seconds(60));  // TTL 60

  ToolRun drain = Z({"region", "drain", "eu-west-1", "--json"});
  ASSERT_TRUE(Succeeded(drain));
  json d;
  ASSERT_TRUE(ParsesAsJson(drain, &d));
  EXPECT_EQ(d.value("name", ""), "eu-west-1");
  EXPECT_EQ(d.value("state", ""), "drain");
  EXPECT_EQ(d.value("safe_to_stop_at", json()).dump(), json(expected_safe).dump())
      << "last answer's send time + TTL 60\n" << drain.Describe();
  EXPECT_EQ(NonSnakeKey(d), "");

  // Answers move to the next region; the drained one's clock stays put.
  for (int i = 0; i < 5; ++i) {
    Reply m = Ask("app.example.com.", europe);
    EXPECT_EQ(AValues(m), std::vector<std::string>{"192.0.2.101"}) << m.ToString();
  }
  eu = Region("eu-west-1");
  EXPECT_EQ(eu.value("state", ""), "drain");
  EXPECT_EQ(eu.value("safe_to_stop_at", json()).dump(), json(expected_safe).dump()) << eu;
  EXPECT_EQ(eu.value("last_answer_expires_at", json()).dump(), json(expected_safe).dump())
      << eu;
  ToolRun human = Z({"region", "list"});
  ASSERT_TRUE(Succeeded(human));
  EXPECT_TRUE(std::regex_search(human.out, std::regex(R"(eu-west-1\s+drain)"))) << human.out;

  // explain shows why.
  ToolRun ex = Z({"explain", "app.example.com", "A", "--client", "127.0.0.1", "--subnet",
                  "198.51.100.0/24", "--json"});
  ASSERT_TRUE(Succeeded(ex));
  json e;
  ASSERT_TRUE(ParsesAsJson(ex, &e));
  ASSERT_TRUE(e.contains("decisions") && !e["decisions"].empty()) << ex.Describe();
  bool saw_drained = false;
  for (const json& c : e["decisions"][0]["candidates"]) {
    if (c.value("region", "") == "eu-west-1") {
      saw_drained = true;
      EXPECT_EQ(c.value("admin", ""), "drain") << c;
      EXPECT_FALSE(c.value("picked", true)) << c;
    }
  }
  EXPECT_TRUE(saw_drained) << ex.Describe();
  EXPECT_EQ(e["decisions"][0].value("answered", json()), json::array({"use1"})) << ex.Describe();
  ToolRun ex_human =
      Z({"explain", "app.example.com", "A", "--client", "127.0.0.1", "--subnet", "198.51.100.0/24"});
  ASSERT_TRUE(Succeeded(ex_human));
  EXPECT_THAT(ex_human.out, HasSubstr("eu-west-1"));
  EXPECT_THAT(ex_human.out, HasSubstr("drain"));
  EXPECT_THAT(ex_human.out, HasSubstr("192.0.2.101"));

  // up restores; safe_to_stop_at is gone.
  ToolRun up = Z({"region", "up", "eu-west-1"});
  ASSERT_TRUE(Succeeded(up));
  Reply back = Ask("app.example.com.", europe);
  EXPECT_EQ(AValues(back), std::vector<std::string>{"192.0.2.102"}) << back.ToString();
  eu = Region("eu-west-1");
  EXPECT_EQ(eu.value("state", ""), "up");
  EXPECT_TRUE(eu.contains("safe_to_stop_at") && eu["safe_to_stop_at"].is_null()) << eu;

  // down: out of service as well, with its own safe_to_stop_at.
  const SysClock::time_point before_down = SysClock::now();
  ToolRun down = Z({"region", "down", "eu-west-1", "--json"});
  ASSERT_TRUE(Succeeded(down));
  json dn;
  ASSERT_TRUE(ParsesAsJson(down, &dn));
  EXPECT_EQ(dn.value("state", ""), "down");
  ASSERT_TRUE(dn.value("safe_to_stop_at", json()).is_string()) << down.Describe();
  EXPECT_GE(dn["safe_to_stop_at"].get<std::string>(), Rfc3339(before_down + seconds(59)))
      << "the answer just before counts";
  Reply moved = Ask("app.example.com.", europe);
  EXPECT_EQ(AValues(moved), std::vector<std::string>{"192.0.2.101"}) << moved.ToString();
  ASSERT_TRUE(Succeeded(Z({"region", "up", "eu-west-1"})));

  // An unknown region: one line, 404 NoSuchRegion.
  EXPECT_TRUE(FailedWithOneLine(Z({"region", "drain", "mars-north-1"}), 1));
  HttpReply h = Http(server_, "POST", "/v1/regions/mars-north-1", R"({"state":"drain"})");
  EXPECT_EQ(h.status, 404) << h.Describe();
  EXPECT_EQ(h.body_json.value("code", ""), "NoSuchRegion") << h.Describe();
  HttpReply bad_state = Http(server_, "POST", "/v1/regions/eu-west-1", R"({"state":"sideways"})");
  EXPECT_EQ(bad_state.status, 400) << bad_state.Describe();
  EXPECT_EQ(Region("eu-west-1").value("state", ""), "up");
}

TEST_F(e2eControl, DrainWaitReturnsOnceSafeToStop) {
  ASSERT_TRUE(StartServer());
  ASSERT_TRUE(Succeeded(Z({"latency", "load", ExamplePath("latency.csv")})));
  // A zone whose routed answers live 2 s.
  const std::string zone = WriteTemp("wait.test.zone",
                                     "$ORIGIN wait.test.\n$TTL 300\n"
                                     "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                                     "@ NS ns1\nns1 A 192.0.2.1\n");
  json sets = {{"ResourceRecordSets", json::array()}};
  for (const auto& [id, region, value] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"apse1", "ap-southeast-1", "192.0.2.203"},
           {"use1", "us-east-1", "192.0.2.201"},
           {"sae1", "sa-east-1", "192.0.2.204"}}) {
    sets["ResourceRecordSets"].push_back(
        {{"Name", "fast.wait.test."}, {"Type", "A"}, {"SetIdentifier", id},
         {"Region", region}, {"TTL", 2}, {"ResourceRecords", {{{"Value", value}}}}});
  }
  const std::string routed = WriteTemp("wait.test.json", sets.dump(2));
  ASSERT_TRUE(Succeeded(Z({"load", "wait.test.", zone, routed})));

  // 203.0.113.0/24 ranks ap-southeast-1 first.
  Reply r = Ask("fast.wait.test.", Ecs24(203, 0, 113));
  ASSERT_EQ(AValues(r), std::vector<std::string>{"192.0.2.203"}) << r.ToString();
  const auto start = SysClock::now();
  ToolRun wait = Z({"region", "drain", "ap-southeast-1", "--wait", "--json"});
  const auto end = SysClock::now();
  ASSERT_TRUE(Succeeded(wait));
  json j;
  ASSERT_TRUE(ParsesAsJson(wait, &j));
  EXPECT_EQ(j.value("state", ""), "drain");
  ASSERT_TRUE(j.value("safe_to_stop_at", json()).is_string()) << wait.Describe();
  const std::string safe = j["safe_to_stop_at"];
  EXPECT_LE(safe, Rfc3339(end)) << "returned before safe_to_stop_at";
  EXPECT_GE(safe, Rfc3339(start)) << "the answer was still live when draining";
  EXPECT_LT(end - start, seconds(10)) << "waited far longer than the TTL";
  Reply moved = Ask("fast.wait.test.", Ecs24(203, 0, 113));
  EXPECT_NE(AValues(moved), std::vector<std::string>{"192.0.2.203"}) << moved.ToString();

  // down --wait, human output: prints the time it waited for.
  ASSERT_TRUE(Succeeded(Z({"region", "up", "ap-southeast-1"})));
  r = Ask("fast.wait.test.", Ecs24(203, 0, 113));
  ASSERT_EQ(AValues(r), std::vector<std::string>{"192.0.2.203"}) << r.ToString();
  ToolRun down = Z({"region", "down", "ap-southeast-1", "--wait"});
  ASSERT_TRUE(Succeeded(down));
  EXPECT_TRUE(std::regex_search(down.out, std::regex(R"(safe to stop.*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << down.Describe();
  ASSERT_TRUE(Succeeded(Z({"region", "up", "ap-southeast-1"})));
}

// ---------------------------------------------------------------------------
// Status, metrics, JSON, auth.

TEST_F(e2eControl, MetricsAreCheckedPrometheusTextAndStatsSummarize) {
  ASSERT_TRUE(StartServer());
  LoadExample();
  for (int i = 0; i < 20; ++i) Ask("www.example.com.");
  Ask("nothere.example.com.");
  Ask("app.example.com.", Ecs24(198, 51, 100));

  HttpReply m = Http(server_, "GET", "/metrics");
  ASSERT_EQ(m.status, 200) << m.Describe();
  EXPECT_THAT(m.content_type, StartsWith("text/plain")) << m.Describe();
  EXPECT_THAT(m.content_type, HasSubstr("version=0.0.4")) << m.Describe();
  ASSERT_FALSE(m.body.empty());
  EXPECT_EQ(m.body.back(), '\n') << "the text format ends lines with \\n";
  // Our own reading of the format: every sample line is `name{labels} value`.
  const std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? )"
      R"((-?[0-9.eE+-]+|NaN|\+Inf|-Inf)( -?[0-9]+)?$)");
  std::istringstream lines(m.body);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++samples;
    EXPECT_TRUE(std::regex_match(line, sample)) << "not a sample line: " << line;
  }
  EXPECT_GT(samples, 0);
  if (access(kPromtool, X_OK) == 0) {
    const std::string file = WriteTemp("metrics.txt", m.body);
    std::string output;
    ExitInfo info = RunProgram({"/bin/sh", "-c", std::string(kPromtool) +
                                                     " check metrics < '" + file + "'"},
                               std::chrono::seconds(30), &output);
    EXPECT_TRUE(info.exited && info.exit_code == 0)
        << "promtool check metrics: " << info.Describe() << "\n" << output
        << "\n--- /metrics ---\n" << m.body;
  } else {
    std::cout << "[  NOTE    ] " << kPromtool
              << " is not installed (Debian package prometheus): skipping the "
                 "promtool check of /metrics\n";
  }

  ToolRun stats = Z({"stats", "--json"});
  ASSERT_TRUE(Succeeded(stats));
  json s;
  ASSERT_TRUE(ParsesAsJson(stats, &s));
  for (const char* key : {"version", "started_at", "uptime_s", "threads", "listen", "data_dir",
                          "zones", "snapshot_generation", "reloads", "reload_failures",
                          "queries"}) {
    EXPECT_TRUE(s.contains(key)) << "status lacks " << key << "\n" << stats.Describe();
  }
  EXPECT_EQ(s.value("zones", 0), 1);
  EXPECT_EQ(s.value("threads", 0), 2);
  EXPECT_GE(s.value("queries", 0), 22) << stats.Describe();
  EXPECT_TRUE(s.value("data_dir", json(1)).is_null()) << "no --data-dir given";
  EXPECT_TRUE(std::regex_match(s.value("started_at", ""),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")))
      << stats.Describe();
  ASSERT_TRUE(s.contains("listen") && s["listen"].is_array());
  EXPECT_EQ(s["listen"], json::array({"127.0.0.1:" + std::to_string(server_.port())}));
  EXPECT_EQ(NonSnakeKey(s), "");

  ToolRun human = Z({"stats"});
  ASSERT_TRUE(Succeeded(human));
  EXPECT_THAT(human.out, HasSubstr("queries:"));
  EXPECT_THAT(human.out, HasSubstr("metrics"));
}

TEST_F(e2eControl, JsonOutputsParseWithSnakeCaseFields) {
  ASSERT_TRUE(StartServer());
  ASSERT_TRUE(Succeeded(Z({"latency", "load", ExamplePath("latency.csv")})));
  ToolRun load = Z({"load", "example.com.", ExamplePath("example.com.zone"),
                    ExamplePath("route53/example.com.json"), "--json"});
  ASSERT_TRUE(Succeeded(load));
  json z;
  ASSERT_TRUE(ParsesAsJson(load, &z));
  EXPECT_EQ(z.value("origin", ""), "example.com.") << "PUT answers with the ZONE";

  const std::vector<std::vector<std::string>> commands = {
      {"list", "--json"},
      {"show", "example.com.", "--json"},
      {"region", "list", "--json"},
      {"latency", "show", "--json"},
      {"stats", "--json"},
      {"explain", "app.example.com", "A", "--client", "198.51.100.7", "--json"},
      {"explain", "www.example.com", "A", "--client", "127.0.0.1", "--subnet",
       "203.0.113.0/24", "--json"},
      {"region", "drain", "sa-east-1", "--json"},
      {"region", "up", "sa-east-1", "--json"},
  };
  for (const auto& args : commands) {
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    SCOPED_TRACE(cmd);
    ToolRun r = Z(args);
    ASSERT_TRUE(Succeeded(r));
    json j;
    ASSERT_TRUE(ParsesAsJson(r, &j));
    EXPECT_TRUE(j.is_object()) << r.Describe();
    EXPECT_EQ(NonSnakeKey(j), "") << r.Describe();
  }
  // The region list's times are RFC 3339 UTC or null.
  ToolRun regions = Z({"region", "list", "--json"});
  json rl;
  ASSERT_TRUE(ParsesAsJson(regions, &rl));
  ASSERT_TRUE(rl.contains("regions") && rl["regions"].is_array() && !rl["regions"].empty());
  const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
  for (const json& r : rl["regions"]) {
    for (const char* key : {"name", "state", "latitude", "longitude",
                            "last_answer_expires_at", "safe_to_stop_at"}) {
      EXPECT_TRUE(r.contains(key)) << key << " missing in " << r;
    }
    for (const char* key : {"last_answer_expires_at", "safe_to_stop_at"}) {
      const json v = r.value(key, json());
      EXPECT_TRUE(v.is_null() || (v.is_string() && std::regex_match(v.get<std::string>(), rfc3339)))
          << key << " in " << r;
    }
  }
  // explain --json is the server's ExplainJson: the routed decision is there.
  ToolRun ex = Z({"explain", "app.example.com", "A", "--client", "198.51.100.7", "--json"});
  json e;
  ASSERT_TRUE(ParsesAsJson(ex, &e));
  EXPECT_EQ(e.value("zone", ""), "example.com.") << ex.Describe();
  ASSERT_TRUE(e.contains("reply")) << ex.Describe();
  EXPECT_EQ(e["reply"].value("answer", json()),
            json::array({"app.example.com. 60 IN A 192.0.2.102"}))
      << "client 198.51.100.7 is in Europe\n" << ex.Describe();
  ToolRun ex_human = Z({"explain", "app.example.com", "A", "--client", "198.51.100.7"});
  ASSERT_TRUE(Succeeded(ex_human));
  EXPECT_THAT(ex_human.out, HasSubstr("198.51.100.0/24"));
  EXPECT_THAT(ex_human.out, HasSubstr("192.0.2.102"));

  // health: JSON when the server has the endpoint, else a clear one-liner.
  ToolRun health = Z({"health", "--json"});
  if (health.exit.exit_code == 0) {
    json h;
    EXPECT_TRUE(ParsesAsJson(health, &h));
    EXPECT_EQ(NonSnakeKey(h), "") << health.Describe();
  } else {
    EXPECT_TRUE(FailedWithOneLine(health, 1));
    EXPECT_THAT(health.err, HasSubstr("not supported by this server"));
  }
}

TEST_F(e2eControl, ApiErrorsAreOneLineJsonWithCodes) {
  ASSERT_TRUE(StartServer());
  LoadExample();
  struct Case {
    std::string method, path, body;
    int status;
    std::string code;
  } cases[] = {
      {"GET", "/v1/nothing-here", "", 404, "NotFound"},
      {"GET", "/v1/zones/example.org.", "", 404, "NoSuchZone"},
      {"DELETE", "/v1/zones/example.org.", "", 404, "NoSuchZone"},
      {"PATCH", "/v1/zones/example.com.", "{}", 405, ""},
      {"PUT", "/v1/zones/example.com.", "{not json", 400, "InvalidInput"},
      {"PUT", "/v1/zones/example.com.", R"({"files": []})", 400, "InvalidInput"},
      {"POST", "/v1/zones/example.com./changes", "{not json", 400, "InvalidChangeBatch"},
      {"POST", "/v1/regions/eu-west-1", R"({"state": "sideways"})", 400, "InvalidInput"},
      {"PUT", "/v1/latency", "network,region,rtt_ms\n10.0.0.0/8,eu-west-1,1\n10.0.0.0/8,eu-west-1,2\n",
       400, "InvalidInput"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    HttpReply h = Http(server_, c.method, c.path, c.body);
    EXPECT_EQ(h.status, c.status) << h.Describe();
    ASSERT_TRUE(h.body_json.is_object()) << "a JSON error body\n" << h.Describe();
    ASSERT_TRUE(h.body_json.contains("error") && h.body_json["error"].is_string()) << h.Describe();
    EXPECT_EQ(h.body_json["error"].get<std::string>().find('\n'), std::string::npos)
        << "one line";
    ASSERT_TRUE(h.body_json.contains("code")) << h.Describe();
    if (!c.code.empty()) {
      EXPECT_EQ(h.body_json.value("code", ""), c.code) << h.Describe();
    }
  }
  // A bad latency table through zonectl: one line with its line number;
  // the old table keeps routing.
  ASSERT_TRUE(Succeeded(Z({"latency", "load", ExamplePath("latency.csv")})));
  const std::string bad = WriteTemp("bad-latency.csv",
                                    "network,region,rtt_ms\n198.51.100.0/24,eu-west-1,12\n"
                                    "198.51.100.0/24,us-east-1,fast\n");
  ToolRun r = Z({"latency", "load", bad});
  EXPECT_TRUE(FailedWithOneLine(r, 1));
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(\.csv:3: )"))) << r.Describe();
  Reply app = Ask("app.example.com.", Ecs24(203, 0, 113));
  EXPECT_EQ(AValues(app), std::vector<std::string>{"192.0.2.103"}) << app.ToString();
  // The zone is untouched by all of the above.
  Reply www = Ask("www.example.com.");
  EXPECT_TRUE(SectionEquals(www.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}))
      << www.ToString();
}

TEST_F(e2eControl, BearerTokenFromTokenFile) {
  const std::string token_file = WriteTemp("token", "s3cret-token\n");
  chmod(token_file.c_str(), 0600);
  ASSERT_TRUE(StartServer({"--control-token-file", token_file}));
  ToolRun no_token = Z({"list"});
  EXPECT_TRUE(FailedWithOneLine(no_token, 1));
  HttpReply h = Http(server_, "GET", "/v1/zones");
  EXPECT_EQ(h.status, 401) << h.Describe();
  EXPECT_EQ(h.body_json.value("code", ""), "Unauthorized") << h.Describe();
  HttpReply wrong = Http(server_, "GET", "/v1/zones", "", "", "s3cret-tokeN");
  EXPECT_EQ(wrong.status, 401) << wrong.Describe();
  HttpReply right = Http(server_, "GET", "/v1/zones", "", "", "s3cret-token");
  EXPECT_EQ(right.status, 200) << right.Describe();
  EXPECT_TRUE(Succeeded(Z({"--token-file", token_file, "list"})));
  EXPECT_TRUE(Succeeded(Z({"load", "example.com.", ExamplePath("example.com.zone"),
                           "--token-file", token_file})));
  EXPECT_TRUE(FailedWithOneLine(Z({"--token-file", tmp_ + "/no-such-token", "list"}), 1));
}

TEST_F(e2eControl, ServerFromEnvironmentAndUnreachableServer) {
  ASSERT_TRUE(StartServer());
  ASSERT_EQ(setenv("STEERDNS_SERVER", server_.control_url().c_str(), 1), 0);
  ToolRun env = RunZonectl({"list", "--json"});
  unsetenv("STEERDNS_SERVER");
  EXPECT_TRUE(Succeeded(env));
  EXPECT_TRUE(ParsesAsJson(env, nullptr));
  // --server wins over the environment.
  ASSERT_EQ(setenv("STEERDNS_SERVER", "http://127.0.0.1:1", 1), 0);
  ToolRun flag = RunZonectl({"--server", server_.control_url(), "list"});
  ToolRun refused = RunZonectl({"list"});
  unsetenv("STEERDNS_SERVER");
  EXPECT_TRUE(Succeeded(flag));
  EXPECT_TRUE(FailedWithOneLine(refused, 1));
  EXPECT_THAT(refused.err, HasSubstr("127.0.0.1:1"));
  // Every API command against nobody: exit 1, one line.
  const uint16_t nobody = PickFreePort();
  const std::string url = "http://127.0.0.1:" + std::to_string(nobody);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"list"}, {"show", "example.com."}, {"region", "list"}, {"stats"}, {"health"},
           {"region", "drain", "eu-west-1"}, {"unload", "example.com."},
           {"load", "example.com.", ExamplePath("example.com.zone")},
           {"latency", "load", ExamplePath("latency.csv")},
           {"explain", "www.example.com", "A", "--client", "127.0.0.1"}}) {
    std::vector<std::string> full = {"--server", url};
    full.insert(full.end(), args.begin(), args.end());
    EXPECT_TRUE(FailedWithOneLine(RunZonectl(full), 1));
  }
}

// ---------------------------------------------------------------------------
// Offline: check, help, usage errors (no server).

class e2eZonectl : public TempDirTest {};

TEST_F(e2eZonectl, CheckGoodFilesOfEachKind) {
  const std::string hc = WriteTemp(
      "health-checks.json",
      R"({"HealthChecks": [
  {"Id": "hc-web-eu", "CallerReference": "x", "HealthCheckVersion": 1,
   "HealthCheckConfig": {"Type": "HTTP", "IPAddress": "192.0.2.10", "Port": 80,
                         "ResourcePath": "/health", "RequestInterval": 10,
                         "FailureThreshold": 3}}],
 "IsTruncated": false, "MaxItems": "100"}
)");
  const std::string batch = WriteTemp(
      "batch.json",
      Batch({Change("UPSERT", "www.example.com.", "A", 60, {"192.0.2.1"})}).dump(2));
  const std::string no_origin = WriteTemp(
      "relative.zone",
      "@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n");
  const std::string soa_owner = WriteTemp(
      "soa-owner.zone",
      "example.net. 300 IN SOA ns1.example.net. h.example.net. 1 2 3 4 5\n"
      "example.net. 300 IN NS ns1.example.net.\nns1.example.net. 300 IN A 192.0.2.1\n");
  struct Case {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{ExamplePath("example.com.zone")}, "zone example.com., serial 2024060101, 74 records"},
      {{ExamplePath("sub.example.com.zone")}, "zone sub.example.com."},
      // Record sets without an SOA are checked with the zone they belong to.
      {{ExamplePath("example.com.zone"), ExamplePath("route53/example.com.json")},
       "13 routed record sets"},
      {{ExamplePath("latency.csv")}, "6 networks, 4 regions"},
      {{ExamplePath("../data/aws_regions.csv")}, "regions"},
      {{hc}, "health checks: 1"},
      {{batch}, "change batch: 1"},
      {{"--origin", "example.org.", no_origin}, "zone example.org."},
      {{soa_owner}, "zone example.net."},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"check"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    SCOPED_TRACE(args.back());
    ToolRun r = RunZonectl(args);
    ASSERT_TRUE(Succeeded(r));
    EXPECT_THAT(r.out, HasSubstr(": ok: "));
    EXPECT_THAT(r.out, HasSubstr(c.says));
  }
  // Several at once.
  ToolRun all = RunZonectl({"check", ExamplePath("example.com.zone"), ExamplePath("latency.csv"),
                            ExamplePath("route53/example.com.json"), hc});
  ASSERT_TRUE(Succeeded(all));
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 4) << all.out;
}

TEST_F(e2eZonectl, CheckBadFilesOfEachKindWithFileAndLine) {
  const std::string zone_text = ReadFile(ExamplePath("example.com.zone"));
  const std::string bad_zone =
      WriteTemp("bad.zone", ReplaceLine(zone_text, "192.0.2.25", "mail IN A 192.0.2.256"));
  const int zone_line = LineOf(ReadFile(bad_zone), "192.0.2.256");
  const std::string cname_zone = WriteTemp(
      "cname.zone", zone_text + "www IN CNAME elsewhere.example.net.\n");
  const std::string bad_json = WriteTemp(
      "bad-records.json",
      "{\"ResourceRecordSets\": [\n"
      "  {\"Name\": \"a.example.com.\", \"Type\": \"A\", \"TTL\": 60,\n"
      "   \"ResourceRecords\": [{\"Value\": \"192.0.2.1\"}]},\n"
      "  {\"Name\": \"b.example.com.\", \"Type\": \"A\", \"TTL\": 60,\n"
      "   \"ResourceRecords\": [{\"Value\": \"not-an-address\"}]}\n"
      "]}\n");
  const std::string syntax_json =
      WriteTemp("syntax.json", "{\"ResourceRecordSets\": [\n  {\"Name\": \"a.example.com.\",\n]}\n");
  const std::string rule_json = WriteTemp(
      "rule.json",
      "{\"ResourceRecordSets\": [\n"
      "  {\"Name\": \"app.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"one\",\n"
      "   \"Region\": \"eu-west-1\", \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"192.0.2.1\"}]},\n"
      "  {\"Name\": \"app.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"two\",\n"
      "   \"Region\": \"eu-west-1\", \"TTL\": 60, \"ResourceRecords\": [{\"Value\": \"192.0.2.2\"}]}\n"
      "]}\n");
  const std::string bad_latency = WriteTemp(
      "latency.csv", "network,region,rtt_ms\n198.51.100.0/24,eu-west-1,12\n"
                     "198.51.100.0/24,us-east-1,-5\n");
  const std::string bad_regions = WriteTemp(
      "regions.csv", "region,latitude,longitude\neu-west-1,53.35,-6.26\nus-east-1,238.0,-77.0\n");
  const std::string odd_csv = WriteTemp("odd.csv", "a,b,c\n1,2,3\n");
  const std::string bad_hc = WriteTemp(
      "bad-hc.json",
      "{\"HealthChecks\": [\n"
      "  {\"Id\": \"hc-1\",\n"
      "   \"HealthCheckConfig\": {\"Type\": \"TCP\", \"IPAddress\": \"192.0.2.1\",\n"
      "                         \"Port\": 80, \"FailureThreshold\": 11}}\n"
      "]}\n");
  const std::string no_origin =
      WriteTemp("relative.zone", "www 300 IN A 192.0.2.1\n@ SOA ns1 h 1 2 3 4 5\n");
  const std::string empty_batch = WriteTemp("empty-batch.json", "{\"Changes\": []}\n");
  struct Case {
    std::string file;
    std::string where;  // regex the stderr line must start with
  } cases[] = {
      {bad_zone, bad_zone + ":" + std::to_string(zone_line) + ": "},
      {cname_zone, cname_zone + ":[0-9]+: "},
      {bad_json, bad_json + ":4: "},
      {syntax_json, syntax_json + ":[0-9]+: "},
      {rule_json, rule_json + ":[0-9]+: "},
      {bad_latency, bad_latency + ":3: "},
      {bad_regions, bad_regions + ":3: "},
      {odd_csv, odd_csv + ":1: "},
      {bad_hc, bad_hc + ":[0-9]+: "},
      {no_origin, no_origin + ": "},
      {empty_batch, empty_batch + ": "},
      {tmp_ + "/missing.zone", tmp_ + "/missing.zone"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    ToolRun r = RunZonectl({"check", c.file});
    EXPECT_TRUE(FailedWithOneLine(r, 1));
    EXPECT_TRUE(std::regex_search(r.err, std::regex("^" + c.where))) << r.Describe();
    EXPECT_TRUE(r.out.empty()) << r.Describe();
  }
  // One bad file among good ones: exit 1, the good ones reported ok.
  ToolRun mixed = RunZonectl({"check", ExamplePath("example.com.zone"), bad_zone,
                              ExamplePath("latency.csv")});
  EXPECT_TRUE(FailedWithOneLine(mixed, 1));
  EXPECT_EQ(std::count(mixed.out.begin(), mixed.out.end(), '\n'), 2) << mixed.Describe();

  // The server words a bad zone exactly as check does.
  ToolRun check = RunZonectl({"check", bad_zone});
  std::string server_out, server_err;
  ExitInfo s = RunBinary({"--listen", "127.0.0.1:0", "--control", "off", "--zone",
                          "example.com.=" + bad_zone},
                         std::chrono::seconds(10), &server_out, &server_err);
  EXPECT_TRUE(s.exited && s.exit_code == 1) << s.Describe() << "\n" << server_out;
  EXPECT_THAT(server_err, HasSubstr(check.err.substr(0, check.err.size() - 1)))
      << "zonectl check: " << check.err;
}

// Record sets checked together with health checks: a HealthCheckId that
// is not among them is an error, worded as the server words it at start-up.
TEST_F(e2eZonectl, CheckCrossChecksHealthCheckIds) {
  const std::string zone = ExamplePath("lab/lab.example.zone");
  const std::string json = ExamplePath("lab/lab.example.json");
  const std::string good = ExamplePath("lab/health-checks.json");
  ToolRun ok = RunZonectl({"check", zone, json, good});
  EXPECT_EQ(ok.exit.exit_code, 0) << ok.Describe();
  // Without the checks there is nothing to check the ids against.
  EXPECT_EQ(RunZonectl({"check", zone, json}).exit.exit_code, 0);

  std::string text = ReadFile(good);
  const size_t at = text.find("\"hc-euw1\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 9, "\"hc-gone\"");
  const std::string bad = tmp_ + "/health-checks.json";
  ASSERT_TRUE(WriteFile(bad, text));
  ToolRun r = RunZonectl({"check", zone, json, bad});
  EXPECT_EQ(r.exit.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr("record set [name='app.lab.example.', type='A', "
                               "set-identifier='euw1']: HealthCheckId 'hc-euw1' is not a "
                               "configured health check"))
      << r.Describe();
  const std::string first = r.err.substr(0, r.err.find('\n'));

  std::string server_out, server_err;
  ExitInfo s = RunBinary({"--listen", "127.0.0.1:0", "--control", "off", "--zone",
                          "lab.example.=" + ExamplePath("lab/lab.example.zone"), "--zone",
                          "lab.example.=" + json, "--health-checks", bad,
                          "--default-latency", "off"},
                         std::chrono::seconds(10), &server_out, &server_err);
  EXPECT_TRUE(s.exited && s.exit_code == 1) << s.Describe() << "\n" << server_out;
  EXPECT_THAT(server_err, HasSubstr(first)) << "zonectl check: " << r.err;
}

TEST_F(e2eZonectl, HelpForEveryCommand) {
  const std::vector<std::vector<std::string>> commands = {
      {},
      {"check"},
      {"load"},
      {"unload"},
      {"list"},
      {"show"},
      {"change"},
      {"latency"},
      {"latency", "load"},
      {"latency", "show"},
      {"region"},
      {"region", "list"},
      {"region", "up"},
      {"region", "down"},
      {"region", "drain"},
      {"explain"},
      {"stats"},
      {"health"},
  };
  for (const auto& words : commands) {
    std::string name;
    for (const auto& w : words) name += (name.empty() ? "" : " ") + w;
    SCOPED_TRACE("zonectl " + name + " --help");
    for (const char* flag : {"--help", "-h"}) {
      std::vector<std::string> args = words;
      args.push_back(flag);
      ToolRun r = RunZonectl(args);
      ASSERT_TRUE(Succeeded(r));
      EXPECT_THAT(r.out, StartsWith("Usage: zonectl " + name));
      EXPECT_THAT(r.out, HasSubstr("--server URL"));
    }
    std::vector<std::string> help = {"help"};
    help.insert(help.end(), words.begin(), words.end());
    ToolRun h = RunZonectl(help);
    ASSERT_TRUE(Succeeded(h));
    EXPECT_THAT(h.out, StartsWith("Usage: zonectl " + name));
  }
  ToolRun main_help = RunZonectl({"--help"});
  for (const char* cmd : {"check", "load", "unload", "list", "show", "change", "latency load",
                          "region list", "region drain", "explain", "stats", "health"}) {
    EXPECT_THAT(main_help.out, HasSubstr(cmd));
  }
  ToolRun drain = RunZonectl({"region", "drain", "--help"});
  EXPECT_THAT(drain.out, HasSubstr("--wait"));
  EXPECT_THAT(drain.out, HasSubstr("safe_to_stop_at"));
  ToolRun change = RunZonectl({"change", "--help"});
  EXPECT_THAT(change.out, HasSubstr("file://"));
  ToolRun explain = RunZonectl({"explain", "--help"});
  EXPECT_THAT(explain.out, HasSubstr("--subnet"));
  EXPECT_THAT(explain.out, HasSubstr("--json"));
}

TEST_F(e2eZonectl, UsageErrorsAreOneLineWithStatusTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"frobnicate"},
           {"load"},
           {"load", "example.com."},
           {"unload"},
           {"show", "a.", "b."},
           {"list", "--bogus"},
           {"list", "--wait"},
           {"region"},
           {"region", "sideways", "eu-west-1"},
           {"region", "drain"},
           {"latency"},
           {"explain", "www.example.com", "A"},
           {"change", "example.com."},
           {"check"},
           {"--server"},
           {"list", "--timeout", "soon"},
       }) {
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    SCOPED_TRACE("zonectl " + cmd);
    ToolRun r = RunZonectl(args);
    EXPECT_TRUE(FailedWithOneLine(r, 2));
    EXPECT_TRUE(r.out.empty()) << r.Describe();
  }
}

}  // namespace
}  // namespace e2e
