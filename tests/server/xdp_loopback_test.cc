// Tests for dns::server::XdpLoopbackCaveat (dns/server/xdp_worker.h): the
// warning an operator gets for --xdp on a loopback interface whose sysctls
// would make the kernel drop every reply. Uses a fake /sys and /proc tree.
#ifdef STEER_HAVE_XDP
#include "dns/server/xdp_worker.h"
#endif

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

class XdpLoopbackCaveatTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef STEER_HAVE_XDP
    GTEST_SKIP() << "built without AF_XDP (STEER_XDP)";
#endif
    root_ = fs::temp_directory_path() /
            ("steer-xdp-caveat-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  // Writes one fake interface: its flags and its two IPv4 sysctls.
  void Interface(const std::string& name, const std::string& flags,
                 const std::string& route_localnet, const std::string& accept_local) {
    Write(root_ / "sys/class/net" / name / "flags", flags);
    const fs::path conf = root_ / "proc/sys/net/ipv4/conf" / name;
    if (!route_localnet.empty()) Write(conf / "route_localnet", route_localnet);
    if (!accept_local.empty()) Write(conf / "accept_local", accept_local);
  }
  std::string Caveat(const std::string& name) {
#ifdef STEER_HAVE_XDP
    return dns::server::XdpLoopbackCaveat(name, (root_ / "sys").string(),
                                          (root_ / "proc").string());
#else
    (void)name;
    return "";
#endif
  }
  static void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text << "\n";
  }

  fs::path root_;
};


TEST_F(XdpLoopbackCaveatTest, LoopbackWithoutSysctlsNamesBoth) {
  Interface("lo", "0x9", "0", "0");
  const std::string c = Caveat("lo");
  EXPECT_NE(c.find("lo is a loopback interface"), std::string::npos) << c;
  EXPECT_NE(c.find("net.ipv4.conf.lo.route_localnet=1"), std::string::npos) << c;
  EXPECT_NE(c.find("net.ipv4.conf.lo.accept_local=1"), std::string::npos) << c;
}

TEST_F(XdpLoopbackCaveatTest, LoopbackNamesOnlyTheMissingSysctl) {
  Interface("lo", "0x9", "1", "0");
  const std::string c = Caveat("lo");
  EXPECT_EQ(c.find("route_localnet"), std::string::npos) << c;
  EXPECT_NE(c.find("net.ipv4.conf.lo.accept_local=1"), std::string::npos) << c;
}

TEST_F(XdpLoopbackCaveatTest, LoopbackWithBothSysctlsIsFine) {
  Interface("lo", "0x9", "1", "1");
  EXPECT_EQ(Caveat("lo"), "");
}

TEST_F(XdpLoopbackCaveatTest, OtherInterfacesAreFine) {
  Interface("veth0", "0x1003", "0", "0");  // UP | BROADCAST | MULTICAST
  EXPECT_EQ(Caveat("veth0"), "");
}

TEST_F(XdpLoopbackCaveatTest, UnreadableFlagsAreNotAWarning) {
  EXPECT_EQ(Caveat("nosuchif"), "");
  Interface("weird", "not-hex", "0", "0");
  EXPECT_EQ(Caveat("weird"), "");
}

TEST_F(XdpLoopbackCaveatTest, MissingSysctlFilesCountAsUnset) {
  Interface("lo", "0x49", "", "");  // no ipv4 conf directory at all
  const std::string c = Caveat("lo");
  EXPECT_NE(c.find("route_localnet=1"), std::string::npos) << c;
  EXPECT_NE(c.find("accept_local=1"), std::string::npos) << c;
}

}  // namespace
