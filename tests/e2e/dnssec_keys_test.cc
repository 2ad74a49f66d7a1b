// End to end, the real `steerdns` and `zonectl` (issue 16): DNSSEC keys as
// server configuration (--dnssec-keys DIR).
//   - Keys made at test time by `zonectl dnssec keygen` and by ldns-keygen
//     (ldnsutils) are loaded at start-up and listed by GET /v1/dnssec,
//     `zonectl dnssec status --server` (and offline with --dir), and
//     /metrics (steerdns_dnssec_keys{zone,role}).
//   - A bad key file stops start-up: exit 1 with "file: what is wrong".
//   - SIGHUP after a key is added: listed; after a key file is corrupted:
//     "refused: SIGHUP reload from pid N: file: ..." and the old keys stay.
//   - Keys for a zone that is not served: a warning line, no error.
//   - `zonectl dnssec roll --server` schedules a ZSK roll in the server's
//     folder and makes it reload (POST /v1/dnssec/reload, behind the
//     token): GET /v1/dnssec shows each key's state and the next event,
//     the same as `zonectl dnssec status --dir --json` offline; a bad key
//     file makes the reload a 400 with the file's line, the old keys stay;
//     without --dnssec-keys it is a 409.
// Only 127.0.0.1 is used; every wait is bounded.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <set>
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

constexpr char kOrigin[] = "zone.test.";
constexpr char kLdnsKeygen[] = "/usr/bin/ldns-keygen";

bool PollUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// The first line of `s`, without the newline.
std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

class e2eDnssecKeys : public TempDirTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempDirTest::SetUp());
    zone_path_ = WriteTemp("zone.test.zone",
                           "$ORIGIN zone.test.\n$TTL 300\n"
                           "@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n"
                           "@ IN NS ns1\nns1 IN A 192.0.2.1\n");
    keys_ = tmp_ + "/keys";
    ASSERT_EQ(mkdir(keys_.c_str(), 0700), 0);
  }
  void TearDown() override {
    if (server_.IsRunning()) {
      EXPECT_TRUE(server_.Stop()) << "clean shutdown on SIGTERM";
    }
  }

  // `zonectl dnssec keygen ZONE [--ksk]` into keys_; the base name.
  std::string Keygen(const std::string& zone, bool ksk, const std::string& alg = "ecdsap256") {
    std::vector<std::string> args = {"dnssec", "keygen", zone, "--algorithm", alg,
                                     "--dir", keys_};
    if (ksk) args.push_back("--ksk");
    ToolRun r = RunZonectl(args);
    EXPECT_TRUE(Succeeded(r));
    return FirstLine(r.out);
  }
  // ldns-keygen -a ED25519 ZONE in keys_; the base name ("" without the tool).
  std::string LdnsKeygen(const std::string& zone) {
    std::string out;
    ExitInfo e = RunProgram({"/bin/sh", "-c",
                             "cd '" + keys_ + "' && " + kLdnsKeygen + " -a ED25519 " + zone},
                            10s, &out);
    EXPECT_TRUE(e.exited && e.exit_code == 0) << e.Describe() << out;
    return FirstLine(out);
  }

  testing::AssertionResult StartServer(std::vector<std::string> more = {}, bool keys = true) {
    ServerOptions o;
    o.control = true;
    o.threads = 1;
    o.zones = {std::string(kOrigin) + "=" + zone_path_};
    if (keys) o.extra_args = {"--dnssec-keys", keys_};
    o.extra_args.insert(o.extra_args.end(), more.begin(), more.end());
    return server_.Start(o);
  }
  void Sighup(const std::string& done) {
    const size_t before = server_.Log().size();
    ASSERT_EQ(kill(server_.pid(), SIGHUP), 0);
    ASSERT_TRUE(PollUntil([&] { return server_.Log().find(done, before) != std::string::npos; },
                          5000ms))
        << "no '" << done << "' after SIGHUP:\n"
        << server_.Log().substr(before);
  }
  // GET /v1/dnssec: "zone tag role" for every key listed.
  std::set<std::string> ApiKeys(json* whole = nullptr) {
    HttpReply r = Http(server_, "GET", "/v1/dnssec");
    EXPECT_EQ(r.status, 200) << r.Describe();
    if (whole != nullptr) *whole = r.body_json;
    std::set<std::string> out;
    for (const json& z : r.body_json.value("zones", json::array())) {
      for (const json& k : z.value("keys", json::array())) {
        out.insert(z.value("zone", "") + " " + std::to_string(k.value("key_tag", 0)) + " " +
                   k.value("role", ""));
      }
    }
    return out;
  }

  std::string zone_path_, keys_;
  ServerProcess server_;
};

// "Kzone.test.+013+12345" -> "12345" (without leading zeros).
std::string TagOf(const std::string& base) {
  return std::to_string(std::stoi(base.substr(base.rfind('+') + 1)));
}

TEST_F(e2eDnssecKeys, StartUpLoadsKeysOfBothMakersAndListsThem) {
  STEER_REQUIRE(access(kLdnsKeygen, X_OK) == 0, "ldnsutils (ldns-keygen) is not installed");
  const std::string ksk = Keygen(kOrigin, /*ksk=*/true);
  const std::string zsk = Keygen(kOrigin, /*ksk=*/false, "ed25519");
  const std::string other = LdnsKeygen("other.test");  // a zone not served
  ASSERT_FALSE(ksk.empty() || zsk.empty() || other.empty());
  ASSERT_TRUE(StartServer());
  EXPECT_THAT(server_.Log(), HasSubstr("dnssec keys " + keys_ + ": 3 keys for 2 zones"));
  EXPECT_THAT(server_.Log(),
              HasSubstr("warning: dnssec-keys: keys for zone other.test., which is not served"));

  json j;
  const std::set<std::string> keys = ApiKeys(&j);
  EXPECT_EQ(keys, (std::set<std::string>{"zone.test. " + TagOf(ksk) + " KSK",
                                         "zone.test. " + TagOf(zsk) + " ZSK",
                                         "other.test. " + TagOf(other) + " CSK"}))
      << j.dump(2);
  EXPECT_EQ(j.value("source", ""), keys_);
  EXPECT_EQ(j.value("key_count", 0), 3);
  EXPECT_TRUE(j.value("loaded_at", json()).is_string()) << j.dump(2);
  EXPECT_EQ(NonSnakeKey(j), "");
  for (const json& z : j["zones"]) {
    EXPECT_EQ(z.value("served", false), z.value("zone", "") == kOrigin) << z.dump();
    for (const json& k : z["keys"]) {
      const std::string file = k.value("key_file", "");
      EXPECT_EQ(file.rfind(keys_ + "/K", 0), 0u) << file;
      EXPECT_EQ(k.value("private_file", ""), file.substr(0, file.size() - 4) + ".private");
      EXPECT_EQ(k.value("algorithm", 0), file.find("+015+") != std::string::npos ? 15 : 13);
    }
  }

  // zonectl asks the server, and reads the folder offline: the same keys.
  ToolRun online = Zonectl(server_, {"dnssec", "status"});
  ASSERT_TRUE(Succeeded(online));
  EXPECT_THAT(online.out, HasSubstr("zone.test. (served)"));
  EXPECT_THAT(online.out, HasSubstr("other.test. (not served)"));
  EXPECT_THAT(online.out, HasSubstr("KSK  tag " + TagOf(ksk) + "  ECDSAP256SHA256 (13)  flags 257"));
  EXPECT_THAT(online.out, HasSubstr("ZSK  tag " + TagOf(zsk) + "  ED25519 (15)  flags 256"));
  EXPECT_THAT(online.out, HasSubstr("CSK  tag " + TagOf(other) + "  ED25519 (15)"));
  ToolRun offline = RunZonectl({"dnssec", "status", "--dir", keys_});
  ASSERT_TRUE(Succeeded(offline));
  EXPECT_THAT(offline.out, HasSubstr("KSK  tag " + TagOf(ksk)));
  EXPECT_THAT(offline.out, HasSubstr("CSK  tag " + TagOf(other)));
  EXPECT_THAT(offline.out, HasSubstr("created "));  // zonectl's keys carry BIND timing
  json offline_json;
  ASSERT_TRUE(ParsesAsJson(RunZonectl({"dnssec", "status", "--dir", keys_, "--json"}),
                           &offline_json));
  EXPECT_EQ(offline_json.value("key_count", 0), 3);
  EXPECT_TRUE(FailedWithOneLine(Zonectl(server_, {"dnssec", "status", "--dir", keys_}), 2));
  ToolRun help = RunZonectl({"dnssec", "status", "--help"});
  ASSERT_TRUE(Succeeded(help));
  EXPECT_THAT(help.out, HasSubstr("Usage: zonectl dnssec status"));

  HttpReply m = Http(server_, "GET", "/metrics");
  EXPECT_THAT(m.body, HasSubstr("steerdns_dnssec_keys{zone=\"zone.test.\",role=\"KSK\"} 1\n"));
  EXPECT_THAT(m.body, HasSubstr("steerdns_dnssec_keys{zone=\"zone.test.\",role=\"ZSK\"} 1\n"));
  EXPECT_THAT(m.body, HasSubstr("steerdns_dnssec_keys{zone=\"other.test.\",role=\"CSK\"} 1\n"));
}

TEST_F(e2eDnssecKeys, BadKeyFileStopsStartUpWithTheFilesMessage) {
  const std::string ksk = Keygen(kOrigin, /*ksk=*/true);
  ASSERT_FALSE(ksk.empty());
  const std::string bad = keys_ + "/" + ksk + ".key";
  ASSERT_TRUE(WriteFile(bad, "zone.test. IN DNSKEY 257 3 13 not-base64!\n"));
  const uint16_t port = PickFreePort();
  ASSERT_NE(port, 0);
  std::string output, errors;
  ExitInfo info = RunBinary({"--listen", "127.0.0.1:" + std::to_string(port), "--control", "off",
                             "--zone", std::string(kOrigin) + "=" + zone_path_, "--dnssec-keys",
                             keys_},
                            10s, &output, &errors);
  EXPECT_TRUE(info.exited_in_time) << "the server kept running with a bad key file";
  EXPECT_TRUE(info.exited && info.exit_code == 1) << info.Describe();
  EXPECT_THAT(errors, HasSubstr(bad + ": ")) << output;
  // zonectl reads the folder as the server does, and says the same.
  ToolRun offline = RunZonectl({"dnssec", "status", "--dir", keys_});
  EXPECT_EQ(offline.exit.exit_code, 1) << offline.Describe();
  EXPECT_THAT(offline.err, HasSubstr(bad + ": "));
}

TEST_F(e2eDnssecKeys, SighupLoadsAnAddedKeyAndRefusesACorruptOne) {
  const std::string ksk = Keygen(kOrigin, /*ksk=*/true);
  ASSERT_FALSE(ksk.empty());
  ASSERT_TRUE(StartServer());
  EXPECT_EQ(ApiKeys(), (std::set<std::string>{"zone.test. " + TagOf(ksk) + " CSK"}));

  // A ZSK added: the KSK is one now.
  const std::string zsk = Keygen(kOrigin, /*ksk=*/false);
  ASSERT_FALSE(zsk.empty());
  Sighup("SIGHUP: reloaded");
  EXPECT_THAT(server_.Log(), HasSubstr("dnssec keys " + keys_ + " (2 keys for 1 zone)"));
  const std::set<std::string> two = {"zone.test. " + TagOf(ksk) + " KSK",
                                     "zone.test. " + TagOf(zsk) + " ZSK"};
  EXPECT_EQ(ApiKeys(), two);

  // The ZSK's private key corrupted: refused, the two keys stay.
  const std::string bad = keys_ + "/" + zsk + ".private";
  ASSERT_TRUE(WriteFile(bad, "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\n"
                             "PrivateKey: AAAA\n"));
  Sighup("refused: SIGHUP reload from pid " + std::to_string(getpid()) + ": ");
  const std::string log = server_.Log();
  const size_t at = log.rfind("refused: SIGHUP reload from pid");
  ASSERT_NE(at, std::string::npos);
  EXPECT_THAT(log.substr(at, log.find('\n', at) - at), HasSubstr(keys_ + "/" + zsk + ".private: "))
      << log.substr(at);
  EXPECT_EQ(ApiKeys(), two);
  ToolRun status = Zonectl(server_, {"dnssec", "status"});
  ASSERT_TRUE(Succeeded(status));
  EXPECT_THAT(status.out, HasSubstr("ZSK  tag " + TagOf(zsk)));

  // Mended (the key removed): reloaded again.
  ASSERT_EQ(unlink(bad.c_str()), 0);
  ASSERT_EQ(unlink((keys_ + "/" + zsk + ".key").c_str()), 0);
  Sighup("SIGHUP: reloaded");
  EXPECT_EQ(ApiKeys(), (std::set<std::string>{"zone.test. " + TagOf(ksk) + " CSK"}));
}

// The key of `j` (GET /v1/dnssec's shape) with tag `tag`.
json KeyJson(const json& j, const std::string& tag) {
  for (const json& z : j.value("zones", json::array())) {
    for (const json& k : z.value("keys", json::array())) {
      if (std::to_string(k.value("key_tag", 0)) == tag) return k;
    }
  }
  return json();
}

TEST_F(e2eDnssecKeys, RollThroughTheServerReloadsItsKeysAndShowsTheSchedule) {
  const std::string ksk = Keygen(kOrigin, /*ksk=*/true);
  const std::string zsk = Keygen(kOrigin, /*ksk=*/false);
  ASSERT_FALSE(ksk.empty() || zsk.empty());
  const std::string token_file = WriteTemp("token", "roll-token\n");
  ASSERT_EQ(chmod(token_file.c_str(), 0600), 0);
  ASSERT_TRUE(StartServer({"--control-token-file", token_file}));

  // The reload is a write: behind the token.
  HttpReply h = Http(server_, "POST", "/v1/dnssec/reload");
  EXPECT_EQ(h.status, 401) << h.Describe();
  h = Http(server_, "GET", "/v1/dnssec/reload", "", "", "roll-token");
  EXPECT_EQ(h.status, 405) << h.Describe();

  // No --dir: the server's own folder.
  ToolRun roll = Zonectl(server_, {"--token-file", token_file, "dnssec", "roll", "zone.test",
                                   "--publish-safety", "10m", "--max-zone-ttl", "1h"});
  ASSERT_TRUE(Succeeded(roll));
  EXPECT_THAT(roll.out, HasSubstr("written to " + keys_ + "\n"));
  EXPECT_THAT(roll.out, HasSubstr("reloaded " + keys_ + ": 3 keys\n"));
  EXPECT_THAT(server_.Log(), HasSubstr("control API: reloaded dnssec keys " + keys_ +
                                       " (3 keys for 1 zone)"));
  const size_t at = roll.out.find("new ZSK ");
  ASSERT_NE(at, std::string::npos) << roll.out;
  const std::string fresh = roll.out.substr(at + 8, roll.out.find(' ', at + 8) - at - 8);

  json j;
  HttpReply g = Http(server_, "GET", "/v1/dnssec", "", "", "roll-token");
  ASSERT_EQ(g.status, 200) << g.Describe();
  j = g.body_json;
  EXPECT_EQ(j.value("key_count", 0), 3) << j.dump(2);
  EXPECT_EQ(NonSnakeKey(j), "");
  const json nk = KeyJson(j, fresh), ok = KeyJson(j, TagOf(zsk)), kk = KeyJson(j, TagOf(ksk));
  EXPECT_EQ(nk.value("state", ""), "published") << nk.dump();
  EXPECT_EQ(nk.value("next_state", ""), "active");
  EXPECT_EQ(nk.value("next_event", ""), nk.value("activate", "?"));
  EXPECT_EQ(ok.value("state", ""), "active") << ok.dump();
  EXPECT_EQ(ok.value("next_state", ""), "retired");
  EXPECT_EQ(ok.value("inactive", ""), nk.value("activate", "?"));
  EXPECT_TRUE(ok.value("delete", json()).is_string());
  EXPECT_EQ(kk.value("state", ""), "active") << kk.dump();
  EXPECT_TRUE(kk.value("next_event", json(1)).is_null());
  const json next = j["zones"][0].value("next_event", json());
  EXPECT_EQ(next.value("at", ""), nk.value("activate", "?")) << next.dump();
  ASSERT_EQ(next.value("keys", json::array()).size(), 2u) << next.dump();
  std::set<std::string> changes;
  for (const json& c : next["keys"]) {
    changes.insert(std::to_string(c.value("key_tag", 0)) + " " + c.value("state", ""));
  }
  EXPECT_EQ(changes, (std::set<std::string>{fresh + " active", TagOf(zsk) + " retired"}));

  // Offline, the same keys, states and next event.
  json offline;
  ASSERT_TRUE(ParsesAsJson(RunZonectl({"dnssec", "status", "--dir", keys_, "--json"}), &offline));
  json server_zone = j["zones"][0], offline_zone = offline["zones"][0];
  // What only the server knows: whether it serves the zone, and how it
  // signed it (online, with the active ZSK; the next signing at the
  // roll's next step at the latest).
  const json& signing = server_zone["signing"];
  EXPECT_EQ(signing.value("mode", ""), "online") << server_zone.dump(2);
  EXPECT_EQ(signing.value("zsk_tags", json()), json::array({std::stoi(TagOf(zsk))}));
  EXPECT_LE(signing.value("next_signing", ""), next.value("at", "")) << signing.dump();
  server_zone.erase("served");
  server_zone.erase("signing");
  EXPECT_EQ(offline_zone, server_zone);
  for (const char* k : {"source", "now", "key_count"}) EXPECT_TRUE(offline.contains(k)) << k;

  // The human form, through the server.
  ToolRun status = Zonectl(server_, {"--token-file", token_file, "dnssec", "status"});
  ASSERT_TRUE(Succeeded(status));
  EXPECT_THAT(status.out, HasSubstr("next event: " + nk.value("activate", "?") + "  ZSK "));
  EXPECT_THAT(status.out, HasSubstr("ZSK " + fresh + " becomes active"));
  EXPECT_THAT(status.out, HasSubstr("  signed online "));
  EXPECT_THAT(status.out, HasSubstr("ZSK " + TagOf(zsk) + " becomes retired"));
  EXPECT_THAT(status.out, HasSubstr("flags 256  published (active at "));

  // A second roll: refused, nothing written.
  ToolRun again = Zonectl(server_, {"--token-file", token_file, "dnssec", "roll", "zone.test"});
  EXPECT_TRUE(FailedWithOneLine(again, 1));
  EXPECT_THAT(again.err, HasSubstr("is in progress"));

  // A corrupted key: the reload is refused with the file's line, the old
  // keys stay.
  const std::string bad = keys_ + "/" + ksk + ".private";
  ASSERT_TRUE(WriteFile(bad, "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\n"
                             "PrivateKey: AAAA\n"));
  h = Http(server_, "POST", "/v1/dnssec/reload", "", "application/json", "roll-token");
  EXPECT_EQ(h.status, 400) << h.Describe();
  EXPECT_THAT(h.body_json.value("error", ""), HasSubstr(bad + ": ")) << h.Describe();
  EXPECT_EQ(h.body_json.value("code", ""), "InvalidInput");
  ToolRun reload = Zonectl(server_, {"--token-file", token_file, "dnssec", "reload"});
  EXPECT_EQ(reload.exit.exit_code, 1) << reload.Describe();
  EXPECT_THAT(reload.err, HasSubstr(bad + ": "));
  EXPECT_THAT(server_.Log(), HasSubstr("refused: POST /v1/dnssec/reload from "));
  g = Http(server_, "GET", "/v1/dnssec", "", "", "roll-token");
  EXPECT_EQ(g.body_json.value("key_count", 0), 3) << g.Describe();
  EXPECT_EQ(KeyJson(g.body_json, fresh).value("state", ""), "published");
}

TEST_F(e2eDnssecKeys, ReloadWithoutKeyFolderIsAConflict) {
  ASSERT_TRUE(StartServer({}, /*keys=*/false));
  HttpReply h = Http(server_, "POST", "/v1/dnssec/reload");
  EXPECT_EQ(h.status, 409) << h.Describe();
  EXPECT_THAT(h.body_json.value("error", ""), HasSubstr("without --dnssec-keys"));
  ToolRun r = Zonectl(server_, {"dnssec", "roll", "zone.test"});
  EXPECT_TRUE(FailedWithOneLine(r, 1));
  EXPECT_THAT(r.err, HasSubstr("runs without --dnssec-keys"));
}

}  // namespace
}  // namespace e2e
