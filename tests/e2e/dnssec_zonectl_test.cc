// `zonectl dnssec keygen` and `zonectl dnssec ds`, the real binary, against
// BIND's and ldns's tools: the keys zonectl writes are read by
// dnssec-dsfromkey, ldns-key2ds and ldns-signzone (whose signed zone
// ldns-verify-zone accepts), and `zonectl dnssec ds` prints what
// dnssec-dsfromkey -2 prints for the zone's KSKs, for keys of either
// maker. Needs no server.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/dnssec/dnssec_test_util.h"
#include "tests/e2e/control_client.h"
#include "tests/require.h"

namespace {

using steer_test::RunCommand;
using ::testing::HasSubstr;

bool HaveTools() {
  for (const char* t : {"ldns-key2ds", "ldns-signzone", "ldns-verify-zone", "dnssec-keygen",
                        "dnssec-dsfromkey"}) {
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

}  // namespace
