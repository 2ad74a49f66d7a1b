// End to end, the real `steerdns` and `zonectl` (issue 15): what happens to
// a zone over its life, seen from outside.
//   - SOA serials move: five change batches give five increasing serials,
//     read from the SOA the server answers with (ldns over our sockets,
//     and dig when installed); a SIGHUP reload of an edited file raises
//     it; a restart (kill -9 included) keeps it; the serial policies.
//   - A zone changed through the API follows the data dir, `zonectl list`
//     says so, SIGHUP says it leaves it alone, and `zonectl zone
//     follow-file` returns it to its file.
//   - Refused changes are logged: one line, who/what/why.
//   - Region names: a typo is refused by the latency table load, a change
//     batch, start-up and `zonectl check`, in the same words as `zonectl
//     latency build`.
// Only 127.0.0.1 is used; every wait is bounded.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr char kDig[] = "/usr/bin/dig";
constexpr char kOrigin[] = "zone.test.";

// The test zone: an apex, one name, and `extra` more names.
std::string ZoneText(uint32_t serial, int extra = 0) {
  std::string z = "$ORIGIN zone.test.\n$TTL 300\n"
                  "@ IN SOA ns1 hostmaster " + std::to_string(serial) + " 3600 600 86400 60\n"
                  "@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.10\n";
  for (int i = 0; i < extra; ++i) z += "x" + std::to_string(i) + " IN A 192.0.2.20\n";
  return z;
}

// A change batch creating `name` A 192.0.2.30.
std::string Create(const std::string& name) {
  return json{{"Changes",
               {{{"Action", "CREATE"},
                 {"ResourceRecordSet",
                  {{"Name", name},
                   {"Type", "A"},
                   {"TTL", 60},
                   {"ResourceRecords", {{{"Value", "192.0.2.30"}}}}}}}}}}
      .dump();
}

// Polls `done` every 20 ms for at most `limit`; whether it came true.
bool PollUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

class e2eZoneLifecycle : public TempDirTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempDirTest::SetUp());
    zone_path_ = WriteTemp("zone.test.zone", ZoneText(2024060101));
    data_dir_ = tmp_ + "/data";
    ASSERT_EQ(mkdir(data_dir_.c_str(), 0700), 0);
  }
  void TearDown() override {
    if (server_.IsRunning()) {
      EXPECT_TRUE(server_.Stop()) << "clean shutdown on SIGTERM";
    }
  }

  // steerdns with the control API, --zone zone.test.=zone_path_,
  // --data-dir, and `extra` flags.
  testing::AssertionResult StartServer(const std::vector<std::string>& extra = {}) {
    ServerOptions o;
    o.control = true;
    o.threads = 1;
    o.zones = {std::string(kOrigin) + "=" + zone_path_};
    o.extra_args = {"--data-dir", data_dir_};
    o.extra_args.insert(o.extra_args.end(), extra.begin(), extra.end());
    return server_.Start(o);
  }
  void KillDashNine() {
    ASSERT_EQ(kill(server_.pid(), SIGKILL), 0);
    ASSERT_TRUE(PollUntil([&] { return !server_.IsRunning(); }, 5000ms));
  }

  ToolRun Z(const std::vector<std::string>& args) { return Zonectl(server_, args); }

  // The SERIAL of the SOA the server answers with, asked with ldns.
  uint32_t SoaSerial() {
    Reply r;
    EXPECT_TRUE(AskUdp(Endpoint::V4(server_.port()), kOrigin, LDNS_RR_TYPE_SOA, {}, &r));
    if (ldns_rr_list_rr_count(r.answer()) != 1) {
      ADD_FAILURE() << "no SOA\n" << r.ToString();
      return 0;
    }
    return ldns_rdf2native_int32(ldns_rr_rdf(ldns_rr_list_rr(r.answer(), 0), 2));
  }
  // The same through dig, when installed (0 otherwise).
  uint32_t DigSoaSerial() {
    if (access(kDig, X_OK) != 0) return 0;
    const std::string out =
        RunTool({kDig, "+short", "+norec", "-p", std::to_string(server_.port()), "@127.0.0.1",
                 kOrigin, "SOA"},
                10s);
    // "ns1.zone.test. hostmaster.zone.test. SERIAL 3600 600 86400 60"
    std::vector<std::string> words;
    for (size_t at = 0, end; at < out.size(); at = end + 1) {
      end = out.find_first_of(" \n", at);
      if (end == std::string::npos) end = out.size();
      if (end > at) words.push_back(out.substr(at, end - at));
    }
    return words.size() >= 3 ? static_cast<uint32_t>(std::stoul(words[2])) : 0;
  }
  // The answer for `name` A, as "192.0.2.10" or the rcode's name.
  std::string A(const std::string& name) {
    Reply r;
    EXPECT_TRUE(AskUdp(Endpoint::V4(server_.port()), name, LDNS_RR_TYPE_A, {}, &r));
    if (ldns_rr_list_rr_count(r.answer()) == 0) return "rcode " + std::to_string(r.rcode());
    char* t = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(r.answer(), 0), 0));
    std::string s = t != nullptr ? t : "";
    free(t);
    return s;
  }
  // zone.test.'s entry of `zonectl list --json`.
  json ListEntry() {
    ToolRun r = Z({"list", "--json"});
    EXPECT_TRUE(Succeeded(r));
    json j;
    EXPECT_TRUE(ParsesAsJson(r, &j));
    for (const json& z : j.value("zones", json::array())) {
      if (z.value("origin", "") == kOrigin) return z;
    }
    ADD_FAILURE() << "zone.test. not listed\n" << r.Describe();
    return json();
  }
  // Sends SIGHUP and waits for the line that ends its log (`done`).
  void Sighup(const std::string& done) {
    const size_t before = server_.Log().size();
    ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
    ASSERT_TRUE(PollUntil([&] { return server_.Log().find(done, before) != std::string::npos; },
                          5000ms))
        << "no '" << done << "' after SIGHUP:\n"
        << server_.Log().substr(before);
  }

  ServerProcess server_;
  std::string zone_path_, data_dir_;
};

// ---------------------------------------------------------------------------
// SOA serials.

TEST_F(e2eZoneLifecycle, FiveChangeBatchesGiveFiveIncreasingSerials) {
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(SoaSerial(), 2024060101u);
  std::vector<uint32_t> serials;
  for (int i = 1; i <= 5; ++i) {
    const std::string batch = WriteTemp("b" + std::to_string(i) + ".json",
                                        Create("n" + std::to_string(i) + ".zone.test."));
    ASSERT_TRUE(Succeeded(Z({"change", kOrigin, "--change-batch", "file://" + batch})));
    serials.push_back(SoaSerial());
  }
  EXPECT_EQ(serials, (std::vector<uint32_t>{2024060102, 2024060103, 2024060104, 2024060105,
                                            2024060106}));
  if (const uint32_t dig = DigSoaSerial(); dig != 0) {
    EXPECT_EQ(dig, 2024060106u);
  }
  EXPECT_EQ(ListEntry().value("serial", 0u), 2024060106u);
  EXPECT_THAT(server_.Log(), HasSubstr("applied to zone zone.test., serial 2024060106"));
  // A refused batch: the serial stays.
  const std::string again = WriteTemp("again.json", Create("n1.zone.test."));
  EXPECT_TRUE(FailedWithOneLine(Z({"change", kOrigin, "--change-batch", "file://" + again}), 1));
  EXPECT_EQ(SoaSerial(), 2024060106u);
  // kill -9 and start again with the same data dir and flags: the same
  // serial (not the file's), the same data.
  KillDashNine();
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(SoaSerial(), 2024060106u) << server_.Log();
  EXPECT_EQ(A("n5.zone.test."), "192.0.2.30");
  // The serials file is what the data dir documents.
  const json serials_json = json::parse(ReadFile(data_dir_ + "/serials.json"));
  EXPECT_EQ(serials_json["zones"]["zone.test."]["serial"], 2024060106u);
  EXPECT_EQ(serials_json["zones"]["zone.test."]["data_serial"], 2024060101u);
  EXPECT_EQ(serials_json["zones"]["zone.test."]["digest"].get<std::string>().size(), 16u);
}

TEST_F(e2eZoneLifecycle, SighupReloadOfAnEditedFileRaisesTheSerial) {
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(SoaSerial(), 2024060101u);
  // Edited, the serial forgotten: served + 1, and the log says so.
  ASSERT_TRUE(WriteFile(zone_path_, ZoneText(2024060101, 1)));
  Sighup("SIGHUP: reloaded");
  EXPECT_EQ(SoaSerial(), 2024060102u);
  EXPECT_EQ(A("x0.zone.test."), "192.0.2.20");
  EXPECT_THAT(server_.Log(), HasSubstr("zone zone.test.: serial 2024060101 of " + zone_path_ +
                                       " is not newer than the served 2024060101: serving "
                                       "2024060102 (serial-policy increment)"));
  // Edited with the serial raised: the file's.
  ASSERT_TRUE(WriteFile(zone_path_, ZoneText(2024070100, 2)));
  Sighup("SIGHUP: reloaded");
  EXPECT_EQ(SoaSerial(), 2024070100u);
  // Lowered: never back.
  ASSERT_TRUE(WriteFile(zone_path_, ZoneText(5, 3)));
  Sighup("SIGHUP: reloaded");
  EXPECT_EQ(SoaSerial(), 2024070101u);
  // A restart with the file as it is keeps the serial served.
  ASSERT_TRUE(server_.Stop());
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(SoaSerial(), 2024070101u) << server_.Log();
  // Edited while the server was down: on from there.
  ASSERT_TRUE(server_.Stop());
  ASSERT_TRUE(WriteFile(zone_path_, ZoneText(5, 4)));
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(SoaSerial(), 2024070102u) << server_.Log();
}

TEST_F(e2eZoneLifecycle, SerialPolicies) {
  const auto utc_day = [](std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    return static_cast<uint32_t>((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
                                 tm.tm_mday);
  };
  const std::time_t before = std::time(nullptr);
  // unixtime for every zone, but dateserial for this one.
  ASSERT_TRUE(StartServer({"--serial-policy", "unixtime", "--zone-serial-policy",
                           std::string(kOrigin) + "=dateserial"}));
  const std::time_t after = std::time(nullptr);
  // The file's 2024060101 is older than today's date: today's, 00.
  uint32_t s = SoaSerial();
  EXPECT_TRUE(s == utc_day(before) * 100 || s == utc_day(after) * 100) << s;
  EXPECT_EQ(ListEntry().value("serial_policy", ""), "dateserial");
  const std::string b1 = WriteTemp("b1.json", Create("n1.zone.test."));
  ASSERT_TRUE(Succeeded(Z({"change", kOrigin, "--change-batch", "file://" + b1})));
  EXPECT_EQ(SoaSerial(), s + 1);
  // Another zone under unixtime: the time of the change.
  const std::string other = WriteTemp("other.zone", "$ORIGIN other.test.\n$TTL 60\n"
                                                    "@ SOA ns1 h 7 3600 600 86400 60\n"
                                                    "@ NS ns1\nns1 A 192.0.2.1\n");
  const std::time_t t0 = std::time(nullptr);
  ToolRun load = Z({"load", "other.test.", other, "--json"});
  const std::time_t t1 = std::time(nullptr);
  ASSERT_TRUE(Succeeded(load));
  json z;
  ASSERT_TRUE(ParsesAsJson(load, &z));
  EXPECT_GE(z.value("serial", 0LL), static_cast<long long>(t0));
  EXPECT_LE(z.value("serial", 0LL), static_cast<long long>(t1));
  EXPECT_EQ(z.value("serial_policy", ""), "unixtime");
}

TEST_F(e2eZoneLifecycle, KeepServesTheFilesSerial) {
  ASSERT_TRUE(StartServer({"--serial-policy", "keep"}));
  const std::string b1 = WriteTemp("b1.json", Create("n1.zone.test."));
  ASSERT_TRUE(Succeeded(Z({"change", kOrigin, "--change-batch", "file://" + b1})));
  EXPECT_EQ(SoaSerial(), 2024060101u);
  EXPECT_EQ(A("n1.zone.test."), "192.0.2.30");
}

// ---------------------------------------------------------------------------
// What a zone follows.

TEST_F(e2eZoneLifecycle, ListSaysWhatAZoneFollowsAndFollowFileReturnsIt) {
  ASSERT_TRUE(StartServer());
  json z = ListEntry();
  EXPECT_EQ(z.value("follows", ""), "file");
  EXPECT_EQ(z.value("zone_files", json()), json::array({zone_path_}));
  ToolRun list = Z({"list"});
  ASSERT_TRUE(Succeeded(list));
  EXPECT_THAT(list.out, HasSubstr("FOLLOWS"));
  EXPECT_THAT(list.out, HasSubstr("file " + zone_path_));

  // One change: the data dir's copy serves from now on, and says so.
  const std::string b1 = WriteTemp("b1.json", Create("api.zone.test."));
  ASSERT_TRUE(Succeeded(Z({"change", kOrigin, "--change-batch", "file://" + b1})));
  z = ListEntry();
  EXPECT_EQ(z.value("follows", ""), "data-dir");
  EXPECT_EQ(z.value("managed_by", ""), "api");
  list = Z({"list"});
  EXPECT_THAT(list.out, HasSubstr("data-dir (not " + zone_path_ + ")")) << list.Describe();
  // SIGHUP leaves it alone, and the log says which zone and why.
  ASSERT_TRUE(WriteFile(zone_path_, ZoneText(2024060101, 1)));
  Sighup("SIGHUP: no file changed");
  EXPECT_THAT(server_.Log(),
              HasSubstr("SIGHUP: not re-reading the --zone files of zone.test.: changed through "
                        "the control API, the zone follows the data dir (`zonectl zone "
                        "follow-file ORIGIN` returns it to its file)"));
  EXPECT_EQ(A("x0.zone.test."), "rcode 3");
  EXPECT_EQ(A("api.zone.test."), "192.0.2.30");

  // Back to the file: its content now, the data dir's copy gone.
  ToolRun follow = Z({"zone", "follow-file", "zone.test"});
  ASSERT_TRUE(Succeeded(follow));
  EXPECT_THAT(follow.out, HasSubstr("zone.test. follows file " + zone_path_ +
                                    " again: serial 2024060103"));
  EXPECT_EQ(A("x0.zone.test."), "192.0.2.20");
  EXPECT_EQ(A("api.zone.test."), "rcode 3");
  EXPECT_EQ(SoaSerial(), 2024060103u);  // never back to the file's 2024060101
  z = ListEntry();
  EXPECT_EQ(z.value("follows", ""), "file");
  EXPECT_EQ(z.value("managed_by", ""), "command-line");
  struct stat st;
  EXPECT_NE(stat((data_dir_ + "/zones/zone.test.").c_str(), &st), 0) << "the copy is dropped";
  EXPECT_THAT(server_.Log(), HasSubstr("control API: zone zone.test. follows " + zone_path_ +
                                       " again (followed the data dir)"));
  // SIGHUP follows the file again.
  ASSERT_TRUE(WriteFile(zone_path_, ZoneText(2024060101, 2)));
  Sighup("SIGHUP: reloaded");
  EXPECT_EQ(A("x1.zone.test."), "192.0.2.20");
  // And so does a restart (after kill -9).
  KillDashNine();
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(ListEntry().value("follows", ""), "file");
  EXPECT_EQ(A("x1.zone.test."), "192.0.2.20");
  EXPECT_EQ(SoaSerial(), 2024060104u);

  // A zone the command line names no file for: refused, one line.
  const std::string other = WriteTemp("other.zone", "$ORIGIN other.test.\n$TTL 60\n"
                                                    "@ SOA ns1 h 7 3600 600 86400 60\n"
                                                    "@ NS ns1\nns1 A 192.0.2.1\n");
  ASSERT_TRUE(Succeeded(Z({"load", "other.test.", other})));
  ToolRun refused = Z({"zone", "follow-file", "other.test."});
  EXPECT_TRUE(FailedWithOneLine(refused, 1));
  EXPECT_THAT(refused.err, HasSubstr("zone other.test. has no --zone file to follow"));
  ToolRun help = Z({"zone", "follow-file", "--help"});
  ASSERT_TRUE(Succeeded(help));
  EXPECT_THAT(help.out, HasSubstr("Usage: zonectl zone follow-file ORIGIN"));
}

// ---------------------------------------------------------------------------
// Refused changes are logged.

TEST_F(e2eZoneLifecycle, RefusedChangesAreLoggedWithWhoWhatWhy) {
  ASSERT_TRUE(StartServer());
  const std::string bad = WriteTemp("bad.zone", "$ORIGIN zone.test.\n$TTL 60\n"
                                                "@ SOA ns1 h 1 3600 600 86400 60\n@ NS ns1\n"
                                                "ns1 A 192.0.2.256\n");
  ToolRun load = Z({"load", kOrigin, bad});
  ASSERT_TRUE(FailedWithOneLine(load, 1));
  const std::string error = load.err.substr(std::string("zonectl: ").size(),
                                            load.err.size() - 1 - std::string("zonectl: ").size());
  EXPECT_THAT(error, HasSubstr(bad + ":5:"));
  ASSERT_TRUE(PollUntil([&] { return server_.Log().find("refused: PUT") != std::string::npos; },
                        2000ms));
  EXPECT_THAT(server_.Log(),
              HasSubstr("refused: PUT /v1/zones/zone.test. from 127.0.0.1: " + error + "\n"));
  // A change batch naming no such zone, and an unknown region.
  const std::string batch = WriteTemp("b.json", Create("n.nope.test."));
  EXPECT_TRUE(FailedWithOneLine(Z({"change", "nope.test.", "--change-batch", "file://" + batch}),
                                1));
  EXPECT_TRUE(PollUntil(
      [&] {
        return server_.Log().find("refused: POST /v1/zones/nope.test./changes from 127.0.0.1: "
                                  "no zone nope.test. is loaded") != std::string::npos;
      },
      2000ms))
      << server_.Log();
  // A SIGHUP reload that fails: who sent it, and the file's error.
  ASSERT_TRUE(WriteFile(zone_path_, ZoneText(2024060102) + "bad IN A 192.0.2.999\n"));
  Sighup("refused: SIGHUP reload from pid " + std::to_string(getpid()) + ": " + zone_path_ +
         ":7:");
  EXPECT_THAT(server_.Log(), HasSubstr("(reload failed; still serving the previous data)"));
  EXPECT_EQ(SoaSerial(), 2024060101u);
  // Reads are not changes: nothing logged for them.
  HttpReply get = Http(server_, "GET", "/v1/zones/nope.test.");
  EXPECT_EQ(get.status, 404);
  EXPECT_THAT(server_.Log(), Not(HasSubstr("refused: GET")));
}

// ---------------------------------------------------------------------------
// Region names.

TEST_F(e2eZoneLifecycle, ARegionTypoIsRefusedEverywhereInTheSameWords) {
  constexpr char kWords[] = "unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)";
  const std::string csv = WriteTemp(
      "latency.csv", "network,region,rtt_ms\n0.0.0.0/0,eu-west-1,10\n0.0.0.0/0,eu-wset-1,20\n");
  // zonectl latency build, with a measurement naming it.
  ASSERT_TRUE(WriteFile(tmp_ + "/geoip", "16777472,16777727,CN\n"));
  ASSERT_TRUE(WriteFile(tmp_ + "/m.csv", "network,region,rtt_ms\n1.0.1.0/24,eu-wset-1,3\n"));
  ToolRun build = RunZonectl({"latency", "build", "--geoip", tmp_ + "/geoip", "--measured",
                              tmp_ + "/m.csv", "--out", tmp_ + "/x.csv"});
  EXPECT_TRUE(FailedWithOneLine(build, 1));
  EXPECT_THAT(build.err, HasSubstr(tmp_ + "/m.csv:2: " + kWords));
  // zonectl check, offline.
  ToolRun check = RunZonectl({"check", csv});
  EXPECT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  EXPECT_THAT(check.err, HasSubstr(csv + ":3: " + kWords));
  // Start-up with --latency.
  std::string out;
  ExitInfo e = RunBinary({"--listen", "127.0.0.1:0", "--control", "off", "--zone",
                          std::string(kOrigin) + "=" + zone_path_, "--latency", csv},
                         10s, &out);
  EXPECT_TRUE(e.exited && e.exit_code == 1) << e.Describe() << out;
  EXPECT_THAT(out, HasSubstr(csv + ":3: " + kWords));
  // The running server: the table through the API ...
  ASSERT_TRUE(StartServer());
  ToolRun load = Z({"latency", "load", csv});
  EXPECT_TRUE(FailedWithOneLine(load, 1));
  EXPECT_EQ(load.err, "zonectl: " + csv + ":3: " + kWords + "\n");
  // ... and a change batch with a latency record set.
  const json batch = {
      {"Changes",
       {{{"Action", "CREATE"},
         {"ResourceRecordSet",
          {{"Name", "app.zone.test."},
           {"Type", "A"},
           {"SetIdentifier", "eu"},
           {"Region", "eu-wset-1"},
           {"TTL", 60},
           {"ResourceRecords", {{{"Value", "192.0.2.40"}}}}}}}}}};
  const std::string b = WriteTemp("typo.json", batch.dump(2));
  ToolRun change = Z({"change", kOrigin, "--change-batch", "file://" + b});
  EXPECT_TRUE(FailedWithOneLine(change, 1));
  EXPECT_THAT(change.err, HasSubstr("record set [name='app.zone.test.', type='A', "
                                    "set-identifier='eu']: " + std::string(kWords)));
  EXPECT_EQ(A("app.zone.test."), "rcode 3");
  // zonectl check says the same of the batch, and of record sets.
  check = RunZonectl({"check", b});
  EXPECT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  EXPECT_THAT(check.err, HasSubstr(b + ": Changes[0]: record set [name='app.zone.test.', "
                                       "type='A', set-identifier='eu']: " + kWords));
  const std::string sets = WriteTemp(
      "zone.test.json",
      R"({"ResourceRecordSets": [{"Name": "app.zone.test.", "Type": "A", "SetIdentifier": "eu",
  "Region": "eu-wset-1", "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.40"}]}]})");
  check = RunZonectl({"check", zone_path_, sets});  // the record sets join the zone
  EXPECT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  // The server, given the same file with --zone, refuses to start with the
  // same line.
  e = RunBinary({"--listen", "127.0.0.1:0", "--control", "off", "--zone",
                 std::string(kOrigin) + "=" + zone_path_, "--zone",
                 std::string(kOrigin) + "=" + sets},
                10s, &out);
  EXPECT_TRUE(e.exited && e.exit_code == 1) << e.Describe() << out;
  const std::string line = check.err.substr(0, check.err.size() - 1);  // no "\n"
  EXPECT_THAT(line, ::testing::StartsWith(sets + ":"));
  EXPECT_THAT(line, ::testing::EndsWith(": record set [name='app.zone.test.', type='A', "
                                        "set-identifier='eu']: " + std::string(kWords)));
  EXPECT_THAT(out, HasSubstr(line + "\n")) << "the server's words are zonectl check's";
  // With a regions file of its own, zonectl check checks against that.
  const std::string regions =
      WriteTemp("regions.csv", "region,latitude,longitude\neu-wset-1,53.3,-6.3\n");
  check = RunZonectl({"check", zone_path_, sets, regions});
  EXPECT_TRUE(Succeeded(check)) << check.Describe();
}

}  // namespace
}  // namespace e2e
