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
#include "dns/server/worker.h"

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
  if (absl::Status st = BindSocket(udp.get(), *address, SOCK_DGRAM); !st.ok()) return st;
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
  return BindSocket(tcp.get(), *address, SOCK_STREAM);
}

void NameThread(std::thread& t, const std::string& name) {
  // Linux limits thread names to 15 characters.
  (void)pthread_setname_np(t.native_handle(), name.substr(0, 15).c_str());
}

}  // namespace

Server::Server() = default;

Server::~Server() { Stop(); }

absl::Status Server::Start(const ServerOptions& options,
                           std::unique_ptr<const Snapshot> initial) {
  if (started_) return absl::FailedPreconditionError("server already started");
  started_ = true;

  if (options.listen.empty()) {
    return absl::InvalidArgumentError("no listen address");
  }
  WorkerPlan plan;
  plan.options = options;
  for (const std::string& text : options.listen) {
    absl::StatusOr<ListenAddress> a = ParseListenAddress(text);
    if (!a.ok()) return a.status();
    plan.addresses.push_back(*a);
  }
  std::vector<ListenAddress>& addresses = plan.addresses;
  for (size_t i = 0; i < addresses.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (addresses[j].port() != 0 &&
          FormatAddress(addresses[i].addr) == FormatAddress(addresses[j].addr)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "listen address ", options.listen[i], " given twice"));
      }
    }
  }
  threads_ = options.threads > 0
                 ? options.threads
                 : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  plan.threads = threads_;

  // 1. Bind everything: the ports, then every worker's sockets.
  for (ListenAddress& a : addresses) {
    absl::Status st = ProbeAndFixPort(&a);
    if (!st.ok()) return st;
  }
  WorkerSet set;
  for (auto add : {AddUdpWorkers, AddTcpWorkers, AddXdpWorkers}) {
    absl::Status st = add(plan, &set);
    if (!st.ok()) return st;  // `set` closes what was opened
  }
  for (const ListenAddress& a : addresses) {
    listening_.push_back(FormatAddress(a.addr));
  }
  xdp_serving_ = std::move(set.xdp_serving);
  xdp_warnings_ = std::move(set.warnings);

  // 2. One cell slot per worker.
  cell_ = std::make_unique<SnapshotCell>(static_cast<int>(set.workers.size()),
                                         std::move(initial));
  workers_ = std::move(set.workers);
  for (size_t i = 0; i < workers_.size(); ++i) {
    workers_[i]->Attach(cell_.get(), static_cast<int>(i));
  }

  // 3. Start the threads.
  for (const std::unique_ptr<Worker>& w : workers_) {
    threads_list_.emplace_back([w = w.get()] { w->Run(); });
    NameThread(threads_list_.back(), w->thread_name());
  }
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
  for (const std::unique_ptr<Worker>& w : workers_) w->RequestStop();
  for (std::thread& t : threads_list_) t.join();
  threads_list_.clear();
  if (reclaim_thread_.joinable()) reclaim_thread_.join();
  // Every worker is offline now: free whatever is retired.
  if (cell_ != nullptr) cell_->Reclaim();

  absl::MutexLock lock(&mu_);
  for (const std::unique_ptr<Worker>& w : workers_) final_totals_.Add(w->counters());
  // Closes the sockets (an AF_XDP worker's too; the last one detaches the
  // XDP program).
  workers_.clear();
}

CounterTotals Server::Totals() const {
  absl::MutexLock lock(&mu_);
  if (stopped_ && workers_.empty()) return final_totals_;
  CounterTotals totals;
  for (const std::unique_ptr<Worker>& w : workers_) totals.Add(w->counters());
  return totals;
}

void Server::VisitCounters(
    absl::FunctionRef<void(Transport, const WorkerCounters&)> fn) const {
  absl::MutexLock lock(&mu_);
  for (const std::unique_ptr<Worker>& w : workers_) fn(w->transport(), w->counters());
}

std::vector<uint32_t> Server::LatestExpiry() const {
  std::vector<const RegionExpiry*> all;
  absl::MutexLock lock(&mu_);
  if (workers_.empty()) return {};
  for (const std::unique_ptr<Worker>& w : workers_) all.push_back(&w->counters().expiry);
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
