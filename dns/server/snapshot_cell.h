// File: dns/server/snapshot_cell.h
//
// The snapshot cell: how the query path reads the current dns::Snapshot
// without locks while reloads replace it. Quiescent-state-based
// reclamation (QSBR, the scheme gdnsd uses through liburcu) in plain
// std::atomic:
//
//   control thread                              worker w (one per thread)
//   ──────────────                              ─────────────────────────
//   build new Snapshot S2 (off the workers)     loop:
//   Publish(S2):                                  s = Enter(w)   // once per batch
//     current := S2        (seq_cst ⊇ release)          ... answer the batch from *s ...
//     epoch   := epoch + 1  = E                   if idle: Offline(w); block ≤250 ms
//     retired += {S1, E}
//   Reclaim() (now, and about every second):
//     delete S1 once every worker slot says
//     "seen epoch >= E" or "offline"
//
//   S1 lifecycle:  current ──Publish──► retired{E} ──all workers past E──► deleted
//                                         (still read by workers that
//                                          entered before the publish)
//
// A worker's slot holds the epoch it saw at its last Enter(), or kOffline.
// Enter() stores the epoch *before* loading the pointer, so a slot that
// reads >= E proves the worker's next pointer load returns S2 or later;
// an offline slot proves it holds no pointer at all. Both stores are
// sequentially consistent, so a reclaimer that reads "offline" either ran
// before the worker's Enter (which then loads the new pointer) or after its
// Offline (which released every read of the old one).
//
// The grace period is bounded by how long a worker stays online between
// two Enter()/Offline() calls: one batch of queries, or one blocking wait
// (the workers go offline before blocking, with a ~250 ms timeout so they
// also notice the stop flag).
//
// Example:
//   SnapshotCell cell(/*workers=*/4, std::move(initial));
//   // worker w:
//   const Snapshot* s = cell.Enter(w);  ... use *s for one batch ...
//   cell.Offline(w);                      // before poll()/epoll_wait()
//   // control thread:
//   cell.Publish(std::move(next));
//   cell.Reclaim();
//
// Thread safety:
//  - Enter(w) and Offline(w) are lock-free, allocation-free and noexcept.
//    Each worker slot w must be used by exactly one thread at a time.
//    The pointer Enter() returns stays valid until that thread's next
//    Enter(w) or Offline(w).
//  - Publish(), Reclaim(), Synchronize(), WithCurrent() and retired_count() are for the
//    control side; they take a mutex (never held by workers) and may be
//    called from any thread that is not a worker, so that destructors
//    never run on a worker.
//  - Snapshot destructors run only inside Reclaim() and the cell's
//    destructor, i.e. on the control side, never on a worker.
//  - The destructor must run after every worker thread has stopped.
#ifndef STEERDNS_DNS_SERVER_SNAPSHOT_CELL_H_
#define STEERDNS_DNS_SERVER_SNAPSHOT_CELL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "dns/answer/snapshot.h"

namespace dns::server {

// The epoch bookkeeping, independent of what is being protected.
class QsbrEpochs {
 public:
  // Slot value of a worker that holds no pointer.
  static constexpr uint64_t kOffline = 0;

  // `readers` slots, all offline; the epoch starts at 1.
  explicit QsbrEpochs(int readers);
  QsbrEpochs(const QsbrEpochs&) = delete;
  QsbrEpochs& operator=(const QsbrEpochs&) = delete;

  int readers() const { return readers_; }

  // Worker side: record that `reader` has seen the current epoch. Must be
  // followed by the reader's (seq_cst) load of the protected pointer.
  void Online(int reader) noexcept {
    uint64_t e = epoch_.load(std::memory_order_acquire);
    slots_[reader].seen.store(e, std::memory_order_seq_cst);
  }
  // Worker side: `reader` holds no pointer any more.
  void Offline(int reader) noexcept {
    slots_[reader].seen.store(kOffline, std::memory_order_seq_cst);
  }

  // Control side: starts a new epoch (after the pointer swap) and returns it.
  uint64_t Advance() noexcept {
    return epoch_.fetch_add(1, std::memory_order_seq_cst) + 1;
  }
  // Control side: the smallest epoch any online reader has recorded, or
  // UINT64_MAX when every reader is offline. Something retired at epoch E
  // may be freed when E <= OldestOnline().
  uint64_t OldestOnline() const noexcept;

  // For tests and metrics.
  uint64_t epoch() const { return epoch_.load(std::memory_order_relaxed); }

 private:
  // One cache line per slot: workers store to their slot once per batch,
  // and must not invalidate each other's lines.
  struct alignas(64) Slot {
    std::atomic<uint64_t> seen{kOffline};
  };

  alignas(64) std::atomic<uint64_t> epoch_{1};
  const int readers_;
  std::unique_ptr<Slot[]> slots_;
};

// A QSBR-protected pointer to an immutable T (dns::Snapshot in the server;
// tests use a type that counts its destructions). See the file comment.
template <typename T>
class QsbrCell {
 public:
  // `workers` slots numbered 0..workers-1; `initial` may be null (then
  // Enter() returns nullptr until the first Publish()).
  QsbrCell(int workers, std::unique_ptr<const T> initial)
      : epochs_(workers), current_(initial.release()) {}
  QsbrCell(const QsbrCell&) = delete;
  QsbrCell& operator=(const QsbrCell&) = delete;
  // Deletes the current and all retired values. Every worker must have
  // stopped.
  ~QsbrCell() {
    delete current_.load(std::memory_order_acquire);
    absl::MutexLock lock(&mu_);
    retired_.clear();
  }

  int workers() const { return epochs_.readers(); }

  // Worker side, once per batch: marks `worker` online at the current
  // epoch and returns the current value (valid until the next Enter/Offline
  // of this worker).
  const T* Enter(int worker) noexcept {
    epochs_.Online(worker);
    return current_.load(std::memory_order_seq_cst);
  }

  // Worker side, before blocking: `worker` no longer holds a pointer.
  void Offline(int worker) noexcept { epochs_.Offline(worker); }

  // Control side: makes `next` current. The previous value is retired and
  // deleted by a later Reclaim() once no worker can still read it.
  void Publish(std::unique_ptr<const T> next) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    const T* old = current_.exchange(next.release(), std::memory_order_seq_cst);
    uint64_t epoch = epochs_.Advance();
    if (old != nullptr) retired_.push_back({epoch, std::unique_ptr<const T>(old)});
  }

  // Control side: deletes every retired value that no worker can still
  // read. Returns how many remain retired. Call it after Publish() and
  // periodically (the Server does, about once a second).
  size_t Reclaim() ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<Retired> doomed;
    size_t remaining;
    {
      absl::MutexLock lock(&mu_);
      uint64_t oldest = epochs_.OldestOnline();
      auto keep = retired_.begin();
      for (auto it = retired_.begin(); it != retired_.end(); ++it) {
        if (it->epoch <= oldest) {
          doomed.push_back(std::move(*it));
        } else {
          if (keep != it) *keep = std::move(*it);
          ++keep;
        }
      }
      retired_.erase(keep, retired_.end());
      remaining = retired_.size();
    }
    // Destructors run here, outside the lock, still on the control thread.
    doomed.clear();
    return remaining;
  }

  // Control side: runs fn(const T*) on the current value (possibly null)
  // while holding the control mutex, so no Publish()/Reclaim() can retire
  // and free it meanwhile. Returns what fn returns.
  template <typename Fn>
  auto WithCurrent(Fn&& fn) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return fn(current_.load(std::memory_order_acquire));
  }

  // Control side: waits until every batch that was running when it was
  // called has finished: each worker has entered a later batch or gone
  // offline. Everything a worker wrote during those batches (counters,
  // drain expiry) is then visible to the caller, and every state the caller
  // stored before the call (e.g. a region drain) is seen by every later
  // batch. Bounded by one batch or one idle wait; false after `timeout`.
  bool Synchronize(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_) {
    uint64_t epoch;
    {
      absl::MutexLock lock(&mu_);
      epoch = epochs_.Advance();
    }
    const absl::Time deadline = absl::Now() + timeout;
    while (epochs_.OldestOnline() < epoch) {
      if (absl::Now() >= deadline) return false;
      absl::SleepFor(absl::Milliseconds(1));
    }
    return true;
  }

  // Control side: number of values waiting for reclamation.
  size_t retired_count() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return retired_.size();
  }

  const QsbrEpochs& epochs() const { return epochs_; }

 private:
  struct Retired {
    uint64_t epoch;  // the epoch Publish() started when retiring it
    std::unique_ptr<const T> value;
  };

  QsbrEpochs epochs_;
  std::atomic<const T*> current_;
  mutable absl::Mutex mu_;
  std::vector<Retired> retired_ ABSL_GUARDED_BY(mu_);
};

// The cell the server's workers read zones from.
using SnapshotCell = QsbrCell<dns::Snapshot>;

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_SNAPSHOT_CELL_H_
