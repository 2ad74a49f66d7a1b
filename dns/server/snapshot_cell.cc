#include "dns/server/snapshot_cell.h"

#include <limits>

namespace dns::server {

QsbrEpochs::QsbrEpochs(int readers)
    : readers_(readers), slots_(new Slot[readers > 0 ? readers : 1]) {}

uint64_t QsbrEpochs::OldestOnline() const noexcept {
  uint64_t oldest = std::numeric_limits<uint64_t>::max();
  for (int i = 0; i < readers_; ++i) {
    uint64_t seen = slots_[i].seen.load(std::memory_order_seq_cst);
    if (seen != kOffline && seen < oldest) oldest = seen;
  }
  return oldest;
}

}  // namespace dns::server
