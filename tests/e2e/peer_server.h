// File: tests/e2e/peer_server.h
//
// Runs another vendor's DNS server (NSD, Knot, BIND) unprivileged on a free
// loopback port with a configuration the test writes, for the zone
// transfer interop tests: steerdns as the primary of NSD/Knot/BIND
// secondaries, and as a secondary of an NSD/Knot primary. The server counts
// as up once it answers a SOA query for the ready zone with any reply (a
// secondary that has not transferred yet answers SERVFAIL: still up).
//
// Example:
//   e2e::PeerServer knot;
//   ASSERT_TRUE(knot.Start({.kind = e2e::PeerKind::kKnot, .dir = tmp_,
//                           .config = [&](uint16_t port) { return KnotConf(port); },
//                           .ready_origin = "example.test."}));
//   ... e2e::SoaSerial(knot.port(), "example.test.") ...
//
// Thread safety: none; use from the test's main thread.
#ifndef STEERDNS_TESTS_E2E_PEER_SERVER_H_
#define STEERDNS_TESTS_E2E_PEER_SERVER_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace e2e {

enum class PeerKind { kNsd, kKnot, kBind };
// "nsd", "knotd", "named".
const char* PeerName(PeerKind kind);
// The server's binary, or "" if its package is not installed.
std::string PeerPath(PeerKind kind);

struct PeerOptions {
  PeerKind kind = PeerKind::kNsd;
  // Where the config, the pid file, the log and the server's state go.
  std::string dir;
  // The configuration text for a server listening on 127.0.0.1@port.
  std::function<std::string(uint16_t port)> config;
  // The zone whose SOA is asked to tell that the server is up.
  std::string ready_origin;
  // The port to listen on; 0: a free one (tried up to three times).
  uint16_t port = 0;
};

class PeerServer {
 public:
  PeerServer() = default;
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;
  ~PeerServer() { Stop(); }

  // Writes the config for a free port, starts the server in the
  // foreground (its output to dir/<name>.log) and waits (bounded, ~15 s)
  // until it answers; tries a few ports. On failure: the server's log.
  testing::AssertionResult Start(const PeerOptions& options);
  // SIGTERM, then SIGKILL after 5 s; no-op when not running.
  void Stop();
  // Sends SIGHUP (NSD and BIND reload their zone files on it; Knot too).
  void Reload();

  uint16_t port() const { return port_; }
  std::string Log() const;

 private:
  PeerOptions options_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string log_path_;
};

// The SOA serial 127.0.0.1:port serves for `origin` (UDP, then TCP), or
// nullopt (no answer, or not NOERROR with a SOA).
std::optional<uint32_t> SoaSerial(uint16_t port, const std::string& origin);

// Polls SoaSerial until it is `serial` or `timeout` passes; returns the
// last serial seen (nullopt: none).
std::optional<uint32_t> WaitForSerial(uint16_t port, const std::string& origin, uint32_t serial,
                                      std::chrono::milliseconds timeout);

// The addresses of `name`'s A RRset at 127.0.0.1:port (empty: none).
std::vector<std::string> AddressesOf(uint16_t port, const std::string& name);

}  // namespace e2e

#endif  // STEERDNS_TESTS_E2E_PEER_SERVER_H_
