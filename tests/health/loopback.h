// File: tests/health/loopback.h
//
// Sockets on 127.0.0.1 for the endpoints the health tests start (the
// prober's unit tests and the e2e tests). Header only: the e2e tests link
// no steerdns library.
//
//   tests::LoopbackServer server([](int fd) { /* accept4(fd), recvfrom(fd) */ });
//   server.Start(SOCK_STREAM, /*port=*/0, /*backlog=*/16);  // server.port()
//   tests::ClosedPort closed;  // connects to closed.port() are refused
#ifndef STEERDNS_TESTS_HEALTH_LOOPBACK_H_
#define STEERDNS_TESTS_HEALTH_LOOPBACK_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>
#include <utility>

namespace tests {

// A socket of `type` (SOCK_STREAM, SOCK_DGRAM) bound to 127.0.0.1:`port`
// (0 = any free port), listening when `backlog` > 0 (then with
// SO_REUSEADDR, so that a stopped listener's port can be listened on
// again). -1 if that fails.
inline int BindLoopback(int type, uint16_t port, int backlog) {
  const int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (backlog > 0) {
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      (backlog > 0 && listen(fd, backlog) != 0)) {
    close(fd);
    return -1;
  }
  return fd;
}

// The local port of a bound IPv4 socket.
inline uint16_t PortOf(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// A loopback TCP port with nothing listening (bound, never listened on, so
// nothing else takes it while this object lives): connects are refused.
class ClosedPort {
 public:
  ClosedPort() : fd_(BindLoopback(SOCK_STREAM, 0, /*backlog=*/0)), port_(PortOf(fd_)) {}
  ~ClosedPort() { close(fd_); }
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_;
};

// A socket on 127.0.0.1 served by a thread of its own: `on_ready(fd)` runs
// on that thread whenever the socket is readable (a connection to accept,
// a datagram to read). The owner declares it after whatever on_ready uses,
// so that it stops first.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::function<void(int fd)> on_ready)
      : on_ready_(std::move(on_ready)) {}
  ~LoopbackServer() { Stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Stops a running thread, binds (BindLoopback) and starts the thread.
  // False if the socket cannot be bound.
  bool Start(int type, uint16_t port, int backlog) {
    Stop();
    fd_ = BindLoopback(type, port, backlog);
    if (fd_ < 0) return false;
    port_ = PortOf(fd_);
    stop_ = false;
    thread_ = std::thread([this] { Loop(); });
    return true;
  }
  // Ends the thread (within 20 ms) and closes the socket (a listener's
  // new connections are refused). Idempotent.
  void Stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
    close(fd_);
    fd_ = -1;
  }
  // The port last bound (kept after Stop, to start on it again).
  uint16_t port() const { return port_; }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20) > 0) on_ready_(fd_);
    }
  }

  const std::function<void(int fd)> on_ready_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace tests

#endif  // STEERDNS_TESTS_HEALTH_LOOPBACK_H_
