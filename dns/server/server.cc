#include "dns/server/server.h"

#include <pthread.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/errno_status.h"
#include "dns/server/net.h"
#include "dns/server/tcp_worker.h"
#include "dns/server/udp_worker.h"
#ifdef STEER_HAVE_XDP
#include "dns/server/xdp_filter.h"
#include "dns/server/xdp_worker.h"
#endif

namespace dns::server {
namespace {

// SO_REUSEPORT lets a second process of the same user join our port group
// silently, and would hide "port in use" from us. So before binding the
// worker sockets we bind one plain socket (no SO_REUSEPORT) per protocol:
// it fails if anyone holds the port, and for port 0 it picks the port all
// the worker sockets then share. The probes are closed right before the
// real sockets bind; the gap is a few microseconds at start-up.
absl::Status ProbeAndFixPort(ListenAddress* address) {
  const std::string where = FormatAddress(address->addr);
  const int family = address->addr.ss_family;
  const int one = 1;
  UniqueFd udp(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  UniqueFd tcp(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!udp.valid() || !tcp.valid()) {
    return absl::InternalError(
        absl::StrCat(where, ": socket: ", base::ErrnoText(errno)));
  }
  if (family == AF_INET6) {
    (void)::setsockopt(udp.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    (void)::setsockopt(tcp.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  if (::bind(udp.get(), reinterpret_cast<const sockaddr*>(&address->addr),
             address->len) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot bind UDP ", where, ": ", base::ErrnoText(errno)));
  }
  if (address->port() == 0) {
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    if (::getsockname(udp.get(), reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
      return absl::InternalError(
          absl::StrCat(where, ": getsockname: ", base::ErrnoText(errno)));
    }
    ListenAddress b;
    b.addr = bound;
    b.len = len;
    address->set_port(b.port());
  }
  // SO_REUSEADDR as the real listeners have it: TIME_WAIT leftovers of a
  // previous run do not count as "in use", a listening socket does.
  (void)::setsockopt(tcp.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(tcp.get(), reinterpret_cast<const sockaddr*>(&address->addr),
             address->len) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot bind TCP ", FormatAddress(address->addr), ": ", base::ErrnoText(errno)));
  }
  return absl::OkStatus();
}

void NameThread(std::thread& t, const std::string& name) {
  // Linux limits thread names to 15 characters.
  (void)pthread_setname_np(t.native_handle(), name.substr(0, 15).c_str());
}

}  // namespace

Server::Server() = default;

Server::~Server() { Stop(); }

absl::Status Server::Start(const Config& config,
                           std::unique_ptr<const Snapshot> initial) {
  if (started_) return absl::FailedPreconditionError("server already started");
  started_ = true;

  if (config.listen.empty()) {
    return absl::InvalidArgumentError("no listen address");
  }
  std::vector<ListenAddress> addresses;
  for (const std::string& text : config.listen) {
    absl::StatusOr<ListenAddress> a = ParseListenAddress(text);
    if (!a.ok()) return a.status();
    addresses.push_back(*a);
  }
  for (size_t i = 0; i < addresses.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (addresses[j].port() != 0 &&
          FormatAddress(addresses[i].addr) == FormatAddress(addresses[j].addr)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "listen address ", config.listen[i], " given twice"));
      }
    }
  }

  threads_ = config.threads > 0
                 ? config.threads
                 : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  // 1. Bind everything.
  for (ListenAddress& a : addresses) {
    absl::Status st = ProbeAndFixPort(&a);
    if (!st.ok()) return st;
  }
  std::vector<std::vector<UniqueFd>> udp_fds(threads_), tcp_fds(threads_);
  std::vector<bool> pktinfo;
  for (const ListenAddress& a : addresses) pktinfo.push_back(a.is_wildcard());
  for (int t = 0; t < threads_; ++t) {
    for (const ListenAddress& a : addresses) {
      absl::StatusOr<UniqueFd> u = UdpWorker::OpenSocket(a);
      if (!u.ok()) return u.status();
      udp_fds[t].push_back(std::move(*u));
      absl::StatusOr<UniqueFd> l = TcpWorker::OpenListener(a);
      if (!l.ok()) return l.status();
      tcp_fds[t].push_back(std::move(*l));
    }
  }
  for (const ListenAddress& a : addresses) {
    listening_.push_back(FormatAddress(a.addr));
  }

  // AF_XDP: one worker per receive queue, at most one per thread.
  int xdp_workers = 0;
  if (!config.xdp.empty()) {
#ifdef STEER_HAVE_XDP
    xdp_workers = static_cast<int>(
        std::min<uint32_t>(XdpQueueCount(config.xdp), static_cast<uint32_t>(threads_)));
#else
    return absl::FailedPreconditionError(absl::StrCat(
        "--xdp ", config.xdp, ": this steerdns was built without AF_XDP "
        "(libxdp/libbpf not found at build time; see STEER_XDP)"));
#endif
  }

  // 2. Build the workers.
  cell_ = std::make_unique<SnapshotCell>(2 * threads_ + xdp_workers,
                                         std::move(initial));
  TcpWorker::Options tcp_options;
  tcp_options.idle_timeout_ms = config.tcp_idle_timeout * 1000;
  // Each TCP worker enforces its share of the cap (rounded up, at least
  // one), since connections never move between workers.
  tcp_options.max_connections =
      (config.tcp_max_connections + threads_ - 1) / threads_;
  const uint16_t max_udp = static_cast<uint16_t>(
      std::clamp(config.max_udp_size, 512, 65535));
  for (int t = 0; t < threads_; ++t) {
    udp_.push_back(std::make_unique<UdpWorker>(
        t, cell_.get(), std::move(udp_fds[t]), pktinfo, max_udp, &stop_));
    absl::StatusOr<std::unique_ptr<TcpWorker>> w = TcpWorker::Create(
        threads_ + t, cell_.get(), std::move(tcp_fds[t]), tcp_options, &stop_);
    if (!w.ok()) {
      udp_.clear();
      tcp_.clear();
      return w.status();
    }
    tcp_.push_back(std::move(*w));
  }
#ifdef STEER_HAVE_XDP
  if (xdp_workers > 0 && XdpFilter::Available()) {
    absl::StatusOr<std::unique_ptr<XdpFilter>> f =
        XdpFilter::Attach(config.xdp, addresses[0].port());
    if (!f.ok()) {
      udp_.clear();
      tcp_.clear();
      return f.status();
    }
    xdp_filter_ = std::move(*f);
  }
  for (int q = 0; q < xdp_workers; ++q) {
    const uint16_t port = addresses[0].port();
    absl::StatusOr<std::unique_ptr<XdpWorker>> x = XdpWorker::Create(
        config.xdp, static_cast<uint32_t>(q), port, 2 * threads_ + q,
        cell_.get(), max_udp, &stop_, xdp_filter_.get());
    if (!x.ok()) {
      udp_.clear();
      tcp_.clear();
      xdp_.clear();
      xdp_filter_.reset();
      return x.status();
    }
    xdp_serving_.push_back(absl::StrCat((*x)->Describe(), " port ", port));
    xdp_.push_back(std::move(*x));
  }
  if (xdp_workers > 0) {
    if (std::string caveat = XdpLoopbackCaveat(config.xdp); !caveat.empty())
      xdp_warnings_.push_back(std::move(caveat));
  }
#endif

  // 3. Start the threads.
  for (int t = 0; t < threads_; ++t) {
    threads_list_.emplace_back([w = udp_[t].get()] { w->Run(); });
    NameThread(threads_list_.back(), absl::StrCat("steer-udp-", t));
    threads_list_.emplace_back([w = tcp_[t].get()] { w->Run(); });
    NameThread(threads_list_.back(), absl::StrCat("steer-tcp-", t));
  }
#ifdef STEER_HAVE_XDP
  for (size_t q = 0; q < xdp_.size(); ++q) {
    threads_list_.emplace_back([w = xdp_[q].get()] { w->Run(); });
    NameThread(threads_list_.back(), absl::StrCat("steer-xdp-", q));
  }
#endif
  reclaim_thread_ = std::thread([this] { ReclaimLoop(); });
  NameThread(reclaim_thread_, "steer-reclaim");
  return absl::OkStatus();
}

void Server::ReclaimLoop() {
  absl::MutexLock lock(&mu_);
  while (!reclaim_stop_) {
    mu_.AwaitWithTimeout(absl::Condition(&reclaim_stop_),
                         absl::Milliseconds(kReclaimIntervalMs));
    mu_.Unlock();
    cell_->Reclaim();
    mu_.Lock();
  }
}

void Server::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    reclaim_stop_ = true;
  }
  stop_.store(true, std::memory_order_relaxed);
  for (std::thread& t : threads_list_) t.join();
  threads_list_.clear();
  if (reclaim_thread_.joinable()) reclaim_thread_.join();
  // Every worker is offline now: free whatever is retired.
  if (cell_ != nullptr) cell_->Reclaim();

  absl::MutexLock lock(&mu_);
  for (const auto& w : udp_) final_totals_.Add(w->counters());
  for (const auto& w : tcp_) final_totals_.Add(w->counters());
#ifdef STEER_HAVE_XDP
  for (const auto& w : xdp_) final_totals_.Add(w->counters());
  xdp_.clear();  // closes the AF_XDP sockets (libxdp's default program goes too)
  xdp_filter_.reset();  // detaches our XDP program
#endif
  udp_.clear();  // closes the sockets
  tcp_.clear();
}

CounterTotals Server::Totals() const {
  absl::MutexLock lock(&mu_);
  if (stopped_ && udp_.empty() && tcp_.empty()) return final_totals_;
  CounterTotals totals;
  for (const auto& w : udp_) totals.Add(w->counters());
  for (const auto& w : tcp_) totals.Add(w->counters());
#ifdef STEER_HAVE_XDP
  for (const auto& w : xdp_) totals.Add(w->counters());
#endif
  return totals;
}

void Server::VisitCounters(
    absl::FunctionRef<void(Transport, const WorkerCounters&)> fn) const {
  absl::MutexLock lock(&mu_);
  for (const auto& w : udp_) fn(Transport::kUdp, w->counters());
  for (const auto& w : tcp_) fn(Transport::kTcp, w->counters());
#ifdef STEER_HAVE_XDP
  for (const auto& w : xdp_) fn(Transport::kUdp, w->counters());  // UDP too
#endif
}

std::vector<uint32_t> Server::LatestExpiry() const {
  std::vector<const dns::server::RegionExpiry*> all;
  absl::MutexLock lock(&mu_);
  if (udp_.empty() && tcp_.empty()) return {};
  for (const auto& w : udp_) all.push_back(&w->counters().expiry);
  for (const auto& w : tcp_) all.push_back(&w->counters().expiry);
#ifdef STEER_HAVE_XDP
  for (const auto& w : xdp_) all.push_back(&w->counters().expiry);
#endif
  std::vector<uint32_t> out;
  MergeExpiry(all, &out);
  return out;
}

bool Server::WaitForWorkers(absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_ || cell_ == nullptr) return false;
  }
  return cell_->Synchronize(timeout);
}

}  // namespace dns::server
