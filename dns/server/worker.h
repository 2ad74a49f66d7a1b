// File: dns/server/worker.h
//
// The one interface of the server's worker threads. A UdpWorker, a
// TcpWorker and an XdpWorker are each a Worker to the server: it builds
// them with the factories below, runs each on a thread of its own, stops
// them and reads their counters, without knowing which kind it holds.
//
//   Server::Start ─► AddUdpWorkers, AddTcpWorkers, AddXdpWorkers (one list)
//                 ─► Attach(cell, slot) each ─► one thread each: Run()
//   Server::Stop  ─► RequestStop() each ─► join
//
// Inside Run(), whatever the transport, a worker serves in batches:
//   BeginBatch() (enter the snapshot cell, read the clock once)
//   ─► Answer() per query ─► ... ─► Offline() before it blocks
// Answer() is the query path all three share: count the query, HandleQuery,
// then the post-answer bookkeeping (RecordAnswer, counters.h). It is
// inline and not virtual: the one virtual call is Run(), once per thread.
//
// Thread safety: Run() is called by exactly one thread, after Attach();
// RequestStop(), name(), transport() and counters() may be called from any
// thread. Everything else belongs to the worker thread while Run() runs.
#ifndef STEERDNS_DNS_SERVER_WORKER_H_
#define STEERDNS_DNS_SERVER_WORKER_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dns/answer/answer.h"
#include "dns/server/counters.h"
#include "dns/server/net.h"
#include "dns/server/server_options.h"
#include "dns/server/snapshot_cell.h"

namespace dns::server {

class Worker {
 public:
  // How long an idle worker blocks (in poll, epoll_wait or recvmmsg) before
  // it looks at the stop flag again. It is offline in the cell while it
  // blocks, so this does not hold up reclamation. ~250 ms, like gdnsd's
  // FAST_RCVTIMEO_US, keeps shutdown prompt without waking idle threads
  // often.
  static constexpr int kIdleWaitMs = 250;

  virtual ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The thread body: serves until RequestStop(), then returns offline in
  // the cell. Call Attach() first.
  virtual void Run() = 0;

  // The worker's reader slot in `cell`; set once, before Run().
  void Attach(SnapshotCell* cell, int slot) {
    cell_ = cell;
    slot_ = slot;
  }
  // Asks Run() to return; it does within about kIdleWaitMs.
  void RequestStop() { stop_.store(true, std::memory_order_relaxed); }

  // "udp 127.0.0.1:5300 #0", "tcp [::1]:5300 #1", "xdp eth1 #0" (queue 0).
  const std::string& name() const { return name_; }
  // "steer-udp-0": the name of its thread (Linux keeps 15 characters).
  std::string thread_name() const;
  // The transport its queries arrive over; AF_XDP serves UDP.
  Transport transport() const { return transport_; }
  const WorkerCounters& counters() const { return counters_; }

 protected:
  // `kind`: "udp", "tcp" or "xdp"; `index`: the worker's number among its
  // kind; `where`: what it serves ("127.0.0.1:5300", "eth1").
  Worker(Transport transport, const char* kind, int index, std::string_view where);

  bool stopping() const noexcept { return stop_.load(std::memory_order_relaxed); }

  // Starts a batch: enters the cell (the snapshot stays valid until the
  // next BeginBatch() or Offline()) and reads the clock for drain tracking.
  // nullptr until the first snapshot is published.
  const Snapshot* BeginBatch() noexcept {
    snapshot_ = cell_->Enter(slot_);
    now_s_ = CoarseNowSeconds();
    return snapshot_;
  }
  // Before blocking: the worker holds no snapshot pointer any more.
  void Offline() noexcept { cell_->Offline(slot_); }
  // The snapshot of the current batch.
  const Snapshot* snapshot() const noexcept { return snapshot_; }

  // Answers one query of the current batch into `out` and does the
  // bookkeeping: counts the query, records the outcome (RecordAnswer).
  // Returns the reply's length; 0: no reply (a drop, already counted).
  // `*outcome` says what happened (a fresh Outcome per query).
  size_t Answer(const uint8_t* query, size_t query_len, const Request& request,
                uint8_t* out, size_t out_capacity, Outcome* outcome) {
    Bump(counters_.queries);
    size_t len = 0;
    if (snapshot_ != nullptr) {
      len = HandleQuery(*snapshot_, query, query_len, request, out, out_capacity, outcome);
    }
    RecordAnswer(counters_, *outcome, len, now_s_);
    return len;
  }
  // A query it could not hand to the engine at all (RecordUnreadable).
  void CountUnreadable() noexcept { RecordUnreadable(counters_); }

  WorkerCounters counters_;

 private:
  SnapshotCell* cell_ = nullptr;
  int slot_ = -1;
  const Snapshot* snapshot_ = nullptr;  // this batch's (BeginBatch)
  uint32_t now_s_ = 0;                  // this batch's CoarseNowSeconds()
  std::atomic<bool> stop_{false};
  const Transport transport_;
  const char* const kind_;
  const int index_;
  const std::string name_;
};

// ---- Factories ----

// What the server settles before it builds workers.
struct WorkerPlan {
  ServerOptions options;
  // options.listen parsed, every port bound once (a port 0 resolved).
  std::vector<ListenAddress> addresses;
  // Workers per protocol (options.threads, 0 resolved).
  int threads = 1;

  // One socket per listen address, in order, each from `open`
  // (UdpWorker::OpenSocket, TcpWorker::OpenListener); its first error.
  absl::StatusOr<std::vector<UniqueFd>> OpenSockets(
      absl::StatusOr<UniqueFd> (*open)(const ListenAddress&)) const;
  // The listen addresses as a worker's name shows them:
  // "127.0.0.1:5300,[::1]:5300".
  std::string where() const;
  // options.max_udp_size within 512..65535.
  uint16_t max_udp_size() const {
    return static_cast<uint16_t>(std::clamp(options.max_udp_size, 512, 65535));
  }
};

// What the factories build, in order: the workers, and lines for the
// operator's log.
struct WorkerSet {
  std::vector<std::unique_ptr<Worker>> workers;
  // With --xdp: one line per AF_XDP worker, "IFNAME queue N (native copy,
  // ...) port P".
  std::vector<std::string> xdp_serving;
  // What is known to keep a worker from serving as set up.
  std::vector<std::string> warnings;
};

// Each factory opens and binds its workers' sockets and appends the
// workers to `set`; on an error (which names the address or interface) it
// may have appended some, which then must not run. Nothing is started.

// plan.threads UDP workers, each with one socket per listen address.
absl::Status AddUdpWorkers(const WorkerPlan& plan, WorkerSet* set);
// plan.threads TCP workers, each with one listener per listen address,
// sharing the connection cap.
absl::Status AddTcpWorkers(const WorkerPlan& plan, WorkerSet* set);
// With options.xdp: one AF_XDP worker per receive queue of the interface
// (at most plan.threads) for the first listen address's port; nothing
// without it. FailedPrecondition in a build without AF_XDP.
absl::Status AddXdpWorkers(const WorkerPlan& plan, WorkerSet* set);

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_WORKER_H_
