// File: tests/e2e/nsd_process.h
//
// Runs NSD, the reference server of the interop tests, unprivileged on a
// free loopback port: a minimal nsd.conf written into a temporary folder (no
// chroot, no user switch, no database, no remote control, minimal-responses,
// rate limiting off: Debian builds NSD with RRL on), the way
// /work/shared/peers/servers/nsd.sh starts it for the benchmarks.
//
// Example:
//   e2e::NsdProcess nsd;
//   ASSERT_TRUE(nsd.Start({.dir = tmp_, .zones = {{"example.test.", path}}}));
//   ... query 127.0.0.1:nsd.port() ...
//   nsd.Stop();   // also done by the destructor
//
// Thread safety: none; use from the test's main thread.
#ifndef STEERDNS_TESTS_E2E_NSD_PROCESS_H_
#define STEERDNS_TESTS_E2E_NSD_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace e2e {

// One zone NSD serves: its origin ("example.test." or without the final
// dot) and its master file (absolute, or relative to `zonesdir`).
struct NsdZone {
  std::string origin;
  std::string path;
};

struct NsdOptions {
  // Where nsd.conf, the pid file, xfrd's state and the log go.
  std::string dir = "";
  std::vector<NsdZone> zones = {};
  // NSD's working folder (it chdirs there): relative zone paths and
  // relative $INCLUDE paths in the files resolve against it. "" = `dir`.
  std::string zonesdir = "";
  // The zone whose SOA is asked to tell that NSD is up; "" = the first.
  std::string ready_origin = "";
};

class NsdProcess {
 public:
  NsdProcess() = default;
  NsdProcess(const NsdProcess&) = delete;
  NsdProcess& operator=(const NsdProcess&) = delete;
  // Stops NSD if it still runs.
  ~NsdProcess() { Stop(); }

  // The nsd binary, or "" if the package is not installed.
  static std::string Path();

  // Starts NSD on a free port and waits (bounded, ~10 s) until it answers
  // the ready zone's SOA query; a few tries with new ports in case another
  // process took the port first. On failure the result carries NSD's log.
  testing::AssertionResult Start(const NsdOptions& options);

  // SIGTERM, then SIGKILL after 5 s; no-op when not running.
  void Stop();

  uint16_t port() const { return port_; }
  // What NSD logged so far (zones it refused to load are named there).
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string log_path_;
};

}  // namespace e2e

#endif  // STEERDNS_TESTS_E2E_NSD_PROCESS_H_
