// File: dns/server/net.h
//
// Small socket helpers shared by the workers, the server and the daemon's
// config parser: an owning file descriptor, listen-address parsing
// ("ADDR:PORT", IPv6 as "[ADDR]:PORT"), opening and binding worker sockets,
// and conversions between socket addresses and the engine's
// dns::ClientAddress.
//
// Example:
//   absl::StatusOr<ListenAddress> a = ParseListenAddress("[::1]:5300");
//   if (!a.ok()) return a.status();
//   FormatAddress(a->addr);   // "[::1]:5300"
//
// Thread safety: all functions are thread-compatible (no shared state).
#ifndef STEERDNS_DNS_SERVER_NET_H_
#define STEERDNS_DNS_SERVER_NET_H_

#include <sys/socket.h>

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dns/answer/answer.h"

namespace dns::server {

// Owns one file descriptor; closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes the current descriptor (if any) and takes `fd`.
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A numeric socket address to bind to.
struct ListenAddress {
  sockaddr_storage addr = {};
  socklen_t len = 0;
  bool is_v6() const { return addr.ss_family == AF_INET6; }
  // True for 0.0.0.0 and ::, where replies need IP_PKTINFO to leave from
  // the address the query arrived on.
  bool is_wildcard() const;
  uint16_t port() const;
  void set_port(uint16_t port);
};

// Parses "1.2.3.4:53" or "[2001:db8::1]:53" (numeric addresses only, no
// host names; port 0..65535, 0 = pick a free port). Errors are
// InvalidArgument naming the text.
absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text);

// "1.2.3.4:53" or "[2001:db8::1]:53".
std::string FormatAddress(const sockaddr_storage& addr);

// A worker's socket, not bound yet: `type` (SOCK_DGRAM or SOCK_STREAM) in
// the family of `address`, non-blocking, close-on-exec, SO_REUSEPORT (every
// worker binds the same address), SO_REUSEADDR for TCP (restart while old
// connections sit in TIME_WAIT) and IPV6_V6ONLY on IPv6. Errors name the
// protocol, the address and the call ("UDP 127.0.0.1:5300: SO_REUSEPORT:
// ...").
absl::StatusOr<UniqueFd> OpenWorkerSocket(const ListenAddress& address, int type);

// Binds `fd` (of `type`) to `address`. Unavailable "cannot bind UDP
// 127.0.0.1:5300: Address already in use" on error.
absl::Status BindSocket(int fd, const ListenAddress& address, int type);

// The engine's view of a peer address. Not allocating; for the query path.
inline void ToClientAddress(const sockaddr_storage& addr,
                            ClientAddress* out) noexcept;

}  // namespace dns::server

// ---- inline implementation ----
#include <netinet/in.h>

#include <cstring>

namespace dns::server {

inline void ToClientAddress(const sockaddr_storage& addr,
                            ClientAddress* out) noexcept {
  if (addr.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    out->is_v6 = true;
    std::memcpy(out->bytes, &sin6->sin6_addr, 16);
  } else {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&addr);
    out->is_v6 = false;
    std::memset(out->bytes, 0, sizeof out->bytes);
    std::memcpy(out->bytes, &sin->sin_addr, 4);
  }
}

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_NET_H_
