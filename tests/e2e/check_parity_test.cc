// End to end, the real `steerdns` and `zonectl` (issue 15 item 3): `zonectl
// check` and the server run the same checks, so for a broken set of files
// the line zonectl prints is the line the server stops with at start-up.
//   - Each broken set is given to `steerdns --zone ORIGIN=PATH ...` (with
//     --latency / --health-checks / --regions where the set has them) and
//     to `zonectl check --zone ORIGIN=PATH ... [FILE...]` with the same
//     files; the server must exit 1, zonectl must exit 1 with one line, and
//     that line must be the server's last one.
//   - The positional form (`zonectl check ZONE-FILE RECORD-SETS...`) says
//     the same for sets that need no --zone.
//   - Sets that load: zonectl says ok and the server starts.
//   - The running server refuses the same mistakes in a zone upload, a
//     change batch and a SIGHUP reload, in zonectl check's words.
// Only 127.0.0.1 is used; every run is bounded.
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// A zone's master file: SOA, NS with its address, and `more`.
std::string Zone(const std::string& origin, const std::string& more = "") {
  return "$ORIGIN " + origin + "\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n"
         "@ IN NS ns1\nns1 IN A 192.0.2.1\n" + more;
}

// Route 53 record sets: one record set per line from line 2 on.
std::string RecordSets(const std::vector<std::string>& sets) {
  std::string out = "{\"ResourceRecordSets\": [\n";
  for (size_t i = 0; i < sets.size(); ++i) out += "  " + sets[i] + (i + 1 < sets.size() ? ",\n" : "\n");
  return out + "]}\n";
}

std::string Alias(const std::string& name, const std::string& target) {
  return "{\"Name\": \"" + name + "\", \"Type\": \"A\", \"AliasTarget\": {\"HostedZoneId\": "
         "\"Z1\", \"DNSName\": \"" + target + "\", \"EvaluateTargetHealth\": false}}";
}

std::string LatencyA(const std::string& name, const std::string& id, const std::string& region,
                     const std::string& extra = "") {
  return "{\"Name\": \"" + name + "\", \"Type\": \"A\", \"SetIdentifier\": \"" + id +
         "\", \"Region\": \"" + region + "\", \"TTL\": 60, \"ResourceRecords\": [{\"Value\": "
         "\"192.0.2.40\"}]" + extra + "}";
}

// The last line of a run's stderr ("" if none).
std::string LastLine(const std::string& text) {
  std::vector<std::string> lines = Lines(text);
  return lines.empty() ? "" : lines.back();
}

class e2eCheckParity : public TempDirTest {
 protected:
  // One set of files: --zone pairs and other server flags with a file.
  struct Set {
    std::vector<std::pair<std::string, std::string>> zones;  // origin, file name
    std::vector<std::pair<std::string, std::string>> flags;  // "--latency", file name
  };

  // Runs the server on `set` to completion (it must fail to start); its
  // error line.
  std::string ServerError(const Set& set) {
    std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--control", "off",
                                     "--default-latency", "off"};
    for (const auto& [origin, file] : set.zones) {
      args.push_back("--zone");
      args.push_back(origin + "=" + tmp_ + "/" + file);
    }
    for (const auto& [flag, file] : set.flags) {
      args.push_back(flag);
      args.push_back(tmp_ + "/" + file);
    }
    std::string out, err;
    ExitInfo e = RunBinary(args, 10s, &out, &err);
    EXPECT_TRUE(e.exited && e.exit_code == 1) << e.Describe() << "\n" << out;
    return LastLine(err);
  }

  // zonectl check with the same files: --zone pairs, the flags' files as
  // FILEs.
  ToolRun Check(const Set& set) {
    std::vector<std::string> args = {"check"};
    for (const auto& [origin, file] : set.zones) {
      args.push_back("--zone");
      args.push_back(origin + "=" + tmp_ + "/" + file);
    }
    for (const auto& [flag, file] : set.flags) args.push_back(tmp_ + "/" + file);
    return RunZonectl(args);
  }

  // Both must refuse `set` with the same line, which contains `expected`.
  void ExpectSameError(const Set& set, const std::string& expected) {
    ToolRun check = Check(set);
    EXPECT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
    const std::string line = LastLine(check.err);
    EXPECT_THAT(line, HasSubstr(expected)) << check.Describe();
    EXPECT_EQ(ServerError(set), line) << "zonectl check: " << check.Describe();
  }
};

TEST_F(e2eCheckParity, BrokenSetsGiveTheServersLine) {
  WriteTemp("a.zone", Zone("a.test."));
  WriteTemp("b.zone", Zone("b.test.", "www IN A 192.0.2.80\n"));

  // An alias whose target is in no zone of the set.
  WriteTemp("a-out.json", RecordSets({Alias("app.a.test.", "www.c.test.")}));
  ExpectSameError({{{"a.test.", "a.zone"}, {"a.test.", "a-out.json"}}, {}},
                  tmp_ + "/a-out.json:2: record set [name='app.a.test.', type='A']: alias "
                         "target www.c.test. is not in a loaded zone");
  // ... or in a zone of the set that lacks the name.
  WriteTemp("a-gone.json", RecordSets({Alias("app.a.test.", "gone.b.test.")}));
  ExpectSameError({{{"a.test.", "a.zone"}, {"a.test.", "a-gone.json"}, {"b.test.", "b.zone"}},
                   {}},
                  "alias target gone.b.test. does not exist in zone b.test.");
  // Aliases that loop through two zones.
  WriteTemp("a-loop.json", RecordSets({Alias("x.a.test.", "y.b.test.")}));
  WriteTemp("b-loop.json", RecordSets({Alias("y.b.test.", "x.a.test.")}));
  ExpectSameError({{{"a.test.", "a.zone"},
                    {"a.test.", "a-loop.json"},
                    {"b.test.", "b.zone"},
                    {"b.test.", "b-loop.json"}},
                   {}},
                  "alias chain loops back through");

  // Route 53 record sets with no SOA as a zone's only file, and an empty
  // one (the zone is named, not ".").
  WriteTemp("c.json", RecordSets({LatencyA("app.c.test.", "eu", "eu-west-1")}));
  ExpectSameError({{{"c.test.", "c.json"}}, {}},
                  tmp_ + "/c.json:1: zone c.test. has no SOA record at its apex");
  WriteTemp("empty.json", "{\"ResourceRecordSets\": []}\n");
  ExpectSameError({{{"d.test.", "empty.json"}}, {}},
                  tmp_ + "/empty.json:1: zone d.test. has no SOA record at its apex");

  // A region typo, in a record set and in a latency table.
  WriteTemp("a-typo.json", RecordSets({LatencyA("app.a.test.", "eu", "eu-wset-1")}));
  ExpectSameError({{{"a.test.", "a.zone"}, {"a.test.", "a-typo.json"}}, {}},
                  tmp_ + "/a-typo.json:2: record set [name='app.a.test.', type='A', "
                         "set-identifier='eu']: unknown region 'eu-wset-1' (did you mean "
                         "'eu-west-1'?)");
  WriteTemp("typo.csv", "network,region,rtt_ms\n0.0.0.0/0,eu-west-1,10\n0.0.0.0/0,eu-wset-1,20\n");
  ExpectSameError({{{"a.test.", "a.zone"}}, {{"--latency", "typo.csv"}}},
                  tmp_ + "/typo.csv:3: unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)");
  // ... and against a regions file of the set's own.
  WriteTemp("regions.csv", "region,latitude,longitude\neu-north-1,59.3,18.1\n");
  WriteTemp("a-eu.json", RecordSets({LatencyA("app.a.test.", "eu", "eu-west-1")}));
  ExpectSameError({{{"a.test.", "a.zone"}, {"a.test.", "a-eu.json"}},
                   {{"--regions", "regions.csv"}}},
                  "unknown region 'eu-west-1'");

  // A HealthCheckId that is not among the health checks.
  WriteTemp("hc.json",
            "{\"HealthChecks\": [{\"Id\": \"hc-1\", \"HealthCheckConfig\": {\"Type\": \"TCP\", "
            "\"IPAddress\": \"127.0.0.1\", \"Port\": 9}}]}\n");
  WriteTemp("a-hc.json",
            RecordSets({LatencyA("app.a.test.", "eu", "eu-west-1",
                                 ", \"HealthCheckId\": \"hc-2\"")}));
  ExpectSameError({{{"a.test.", "a.zone"}, {"a.test.", "a-hc.json"}},
                   {{"--health-checks", "hc.json"}}},
                  "HealthCheckId 'hc-2' is not a configured health check");

  // The zone rules of the builder: DNAME, CNAME targets, NS addresses.
  WriteTemp("dname.zone", Zone("e.test.", "d IN DNAME example.net.\nx.d IN A 192.0.2.2\n"));
  ExpectSameError({{{"e.test.", "dname.zone"}}, {}},
                  tmp_ + "/dname.zone:7: A at x.d.e.test. is below the DNAME at d.e.test.");
  WriteTemp("mx.zone", Zone("f.test.", "@ IN MX 10 mail\nmail IN CNAME ns1\n"));
  ExpectSameError({{{"f.test.", "mx.zone"}}, {}},
                  tmp_ + "/mx.zone:6: f.test. MX target mail.f.test. is a CNAME");
  WriteTemp("ns.zone", Zone("g.test.", "@ IN NS ns2\n"));
  ExpectSameError({{{"g.test.", "ns.zone"}}, {}},
                  tmp_ + "/ns.zone:6: zone g.test.: NS target ns2.g.test. has no address");
  // Record sets make a delegation whose server has no address.
  WriteTemp("g-deleg.json",
            RecordSets({"{\"Name\": \"sub.a.test.\", \"Type\": \"NS\", \"TTL\": 60, "
                        "\"ResourceRecords\": [{\"Value\": \"host.a.test.\"}]}"}));
  ExpectSameError({{{"a.test.", "a.zone"}, {"a.test.", "g-deleg.json"}}, {}},
                  tmp_ + "/g-deleg.json:2: delegation sub.a.test.: NS target host.a.test. "
                         "has no address (A/AAAA) in the zone");
}

// Every bad record set of a Route 53 file is listed, by zonectl check and
// by the server alike, not only the first.
TEST_F(e2eCheckParity, EveryBadRecordSetIsListedByBoth) {
  WriteTemp("a.zone", Zone("a.test."));
  WriteTemp("bad.json",
            RecordSets({"{\"Name\": \"one.a.test.\", \"Type\": \"A\", \"TTL\": 60, "
                        "\"ResourceRecords\": [{\"Value\": \"192.0.2.256\"}]}",
                        LatencyA("ok.a.test.", "eu", "eu-west-1"),
                        "{\"Name\": \"two.a.test.\", \"Type\": \"A\", \"TTL\": 60}"}));
  const Set set{{{"a.test.", "a.zone"}, {"a.test.", "bad.json"}}, {}};
  const std::vector<std::string> expected = {
      tmp_ + "/bad.json:2: record set [name='one.a.test.', type='A']: bad value "
             "'192.0.2.256': bad IPv4 address '192.0.2.256'",
      tmp_ + "/bad.json:4: record set [name='two.a.test.', type='A']: ResourceRecords is "
             "required (except for alias records)"};
  auto error_lines = [&](const std::string& text) {
    std::vector<std::string> found;
    for (const std::string& line : Lines(text))
      if (line.find(tmp_ + "/bad.json:") != std::string::npos) found.push_back(line);
    return found;
  };
  ToolRun check = Check(set);
  EXPECT_TRUE(check.exit.exited && check.exit.exit_code == 1) << check.Describe();
  EXPECT_EQ(error_lines(check.err), expected) << check.Describe();

  std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--control", "off",
                                   "--default-latency", "off", "--zone",
                                   "a.test.=" + tmp_ + "/a.zone", "--zone",
                                   "a.test.=" + tmp_ + "/bad.json"};
  std::string out, err;
  ExitInfo e = RunBinary(args, 10s, &out, &err);
  EXPECT_TRUE(e.exited && e.exit_code == 1) << e.Describe();
  EXPECT_EQ(error_lines(err), expected) << err;
}

TEST_F(e2eCheckParity, ThePositionalFormSaysTheSame) {
  const std::string zone = WriteTemp("a.zone", Zone("a.test."));
  const std::string out = WriteTemp("out.json", RecordSets({Alias("app.a.test.", "www.c.test.")}));
  // The record sets (no SOA) join the zone that holds their names.
  ToolRun check = RunZonectl({"check", zone, out});
  EXPECT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  std::string server_out, server_err;
  ExitInfo e = RunBinary({"--listen", "127.0.0.1:0", "--control", "off", "--zone",
                          "a.test.=" + zone, "--zone", "a.test.=" + out},
                         10s, &server_out, &server_err);
  EXPECT_TRUE(e.exited && e.exit_code == 1) << e.Describe();
  EXPECT_EQ(LastLine(check.err), LastLine(server_err));

  // Alone, record sets without an SOA are not a zone: the message names the
  // file (not a zone ".").
  check = RunZonectl({"check", out});
  EXPECT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  EXPECT_THAT(check.err, HasSubstr(out + ":1: no SOA record set"));
  const std::string empty = WriteTemp("empty.json", "{\"ResourceRecordSets\": []}\n");
  check = RunZonectl({"check", empty});
  EXPECT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  EXPECT_THAT(check.err, HasSubstr(empty + ":1: no SOA record set and no record sets"));
  EXPECT_THAT(check.err, ::testing::Not(HasSubstr("zone .")));
  // With --origin it is that zone's, as the server would say.
  check = RunZonectl({"check", "--origin", "h.test.", empty});
  EXPECT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  EXPECT_EQ(check.err, empty + ":1: zone h.test. has no SOA record at its apex\n");
}

TEST_F(e2eCheckParity, GoodSetsPassBothWays) {
  // An alias into another zone of the set resolves; both zones given as
  // the server takes them, and the same files positionally.
  const std::string a = WriteTemp("a.zone", Zone("a.test."));
  const std::string b = WriteTemp("b.zone", Zone("b.test.", "www IN A 192.0.2.80\n"));
  const std::string aj = WriteTemp("a.json", RecordSets({Alias("app.a.test.", "www.b.test.")}));
  ToolRun check = RunZonectl({"check", "--zone", "a.test.=" + a, "--zone", "a.test.=" + aj,
                              "--zone", "b.test.=" + b});
  EXPECT_TRUE(Succeeded(check)) << check.Describe();
  EXPECT_THAT(check.out, HasSubstr(aj + ": ok: Route 53 record sets for zone a.test., serial 1"));
  check = RunZonectl({"check", a, aj, b});
  EXPECT_TRUE(Succeeded(check)) << check.Describe();
  EXPECT_EQ(Lines(check.out).size(), 3u) << check.out;
  ServerOptions options;
  options.zones = {"a.test.=" + a, "a.test.=" + aj, "b.test.=" + b};
  ServerProcess server;
  ASSERT_TRUE(server.Start(options)) << server.Log();

  // Usage errors: a --zone that is not ORIGIN=PATH, nothing to check.
  ToolRun bad = RunZonectl({"check", "--zone", "a.test."});
  EXPECT_TRUE(FailedWithOneLine(bad, 2)) << bad.Describe();
  EXPECT_THAT(bad.err, HasSubstr("'a.test.' is not ORIGIN=PATH"));
  bad = RunZonectl({"check"});
  EXPECT_TRUE(FailedWithOneLine(bad, 2)) << bad.Describe();
}

TEST_F(e2eCheckParity, TheApiAndSighupSayWhatCheckSays) {
  const std::string path = WriteTemp("a.zone", Zone("a.test."));
  ServerOptions o;
  o.control = true;
  o.threads = 1;
  o.zones = {"a.test.=" + path};
  ServerProcess server;
  ASSERT_TRUE(server.Start(o)) << server.Log();

  // A zone upload (PUT /v1/zones/a.test.) with an MX pointing at a CNAME.
  const std::string mx = WriteTemp("mx.zone", Zone("a.test.", "@ IN MX 10 mail\nmail IN CNAME ns1\n"));
  ToolRun check = RunZonectl({"check", "--zone", "a.test.=" + mx});
  ASSERT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  ToolRun load = Zonectl(server, {"load", "a.test.", mx});
  EXPECT_TRUE(FailedWithOneLine(load, 1)) << load.Describe();
  EXPECT_EQ(load.err, "zonectl: " + check.err);

  // A change batch that makes the same mistake.
  const std::string batch = WriteTemp(
      "batch.json",
      R"({"Changes": [
  {"Action": "CREATE", "ResourceRecordSet": {"Name": "mail.a.test.", "Type": "CNAME", "TTL": 60,
   "ResourceRecords": [{"Value": "ns1.a.test."}]}},
  {"Action": "CREATE", "ResourceRecordSet": {"Name": "a.test.", "Type": "MX", "TTL": 60,
   "ResourceRecords": [{"Value": "10 mail.a.test."}]}}]}
)");
  ToolRun change = Zonectl(server, {"change", "a.test.", "--change-batch", "file://" + batch});
  EXPECT_TRUE(FailedWithOneLine(change, 1)) << change.Describe();
  EXPECT_THAT(change.err, HasSubstr("a.test. MX target mail.a.test. is a CNAME; it must name "
                                    "the host itself (RFC 2181 §10.3)"));

  // A SIGHUP reload of the file, edited to put data below a DNAME.
  ASSERT_TRUE(WriteFile(path, Zone("a.test.", "d IN DNAME example.net.\nx.d IN A 192.0.2.2\n")));
  check = RunZonectl({"check", "--zone", "a.test.=" + path});
  ASSERT_TRUE(FailedWithOneLine(check, 1)) << check.Describe();
  const std::string line = LastLine(check.err);
  const size_t before = server.Log().size();
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server.Log().find("refused: SIGHUP", before) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_THAT(server.Log().substr(before), HasSubstr(": " + line + " (reload failed"))
      << "zonectl check: " << check.Describe();
}

// Loader warnings (a TTL with the top bit set, read as 0; an owner
// outside the zone, left out): `zonectl check` prints them and still exits
// 0, the server prints the same lines at start-up and on a SIGHUP reload,
// and serves the zone.
TEST_F(e2eCheckParity, WarningsArePrintedByCheckAndTheServer) {
  const std::string path = WriteTemp(
      "w.zone", Zone("w.test.", "top 2147483648 IN A 192.0.2.7\nwww.other.test. IN A 192.0.2.8\n"));
  const std::vector<std::string> warnings = {
      "warning: " + path + ":6: TTL 2147483648 has the top bit set; treated as 0 (RFC 2181 §8)",
      "warning: " + path + ":7: owner www.other.test. is outside the zone w.test.; ignored"};
  ToolRun check = RunZonectl({"check", "--zone", "w.test.=" + path});
  EXPECT_TRUE(check.exit.exited && check.exit.exit_code == 0) << check.Describe();
  EXPECT_EQ(Lines(check.err), warnings) << check.Describe();

  ServerOptions o;
  o.threads = 1;
  o.zones = {"w.test.=" + path};
  ServerProcess server;
  ASSERT_TRUE(server.Start(o)) << server.Log();
  for (const std::string& w : warnings) EXPECT_THAT(server.Log(), HasSubstr(w + "\n"));

  // The file edited, and reloaded: its own warning, once.
  ASSERT_TRUE(WriteFile(path, Zone("w.test.", "top2 4294967295 IN A 192.0.2.9\n")));
  const std::string reload_warning =
      "warning: " + path + ":6: TTL 4294967295 has the top bit set; treated as 0 (RFC 2181 §8)";
  const size_t before = server.Log().size();
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (server.Log().find("SIGHUP: reloaded", before) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  const std::string after = server.Log().substr(before);
  EXPECT_THAT(after, HasSubstr(reload_warning + "\n")) << after;
  EXPECT_THAT(after, HasSubstr("SIGHUP: reloaded")) << after;
}

}  // namespace
}  // namespace e2e
