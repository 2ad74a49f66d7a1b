// File: dns/server/xdp_worker.h
//
// One AF_XDP worker = one thread = one AF_XDP socket bound to one receive
// queue of one interface (--xdp IFNAME). Built only when libxdp and libbpf
// were found (STEER_XDP); the server works without it.
//
// Frames live in a UMEM allocated once (kFrames x kFrameSize, 8 MiB); every
// frame is always in exactly one place: the fill ring, the RX ring, the
// worker's hands, the TX ring or the completion ring. A batch:
//   RX ring (up to kBatch descriptors) ─► ParseUdpFrame ─► cell.Enter() ─►
//   dns::HandleQuery() writes the reply over the query payload (the query is
//   copied to a scratch buffer first) ─► BuildReplyFrame fixes the headers
//   in place ─► TX ring (same frame) ─► sendto() kick when the kernel asks
//   (need_wakeup) ─► completed frames and dropped ones back to the fill ring.
// Nothing on that path allocates, locks or logs.
//
// The kernel side is steerdns's own XDP program (xdp_filter.h) when the
// build has it: only UDP to our port comes to the socket, everything else
// goes on to the kernel. Without it (no clang at build time) it is libxdp's
// default AF_XDP program (xsk_def_prog), which redirects *every* frame of
// the queue to the socket: frames that are not UDP to our port (ARP, ICMP,
// TCP, ...) are then dropped and counted in not_ours(), so the interface
// must be the server's alone (static neighbour entries on the peers).
//
// Built by AddXdpWorkers (worker.h). Thread safety: as every Worker;
// Create() and the destructor run on the control thread.
#ifndef STEERDNS_DNS_SERVER_XDP_WORKER_H_
#define STEERDNS_DNS_SERVER_XDP_WORKER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "dns/server/counters.h"
#include "dns/server/worker.h"

namespace dns::server {

class XdpFilter;

class XdpWorker final : public Worker {
 public:
  // How the socket got attached; see mode_name().
  enum class Mode { kNativeZeroCopy, kNativeCopy, kSkbCopy };

  // Creates the UMEM and the AF_XDP socket on `ifname` queue `queue`,
  // answering UDP to `port` (host order). With `filter` (attached by the
  // caller; the workers share it, the last one detaches it) the socket
  // joins its map and binds in its mode (native: zero-copy, else copy;
  // SKB: copy). Without it libxdp loads its default program: native
  // zero-copy, native copy, then SKB copy are tried in turn. Keeps the
  // first mode the kernel accepts. Errors name the interface, the call that
  // failed and errno for each mode tried.
  static absl::StatusOr<std::unique_ptr<XdpWorker>> Create(
      const std::string& ifname, uint32_t queue, uint16_t port, uint16_t max_udp_size,
      std::shared_ptr<const XdpFilter> filter = nullptr);

  // Closes the socket (libxdp detaches its program with the last socket)
  // and frees the UMEM; then lets go of the filter.
  ~XdpWorker() override;

  void Run() override;

  Mode mode() const { return mode_; }
  // "native zero-copy", "native copy" or "skb copy".
  static const char* ModeName(Mode mode);
  // "IFNAME queue N (mode, program)".
  std::string Describe() const;

  // Frames that were not UDP to our port (ARP, ICMP, TCP, other ports,
  // IPv4 options/fragments, IPv6 extension headers): dropped, not queries.
  uint64_t not_ours() const { return Load(not_ours_); }

 private:
  struct Rings;  // libxdp ring structs, kept out of this header

  XdpWorker(const std::string& ifname, uint32_t queue, uint16_t port,
            uint16_t max_udp_size, std::shared_ptr<const XdpFilter> filter);

  // Serves what the RX ring holds (at most kBatch). Returns how many
  // descriptors were consumed.
  uint32_t ServeBatch();
  // Moves finished TX frames from the completion ring to the fill ring.
  void RecycleCompletions();
  // Asks the kernel to send the TX ring if it wants to be asked.
  void KickTx();

  // Declared first, destroyed last: the sockets go before the program.
  const std::shared_ptr<const XdpFilter> filter_;
  const uint16_t port_;
  const uint16_t max_udp_size_;
  const std::string ifname_;
  const uint32_t queue_;
  Mode mode_ = Mode::kSkbCopy;
  std::unique_ptr<Rings> rings_;
  void* umem_area_ = nullptr;
  std::unique_ptr<uint8_t[]> scratch_;  // one query, kMaxQuery octets
  uint32_t tx_outstanding_ = 0;         // frames in TX + completion rings
  Counter not_ours_{0};
};

// The number of receive queues of `ifname` (from /sys/class/net), at least 1.
uint32_t XdpQueueCount(const std::string& ifname);

// Why IPv4 replies sent through AF_XDP on `ifname` would never reach their
// client, or "" when nothing is known to stop them. On a loopback interface
// a frame sent from an AF_XDP socket comes back in as a received one
// without the route a local sender's packet carries, and the kernel drops
// it for its 127/8 source (drop reasons IP_LOCALNET, then IP_LOCAL_SOURCE)
// unless net.ipv4.conf.IFNAME.route_localnet and .accept_local are both 1.
// Reads <sys_root>/class/net/IFNAME/flags and
// <proc_root>/sys/net/ipv4/conf/IFNAME/{route_localnet,accept_local}; the
// roots are parameters for tests.
std::string XdpLoopbackCaveat(const std::string& ifname,
                              const std::string& sys_root = "/sys",
                              const std::string& proc_root = "/proc");

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_XDP_WORKER_H_
