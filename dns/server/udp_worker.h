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
// and poll()s its sockets for at most kIdleWaitMs. Built by AddUdpWorkers
// (worker.h).
//
// Thread safety: as every Worker (worker.h).
#ifndef STEERDNS_DNS_SERVER_UDP_WORKER_H_
#define STEERDNS_DNS_SERVER_UDP_WORKER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dns/server/net.h"
#include "dns/server/worker.h"

namespace dns::server {

class UdpWorker final : public Worker {
 public:
  // Largest query we read. Real queries are under 512 octets; 4096 leaves
  // room for EDNS options. A longer datagram is dropped (counted in
  // `dropped` and `formerr`).
  static constexpr size_t kMaxQuery = 4096;
  // A reply that cannot leave whole (EMSGSIZE) is answered again within
  // this many octets: 1232 + 48 octets of headers fit the IPv6 minimum MTU.
  static constexpr uint16_t kFallbackUdpSize = 1232;

  // Opens and binds a UDP socket for one worker (OpenWorkerSocket, net.h),
  // with a bigger SO_RCVBUF, and IP_PKTINFO (IPV6_RECVPKTINFO) on wildcard
  // addresses so replies leave from the address the query was sent to.
  // Errors name the address.
  static absl::StatusOr<UniqueFd> OpenSocket(const ListenAddress& address);

  // Worker number `index` serving `where` (the addresses, for its name)
  // over `sockets`: one bound socket per listen address (from OpenSocket),
  // owned by the worker; `wants_pktinfo[i]`: socket i is on a wildcard
  // address.
  UdpWorker(int index, std::string_view where, std::vector<UniqueFd> sockets,
            std::vector<bool> wants_pktinfo, uint16_t max_udp_size);
  ~UdpWorker() override;

  void Run() override;

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
  bool AnswerAgainSmaller(int fd, int tx_index);

  std::vector<UniqueFd> sockets_;
  std::vector<bool> wants_pktinfo_;
  const uint16_t max_udp_size_;
  std::unique_ptr<Batch> batch_;
};

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_UDP_WORKER_H_
