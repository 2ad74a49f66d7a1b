// File: health/probe.h
//
// Probe: one probe of a TCP, HTTP or HTTPS check (with or without
// _STR_MATCH) against one address, on a non-blocking socket that the
// caller's epoll loop watches. It reports a raw result: passed or not, the
// reason, the latency. What results mean for the check's state is
// StateUpdater's business; resolving a name first is the Prober's.
//
// What a probe must do to pass (Route 53's rules), and the reason it fails:
//
//   TCP    connect within 10 s                 "connected", "connect refused",
//                                              "connect timeout after 10s"
//   HTTP*  connect within 4 s, then a status   "connect timeout after 4s",
//          line within 2 s                     "timeout after 2s", "HTTP 503"
//   HTTPS* as HTTP; the TLS handshake counts   "TLS handshake failed: ..."
//          towards the 2 s; the certificate
//          is not validated, SNI is sent when
//          the check has a name
//   *_STR_MATCH  then the body within 2 more   "timeout after 2s reading body"
//          seconds (HttpResponseReader has
//          the rules for the response)
//
// Every timeout is capped by the probe's budget (the Prober gives it 90% of
// RequestInterval); when the budget is what runs out, the reason names it
// ("timeout after 900ms", "connect timeout after 9s").
//
// Driving it (the Prober's loop):
//   Probe p(cfg, tls_context, clock, budget_end, budget);
//   p.Start(*ProbeAddress::FromLiteral("192.0.2.1", 80));
//   while (!p.result()) {
//     wait for p.events() on p.fd(), until p.deadline();
//     ready ? p.OnEvents(epoll_events) : p.OnDeadline();
//   }
// Destroying a probe closes its socket with a reset (SO_LINGER 0), so
// probing leaves no TIME_WAIT sockets behind.
//
// Thread safety: none; the prober thread (or whoever holds its lock).
#ifndef STEERDNS_HEALTH_PROBE_H_
#define STEERDNS_HEALTH_PROBE_H_

#include <netinet/in.h>
#include <openssl/types.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "health/clock.h"
#include "health/health_checks.h"
#include "health/http_response.h"

namespace health {

// An IPv4 or IPv6 address with a port, as connect(2) takes it.
struct ProbeAddress {
  sockaddr_storage ss{};
  socklen_t len = 0;

  // An IPv4 or IPv6 literal; nullopt if `ip` is neither.
  static std::optional<ProbeAddress> FromLiteral(const std::string& ip, uint16_t port);
  // An IPv4 address as resolvers return it (4 bytes, network order).
  static ProbeAddress FromIpv4(const in_addr& addr, uint16_t port);
  // "192.0.2.1:80", "[2001:db8::1]:443".
  std::string ToString() const;
};

// One probe's raw result (before Inverted).
struct ProbeResult {
  bool ok = false;
  // "connected", "HTTP 200", "connect refused", "timeout after 2s", ...
  std::string reason;
  // From the start of the probe to its result.
  double latency_ms = 0;
};

// "2s", "900ms": a timeout as the reasons spell it.
std::string TimeoutText(SteadyTime::duration d);
// `to - from` in milliseconds.
double MillisBetween(SteadyTime from, SteadyTime to);

// The TLS client context HTTPS probes share: no certificate validation
// (a health check asks "does the endpoint answer", not "is it who it
// claims to be"). Internal on failure. Free with SSL_CTX_free.
absl::StatusOr<SSL_CTX*> NewProbeTlsContext();

class Probe {
 public:
  // `tls` (needed by HTTPS types) and `clock` must outlive the probe. The
  // probe ends by `budget_end`, which is `budget` after its start.
  Probe(const HealthCheckConfig& cfg, SSL_CTX* tls, const Clock& clock,
        SteadyTime budget_end, SteadyTime::duration budget);
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // Connects to `address`; the latency counts from here.
  void Start(const ProbeAddress& address);
  // The socket reported `epoll_events` (EPOLLIN, EPOLLOUT, EPOLLERR, ...).
  void OnEvents(uint32_t epoll_events);
  // deadline() has passed: the probe fails with the phase's timeout.
  void OnDeadline();

  // Set once the probe has finished; then it does nothing more.
  const std::optional<ProbeResult>& result() const { return result_; }
  // While in flight: the socket, the epoll events it waits for (0 = none
  // yet), and when it gives up.
  int fd() const { return fd_; }
  uint32_t events() const { return events_; }
  SteadyTime deadline() const { return deadline_; }

 private:
  enum class Phase : uint8_t {
    kIdle,         // not started
    kConnecting,   // non-blocking connect in flight
    kTls,          // TLS handshake
    kSending,      // writing the HTTP request
    kReadingHead,  // waiting for the status line (and headers, *_STR_MATCH)
    kReadingBody,  // *_STR_MATCH: the first 5,120 bytes of the body
    kDone,
  };

  void SetPhase(Phase phase, SteadyTime::duration timeout);
  void OnConnected();
  void DoHandshake();
  void DoSend();
  void DoRead();
  // The loop is to call back when the socket has `epoll_events`.
  void WaitFor(uint32_t epoll_events) { events_ = epoll_events; }
  // SSL_ERROR_WANT_READ / _WANT_WRITE: waits for the socket to be readable
  // / writable (TLS may need either in any phase). False for other errors.
  bool WaitForTls(int ssl_error);
  void Finish(bool ok, std::string reason);

  const HealthCheckType type_;
  const std::string sni_;  // FullyQualifiedDomainName without its dot
  const std::string request_;
  const std::string search_string_;
  SSL_CTX* const tls_;
  const Clock& clock_;
  const SteadyTime budget_end_;
  const SteadyTime::duration budget_;

  Phase phase_ = Phase::kIdle;
  SteadyTime start_;
  int fd_ = -1;
  bool connected_ = false;
  uint32_t events_ = 0;
  SSL* ssl_ = nullptr;
  SteadyTime deadline_;
  SteadyTime::duration phase_timeout_{};  // for the reason
  size_t sent_ = 0;                       // bytes of request_
  std::optional<HttpResponseReader> reader_;
  std::optional<ProbeResult> result_;
};

}  // namespace health

#endif  // STEERDNS_HEALTH_PROBE_H_
