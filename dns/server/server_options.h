// File: dns/server/server_options.h
//
// What the DNS server needs to start: where to listen, how many worker
// threads, reply and connection limits, and the optional AF_XDP interface.
// Plain data; the daemon's settings (dns/control/config.h: flags and YAML)
// extend it, the server knows no flags and no file format.
//
// Example:
//   ServerOptions options;
//   options.listen = {"127.0.0.1:5300", "[::1]:5300"};
//   options.threads = 2;
//   absl::Status st = server.Start(options, std::move(snapshot));
//
// Thread safety: plain data.
#ifndef STEERDNS_DNS_SERVER_SERVER_OPTIONS_H_
#define STEERDNS_DNS_SERVER_SERVER_OPTIONS_H_

#include <string>
#include <vector>

namespace dns::server {

struct ServerOptions {
  // Addresses to serve DNS on, UDP and TCP, as "ADDR:PORT" ("[ADDR]:PORT"
  // for IPv6). Port 0 picks a free port (useful in tests). Numeric only.
  // At least one. (The daemon uses this default only when neither its
  // config file nor its flags list any.)
  std::vector<std::string> listen = {"127.0.0.1:5300"};

  // Worker threads: this many UDP workers and as many TCP workers.
  // 0 = std::thread::hardware_concurrency().
  int threads = 0;

  // Largest UDP reply (512..65535). 1232 avoids IP fragmentation on any
  // path (DNS Flag Day 2020); the client's EDNS size caps it further.
  int max_udp_size = 1232;

  // Seconds a TCP connection may stay idle before it is closed (1..3600).
  // RFC 7766 §6.2.3 asks for timeouts "of the order of seconds"; 10 s
  // covers a resolver's pipelined burst without hoarding sockets.
  int tcp_idle_timeout = 10;
  // Concurrent TCP connections across all workers (>= 1). At the cap a new
  // connection closes the least recently active one instead of being
  // refused, so a flood of idle sockets cannot lock real clients out.
  int tcp_max_connections = 1024;

  // Interface to also serve UDP on through AF_XDP (xdp_worker.h), for the
  // port of the first listen address; empty: sockets only. One AF_XDP
  // worker per receive queue of the interface (at most `threads`). Needs a
  // build with libxdp (STEER_XDP); TCP stays on sockets.
  std::string xdp;

  // Who takes TCP connections whose next query is AXFR or IXFR
  // (connection_handoff.h; the zone transfer server); null: they are
  // answered REFUSED like any query the engine does not serve. Must
  // outlive the server.
  class ConnectionHandoff* transfer_handoff = nullptr;
};

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_SERVER_OPTIONS_H_
