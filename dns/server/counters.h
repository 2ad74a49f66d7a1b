// File: dns/server/counters.h
//
// Per-worker query counters, in the manner of gdnsd's stats_own_inc: each
// worker owns one struct and is its only writer; a metrics scrape (the
// control thread) reads them and sums across workers. Besides plain
// counters: replies by QTYPE x RCODE, routed answers by (name, region,
// reason) in a fixed-capacity table, and per-region answer expiry for
// drain tracking (RecordOutcome fills all three from a dns::Outcome).
//
// Thread safety: exactly one thread (the owning worker) calls Bump(); any
// thread may call Load()/Read(). Fields are std::atomic so concurrent reads
// are well-defined, but the owner increments with a relaxed load + relaxed
// store (a plain `mov` on x86, no locked instruction): with one writer no
// increment can be lost. Totals read mid-batch may be a few queries behind.
#ifndef STEERDNS_DNS_SERVER_COUNTERS_H_
#define STEERDNS_DNS_SERVER_COUNTERS_H_

#include <time.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"
#include "dns/answer/answer.h"
#include "geo/regions.h"

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

// QTYPE slots for the per-type counters: the common types get their own
// slot, everything else shares the last ("OTHER"), which bounds the metric
// cardinality whatever clients send.
inline constexpr size_t kQtypeSlots = 20;
size_t QtypeSlot(uint16_t qtype) noexcept;
// "A", "AAAA", ..., "OTHER".
const char* QtypeSlotName(size_t slot);
// "NOERROR", "FORMERR", ..., "BADVERS" for RcodeSlot() values.
const char* RcodeSlotName(size_t slot);

// Answers per (routed name, region, reason) of one worker: a fixed-capacity
// open-addressing table (linear probing) allocated once, written only by
// its worker. A key is published after its count (release/acquire), so a
// reader never sees a key with a missing count. Once 3/4 full, new keys
// are counted in overflow() instead (no growth, no allocation).
class RoutedCounters {
 public:
  // Power of two. Realistic deployments have (routed names x regions they
  // answer from x reasons) in the hundreds; 4096 slots (64 KiB) leave room.
  static constexpr size_t kCapacity = 4096;
  static constexpr size_t kMaxUsed = kCapacity / 4 * 3;

  RoutedCounters() : slots_(new Slot[kCapacity]) {}
  RoutedCounters(const RoutedCounters&) = delete;
  RoutedCounters& operator=(const RoutedCounters&) = delete;

  // Owner only.
  void Bump(uint32_t name_id, uint32_t region, RouteReason reason) noexcept {
    const uint64_t key = Key(name_id, region, reason);
    size_t i = Hash(key) & (kCapacity - 1);
    for (;;) {
      Slot& slot = slots_[i];
      const uint64_t k = slot.key.load(std::memory_order_relaxed);
      if (k == key) {
        slot.count.store(slot.count.load(std::memory_order_relaxed) + 1,
                         std::memory_order_relaxed);
        return;
      }
      if (k == 0) {
        if (used_ >= kMaxUsed) {
          overflow_.store(overflow_.load(std::memory_order_relaxed) + 1,
                          std::memory_order_relaxed);
          return;
        }
        ++used_;
        slot.count.store(1, std::memory_order_relaxed);
        slot.key.store(key, std::memory_order_release);
        return;
      }
      i = (i + 1) & (kCapacity - 1);
    }
  }

  // Any thread: fn(name_id, region, reason, count) for every key in use.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < kCapacity; ++i) {
      const uint64_t k = slots_[i].key.load(std::memory_order_acquire);
      if (k == 0) continue;
      fn(static_cast<uint32_t>(k >> 32),
         (k >> 16 & 0xFFFF) == 0xFFFF ? geo::kNoRegion
                                      : static_cast<uint32_t>(k >> 16 & 0xFFFF),
         static_cast<RouteReason>(k >> 8 & 0xFF),
         slots_[i].count.load(std::memory_order_relaxed));
    }
  }
  // Answers not counted because the table was full.
  uint64_t overflow() const { return overflow_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::atomic<uint64_t> key{0};  // 0: free
    std::atomic<uint64_t> count{0};
  };
  // name:32 | region:16 (0xFFFF = none) | reason:8 | 1 (never 0).
  static uint64_t Key(uint32_t name_id, uint32_t region, RouteReason reason) noexcept {
    const uint64_t r = region >= 0xFFFF ? 0xFFFF : region;
    return uint64_t{name_id} << 32 | r << 16 | uint64_t{static_cast<uint8_t>(reason)} << 8 | 1;
  }
  static uint64_t Hash(uint64_t k) noexcept {  // splitmix64 finalizer
    k ^= k >> 30;
    k *= 0xbf58476d1ce4e5b9ull;
    k ^= k >> 27;
    k *= 0x94d049bb133111ebull;
    return k ^ (k >> 31);
  }

  std::unique_ptr<Slot[]> slots_;
  size_t used_ = 0;  // owner only
  std::atomic<uint64_t> overflow_{0};
};

// Drain tracking of one worker: per region, the latest expiry (time sent +
// TTL, Unix seconds) of any answer it handed out for that region. One
// relaxed word per RegionId, written only by the worker; the control side
// takes the max across workers (MergeExpiry). Capacity: the AdminStates
// capacity, so every RegionId has a slot.
class RegionExpiry {
 public:
  static constexpr size_t kCapacity = geo::AdminStates::kDefaultCapacity;

  RegionExpiry() : words_(new std::atomic<uint32_t>[kCapacity]) {
    for (size_t i = 0; i < kCapacity; ++i) words_[i].store(0, std::memory_order_relaxed);
  }
  RegionExpiry(const RegionExpiry&) = delete;
  RegionExpiry& operator=(const RegionExpiry&) = delete;

  // Owner only: raise region's expiry to `expires_at` (ignored for
  // kNoRegion and ids past the capacity).
  void Note(uint32_t region, uint32_t expires_at) noexcept {
    if (region >= kCapacity) return;
    if (words_[region].load(std::memory_order_relaxed) < expires_at)
      words_[region].store(expires_at, std::memory_order_relaxed);
  }
  // Any thread. 0: never answered for it.
  uint32_t Get(uint32_t region) const noexcept {
    return region < kCapacity ? words_[region].load(std::memory_order_relaxed) : 0;
  }

 private:
  std::unique_ptr<std::atomic<uint32_t>[]> words_;
};

// The max over `workers` per region; out->size() == RegionExpiry::kCapacity.
void MergeExpiry(absl::Span<const RegionExpiry* const> workers,
                 std::vector<uint32_t>* out);

// Wall clock in whole seconds from the vDSO's coarse clock (a few ns, ~4 ms
// resolution): read once per batch for drain tracking.
inline uint32_t CoarseNowSeconds() noexcept {
  timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<uint32_t>(ts.tv_sec);
}

// Counters of one worker (UDP, TCP or AF_XDP). alignas(64): each worker's
// counters sit on their own cache lines, so workers never false-share.
struct alignas(64) WorkerCounters {
  Counter queries{0};    // messages handed to the engine
  Counter replies{0};    // replies sent (or queued, for TCP)
  Counter dropped{0};    // no reply: engine said drop, or send failed
  Counter formerr{0};    // malformed queries (FORMERR or dropped as such)
  Counter truncated{0};  // replies with TC set
  // UDP: replies above the interface MTU (EMSGSIZE with DF set), answered
  // again for UdpWorker::kFallbackUdpSize octets.
  Counter reanswered_smaller{0};
  std::array<Counter, kRcodeSlots> by_rcode{};  // replies by RCODE
  // TCP only.
  Counter tcp_accepted{0};     // connections accepted
  Counter tcp_idle_closed{0};  // closed by the idle timeout
  Counter tcp_evicted{0};      // closed to make room (connection cap)
  // Metrics (RecordOutcome).
  std::array<std::array<Counter, kRcodeSlots>, kQtypeSlots> by_qtype_rcode{};  // replies
  Counter dropped_malformed{0};  // malformed and not answered at all
  Counter ecs_present{0};        // replies to queries with an ECS option
  Counter ecs_absent{0};         // replies to queries without one
  RoutedCounters routed;         // routed answers by name, region, reason
  RegionExpiry expiry;           // drain tracking

  static size_t RcodeSlot(uint16_t rcode) {
    return rcode < kRcodeSlots ? rcode : kRcodeSlots - 1;
  }
};

// The metrics part of RecordAnswer (below): per-type/rcode replies, ECS,
// routed answers and drain expiry. `reply_len` 0 = nothing sent; `now_s` from
// CoarseNowSeconds(), read once per batch. Owner only; no allocation.
inline void RecordOutcome(WorkerCounters& c, const Outcome& oc, size_t reply_len,
                          uint32_t now_s) noexcept {
  if (reply_len == 0) {
    if (oc.malformed) Bump(c.dropped_malformed);
    return;
  }
  Bump(c.by_qtype_rcode[QtypeSlot(oc.qtype)]
                       [WorkerCounters::RcodeSlot(static_cast<uint16_t>(oc.rcode))]);
  Bump(oc.has_ecs ? c.ecs_present : c.ecs_absent);
  for (uint8_t i = 0; i < oc.routed_count; ++i) {
    const RoutedAnswer& r = oc.routed[i];
    c.routed.Bump(r.name_id, r.region, r.reason);
    c.expiry.Note(r.region, now_s + r.ttl);
  }
}

// The bookkeeping after a worker handed one query to the engine, the same
// for UDP, TCP and AF_XDP (the query itself is already counted): the
// metrics of RecordOutcome, a malformed query, a drop (`reply_len` 0), TC
// and the reply's RCODE. True if there is a reply to send; `replies` is
// counted by the worker when it leaves. Owner only; no allocation.
inline bool RecordAnswer(WorkerCounters& c, const Outcome& oc, size_t reply_len,
                         uint32_t now_s) noexcept {
  RecordOutcome(c, oc, reply_len, now_s);
  if (oc.malformed) Bump(c.formerr);
  if (reply_len == 0) {
    Bump(c.dropped);
    return false;
  }
  if (oc.truncated) Bump(c.truncated);
  Bump(c.by_rcode[WorkerCounters::RcodeSlot(static_cast<uint16_t>(oc.rcode))]);
  return true;
}

// A query the worker could not even hand to the engine (longer than it
// reads, a broken frame): counted as a malformed query, dropped.
inline void RecordUnreadable(WorkerCounters& c) noexcept {
  Bump(c.queries);
  Bump(c.dropped);
  Bump(c.formerr);
  Bump(c.dropped_malformed);
}

// Plain totals, summed by the reader.
struct CounterTotals {
  uint64_t queries = 0, replies = 0, dropped = 0, formerr = 0, truncated = 0;
  uint64_t reanswered_smaller = 0;
  std::array<uint64_t, kRcodeSlots> by_rcode{};
  uint64_t tcp_accepted = 0, tcp_idle_closed = 0, tcp_evicted = 0;

  void Add(const WorkerCounters& c) {
    queries += Load(c.queries);
    replies += Load(c.replies);
    dropped += Load(c.dropped);
    formerr += Load(c.formerr);
    truncated += Load(c.truncated);
    reanswered_smaller += Load(c.reanswered_smaller);
    for (size_t i = 0; i < kRcodeSlots; ++i) by_rcode[i] += Load(c.by_rcode[i]);
    tcp_accepted += Load(c.tcp_accepted);
    tcp_idle_closed += Load(c.tcp_idle_closed);
    tcp_evicted += Load(c.tcp_evicted);
  }
};

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_COUNTERS_H_
