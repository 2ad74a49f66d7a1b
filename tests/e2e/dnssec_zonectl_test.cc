// `zonectl dnssec keygen` and `zonectl dnssec ds`, the real binary, against
// BIND's and ldns's tools: the keys zonectl writes are read by
// dnssec-dsfromkey, ldns-key2ds and ldns-signzone (whose signed zone
// ldns-verify-zone accepts), and `zonectl dnssec ds` prints what
// dnssec-dsfromkey -2 prints for the zone's KSKs, for keys of either
// maker. `zonectl dnssec roll` writes timing that LoadKeyDirectory,
// `dnssec-settime -p all` and `dnssec-signzone -S` (which signs with the
// keys BIND considers active) read as the schedule it printed. Needs no
// server.
#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "dns/dnssec/keys.h"
#include "dns/wire/name.h"
#include "tests/dnssec/dnssec_test_util.h"
#include "tests/e2e/control_client.h"
#include "tests/require.h"

namespace {

using steer_test::RunCommand;
using ::testing::HasSubstr;

bool HaveTools() {
  for (const char* t : {"ldns-key2ds", "ldns-signzone", "ldns-verify-zone", "dnssec-keygen",
                        "dnssec-dsfromkey", "dnssec-settime", "dnssec-signzone"}) {
    if (!steer_test::HaveTool(t)) return false;
  }
  return true;
}

// "owner [ttl] IN DS tag alg type HEX" -> "owner DS tag alg type HEX" in
// one spelling (ldns prints a TTL, tabs and lower-case hex).
std::string NormalizeDs(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string s; in >> s;) w.push_back(s);
  if (w.size() < 7) return "bad: " + line;
  std::string hex = w.back();
  std::transform(hex.begin(), hex.end(), hex.begin(), ::toupper);
  const size_t n = w.size();
  return w[0] + " DS " + w[n - 4] + " " + w[n - 3] + " " + w[n - 2] + " " + hex;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

class ZonectlDnssecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    STEER_REQUIRE(HaveTools(), "ldnsutils and bind9-utils are not installed");
  }
  std::string Sh(const std::string& command) {
    steer_test::CommandResult r = RunCommand("sh -c 'cd " + dir_.path() + " && " + command + "'");
    EXPECT_EQ(r.status, 0) << command << "\n" << r.output;
    return r.output;
  }
  steer_test::TempDir dir_;
};

TEST_F(ZonectlDnssecTest, KeygenWritesKeysTheToolsRead) {
  e2e::ToolRun ksk = e2e::RunZonectl({"dnssec", "keygen", "Example.TEST.", "--ksk", "--algorithm",
                                      "ed25519", "--dir", dir_.path()});
  ASSERT_TRUE(e2e::Succeeded(ksk));
  e2e::ToolRun zsk = e2e::RunZonectl({"dnssec", "keygen", "example.test", "--dir", dir_.path()});
  ASSERT_TRUE(e2e::Succeeded(zsk));
  const std::string k = Lines(ksk.out).at(0), z = Lines(zsk.out).at(0);
  EXPECT_THAT(k, ::testing::MatchesRegex("Kexample\\.test\\.\\+015\\+[0-9]{5}"));
  EXPECT_THAT(z, ::testing::MatchesRegex("Kexample\\.test\\.\\+013\\+[0-9]{5}"));
  struct stat st;
  ASSERT_EQ(stat((dir_.path() + "/" + k + ".private").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((dir_.path() + "/" + z + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);

  // `zonectl dnssec ds`: the KSK's DS, as both tools compute it from the .key.
  e2e::ToolRun ds = e2e::RunZonectl({"dnssec", "ds", "example.test.", "--dir", dir_.path()});
  ASSERT_TRUE(e2e::Succeeded(ds));
  const std::vector<std::string> ours = Lines(ds.out);
  ASSERT_EQ(ours.size(), 1u) << ds.out;
  EXPECT_EQ(NormalizeDs(ours[0]), NormalizeDs(Sh("dnssec-dsfromkey -2 " + k + ".key")));
  EXPECT_EQ(NormalizeDs(ours[0]), NormalizeDs(Sh("ldns-key2ds -n -2 " + k + ".key")));

  // ldns-signzone signs with the pair; ldns-verify-zone accepts the result.
  std::ofstream(dir_.path() + "/zone") << "$ORIGIN example.test.\n$TTL 300\n"
                                          "@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
  Sh("ldns-signzone -e 20300101000000 -f zone.signed zone " + k + " " + z);
  Sh("ldns-verify-zone zone.signed");
}

TEST_F(ZonectlDnssecTest, DsOfBindKeysEqualsDnssecDsfromkey) {
  const std::string k1 = Lines(Sh("dnssec-keygen -q -a ECDSAP256SHA256 -f KSK example.test")).at(0);
  const std::string k2 = Lines(Sh("dnssec-keygen -q -a ED25519 -f KSK example.test")).at(0);
  Sh("dnssec-keygen -q -a ECDSAP256SHA256 example.test");  // a ZSK: no DS
  Sh("dnssec-keygen -q -a ECDSAP256SHA256 -f KSK other.test");  // another zone
  e2e::ToolRun ds = e2e::RunZonectl({"dnssec", "ds", "example.test", "--dir", dir_.path()});
  ASSERT_TRUE(e2e::Succeeded(ds));
  std::vector<std::string> ours;
  for (const std::string& l : Lines(ds.out)) ours.push_back(NormalizeDs(l));
  std::vector<std::string> bind = {NormalizeDs(Sh("dnssec-dsfromkey -2 " + k1 + ".key")),
                                   NormalizeDs(Sh("dnssec-dsfromkey -2 " + k2 + ".key"))};
  std::sort(ours.begin(), ours.end());
  std::sort(bind.begin(), bind.end());
  EXPECT_EQ(ours, bind);

  // A lone ZSK is a CSK: its DS is printed.
  Sh("rm -f K*");
  const std::string csk = Lines(Sh("dnssec-keygen -q -a ED25519 example.test")).at(0);
  ds = e2e::RunZonectl({"dnssec", "ds", "example.test", "--dir", dir_.path()});
  ASSERT_TRUE(e2e::Succeeded(ds));
  EXPECT_EQ(NormalizeDs(Lines(ds.out).at(0)), NormalizeDs(Sh("dnssec-dsfromkey -2 " + csk + ".key")));
}

TEST_F(ZonectlDnssecTest, Errors) {
  e2e::ToolRun r = e2e::RunZonectl({"dnssec", "keygen", "example.test", "--algorithm", "rsasha1",
                                    "--dir", dir_.path()});
  EXPECT_TRUE(e2e::FailedWithOneLine(r, 2));
  EXPECT_THAT(r.err, HasSubstr("--algorithm is ecdsap256 or ed25519, not 'rsasha1'"));
  r = e2e::RunZonectl({"dnssec", "keygen", "example.test", "--dir", dir_.path() + "/missing"});
  EXPECT_TRUE(e2e::FailedWithOneLine(r, 1));
  EXPECT_THAT(r.err, HasSubstr(dir_.path() + "/missing/"));
  r = e2e::RunZonectl({"dnssec", "ds", "example.test", "--dir", dir_.path()});
  EXPECT_TRUE(e2e::FailedWithOneLine(r, 1));
  EXPECT_THAT(r.err, HasSubstr("no keys of example.test. in "));
  // A broken key file: "file: what is wrong".
  std::ofstream(dir_.path() + "/Kexample.test.+013+00001.key") << "example.test. IN DNSKEY 256 3 13 AAAA\n";
  r = e2e::RunZonectl({"dnssec", "ds", "example.test", "--dir", dir_.path()});
  EXPECT_TRUE(e2e::FailedWithOneLine(r, 1));
  EXPECT_THAT(r.err, HasSubstr(dir_.path() + "/Kexample.test.+013+00001.key: the file name says key tag 1"));
}

// "  2026-12-07T22:47:13Z  publish   ZSK 48475 ..." -> the date of `step`.
int64_t StepTime(const std::string& out, const std::string& step) {
  for (const std::string& l : Lines(out)) {
    std::istringstream in(l);
    std::string when, what;
    in >> when >> what;
    if (what != step) continue;
    struct tm tm = {};
    if (strptime(when.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) return -1;
    return timegm(&tm);
  }
  return -1;
}

// `dnssec-settime -u -p all K...`: "Publish" -> unix seconds (0: UNSET).
std::map<std::string, int64_t> BindTiming(const std::string& settime_output) {
  std::map<std::string, int64_t> out;
  for (const std::string& l : Lines(settime_output)) {
    const size_t colon = l.find(": ");
    if (colon == std::string::npos) continue;
    const std::string v = l.substr(colon + 2);
    out[l.substr(0, colon)] = v == "UNSET" ? 0 : std::stoll(v);
  }
  return out;
}

TEST_F(ZonectlDnssecTest, RollSchedulesTimingBindReads) {
  // BIND's keys, the ZSK's .key with a TTL (the roll's DNSKEY TTL).
  const std::string ksk = Lines(Sh("dnssec-keygen -q -a ECDSAP256SHA256 -f KSK example.test")).at(0);
  const std::string zsk = Lines(Sh("dnssec-keygen -q -a ECDSAP256SHA256 -L 600 example.test")).at(0);
  const int64_t before = std::time(nullptr);
  e2e::ToolRun roll = e2e::RunZonectl({"dnssec", "roll", "example.test", "--dir", dir_.path(),
                                       "--publish-safety", "30m", "--max-zone-ttl", "2h",
                                       "--retire-safety", "600"});
  ASSERT_TRUE(e2e::Succeeded(roll));
  const int64_t after = std::time(nullptr);
  EXPECT_THAT(roll.out, HasSubstr("DNSKEY TTL 600 s, publish safety 1800 s, max zone TTL 7200 s, "
                                  "retire safety 600 s"));
  const int64_t publish = StepTime(roll.out, "publish"), activate = StepTime(roll.out, "activate"),
                remove = StepTime(roll.out, "delete");
  EXPECT_GE(publish, before);
  EXPECT_LE(publish, after);
  EXPECT_EQ(activate, publish + 600 + 1800) << roll.out;
  EXPECT_EQ(remove, activate + 7200 + 600) << roll.out;

  // The folder as the server loads it.
  absl::StatusOr<dns::dnssec::KeysByZone> keys = dns::dnssec::LoadKeyDirectory(dir_.path());
  ASSERT_TRUE(keys.ok()) << keys.status();
  std::string wire;
  ASSERT_TRUE(dns::NameFromText("example.test.", &wire));
  const std::vector<dns::dnssec::KeyPair>& zone = keys->at(wire);
  ASSERT_EQ(zone.size(), 3u);
  std::string fresh;
  for (const dns::dnssec::KeyPair& k : zone) {
    const std::string base = dns::dnssec::KeyFileBaseName(k.zone, k.dnskey.algorithm, k.key_tag);
    const dns::dnssec::KeyTiming& t = k.timing;
    if (base == ksk) {
      EXPECT_EQ(t.inactive, 0);
      EXPECT_EQ(t.deleted, 0);
    } else if (base == zsk) {
      EXPECT_EQ(t.inactive, activate);
      EXPECT_EQ(t.deleted, remove);
      EXPECT_LE(t.activate, before);  // kept
    } else {
      fresh = base;
      EXPECT_EQ(k.role, dns::dnssec::KeyRole::kZsk);
      EXPECT_EQ(t.publish, publish);
      EXPECT_EQ(t.activate, activate);
      EXPECT_EQ(t.inactive, 0);
      EXPECT_EQ(k.dnskey.ttl, 600u);
      EXPECT_THAT(roll.out, HasSubstr("new ZSK " + std::to_string(k.key_tag) + " (" + base + ")"));
    }
    // BIND reads the same dates from the files.
    const std::map<std::string, int64_t> bind = BindTiming(Sh("dnssec-settime -u -p all " + base));
    EXPECT_EQ(bind.at("Publish"), t.publish) << base;
    EXPECT_EQ(bind.at("Activate"), t.activate) << base;
    EXPECT_EQ(bind.at("Inactive"), t.inactive) << base;
    EXPECT_EQ(bind.at("Delete"), t.deleted) << base;
  }
  ASSERT_FALSE(fresh.empty());

  // dnssec-signzone -S (keys by their timing, now): the new ZSK is
  // published and on stand-by, the old one still signs.
  std::ofstream(dir_.path() + "/zone") << "$ORIGIN example.test.\n$TTL 300\n"
                                          "@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
  const std::string signed_out =
      Sh("dnssec-signzone -S -K . -O full -o example.test -f zone.signed zone 2>&1");
  EXPECT_THAT(signed_out, HasSubstr("ZSKs: 1 active, 1 stand-by, 0 revoked"));
  const std::string zone_signed = Sh("cat zone.signed");
  const std::string old_tag = std::to_string(std::stoi(zsk.substr(zsk.rfind('+') + 1)));
  const std::string new_tag = std::to_string(std::stoi(fresh.substr(fresh.rfind('+') + 1)));
  size_t dnskeys = 0;
  size_t a_sigs = 0;
  for (const std::string& l : Lines(zone_signed)) {
    std::istringstream in(l);
    std::vector<std::string> w;  // owner TTL IN TYPE RDATA...
    for (std::string t; in >> t;) w.push_back(t);
    if (w.size() < 4) continue;
    dnskeys += w[3] == "DNSKEY";
    if (w[3] == "RRSIG" && w.size() > 11 && w[4] == "A") {
      ++a_sigs;
      EXPECT_EQ(w[10], old_tag) << l;  // type labels TTL expiration inception TAG
    }
  }
  EXPECT_EQ(a_sigs, 1u) << zone_signed;
  EXPECT_EQ(dnskeys, 3u) << zone_signed;

  // A second roll now: refused, naming the keys and dates.
  e2e::ToolRun again = e2e::RunZonectl({"dnssec", "roll", "example.test", "--dir", dir_.path()});
  EXPECT_TRUE(e2e::FailedWithOneLine(again, 1));
  EXPECT_THAT(again.err, HasSubstr("a ZSK rollover of example.test. is in progress: "));
  EXPECT_THAT(again.err, HasSubstr("ZSK " + old_tag + " is active and retires at "));
  EXPECT_THAT(again.err, HasSubstr("ZSK " + new_tag + " is published and becomes active at "));

  // status shows the states and the next event, offline.
  e2e::ToolRun status = e2e::RunZonectl({"dnssec", "status", "--dir", dir_.path()});
  ASSERT_TRUE(e2e::Succeeded(status));
  EXPECT_THAT(status.out, HasSubstr("  next event: "));
  EXPECT_THAT(status.out, HasSubstr("ZSK " + new_tag + " becomes active"));
  EXPECT_THAT(status.out, HasSubstr("flags 256  published (active at "));
  EXPECT_THAT(status.out, HasSubstr("flags 256  active (retired at "));
}

TEST_F(ZonectlDnssecTest, RollRefusals) {
  // A lone key: a CSK.
  const std::string csk = Lines(Sh("dnssec-keygen -q -a ED25519 example.test")).at(0);
  e2e::ToolRun r = e2e::RunZonectl({"dnssec", "roll", "example.test", "--dir", dir_.path()});
  EXPECT_TRUE(e2e::FailedWithOneLine(r, 1));
  EXPECT_THAT(r.err, HasSubstr("zone example.test. has no ZSK: its key "));
  EXPECT_THAT(r.err, HasSubstr("is a CSK"));
  // With a KSK: --algorithm must be the ZSK's.
  Sh("dnssec-keygen -q -a ED25519 -f KSK example.test");
  r = e2e::RunZonectl({"dnssec", "roll", "example.test", "--dir", dir_.path(), "--algorithm",
                       "ecdsap256"});
  EXPECT_TRUE(e2e::FailedWithOneLine(r, 1));
  EXPECT_THAT(r.err, HasSubstr("is ED25519 (15), not ECDSAP256SHA256 (13)"));
  r = e2e::RunZonectl({"dnssec", "roll", "example.test", "--dir", dir_.path(), "--max-zone-ttl",
                       "1 day"});
  EXPECT_TRUE(e2e::FailedWithOneLine(r, 2));
  EXPECT_THAT(r.err, HasSubstr("--max-zone-ttl is a duration"));
  r = e2e::RunZonectl({"dnssec", "roll", "other.test", "--dir", dir_.path()});
  EXPECT_TRUE(e2e::FailedWithOneLine(r, 1));
  EXPECT_THAT(r.err, HasSubstr("no keys of other.test. in "));
  // Nothing was written by the refused rolls.
  EXPECT_EQ(Lines(Sh("ls")).size(), 4u);
  r = e2e::RunZonectl({"dnssec", "roll", "example.test", "--dir", dir_.path(), "--algorithm",
                       "ed25519"});
  EXPECT_TRUE(e2e::Succeeded(r));
  EXPECT_EQ(Lines(Sh("ls")).size(), 6u);
}

}  // namespace
