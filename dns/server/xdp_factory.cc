// File: dns/server/xdp_factory.cc
//
// AddXdpWorkers (worker.h): the AF_XDP workers of --xdp IFNAME, and the one
// place that knows whether this build has AF_XDP (STEER_HAVE_XDP, set by
// dns/server/CMakeLists.txt when libxdp and libbpf were found; only then
// are xdp_worker.cc and xdp_filter.cc built).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dns/server/worker.h"
#include "dns/server/xdp_filter.h"
#include "dns/server/xdp_worker.h"

namespace dns::server {

absl::Status AddXdpWorkers(const WorkerPlan& plan, WorkerSet* set) {
  const std::string& ifname = plan.options.xdp;
  if (ifname.empty()) return absl::OkStatus();
#ifdef STEER_HAVE_XDP
  // One worker per receive queue, at most one per thread, all answering
  // for the first listen address's port.
  const uint32_t queues =
      std::min<uint32_t>(XdpQueueCount(ifname), static_cast<uint32_t>(plan.threads));
  const uint16_t port = plan.addresses[0].port();
  std::shared_ptr<const XdpFilter> filter;  // shared by the workers
  if (XdpFilter::Available()) {
    absl::StatusOr<std::unique_ptr<XdpFilter>> attached = XdpFilter::Attach(ifname, port);
    if (!attached.ok()) return attached.status();
    filter = *std::move(attached);
  }
  for (uint32_t q = 0; q < queues; ++q) {
    absl::StatusOr<std::unique_ptr<XdpWorker>> w =
        XdpWorker::Create(ifname, q, port, plan.max_udp_size(), filter);
    if (!w.ok()) return w.status();
    set->xdp_serving.push_back(absl::StrCat((*w)->Describe(), " port ", port));
    set->workers.push_back(*std::move(w));
  }
  if (std::string caveat = XdpLoopbackCaveat(ifname); !caveat.empty()) {
    set->warnings.push_back(std::move(caveat));
  }
  return absl::OkStatus();
#else
  (void)set;
  return absl::FailedPreconditionError(absl::StrCat(
      "--xdp ", ifname, ": this steerdns was built without AF_XDP "
      "(libxdp/libbpf not found at build time; see STEER_XDP)"));
#endif
}

}  // namespace dns::server
