#include "dns/server/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/string_view.h"

namespace dns::server {

void UniqueFd::Reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

bool ListenAddress::is_wildcard() const {
  if (addr.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    return IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr);
  }
  const auto* sin = reinterpret_cast<const sockaddr_in*>(&addr);
  return sin->sin_addr.s_addr == htonl(INADDR_ANY);
}

uint16_t ListenAddress::port() const {
  if (addr.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
}

void ListenAddress::set_port(uint16_t port) {
  if (addr.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(port);
  }
}

absl::StatusOr<ListenAddress> ParseListenAddress(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad address '", base::AV(text), "': ", base::AV(why),
                     " (want ADDR:PORT, IPv6 as [ADDR]:PORT)"));
  };
  std::string_view host, port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("missing ']'");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return bad("missing ':PORT'");
    port_text = rest.substr(1);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("missing ':PORT'");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return bad("IPv6 addresses must be in brackets");
    }
  }
  uint32_t port = 0;
  if (port_text.empty() || !absl::SimpleAtoi(base::AV(port_text), &port) ||
      port > 65535 || port_text.front() == '+' || port_text.front() == '-') {
    return bad("port must be a number from 0 to 65535");
  }
  ListenAddress out;
  std::string host_str(host);
  if (text.front() == '[') {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
    if (inet_pton(AF_INET6, host_str.c_str(), &sin6->sin6_addr) != 1) {
      return bad("not a numeric IPv6 address");
    }
    sin6->sin6_family = AF_INET6;
    out.len = sizeof(sockaddr_in6);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.addr);
    if (inet_pton(AF_INET, host_str.c_str(), &sin->sin_addr) != 1) {
      return bad("not a numeric IPv4 address");
    }
    sin->sin_family = AF_INET;
    out.len = sizeof(sockaddr_in);
  }
  out.set_port(static_cast<uint16_t>(port));
  return out;
}

std::string FormatAddress(const sockaddr_storage& addr) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf);
    return absl::StrCat("[", buf, "]:", ntohs(sin6->sin6_port));
  }
  if (addr.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf);
    return absl::StrCat(buf, ":", ntohs(sin->sin_port));
  }
  return "(unknown address family)";
}

namespace {

const char* ProtocolName(int type) { return type == SOCK_STREAM ? "TCP" : "UDP"; }

}  // namespace

absl::StatusOr<UniqueFd> OpenWorkerSocket(const ListenAddress& address, int type) {
  auto error = [&](const char* call) {
    const std::string why = base::ErrnoText(errno);
    return absl::InternalError(absl::StrCat(
        ProtocolName(type), " ", FormatAddress(address.addr), ": ", call, ": ", why));
  };
  const int family = address.addr.ss_family;
  UniqueFd fd(::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return error("socket");
  const int one = 1;
  if ((type == SOCK_STREAM &&
       ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) ||
      ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    return error("SO_REUSEPORT");
  }
  if (family == AF_INET6 &&
      ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
    return error("IPV6_V6ONLY");
  }
  return fd;
}

absl::Status BindSocket(int fd, const ListenAddress& address, int type) {
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address.addr), address.len) != 0) {
    const std::string why = base::ErrnoText(errno);
    return absl::UnavailableError(absl::StrCat(
        "cannot bind ", ProtocolName(type), " ", FormatAddress(address.addr), ": ", why));
  }
  return absl::OkStatus();
}

}  // namespace dns::server
