#include "health/prober.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <queue>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"

namespace health {

using base::AV;
using base::StdViewFormatter;

namespace {

using Clock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;
using Millis = std::chrono::milliseconds;
using std::chrono::duration_cast;

// Route 53's limits (Route 53 developer guide, "How Amazon Route 53
// determines whether a health check is healthy").
constexpr Clock::duration kTcpConnectTimeout = std::chrono::seconds(10);
constexpr Clock::duration kHttpConnectTimeout = std::chrono::seconds(4);
constexpr Clock::duration kHttpStatusTimeout = std::chrono::seconds(2);
constexpr Clock::duration kHttpBodyTimeout = std::chrono::seconds(2);
// A probe must end by this fraction of RequestInterval, so probes of one
// check never overlap and every interval yields exactly one result.
constexpr int kCapPerMille = 900;
// New checks' first probes are spread over min(RequestInterval, this).
constexpr Clock::duration kFirstProbeSpread = std::chrono::seconds(1);
// CALCULATED checks are re-evaluated and every slot rewritten this often
// (operator Force/Unforce on a child or a slot shows within it).
constexpr Clock::duration kRefreshPeriod = std::chrono::seconds(1);
// A response head larger than this fails the probe (Route 53 reads status
// and headers; real ones are a few hundred bytes).
constexpr size_t kMaxHeadBytes = 16384;
// Bytes read per recv()/SSL_read() call.
constexpr size_t kReadChunk = 8192;
// epoll_wait batch; more ready sockets simply wait for the next round.
constexpr int kMaxEvents = 256;
// c-ares: per-try timeout and tries. A resolution also ends at the probe's
// cap, whichever comes first.
constexpr int kAresTimeoutMs = 1000;
constexpr int kAresTries = 2;

// epoll data: 0 = the wake eventfd, kAresTag|fd = a c-ares socket,
// otherwise a check serial (serials start at 1 and stay below kAresTag).
constexpr uint64_t kWakeTag = 0;
constexpr uint64_t kAresTag = uint64_t{1} << 63;

constexpr char kUserAgent[] = "steerdns-health-check/1.0 (Route 53 compatible)";

// "2s", "900ms": a timeout as it appears in a reason.
std::string FormatDuration(Clock::duration d) {
  const int64_t ms = duration_cast<Millis>(d + std::chrono::microseconds(500)).count();
  if (ms % 1000 == 0) return absl::StrCat(ms / 1000, "s");
  return absl::StrCat(ms, "ms");
}

double ToMillis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string FormatAddress(const sockaddr_storage& ss) {
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

// Parses an IPv4/IPv6 literal into `ss` with `port`.
bool MakeAddress(const std::string& ip, uint16_t port, sockaddr_storage* ss,
                 socklen_t* len) {
  std::memset(ss, 0, sizeof *ss);
  auto* v4 = reinterpret_cast<sockaddr_in*>(ss);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    *len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(ss);
  if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    *len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

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
      return absl::StrCat("connect failed: ", std::strerror(err));
  }
}

std::string SocketErrorReason(std::string_view what, int err) {
  if (err == ECONNRESET) return absl::StrCat(AV(what), ": connection reset");
  return absl::StrCat(AV(what), ": ", std::strerror(err));
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

void DefaultLog(std::string_view line) {
  std::string out(line);
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

enum class Phase : uint8_t {
  kIdle,        // waiting for the next start
  kResolving,   // c-ares query in flight
  kConnecting,  // non-blocking connect in flight
  kTls,         // TLS handshake
  kSending,     // writing the HTTP request
  kReadingHead, // waiting for the status line (and headers for *_STR_MATCH)
  kReadingBody, // *_STR_MATCH: reading the first 5,120 bytes of the body
};

// Chunked transfer coding, as far as the search window needs it.
enum class ChunkState : uint8_t { kSize, kData, kDataEnd, kDone };

}  // namespace

// One configured check: its config, its state and its probe in flight.
struct ProbeCheck {
  HealthCheckConfig cfg;
  geo::HealthSlot slot = geo::kNoSlot;
  std::vector<geo::HealthSlot> child_slots;  // CALCULATED
  uint64_t serial = 0;

  // State and counters (see HealthCheckStatus).
  bool healthy = true;
  bool has_result = false;
  bool last_ok = false;
  std::string reason;
  std::string address;
  double last_latency_ms = 0;
  SysClock::time_point last_change;
  uint64_t checks = 0;
  uint64_t failures = 0;
  int consecutive = 0;

  // Schedule. Exactly one live timer per probing check: the next start
  // while idle, the phase deadline while a probe is in flight.
  Clock::time_point next_start;
  uint64_t timer_seq = 0;

  // The probe in flight.
  Phase phase = Phase::kIdle;
  uint64_t probe_id = 0;  // 0 = none
  int fd = -1;
  bool connected = false;
  uint32_t interest = 0;  // registered epoll events
  SSL* ssl = nullptr;
  Clock::time_point probe_start;     // connect start (or resolve start)
  Clock::duration cap{};             // the probe's whole budget
  Clock::time_point cap_end;         // the probe ends by then
  Clock::duration phase_timeout{};   // for the reason
  std::string out;                   // request bytes
  size_t out_off = 0;
  std::string head;                  // response head bytes
  int status = 0;                    // HTTP status once parsed
  bool chunked = false;
  int64_t content_left = -1;         // -1: no Content-Length
  ChunkState chunk_state = ChunkState::kSize;
  uint64_t chunk_left = 0;
  std::string chunk_line;
  bool body_done = false;
  std::string body;                  // decoded, at most kSearchWindow bytes
};

class Prober::Engine {
 public:
  Engine(geo::HealthTable& health, ProberOptions options)
      : health_(health), options_(std::move(options)) {
    if (!options_.log) options_.log = DefaultLog;
  }
  ~Engine() { Shutdown(); }

  absl::Status Init();
  void Run(absl::Mutex& mu) ABSL_NO_THREAD_SAFETY_ANALYSIS;
  void RequestStop() {
    stop_ = true;
    Wake();
  }
  // Abandons probes and frees the loop's resources.
  void Shutdown();
  absl::Status Apply(const HealthChecksConfig& config);
  std::vector<HealthCheckStatus> Status() const;
  Totals totals() const { return totals_; }

 private:
  struct Timer {
    Clock::time_point when;
    uint64_t serial;  // 0 = the refresh tick
    uint64_t seq;
    bool operator>(const Timer& o) const { return when > o.when; }
  };
  struct ResolveArg {
    Engine* engine;
    uint64_t serial;
    uint64_t probe_id;
  };

  void Wake();
  void Arm(ProbeCheck& c, Clock::time_point when);
  void RunTimers(Clock::time_point now);
  int WaitMillis(Clock::time_point now);
  void Dispatch(uint64_t data, uint32_t events);
  void AfterRound();

  void StartProbe(ProbeCheck& c, Clock::time_point now);
  void Connect(ProbeCheck& c, const sockaddr_storage& addr, socklen_t len);
  void OnConnected(ProbeCheck& c);
  void OnSocket(ProbeCheck& c, uint32_t events);
  void DoHandshake(ProbeCheck& c);
  void DoSend(ProbeCheck& c);
  void DoRead(ProbeCheck& c);
  // Feeds response bytes; true if the probe finished.
  bool ConsumeHead(ProbeCheck& c, std::string_view data);
  bool ConsumeBody(ProbeCheck& c, std::string_view data);
  void OnEof(ProbeCheck& c);
  void OnTimeout(ProbeCheck& c);
  void SetPhase(ProbeCheck& c, Phase phase, Clock::duration timeout);
  void SetInterest(ProbeCheck& c, uint32_t events);
  void CloseProbe(ProbeCheck& c);
  void Finish(ProbeCheck& c, bool ok, std::string reason);
  void Record(ProbeCheck& c, bool ok, std::string reason, double latency_ms);
  void ChangeState(ProbeCheck& c, bool healthy, std::string_view why);
  void EvaluateCalculated();
  void RefreshSlots();

  static void OnResolved(void* arg, int status, int timeouts, hostent* host);
  static void OnAresSocket(void* data, ares_socket_t fd, int readable,
                           int writable);

  geo::HealthTable& health_;
  ProberOptions options_;
  bool stop_ = false;
  int epfd_ = -1;
  int wakefd_ = -1;
  ares_channel channel_ = nullptr;
  absl::flat_hash_map<int, uint32_t> ares_fds_;  // fd -> epoll events
  SSL_CTX* ssl_ctx_ = nullptr;

  uint64_t next_serial_ = 1;
  uint64_t next_probe_id_ = 1;
  absl::flat_hash_map<uint64_t, std::unique_ptr<ProbeCheck>> checks_;
  absl::flat_hash_map<std::string, uint64_t> by_id_;
  std::vector<uint64_t> order_;       // config order
  std::vector<uint64_t> calculated_;  // CALCULATED, children first
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  bool refresh_armed_ = false;
  bool calc_dirty_ = false;
  int resolving_ = 0;
  Totals totals_;
};

namespace {

absl::Status AresLibraryInit() {
  static int rc = [] { return ares_library_init(ARES_LIB_INIT_ALL); }();
  if (rc != ARES_SUCCESS) {
    return absl::InternalError(absl::StrCat("ares_library_init: ", ares_strerror(rc)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Prober::Engine::Init() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) {
    return absl::InternalError(absl::StrCat("epoll_create1: ", std::strerror(errno)));
  }
  wakefd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakefd_ < 0) {
    return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev) != 0) {
    return absl::InternalError(absl::StrCat("epoll_ctl: ", std::strerror(errno)));
  }

  if (absl::Status s = AresLibraryInit(); !s.ok()) return s;
  ares_options opts{};
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  opts.sock_state_cb = &Engine::OnAresSocket;
  opts.sock_state_cb_data = this;
  opts.timeout = kAresTimeoutMs;
  opts.tries = kAresTries;
  char lookups[] = "b";  // DNS only: no hosts file
  if (!options_.dns_servers.empty()) {
    mask |= ARES_OPT_LOOKUPS | ARES_OPT_DOMAINS;
    opts.lookups = lookups;
    opts.domains = nullptr;
    opts.ndomains = 0;
  }
  if (int rc = ares_init_options(&channel_, &opts, mask); rc != ARES_SUCCESS) {
    channel_ = nullptr;
    return absl::InternalError(absl::StrCat("ares_init_options: ", ares_strerror(rc)));
  }
  if (!options_.dns_servers.empty()) {
    const int rc = ares_set_servers_ports_csv(channel_, options_.dns_servers.c_str());
    if (rc != ARES_SUCCESS) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad DNS servers '", options_.dns_servers, "': ", ares_strerror(rc)));
    }
  }

  ssl_ctx_ = SSL_CTX_new(TLS_client_method());
  if (ssl_ctx_ == nullptr) {
    return absl::InternalError(absl::StrCat("SSL_CTX_new: ", TlsErrorText("failed")));
  }
  // Route 53 does not validate certificates: a health check asks "does the
  // endpoint answer", not "is it who it claims to be".
  SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_mode(ssl_ctx_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
  SSL_CTX_set_options(ssl_ctx_, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
  return absl::OkStatus();
}

void Prober::Engine::Shutdown() {
  for (auto& [serial, c] : checks_) CloseProbe(*c);
  if (channel_ != nullptr) {
    // Runs the pending callbacks with ARES_EDESTRUCTION.
    ares_destroy(channel_);
    channel_ = nullptr;
  }
  resolving_ = 0;
  ares_fds_.clear();
  if (ssl_ctx_ != nullptr) {
    SSL_CTX_free(ssl_ctx_);
    ssl_ctx_ = nullptr;
  }
  if (wakefd_ >= 0) close(wakefd_);
  if (epfd_ >= 0) close(epfd_);
  wakefd_ = epfd_ = -1;
}

void Prober::Engine::Wake() {
  if (wakefd_ < 0) return;
  const uint64_t one = 1;
  ssize_t n = write(wakefd_, &one, sizeof one);
  (void)n;  // EAGAIN: the counter is already non-zero, a wake is pending
}

void Prober::Engine::Arm(ProbeCheck& c, Clock::time_point when) {
  ++c.timer_seq;
  timers_.push(Timer{when, c.serial, c.timer_seq});
}

void Prober::Engine::Run(absl::Mutex& mu) {
  // A peer that closes early must not kill the process (SSL_write uses
  // write(2)); SIGPIPE is thread-directed, so blocking it here is enough.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

  epoll_event events[kMaxEvents];
  mu.Lock();
  while (!stop_) {
    RunTimers(Clock::now());
    AfterRound();
    const int wait_ms = WaitMillis(Clock::now());
    mu.Unlock();
    const int n = epoll_wait(epfd_, events, kMaxEvents, wait_ms);
    const int wait_errno = errno;
    mu.Lock();
    ++totals_.loop_iterations;
    if (n < 0 && wait_errno != EINTR) {
      options_.log(absl::StrCat("health: epoll_wait: ", std::strerror(wait_errno)));
    }
    for (int i = 0; i < n; ++i) Dispatch(events[i].data.u64, events[i].events);
    if (resolving_ > 0 && channel_ != nullptr) {
      ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
    }
    AfterRound();
  }
  mu.Unlock();
}

void Prober::Engine::RunTimers(Clock::time_point now) {
  while (!timers_.empty() && timers_.top().when <= now) {
    const Timer t = timers_.top();
    timers_.pop();
    if (t.serial == 0) {
      refresh_armed_ = false;
      EvaluateCalculated();
      RefreshSlots();
      if (!checks_.empty()) {
        timers_.push(Timer{now + kRefreshPeriod, 0, 0});
        refresh_armed_ = true;
      }
      continue;
    }
    auto it = checks_.find(t.serial);
    if (it == checks_.end()) continue;
    ProbeCheck& c = *it->second;
    if (c.timer_seq != t.seq) continue;  // re-armed since
    if (c.phase == Phase::kIdle) {
      StartProbe(c, now);
    } else {
      OnTimeout(c);
    }
  }
}

int Prober::Engine::WaitMillis(Clock::time_point now) {
  int64_t ms = 60'000;
  if (!timers_.empty()) {
    const auto d = timers_.top().when - now;
    // Round up so we do not wake a hair early and spin.
    ms = std::max<int64_t>(0, duration_cast<Millis>(d + Millis(1) - Clock::duration(1)).count());
  }
  if (resolving_ > 0 && channel_ != nullptr) {
    timeval max{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
    timeval tv{};
    const timeval* t = ares_timeout(channel_, &max, &tv);
    ms = std::min<int64_t>(ms, int64_t{t->tv_sec} * 1000 + (t->tv_usec + 999) / 1000);
  }
  return static_cast<int>(std::min<int64_t>(ms, 60'000));
}

void Prober::Engine::Dispatch(uint64_t data, uint32_t events) {
  if (data == kWakeTag) {
    uint64_t count;
    ssize_t n = read(wakefd_, &count, sizeof count);
    (void)n;
    return;
  }
  if (data & kAresTag) {
    const int fd = static_cast<int>(data & ~kAresTag);
    if (channel_ == nullptr || !ares_fds_.contains(fd)) return;
    const bool readable = events & (EPOLLIN | EPOLLERR | EPOLLHUP);
    const bool writable = events & EPOLLOUT;
    ares_process_fd(channel_, readable ? fd : ARES_SOCKET_BAD,
                    writable ? fd : ARES_SOCKET_BAD);
    return;
  }
  auto it = checks_.find(data);
  if (it == checks_.end()) return;  // removed by Apply while we waited
  ProbeCheck& c = *it->second;
  if (c.fd < 0) return;
  OnSocket(c, events);
}

void Prober::Engine::AfterRound() {
  if (calc_dirty_) {
    calc_dirty_ = false;
    EvaluateCalculated();
  }
}

void Prober::Engine::StartProbe(ProbeCheck& c, Clock::time_point now) {
  const auto interval = std::chrono::seconds(c.cfg.request_interval_s);
  c.probe_id = next_probe_id_++;
  ++totals_.probes_started;
  c.probe_start = now;
  c.cap = duration_cast<Clock::duration>(interval) * kCapPerMille / 1000;
  c.cap_end = now + c.cap;
  // Fixed rate; after a stall, restart the rhythm from now.
  c.next_start += interval;
  if (c.next_start <= now) c.next_start = now + interval;

  if (!c.cfg.ip_address.empty()) {
    sockaddr_storage ss;
    socklen_t len = 0;
    if (!MakeAddress(c.cfg.ip_address, c.cfg.port, &ss, &len)) {
      Finish(c, false, "bad IPAddress");  // unreachable: validated at load
      return;
    }
    Connect(c, ss, len);
    return;
  }
  if (channel_ == nullptr) {
    Finish(c, false, "resolver not running");
    return;
  }
  SetPhase(c, Phase::kResolving, c.cap_end - now);
  ++resolving_;
  // The callback may run before ares_gethostbyname returns (a hosts file hit
  // or a bad name), finishing or advancing this probe; touch nothing after.
  auto* arg = new ResolveArg{this, c.serial, c.probe_id};
  ares_gethostbyname(channel_, c.cfg.fqdn.c_str(), AF_INET, &Engine::OnResolved, arg);
}

void Prober::Engine::OnResolved(void* arg, int status, int /*timeouts*/,
                                hostent* host) {
  std::unique_ptr<ResolveArg> a(static_cast<ResolveArg*>(arg));
  Engine& e = *a->engine;
  if (status == ARES_EDESTRUCTION) return;  // Shutdown(): checks are going
  auto it = e.checks_.find(a->serial);
  if (it == e.checks_.end()) return;
  ProbeCheck& c = *it->second;
  if (c.probe_id != a->probe_id || c.phase != Phase::kResolving) return;  // timed out
  --e.resolving_;
  c.phase = Phase::kConnecting;  // resolved; Connect() sets the real deadline
  if (status != ARES_SUCCESS) {
    e.Finish(c, false, absl::StrCat("resolve failed: ", ares_strerror(status)));
    return;
  }
  if (host == nullptr || host->h_addrtype != AF_INET || host->h_addr_list == nullptr ||
      host->h_addr_list[0] == nullptr) {
    e.Finish(c, false, "resolve failed: no IPv4 address");
    return;
  }
  sockaddr_storage ss{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  v4->sin_family = AF_INET;
  v4->sin_port = htons(c.cfg.port);
  std::memcpy(&v4->sin_addr, host->h_addr_list[0], sizeof v4->sin_addr);
  e.Connect(c, ss, sizeof(sockaddr_in));
}

void Prober::Engine::OnAresSocket(void* data, ares_socket_t fd, int readable,
                                  int writable) {
  Engine& e = *static_cast<Engine*>(data);
  if (e.epfd_ < 0) return;
  auto it = e.ares_fds_.find(fd);
  if (!readable && !writable) {
    if (it != e.ares_fds_.end()) {
      epoll_ctl(e.epfd_, EPOLL_CTL_DEL, fd, nullptr);
      e.ares_fds_.erase(it);
    }
    return;
  }
  epoll_event ev{};
  ev.events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
  ev.data.u64 = kAresTag | static_cast<uint64_t>(fd);
  if (it == e.ares_fds_.end()) {
    if (epoll_ctl(e.epfd_, EPOLL_CTL_ADD, fd, &ev) == 0) e.ares_fds_[fd] = ev.events;
  } else if (it->second != ev.events) {
    epoll_ctl(e.epfd_, EPOLL_CTL_MOD, fd, &ev);
    it->second = ev.events;
  }
}

void Prober::Engine::SetPhase(ProbeCheck& c, Phase phase, Clock::duration timeout) {
  const Clock::time_point now = Clock::now();
  c.phase = phase;
  if (now + timeout < c.cap_end) {
    c.phase_timeout = timeout;
    Arm(c, now + timeout);
  } else {
    // The cap binds: the reason names the probe's whole budget ("timeout
    // after 900ms" with RequestInterval 1), which is what ran out.
    c.phase_timeout = c.cap;
    Arm(c, c.cap_end);
  }
}

void Prober::Engine::SetInterest(ProbeCheck& c, uint32_t events) {
  if (c.interest == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = c.serial;
  epoll_ctl(epfd_, c.interest == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd, &ev);
  c.interest = events;
}

void Prober::Engine::Connect(ProbeCheck& c, const sockaddr_storage& addr,
                             socklen_t len) {
  c.address = FormatAddress(addr);
  c.probe_start = Clock::now();
  c.fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) {
    Finish(c, false, SocketErrorReason("socket", errno));
    return;
  }
  if (epfd_ < 0) {
    Finish(c, false, "prober not running");
    return;
  }
  SetPhase(c, Phase::kConnecting,
           c.cfg.type == HealthCheckType::kTcp ? kTcpConnectTimeout : kHttpConnectTimeout);
  if (connect(c.fd, reinterpret_cast<const sockaddr*>(&addr), len) == 0) {
    OnConnected(c);
    return;
  }
  if (errno != EINPROGRESS) {
    Finish(c, false, ConnectErrorReason(errno));
    return;
  }
  SetInterest(c, EPOLLOUT);
}

void Prober::Engine::OnSocket(ProbeCheck& c, uint32_t events) {
  switch (c.phase) {
    case Phase::kConnecting: {
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) {
        Finish(c, false, ConnectErrorReason(err));
      } else if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
        OnConnected(c);
      }
      return;
    }
    case Phase::kTls:
      DoHandshake(c);
      return;
    case Phase::kSending:
      DoSend(c);
      return;
    case Phase::kReadingHead:
    case Phase::kReadingBody:
      DoRead(c);
      return;
    case Phase::kIdle:
    case Phase::kResolving:
      return;
  }
}

void Prober::Engine::OnConnected(ProbeCheck& c) {
  c.connected = true;
  if (c.cfg.type == HealthCheckType::kTcp) {
    Finish(c, true, "connected");
    return;
  }
  c.out = absl::StrCat("GET ", c.cfg.resource_path, " HTTP/1.1\r\nHost: ",
                       c.cfg.HostHeader(), "\r\nUser-Agent: ", kUserAgent,
                       "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  c.out_off = 0;
  // One 2 s budget from connect to status line: handshake, request, status.
  if (IsTlsType(c.cfg.type)) {
    c.ssl = SSL_new(ssl_ctx_);
    if (c.ssl == nullptr || SSL_set_fd(c.ssl, c.fd) != 1) {
      Finish(c, false, absl::StrCat("TLS setup failed: ", TlsErrorText("SSL_new")));
      return;
    }
    SSL_set_connect_state(c.ssl);
    if (!c.cfg.fqdn.empty()) {
      std::string sni = c.cfg.fqdn;
      if (sni.back() == '.') sni.pop_back();
      SSL_set_tlsext_host_name(c.ssl, sni.c_str());
    }
    SetPhase(c, Phase::kTls, kHttpStatusTimeout);
    DoHandshake(c);
    return;
  }
  SetPhase(c, Phase::kSending, kHttpStatusTimeout);
  DoSend(c);
}

void Prober::Engine::DoHandshake(ProbeCheck& c) {
  ERR_clear_error();
  const int rc = SSL_do_handshake(c.ssl);
  if (rc == 1) {
    // The status deadline keeps running: same timer, new phase.
    c.phase = Phase::kSending;
    DoSend(c);
    return;
  }
  const int err = SSL_get_error(c.ssl, rc);
  if (err == SSL_ERROR_WANT_READ) {
    SetInterest(c, EPOLLIN);
  } else if (err == SSL_ERROR_WANT_WRITE) {
    SetInterest(c, EPOLLOUT);
  } else if (err == SSL_ERROR_SYSCALL && errno != 0 && ERR_peek_error() == 0) {
    Finish(c, false, SocketErrorReason("TLS handshake failed", errno));
  } else {
    Finish(c, false, absl::StrCat("TLS handshake failed: ",
                                  TlsErrorText("connection closed")));
  }
}

void Prober::Engine::DoSend(ProbeCheck& c) {
  while (c.out_off < c.out.size()) {
    const char* p = c.out.data() + c.out_off;
    const size_t left = c.out.size() - c.out_off;
    if (c.ssl != nullptr) {
      ERR_clear_error();
      const int n = SSL_write(c.ssl, p, static_cast<int>(left));
      if (n > 0) {
        c.out_off += static_cast<size_t>(n);
        continue;
      }
      const int err = SSL_get_error(c.ssl, n);
      if (err == SSL_ERROR_WANT_WRITE) return SetInterest(c, EPOLLOUT);
      if (err == SSL_ERROR_WANT_READ) return SetInterest(c, EPOLLIN);
      Finish(c, false, absl::StrCat("send failed: ", TlsErrorText("connection closed")));
      return;
    }
    const ssize_t n = send(c.fd, p, left, MSG_NOSIGNAL);
    if (n >= 0) {
      c.out_off += static_cast<size_t>(n);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return SetInterest(c, EPOLLOUT);
    if (errno == EINTR) continue;
    Finish(c, false, SocketErrorReason("send failed", errno));
    return;
  }
  c.phase = Phase::kReadingHead;  // still under the status deadline
  SetInterest(c, EPOLLIN);
  DoRead(c);  // TLS may hold decrypted bytes already
}

void Prober::Engine::DoRead(ProbeCheck& c) {
  char buf[kReadChunk];
  for (;;) {
    ssize_t n;
    if (c.ssl != nullptr) {
      ERR_clear_error();
      const int rc = SSL_read(c.ssl, buf, sizeof buf);
      if (rc > 0) {
        n = rc;
      } else {
        const int err = SSL_get_error(c.ssl, rc);
        if (err == SSL_ERROR_WANT_READ) return SetInterest(c, EPOLLIN);
        if (err == SSL_ERROR_WANT_WRITE) return SetInterest(c, EPOLLOUT);
        if (err == SSL_ERROR_ZERO_RETURN ||
            (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0)) {
          return OnEof(c);
        }
        if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
          Finish(c, false, SocketErrorReason("receive failed", errno));
          return;
        }
        Finish(c, false, absl::StrCat("receive failed: ", TlsErrorText("TLS error")));
        return;
      }
    } else {
      n = recv(c.fd, buf, sizeof buf, 0);
      if (n == 0) return OnEof(c);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return SetInterest(c, EPOLLIN);
        if (errno == EINTR) continue;
        Finish(c, false, SocketErrorReason("receive failed", errno));
        return;
      }
    }
    const std::string_view data(buf, static_cast<size_t>(n));
    const bool done = c.phase == Phase::kReadingHead ? ConsumeHead(c, data)
                                                     : ConsumeBody(c, data);
    if (done) return;
  }
}

bool Prober::Engine::ConsumeHead(ProbeCheck& c, std::string_view data) {
  c.head.append(data.data(), data.size());
  if (c.status == 0) {
    const size_t eol = c.head.find('\n');
    if (eol == std::string::npos) {
      if (c.head.size() > kMaxHeadBytes) {
        Finish(c, false, "malformed HTTP response: status line too long");
        return true;
      }
      if (c.head.size() >= 5 && c.head.compare(0, 5, "HTTP/") != 0) {
        Finish(c, false, "not an HTTP response");
        return true;
      }
      return false;
    }
    // "HTTP/1.1 200 OK"
    std::string_view line(c.head.data(), eol);
    const size_t sp = line.find(' ');
    int code = 0;
    if (line.substr(0, 5) != "HTTP/" || sp == std::string_view::npos ||
        line.size() < sp + 4 ||
        !absl::SimpleAtoi(AV(line.substr(sp + 1, 3)), &code) || code < 100 ||
        code > 999) {
      Finish(c, false, "not an HTTP response");
      return true;
    }
    c.status = code;
    if (code < 200 || code >= 400) {
      Finish(c, false, absl::StrCat("HTTP ", code));
      return true;
    }
    if (!IsStrMatchType(c.cfg.type)) {
      Finish(c, true, absl::StrCat("HTTP ", code));
      return true;
    }
  }
  // *_STR_MATCH: find the end of the head, then read the body.
  size_t end = c.head.find("\r\n\r\n");
  size_t body_at = end == std::string::npos ? end : end + 4;
  if (end == std::string::npos) {
    end = c.head.find("\n\n");
    body_at = end == std::string::npos ? end : end + 2;
  }
  if (end == std::string::npos) {
    if (c.head.size() > kMaxHeadBytes) {
      Finish(c, false, "malformed HTTP response: headers too long");
      return true;
    }
    return false;
  }
  // Headers that decide how the body is framed.
  std::string_view headers(c.head.data(), end);
  size_t pos = headers.find('\n');
  while (pos != std::string_view::npos && pos < headers.size()) {
    const size_t next = headers.find('\n', pos + 1);
    std::string_view h = headers.substr(pos + 1, next == std::string_view::npos
                                                     ? std::string_view::npos
                                                     : next - pos - 1);
    const size_t colon = h.find(':');
    if (colon != std::string_view::npos) {
      const absl::string_view name = absl::StripAsciiWhitespace(AV(h.substr(0, colon)));
      const absl::string_view value = absl::StripAsciiWhitespace(AV(h.substr(colon + 1)));
      if (absl::EqualsIgnoreCase(name, "transfer-encoding") &&
          absl::StrContains(absl::AsciiStrToLower(value), "chunked")) {
        c.chunked = true;
      } else if (absl::EqualsIgnoreCase(name, "content-length")) {
        int64_t len;
        if (absl::SimpleAtoi(value, &len) && len >= 0) c.content_left = len;
      }
    }
    pos = next;
  }
  if (c.chunked) c.content_left = -1;
  std::string rest = c.head.substr(body_at);
  std::string().swap(c.head);
  // Route 53: the body within two seconds of the status.
  SetPhase(c, Phase::kReadingBody, kHttpBodyTimeout);
  return ConsumeBody(c, rest);
}

bool Prober::Engine::ConsumeBody(ProbeCheck& c, std::string_view data) {
  constexpr size_t kWindow = HealthCheckConfig::kSearchWindow;
  auto keep = [&](std::string_view bytes) {
    if (c.body.size() < kWindow) {
      c.body.append(bytes.data(), std::min(bytes.size(), kWindow - c.body.size()));
    }
  };
  if (!c.chunked) {
    if (c.content_left >= 0) {
      data = data.substr(0, static_cast<size_t>(std::min<int64_t>(
                                c.content_left, static_cast<int64_t>(data.size()))));
      c.content_left -= static_cast<int64_t>(data.size());
      if (c.content_left == 0) c.body_done = true;
    }
    keep(data);
  } else {
    size_t i = 0;
    while (i < data.size() && c.chunk_state != ChunkState::kDone) {
      switch (c.chunk_state) {
        case ChunkState::kSize: {
          const char ch = data[i++];
          if (ch != '\n') {
            if (c.chunk_line.size() < 1024) c.chunk_line.push_back(ch);
            break;
          }
          // "1a3f;ext=1\r": the hex size before any extension.
          uint64_t size = 0;
          size_t digits = 0;
          for (char h : c.chunk_line) {
            const int v = absl::ascii_isdigit(h)            ? h - '0'
                          : (h >= 'a' && h <= 'f')           ? h - 'a' + 10
                          : (h >= 'A' && h <= 'F')           ? h - 'A' + 10
                                                             : -1;
            if (v < 0 || digits == 15) break;
            size = size * 16 + static_cast<uint64_t>(v);
            ++digits;
          }
          c.chunk_line.clear();
          if (digits == 0 || size == 0) {
            c.chunk_state = ChunkState::kDone;  // last chunk (or garbage)
          } else {
            c.chunk_left = size;
            c.chunk_state = ChunkState::kData;
          }
          break;
        }
        case ChunkState::kData: {
          const size_t n = static_cast<size_t>(
              std::min<uint64_t>(c.chunk_left, data.size() - i));
          keep(data.substr(i, n));
          i += n;
          c.chunk_left -= n;
          if (c.chunk_left == 0) c.chunk_state = ChunkState::kDataEnd;
          break;
        }
        case ChunkState::kDataEnd:
          if (data[i++] == '\n') c.chunk_state = ChunkState::kSize;
          break;
        case ChunkState::kDone:
          break;
      }
    }
    if (c.chunk_state == ChunkState::kDone) c.body_done = true;
  }
  const std::string code = absl::StrCat("HTTP ", c.status);
  if (c.body.find(c.cfg.search_string) != std::string::npos) {
    Finish(c, true, code);
    return true;
  }
  if (c.body_done || c.body.size() >= kWindow) {
    Finish(c, false, "search string not found");
    return true;
  }
  return false;
}

void Prober::Engine::OnEof(ProbeCheck& c) {
  if (c.phase == Phase::kReadingBody) {
    c.body_done = true;
    ConsumeBody(c, {});
    return;
  }
  if (c.status != 0) {  // *_STR_MATCH with a good status, head cut short
    Finish(c, false, "search string not found");
    return;
  }
  Finish(c, false, c.head.empty() ? "connection closed without a response"
                                  : "connection closed before the HTTP status");
}

void Prober::Engine::OnTimeout(ProbeCheck& c) {
  const std::string after = FormatDuration(c.phase_timeout);
  switch (c.phase) {
    case Phase::kResolving:
      Finish(c, false, absl::StrCat("resolve timeout after ", after));
      return;
    case Phase::kConnecting:
      Finish(c, false, absl::StrCat("connect timeout after ", after));
      return;
    case Phase::kTls:
    case Phase::kSending:
    case Phase::kReadingHead:
      Finish(c, false, absl::StrCat("timeout after ", after));
      return;
    case Phase::kReadingBody:
      Finish(c, false, absl::StrCat("timeout after ", after, " reading body"));
      return;
    case Phase::kIdle:
      return;
  }
}

void Prober::Engine::CloseProbe(ProbeCheck& c) {
  if (c.phase == Phase::kResolving) --resolving_;  // its callback is ignored
  if (c.ssl != nullptr) {
    SSL_free(c.ssl);  // no close_notify: we reset the connection anyway
    c.ssl = nullptr;
  }
  if (c.fd >= 0) {
    if (c.interest != 0 && epfd_ >= 0) epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
    if (c.connected) {
      // Reset instead of FIN: thousands of probes a minute must not leave
      // TIME_WAIT sockets behind (HAProxy does the same for its checks).
      linger lg{1, 0};
      setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    close(c.fd);
  }
  c.fd = -1;
  c.interest = 0;
  c.connected = false;
  c.phase = Phase::kIdle;
  c.probe_id = 0;
  std::string().swap(c.out);
  std::string().swap(c.head);
  std::string().swap(c.body);
  std::string().swap(c.chunk_line);
  c.out_off = 0;
  c.status = 0;
  c.chunked = false;
  c.content_left = -1;
  c.chunk_state = ChunkState::kSize;
  c.chunk_left = 0;
  c.body_done = false;
}

void Prober::Engine::Finish(ProbeCheck& c, bool ok, std::string reason) {
  const double latency = ToMillis(Clock::now() - c.probe_start);
  CloseProbe(c);
  Record(c, ok, std::move(reason), latency);
  Arm(c, c.next_start);
}

void Prober::Engine::Record(ProbeCheck& c, bool ok, std::string reason,
                            double latency_ms) {
  ++c.checks;
  ++totals_.results;
  if (!ok) ++c.failures;
  c.consecutive = (c.has_result && c.last_ok == ok) ? c.consecutive + 1 : 1;
  c.last_ok = ok;
  c.reason = std::move(reason);
  c.last_latency_ms = latency_ms;
  const bool first = !c.has_result;
  c.has_result = true;
  const bool result = ok != c.cfg.inverted;
  if (result != c.healthy && (first || c.consecutive >= c.cfg.failure_threshold)) {
    std::string why = first ? std::string("first result")
                            : absl::StrCat(c.consecutive, " consecutive ",
                                           ok ? "successes" : "failures");
    if (c.cfg.inverted) absl::StrAppend(&why, ", inverted");
    ChangeState(c, result, why);
  }
  health_.SetUnlessForced(c.slot, c.healthy);
}

void Prober::Engine::ChangeState(ProbeCheck& c, bool healthy, std::string_view why) {
  c.healthy = healthy;
  c.last_change = SysClock::now();
  ++totals_.state_changes;
  calc_dirty_ = true;
  std::string line = absl::StrCat("health: '", c.cfg.id, "' ", c.cfg.Describe(),
                                  " is now ", healthy ? "healthy" : "unhealthy",
                                  ": ", c.reason, " (", AV(why), ")");
  if (health_.word(c.slot) & geo::HealthTable::kForcedBit) {
    absl::StrAppend(&line, "; slot forced by an operator, not applied");
  }
  options_.log(line);
}

void Prober::Engine::EvaluateCalculated() {
  for (uint64_t serial : calculated_) {
    auto it = checks_.find(serial);
    if (it == checks_.end()) continue;
    ProbeCheck& c = *it->second;
    if (c.cfg.disabled) continue;
    int up = 0;
    for (geo::HealthSlot s : c.child_slots) up += health_.healthy(s) ? 1 : 0;
    const bool ok = up >= c.cfg.health_threshold;
    std::string reason = absl::StrCat(up, " of ", c.child_slots.size(),
                                      " children healthy (HealthThreshold ",
                                      c.cfg.health_threshold, ")");
    const bool result = ok != c.cfg.inverted;
    ++c.checks;
    if (!ok) ++c.failures;
    c.consecutive = (c.has_result && c.last_ok == ok) ? c.consecutive + 1 : 1;
    c.last_ok = ok;
    c.reason = std::move(reason);
    c.has_result = true;
    if (result != c.healthy) {
      ChangeState(c, result, c.cfg.inverted ? "inverted" : "children");
    }
    health_.SetUnlessForced(c.slot, c.healthy);
  }
  // ChangeState above marks dirty; parents were evaluated after children.
  calc_dirty_ = false;
}

void Prober::Engine::RefreshSlots() {
  for (const auto& [serial, c] : checks_) health_.SetUnlessForced(c->slot, c->healthy);
}

absl::Status Prober::Engine::Apply(const HealthChecksConfig& config) {
  // Slots first, so a full table changes nothing.
  std::vector<geo::HealthSlot> slots;
  slots.reserve(config.size());
  for (const HealthCheckConfig& cfg : config.checks()) {
    absl::StatusOr<geo::HealthSlot> s = health_.SlotFor(cfg.id);
    if (!s.ok()) return s.status();
    slots.push_back(*s);
  }

  const Clock::time_point now = Clock::now();
  const SysClock::time_point wall = SysClock::now();
  absl::flat_hash_map<std::string, uint64_t> old_by_id = std::move(by_id_);
  by_id_.clear();
  order_.clear();
  std::vector<ProbeCheck*> fresh;
  for (size_t i = 0; i < config.size(); ++i) {
    const HealthCheckConfig& cfg = config.checks()[i];
    auto old = old_by_id.find(cfg.id);
    if (old != old_by_id.end()) {
      ProbeCheck& kept = *checks_.at(old->second);
      const uint64_t serial = old->second;
      old_by_id.erase(old);
      if (kept.cfg.SameProbe(cfg)) {
        kept.cfg = cfg;  // line numbers may have moved
        by_id_[cfg.id] = serial;
        order_.push_back(serial);
        continue;
      }
      CloseProbe(kept);
      checks_.erase(serial);
    }
    auto c = std::make_unique<ProbeCheck>();
    c->cfg = cfg;
    c->slot = slots[i];
    c->serial = next_serial_++;
    // Healthy until the first result; Inverted flips that. Disabled's
    // result is always "healthy", so the same expression covers it.
    c->healthy = !cfg.inverted;
    c->last_change = wall;
    if (cfg.disabled) {
      c->has_result = true;
      c->last_ok = true;
      c->reason = "disabled";
    }
    health_.SetUnlessForced(c->slot, c->healthy);
    by_id_[cfg.id] = c->serial;
    order_.push_back(c->serial);
    fresh.push_back(c.get());
    checks_.emplace(c->serial, std::move(c));
  }
  for (const auto& [id, serial] : old_by_id) {  // removed
    CloseProbe(*checks_.at(serial));
    checks_.erase(serial);
  }

  // Child slots and the CALCULATED evaluation order (children first;
  // HealthChecksConfig has ruled out cycles).
  calculated_.clear();
  absl::flat_hash_map<uint64_t, bool> placed;
  std::vector<std::pair<uint64_t, size_t>> stack;
  for (uint64_t root : order_) {
    ProbeCheck& r = *checks_.at(root);
    if (r.cfg.type != HealthCheckType::kCalculated || placed.contains(root)) continue;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto& [serial, next] = stack.back();
      ProbeCheck& c = *checks_.at(serial);
      if (next < c.cfg.children.size()) {
        const uint64_t child = by_id_.at(c.cfg.children[next++]);
        ProbeCheck& ch = *checks_.at(child);
        if (ch.cfg.type == HealthCheckType::kCalculated && !placed.contains(child)) {
          stack.push_back({child, 0});
        }
        continue;
      }
      if (!placed.contains(serial)) {
        c.child_slots.clear();
        for (const std::string& id : c.cfg.children) {
          c.child_slots.push_back(checks_.at(by_id_.at(id))->slot);
        }
        placed[serial] = true;
        calculated_.push_back(serial);
      }
      stack.pop_back();
    }
  }

  // First probes of new checks, spread over min(interval, 1 s) in config
  // order.
  size_t n_probing = 0;
  for (ProbeCheck* c : fresh) {
    if (!c->cfg.disabled && c->cfg.type != HealthCheckType::kCalculated) ++n_probing;
  }
  size_t k = 0;
  for (ProbeCheck* c : fresh) {
    if (c->cfg.disabled || c->cfg.type == HealthCheckType::kCalculated) continue;
    const Clock::duration spread =
        std::min<Clock::duration>(std::chrono::seconds(c->cfg.request_interval_s),
                                  kFirstProbeSpread);
    c->next_start = now + spread * static_cast<int64_t>(k++) /
                              static_cast<int64_t>(n_probing);
    Arm(*c, c->next_start);
  }
  EvaluateCalculated();
  if (!refresh_armed_ && !checks_.empty()) {
    timers_.push(Timer{now + kRefreshPeriod, 0, 0});
    refresh_armed_ = true;
  }
  Wake();
  return absl::OkStatus();
}

std::vector<HealthCheckStatus> Prober::Engine::Status() const {
  std::vector<HealthCheckStatus> out;
  out.reserve(order_.size());
  for (uint64_t serial : order_) {
    const ProbeCheck& c = *checks_.at(serial);
    HealthCheckStatus s;
    s.id = c.cfg.id;
    s.type = c.cfg.type;
    s.description = c.cfg.Describe();
    s.slot = c.slot;
    s.healthy = c.healthy;
    const uint32_t word = health_.word(c.slot);
    s.forced = (word & geo::HealthTable::kForcedBit) != 0;
    s.slot_healthy = (word & geo::HealthTable::kDownBit) == 0;
    s.disabled = c.cfg.disabled;
    s.inverted = c.cfg.inverted;
    s.has_result = c.has_result;
    s.last_ok = c.last_ok;
    s.reason = c.reason;
    s.address = c.address;
    s.last_latency_ms = c.last_latency_ms;
    s.last_change = c.last_change;
    s.checks = c.checks;
    s.failures = c.failures;
    s.consecutive = c.consecutive;
    s.failure_threshold = c.cfg.failure_threshold;
    s.request_interval_s = c.cfg.request_interval_s;
    out.push_back(std::move(s));
  }
  return out;
}

// ---------------------------------------------------------------------------

Prober::Prober(geo::HealthTable& health, ProberOptions options)
    : engine_(std::make_unique<Engine>(health, std::move(options))) {}

Prober::~Prober() { Stop(); }

absl::Status Prober::Start() {
  absl::MutexLock life(&lifecycle_mu_);
  if (started_) return absl::FailedPreconditionError("prober already started");
  Engine* engine;  // lives as long as *this; Run() takes mu_ itself
  {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = engine_->Init(); !s.ok()) {
      engine_->Shutdown();
      return s;
    }
    engine = engine_.get();
  }
  started_ = true;
  thread_ = std::thread([this, engine] { engine->Run(mu_); });
  return absl::OkStatus();
}

void Prober::Stop() {
  absl::MutexLock life(&lifecycle_mu_);
  if (!thread_.joinable()) return;
  {
    absl::MutexLock lock(&mu_);
    engine_->RequestStop();
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  engine_->Shutdown();
}

absl::Status Prober::Apply(const HealthChecksConfig& config) {
  absl::MutexLock lock(&mu_);
  return engine_->Apply(config);
}

std::vector<HealthCheckStatus> Prober::Status() const {
  absl::MutexLock lock(&mu_);
  return engine_->Status();
}

Prober::Totals Prober::totals() const {
  absl::MutexLock lock(&mu_);
  return engine_->totals();
}

}  // namespace health
