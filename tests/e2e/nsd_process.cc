// File: tests/e2e/nsd_process.cc
#include "tests/e2e/nsd_process.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/e2e/dns_client.h"
#include "tests/e2e/server_process.h"

namespace e2e {

std::string NsdProcess::Path() {
  for (const char* p : {"/usr/sbin/nsd", "/usr/local/sbin/nsd"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

testing::AssertionResult NsdProcess::Start(const NsdOptions& options) {
  const std::string nsd = Path();
  if (nsd.empty()) return testing::AssertionFailure() << "NSD is not installed";
  if (options.zones.empty()) return testing::AssertionFailure() << "no zones for NSD";
  const std::string& dir = options.dir;
  const std::string zonesdir = options.zonesdir.empty() ? dir : options.zonesdir;
  const std::string ready =
      options.ready_origin.empty() ? options.zones.front().origin : options.ready_origin;
  std::string why;
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = PickFreePort();
    if (port_ == 0) return testing::AssertionFailure() << "no free port";
    std::string conf =
        "server:\n"
        "    ip-address: 127.0.0.1@" + std::to_string(port_) + "\n"
        "    do-ip6: no\n"
        "    server-count: 1\n"
        "    username: \"\"\n"
        "    chroot: \"\"\n"
        "    zonesdir: \"" + zonesdir + "\"\n"
        "    database: \"\"\n"
        "    zonelistfile: \"" + dir + "/zone.list\"\n"
        "    xfrdfile: \"" + dir + "/xfrd.state\"\n"
        "    xfrdir: \"" + dir + "\"\n"
        "    pidfile: \"" + dir + "/nsd.pid\"\n"
        "    verbosity: 1\n"
        "    hide-version: yes\n"
        "    minimal-responses: yes\n"
        // Debian builds NSD with response rate limiting on by default.
        "    rrl-ratelimit: 0\n"
        "    rrl-whitelist-ratelimit: 0\n"
        "remote-control:\n"
        "    control-enable: no\n";
    for (const NsdZone& z : options.zones) {
      conf += "zone:\n    name: \"" + z.origin + "\"\n    zonefile: \"" + z.path + "\"\n";
    }
    const std::string conf_path = dir + "/nsd.conf";
    if (!WriteFile(conf_path, conf)) {
      return testing::AssertionFailure() << "cannot write " << conf_path;
    }
    log_path_ = dir + "/nsd.log";
    pid_ = SpawnWithLog({nsd, "-d", "-c", conf_path}, log_path_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && ProcessRunning(pid_)) {
      const Bytes q = MakeQuery(ready, LDNS_RR_TYPE_SOA);
      if (UdpExchange(Endpoint::V4(port_), q, milliseconds(200)).has_value()) {
        return testing::AssertionSuccess();
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    why = Log();
    Stop();
  }
  return testing::AssertionFailure() << "NSD did not start; its log:\n" << why;
}

void NsdProcess::Stop() {
  if (pid_ <= 0) return;
  StopProcess(pid_);
  pid_ = -1;
}

std::string NsdProcess::Log() const { return log_path_.empty() ? "" : ReadFile(log_path_); }

}  // namespace e2e
