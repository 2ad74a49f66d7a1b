// File: tests/e2e/xdp_test.cc
//
// The AF_XDP path end to end: two network namespaces made by the test,
// joined by a veth pair (198.18.0.2 server / 198.18.0.1 client, fd00:5300::
// 2 / ::1, static neighbour entries: with --xdp the server's veth hands ARP
// and ND to steerdns too), `steerdns --xdp VETH` in one, dig in the other.
// Checks that the server says it serves through AF_XDP, that IPv4 and IPv6
// UDP queries are answered (the kernel in the client namespace checks the
// reply's UDP checksum before dig sees it), and that TCP, which stays on
// sockets, is answered when steerdns's own XDP program passes it to the
// kernel (and not when libxdp's default program takes every frame).
//
// SKIPs (with the reason) when not root, when `ip`/dig are missing, when
// the namespaces or the veth cannot be made, when the binary was built
// without AF_XDP, or when the kernel refuses the AF_XDP socket. Everything
// it creates (namespaces, veth, the server process) is removed in TearDown.
// No traffic leaves the two namespaces.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
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
constexpr uint16_t kPort = 5300;

class e2eXdp : public testing::Test {
 protected:
  void SetUp() override {
    STEER_REQUIRE(XdpTestUnavailable().empty(), XdpTestUnavailable());
    ip_ = IpPath();
    const std::string id = std::to_string(getpid() % 100000);
    ns_s_ = "stxdp-s-" + id;
    ns_c_ = "stxdp-c-" + id;
    veth_s_ = "stxs" + id;
    veth_c_ = "stxc" + id;
    std::string why;
    for (const std::string& ns : {ns_s_, ns_c_}) {
      STEER_REQUIRE(netns_.Add(ns, &why), "cannot create a network namespace: " << why);
    }
    STEER_REQUIRE(Ip({"link", "add", veth_s_, "type", "veth", "peer", "name", veth_c_}, &why),
                  "cannot create a veth pair: " << why);
    const std::vector<std::vector<std::string>> steps = {
        {"link", "set", veth_s_, "netns", ns_s_},
        {"link", "set", veth_c_, "netns", ns_c_},
        {"-n", ns_s_, "addr", "add", "198.18.0.2/24", "dev", veth_s_},
        {"-n", ns_c_, "addr", "add", "198.18.0.1/24", "dev", veth_c_},
        {"-n", ns_s_, "addr", "add", "fd00:5300::2/64", "dev", veth_s_, "nodad"},
        {"-n", ns_c_, "addr", "add", "fd00:5300::1/64", "dev", veth_c_, "nodad"},
        {"-n", ns_s_, "link", "set", "lo", "up"},
        {"-n", ns_c_, "link", "set", "lo", "up"},
        {"-n", ns_s_, "link", "set", veth_s_, "up"},
        {"-n", ns_c_, "link", "set", veth_c_, "up"},
    };
    for (const auto& step : steps) {
      ASSERT_TRUE(Ip(step, &why)) << why;
    }
    const std::string mac_s = Mac(ns_s_, veth_s_);
    const std::string mac_c = Mac(ns_c_, veth_c_);
    ASSERT_FALSE(mac_s.empty());
    ASSERT_FALSE(mac_c.empty());
    for (const char* addr : {"198.18.0.2", "fd00:5300::2"}) {
      ASSERT_TRUE(Ip({"-n", ns_c_, "neigh", "replace", addr, "lladdr", mac_s, "dev",
                      veth_c_, "nud", "permanent"}, &why)) << why;
    }
    for (const char* addr : {"198.18.0.1", "fd00:5300::1"}) {
      ASSERT_TRUE(Ip({"-n", ns_s_, "neigh", "replace", addr, "lladdr", mac_c, "dev",
                      veth_s_, "nud", "permanent"}, &why)) << why;
    }
  }

  // (netns_ deletes the namespaces, and the veth pair with them, after this.)
  void TearDown() override { StopProcess(server_pid_); }

  bool Ip(const std::vector<std::string>& args, std::string* output) {
    return RunIp(args, output);
  }

  std::string Mac(const std::string& ns, const std::string& dev) {
    std::string out;
    if (!Ip({"-n", ns, "-br", "link", "show", dev}, &out)) return "";
    // "stxs123@if4  UP  02:..:..  <...>"
    std::vector<std::string> words;
    std::string w;
    for (char c : out) {
      if (c == ' ' || c == '\n' || c == '\t') {
        if (!w.empty()) words.push_back(w);
        w.clear();
      } else {
        w.push_back(c);
      }
    }
    return words.size() >= 3 ? words[2] : "";
  }

  // Starts steerdns in the server namespace; its output goes to log_.
  void StartServer() {
    log_ = MakeTempDir() + "/steerdns.log";
    const std::string zone = "example.com.=" + ExamplePath("example.com.zone");
    server_pid_ = SpawnWithLog(
        {ip_, "netns", "exec", ns_s_, BinaryPath(), "--listen",
         "198.18.0.2:" + std::to_string(kPort), "--threads", "1", "--control", "off",
         "--xdp", veth_s_, "--zone", zone},
        log_);
  }

  // dig in the client namespace; returns its stdout.
  std::string Dig(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {ip_, "netns", "exec", ns_c_, kDig, "-r",
                                     "+time=1", "+tries=1", "-p", std::to_string(kPort)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::string out;
    RunProgram(argv, milliseconds(15000), &out);
    return out;
  }

  bool ServerRunning() { return ProcessRunning(server_pid_); }

  std::string ip_;
  std::string ns_s_, ns_c_, veth_s_, veth_c_;
  Netns netns_;
  pid_t server_pid_ = -1;
  std::string log_;
};

TEST_F(e2eXdp, AnswersIpv4AndIpv6ThroughAfXdp) {
  StartServer();
  // Up when it answers; at most ~10 s.
  std::string answer;
  for (int i = 0; i < 50 && answer.find("192.0.2.10") == std::string::npos; ++i) {
    if (!ServerRunning()) break;
    answer = Dig({"+short", "@198.18.0.2", "www.example.com", "A"});
    if (answer.find("192.0.2.10") == std::string::npos) {
      std::this_thread::sleep_for(milliseconds(200));
    }
  }
  const std::string log = ReadFile(log_);
  if (!ServerRunning() && (log.find("AF_XDP on") != std::string::npos ||
                            log.find("XDP program on") != std::string::npos)) {
    server_pid_ = -1;
    STEER_REQUIRE(false, "the kernel refused AF_XDP here: " << log);
  }
  ASSERT_NE(answer.find("192.0.2.10"), std::string::npos)
      << "no answer over the veth; server log:\n" << log;
  EXPECT_NE(log.find("serving UDP through AF_XDP on " + veth_s_), std::string::npos) << log;

  // IPv6 through the same AF_XDP socket (the listen address is IPv4 only:
  // the kernel has no IPv6 socket on port 5300, so only AF_XDP can answer).
  const std::string v6 = Dig({"+short", "@fd00:5300::2", "www.example.com", "A"});
  EXPECT_NE(v6.find("192.0.2.10"), std::string::npos) << v6 << "\nlog:\n" << ReadFile(log_);

  // A full answer: authoritative, NOERROR.
  const std::string full = Dig({"@198.18.0.2", "example.com", "SOA"});
  EXPECT_NE(full.find("status: NOERROR"), std::string::npos) << full;
  EXPECT_NE(full.find(" aa"), std::string::npos) << full;

  // TCP stays on sockets. With steerdns's own XDP program (the usual
  // build) only UDP to the port is taken, so the SYN reaches the kernel and
  // TCP is answered; with libxdp's default program (a build without clang)
  // every frame goes to steerdns and TCP cannot get through.
  const std::string tcp = Dig({"+tcp", "+short", "@198.18.0.2", "www.example.com", "A"});
  if (log.find("steerdns XDP filter") != std::string::npos) {
    EXPECT_NE(tcp.find("192.0.2.10"), std::string::npos) << tcp << "\nlog:\n" << log;
  } else {
    EXPECT_EQ(tcp.find("192.0.2.10"), std::string::npos) << tcp;
  }
}

}  // namespace
}  // namespace e2e
