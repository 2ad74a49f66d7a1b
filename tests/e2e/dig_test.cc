// File: tests/e2e/dig_test.cc
//
// The README's example, run with the real tools: `dig @127.0.0.1 -p PORT
// www.example.com` (and kdig, Knot's client) against the bundled zone.
// Skipped when the tool is not installed.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

constexpr char kDig[] = "/usr/bin/dig";
constexpr char kKdig[] = "/usr/bin/kdig";
constexpr milliseconds kToolTimeout{15000};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The flags ";; flags: qr aa rd;" (dig) or ";; Flags: qr aa rd;" (kdig).
std::string FlagsOf(const std::string& text) {
  for (const auto& l : Lines(text)) {
    std::string low = Lower(l);
    auto at = low.find(";; flags:");
    if (at != std::string::npos) {
      auto end = low.find(';', at + 9);
      return " " + low.substr(at + 9, end == std::string::npos ? end : end - at - 9) + " ";
    }
  }
  return "";
}

class e2eDig : public ServerTest {
 protected:
  std::string Run(const std::string& tool, std::vector<std::string> args) {
    args.insert(args.begin(), tool);
    return RunTool(args, kToolTimeout);
  }
  std::string Port() const { return std::to_string(server_.port()); }
};

TEST_F(e2eDig, ReadmeExample) {
  STEER_REQUIRE(access(kDig, X_OK) == 0, "dig is not installed");
  // As the README shows it (plus -r to ignore ~/.digrc, and bounded waits).
  std::string out = Run(kDig, {"-r", "@127.0.0.1", "-p", Port(), "www.example.com",
                               "+time=2", "+tries=1"});
  EXPECT_NE(out.find("status: NOERROR"), std::string::npos) << out;
  EXPECT_NE(FlagsOf(out).find(" aa "), std::string::npos) << "flags:" << FlagsOf(out)
                                                          << "\n" << out;
  EXPECT_TRUE(HasLine(out, "www.example.com. 3600 IN A 192.0.2.10")) << out;
}

TEST_F(e2eDig, OverTcpAndWithEdns) {
  STEER_REQUIRE(access(kDig, X_OK) == 0, "dig is not installed");
  std::string out = Run(kDig, {"-r", "@127.0.0.1", "-p", Port(), "www.example.com", "AAAA",
                               "+tcp", "+edns=0", "+bufsize=1232", "+time=2", "+tries=1"});
  EXPECT_NE(out.find("status: NOERROR"), std::string::npos) << out;
  EXPECT_NE(out.find("OPT PSEUDOSECTION"), std::string::npos) << out;
  EXPECT_TRUE(HasLine(out, "www.example.com. 3600 IN AAAA 2001:db8::10")) << out;
}

TEST_F(e2eDig, TruncatedAnswerIsRetriedOverTcp) {
  STEER_REQUIRE(access(kDig, X_OK) == 0, "dig is not installed");
  std::string out = Run(kDig, {"-r", "@127.0.0.1", "-p", Port(), "big.example.com", "A",
                               "+noedns", "+short", "+time=2", "+tries=1"});
  auto lines = Lines(out);
  lines.erase(std::remove_if(lines.begin(), lines.end(),
                             [](const std::string& l) {
                               return l.empty() || l[0] == ';';
                             }),
              lines.end());
  EXPECT_EQ(lines.size(), 40u) << out;
  EXPECT_NE(std::find(lines.begin(), lines.end(), "198.51.100.40"), lines.end()) << out;
}

TEST_F(e2eDig, NxDomainShowsTheSoa) {
  STEER_REQUIRE(access(kDig, X_OK) == 0, "dig is not installed");
  std::string out = Run(kDig, {"-r", "@127.0.0.1", "-p", Port(), "nope.example.com",
                               "+time=2", "+tries=1"});
  EXPECT_NE(out.find("status: NXDOMAIN"), std::string::npos) << out;
  EXPECT_TRUE(HasLine(out,
                      "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. "
                      "2024060101 7200 3600 1209600 300"))
      << out;
}

TEST_F(e2eDig, Kdig) {
  STEER_REQUIRE(access(kKdig, X_OK) == 0, "kdig is not installed");
  std::string out = Run(kKdig, {"@127.0.0.1", "-p", Port(), "www.example.com", "A",
                                "+time=2", "+retry=0"});
  EXPECT_NE(out.find("status: NOERROR"), std::string::npos) << out;
  EXPECT_NE(FlagsOf(out).find(" aa "), std::string::npos) << out;
  EXPECT_TRUE(HasLine(out, "www.example.com. 3600 IN A 192.0.2.10")) << out;
}

}  // namespace
}  // namespace e2e
