#include "dns/server/udp_worker.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "dns/answer/answer.h"

namespace dns::server {
namespace {

// Datagrams per recvmmsg/sendmmsg. 32 amortizes the two syscalls over
// enough queries that they stop dominating (gdnsd uses 16, Knot 10, NSD
// 100), while one batch of 32 answers (tens of microseconds) keeps the
// worker's QSBR grace period and the latency of the first query in a batch
// short. Buffers are kBatch x (UdpWorker::kMaxQuery + max_udp_size),
// about 170 KiB per worker with the defaults.
constexpr int kBatch = 32;
// Batches at least this large warm their lookups before answering them.
constexpr int kMinPrefetchBatch = 4;
// Receive buffer we ask for (best effort; capped by net.core.rmem_max).
// 4 MiB absorbs a burst of ~4000 full-size queries while the worker is busy.
constexpr int kReceiveBuffer = 4 << 20;

// Control-message room for one IPv4 or IPv6 packet-info record.
constexpr size_t kControlSize =
    std::max(CMSG_SPACE(sizeof(in_pktinfo)), CMSG_SPACE(sizeof(in6_pktinfo)));

union ControlBuffer {
  cmsghdr align;  // cmsg data must be aligned like cmsghdr
  uint8_t bytes[kControlSize];
};

// Turns the packet info received with a query into the one to send the
// reply with: leave from the address the query was sent to. Returns false
// if there is no usable packet info (then the kernel picks the source).
bool PrepareReplyControl(msghdr* rx) {
  if (rx->msg_controllen == 0 || (rx->msg_flags & MSG_CTRUNC) != 0) {
    return false;
  }
  for (cmsghdr* c = CMSG_FIRSTHDR(rx); c != nullptr; c = CMSG_NXTHDR(rx, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      auto* info = reinterpret_cast<in_pktinfo*>(CMSG_DATA(c));
      info->ipi_spec_dst = info->ipi_addr;  // source of the reply
      info->ipi_ifindex = 0;                // let routing pick the interface
      return true;
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      return true;  // ipi6_addr/ipi6_ifindex already say where to send from
    }
  }
  return false;
}

}  // namespace

// Everything a batch needs, allocated once when the worker is created.
struct UdpWorker::Batch {
  explicit Batch(size_t out_capacity)
      : in(new uint8_t[kBatch * kInStride]),
        out(new uint8_t[kBatch * out_capacity]),
        out_cap(out_capacity) {}

  // Slots are kMaxQuery + one cache line apart: with a 4096-octet stride
  // every slot's first line (all a query usually touches) would map to the
  // same L1 set, and a batch of 32 would evict itself (12-way L1).
  static constexpr size_t kInStride = kMaxQuery + 64;
  uint8_t* in_buf(int i) { return in.get() + static_cast<size_t>(i) * kInStride; }
  uint8_t* out_buf(int i) { return out.get() + static_cast<size_t>(i) * out_cap; }

  std::unique_ptr<uint8_t[]> in;
  std::unique_ptr<uint8_t[]> out;
  size_t out_cap;
  std::array<mmsghdr, kBatch> rx{};
  std::array<mmsghdr, kBatch> tx{};
  std::array<iovec, kBatch> rx_iov{};
  std::array<iovec, kBatch> tx_iov{};
  std::array<sockaddr_storage, kBatch> peers{};
  std::array<ControlBuffer, kBatch> control{};
  std::array<LookupPrefetch, kBatch> warm{};
  std::array<int, kBatch> tx_query{};  // tx[i] answers rx[tx_query[i]]
};

absl::StatusOr<UniqueFd> UdpWorker::OpenSocket(const ListenAddress& address) {
  absl::StatusOr<UniqueFd> opened = OpenWorkerSocket(address, SOCK_DGRAM);
  if (!opened.ok()) return opened.status();
  UniqueFd fd = *std::move(opened);
  const int family = address.addr.ss_family;
  const int one = 1;
  // Best effort: the kernel caps it at net.core.rmem_max.
  const int rcvbuf = kReceiveBuffer;
  (void)::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  // Best effort, against fragmentation (RFC 9715 §3.1): IPv4 replies carry
  // DF and path-MTU hints are ignored (on UDP DNS they can only be spoofed
  // ICMP); the interface MTU still applies, and a reply above it is
  // answered again smaller (ServeBatch). DF also spares the kernel an IP ID
  // per reply (__ip_select_ident, ~3 % of a worker's CPU under load with
  // IP_PMTUDISC_OMIT). IPv6 has no DF: only the path-MTU hints are ignored.
  if (family == AF_INET) {
    const int probe = IP_PMTUDISC_PROBE;
    (void)::setsockopt(fd.get(), IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe);
  } else {
    const int omit = IPV6_PMTUDISC_OMIT;
    (void)::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, &omit,
                       sizeof omit);
  }
  if (address.is_wildcard()) {
    int rc = family == AF_INET
                 ? ::setsockopt(fd.get(), IPPROTO_IP, IP_PKTINFO, &one, sizeof one)
                 : ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
                                sizeof one);
    if (rc != 0) {
      const std::string why = base::ErrnoText(errno);
      return absl::InternalError(absl::StrCat("UDP ", FormatAddress(address.addr),
                                              ": packet info: ", why));
    }
  }
  if (absl::Status st = BindSocket(fd.get(), address, SOCK_DGRAM); !st.ok()) return st;
  return fd;
}

UdpWorker::UdpWorker(int index, std::string_view where, std::vector<UniqueFd> sockets,
                     std::vector<bool> wants_pktinfo, uint16_t max_udp_size)
    : Worker(Transport::kUdp, "udp", index, where),
      sockets_(std::move(sockets)),
      wants_pktinfo_(std::move(wants_pktinfo)),
      max_udp_size_(std::max<uint16_t>(max_udp_size, 512)),
      batch_(std::make_unique<Batch>(max_udp_size_)) {
  wants_pktinfo_.resize(sockets_.size(), false);
}

UdpWorker::~UdpWorker() = default;

void UdpWorker::Run() {
  std::vector<pollfd> fds(sockets_.size());
  for (size_t i = 0; i < sockets_.size(); ++i) {
    fds[i] = {sockets_[i].get(), POLLIN, 0};
  }
  // One socket (one listen address, the usual case): when idle, wait in
  // recvmmsg itself, as gdnsd does, instead of poll() + recvmmsg(): the
  // first query after a pause reaches the engine one syscall sooner (the
  // latency at moderate load). The socket becomes blocking with a receive
  // timeout of kIdleWaitMs; every other read still passes MSG_DONTWAIT.
  bool wait_in_recv = false;
  if (sockets_.size() == 1) {
    const int fd = sockets_[0].get();
    const int fl = ::fcntl(fd, F_GETFL);
    const timeval tv{0, kIdleWaitMs * 1000};
    wait_in_recv = fl >= 0 && ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0 &&
                   ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0;
  }
  while (!stopping()) {
    // One batch per socket per round keeps the sockets fair.
    int got = 0;
    for (size_t i = 0; i < sockets_.size(); ++i) got += ServeBatch(i);
    if (got == 0) {
      Offline();
      if (wait_in_recv) {
        (void)ServeBatch(0, /*wait=*/true);
      } else {
        (void)::poll(fds.data(), fds.size(), kIdleWaitMs);
      }
    }
  }
  Offline();
}

int UdpWorker::ServeBatch(size_t socket_index, bool wait) {
  Batch& b = *batch_;
  const int fd = sockets_[socket_index].get();
  const bool pktinfo = wants_pktinfo_[socket_index];

  for (int j = 0; j < kBatch; ++j) {
    b.rx_iov[j] = {b.in_buf(j), kMaxQuery};
    msghdr& h = b.rx[j].msg_hdr;
    h.msg_name = &b.peers[j];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &b.rx_iov[j];
    h.msg_iovlen = 1;
    h.msg_control = pktinfo ? b.control[j].bytes : nullptr;
    h.msg_controllen = pktinfo ? kControlSize : 0;
    h.msg_flags = 0;
  }
  int n;
  do {
    n = ::recvmmsg(fd, b.rx.data(), kBatch, wait ? MSG_WAITFORONE : MSG_DONTWAIT,
                   nullptr);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return 0;  // EAGAIN: nothing pending (other errors: retry later)

  const Snapshot* snapshot = BeginBatch();
  // Warm the batch's zone lookups first (dns/answer/answer.h): under load
  // the kernel's work per datagram has evicted the zone data, and the
  // misses of several queries then overlap instead of following each
  // other (~290 -> ~200 ns per `mixed` query with cold caches,
  // bench/RESULTS.md). Not worth it for a lone query.
  if (snapshot != nullptr && n >= kMinPrefetchBatch) {
    for (int j = 0; j < n; ++j)
      PrefetchQuestion(*snapshot, b.in_buf(j), b.rx[j].msg_len, &b.warm[j]);
    for (int j = 0; j < n; ++j) PrefetchNode(&b.warm[j]);
    for (int j = 0; j < n; ++j) PrefetchNodeData(b.warm[j]);
  }
  int ntx = 0;
  for (int j = 0; j < n; ++j) {
    msghdr& rh = b.rx[j].msg_hdr;
    if ((rh.msg_flags & MSG_TRUNC) != 0) {  // longer than kMaxQuery
      CountUnreadable();
      continue;
    }
    Request request;
    request.transport = Transport::kUdp;
    request.max_udp_size = max_udp_size_;
    ToClientAddress(b.peers[j], &request.source);
    Outcome outcome;
    const size_t len = Answer(b.in_buf(j), b.rx[j].msg_len, request, b.out_buf(j),
                              b.out_cap, &outcome);
    if (len == 0) continue;

    b.tx_iov[ntx] = {b.out_buf(j), len};
    msghdr& th = b.tx[ntx].msg_hdr;
    th.msg_name = &b.peers[j];
    th.msg_namelen = rh.msg_namelen;
    th.msg_iov = &b.tx_iov[ntx];
    th.msg_iovlen = 1;
    if (pktinfo && PrepareReplyControl(&rh)) {
      th.msg_control = rh.msg_control;
      th.msg_controllen = rh.msg_controllen;
    } else {
      th.msg_control = nullptr;
      th.msg_controllen = 0;
    }
    th.msg_flags = 0;
    b.tx_query[ntx] = j;
    ++ntx;
  }

  // sendmmsg stops at the first datagram it cannot send (full socket
  // buffer, unreachable peer): skip that one and send the rest.
  int sent = 0;
  while (sent < ntx) {
    int r = ::sendmmsg(fd, b.tx.data() + sent, ntx - sent, MSG_DONTWAIT);
    if (r > 0) {
      Bump(counters_.replies, r);
      sent += r;
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else {
      if (!(r < 0 && errno == EMSGSIZE && snapshot != nullptr &&
            AnswerAgainSmaller(fd, sent))) {
        Bump(counters_.dropped);
      }
      ++sent;
    }
  }
  return n;
}

bool UdpWorker::AnswerAgainSmaller(int fd, int tx_index) {
  Batch& b = *batch_;
  const int j = b.tx_query[tx_index];
  Request request;
  request.transport = Transport::kUdp;
  request.max_udp_size = kFallbackUdpSize;
  ToClientAddress(b.peers[j], &request.source);
  Outcome outcome;
  // A second answer to the same query (a weighted pick may differ; its
  // counters were taken with the first).
  const size_t len = HandleQuery(*snapshot(), b.in_buf(j), b.rx[j].msg_len, request,
                                 b.out_buf(j), b.out_cap, &outcome);
  if (len == 0) return false;
  b.tx_iov[tx_index].iov_len = len;
  if (::sendmsg(fd, &b.tx[tx_index].msg_hdr, MSG_DONTWAIT) < 0) return false;
  Bump(counters_.replies);
  Bump(counters_.reanswered_smaller);
  if (outcome.truncated) Bump(counters_.truncated);
  return true;
}

absl::Status AddUdpWorkers(const WorkerPlan& plan, WorkerSet* set) {
  std::vector<bool> pktinfo;
  for (const ListenAddress& a : plan.addresses) pktinfo.push_back(a.is_wildcard());
  const std::string where = plan.where();
  for (int t = 0; t < plan.threads; ++t) {
    absl::StatusOr<std::vector<UniqueFd>> sockets = plan.OpenSockets(UdpWorker::OpenSocket);
    if (!sockets.ok()) return sockets.status();
    set->workers.push_back(std::make_unique<UdpWorker>(t, where, *std::move(sockets),
                                                       pktinfo, plan.max_udp_size()));
  }
  return absl::OkStatus();
}

}  // namespace dns::server
