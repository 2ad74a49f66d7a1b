// File: tests/e2e/xdp_loopback_test.cc
//
// `steerdns --xdp lo`, end to end, in a network namespace of the test's own
// (so its lo, its XDP program and its sysctls are not the machine's): the
// AF_XDP path on a loopback interface, as bench/lo-xdp.sh uses it.
//
// Without net.ipv4.conf.lo.route_localnet=1 and accept_local=1 the kernel
// drops every reply sent through AF_XDP on lo (source 127/8 on a received
// frame): the server must say so at start-up, and UDP queries go
// unanswered while TCP (still on sockets) is answered: which also shows
// the XDP program really takes the port's UDP. With both sysctls set, UDP
// is answered through AF_XDP and no warning is printed.
//
// SKIPs (with the reason) when not root, when `ip`/dig/sh are missing, when
// the namespace cannot be made, when the binary was built without AF_XDP
// or when the kernel refuses AF_XDP on lo. TearDown stops the server and
// deletes the namespace (with its lo, program and sysctls).
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
constexpr char kSh[] = "/bin/sh";
constexpr uint16_t kPort = 5300;

class e2eXdpLoopback : public testing::Test {
 protected:
  void SetUp() override {
    STEER_REQUIRE(XdpTestUnavailable().empty(), XdpTestUnavailable());
    STEER_REQUIRE(access(kSh, X_OK) == 0, "no /bin/sh");
    ip_ = IpPath();
    ns_ = "stxlo-" + std::to_string(getpid() % 100000);
    std::string why;
    STEER_REQUIRE(netns_.Add(ns_, &why), "cannot create a network namespace: " << why);
    ASSERT_TRUE(RunIp({"-n", ns_, "link", "set", "lo", "up"}, &why)) << why;
  }

  // (netns_ deletes the namespace after this.)
  void TearDown() override { StopProcess(server_pid_); }

  // Sets net.ipv4.conf.lo.KNOB inside the namespace.
  void SetLoSysctl(const std::string& knob, int value) {
    std::string out;
    const ExitInfo e = RunProgram(
        {ip_, "netns", "exec", ns_, kSh, "-c",
         "echo " + std::to_string(value) + " > /proc/sys/net/ipv4/conf/lo/" + knob},
        milliseconds(10000), &out);
    ASSERT_TRUE(e.exited && e.exit_code == 0) << knob << ": " << e.Describe() << " " << out;
  }

  // Sets both lo sysctls (route_localnet, accept_local) to `sysctls`,
  // starts `steerdns --xdp lo` in the namespace and waits (~10 s at most)
  // until it answers SOA over TCP (sockets, whatever XDP does to UDP).
  // *log gets its output. Skips the test when the kernel refused AF_XDP
  // on lo; fails it when the server did not come up otherwise. Callers
  // return when IsSkipped() || HasFatalFailure().
  void StartServer(int sysctls, std::string* log) {
    SetLoSysctl("route_localnet", sysctls);
    SetLoSysctl("accept_local", sysctls);
    if (HasFatalFailure()) return;
    const std::string log_path = MakeTempDir() + "/steerdns.log";
    const std::string zone = "example.com.=" + ExamplePath("example.com.zone");
    server_pid_ = SpawnWithLog(
        {ip_, "netns", "exec", ns_, BinaryPath(), "--listen",
         "127.0.0.1:" + std::to_string(kPort), "--threads", "1", "--control", "off",
         "--xdp", "lo", "--zone", zone},
        log_path);
    bool up = false;
    for (int i = 0; i < 50 && !up && ProcessRunning(server_pid_); ++i) {
      up = Dig({"+tcp", "example.com", "SOA"}).find("status: NOERROR") != std::string::npos;
      if (!up) std::this_thread::sleep_for(milliseconds(200));
    }
    *log = ReadFile(log_path);
    if (!up && !ProcessRunning(server_pid_) &&
        (log->find("AF_XDP on") != std::string::npos ||
         log->find("XDP program on") != std::string::npos)) {
      server_pid_ = -1;
      STEER_REQUIRE(false, "the kernel refused AF_XDP on lo here: " << *log);
    }
    ASSERT_TRUE(up) << "server did not answer over TCP; log:\n" << *log;
    EXPECT_NE(log->find("serving UDP through AF_XDP on lo"), std::string::npos) << *log;
  }

  // dig @127.0.0.1 in the namespace; returns its stdout.
  std::string Dig(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {ip_, "netns", "exec", ns_, kDig, "-r", "+time=1",
                                     "+tries=1", "-p", std::to_string(kPort), "@127.0.0.1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    std::string out;
    RunProgram(argv, milliseconds(15000), &out);
    return out;
  }

  std::string ip_;
  std::string ns_;
  Netns netns_;
  pid_t server_pid_ = -1;
};

TEST_F(e2eXdpLoopback, WithoutTheSysctlsWarnsAndUdpRepliesAreDropped) {
  std::string log;
  StartServer(0, &log);
  if (IsSkipped() || HasFatalFailure()) return;
  EXPECT_NE(log.find("warning: --xdp lo is a loopback interface"), std::string::npos) << log;
  EXPECT_NE(log.find("net.ipv4.conf.lo.route_localnet=1"), std::string::npos) << log;
  EXPECT_NE(log.find("net.ipv4.conf.lo.accept_local=1"), std::string::npos) << log;
  // UDP to the port goes to the AF_XDP socket, whose replies the kernel
  // drops: no answer (the kernel socket never sees the query).
  const std::string udp = Dig({"+short", "www.example.com", "A"});
  EXPECT_EQ(udp.find("192.0.2.10"), std::string::npos) << udp;
  // TCP is not taken by the XDP program.
  const std::string tcp = Dig({"+tcp", "+short", "www.example.com", "A"});
  EXPECT_NE(tcp.find("192.0.2.10"), std::string::npos) << tcp << "\nlog:\n" << log;
}

TEST_F(e2eXdpLoopback, WithTheSysctlsAnswersUdpThroughAfXdp) {
  std::string log;
  StartServer(1, &log);
  if (IsSkipped() || HasFatalFailure()) return;
  EXPECT_EQ(log.find("warning: --xdp"), std::string::npos) << log;
  const std::string udp = Dig({"+short", "www.example.com", "A"});
  EXPECT_NE(udp.find("192.0.2.10"), std::string::npos) << udp << "\nlog:\n" << log;
  const std::string full = Dig({"example.com", "SOA"});
  EXPECT_NE(full.find("status: NOERROR"), std::string::npos) << full;
  EXPECT_NE(full.find(" aa"), std::string::npos) << full;
  // Still serving after a burst of queries through the ring.
  for (int i = 0; i < 20; ++i) Dig({"+short", "www.example.com", "A"});
  EXPECT_TRUE(ProcessRunning(server_pid_));
  EXPECT_NE(Dig({"+short", "www.example.com", "A"}).find("192.0.2.10"), std::string::npos);
}

}  // namespace
}  // namespace e2e
