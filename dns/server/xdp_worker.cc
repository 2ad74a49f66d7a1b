#include "dns/server/xdp_worker.h"

#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "base/string_view.h"
#include "dns/answer/answer.h"
#include "dns/server/net.h"
#include "dns/server/udp_worker.h"
#include "dns/server/xdp_filter.h"
#include "dns/server/xdp_frame.h"
#include "base/file.h"

namespace dns::server {

struct XdpWorker::Rings {
  xsk_ring_prod fill{};
  xsk_ring_cons comp{};
  xsk_ring_cons rx{};
  xsk_ring_prod tx{};
  xsk_umem* umem = nullptr;
  xsk_socket* xsk = nullptr;
  int fd = -1;
};

namespace {

// Descriptors handled per ring peek.
constexpr uint32_t kBatch = 64;
// UMEM geometry: 4096 frames of 2048 octets. A frame's data starts after
// the kernel's 256-octet headroom, so a reply frame may be 1792 octets:
// 1232 DNS octets (the default) plus 62 of headers fit.
constexpr uint32_t kFrames = 4096;
constexpr uint32_t kFrameSize = 2048;
constexpr uint32_t kRxRing = 2048;
constexpr uint32_t kTxRing = 2048;
// Fill and completion rings hold every frame, so a frame can always go back.
constexpr uint32_t kFillRing = kFrames;
constexpr uint32_t kCompRing = kFrames;
constexpr size_t kUmemBytes = static_cast<size_t>(kFrames) * kFrameSize;

struct ModeAttempt {
  XdpWorker::Mode mode;
  uint32_t xdp_flags;
  uint16_t bind_flags;
};

constexpr ModeAttempt kAttempts[] = {
    {XdpWorker::Mode::kNativeZeroCopy, XDP_FLAGS_DRV_MODE, XDP_ZEROCOPY},
    {XdpWorker::Mode::kNativeCopy, XDP_FLAGS_DRV_MODE, XDP_COPY},
    {XdpWorker::Mode::kSkbCopy, XDP_FLAGS_SKB_MODE, XDP_COPY},
};

}  // namespace

const char* XdpWorker::ModeName(Mode mode) {
  static constexpr const char* kNames[] = {"native zero-copy", "native copy", "skb copy"};
  const auto i = static_cast<size_t>(mode);  // by Mode
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::string XdpWorker::Describe() const {
  return absl::StrCat(ifname_, " queue ", queue_, " (", ModeName(mode_),
                      filter_ != nullptr ? ", steerdns XDP filter: UDP to the port only"
                                  : ", libxdp default program: every frame",
                      ")");
}

uint32_t XdpQueueCount(const std::string& ifname) {
  std::error_code ec;
  uint32_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path("/sys/class/net") / ifname / "queues", ec)) {
    if (entry.path().filename().string().rfind("rx-", 0) == 0) ++n;
  }
  return std::max<uint32_t>(n, 1);
}

namespace {

// The first line of a small text file (a sysfs/procfs value), "" if it
// cannot be read.
std::string FirstLine(const std::filesystem::path& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path.string());
  if (!text.ok()) return "";
  return text->substr(0, text->find('\n'));
}

}  // namespace

std::string XdpLoopbackCaveat(const std::string& ifname, const std::string& sys_root,
                              const std::string& proc_root) {
  const std::string flags_text =
      FirstLine(std::filesystem::path(sys_root) / "class/net" / ifname / "flags");
  unsigned long flags = 0;
  if (flags_text.empty() ||
      !absl::SimpleHexAtoi(base::AV(flags_text), &flags) || (flags & IFF_LOOPBACK) == 0) {
    return "";
  }
  const std::filesystem::path conf =
      std::filesystem::path(proc_root) / "sys/net/ipv4/conf" / ifname;
  std::string missing;
  for (const char* knob : {"route_localnet", "accept_local"}) {
    if (FirstLine(conf / knob) != "1") {
      absl::StrAppend(&missing, missing.empty() ? "" : " ", "net.ipv4.conf.", ifname,
                      ".", knob, "=1");
    }
  }
  if (missing.empty()) return "";
  return absl::StrCat(ifname,
                      " is a loopback interface: the kernel drops the IPv4 replies sent "
                      "through AF_XDP on it (a 127/8 source on a received frame); to "
                      "serve IPv4 this way: sysctl -w ",
                      missing);
}

XdpWorker::XdpWorker(const std::string& ifname, uint32_t queue, uint16_t port,
                     uint16_t max_udp_size, std::shared_ptr<const XdpFilter> filter)
    : Worker(Transport::kUdp, "xdp", static_cast<int>(queue), ifname),
      filter_(std::move(filter)),
      port_(port),
      max_udp_size_(std::max<uint16_t>(max_udp_size, 512)),
      ifname_(ifname),
      queue_(queue),
      scratch_(new uint8_t[UdpWorker::kMaxQuery]) {}

XdpWorker::~XdpWorker() {
  if (rings_ != nullptr) {
    if (rings_->xsk != nullptr) xsk_socket__delete(rings_->xsk);
    if (rings_->umem != nullptr) (void)xsk_umem__delete(rings_->umem);
  }
  if (umem_area_ != nullptr) ::munmap(umem_area_, kUmemBytes);
}

absl::StatusOr<std::unique_ptr<XdpWorker>> XdpWorker::Create(
    const std::string& ifname, uint32_t queue, uint16_t port, uint16_t max_udp_size,
    std::shared_ptr<const XdpFilter> filter) {
  const std::string where = absl::StrCat("AF_XDP on ", ifname, " queue ", queue);
  if (::if_nametoindex(ifname.c_str()) == 0) {
    return absl::NotFoundError(absl::StrCat(
        where, ": if_nametoindex: ", base::ErrnoText(errno), " (no such interface?)"));
  }
  std::unique_ptr<XdpWorker> w(new XdpWorker(ifname, queue, port, max_udp_size, filter));
  void* area = ::mmap(nullptr, kUmemBytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (area == MAP_FAILED) {
    return absl::ResourceExhaustedError(
        absl::StrCat(where, ": mmap UMEM: ", base::ErrnoText(errno)));
  }
  w->umem_area_ = area;

  std::string errors;
  for (const ModeAttempt& attempt : kAttempts) {
    if (filter != nullptr &&
        (attempt.xdp_flags == XDP_FLAGS_DRV_MODE) != filter->native()) {
      continue;  // the program is attached in the other mode
    }
    auto rings = std::make_unique<Rings>();
    xsk_umem_config ucfg{};
    ucfg.fill_size = kFillRing;
    ucfg.comp_size = kCompRing;
    ucfg.frame_size = kFrameSize;
    ucfg.frame_headroom = 0;
    ucfg.flags = 0;
    int rc = xsk_umem__create(&rings->umem, area, kUmemBytes, &rings->fill,
                              &rings->comp, &ucfg);
    if (rc != 0) {
      // Not mode specific: no point trying the others.
      return absl::UnavailableError(absl::StrCat(
          where, ": xsk_umem__create: ", base::ErrnoText(-rc), errors));
    }
    xsk_socket_config scfg{};
    scfg.rx_size = kRxRing;
    scfg.tx_size = kTxRing;
    // Without our filter, let libxdp load its default redirect program.
    scfg.libxdp_flags = filter != nullptr ? XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD : 0;
    scfg.xdp_flags = attempt.xdp_flags;
    scfg.bind_flags = static_cast<uint16_t>(attempt.bind_flags | XDP_USE_NEED_WAKEUP);
    rc = xsk_socket__create(&rings->xsk, ifname.c_str(), queue, rings->umem,
                            &rings->rx, &rings->tx, &scfg);
    if (rc != 0) {
      absl::StrAppend(&errors, "; ", ModeName(attempt.mode),
                      ": xsk_socket__create: ", base::ErrnoText(-rc));
      rings->xsk = nullptr;
      (void)xsk_umem__delete(rings->umem);
      continue;
    }
    if (filter != nullptr) {
      rc = xsk_socket__update_xskmap(rings->xsk, filter->xsks_map_fd());
      if (rc != 0) {
        xsk_socket__delete(rings->xsk);
        (void)xsk_umem__delete(rings->umem);
        return absl::UnavailableError(absl::StrCat(
            where, ": xsk_socket__update_xskmap: ", base::ErrnoText(-rc), errors));
      }
    }
    rings->fd = xsk_socket__fd(rings->xsk);
    w->mode_ = attempt.mode;
    w->rings_ = std::move(rings);
    break;
  }
  if (w->rings_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat(where, ": every mode refused", errors));
  }

  // Every frame starts in the fill ring (it holds them all).
  Rings& r = *w->rings_;
  uint32_t idx = 0;
  if (xsk_ring_prod__reserve(&r.fill, kFrames, &idx) != kFrames) {
    return absl::InternalError(absl::StrCat(where, ": fill ring too small"));
  }
  for (uint32_t i = 0; i < kFrames; ++i) {
    *xsk_ring_prod__fill_addr(&r.fill, idx + i) =
        static_cast<uint64_t>(i) * kFrameSize;
  }
  xsk_ring_prod__submit(&r.fill, kFrames);
  return w;
}

void XdpWorker::Run() {
  Rings& r = *rings_;
  pollfd pfd{r.fd, POLLIN, 0};
  while (!stopping()) {
    RecycleCompletions();
    if (ServeBatch() > 0) continue;
    if (tx_outstanding_ > 0) KickTx();
    Offline();
    // poll() also wakes the driver up for the fill ring (need_wakeup).
    // While replies are in flight, look again soon for their completions.
    (void)::poll(&pfd, 1, tx_outstanding_ > 0 ? 1 : kIdleWaitMs);
  }
  Offline();
}

void XdpWorker::KickTx() {
  Rings& r = *rings_;
  if (!xsk_ring_prod__needs_wakeup(&r.tx)) return;
  // Errors (EAGAIN, EBUSY, ENOBUFS, ENETDOWN) mean "not now": the frames
  // stay in the TX ring and the next kick sends them.
  (void)::sendto(r.fd, nullptr, 0, MSG_DONTWAIT, nullptr, 0);
}

void XdpWorker::RecycleCompletions() {
  Rings& r = *rings_;
  uint32_t idx_comp = 0;
  const uint32_t n = xsk_ring_cons__peek(&r.comp, kCompRing, &idx_comp);
  if (n == 0) return;
  uint32_t idx_fill = 0;
  // Cannot fail: the fill ring has room for every frame.
  (void)xsk_ring_prod__reserve(&r.fill, n, &idx_fill);
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t addr = *xsk_ring_cons__comp_addr(&r.comp, idx_comp + i);
    *xsk_ring_prod__fill_addr(&r.fill, idx_fill + i) = addr & ~uint64_t{kFrameSize - 1};
  }
  xsk_ring_prod__submit(&r.fill, n);
  xsk_ring_cons__release(&r.comp, n);
  tx_outstanding_ -= std::min(tx_outstanding_, n);
}

uint32_t XdpWorker::ServeBatch() {
  Rings& r = *rings_;
  uint32_t idx_rx = 0;
  const uint32_t n = xsk_ring_cons__peek(&r.rx, kBatch, &idx_rx);
  if (n == 0) {
    if (xsk_ring_prod__needs_wakeup(&r.fill)) {
      (void)::recvfrom(r.fd, nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
    }
    return 0;
  }
  // Room in the TX ring for every reply of the batch; if the kernel is
  // behind, push it once and take what there is.
  uint32_t idx_tx = 0;
  uint32_t tx_room = xsk_ring_prod__reserve(&r.tx, n, &idx_tx);
  if (tx_room == 0) {
    KickTx();
    RecycleCompletions();
    const uint32_t avail = xsk_prod_nb_free(&r.tx, n);
    tx_room = xsk_ring_prod__reserve(&r.tx, std::min(avail, n), &idx_tx);
  }

  uint64_t drops[kBatch];
  uint32_t ndrop = 0;
  uint32_t ntx = 0;
  uint8_t* const umem = static_cast<uint8_t*>(umem_area_);
  (void)BeginBatch();
  for (uint32_t i = 0; i < n; ++i) {
    const xdp_desc* desc = xsk_ring_cons__rx_desc(&r.rx, idx_rx + i);
    const uint64_t addr = desc->addr;
    uint8_t* frame = umem + addr;
    const size_t in_frame = addr & (kFrameSize - 1);  // headroom before data
    ParsedFrame p;
    const FrameVerdict verdict = ParseUdpFrame(frame, desc->len, port_, &p);
    if (verdict != FrameVerdict::kOk) {
      if (verdict == FrameVerdict::kMalformed) {
        CountUnreadable();
      } else {
        Bump(not_ours_);
      }
      drops[ndrop++] = addr;
      continue;
    }
    if (ntx >= tx_room || p.payload_len > UdpWorker::kMaxQuery) {
      Bump(counters_.queries);
      Bump(counters_.dropped);
      drops[ndrop++] = addr;
      continue;
    }
    // The reply overwrites the query payload: answer from a copy.
    std::memcpy(scratch_.get(), frame + p.payload_offset, p.payload_len);
    const size_t room = kFrameSize - in_frame - p.payload_offset;
    Request request;
    request.transport = Transport::kUdp;
    request.max_udp_size =
        static_cast<uint16_t>(std::min<size_t>(max_udp_size_, room));
    request.source = p.source;
    Outcome outcome;
    const size_t len = Answer(scratch_.get(), p.payload_len, request,
                              frame + p.payload_offset, room, &outcome);
    if (len == 0) {
      drops[ndrop++] = addr;
      continue;
    }
    xdp_desc* out = xsk_ring_prod__tx_desc(&r.tx, idx_tx + ntx);
    out->addr = addr;
    out->len = static_cast<uint32_t>(BuildReplyFrame(frame, p, len));
    out->options = 0;
    ++ntx;
  }
  xsk_ring_cons__release(&r.rx, n);

  // Give back the TX slots reserved but not used (no cancel call for a
  // producer ring in libxdp 1.3: rewind the cached producer index).
  r.tx.cached_prod -= tx_room - ntx;
  if (ntx > 0) {
    xsk_ring_prod__submit(&r.tx, ntx);
    tx_outstanding_ += ntx;
    Bump(counters_.replies, ntx);
    KickTx();
  }
  if (ndrop > 0) {
    uint32_t idx_fill = 0;
    (void)xsk_ring_prod__reserve(&r.fill, ndrop, &idx_fill);  // room for all
    for (uint32_t i = 0; i < ndrop; ++i) {
      *xsk_ring_prod__fill_addr(&r.fill, idx_fill + i) =
          drops[i] & ~uint64_t{kFrameSize - 1};
    }
    xsk_ring_prod__submit(&r.fill, ndrop);
  }
  return n;
}

}  // namespace dns::server
