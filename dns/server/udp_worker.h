// File: dns/server/udp_worker.h
//
// One UDP worker = one thread = one SO_REUSEPORT socket per listen address.
// The kernel spreads datagrams across the workers' sockets, so workers share
// nothing but the snapshot cell: no locks, no queues between threads.
//
// A batch, in four steps (none allocates, locks or logs):
//   recvmmsg(up to kBatch datagrams) ─► cell.Enter() ─► dns::HandleQuery()
//   for each ─► sendmmsg(the non-empty replies)
// When no socket has anything to read the worker goes Offline() in the cell
// and poll()s its sockets for at most kIdleWaitMs.
//
// Thread safety: Run() is called by exactly one thread. counters() may be
// read from any thread (see counters.h). Everything else is owned by the
// worker thread while Run() executes.
#ifndef STEERDNS_DNS_SERVER_UDP_WORKER_H_
#define STEERDNS_DNS_SERVER_UDP_WORKER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "dns/server/counters.h"
#include "dns/server/net.h"
#include "dns/server/snapshot_cell.h"

namespace dns::server {

class UdpWorker {
 public:
  // Datagrams per recvmmsg/sendmmsg. 32 amortizes the two syscalls over
  // enough queries that they stop dominating (gdnsd uses 16, Knot 10, NSD
  // 100), while one batch of 32 answers (tens of microseconds) keeps the
  // worker's QSBR grace period and the latency of the first query in a batch
  // short. Buffers are kBatch x (kMaxQuery + max_udp_size), about 170 KiB
  // per worker with the defaults.
  static constexpr int kBatch = 32;
  // Batches at least this large warm their lookups before answering them.
  static constexpr int kMinPrefetchBatch = 4;
  // Largest query we read. Real queries are under 512 octets; 4096 leaves
  // room for EDNS options. A longer datagram is dropped (counted in
  // `dropped` and `formerr`).
  static constexpr size_t kMaxQuery = 4096;
  // How long an idle worker blocks in poll() before it looks at the stop
  // flag again (it is offline in the cell while blocked, so this does not
  // hold up reclamation). ~250 ms, like gdnsd's FAST_RCVTIMEO_US, keeps
  // shutdown prompt without waking idle threads often.
  static constexpr int kIdleWaitMs = 250;
  // Receive buffer we ask for (best effort; capped by net.core.rmem_max).
  // 4 MiB absorbs a burst of ~4000 full-size queries while the worker is busy.
  static constexpr int kReceiveBuffer = 4 << 20;
  // A reply that cannot leave whole (EMSGSIZE) is answered again within
  // this many octets: 1232 + 48 octets of headers fit the IPv6 minimum MTU.
  static constexpr uint16_t kFallbackUdpSize = 1232;

  // Opens and binds a UDP socket for one worker: non-blocking,
  // SO_REUSEPORT, IPV6_V6ONLY on IPv6, a bigger SO_RCVBUF, and IP_PKTINFO
  // (IPV6_RECVPKTINFO) on wildcard addresses so replies leave from the
  // address the query was sent to. Errors name the address.
  static absl::StatusOr<UniqueFd> OpenSocket(const ListenAddress& address);

  // `slot`: this worker's slot in `cell`. `sockets`: one bound socket per
  // listen address (from OpenSocket), owned by the worker. `stop` is polled
  // at least every kIdleWaitMs.
  UdpWorker(int slot, SnapshotCell* cell, std::vector<UniqueFd> sockets,
            std::vector<bool> wants_pktinfo, uint16_t max_udp_size,
            const std::atomic<bool>* stop);
  ~UdpWorker();
  UdpWorker(const UdpWorker&) = delete;
  UdpWorker& operator=(const UdpWorker&) = delete;

  // The thread body: serves until *stop is true, then returns offline.
  void Run();

  const WorkerCounters& counters() const { return counters_; }

 private:
  struct Batch;  // per-worker buffers, allocated once

  // Reads one batch from socket `i`, answers and sends it. Returns the
  // number of datagrams read (0 if none were pending). With `wait`, blocks
  // (offline, at most kIdleWaitMs: SO_RCVTIMEO) until one arrives; only for
  // a worker with one socket, made blocking by Run().
  int ServeBatch(size_t i, bool wait = false);
  // tx[tx_index] of the current batch failed with EMSGSIZE (above the
  // interface MTU, DF set): answer its query again for kFallbackUdpSize
  // octets and send that. False if that fails too.
  bool AnswerAgainSmaller(const Snapshot& snapshot, int fd, int tx_index);

  const int slot_;
  SnapshotCell* const cell_;
  std::vector<UniqueFd> sockets_;
  std::vector<bool> wants_pktinfo_;
  const uint16_t max_udp_size_;
  const std::atomic<bool>* const stop_;
  std::unique_ptr<Batch> batch_;
  WorkerCounters counters_;
};

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_UDP_WORKER_H_
