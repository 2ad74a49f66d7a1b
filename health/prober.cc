// File: health/prober.cc
//
// The Prober's engine: one epoll loop, the timers that start probes and end
// them, c-ares for names, the CALCULATED evaluation and the slots. What a
// probe does on its socket is health/probe.h; what results mean for a
// check's state is health/state_updater.h.
#include "health/prober.h"

#include <ares.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <queue>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/string_view.h"
#include "health/probe.h"
#include "health/state_updater.h"

namespace health {

using base::AV;

namespace {

using Duration = SteadyTime::duration;

// A probe must end by this fraction of RequestInterval, so probes of one
// check never overlap and every interval yields exactly one result.
constexpr int kCapPerMille = 900;
// New checks' first probes are spread over min(RequestInterval, this).
constexpr Duration kFirstProbeSpread = std::chrono::seconds(1);
// CALCULATED checks are re-evaluated and every slot rewritten this often
// (operator Force/Unforce on a child or a slot shows within it).
constexpr Duration kRefreshPeriod = std::chrono::seconds(1);
// epoll_wait batch; more ready sockets simply wait for the next round.
constexpr int kMaxEvents = 256;
// The longest epoll_wait: a loop with nothing due still comes round.
constexpr int64_t kMaxWaitMs = 60'000;
// c-ares: per-try timeout and tries. A resolution also ends at the probe's
// cap, whichever comes first.
constexpr int kAresTimeoutMs = 1000;
constexpr int kAresTries = 2;

// epoll data: 0 = the wake eventfd, kAresTag|fd = a c-ares socket,
// otherwise a check serial (serials start at 1 and stay below kAresTag).
constexpr uint64_t kWakeTag = 0;
constexpr uint64_t kAresTag = uint64_t{1} << 63;

void DefaultLog(std::string_view line) {
  std::string out(line);
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

enum class Phase : uint8_t {
  kIdle,       // waiting for the next start
  kResolving,  // c-ares query in flight
  kProbing,    // `probe` in flight
};

absl::Status AresLibraryInit() {
  static int rc = [] { return ares_library_init(ARES_LIB_INIT_ALL); }();
  if (rc != ARES_SUCCESS) {
    return absl::InternalError(absl::StrCat("ares_library_init: ", ares_strerror(rc)));
  }
  return absl::OkStatus();
}

absl::Status SystemError(std::string_view what) {
  return absl::InternalError(absl::StrCat(AV(what), ": ", base::ErrnoText(errno)));
}

}  // namespace

// One configured check: its config, its state and its probe in flight.
struct ProbeCheck {
  HealthCheckConfig cfg;
  geo::HealthSlot slot = geo::kNoSlot;
  std::vector<geo::HealthSlot> child_slots;  // CALCULATED
  uint64_t serial = 0;

  // State and counters (see HealthCheckStatus).
  StateUpdater state{1, false};
  std::string reason;
  std::string address;
  double last_latency_ms = 0;
  WallTime last_change;

  // Schedule. Exactly one live timer per probing check: the next start
  // while idle, the deadline while a probe is in flight.
  SteadyTime next_start;
  uint64_t timer_seq = 0;
  SteadyTime armed;  // the live timer's time

  // The probe in flight.
  Phase phase = Phase::kIdle;
  uint64_t probe_id = 0;       // 0 = none
  SteadyTime probe_start;      // resolve start, then connect start
  Duration cap{};              // the probe's whole budget
  SteadyTime cap_end;          // the probe ends by then
  std::unique_ptr<Probe> probe;
  uint32_t interest = 0;       // registered epoll events
};

class Prober::Engine {
 public:
  Engine(geo::HealthTable& health, ProberOptions options)
      : health_(health),
        options_(std::move(options)),
        clock_(options_.clock != nullptr ? *options_.clock : RealClock()) {
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
  // The clock jumped (a FakeClock): run what fell due, here and now.
  void OnClockAdvanced();
  absl::Status Apply(const HealthChecksConfig& config);
  std::vector<HealthCheckStatus> Status() const;
  Totals totals() const { return totals_; }

 private:
  struct Timer {
    SteadyTime when;
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
  void Arm(ProbeCheck& c, SteadyTime when);
  void RunTimers(SteadyTime now);
  // epoll_wait's timeout: until the next timer or c-ares timeout.
  int WaitMillis();
  void Dispatch(uint64_t data, uint32_t events);
  void AfterRound();

  void StartProbe(ProbeCheck& c, SteadyTime now);
  void Connect(ProbeCheck& c, const ProbeAddress& address);
  // After every call into c.probe: its result, or its socket and deadline.
  void Follow(ProbeCheck& c);
  void SetInterest(ProbeCheck& c, uint32_t events);
  void CloseProbe(ProbeCheck& c);
  void Finish(ProbeCheck& c, ProbeResult result);
  void Record(ProbeCheck& c, ProbeResult result);
  void ChangeState(ProbeCheck& c, std::string_view why);
  void EvaluateCalculated();
  void RefreshSlots();

  static void OnResolved(void* arg, int status, int timeouts, hostent* host);
  static void OnAresSocket(void* data, ares_socket_t fd, int readable,
                           int writable);

  geo::HealthTable& health_;
  ProberOptions options_;
  const Clock& clock_;
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

absl::Status Prober::Engine::Init() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) return SystemError("epoll_create1");
  wakefd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakefd_ < 0) return SystemError("eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeTag;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev) != 0) return SystemError("epoll_ctl");

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

  absl::StatusOr<SSL_CTX*> tls = NewProbeTlsContext();
  if (!tls.ok()) return tls.status();
  ssl_ctx_ = *tls;
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

void Prober::Engine::Arm(ProbeCheck& c, SteadyTime when) {
  ++c.timer_seq;
  c.armed = when;
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
    RunTimers(clock_.Now());
    AfterRound();
    const int wait_ms = WaitMillis();
    mu.Unlock();
    const int n = epoll_wait(epfd_, events, kMaxEvents, wait_ms);
    const int wait_errno = errno;
    mu.Lock();
    ++totals_.loop_iterations;
    if (n < 0 && wait_errno != EINTR) {
      options_.log(absl::StrCat("health: epoll_wait: ", base::ErrnoText(wait_errno)));
    }
    for (int i = 0; i < n; ++i) Dispatch(events[i].data.u64, events[i].events);
    if (resolving_ > 0 && channel_ != nullptr) {
      ares_process_fd(channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
    }
    AfterRound();
  }
  mu.Unlock();
}

void Prober::Engine::OnClockAdvanced() {
  if (epfd_ < 0) return;  // not started (or stopped): Run() catches up
  RunTimers(clock_.Now());
  AfterRound();
  Wake();  // the loop recomputes its wait (c-ares may have work now)
}

void Prober::Engine::RunTimers(SteadyTime now) {
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
    switch (c.phase) {
      case Phase::kIdle:
        StartProbe(c, now);
        break;
      case Phase::kResolving:
        // The resolve phase's deadline is the probe's cap.
        Finish(c, {false, absl::StrCat("resolve timeout after ", TimeoutText(c.cap)),
                   MillisBetween(c.probe_start, clock_.Now())});
        break;
      case Phase::kProbing:
        c.probe->OnDeadline();
        Follow(c);
        break;
    }
  }
}

int Prober::Engine::WaitMillis() {
  int64_t ms = kMaxWaitMs;
  if (!timers_.empty()) {
    if (std::optional<std::chrono::milliseconds> d = clock_.BlockFor(timers_.top().when)) {
      ms = d->count();
    }
  }
  if (resolving_ > 0 && channel_ != nullptr) {
    timeval max{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
    timeval tv{};
    const timeval* t = ares_timeout(channel_, &max, &tv);
    ms = std::min<int64_t>(ms, int64_t{t->tv_sec} * 1000 + (t->tv_usec + 999) / 1000);
  }
  return static_cast<int>(std::min<int64_t>(ms, kMaxWaitMs));
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
  if (c.probe == nullptr) return;
  c.probe->OnEvents(events);
  Follow(c);
}

void Prober::Engine::AfterRound() {
  if (calc_dirty_) {
    calc_dirty_ = false;
    EvaluateCalculated();
  }
  if (options_.after_round) options_.after_round();
}

void Prober::Engine::StartProbe(ProbeCheck& c, SteadyTime now) {
  const auto interval = std::chrono::seconds(c.cfg.request_interval_s);
  c.probe_id = next_probe_id_++;
  ++totals_.probes_started;
  c.probe_start = now;
  c.cap = std::chrono::duration_cast<Duration>(interval) * kCapPerMille / 1000;
  c.cap_end = now + c.cap;
  // Fixed rate; after a stall, restart the rhythm from now.
  c.next_start += interval;
  if (c.next_start <= now) c.next_start = now + interval;

  if (!c.cfg.ip_address.empty()) {
    std::optional<ProbeAddress> address = ProbeAddress::FromLiteral(c.cfg.ip_address, c.cfg.port);
    if (!address.has_value()) {  // unreachable: validated at load
      Finish(c, {false, "bad IPAddress", 0});
      return;
    }
    Connect(c, *address);
    return;
  }
  if (channel_ == nullptr) {
    Finish(c, {false, "resolver not running", 0});
    return;
  }
  c.phase = Phase::kResolving;
  Arm(c, c.cap_end);
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
  c.phase = Phase::kProbing;  // resolved; Connect() sets the real deadline
  const double latency = MillisBetween(c.probe_start, e.clock_.Now());
  if (status != ARES_SUCCESS) {
    e.Finish(c, {false, absl::StrCat("resolve failed: ", ares_strerror(status)), latency});
    return;
  }
  if (host == nullptr || host->h_addrtype != AF_INET || host->h_addr_list == nullptr ||
      host->h_addr_list[0] == nullptr) {
    e.Finish(c, {false, "resolve failed: no IPv4 address", latency});
    return;
  }
  in_addr addr;
  std::memcpy(&addr, host->h_addr_list[0], sizeof addr);
  e.Connect(c, ProbeAddress::FromIpv4(addr, c.cfg.port));
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

void Prober::Engine::Connect(ProbeCheck& c, const ProbeAddress& address) {
  c.address = address.ToString();
  c.probe_start = clock_.Now();
  if (epfd_ < 0) {
    Finish(c, {false, "prober not running", 0});
    return;
  }
  c.phase = Phase::kProbing;
  c.probe = std::make_unique<Probe>(c.cfg, ssl_ctx_, clock_, c.cap_end, c.cap);
  c.probe->Start(address);
  Follow(c);
}

void Prober::Engine::Follow(ProbeCheck& c) {
  if (c.probe->result().has_value()) {
    Finish(c, *c.probe->result());
    return;
  }
  SetInterest(c, c.probe->events());
  if (c.probe->deadline() != c.armed) Arm(c, c.probe->deadline());
}

void Prober::Engine::SetInterest(ProbeCheck& c, uint32_t events) {
  if (c.interest == events || events == 0) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = c.serial;
  epoll_ctl(epfd_, c.interest == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.probe->fd(), &ev);
  c.interest = events;
}

void Prober::Engine::CloseProbe(ProbeCheck& c) {
  if (c.phase == Phase::kResolving) --resolving_;  // its callback is ignored
  if (c.probe != nullptr) {
    if (c.interest != 0 && epfd_ >= 0) epoll_ctl(epfd_, EPOLL_CTL_DEL, c.probe->fd(), nullptr);
    c.probe.reset();  // closes the socket with a reset
  }
  c.interest = 0;
  c.phase = Phase::kIdle;
  c.probe_id = 0;
}

void Prober::Engine::Finish(ProbeCheck& c, ProbeResult result) {
  CloseProbe(c);
  Record(c, std::move(result));
  Arm(c, c.next_start);
}

void Prober::Engine::Record(ProbeCheck& c, ProbeResult result) {
  ++totals_.results;
  c.reason = std::move(result.reason);
  c.last_latency_ms = result.latency_ms;
  if (c.state.Observe(result.ok)) ChangeState(c, c.state.FlipReason());
  health_.SetUnlessForced(c.slot, c.state.healthy());
}

void Prober::Engine::ChangeState(ProbeCheck& c, std::string_view why) {
  const bool healthy = c.state.healthy();
  c.last_change = clock_.WallNow();
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
    c.reason = absl::StrCat(up, " of ", c.child_slots.size(),
                            " children healthy (HealthThreshold ", c.cfg.health_threshold, ")");
    if (c.state.Observe(up >= c.cfg.health_threshold)) {
      ChangeState(c, c.cfg.inverted ? "inverted" : "children");
    }
    health_.SetUnlessForced(c.slot, c.state.healthy());
  }
  // ChangeState above marks dirty; parents were evaluated after children.
  calc_dirty_ = false;
}

void Prober::Engine::RefreshSlots() {
  for (const auto& [serial, c] : checks_) health_.SetUnlessForced(c->slot, c->state.healthy());
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

  const SteadyTime now = clock_.Now();
  const WallTime wall = clock_.WallNow();
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
    // Healthy until the first result; Inverted flips that. A Disabled
    // check's one result is "passed"; CALCULATED has no hysteresis.
    if (cfg.disabled) {
      c->state = StateUpdater::Disabled(cfg.inverted);
      c->reason = "disabled";
    } else {
      c->state = StateUpdater(
          cfg.type == HealthCheckType::kCalculated ? 1 : cfg.failure_threshold, cfg.inverted);
    }
    c->last_change = wall;
    health_.SetUnlessForced(c->slot, c->state.healthy());
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
    const Duration spread =
        std::min<Duration>(std::chrono::seconds(c->cfg.request_interval_s), kFirstProbeSpread);
    c->next_start = now + spread * static_cast<int64_t>(k++) / static_cast<int64_t>(n_probing);
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
    s.healthy = c.state.healthy();
    const uint32_t word = health_.word(c.slot);
    s.forced = (word & geo::HealthTable::kForcedBit) != 0;
    s.slot_healthy = (word & geo::HealthTable::kDownBit) == 0;
    s.disabled = c.cfg.disabled;
    s.inverted = c.cfg.inverted;
    s.has_result = c.state.has_result();
    s.last_ok = c.state.last_ok();
    s.reason = c.reason;
    s.address = c.address;
    s.last_latency_ms = c.last_latency_ms;
    s.last_change = c.last_change;
    s.checks = c.state.checks();
    s.failures = c.state.failures();
    s.consecutive = c.state.consecutive();
    s.failure_threshold = c.cfg.failure_threshold;
    s.request_interval_s = c.cfg.request_interval_s;
    out.push_back(std::move(s));
  }
  return out;
}

// ---------------------------------------------------------------------------

Prober::Prober(geo::HealthTable& health, ProberOptions options)
    : clock_(options.clock != nullptr ? options.clock : &RealClock()),
      engine_(std::make_unique<Engine>(health, std::move(options))) {
  clock_subscription_ = clock_->Subscribe([this] {
    absl::MutexLock lock(&mu_);
    engine_->OnClockAdvanced();
  });
}

Prober::~Prober() {
  clock_->Unsubscribe(clock_subscription_);
  Stop();
}

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
