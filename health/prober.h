// File: health/prober.h
//
// Prober: runs the health checks of a HealthChecksConfig and writes each
// check's state into its geo::HealthTable slot, which the query path reads.
//
// One thread, one epoll loop, no thread per check. Every probe is a
// non-blocking socket on that loop; names (FullyQualifiedDomainName without
// IPAddress) are resolved with c-ares driven from the same loop
// (ARES_OPT_SOCK_STATE_CB + ares_process_fd), before every probe. HTTPS uses
// OpenSSL on the same non-blocking socket and, like Route 53, does not
// validate the certificate (it sends SNI when the check has a name).
// Intervals and timeouts are read from a health::Clock (ProberOptions).
//
// The parts, each with its own header:
//   health/probe.h           one probe on its socket (TCP connect, HTTP(S)
//                            request, TLS) and Route 53's timeouts; it
//                            reports a raw result (ok, reason, latency)
//   health/http_response.h   the request sent and how the response is read
//                            (2xx/3xx pass, SearchString in the first 5,120
//                            bytes of the body)
//   health/state_updater.h   results -> state: first result, Inverted,
//                            FailureThreshold (Route 53's hysteresis)
//   health/clock.h           where time is read (a FakeClock in tests)
//
// A name (FullyQualifiedDomainName without IPAddress) is resolved first (A
// record) within the probe's cap: "resolve failed: Domain name not found",
// "resolve timeout after 900ms".
//
// Every timeout is capped so that a probe ends before the next one is due:
// a whole probe (resolve, connect, response) gets at most 90% of
// RequestInterval, and when that cap is what runs out the reason names it
// ("timeout after 900ms" with RequestInterval 1, "connect timeout after
// 9s" for a TCP check with RequestInterval 10).
// Probes of a check start every RequestInterval seconds, at a fixed rate;
// a new check's first probe starts within min(RequestInterval, 1 s), spread
// so that thousands of checks do not start in the same millisecond.
//
// State (what goes into the slot):
//   - Probed checks: StateUpdater's rules (healthy until the first result,
//     an Inverted one unhealthy; then FailureThreshold results in a row
//     flip it, both ways). Disabled: not probed, "healthy", then Inverted.
//   - CALCULATED: healthy iff at least HealthThreshold children are healthy
//     (then Inverted applies); no hysteresis. Children are read from their
//     geo::HealthTable slots, so an operator's forced state counts. Re-evaluated
//     whenever a child changes and once a second.
//   - The slot is written with geo::HealthTable::SetUnlessForced after every
//     result and once a second (a relaxed CAS, no lock), so a slot an
//     operator forced is left alone and an Unforce() is overwritten within
//     a second. Each state
//     change is logged once, one line:
//       health: 'hc-web' TCP 192.0.2.1:80 is now unhealthy: connect refused
//       (3 consecutive failures)
//     The prober bits of the state word are not used.
//
// Reload: Apply(config) keeps the state, counters and schedule of every check
// whose Id and config are unchanged (HealthCheckConfig::SameProbe), starts
// changed and new checks fresh (slot set to the initial state), and stops
// removed ones (their in-flight probe is abandoned; their slot keeps its
// last state and is never reused, see geo::HealthTable).
//
// Example (the server's wiring):
//   geo::HealthTable health;                               // server lifetime
//   health::Prober prober(health);
//   if (absl::Status s = prober.Start(); !s.ok()) ...      // at start-up
//   auto cfg = health::HealthChecksConfig::Load(flag_health_checks);
//   // check every record's HealthCheckId with cfg->Contains() first, then
//   if (absl::Status s = prober.Apply(*cfg); !s.ok()) ...  // slots assigned
//   // snapshot build: slot = *health.SlotFor(record.health_check_id)
//   for (const health::HealthCheckStatus& st : prober.Status()) ...  // zonectl
//   prober.Stop();                                         // at shutdown
//
// Thread safety: Start/Stop/Apply/Status may be called from any thread (the
// control thread) and are serialized by an internal mutex that the prober
// thread also takes while it works (never during epoll_wait), so they wait
// at most for one round of event handling. The query path never touches
// the Prober, only the geo::HealthTable. The prober thread blocks SIGPIPE for
// itself; nothing else is done to the process's signals. On a FakeClock,
// timers that fall due run inside FakeClock::Advance(), on its caller's
// thread (which should ignore SIGPIPE).
#ifndef STEERDNS_HEALTH_PROBER_H_
#define STEERDNS_HEALTH_PROBER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "geo/health.h"
#include "health/clock.h"
#include "health/health_checks.h"

namespace health {

struct ProberOptions {
  // DNS servers for FullyQualifiedDomainName checks, as c-ares takes them
  // ("127.0.0.1:5353,[::1]:53"). Empty: /etc/resolv.conf (and /etc/hosts).
  // When set, only these servers are asked: no hosts file, no search list.
  std::string dns_servers;
  // Where state changes are logged, one line each without the newline.
  // Default (empty): stderr. Called on the prober thread or inside Apply;
  // must not call back into the Prober.
  std::function<void(std::string_view line)> log;
  // Where intervals, timeouts, latencies and state-change times are read.
  // nullptr: RealClock(). Must outlive the Prober. Tests pass a FakeClock
  // and advance it instead of sleeping.
  Clock* clock = nullptr;
  // Called after every round of the prober's work (a loop iteration, a
  // FakeClock advance), with the Prober's lock held: must not call back
  // into the Prober. Lets a test wait for a state instead of polling.
  std::function<void()> after_round;
};

// One check's status, as `zonectl health` and /metrics show it.
struct HealthCheckStatus {
  std::string id;
  HealthCheckType type = HealthCheckType::kTcp;
  std::string description;  // HealthCheckConfig::Describe()
  geo::HealthSlot slot = geo::kNoSlot;
  // The prober's state (after Inverted, hysteresis, Disabled, children).
  bool healthy = true;
  // An operator forced the slot; `slot_healthy` is what the query path sees.
  bool forced = false;
  bool slot_healthy = true;
  bool disabled = false;
  bool inverted = false;
  // At least one result since the check (re)started.
  bool has_result = false;
  // The last result before Inverted (true = the endpoint passed), its
  // reason ("connected", "HTTP 200", "connect refused", "HTTP 503",
  // "timeout after 2s", "search string not found", "2 of 3 children
  // healthy", "disabled"), and the address it probed ("192.0.2.1:80").
  bool last_ok = false;
  std::string reason;
  std::string address;
  // Time from the start of the probe (after resolving) to its result.
  double last_latency_ms = 0;
  // When `healthy` last changed, or the check (re)started.
  std::chrono::system_clock::time_point last_change;
  // Results so far and how many of them failed (before Inverted).
  uint64_t checks = 0;
  uint64_t failures = 0;
  // How many results in a row had last_ok's value.
  int consecutive = 0;
  int failure_threshold = 0;
  int request_interval_s = 0;
};

class Prober {
 public:
  // `health` must outlive the Prober.
  explicit Prober(geo::HealthTable& health, ProberOptions options = {});
  // Stops the thread if it runs.
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  // Creates the epoll loop, the c-ares channel and the TLS context, and
  // starts the prober thread. Checks Applied before Start() begin probing
  // now. Errors: InvalidArgument for bad ProberOptions::dns_servers,
  // Internal for system or library failures, FailedPrecondition if called
  // twice. A Prober is started at most once.
  absl::Status Start();
  // Stops the thread and abandons probes in flight; slots keep their state.
  // Idempotent. Apply/Status still work afterwards (nothing is probed).
  void Stop();

  // Replaces the set of checks (see "Reload" above). Assigns every check's
  // geo::HealthTable slot (SlotFor) before anything changes; on failure
  // (ResourceExhausted: the table is full) nothing changes. On return the
  // slots of new and restarted checks hold their initial state and the
  // prober thread has the new set.
  absl::Status Apply(const HealthChecksConfig& config);

  // Every configured check, in config order. A copy: safe to keep.
  std::vector<HealthCheckStatus> Status() const;

  // Probes started and results recorded since construction (all checks).
  struct Totals {
    uint64_t probes_started = 0;
    uint64_t results = 0;
    uint64_t state_changes = 0;
    uint64_t loop_iterations = 0;
  };
  Totals totals() const;

  class Engine;  // prober.cc

 private:
  // The clock, and our subscription to its jumps (FakeClock only).
  Clock* const clock_;
  uint64_t clock_subscription_ = 0;
  // Serializes Start/Stop (held while joining the thread, so never taken
  // by the prober thread).
  absl::Mutex lifecycle_mu_;
  bool started_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
  // Guards the engine; the prober thread holds it except in epoll_wait.
  mutable absl::Mutex mu_ ABSL_ACQUIRED_AFTER(lifecycle_mu_);
  std::unique_ptr<Engine> engine_ ABSL_PT_GUARDED_BY(mu_);
};

}  // namespace health

#endif  // STEERDNS_HEALTH_PROBER_H_
