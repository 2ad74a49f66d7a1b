// End to end, the real `steerdns` signing online (issue 16): an unsigned
// zone with latency-routed A/AAAA names, keys made by `zonectl dnssec
// keygen` (KSK + ZSK), --dnssec-keys. delv (bind9-dnsutils), with the
// KSK as trust anchor, must fully validate:
//   - the routed answers for clients in three continents: Debian 12's delv
//     has no +subnet, so each "continent" is a loopback source network
//     (delv -b 127.53.N.1) that the test's latency table ranks like a
//     client network in Europe, North America or Australia;
//   - a compact-denial NXDOMAIN, a NODATA, a wildcard answer, a CNAME
//     into the routed name, the DNSKEY RRset;
// and the signatures are made again by themselves before they expire
// (--dnssec-signature-lifetime 10: re-signed after 5 s, logged), and a
// `zonectl dnssec roll --server` with durations of seconds is carried out
// by the signer: the new ZSK published at once, signing 3 s later, the
// old one gone 3 s after that, delv validating throughout.
// Only 127.0.0.0/8 is used; every wait is bounded.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr char kOrigin[] = "online.test";

bool Executable(const char* path) { return access(path, X_OK) == 0; }

constexpr char kZone[] =
    "$ORIGIN online.test.\n$TTL 300\n"
    "@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n"
    "@ IN NS ns1\nns1 IN A 127.0.0.1\n"
    "www IN CNAME app\n"
    "*.wild IN TXT \"wildcard\"\n"
    "txt IN TXT \"static\"\n";

// app.online.test. A and AAAA, latency-routed over three regions.
std::string RoutedJson() {
  std::string rrsets;
  const struct {
    const char* id;
    const char* region;
    const char* v4;
    const char* v6;
  } members[] = {{"euw1", "eu-west-1", "192.0.2.1", "2001:db8::1"},
                 {"use1", "us-east-1", "192.0.2.2", "2001:db8::2"},
                 {"apse2", "ap-southeast-2", "192.0.2.3", "2001:db8::3"}};
  for (const auto& m : members) {
    for (const auto& [type, value] : {std::pair{"A", m.v4}, std::pair{"AAAA", m.v6}}) {
      if (!rrsets.empty()) rrsets += ",\n";
      rrsets += std::string(R"({"Name": "app.online.test.", "Type": ")") + type +
                R"(", "SetIdentifier": ")" + m.id + R"(", "Region": ")" + m.region +
                R"(", "TTL": 60, "ResourceRecords": [{"Value": ")" + value + R"("}]})";
    }
  }
  return "{\"ResourceRecordSets\": [\n" + rrsets + "]}\n";
}

// Three client networks, ranked as clients in Dublin, Virginia and Sydney
// would rank the regions.
constexpr char kLatency[] =
    "network,region,rtt_ms\n"
    "127.53.1.0/24,eu-west-1,12\n127.53.1.0/24,us-east-1,80\n127.53.1.0/24,ap-southeast-2,280\n"
    "127.53.2.0/24,us-east-1,9\n127.53.2.0/24,eu-west-1,75\n127.53.2.0/24,ap-southeast-2,210\n"
    "127.53.3.0/24,ap-southeast-2,8\n127.53.3.0/24,us-east-1,200\n127.53.3.0/24,eu-west-1,270\n";

class e2eDnssecOnline : public TempDirTest {
 protected:
  void SetUp() override {
    STEER_REQUIRE(Executable("/usr/bin/delv"), "delv is not installed (bind9-dnsutils)");
    ASSERT_NO_FATAL_FAILURE(TempDirTest::SetUp());
    keys_ = tmp_ + "/keys";
    ASSERT_EQ(mkdir(keys_.c_str(), 0700), 0);
    for (bool ksk : {true, false}) {
      std::vector<std::string> args = {"dnssec", "keygen", kOrigin, "--dir", keys_};
      if (ksk) args.push_back("--ksk");
      ToolRun r = RunZonectl(args);
      ASSERT_TRUE(Succeeded(r)) << r.out;
      if (ksk) ksk_ = r.out.substr(0, r.out.find('\n'));
    }
    // The KSK's DNSKEY as delv's trust anchor.
    std::istringstream key(ReadFile(keys_ + "/" + ksk_ + ".key"));
    std::string line;
    while (std::getline(key, line)) {
      if (line.empty() || line[0] == ';') continue;
      std::istringstream f(line);
      std::string owner, cls, type, flags, proto, alg, part, b64;
      f >> owner >> cls >> type >> flags >> proto >> alg;
      while (f >> part && part[0] != ';') b64 += part;
      ASSERT_EQ(type, "DNSKEY") << line;
      anchor_ = WriteTemp("anchor.conf", "trust-anchors { " + owner + " static-key " + flags +
                                             " " + proto + " " + alg + " \"" + b64 + "\"; };\n");
    }
    ASSERT_FALSE(anchor_.empty());
  }
  void TearDown() override {
    if (server_.IsRunning()) EXPECT_TRUE(server_.Stop());
  }

  testing::AssertionResult StartServer(std::vector<std::string> extra = {}) {
    ServerOptions o;
    o.control = true;
    o.zones = {std::string(kOrigin) + ".=" + WriteTemp("online.test.zone", kZone),
               std::string(kOrigin) + ".=" + WriteTemp("online.test.json", RoutedJson())};
    o.extra_args = {"--dnssec-keys", keys_, "--latency", WriteTemp("latency.csv", kLatency)};
    for (std::string& a : extra) o.extra_args.push_back(std::move(a));
    return server_.Start(o);
  }

  // delv's output for name/type asked from `source` (a loopback address).
  std::string Delv(const std::string& name, const std::string& type,
                   const std::string& source = "127.0.0.1") {
    std::string out;
    RunProgram({"/usr/bin/delv", "-a", anchor_, std::string("+root=") + kOrigin, "-b", source,
                "@127.0.0.1", "-p", std::to_string(server_.port()), name, type},
               20s, &out);
    return out;
  }

  std::string keys_, ksk_, anchor_;
  ServerProcess server_;
};

TEST_F(e2eDnssecOnline, DelvValidatesRoutedAnswersOnThreeContinents) {
  ASSERT_TRUE(StartServer());
  const struct {
    const char* source;
    const char* v4;
    const char* v6;
  } clients[] = {{"127.53.1.1", "192.0.2.1", "2001:db8::1"},   // "Europe"
                 {"127.53.2.1", "192.0.2.2", "2001:db8::2"},   // "North America"
                 {"127.53.3.1", "192.0.2.3", "2001:db8::3"}};  // "Australia"
  for (const auto& c : clients) {
    SCOPED_TRACE(c.source);
    std::string out = Delv("app.online.test", "A", c.source);
    EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
    EXPECT_TRUE(HasLine(out, std::string("app.online.test. 60 IN A ") + c.v4)) << out;
    out = Delv("app.online.test", "AAAA", c.source);
    EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
    EXPECT_TRUE(HasLine(out, std::string("app.online.test. 60 IN AAAA ") + c.v6)) << out;
    // A CNAME into the routed name: both signed, each by its own owner.
    out = Delv("www.online.test", "A", c.source);
    EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
    EXPECT_TRUE(HasLine(out, std::string("app.online.test. 60 IN A ") + c.v4)) << out;
  }
}

TEST_F(e2eDnssecOnline, DelvValidatesDenialsWildcardsAndKeys) {
  ASSERT_TRUE(StartServer());
  std::string out = Delv("nothing.online.test", "A");
  EXPECT_THAT(out, HasSubstr("; negative response, fully validated")) << out;
  out = Delv("txt.online.test", "AAAA");  // NODATA
  EXPECT_THAT(out, HasSubstr("; negative response, fully validated")) << out;
  out = Delv("app.online.test", "MX");  // NODATA at the routed name
  EXPECT_THAT(out, HasSubstr("; negative response, fully validated")) << out;
  out = Delv("x.wild.online.test", "TXT");  // wildcard, signed per query
  EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
  EXPECT_TRUE(HasLine(out, "x.wild.online.test. 300 IN TXT \"wildcard\"")) << out;
  out = Delv("online.test", "DNSKEY");
  EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
  out = Delv("online.test", "CDS");
  EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
}

TEST_F(e2eDnssecOnline, SignaturesAreMadeAgainBeforeTheyExpire) {
  ASSERT_TRUE(StartServer({"--dnssec-signature-lifetime", "10"}));
  // The RRSIG's expiration (dig +short: "SOA 13 2 300 EXPIRATION ...").
  const auto expiration = [&]() {
    const std::string out =
        RunTool({"/usr/bin/dig", "+short", "+dnssec", "-p", std::to_string(server_.port()),
                 "@127.0.0.1", "online.test", "SOA"},
                10s);
    for (const std::string& l : Lines(out)) {
      std::istringstream f(l);
      std::string type, alg, labels, ttl, exp;
      if (f >> type >> alg >> labels >> ttl >> exp && type == "SOA") return exp;
    }
    return std::string();
  };
  // The SOA serial (dig +short: "MNAME RNAME SERIAL ...").
  const auto serial = [&]() {
    const std::string out =
        RunTool({"/usr/bin/dig", "+short", "-p", std::to_string(server_.port()), "@127.0.0.1",
                 "online.test", "SOA"},
                10s);
    std::istringstream f(out);
    std::string mname, rname;
    long long n = -1;
    f >> mname >> rname >> n;
    return n;
  };
  const long long serial_before = serial();
  const std::string first = expiration();
  ASSERT_FALSE(first.empty());
  std::string now = first;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (now == first && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(500ms);
    now = expiration();
  }
  EXPECT_GT(now, first) << "signatures not made again within 20 s";
  EXPECT_THAT(server_.Log(), HasSubstr("re-signed 1 zone ("));
  // Re-signing moves the serial (secondaries then transfer the new
  // signatures), as BIND does.
  EXPECT_GT(serial(), serial_before);
  EXPECT_THAT(server_.Log(), HasSubstr("new serials for 1 zone"));
  const std::string out = Delv("app.online.test", "A", "127.53.1.1");
  EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
}

TEST_F(e2eDnssecOnline, ExportedSignedZonePassesLdnsVerifyZoneAndDnssecVerify) {
  STEER_REQUIRE(Executable("/usr/bin/ldns-verify-zone"), "ldns-verify-zone is missing (ldnsutils)");
  STEER_REQUIRE(Executable("/usr/bin/dnssec-verify"), "dnssec-verify is missing (bind9-utils)");
  ASSERT_TRUE(StartServer());
  ToolRun r = Zonectl(server_, {"show", kOrigin, "--records", "--dnssec"});
  ASSERT_TRUE(Succeeded(r)) << r.Describe();
  // Routed names as their default member (the first: eu-west-1's), with
  // the signature made at build; an NSEC chain over every name.
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\napp\t60\tIN\tA\t192.0.2.1\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\napp\t60\tIN\tRRSIG\tA 13 3 60 "));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\n@\t60\tIN\tNSEC\tapp.online.test. NS SOA "
                                              "RRSIG NSEC DNSKEY CDS CDNSKEY\n"));
  const std::string path = WriteTemp("exported.zone", r.out);
  std::string out;
  ExitInfo e = RunProgram({"/usr/bin/ldns-verify-zone", path}, 30s, &out);
  EXPECT_TRUE(e.exited_in_time && e.exit_code == 0) << out;
  EXPECT_THAT(out, HasSubstr("Zone is verified and complete"));
  e = RunProgram({"/usr/bin/dnssec-verify", "-o", std::string(kOrigin) + ".", path}, 30s, &out);
  EXPECT_TRUE(e.exited_in_time && e.exit_code == 0) << out;
  EXPECT_THAT(out, HasSubstr("Zone fully signed"));
  // Both checkers can fail: one address changed under its signature.
  std::string bad = r.out;
  const size_t at = bad.find("IN\tA\t192.0.2.1\n");
  ASSERT_NE(at, std::string::npos);
  bad.replace(at, 15, "IN\tA\t192.0.2.9");
  const std::string bad_path = WriteTemp("bad.zone", bad);
  e = RunProgram({"/usr/bin/ldns-verify-zone", bad_path}, 30s, &out);
  EXPECT_NE(e.exit_code, 0) << out;
  e = RunProgram({"/usr/bin/dnssec-verify", "-o", std::string(kOrigin) + ".", bad_path}, 30s, &out);
  EXPECT_NE(e.exit_code, 0) << out;
}

TEST_F(e2eDnssecOnline, ExpiredPreSignedSignaturesAreServedLoggedAndCounted) {
  STEER_REQUIRE(Executable("/usr/bin/ldns-signzone"), "ldns-signzone is missing (ldnsutils)");
  // The zone signed by ldns-signzone with our keys, expired last year.
  const std::string unsigned_zone = WriteTemp("online.test.zone", kZone);
  std::vector<std::string> argv = {"/usr/bin/ldns-signzone", "-f", tmp_ + "/expired.zone",
                                   "-o", std::string(kOrigin) + ".", "-i", "20240101000000",
                                   "-e", "20250101000000", unsigned_zone};
  for (const std::string& base : Lines(RunTool({"/bin/sh", "-c", "cd '" + keys_ +
                                                    "' && ls *.key | sed 's/.key$//'"},
                                                   10s)))
    argv.push_back(keys_ + "/" + base);
  RunTool(argv, 30s);
  ServerOptions o;
  o.control = true;
  o.zones = {std::string(kOrigin) + ".=" + tmp_ + "/expired.zone"};
  ASSERT_TRUE(server_.Start(o));
  // Served as it is...
  const std::string out =
      RunTool({"/usr/bin/dig", "+dnssec", "+norec", "-p", std::to_string(server_.port()),
               "@127.0.0.1", "txt.online.test", "TXT"},
              10s);
  EXPECT_THAT(out, HasSubstr("20250101000000 20240101000000")) << out;
  // ...said once in the log, and counted.
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (server_.Log().find("RRSIGs of its file have expired") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  const std::string log = server_.Log();
  EXPECT_THAT(log, HasSubstr("warning: zone online.test.: "));
  EXPECT_THAT(log, HasSubstr("RRSIGs of its file have expired (first: online.test. "));
  HttpReply m = Http(server_, "GET", "/metrics");
  EXPECT_THAT(m.body, ::testing::ContainsRegex(
                          "steerdns_dnssec_expired_signatures\\{zone=\"online.test.\"\\} [1-9]"));
  std::this_thread::sleep_for(2s);  // the main loop looks again: still one line
  const std::string later = server_.Log();
  size_t lines = 0;
  for (size_t at = later.find("have expired"); at != std::string::npos;
       at = later.find("have expired", at + 1))
    ++lines;
  EXPECT_EQ(lines, 1u) << later;
}

// The key tag of the first RRSIG over `type` at `name` (dig +short +dnssec:
// "SOA 13 2 300 EXP INC TAG online.test. SIG"), or "".
std::string SigningTag(uint16_t port, const std::string& name, const std::string& type) {
  std::string out;
  RunProgram({"/usr/bin/dig", "+short", "+dnssec", "-p", std::to_string(port), "@127.0.0.1",
              name, type},
             10s, &out);
  for (const std::string& l : Lines(out)) {
    std::istringstream f(l);
    std::string covered, alg, labels, ttl, exp, inc, tag;
    if (f >> covered >> alg >> labels >> ttl >> exp >> inc >> tag && covered == type) return tag;
  }
  return "";
}

// The number of DNSKEY RRs the server publishes.
size_t DnskeyCount(uint16_t port) {
  std::string out;
  RunProgram({"/usr/bin/dig", "+short", "-p", std::to_string(port), "@127.0.0.1", "online.test",
              "DNSKEY"},
             10s, &out);
  return Lines(out).size();
}

TEST_F(e2eDnssecOnline, ZskRolloverIsCarriedOutByTheSigner) {
  ASSERT_TRUE(StartServer());
  const std::string old_tag = SigningTag(server_.port(), "online.test", "SOA");
  ASSERT_FALSE(old_tag.empty());
  EXPECT_EQ(DnskeyCount(server_.port()), 2u);
  // A roll with durations of seconds: the new ZSK is published now, signs
  // from now + 3 s, the old one is removed 3 s after that.
  ToolRun r = Zonectl(server_, {"dnssec", "roll", kOrigin, "--dir", keys_, "--dnskey-ttl", "2",
                                "--publish-safety", "1", "--max-zone-ttl", "2",
                                "--retire-safety", "1"});
  ASSERT_TRUE(Succeeded(r)) << r.Describe();
  // Published at once (the roll reloaded the server's keys), not signing.
  EXPECT_EQ(DnskeyCount(server_.port()), 3u);
  EXPECT_EQ(SigningTag(server_.port(), "online.test", "SOA"), old_tag);
  std::string out = Delv("app.online.test", "A", "127.53.2.1");
  EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
  // Then the new key signs, by itself...
  std::string tag = old_tag;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (tag == old_tag && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(250ms);
    tag = SigningTag(server_.port(), "online.test", "SOA");
  }
  EXPECT_NE(tag, old_tag) << "the new ZSK never signed";
  out = Delv("app.online.test", "A", "127.53.2.1");
  EXPECT_THAT(out, HasSubstr("; fully validated")) << out;
  // ...and the old one leaves the DNSKEY RRset.
  deadline = std::chrono::steady_clock::now() + 20s;
  while (DnskeyCount(server_.port()) != 2u && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(250ms);
  EXPECT_EQ(DnskeyCount(server_.port()), 2u);
  EXPECT_EQ(SigningTag(server_.port(), "online.test", "SOA"), tag);
  out = Delv("nothing.online.test", "A", "127.53.2.1");
  EXPECT_THAT(out, HasSubstr("; negative response, fully validated")) << out;
}

}  // namespace
}  // namespace e2e
