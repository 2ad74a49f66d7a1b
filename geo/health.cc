#include "geo/health.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"

namespace geo {

using base::AV;
using base::StdViewFormatter;

HealthTable::HealthTable(size_t capacity)
    : capacity_(capacity),
      words_(std::make_unique<std::atomic<uint32_t>[]>(capacity)) {
  for (size_t i = 0; i < capacity_; ++i) {
    words_[i].store(0, std::memory_order_relaxed);
  }
}

absl::StatusOr<HealthSlot> HealthTable::SlotFor(std::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("empty health check id");
  absl::MutexLock lock(&mu_);
  auto it = slots_.find(AV(id));
  if (it != slots_.end()) return it->second;
  if (names_.size() >= capacity_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("too many health checks (capacity ", capacity_,
                     "); cannot add '", AV(id), "'"));
  }
  const HealthSlot slot = static_cast<HealthSlot>(names_.size());
  names_.emplace_back(id);
  slots_.emplace(std::string(id), slot);
  return slot;
}

std::optional<HealthSlot> HealthTable::Find(std::string_view id) const {
  absl::MutexLock lock(&mu_);
  auto it = slots_.find(AV(id));
  if (it == slots_.end()) return std::nullopt;
  return it->second;
}

std::string HealthTable::Name(HealthSlot slot) const {
  absl::MutexLock lock(&mu_);
  return slot < names_.size() ? names_[slot] : std::string();
}

std::vector<std::pair<std::string, uint32_t>> HealthTable::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::pair<std::string, uint32_t>> out;
  out.reserve(names_.size());
  for (HealthSlot s = 0; s < names_.size(); ++s) out.emplace_back(names_[s], word(s));
  return out;
}

void HealthTable::Set(HealthSlot slot, bool healthy) noexcept {
  if (slot >= capacity_) return;
  if (healthy) {
    words_[slot].fetch_and(~kDownBit, std::memory_order_relaxed);
  } else {
    words_[slot].fetch_or(kDownBit, std::memory_order_relaxed);
  }
}

bool HealthTable::SetUnlessForced(HealthSlot slot, bool healthy) noexcept {
  if (slot >= capacity_) return false;
  std::atomic<uint32_t>& w = words_[slot];
  uint32_t cur = w.load(std::memory_order_relaxed);
  for (;;) {
    if (cur & kForcedBit) return false;
    const uint32_t next = healthy ? (cur & ~kDownBit) : (cur | kDownBit);
    if (w.compare_exchange_weak(cur, next, std::memory_order_relaxed)) {
      return true;
    }
  }
}

void HealthTable::Force(HealthSlot slot, bool healthy) noexcept {
  if (slot >= capacity_) return;
  std::atomic<uint32_t>& w = words_[slot];
  uint32_t cur = w.load(std::memory_order_relaxed);
  uint32_t next;
  do {
    next = (cur | kForcedBit) & ~kDownBit;
    if (!healthy) next |= kDownBit;
  } while (!w.compare_exchange_weak(cur, next, std::memory_order_relaxed));
}

void HealthTable::Unforce(HealthSlot slot) noexcept {
  if (slot >= capacity_) return;
  words_[slot].fetch_and(~kForcedBit, std::memory_order_relaxed);
}

void HealthTable::Store(HealthSlot slot, uint32_t word) noexcept {
  if (slot >= capacity_) return;
  words_[slot].store(word, std::memory_order_relaxed);
}

}  // namespace geo
