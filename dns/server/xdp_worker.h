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
// Thread safety: Create() and the destructor run on the control thread,
// Run() on exactly one worker thread; counters() may be read anywhere.
#ifndef STEERDNS_DNS_SERVER_XDP_WORKER_H_
#define STEERDNS_DNS_SERVER_XDP_WORKER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "dns/server/counters.h"
#include "dns/server/snapshot_cell.h"

namespace dns::server {

class XdpFilter;

class XdpWorker {
 public:
  // Descriptors handled per ring peek.
  static constexpr uint32_t kBatch = 64;
  // UMEM geometry: 4096 frames of 2048 octets. A frame's data starts after
  // the kernel's 256-octet headroom, so a reply frame may be 1792 octets:
  // 1232 DNS octets (the default) plus 62 of headers fit.
  static constexpr uint32_t kFrames = 4096;
  static constexpr uint32_t kFrameSize = 2048;
  static constexpr uint32_t kRxRing = 2048;
  static constexpr uint32_t kTxRing = 2048;
  // Fill and completion rings hold every frame, so a frame can always go back.
  static constexpr uint32_t kFillRing = kFrames;
  static constexpr uint32_t kCompRing = kFrames;
  // Idle wait in poll() before the stop flag is looked at again.
  static constexpr int kIdleWaitMs = 250;

  // How the socket got attached; see mode_name().
  enum class Mode { kNativeZeroCopy, kNativeCopy, kSkbCopy };

  // Creates the UMEM and the AF_XDP socket on `ifname` queue `queue`,
  // answering UDP to `port` (host order). With `filter` (attached by the
  // caller, outliving the worker) the socket joins its map and binds in
  // its mode (native: zero-copy, else copy; SKB: copy). Without it libxdp
  // loads its default program: native zero-copy, native copy, then SKB
  // copy are tried in turn. Keeps the first mode the kernel accepts. Errors
  // name the interface, the call that failed and errno for each mode tried.
  static absl::StatusOr<std::unique_ptr<XdpWorker>> Create(
      const std::string& ifname, uint32_t queue, uint16_t port, int slot,
      SnapshotCell* cell, uint16_t max_udp_size, const std::atomic<bool>* stop,
      const XdpFilter* filter = nullptr);

  // Closes the socket (libxdp detaches its program with the last socket)
  // and frees the UMEM.
  ~XdpWorker();
  XdpWorker(const XdpWorker&) = delete;
  XdpWorker& operator=(const XdpWorker&) = delete;

  // The thread body: serves until *stop is true, then returns offline.
  void Run();

  Mode mode() const { return mode_; }
  // "native zero-copy", "native copy" or "skb copy".
  static const char* ModeName(Mode mode);
  // "IFNAME queue N (mode, program)".
  std::string Describe() const;

  const WorkerCounters& counters() const { return counters_; }
  // Frames that were not UDP to our port (ARP, ICMP, TCP, other ports,
  // IPv4 options/fragments, IPv6 extension headers): dropped, not queries.
  uint64_t not_ours() const { return Load(not_ours_); }

 private:
  struct Rings;  // libxdp ring structs, kept out of this header

  XdpWorker(int slot, SnapshotCell* cell, uint16_t port, uint16_t max_udp_size,
            const std::atomic<bool>* stop);

  // Serves what the RX ring holds (at most kBatch). Returns how many
  // descriptors were consumed.
  uint32_t ServeBatch();
  // Moves finished TX frames from the completion ring to the fill ring.
  void RecycleCompletions();
  // Asks the kernel to send the TX ring if it wants to be asked.
  void KickTx();

  const int slot_;
  SnapshotCell* const cell_;
  const uint16_t port_;
  const uint16_t max_udp_size_;
  const std::atomic<bool>* const stop_;
  std::string ifname_;
  uint32_t queue_ = 0;
  Mode mode_ = Mode::kSkbCopy;
  bool own_filter_ = false;
  std::unique_ptr<Rings> rings_;
  void* umem_area_ = nullptr;
  std::unique_ptr<uint8_t[]> scratch_;  // one query, kMaxQuery octets
  uint32_t tx_outstanding_ = 0;         // frames in TX + completion rings
  WorkerCounters counters_;
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
