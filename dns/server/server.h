// File: dns/server/server.h
//
// The DNS server proper: binds every listen address, owns the snapshot
// cell, and runs the worker threads (worker.h), one list of them:
//
//   Server ─┬─ SnapshotCell (one slot per worker, in list order)
//           ├─ N UdpWorker threads, each with one socket per listen address
//           ├─ N TcpWorker threads, each with one listener per listen address
//           ├─ with options.xdp = IFNAME: one XdpWorker thread per receive
//           │  queue of IFNAME (at most N), UDP through AF_XDP
//           └─ 1 reclaim thread: cell().Reclaim() about once a second
//
// Example:
//   Server server;
//   absl::Status st = server.Start(options, std::move(snapshot));
//   if (!st.ok()) { ...print st.message()...; return 1; }
//   ... wait for SIGTERM; on SIGHUP: server.cell()->Publish(std::move(next));
//   server.Stop();
//
// Thread safety: Start() and Stop() are called from one control thread.
// cell() is safe to use from any control thread while the server runs (see
// snapshot_cell.h). Totals() may be called from any thread.
#ifndef STEERDNS_DNS_SERVER_SERVER_H_
#define STEERDNS_DNS_SERVER_SERVER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dns/answer/answer.h"
#include "dns/answer/snapshot.h"
#include "dns/server/counters.h"
#include "dns/server/server_options.h"
#include "dns/server/snapshot_cell.h"

namespace dns::server {

class Worker;

class Server {
 public:
  // How often the reclaim thread frees retired snapshots. A retired
  // snapshot lives at most about this long after every worker moved on.
  static constexpr int kReclaimIntervalMs = 1000;

  Server();
  // Stops the server if it runs.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every address in options.listen (UDP and TCP, one socket per
  // worker thread each), then starts the threads serving `initial`. Binds
  // all sockets before starting any thread: on error nothing runs and the
  // Status names the address (e.g. "cannot bind UDP 127.0.0.1:5300:
  // Address already in use"). Call at most once.
  absl::Status Start(const ServerOptions& options,
                     std::unique_ptr<const Snapshot> initial);

  // Asks every thread to stop, joins them (within ~250 ms) and closes the
  // sockets. Idempotent.
  void Stop();

  // The cell workers read from; Publish() a new snapshot to reload.
  // nullptr before Start().
  SnapshotCell* cell() { return cell_.get(); }

  // The addresses actually bound, in options order ("127.0.0.1:5300"; a
  // port 0 in the options shows the port the kernel chose).
  const std::vector<std::string>& listening() const { return listening_; }
  // Worker threads per protocol.
  int threads() const { return threads_; }
  // With --xdp: one line per AF_XDP worker, "IFNAME queue N (native copy)
  // port P"; empty otherwise.
  const std::vector<std::string>& xdp_serving() const { return xdp_serving_; }
  // With --xdp: what is known to keep the AF_XDP path from working as set
  // up (e.g. a loopback interface without the sysctls it needs); empty if
  // nothing. For the operator's log.
  const std::vector<std::string>& xdp_warnings() const { return xdp_warnings_; }

  // Counters summed over all workers (final values after Stop()).
  CounterTotals Totals() const;

  // Calls fn(transport, counters) for every worker's counters while the
  // server runs (nothing after Stop()). For metrics scrapes.
  void VisitCounters(
      absl::FunctionRef<void(Transport, const WorkerCounters&)> fn) const;

  // Drain tracking: per RegionId, the latest expiry (Unix seconds; 0 =
  // never) of any answer a worker handed out for that region, max over all
  // workers. Size RegionExpiry::kCapacity (empty after Stop()).
  std::vector<uint32_t> LatestExpiry() const;

  // Waits until every worker batch running at the call has finished (see
  // SnapshotCell::Synchronize). False on timeout or when not running.
  bool WaitForWorkers(absl::Duration timeout);

 private:
  void ReclaimLoop();

  std::unique_ptr<SnapshotCell> cell_;
  // Every worker, UDP then TCP then AF_XDP; worker i has cell slot i.
  // Emptied (sockets closed) by Stop().
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::string> xdp_serving_;
  std::vector<std::string> xdp_warnings_;
  std::vector<std::thread> threads_list_;
  std::thread reclaim_thread_;
  std::vector<std::string> listening_;
  int threads_ = 0;
  bool started_ = false;

  mutable absl::Mutex mu_;
  bool reclaim_stop_ ABSL_GUARDED_BY(mu_) = false;
  CounterTotals final_totals_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_SERVER_H_
