// File: dns/server/counters.h
//
// Per-worker query counters, in the manner of gdnsd's stats_own_inc: each
// worker owns one struct and is its only writer; a metrics scrape (the
// control thread) reads them and sums across workers.
//
// Thread safety: exactly one thread (the owning worker) calls Bump(); any
// thread may call Load()/Read(). Fields are std::atomic so concurrent reads
// are well-defined, but the owner increments with a relaxed load + relaxed
// store (a plain `mov` on x86, no locked instruction): with one writer no
// increment can be lost. Totals read mid-batch may be a few queries behind.
#ifndef STEERDNS_DNS_SERVER_COUNTERS_H_
#define STEERDNS_DNS_SERVER_COUNTERS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace dns::server {

using Counter = std::atomic<uint64_t>;

// Owner-only increment (see "Thread safety" above).
inline void Bump(Counter& c, uint64_t n = 1) noexcept {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
inline uint64_t Load(const Counter& c) noexcept {
  return c.load(std::memory_order_relaxed);
}

// RCODE slots: 0..15 are the header RCODEs, 16 is BADVERS (the only
// extended RCODE the engine emits); anything larger lands in the last slot.
inline constexpr size_t kRcodeSlots = 17;

// Counters of one worker (UDP or TCP). alignas(64): each worker's counters
// sit on their own cache lines, so workers never false-share.
struct alignas(64) WorkerCounters {
  Counter queries{0};    // messages handed to the engine
  Counter replies{0};    // replies sent (or queued, for TCP)
  Counter dropped{0};    // no reply: engine said drop, or send failed
  Counter formerr{0};    // malformed queries (FORMERR or dropped as such)
  Counter truncated{0};  // replies with TC set (UDP)
  std::array<Counter, kRcodeSlots> by_rcode{};  // replies by RCODE
  // TCP only.
  Counter tcp_accepted{0};     // connections accepted
  Counter tcp_idle_closed{0};  // closed by the idle timeout
  Counter tcp_evicted{0};      // closed to make room (connection cap)

  static size_t RcodeSlot(uint16_t rcode) {
    return rcode < kRcodeSlots ? rcode : kRcodeSlots - 1;
  }
};

// Plain totals, summed by the reader.
struct CounterTotals {
  uint64_t queries = 0, replies = 0, dropped = 0, formerr = 0, truncated = 0;
  std::array<uint64_t, kRcodeSlots> by_rcode{};
  uint64_t tcp_accepted = 0, tcp_idle_closed = 0, tcp_evicted = 0;

  void Add(const WorkerCounters& c) {
    queries += Load(c.queries);
    replies += Load(c.replies);
    dropped += Load(c.dropped);
    formerr += Load(c.formerr);
    truncated += Load(c.truncated);
    for (size_t i = 0; i < kRcodeSlots; ++i) by_rcode[i] += Load(c.by_rcode[i]);
    tcp_accepted += Load(c.tcp_accepted);
    tcp_idle_closed += Load(c.tcp_idle_closed);
    tcp_evicted += Load(c.tcp_evicted);
  }
};

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_COUNTERS_H_
