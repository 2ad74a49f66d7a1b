// Zone transfers with the real thing (issue 17): NSD, Knot and BIND as
// secondaries of steerdns (TSIG-signed AXFR, then a change through zonectl
// → NOTIFY → IXFR/AXFR: each has the new serial and record within seconds),
// and steerdns as a secondary of an NSD and of a Knot primary (the primary's
// file edited and reloaded: steerdns follows by NOTIFY, and by SOA refresh).
// Loopback only; every wait is bounded. ctest label `interop`.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/peer_server.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A TSIG key as `tsig-keygen -a hmac-sha256 xfr-key` prints one.
constexpr char kKeyName[] = "xfr-key";
constexpr char kSecret[] = "Jm3xT0lTSJVp2hu9nWLzjQ8SbUMy7C5dY6yZbdFWxlA=";

std::string ZoneText(uint32_t serial, const std::string& www, uint32_t refresh = 3600) {
  return absl::StrCat("$ORIGIN example.test.\n$TTL 300\n",
                      "@ IN SOA ns1 hostmaster ", serial, " ", refresh, " ", refresh / 2 + 1,
                      " 86400 60\n"
                      "@ IN NS ns1\n"
                      "ns1 IN A 127.0.0.1\n"
                      "www IN A ",
                      www, "\nmail IN MX 10 www\ntxt IN TXT \"hello\" \"world\"\n");
}

// Two latency members: a third-party secondary serves the first (the
// fail-open default member).
constexpr char kRouted[] = R"({"ResourceRecordSets": [
  {"Name": "app.example.test.", "Type": "A", "SetIdentifier": "euw1", "Region": "eu-west-1",
   "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.11"}]},
  {"Name": "app.example.test.", "Type": "A", "SetIdentifier": "use1", "Region": "us-east-1",
   "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.12"}]}]})";

// NSD's server, remote-control and key clauses, unprivileged on port.
std::string NsdCommon(const std::string& dir, uint16_t port) {
  return absl::StrCat(
      "server:\n    ip-address: 127.0.0.1@", port,
      "\n    do-ip6: no\n    server-count: 1\n    username: \"\"\n    chroot: \"\"\n"
      "    zonesdir: \"", dir, "\"\n    database: \"\"\n    zonelistfile: \"", dir,
      "/zone.list\"\n    xfrdfile: \"", dir, "/xfrd.state\"\n    xfrdir: \"", dir,
      "\"\n    pidfile: \"", dir, "/nsd.pid\"\n    verbosity: 2\n    rrl-ratelimit: 0\n"
      "remote-control:\n    control-enable: no\n"
      "key:\n    name: \"", kKeyName, "\"\n    algorithm: hmac-sha256\n    secret: \"", kSecret,
      "\"\n");
}

std::string NsdSecondary(const std::string& dir, uint16_t port, uint16_t primary) {
  return absl::StrCat(
      NsdCommon(dir, port), "zone:\n    name: \"example.test.\"\n    zonefile: \"", dir,
      "/example.test.secondary\"\n    allow-notify: 127.0.0.1 ", kKeyName,
      "\n    request-xfr: 127.0.0.1@", primary, " ", kKeyName, "\n");
}

std::string KnotSecondary(const std::string& dir, uint16_t port, uint16_t primary) {
  return absl::StrCat(
      "server:\n    rundir: \"", dir, "\"\n    listen: 127.0.0.1@", port,
      "\nlog:\n  - target: stderr\n    any: info\n"
      "database:\n    storage: \"", dir, "\"\n"
      "key:\n  - id: ", kKeyName, "\n    algorithm: hmac-sha256\n    secret: ", kSecret,
      "\nremote:\n  - id: primary\n    address: 127.0.0.1@", primary, "\n    key: ", kKeyName,
      "\nacl:\n  - id: notify_from_primary\n    address: 127.0.0.1\n    key: ", kKeyName,
      "\n    action: notify\n"
      "template:\n  - id: default\n    storage: \"", dir, "\"\n"
      "zone:\n  - domain: example.test.\n    master: primary\n    acl: notify_from_primary\n"
      "    file: \"", dir, "/example.test.secondary\"\n");
}

std::string BindSecondary(const std::string& dir, uint16_t port, uint16_t primary) {
  return absl::StrCat(
      "options {\n  directory \"", dir, "\";\n  pid-file \"", dir,
      "/named.pid\";\n  session-keyfile \"", dir, "/session.key\";\n  listen-on port ", port,
      " { 127.0.0.1; };\n  listen-on-v6 { none; };\n  recursion no;\n"
      "  dnssec-validation no;\n  notify no;\n};\ncontrols { };\n"
      "key \"", kKeyName, "\" { algorithm hmac-sha256; secret \"", kSecret, "\"; };\n"
      "zone \"example.test.\" {\n  type secondary;\n  file \"", dir,
      "/example.test.secondary\";\n  primaries { 127.0.0.1 port ", primary, " key ", kKeyName,
      "; };\n};\n");
}

class e2eXfrInterop : public TempDirTest {
 protected:
  std::string Batch(const std::string& www) {
    return absl::StrCat(R"({"Changes":[{"Action":"UPSERT","ResourceRecordSet":{)",
                        R"("Name":"www.example.test.","Type":"A","TTL":300,)",
                        R"("ResourceRecords":[{"Value":")", www, R"("}]}}]})");
  }
};

// NSD, Knot and BIND as secondaries of steerdns: TSIG-signed transfers,
// NOTIFY on a change, routed names flattened to the default member.
TEST_F(e2eXfrInterop, NsdKnotAndBindFollowSteerdnsAsTheirPrimary) {
  for (PeerKind k : {PeerKind::kNsd, PeerKind::kKnot, PeerKind::kBind})
    STEER_REQUIRE(!PeerPath(k).empty(), std::string(PeerName(k)) + " (packages nsd, knot, bind9)");
  const uint16_t ports[3] = {PickFreePort(), PickFreePort(), PickFreePort()};
  ASSERT_TRUE(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);

  ServerProcess steer;
  ServerOptions so;
  so.zones = {"example.test.=" + WriteTemp("example.test.zone", ZoneText(1, "192.0.2.1")),
              "example.test.=" + WriteTemp("routed.json", kRouted)};
  so.control = true;
  so.extra_args = {"--tsig-key", absl::StrCat(kKeyName, ":hmac-sha256:", kSecret),
                   "--allow-transfer", absl::StrCat("127.0.0.1:", kKeyName)};
  for (uint16_t p : ports) {
    so.extra_args.push_back("--notify");
    so.extra_args.push_back(absl::StrCat("127.0.0.1:", p, ":", kKeyName));
  }
  ASSERT_TRUE(steer.Start(so));

  PeerServer peers[3];
  const PeerKind kinds[3] = {PeerKind::kNsd, PeerKind::kKnot, PeerKind::kBind};
  for (int i = 0; i < 3; ++i) {
    const std::string dir = tmp_ + "/" + PeerName(kinds[i]);
    ASSERT_EQ(system(("mkdir -p " + dir).c_str()), 0);
    PeerOptions po;
    po.kind = kinds[i];
    po.dir = dir;
    po.port = ports[i];
    po.ready_origin = "example.test.";
    const uint16_t primary = steer.port();
    switch (kinds[i]) {
      case PeerKind::kNsd: po.config = [=](uint16_t p) { return NsdSecondary(dir, p, primary); }; break;
      case PeerKind::kKnot: po.config = [=](uint16_t p) { return KnotSecondary(dir, p, primary); }; break;
      case PeerKind::kBind: po.config = [=](uint16_t p) { return BindSecondary(dir, p, primary); }; break;
    }
    ASSERT_TRUE(peers[i].Start(po));
  }
  // The first transfer (AXFR), signed.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(WaitForSerial(peers[i].port(), "example.test.", 1, seconds(20)), 1u)
        << PeerName(kinds[i]) << " log:\n" << peers[i].Log() << "\nsteerdns log:\n" << steer.Log();
    EXPECT_EQ(AddressesOf(peers[i].port(), "www.example.test."),
              std::vector<std::string>{"192.0.2.1"}) << PeerName(kinds[i]);
    // The routed name as a client without a latency-table row gets it.
    EXPECT_EQ(AddressesOf(peers[i].port(), "app.example.test."),
              std::vector<std::string>{"192.0.2.11"}) << PeerName(kinds[i]);
  }
  // A change: the serial moves (increment), NOTIFY goes out, each pulls it.
  ToolRun r = Zonectl(steer, {"change", "example.test.", "--change-batch", Batch("192.0.2.2")});
  ASSERT_TRUE(Succeeded(r)) << r.Describe();
  const auto changed = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(WaitForSerial(peers[i].port(), "example.test.", 2, seconds(10)), 2u)
        << PeerName(kinds[i]) << " log:\n" << peers[i].Log() << "\nsteerdns log:\n" << steer.Log();
    EXPECT_EQ(AddressesOf(peers[i].port(), "www.example.test."),
              std::vector<std::string>{"192.0.2.2"}) << PeerName(kinds[i]);
  }
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - changed);
  std::printf("all three secondaries at serial 2 %lld ms after the change\n",
              static_cast<long long>(took.count()));
  // Knot and BIND ask for IXFR: the journal answered it.
  EXPECT_NE(steer.Log().find("IXFR from 1 (1 differences) of example.test. serial 2"),
            std::string::npos) << steer.Log();
}

// steerdns as a secondary of NSD and of Knot: follows the primary's edits
// by NOTIFY, merging its own routed record sets on top.
class e2eXfrSecondary : public e2eXfrInterop,
                        public ::testing::WithParamInterface<PeerKind> {};

std::string NsdPrimary(const std::string& dir, uint16_t port, uint16_t notify_port, bool notify) {
  return absl::StrCat(
      NsdCommon(dir, port), "zone:\n    name: \"example.test.\"\n    zonefile: \"", dir,
      "/example.test.zone\"\n    provide-xfr: 127.0.0.1 ", kKeyName, "\n",
      notify ? absl::StrCat("    notify: 127.0.0.1@", notify_port, " ", kKeyName, "\n") : "");
}

std::string KnotPrimary(const std::string& dir, uint16_t port, uint16_t notify_port, bool notify) {
  return absl::StrCat(
      "server:\n    rundir: \"", dir, "\"\n    listen: 127.0.0.1@", port,
      "\nlog:\n  - target: stderr\n    any: info\n"
      "database:\n    storage: \"", dir, "\"\n"
      "key:\n  - id: ", kKeyName, "\n    algorithm: hmac-sha256\n    secret: ", kSecret,
      "\nremote:\n  - id: secondary\n    address: 127.0.0.1@", notify_port, "\n    key: ",
      kKeyName, "\nacl:\n  - id: transfer_to_secondary\n    address: 127.0.0.1\n    key: ",
      kKeyName, "\n    action: transfer\n"
      "template:\n  - id: default\n    storage: \"", dir, "\"\n"
      "zone:\n  - domain: example.test.\n", notify ? "    notify: secondary\n" : "",
      "    acl: transfer_to_secondary\n"
      "    file: \"", dir, "/example.test.zone\"\n    zonefile-load: difference\n"
      "    journal-content: changes\n");
}

TEST_P(e2eXfrSecondary, SteerdnsFollowsThePrimaryByNotifyAndRefresh) {
  const PeerKind kind = GetParam();
  STEER_REQUIRE(!PeerPath(kind).empty(), std::string(PeerName(kind)) + " (packages nsd, knot)");
  const std::string dir = tmp_ + "/primary";
  ASSERT_EQ(system(("mkdir -p " + dir).c_str()), 0);
  const std::string zone = dir + "/example.test.zone";
  // A refresh of an hour: only a NOTIFY brings the first change quickly.
  ASSERT_TRUE(WriteFile(zone, ZoneText(10, "192.0.2.1", /*refresh=*/3600)));
  const uint16_t steer_port = PickFreePort();

  bool notify = true;
  PeerServer primary;
  PeerOptions po;
  po.kind = kind;
  po.dir = dir;
  po.ready_origin = "example.test.";
  po.config = [&](uint16_t p) {
    return kind == PeerKind::kNsd ? NsdPrimary(dir, p, steer_port, notify)
                                  : KnotPrimary(dir, p, steer_port, notify);
  };
  ASSERT_TRUE(primary.Start(po));

  ServerProcess steer;
  ServerOptions so;
  so.zones = {"example.test.=" + WriteTemp("routed.json", kRouted)};
  so.control = true;
  so.extra_args = {"--tsig-key", absl::StrCat(kKeyName, ":hmac-sha256:", kSecret),
                   "--secondary", absl::StrCat("example.test.=127.0.0.1:", primary.port(), ":", kKeyName),
                   "--data-dir", tmp_ + "/steer-data"};
  // (ServerProcess picks its own port; the primary NOTIFYs steer_port, so
  // listen there too.)
  so.extra_args.push_back("--listen");
  so.extra_args.push_back(absl::StrCat("127.0.0.1:", steer_port));
  ASSERT_TRUE(steer.Start(so)) << primary.Log();

  EXPECT_EQ(WaitForSerial(steer.port(), "example.test.", 10, seconds(15)), 10u) << steer.Log();
  EXPECT_EQ(AddressesOf(steer.port(), "www.example.test."), std::vector<std::string>{"192.0.2.1"});
  // The routed name merged on top of the transferred zone answers.
  EXPECT_FALSE(AddressesOf(steer.port(), "app.example.test.").empty());

  // The primary's file edited and reloaded: its NOTIFY brings it.
  ASSERT_TRUE(WriteFile(zone, ZoneText(11, "192.0.2.7", /*refresh=*/2)));
  primary.Reload();
  EXPECT_EQ(WaitForSerial(steer.port(), "example.test.", 11, seconds(10)), 11u)
      << steer.Log() << "\nprimary log:\n" << primary.Log();
  EXPECT_EQ(AddressesOf(steer.port(), "www.example.test."), std::vector<std::string>{"192.0.2.7"});
  HttpReply status = Http(steer, "GET", "/v1/transfers");
  ASSERT_EQ(status.status, 200) << status.Describe();
  bool notified = false;
  for (const json& z : status.body_json["zones"]) {
    if (z.value("origin", "") == "example.test.") {
      EXPECT_EQ(z.value("role", ""), "secondary");
      notified = z.value("notifies_accepted", 0) >= 1;
    }
  }
  EXPECT_TRUE(notified) << status.body;

  // The primary again without NOTIFY, with serial 12: the 2 s SOA refresh
  // finds it.
  primary.Stop();
  notify = false;
  po.port = primary.port();
  ASSERT_TRUE(WriteFile(zone, ZoneText(12, "192.0.2.8", /*refresh=*/2)));
  PeerServer quiet;
  ASSERT_TRUE(quiet.Start(po));
  EXPECT_EQ(WaitForSerial(steer.port(), "example.test.", 12, seconds(10)), 12u) << steer.Log();
  EXPECT_EQ(AddressesOf(steer.port(), "www.example.test."), std::vector<std::string>{"192.0.2.8"});

  // The primary stops: steerdns keeps serving its copy (expire is a day).
  quiet.Stop();
  std::this_thread::sleep_for(seconds(3));  // past a refresh
  EXPECT_EQ(SoaSerial(steer.port(), "example.test."), 12u);

  // A restart serves the data dir's copy at once, before any transfer.
  ASSERT_TRUE(steer.Stop());
  ServerProcess again;
  ASSERT_TRUE(again.Start(so)) << again.Log();
  EXPECT_EQ(WaitForSerial(again.port(), "example.test.", 12, seconds(2)), 12u) << again.Log();
}

INSTANTIATE_TEST_SUITE_P(Primaries, e2eXfrSecondary,
                         ::testing::Values(PeerKind::kNsd, PeerKind::kKnot),
                         [](const auto& info) {
                           return std::string(info.param == PeerKind::kNsd ? "Nsd" : "Knot");
                         });

}  // namespace
}  // namespace e2e
