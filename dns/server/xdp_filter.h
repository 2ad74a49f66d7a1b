// File: dns/server/xdp_filter.h
//
// Attaches steerdns's own XDP program (xdp_filter.bpf.c, compiled with
// clang -target bpf at build time and embedded in the binary) to the --xdp
// interface: it redirects only UDP to the DNS port to the AF_XDP sockets
// and passes every other frame (ARP, ND, ICMP, TCP, ...) to the kernel, so
// the interface keeps working for everything else. Without it (a build
// without clang) XdpWorker falls back to libxdp's default program, which
// takes every frame.
//
// Example:
//   absl::StatusOr<std::unique_ptr<XdpFilter>> f = XdpFilter::Attach("eth1", 53);
//   ... XdpWorker::Create(..., f->get()) registers each socket in its map ...
//   f->reset();   // detaches the program (after the sockets are closed)
//
// Thread safety: used by the control thread only.
#ifndef STEERDNS_DNS_SERVER_XDP_FILTER_H_
#define STEERDNS_DNS_SERVER_XDP_FILTER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

struct xdp_program;

namespace dns::server {

class XdpFilter {
 public:
  // True when the program was built into this binary.
  static bool Available();

  // Loads the program and attaches it to `ifname`: native (driver) mode
  // first, generic (SKB) mode if the driver refuses; then sets the port
  // (host order). Errors name the call that failed and errno, for each mode.
  static absl::StatusOr<std::unique_ptr<XdpFilter>> Attach(
      const std::string& ifname, uint16_t port);

  // Detaches the program from the interface.
  ~XdpFilter();
  XdpFilter(const XdpFilter&) = delete;
  XdpFilter& operator=(const XdpFilter&) = delete;

  // The XSKMAP (queue -> socket) for xsk_socket__update_xskmap().
  int xsks_map_fd() const { return xsks_map_fd_; }
  // True if attached in native mode, false for generic (SKB) mode.
  bool native() const { return native_; }

 private:
  XdpFilter() = default;

  xdp_program* program_ = nullptr;
  int ifindex_ = 0;
  bool native_ = false;
  int xsks_map_fd_ = -1;
};

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_XDP_FILTER_H_
