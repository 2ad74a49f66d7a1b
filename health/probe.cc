// File: health/probe.cc
#include "health/probe.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/string_view.h"

namespace health {

using base::AV;

namespace {

using Duration = SteadyTime::duration;

// Route 53's limits (Route 53 developer guide, "How Amazon Route 53
// determines whether a health check is healthy").
constexpr Duration kTcpConnectTimeout = std::chrono::seconds(10);
constexpr Duration kHttpConnectTimeout = std::chrono::seconds(4);
constexpr Duration kHttpStatusTimeout = std::chrono::seconds(2);
constexpr Duration kHttpBodyTimeout = std::chrono::seconds(2);
// Bytes read per recv()/SSL_read() call.
constexpr size_t kReadChunk = 8192;

std::string ConnectErrorReason(int err) {
  switch (err) {
    case ECONNREFUSED:
      return "connect refused";
    case ETIMEDOUT:
      return "connect timed out";
    case EHOSTUNREACH:
      return "host unreachable";
    case ENETUNREACH:
      return "network unreachable";
    default:
      return absl::StrCat("connect failed: ", base::ErrnoText(err));
  }
}

std::string SocketErrorReason(std::string_view what, int err) {
  if (err == ECONNRESET) return absl::StrCat(AV(what), ": connection reset");
  return absl::StrCat(AV(what), ": ", base::ErrnoText(err));
}

// The oldest queued OpenSSL error as text, or `fallback`.
std::string TlsErrorText(std::string_view fallback) {
  const unsigned long e = ERR_get_error();  // NOLINT(runtime/int)
  ERR_clear_error();
  if (e == 0) return std::string(fallback);
  const char* reason = ERR_reason_error_string(e);
  if (reason != nullptr) return reason;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

std::string SniFor(const HealthCheckConfig& cfg) {
  std::string sni = cfg.fqdn;
  if (!sni.empty() && sni.back() == '.') sni.pop_back();
  return sni;
}

}  // namespace

std::optional<ProbeAddress> ProbeAddress::FromLiteral(const std::string& ip, uint16_t port) {
  in_addr v4;
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return FromIpv4(v4, port);
  ProbeAddress a;
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.ss);
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) != 1) return std::nullopt;
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(port);
  a.len = sizeof(sockaddr_in6);
  return a;
}

ProbeAddress ProbeAddress::FromIpv4(const in_addr& addr, uint16_t port) {
  ProbeAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.ss);
  v4->sin_family = AF_INET;
  v4->sin_port = htons(port);
  v4->sin_addr = addr;
  a.len = sizeof(sockaddr_in);
  return a;
}

std::string ProbeAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    return absl::StrCat(buf, ":", ntohs(a->sin_port));
  }
  const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
  inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
  return absl::StrCat("[", buf, "]:", ntohs(a->sin6_port));
}

std::string TimeoutText(Duration d) {
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         d + std::chrono::microseconds(500))
                         .count();
  if (ms % 1000 == 0) return absl::StrCat(ms / 1000, "s");
  return absl::StrCat(ms, "ms");
}

double MillisBetween(SteadyTime from, SteadyTime to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

absl::StatusOr<SSL_CTX*> NewProbeTlsContext() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    return absl::InternalError(absl::StrCat("SSL_CTX_new: ", TlsErrorText("failed")));
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  return ctx;
}

Probe::Probe(const HealthCheckConfig& cfg, SSL_CTX* tls, const Clock& clock,
             SteadyTime budget_end, Duration budget)
    : type_(cfg.type),
      sni_(IsTlsType(cfg.type) ? SniFor(cfg) : std::string()),
      request_(IsHttpType(cfg.type) ? HttpRequestFor(cfg) : std::string()),
      search_string_(IsStrMatchType(cfg.type) ? cfg.search_string : std::string()),
      tls_(tls),
      clock_(clock),
      budget_end_(budget_end),
      budget_(budget) {}

Probe::~Probe() {
  if (ssl_ != nullptr) SSL_free(ssl_);  // no close_notify: we reset the connection anyway
  if (fd_ >= 0) {
    if (connected_) {
      // Reset instead of FIN: thousands of probes a minute must not leave
      // TIME_WAIT sockets behind (HAProxy does the same for its checks).
      linger lg{1, 0};
      setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    close(fd_);
  }
}

void Probe::Start(const ProbeAddress& address) {
  start_ = clock_.Now();
  fd_ = socket(address.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    Finish(false, SocketErrorReason("socket", errno));
    return;
  }
  SetPhase(Phase::kConnecting,
           type_ == HealthCheckType::kTcp ? kTcpConnectTimeout : kHttpConnectTimeout);
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&address.ss), address.len) == 0) {
    OnConnected();
    return;
  }
  if (errno != EINPROGRESS) {
    Finish(false, ConnectErrorReason(errno));
    return;
  }
  WaitFor(EPOLLOUT);
}

void Probe::SetPhase(Phase phase, Duration timeout) {
  const SteadyTime now = clock_.Now();
  phase_ = phase;
  if (now + timeout < budget_end_) {
    phase_timeout_ = timeout;
    deadline_ = now + timeout;
  } else {
    // The budget binds: the reason names the probe's whole budget
    // ("timeout after 900ms" with RequestInterval 1), which is what ran out.
    phase_timeout_ = budget_;
    deadline_ = budget_end_;
  }
}

void Probe::OnEvents(uint32_t epoll_events) {
  switch (phase_) {
    case Phase::kConnecting: {
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) {
        Finish(false, ConnectErrorReason(err));
      } else if (epoll_events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
        OnConnected();
      }
      return;
    }
    case Phase::kTls:
      DoHandshake();
      return;
    case Phase::kSending:
      DoSend();
      return;
    case Phase::kReadingHead:
    case Phase::kReadingBody:
      DoRead();
      return;
    case Phase::kIdle:
    case Phase::kDone:
      return;
  }
}

void Probe::OnDeadline() {
  const std::string after = TimeoutText(phase_timeout_);
  switch (phase_) {
    case Phase::kConnecting:
      Finish(false, absl::StrCat("connect timeout after ", after));
      return;
    case Phase::kTls:
    case Phase::kSending:
    case Phase::kReadingHead:
      Finish(false, absl::StrCat("timeout after ", after));
      return;
    case Phase::kReadingBody:
      Finish(false, absl::StrCat("timeout after ", after, " reading body"));
      return;
    case Phase::kIdle:
    case Phase::kDone:
      return;
  }
}

void Probe::OnConnected() {
  connected_ = true;
  if (type_ == HealthCheckType::kTcp) {
    Finish(true, "connected");
    return;
  }
  if (IsStrMatchType(type_)) {
    reader_.emplace(search_string_);
  } else {
    reader_.emplace();
  }
  // One 2 s budget from connect to status line: handshake, request, status.
  if (IsTlsType(type_)) {
    ssl_ = SSL_new(tls_);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
      Finish(false, absl::StrCat("TLS setup failed: ", TlsErrorText("SSL_new")));
      return;
    }
    SSL_set_connect_state(ssl_);
    if (!sni_.empty()) SSL_set_tlsext_host_name(ssl_, sni_.c_str());
    SetPhase(Phase::kTls, kHttpStatusTimeout);
    DoHandshake();
    return;
  }
  SetPhase(Phase::kSending, kHttpStatusTimeout);
  DoSend();
}

void Probe::DoHandshake() {
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    // The status deadline keeps running: same deadline, new phase.
    phase_ = Phase::kSending;
    DoSend();
    return;
  }
  const int err = SSL_get_error(ssl_, rc);
  if (WaitForTls(err)) return;
  if (err == SSL_ERROR_SYSCALL && errno != 0 && ERR_peek_error() == 0) {
    Finish(false, SocketErrorReason("TLS handshake failed", errno));
  } else {
    Finish(false, absl::StrCat("TLS handshake failed: ", TlsErrorText("connection closed")));
  }
}

void Probe::DoSend() {
  while (sent_ < request_.size()) {
    const char* p = request_.data() + sent_;
    const size_t left = request_.size() - sent_;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int n = SSL_write(ssl_, p, static_cast<int>(left));
      if (n > 0) {
        sent_ += static_cast<size_t>(n);
        continue;
      }
      if (WaitForTls(SSL_get_error(ssl_, n))) return;
      Finish(false, absl::StrCat("send failed: ", TlsErrorText("connection closed")));
      return;
    }
    const ssize_t n = send(fd_, p, left, MSG_NOSIGNAL);
    if (n >= 0) {
      sent_ += static_cast<size_t>(n);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return WaitFor(EPOLLOUT);
    if (errno == EINTR) continue;
    Finish(false, SocketErrorReason("send failed", errno));
    return;
  }
  phase_ = Phase::kReadingHead;  // still under the status deadline
  WaitFor(EPOLLIN);
  DoRead();  // TLS may hold decrypted bytes already
}

void Probe::DoRead() {
  char buf[kReadChunk];
  for (;;) {
    ssize_t n;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      const int rc = SSL_read(ssl_, buf, sizeof buf);
      if (rc > 0) {
        n = rc;
      } else {
        const int err = SSL_get_error(ssl_, rc);
        if (WaitForTls(err)) return;
        if (err == SSL_ERROR_ZERO_RETURN ||
            (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0)) {
          n = 0;  // the peer closed
        } else if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
          Finish(false, SocketErrorReason("receive failed", errno));
          return;
        } else {
          Finish(false, absl::StrCat("receive failed: ", TlsErrorText("TLS error")));
          return;
        }
      }
    } else {
      n = recv(fd_, buf, sizeof buf, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return WaitFor(EPOLLIN);
        if (errno == EINTR) continue;
        Finish(false, SocketErrorReason("receive failed", errno));
        return;
      }
    }
    if (n == 0) {
      const HttpVerdict v = reader_->Close();
      Finish(v.ok, v.reason);
      return;
    }
    const bool was_in_body = reader_->in_body();
    std::optional<HttpVerdict> v = reader_->Feed(std::string_view(buf, static_cast<size_t>(n)));
    // Route 53: the body within two seconds of the head.
    if (!was_in_body && reader_->in_body()) SetPhase(Phase::kReadingBody, kHttpBodyTimeout);
    if (v.has_value()) {
      Finish(v->ok, std::move(v->reason));
      return;
    }
  }
}

bool Probe::WaitForTls(int ssl_error) {
  if (ssl_error == SSL_ERROR_WANT_READ) {
    WaitFor(EPOLLIN);
    return true;
  }
  if (ssl_error == SSL_ERROR_WANT_WRITE) {
    WaitFor(EPOLLOUT);
    return true;
  }
  return false;
}

void Probe::Finish(bool ok, std::string reason) {
  phase_ = Phase::kDone;
  result_ = ProbeResult{ok, std::move(reason), MillisBetween(start_, clock_.Now())};
}

}  // namespace health
