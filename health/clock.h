// File: health/clock.h
//
// Clock: where the prober reads the time. Intervals, timeouts and probe
// latencies come from Now() (steady), the time a check's state changed
// from WallNow(). RealClock() is the process's clocks; a FakeClock moves
// only when a test advances it, so tests of intervals, thresholds and
// timeouts advance time instead of sleeping (probes still do real I/O).
//
// A loop that waits for a deadline asks BlockFor() how long it may block:
// the real clock says how long until the deadline, a fake clock says
// "until woken" and, after each Advance(), calls its subscribers so that
// they run what fell due themselves.
//
// Example (a test):
//   health::FakeClock clock;
//   health::ProberOptions options;
//   options.clock = &clock;
//   health::Prober prober(table, std::move(options));
//   ...
//   clock.Advance(std::chrono::seconds(1));  // the next interval's probes start
//
// Thread safety: every member may be called from any thread.
#ifndef STEERDNS_HEALTH_CLOCK_H_
#define STEERDNS_HEALTH_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace health {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;

  // Monotonic time: intervals, deadlines, latencies.
  virtual SteadyTime Now() const = 0;
  // Calendar time: when a check's state last changed.
  virtual WallTime WallNow() const = 0;

  // How long a thread may block (epoll_wait's timeout) before Now()
  // reaches `when`: 0 once it has. Otherwise the real clock answers the
  // difference rounded up to a whole millisecond (so the waiter does not
  // wake a hair early and spin), a fake clock std::nullopt: until woken,
  // since its time moves only in Advance(), which calls the subscribers.
  virtual std::optional<std::chrono::milliseconds> BlockFor(SteadyTime when) const = 0;

  // Registers `on_advance`, called after every jump of the clock on the
  // thread that made it, with the clock's lock held: it must not
  // Subscribe, Unsubscribe or Advance. Returns the handle for Unsubscribe.
  // The real clock never jumps: it keeps nothing.
  virtual uint64_t Subscribe(std::function<void()> on_advance) = 0;
  // After this returns the callback is not running and is never called
  // again. Must not be called while holding a lock the callback takes.
  virtual void Unsubscribe(uint64_t handle) = 0;
};

// std::chrono::steady_clock and system_clock. Lives as long as the process.
Clock& RealClock();

// A clock for tests: starts at the real clocks' current time and moves
// only by Advance().
class FakeClock final : public Clock {
 public:
  FakeClock();

  SteadyTime Now() const override;
  WallTime WallNow() const override;
  std::optional<std::chrono::milliseconds> BlockFor(SteadyTime when) const override;
  uint64_t Subscribe(std::function<void()> on_advance) override;
  void Unsubscribe(uint64_t handle) override;

  // Moves both times forward by `d` (negative counts as 0), then calls
  // every subscriber and returns after they have. For a Prober on this
  // clock: every timer that fell due has run when Advance returns (probes
  // started, deadlines reported); what is left is real I/O.
  void Advance(std::chrono::nanoseconds d);

 private:
  const SteadyTime steady_start_;
  const WallTime wall_start_;
  std::atomic<int64_t> elapsed_ns_{0};  // read lock-free by Now()
  absl::Mutex mu_;                      // serializes Advance and (un)subscribing
  uint64_t next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<std::pair<uint64_t, std::function<void()>>> subscribers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace health

#endif  // STEERDNS_HEALTH_CLOCK_H_
