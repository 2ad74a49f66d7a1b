// File: dns/control/http_api.h
//
// The HTTP/1.1 control API (docs/control-api.md is the contract): zones,
// change batches, the latency table, health checks, the DNSSEC keys,
// regions and drain,
// explain, status and /metrics, served with cpp-httplib on its own
// threads. Handlers only translate HTTP to ControlState calls (which own
// the data and do the build → validate → persist → publish) and read the
// Server's counters.
//
// Security: a non-loopback address is refused unless a token is set; with
// a token every request must carry "Authorization: Bearer <token>",
// compared in constant time (TokenMatches), else 401.
//
// Example:
//   ControlApiOptions o;
//   o.address = "127.0.0.1:8053";
//   absl::StatusOr<std::unique_ptr<ControlApi>> api =
//       ControlApi::Start(o, state.get(), &server);
//   ... (*api)->Stop();
//
// Thread safety: Start/Stop from one thread; requests are served
// concurrently by the library's thread pool.
#ifndef STEERDNS_DNS_CONTROL_HTTP_API_H_
#define STEERDNS_DNS_CONTROL_HTTP_API_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dns/control/config.h"
#include "dns/control/control_state.h"
#include "dns/server/server.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace dns::control {

class ZoneTransfers;  // dns/control/zone_transfers.h

// True iff `presented` equals `expected`, in time that depends only on
// expected.size() (not on where they differ, nor on presented's length).
bool TokenMatches(std::string_view expected, std::string_view presented);

// True for an "ADDR:PORT" whose address is loopback (127.0.0.0/8, ::1).
bool IsLoopbackAddress(std::string_view address);

// The token in `path` (surrounding whitespace removed). NotFound if the
// file cannot be read, InvalidArgument if it holds no token.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// The control settings of `config` checked: "" address for --control off;
// InvalidArgument for a non-loopback address without a token file.
// `*token` gets the token ("" if none).
absl::StatusOr<std::string> CheckControlSettings(const Config& config,
                                                 std::string* token);

struct ControlApiOptions {
  std::string address;  // "127.0.0.1:8053", "[::1]:0" (0: any free port)
  std::string token;    // "" = no token check (loopback only)
  std::string version = "unknown";
  absl::Time started_at = absl::Now();
  // Where a refused change is logged, one line: who, what, why ("refused:
  // PUT /v1/zones/example.com. from 127.0.0.1: example.com.zone:3: bad IPv4
  // address ..."). Every request but GET/HEAD that is answered 4xx or 5xx.
  // Null: not logged.
  std::function<void(const std::string&)> log;
  // Zone transfers (GET /v1/transfers, retransfer, notify); null: the
  // transfer endpoints answer as if no zone had a transfer role.
  ZoneTransfers* transfers = nullptr;
};

// The line ControlApiOptions::log gets for a refused request.
std::string RefusedLine(std::string_view method, std::string_view path,
                        std::string_view remote_addr, std::string_view error);

class ControlApi {
 public:
  // Binds `options.address` and serves in the background. Unavailable
  // "cannot bind control API 127.0.0.1:8053: Address already in use" if the
  // port is taken. `state` must outlive the API; `server` may be null (no
  // DNS counters, status without listeners).
  static absl::StatusOr<std::unique_ptr<ControlApi>> Start(const ControlApiOptions& options,
                                                          ControlState* state,
                                                          dns::server::Server* server);
  ~ControlApi();
  ControlApi(const ControlApi&) = delete;
  ControlApi& operator=(const ControlApi&) = delete;

  // Stops accepting, finishes requests in flight, joins. Idempotent.
  void Stop();
  // The address actually bound ("127.0.0.1:8053").
  const std::string& address() const { return address_; }

 private:
  ControlApi(ControlApiOptions options, ControlState* state, dns::server::Server* server);
  // Route(), then the refused-change log line.
  void Handle(const httplib::Request& req, httplib::Response& res);
  // Checks the token, finds the endpoint (kRoutes) and runs it.
  void Route(const httplib::Request& req, httplib::Response& res);
  bool Authorized(const httplib::Request& req) const;

  const ControlApiOptions options_;
  ControlState* const state_;
  dns::server::Server* const server_;
  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  std::string address_;
};

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_HTTP_API_H_
