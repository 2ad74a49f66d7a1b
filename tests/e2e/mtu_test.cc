// File: tests/e2e/mtu_test.cc
//
// Replies that cannot leave whole. IPv4 replies carry DF and path-MTU
// hints are ignored (RFC 9715 §3.1, dns/server/udp_worker.cc), so a reply
// larger than the interface MTU is refused by the kernel (EMSGSIZE)
// instead of being fragmented; steerdns then answers the query again
// within 1232 octets, with TC set when the answer does not fit, and the
// client retries over TCP as for any truncated reply.
//
// The test makes its own network namespace whose loopback has an MTU of
// 1400, runs steerdns (--max-udp-size 4096) and dig in it, and asks for
// RRsets whose replies are below and above that MTU. With fragmenting
// sockets (IP_PMTUDISC_OMIT) the large reply would arrive whole, in
// fragments; here it must arrive truncated and unfragmented.
//
// SKIPs (with the reason) when not root or when `ip`/dig are missing or the
// namespace cannot be made. TearDown removes the namespace and the server.
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

using std::chrono::milliseconds;

constexpr char kDig[] = "/usr/bin/dig";
constexpr char kPort[] = "5300";

// `count` TXT strings of 100 octets at `owner`.
std::string TxtRRset(const std::string& owner, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    s += owner + " IN TXT \"" + std::to_string(1000 + i) + std::string(96, 'x') + "\"\n";
  }
  return s;
}

class e2eMtu : public testing::Test {
 protected:
  void SetUp() override {
    STEER_REQUIRE(geteuid() == 0, "needs root (a network namespace)");
    STEER_REQUIRE(!IpPath().empty(), "iproute2 (ip) not installed");
    STEER_REQUIRE(access(kDig, X_OK) == 0, "dig is not installed");
    ns_ = "stmtu-" + std::to_string(getpid() % 100000);
    std::string why;
    STEER_REQUIRE(RunIp({"netns", "add", ns_}, &why),
                  "cannot create a network namespace: " << why);
    made_ = true;
    ASSERT_TRUE(RunIp({"-n", ns_, "link", "set", "lo", "mtu", "1400", "up"}, &why)) << why;
  }

  void TearDown() override {
    StopProcess(server_pid_);
    std::string why;
    if (made_) RunIp({"netns", "del", ns_}, &why);
  }

  void StartServer(const std::string& zone_path) {
    log_ = MakeTempDir() + "/steerdns.log";
    server_pid_ = SpawnWithLog(
        {IpPath(), "netns", "exec", ns_, BinaryPath(), "--listen",
         std::string("127.0.0.1:") + kPort, "--threads", "1", "--control", "off",
         "--max-udp-size", "4096", "--zone", "big.test.=" + zone_path},
        log_);
  }

  // dig over UDP in the namespace, never retrying over TCP (+ignore).
  std::string Dig(const std::string& name, const std::string& type) {
    std::vector<std::string> argv = {IpPath(), "netns", "exec", ns_, kDig, "-r",
                                     "+time=2", "+tries=1", "+ignore", "+bufsize=4096",
                                     "-p", kPort, "@127.0.0.1", name, type};
    std::string out;
    RunProgram(argv, milliseconds(15000), &out);
    return out;
  }

  std::string ns_, log_;
  bool made_ = false;
  pid_t server_pid_ = -1;
};

TEST_F(e2eMtu, ReplyAboveTheInterfaceMtuComesBackTruncated) {
  const std::string dir = MakeTempDir();
  const std::string zone = dir + "/big.test.zone";
  ASSERT_TRUE(WriteFile(zone, "$ORIGIN big.test.\n$TTL 300\n"
                              "@ IN SOA ns hostmaster 1 7200 3600 1209600 300\n"
                              "@ IN NS ns\nns IN A 192.0.2.53\n" +
                              TxtRRset("small", 10) +  // ~1.1 KB reply: fits 1400
                              TxtRRset("large", 25)));  // ~2.6 KB reply: does not
  StartServer(zone);
  std::string small;
  for (int i = 0; i < 50 && small.find("status: NOERROR") == std::string::npos; ++i) {
    small = Dig("small.big.test", "TXT");
    if (small.find("status: NOERROR") == std::string::npos) {
      std::this_thread::sleep_for(milliseconds(200));
    }
  }
  ASSERT_NE(small.find("status: NOERROR"), std::string::npos)
      << small << "\nserver log:\n" << ReadFile(log_);
  // Below the MTU: whole, not truncated.
  EXPECT_NE(small.find("ANSWER: 10,"), std::string::npos) << small;
  EXPECT_EQ(small.find(" tc"), std::string::npos) << small;

  // Above the MTU: answered again within 1232 octets, TC set, no timeout.
  const std::string large = Dig("large.big.test", "TXT");
  EXPECT_NE(large.find("status: NOERROR"), std::string::npos) << large;
  EXPECT_NE(large.find(" tc"), std::string::npos) << large;
  EXPECT_EQ(large.find("ANSWER: 25,"), std::string::npos) << large;
  const size_t at = large.find("MSG SIZE  rcvd: ");
  ASSERT_NE(at, std::string::npos) << large;
  EXPECT_LE(std::stoi(large.substr(at + 16)), 1232) << large;
}

}  // namespace
}  // namespace e2e
