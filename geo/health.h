// File: geo/health.h
//
// HealthTable: the health of every Route 53 HealthCheckId, one atomic state
// word per slot, outside any data snapshot. The prober (or the admin API)
// writes a slot; workers read it on every routed answer. Changing health
// never rebuilds data.
//
// Slots are assigned by the health check's stable id on first sight
// (SlotFor, control side) and never move or get reused, so a reload that
// resolves the same HealthCheckId again gets the same slot and keeps its
// state. A new slot starts healthy (as Route 53 treats a new check). The
// table has a fixed capacity chosen at construction, so the array never
// moves under a reader.
//
// State word (gdnsd's sttl idea: everything a reader needs in one load):
//
//   bit 31      kDownBit     1 = unhealthy
//   bit 30      kForcedBit   state set by an operator; the prober's
//                            SetUnlessForced() leaves the slot alone
//   bits 0..29  kProberBits  free for the prober (e.g. hysteresis counts);
//                            ignored by routing
//
// Example:
//   geo::HealthTable health;                               // server lifetime
//   geo::HealthSlot s = *health.SlotFor("hc-0123");        // snapshot build
//   health.Set(s, false);                                  // prober
//   if (health.healthy(s)) ...                             // worker
//
// Thread safety: healthy()/word() are relaxed loads and Set*/Force*/Store
// relaxed stores or read-modify-writes, lock-free from any thread.
// SlotFor/Find/Name/List take an internal mutex: control side only.
#ifndef STEERDNS_GEO_HEALTH_H_
#define STEERDNS_GEO_HEALTH_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace geo {

// Index of a health check's state word.
using HealthSlot = uint32_t;
// "No health check": always healthy.
inline constexpr HealthSlot kNoSlot = 0xFFFFFFFFu;

class HealthTable {
 public:
  // Route 53 allows 200 health checks per account by default (raisable);
  // 65536 slots cost 256 KiB.
  static constexpr size_t kDefaultCapacity = 65536;
  static constexpr uint32_t kDownBit = uint32_t{1} << 31;
  static constexpr uint32_t kForcedBit = uint32_t{1} << 30;
  static constexpr uint32_t kProberBits = kForcedBit - 1;

  explicit HealthTable(size_t capacity = kDefaultCapacity);
  HealthTable(const HealthTable&) = delete;
  HealthTable& operator=(const HealthTable&) = delete;

  // The slot of health check `id`, assigned (healthy) on first sight and
  // stable for the life of this table. InvalidArgument for an empty id;
  // ResourceExhausted once capacity() ids are registered.
  absl::StatusOr<HealthSlot> SlotFor(std::string_view id);
  // The slot of `id` if it was ever registered.
  std::optional<HealthSlot> Find(std::string_view id) const;
  // The id of `slot` ("" if unassigned or kNoSlot).
  std::string Name(HealthSlot slot) const;
  // Every registered id with its state word, in slot order.
  std::vector<std::pair<std::string, uint32_t>> List() const;
  size_t capacity() const { return capacity_; }

  // Query path. kNoSlot and out-of-range slots are healthy.
  bool healthy(HealthSlot slot) const noexcept {
    return (word(slot) & kDownBit) == 0;
  }
  // The whole state word (0 for kNoSlot / out of range).
  uint32_t word(HealthSlot slot) const noexcept {
    if (slot >= capacity_) return 0;
    return words_[slot].load(std::memory_order_relaxed);
  }

  // Sets the health bit, keeping the other bits (forced or not).
  void Set(HealthSlot slot, bool healthy) noexcept;
  // The prober's update: sets the health bit unless an operator forced the
  // slot. Returns false (and changes nothing) when forced.
  bool SetUnlessForced(HealthSlot slot, bool healthy) noexcept;
  // Operator override: sets health and kForcedBit.
  void Force(HealthSlot slot, bool healthy) noexcept;
  // Clears kForcedBit; the health bit stays until the prober's next update.
  void Unforce(HealthSlot slot) noexcept;
  // Replaces the whole word.
  void Store(HealthSlot slot, uint32_t word) noexcept;

 private:
  const size_t capacity_;
  std::unique_ptr<std::atomic<uint32_t>[]> words_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, HealthSlot> slots_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> names_ ABSL_GUARDED_BY(mu_);
};

}  // namespace geo

#endif  // STEERDNS_GEO_HEALTH_H_
