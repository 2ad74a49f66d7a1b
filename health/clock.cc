// File: health/clock.cc
#include "health/clock.h"

#include <algorithm>

namespace health {
namespace {

using std::chrono::milliseconds;

class SystemClock final : public Clock {
 public:
  SteadyTime Now() const override { return std::chrono::steady_clock::now(); }
  WallTime WallNow() const override { return std::chrono::system_clock::now(); }
  std::optional<milliseconds> BlockFor(SteadyTime when) const override {
    const auto d = when - Now();
    if (d <= SteadyTime::duration::zero()) return milliseconds(0);
    return std::chrono::ceil<milliseconds>(d);
  }
  uint64_t Subscribe(std::function<void()>) override { return 0; }
  void Unsubscribe(uint64_t) override {}
};

}  // namespace

Clock& RealClock() {
  static SystemClock* clock = new SystemClock();  // never destroyed
  return *clock;
}

FakeClock::FakeClock()
    : steady_start_(std::chrono::steady_clock::now()),
      wall_start_(std::chrono::system_clock::now()) {}

SteadyTime FakeClock::Now() const {
  return steady_start_ + std::chrono::nanoseconds(elapsed_ns_.load(std::memory_order_acquire));
}

WallTime FakeClock::WallNow() const {
  return wall_start_ + std::chrono::duration_cast<WallTime::duration>(std::chrono::nanoseconds(
                           elapsed_ns_.load(std::memory_order_acquire)));
}

std::optional<milliseconds> FakeClock::BlockFor(SteadyTime when) const {
  if (when <= Now()) return milliseconds(0);
  return std::nullopt;
}

uint64_t FakeClock::Subscribe(std::function<void()> on_advance) {
  absl::MutexLock lock(&mu_);
  subscribers_.emplace_back(next_handle_, std::move(on_advance));
  return next_handle_++;
}

void FakeClock::Unsubscribe(uint64_t handle) {
  absl::MutexLock lock(&mu_);
  std::erase_if(subscribers_, [handle](const auto& s) { return s.first == handle; });
}

void FakeClock::Advance(std::chrono::nanoseconds d) {
  absl::MutexLock lock(&mu_);
  elapsed_ns_.fetch_add(std::max<int64_t>(0, d.count()), std::memory_order_acq_rel);
  for (const auto& [handle, on_advance] : subscribers_) on_advance();
}

}  // namespace health
