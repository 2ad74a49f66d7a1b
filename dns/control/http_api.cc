#include "dns/control/http_api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <regex>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "base/errno_status.h"
#include "dns/control/explain_query.h"
#include "dns/control/metrics.h"
#include "dns/control/zone_transfers.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/key_json.h"
#include "dns/dnssec/keys.h"
#include "dns/wire/name.h"
#include "dns/server/net.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "base/file.h"
#include "base/string_view.h"
#include "zones/zone_export.h"

namespace dns::control {
namespace {

using nlohmann::json;

// Largest request body: a big zone uploaded as JSON (64 MiB).
constexpr size_t kMaxBody = size_t{64} << 20;
// How long a drain waits for the workers' in-flight batches (normally a
// few microseconds; bounded by the workers' 250 ms idle wait).
constexpr absl::Duration kDrainSync = absl::Seconds(2);
// HTTP worker threads: the control plane is light; a few keep a slow
// client from blocking a scrape.
constexpr size_t kHttpThreads = 4;

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

void SendError(httplib::Response& res, int status, std::string_view code,
               absl::string_view message) {
  // One line: the first line of a multi-line message.
  std::string line(message.substr(0, message.find('\n')));
  SendJson(res, status, json{{"error", line}, {"code", std::string(code)}});
}

// Maps a ControlState error onto the contract's statuses and codes.
void SendStatus(httplib::Response& res, const absl::Status& st, std::string_view invalid_code,
                std::string_view not_found_code) {
  switch (st.code()) {
    case absl::StatusCode::kInvalidArgument:
      SendError(res, 400, invalid_code, st.message());
      return;
    case absl::StatusCode::kNotFound:
      SendError(res, 404, not_found_code, st.message());
      return;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      SendError(res, 409, "Conflict", st.message());
      return;
    default:
      SendError(res, 500, "Internal", st.message());
      return;
  }
}

json ZoneJson(const ZoneInfo& z) {
  return json{{"origin", z.origin},
              {"serial", z.serial},
              {"serial_policy", zones::SerialPolicyName(z.serial_policy)},
              {"records", z.records},
              {"routed_record_sets", z.routed_record_sets},
              {"sources", z.sources},
              {"managed_by", ManagedByName(z.managed_by)},
              {"follows", FollowsName(z.follows)},
              {"zone_files", z.zone_files},
              {"changes_applied", z.changes_applied}};
}

// An input's provenance: {"source": path|"api"|null, "managed_by": ...}.
json ProvenanceJson(const std::optional<std::string>& source, ManagedBy managed_by) {
  return json{{"source", source.has_value() ? json(*source) : json(nullptr)},
              {"managed_by", ManagedByName(managed_by)}};
}

json LatencyJson(const LatencyInfo& l) {
  json j = ProvenanceJson(l.source, l.managed_by);
  j.update(json{{"networks", l.networks}, {"regions", l.regions}, {"rankings", l.rankings}});
  return j;
}

json DnssecJson(const DnssecKeysInfo& d) {
  json j = ProvenanceJson(d.source, d.managed_by);
  j["loaded_at"] = d.keys != nullptr ? json(Rfc3339(d.loaded_at)) : json(nullptr);
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  j["now"] = dnssec::KeyTimeJson(now);
  json zones_json = json::array();
  size_t total = 0;
  if (d.keys != nullptr) {
    for (const auto& [wire, keys] : *d.keys) {
      total += keys.size();
      json signing;  // null: not signed with these keys
      if (auto it = d.signing.find(wire); it != d.signing.end()) {
        const DnssecKeysInfo::Signing& s = it->second;
        signing = json{{"mode", s.online ? "online" : "routed answers (pre-signed zone)"},
                       {"signed_at", dnssec::KeyTimeJson(s.signed_at)},
                       {"signatures", s.signatures},
                       {"inception", dnssec::KeyTimeJson(s.inception)},
                       {"expiration", dnssec::KeyTimeJson(s.expiration)},
                       {"next_signing", dnssec::KeyTimeJson(s.next_event)},
                       {"zsk_tags", s.zsk_tags},
                       {"ksk_tags", s.ksk_tags}};
        if (s.online) signing["dnskeys"] = s.published_keys;
      }
      json zone = dnssec::ZoneKeysJson(wire, keys, now);
      zone["served"] = d.served.count(wire) != 0;
      zone["signing"] = signing;
      zones_json.push_back(std::move(zone));
    }
  }
  j["key_count"] = total;
  j["zones"] = zones_json;
  return j;
}

json HealthSummaryJson(const HealthChecksSummary& h) {
  json j = ProvenanceJson(h.source, h.managed_by);
  j.update(json{{"checks", h.checks}, {"probing", h.probing}, {"warnings", h.warnings}});
  return j;
}

json HealthCheckJson(const HealthCheckInfo& info) {
  const health::HealthCheckStatus& s = info.status;
  json used = json::array();
  for (const RecordSetRef& r : info.used_by) {
    used.push_back(json{{"name", r.name}, {"type", r.type}, {"set_identifier", r.set_identifier}});
  }
  const bool probed = s.type != health::HealthCheckType::kCalculated && !s.disabled;
  json j{{"id", s.id},
         {"type", std::string(health::HealthCheckTypeName(s.type))},
         {"target", s.description},
         {"state", s.slot_healthy ? "healthy" : "unhealthy"},
         {"forced", s.forced},
         {"inverted", s.inverted},
         {"disabled", s.disabled}};
  j["last_result"] = !s.has_result ? json(nullptr) : json(s.last_ok ? "success" : "failure");
  j["reason"] = s.has_result ? json(s.reason) : json(nullptr);
  j["address"] = s.address.empty() ? json(nullptr) : json(s.address);
  j["last_latency_ms"] = s.has_result && probed ? json(s.last_latency_ms) : json(nullptr);
  j["last_change"] = Rfc3339(absl::FromChrono(s.last_change));
  j["checks"] = s.checks;
  j["failures"] = s.failures;
  j["consecutive"] = s.consecutive;
  j["request_interval"] = s.request_interval_s;
  j["failure_threshold"] = s.failure_threshold;
  j["used_by"] = used;
  return j;
}

json RegionJson(const RegionInfo& r, const std::vector<uint32_t>& expiry, absl::Time now) {
  const uint32_t last = r.id < expiry.size() ? expiry[r.id] : 0;
  json j{{"name", r.name}, {"state", std::string(geo::AdminStateName(r.state))}};
  j["latitude"] = r.has_location ? json(r.latitude) : json(nullptr);
  j["longitude"] = r.has_location ? json(r.longitude) : json(nullptr);
  j["last_answer_expires_at"] = last != 0 ? json(Rfc3339(absl::FromUnixSeconds(last))) : json(nullptr);
  if (r.state == geo::AdminState::kUp) {
    j["safe_to_stop_at"] = nullptr;
  } else {
    j["safe_to_stop_at"] = Rfc3339(last != 0 ? absl::FromUnixSeconds(last) : now);
  }
  return j;
}

// "127.0.0.1:8053" -> ("127.0.0.1", 8053); "[::1]:0" -> ("::1", 0).
bool SplitHostPort(std::string_view address, std::string* host, int* port) {
  absl::StatusOr<dns::server::ListenAddress> a = dns::server::ParseListenAddress(address);
  if (!a.ok()) return false;
  *port = a->port();
  char buf[INET6_ADDRSTRLEN] = {};
  if (a->addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&a->addr)->sin_addr, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&a->addr)->sin6_addr, buf,
              sizeof buf);
  }
  *host = buf;
  return true;
}

// Binds a plain socket (no SO_REUSEPORT) to see whether anyone holds the
// port, so the error is precise (httplib only says "false").
absl::Status ProbePort(const std::string& address) {
  absl::StatusOr<dns::server::ListenAddress> a = dns::server::ParseListenAddress(address);
  if (!a.ok()) return a.status();
  if (a->port() == 0) return absl::OkStatus();
  const int fd = ::socket(a->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("control API ", address, ": socket: ", base::ErrnoText(errno)));
  }
  const int one = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&a->addr), a->len);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat("cannot bind control API ", address, ": ",
                                               base::ErrnoText(err)));
  }
  return absl::OkStatus();
}

}  // namespace

bool TokenMatches(std::string_view expected, std::string_view presented) {
  // Every byte of `expected` is compared, whatever `presented` is; the
  // length difference is folded in without a branch.
  volatile unsigned char diff = expected.size() == presented.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    const unsigned char p =
        i < presented.size() ? static_cast<unsigned char>(presented[i]) : 0;
    diff = diff | (static_cast<unsigned char>(expected[i]) ^ p);
  }
  return diff == 0 && !expected.empty();
}

bool IsLoopbackAddress(std::string_view address) {
  absl::StatusOr<dns::server::ListenAddress> a = dns::server::ParseListenAddress(address);
  if (!a.ok()) return false;
  if (a->addr.ss_family == AF_INET) {
    const uint32_t v4 = ntohl(reinterpret_cast<const sockaddr_in*>(&a->addr)->sin_addr.s_addr);
    return (v4 >> 24) == 127;
  }
  const in6_addr& v6 = reinterpret_cast<const sockaddr_in6*>(&a->addr)->sin6_addr;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat(text.status().message(), " (the control token file)"));
  }
  const absl::string_view token = absl::StripAsciiWhitespace(*text);
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": the control token file is empty"));
  }
  return std::string(token);
}

absl::StatusOr<std::string> CheckControlSettings(const Config& config,
                                                 std::string* token) {
  token->clear();
  if (config.control == "off") return std::string();
  if (!config.control_token_file.empty()) {
    absl::StatusOr<std::string> t = ReadTokenFile(config.control_token_file);
    if (!t.ok()) return t.status();
    *token = *std::move(t);
  }
  if (token->empty() && !IsLoopbackAddress(config.control)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--control ", config.control,
        " is not a loopback address: refusing to serve the control API without "
        "--control-token-file"));
  }
  return config.control;
}

ControlApi::ControlApi(ControlApiOptions options, ControlState* state,
                       dns::server::Server* server)
    : options_(std::move(options)),
      state_(state),
      server_(server),
      http_(std::make_unique<httplib::Server>()) {}

ControlApi::~ControlApi() { Stop(); }

absl::StatusOr<std::unique_ptr<ControlApi>> ControlApi::Start(const ControlApiOptions& options,
                                                             ControlState* state,
                                                             dns::server::Server* server) {
  std::string host;
  int port = 0;
  if (!SplitHostPort(options.address, &host, &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("control API address '", options.address, "' is not ADDR:PORT"));
  }
  absl::Status st = ProbePort(options.address);
  if (!st.ok()) return st;

  std::unique_ptr<ControlApi> api(new ControlApi(options, state, server));
  httplib::Server& http = *api->http_;
  // SO_REUSEADDR only: SO_REUSEPORT (httplib's default) would let a second
  // server share the port silently.
  http.set_socket_options([](socket_t sock) {
    const int one = 1;
    (void)::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  });
  http.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
  http.set_payload_max_length(kMaxBody);
  // An idle keep-alive connection holds its thread until this runs out, and
  // stopping the server waits for every thread: 1 s keeps SIGTERM prompt
  // (a scraper or browser just reconnects).
  http.set_keep_alive_timeout(1);
  ControlApi* self = api.get();
  auto handler = [self](const httplib::Request& req, httplib::Response& res) {
    self->Handle(req, res);
  };
  http.Get(".*", handler);
  http.Post(".*", handler);
  http.Put(".*", handler);
  http.Delete(".*", handler);
  http.Patch(".*", handler);
  http.Options(".*", handler);
  // A POST/PUT/PATCH with neither Content-Length nor chunked encoding has an
  // empty body (RFC 9112 §6.3), but the HTTP library would read it until the
  // connection closes (5 s, the read timeout) and answer a bare 400: route
  // it here, before the body is read, as the empty request it is, so the
  // method and path decide (405 with Allow, or the endpoint's own error).
  http.set_pre_routing_handler([self](const httplib::Request& req, httplib::Response& res) {
    if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding") ||
        (req.method != "POST" && req.method != "PUT" && req.method != "PATCH")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    self->Handle(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [self](const httplib::Request& req, httplib::Response& res) {
    // Our handlers' errors have a body, and Handle() logged them.
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const char* code = res.status == 404   ? "NotFound"
                       : res.status == 405 ? "MethodNotAllowed"
                       : res.status < 500  ? "InvalidInput"
                                           : "Internal";
    const char* message = res.status == 413
                              ? "request body too large (the HTTP library limits "
                                "application/x-www-form-urlencoded bodies to 8 KiB: "
                                "send Content-Type: application/json or text/csv)"
                              : "request not handled";
    SendError(res, res.status, code, message);
    if (self->options_.log != nullptr && req.method != "GET" && req.method != "HEAD") {
      self->options_.log(RefusedLine(req.method, req.path, req.remote_addr, message));
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler(
      [self](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unexpected error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        SendError(res, 500, "Internal", what);
        if (self->options_.log != nullptr && req.method != "GET" && req.method != "HEAD") {
          self->options_.log(RefusedLine(req.method, req.path, req.remote_addr, what));
        }
      });

  if (port == 0) {
    const int bound = http.bind_to_any_port(host);
    if (bound <= 0) {
      return absl::UnavailableError(absl::StrCat("cannot bind control API ", options.address));
    }
    port = bound;
  } else if (!http.bind_to_port(host, port)) {
    return absl::UnavailableError(absl::StrCat("cannot bind control API ", options.address, ": ",
                                               base::ErrnoText(errno)));
  }
  api->address_ = absl::StrCat(absl::StrContains(host, ':') ? "[" : "", host,
                               absl::StrContains(host, ':') ? "]" : "", ":", port);
  api->thread_ = std::thread([self] { self->http_->listen_after_bind(); });
  // httplib's stop() does nothing until the loop runs: wait for it, so
  // that an early Stop() cannot leave the thread blocked in accept().
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!http.is_running() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  return api;
}

void ControlApi::Stop() {
  if (http_ != nullptr) http_->stop();
  if (thread_.joinable()) thread_.join();
}

bool ControlApi::Authorized(const httplib::Request& req) const {
  if (options_.token.empty()) return true;
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() < kBearer.size() ||
      !absl::EqualsIgnoreCase(header.substr(0, kBearer.size()), "Bearer ")) {
    // Still spend the same time as a wrong token.
    (void)TokenMatches(options_.token, "");
    return false;
  }
  return TokenMatches(options_.token, std::string_view(header).substr(kBearer.size()));
}

// ---- The endpoints (docs/control-api.md) ----
namespace {

// What a handler works on.
struct Endpoint {
  ControlState& state;
  dns::server::Server* server;  // may be null
  const ControlApiOptions& options;
  const std::string& address;  // the control API's own
};

// A handler: `arg` is the path's one variable part (a zone origin, a
// region name), "" for fixed paths.
using Handler = void (*)(const Endpoint& e, const httplib::Request& req, const std::string& arg,
                         httplib::Response& res);

std::vector<uint32_t> LatestExpiry(const Endpoint& e) {
  return e.server != nullptr ? e.server->LatestExpiry() : std::vector<uint32_t>();
}

void ListZones(const Endpoint& e, const httplib::Request&, const std::string&,
               httplib::Response& res) {
  json zones = json::array();
  for (const ZoneInfo& z : e.state.Zones()) zones.push_back(ZoneJson(z));
  SendJson(res, 200, json{{"zones", zones}});
}

void PostChanges(const Endpoint& e, const httplib::Request& req, const std::string& origin,
                 httplib::Response& res) {
  std::string comment;
  try {
    const json body = json::parse(req.body);
    const json& batch = body.contains("ChangeBatch") ? body.at("ChangeBatch") : body;
    if (batch.is_object() && batch.contains("Comment") && batch.at("Comment").is_string())
      comment = batch.at("Comment").get<std::string>();
  } catch (const json::exception&) {
    // ApplyChangeBatch reports the syntax error with its line.
  }
  absl::StatusOr<ChangeResult> r = e.state.ApplyChanges(origin, req.body, comment);
  if (!r.ok()) return SendStatus(res, r.status(), "InvalidChangeBatch", "NoSuchZone");
  json info{{"Id", r->id}, {"Status", "INSYNC"}, {"SubmittedAt", r->submitted_at}};
  if (!r->comment.empty()) info["Comment"] = r->comment;
  SendJson(res, 200, json{{"ChangeInfo", info}});
}

void GetZone(const Endpoint& e, const httplib::Request&, const std::string& origin,
             httplib::Response& res) {
  absl::StatusOr<ZoneInfo> z = e.state.Zone(origin);
  if (!z.ok()) return SendStatus(res, z.status(), "InvalidInput", "NoSuchZone");
  SendJson(res, 200, ZoneJson(*z));
}

// GET /v1/zones/{origin}/records?format=zone|route53: the zone's data as
// a master file (text/dns, RFC 4027) or as Route 53 JSON
// (zones/zone_export.h).
void GetZoneRecords(const Endpoint& e, const httplib::Request& req, const std::string& origin,
                    httplib::Response& res) {
  const std::string format_text =
      req.has_param("format") ? req.get_param_value("format") : std::string("zone");
  const std::optional<zones::ExportFormat> format = zones::ParseExportFormat(format_text);
  if (!format.has_value()) {
    return SendError(res, 400, "InvalidInput",
                     absl::StrCat("format must be \"zone\" or \"route53\", not '", format_text,
                                  "'"));
  }
  absl::StatusOr<ZoneInfo> z = e.state.Zone(origin);
  if (!z.ok()) return SendStatus(res, z.status(), "InvalidInput", "NoSuchZone");
  std::string wire;
  const ControlInputs inputs = e.state.Inputs();
  auto it = dns::NameFromText(z->origin, &wire) ? inputs.zones.find(wire) : inputs.zones.end();
  if (it == inputs.zones.end() || it->second.value == nullptr) {  // unloaded meanwhile
    return SendError(res, 404, "NoSuchZone", absl::StrCat("no zone ", z->origin, " is loaded"));
  }
  // ?dnssec=1: the zone as the current snapshot serves it, signed: DNSKEY,
  // every RRSIG, an NSEC chain for a zone signed online, routed groups as
  // their default member (SignedZoneForExport).
  const std::string dnssec_param = req.get_param_value("dnssec");
  if (dnssec_param == "1" || dnssec_param == "true") {
    absl::StatusOr<std::shared_ptr<const zones::Zone>> signed_zone =
        absl::NotFoundError(absl::StrCat("zone ", z->origin, " is not served yet"));
    e.state.WithSnapshot([&](const Snapshot& snap) {
      const zones::Zone* served = snap.zones.Get(wire);
      if (served != nullptr) signed_zone = SignedZoneForExport(*served, snap.SigningOf(*served));
    });
    if (!signed_zone.ok()) return SendStatus(res, signed_zone.status(), "InvalidInput", "NoSuchZone");
    if (*signed_zone == nullptr)
      return SendError(res, 409, "NotSigned",
                       absl::StrCat("zone ", z->origin,
                                    " is not signed (no RRSIGs in its file, no keys in "
                                    "--dnssec-keys)"));
    res.status = 200;
    res.body = zones::ExportZone(**signed_zone, *format);
    res.set_header("Content-Type", *format == zones::ExportFormat::kRoute53Json
                                       ? "application/json"
                                       : "text/dns");
    return;
  }
  res.status = 200;
  // Moved, not copied (set_content copies): a million records are ~40 MB
  // as a master file, ~230 MB as Route 53 JSON.
  res.body = zones::ExportZone(*it->second.value, *format);
  res.set_header("Content-Type", *format == zones::ExportFormat::kRoute53Json
                                     ? "application/json"
                                     : "text/dns");
}

void DeleteZone(const Endpoint& e, const httplib::Request&, const std::string& origin,
                httplib::Response& res) {
  absl::StatusOr<std::string> gone = e.state.UnloadZone(origin);
  if (!gone.ok()) return SendStatus(res, gone.status(), "InvalidInput", "NoSuchZone");
  SendJson(res, 200, json{{"unloaded", *gone}});
}

void PutZone(const Endpoint& e, const httplib::Request& req, const std::string& origin,
             httplib::Response& res) {
  std::vector<ZoneFile> files;
  try {
    const json body = req.body.empty() ? json() : json::parse(req.body);
    if (!body.is_object() || !body.contains("files") || !body.at("files").is_array() ||
        body.at("files").empty()) {
      return SendError(res, 400, "InvalidInput",
                       "expected {\"files\":[{\"name\":...,\"format\":\"master\"|\"route53\","
                       "\"content\":...}]}");
    }
    for (const json& f : body.at("files")) {
      ZoneFile file;
      file.name = f.at("name").get<std::string>();
      file.format = f.value("format", "");
      file.content = f.at("content").get<std::string>();
      if (file.name.empty()) return SendError(res, 400, "InvalidInput", "a file has no name");
      files.push_back(std::move(file));
    }
  } catch (const json::exception& ex) {
    return SendError(res, 400, "InvalidInput", absl::StrCat("request body: ", ex.what()));
  }
  absl::StatusOr<ZoneInfo> z = e.state.PutZone(origin, std::move(files));
  if (!z.ok()) return SendStatus(res, z.status(), "InvalidInput", "NoSuchZone");
  SendJson(res, 200, ZoneJson(*z));
}

void PostFollowFile(const Endpoint& e, const httplib::Request&, const std::string& origin,
                    httplib::Response& res) {
  absl::StatusOr<ZoneInfo> z = e.state.FollowFile(origin);
  if (!z.ok()) return SendStatus(res, z.status(), "InvalidInput", "NoSuchZone");
  SendJson(res, 200, ZoneJson(*z));
}

void GetLatency(const Endpoint& e, const httplib::Request&, const std::string&,
                httplib::Response& res) {
  SendJson(res, 200, LatencyJson(e.state.Latency()));
}

void PutLatency(const Endpoint& e, const httplib::Request& req, const std::string&,
                httplib::Response& res) {
  absl::StatusOr<LatencyInfo> l = e.state.PutLatency(req.body);
  if (!l.ok()) return SendStatus(res, l.status(), "InvalidInput", "NotFound");
  SendJson(res, 200,
           json{{"networks", l->networks}, {"regions", l->regions}, {"rankings", l->rankings}});
}

void GetDnssec(const Endpoint& e, const httplib::Request&, const std::string&,
               httplib::Response& res) {
  SendJson(res, 200, DnssecJson(e.state.DnssecKeys()));
}

// POST /v1/dnssec/reload: the key folder read again now (as SIGHUP reads
// it); 200 with GET /v1/dnssec's body, or 400 with the bad files' "file:
// what" lines (the old keys stay), 409 without --dnssec-keys.
void PostDnssecReload(const Endpoint& e, const httplib::Request&, const std::string&,
                      httplib::Response& res) {
  absl::StatusOr<DnssecKeysInfo> d = e.state.ReloadDnssecKeys();
  if (!d.ok()) return SendStatus(res, d.status(), "InvalidInput", "NotFound");
  SendJson(res, 200, DnssecJson(*d));
}

void GetHealthChecks(const Endpoint& e, const httplib::Request&, const std::string&,
                     httplib::Response& res) {
  json checks = json::array();
  for (const HealthCheckInfo& h : e.state.HealthChecks()) checks.push_back(HealthCheckJson(h));
  json j = HealthSummaryJson(e.state.HealthChecksSummaryInfo());
  j["health_checks"] = checks;
  SendJson(res, 200, j);
}

void PutHealthChecks(const Endpoint& e, const httplib::Request& req, const std::string&,
                     httplib::Response& res) {
  absl::StatusOr<HealthChecksSummary> h = e.state.PutHealthChecks(req.body);
  if (!h.ok()) return SendStatus(res, h.status(), "InvalidInput", "NotFound");
  SendJson(res, 200, HealthSummaryJson(*h));
}

void ListRegions(const Endpoint& e, const httplib::Request&, const std::string&,
                 httplib::Response& res) {
  const absl::Time now = absl::Now();
  const std::vector<uint32_t> expiry = LatestExpiry(e);
  json regions = json::array();
  for (const RegionInfo& r : e.state.Regions()) regions.push_back(RegionJson(r, expiry, now));
  SendJson(res, 200, json{{"regions", regions}});
}

void GetRegion(const Endpoint& e, const httplib::Request&, const std::string& name,
               httplib::Response& res) {
  absl::StatusOr<RegionInfo> r = e.state.Region(name);
  if (!r.ok()) return SendStatus(res, r.status(), "InvalidInput", "NoSuchRegion");
  SendJson(res, 200, RegionJson(*r, LatestExpiry(e), absl::Now()));
}

void PostRegion(const Endpoint& e, const httplib::Request& req, const std::string& name,
                httplib::Response& res) {
  std::optional<geo::AdminState> state;
  try {
    const json body = json::parse(req.body);
    state = geo::ParseAdminState(body.at("state").get<std::string>());
  } catch (const json::exception& ex) {
    return SendError(res, 400, "InvalidInput",
                     absl::StrCat("expected {\"state\":\"up\"|\"drain\"|\"down\"}: ", ex.what()));
  }
  if (!state.has_value()) {
    return SendError(res, 400, "InvalidInput", "state must be \"up\", \"drain\" or \"down\"");
  }
  absl::StatusOr<RegionInfo> r = e.state.SetRegionState(name, *state);
  if (!r.ok()) return SendStatus(res, r.status(), "InvalidInput", "NoSuchRegion");
  // Every batch that may still have read the old state finishes first, so
  // the expiry reported covers every answer handed out.
  if (e.server != nullptr) (void)e.server->WaitForWorkers(kDrainSync);
  GetRegion(e, req, name, res);
}

void Explain(const Endpoint& e, const httplib::Request& req, const std::string&,
             httplib::Response& res) {
  ExplainRequest er;
  er.name = req.get_param_value("name");
  er.type = req.has_param("type") ? req.get_param_value("type") : "A";
  er.client = req.get_param_value("client");
  er.subnet = req.get_param_value("subnet");
  const std::string dnssec = req.get_param_value("dnssec");
  er.dnssec_ok = dnssec == "1" || dnssec == "true";
  if (er.name.empty()) return SendError(res, 400, "InvalidInput", "missing ?name=");
  er.health_reasons = e.state.HealthReasons();
  absl::StatusOr<std::string> out = absl::InternalError("no snapshot");
  e.state.WithSnapshot([&](const Snapshot& snap) { out = ExplainQuery(snap, er); });
  if (!out.ok()) return SendStatus(res, out.status(), "InvalidInput", "NotFound");
  res.status = 200;
  res.set_content(*out + "\n", "application/json");
}

void Status(const Endpoint& e, const httplib::Request&, const std::string&,
            httplib::Response& res) {
  const absl::Time now = absl::Now();
  const ReloadCounts reloads = e.state.reloads();
  const std::string data_dir = e.state.data_dir();
  dns::server::Server* server = e.server;
  json j{{"version", e.options.version},
         {"started_at", Rfc3339(e.options.started_at)},
         {"uptime_s", absl::ToInt64Seconds(now - e.options.started_at)},
         {"threads", server != nullptr ? server->threads() : 0},
         {"listen", server != nullptr ? server->listening() : std::vector<std::string>()},
         {"control", e.address},
         {"data_dir", data_dir.empty() ? json(nullptr) : json(data_dir)},
         {"zones", e.state.zone_count()},
         {"snapshot_generation", reloads.generation},
         {"reloads", reloads.api + reloads.sighup},
         {"reload_failures", reloads.api_failures + reloads.sighup_failures},
         {"queries", server != nullptr ? server->Totals().queries : 0}};
  SendJson(res, 200, j);
}

void Metrics(const Endpoint& e, const httplib::Request&, const std::string&,
             httplib::Response& res) {
  const MetricsData data =
      CollectMetrics(e.server, e.state, e.options.version,
                     static_cast<double>(absl::ToUnixSeconds(e.options.started_at)),
                     e.options.transfers);
  res.status = 200;
  res.set_content(FormatMetrics(data), "text/plain; version=0.0.4; charset=utf-8");
}

json TimeOrNull(absl::Time t) {
  return t == absl::InfinitePast() || t == absl::InfiniteFuture() ? json(nullptr) : json(Rfc3339(t));
}

json TransferJson(const ZoneTransferInfo& z) {
  json j{{"origin", z.origin}, {"role", z.secondary ? "secondary" : "primary"},
         {"serial", z.serial}};
  if (z.secondary) {
    const xfr::SecondaryStatus& s = z.in;
    j["primaries"] = s.primaries;
    j["has_zone"] = s.has_zone;
    if (s.last_transfer_kind.empty()) {
      j["last_transfer"] = nullptr;
    } else {
      j["last_transfer"] = json{{"kind", s.last_transfer_kind},
                                {"from", s.last_transfer_primary},
                                {"at", TimeOrNull(s.last_transfer)},
                                {"records", s.last_transfer_records},
                                {"bytes", s.last_transfer_bytes},
                                {"seconds", absl::ToDoubleSeconds(s.last_transfer_duration)},
                                {"ixfr_fallback", s.ixfr_fallback}};
    }
    j["last_refresh"] = TimeOrNull(s.last_refresh);
    j["next_refresh"] = TimeOrNull(s.next_refresh);
    j["expires_at"] = TimeOrNull(s.expires_at);
    j["expired"] = s.expired;
    j["last_error"] = s.last_error;
    j["last_error_at"] = TimeOrNull(s.last_error_time);
    j["transfers_in"] = json{{"ok", s.transfers_ok}, {"failed", s.transfers_failed}};
    j["notifies_accepted"] = s.notifies;
  } else if (z.out.has_value()) {
    const xfr::OutgoingStatus& o = *z.out;
    j["records"] = o.records;
    j["allow_transfer"] = o.allow_transfer;
    j["transfer_routed"] = o.transfer_routed;
    j["has_routed_record_sets"] = o.has_routed;
    if (o.journal.has_value()) {
      j["journal"] = json{{"oldest_serial", o.journal->oldest},
                          {"newest_serial", o.journal->newest},
                          {"differences", o.journal->diffs}};
    } else {
      j["journal"] = json{{"differences", 0}};
    }
    j["transfers_out"] = json{{"axfr", o.axfr}, {"ixfr", o.ixfr}, {"refused", o.refused},
                              {"failed", o.failed}};
    j["last_transfer_out"] =
        o.last_kind.empty() ? json(nullptr)
                            : json{{"kind", o.last_kind}, {"client", o.last_client},
                                   {"at", TimeOrNull(o.last_at)}};
    json notify = json::array();
    for (const xfr::NotifyState& n : o.notify) {
      notify.push_back(json{{"target", n.target}, {"serial", n.serial}, {"state", n.state},
                            {"tries", n.tries}, {"last_error", n.last_error},
                            {"last_sent", TimeOrNull(n.last_sent)}});
    }
    j["notify"] = notify;
  }
  return j;
}

void PostNotify(const Endpoint& e, const httplib::Request&, const std::string& origin,
                httplib::Response& res) {
  if (e.options.transfers == nullptr) {
    return SendError(res, 404, "NoSuchZone", "zone transfers are not set up");
  }
  absl::StatusOr<std::vector<std::string>> targets = e.options.transfers->Notify(origin);
  if (!targets.ok()) return SendStatus(res, targets.status(), "InvalidInput", "NoSuchZone");
  absl::StatusOr<ZoneInfo> zone = e.state.Zone(origin);
  SendJson(res, 202, json{{"origin", zone.ok() ? zone->origin : origin},
                          {"serial", zone.ok() ? json(zone->serial) : json(nullptr)},
                          {"targets", *targets}});
}

void GetTransfers(const Endpoint& e, const httplib::Request&, const std::string&,
                  httplib::Response& res) {
  json zones = json::array();
  if (e.options.transfers != nullptr) {
    for (const ZoneTransferInfo& z : e.options.transfers->Status()) zones.push_back(TransferJson(z));
  } else {
    for (const ZoneInfo& z : e.state.Zones()) {
      zones.push_back(TransferJson(ZoneTransferInfo{z.origin, false, z.serial, {}}));
    }
  }
  SendJson(res, 200, json{{"zones", zones}});
}

void PostRetransfer(const Endpoint& e, const httplib::Request&, const std::string& origin,
                    httplib::Response& res) {
  absl::Status st = e.options.transfers != nullptr
                        ? e.options.transfers->Retransfer(origin)
                        : absl::NotFoundError("no secondary zones (--secondary)");
  if (!st.ok()) return SendStatus(res, st, "InvalidInput", "NoSuchZone");
  SendJson(res, 202, json{{"origin", origin}, {"state", "requested"}});
}

// One endpoint and method. `path` is a regular expression matching the
// whole path, with at most one group (the handler's `arg`).
struct Route {
  const char* method;
  const char* path;
  Handler handler;
};

// Every endpoint of the API, in the order a path is matched; the methods
// of one path in the order a 405's Allow header lists them.
constexpr Route kRoutes[] = {
    {"GET", "/v1/zones/?", ListZones},
    {"POST", "/v1/zones/([^/]+)/changes/?", PostChanges},
    {"GET", "/v1/zones/([^/]+)/records/?", GetZoneRecords},
    {"POST", "/v1/zones/([^/]+)/notify/?", PostNotify},
    {"POST", "/v1/zones/([^/]+)/follow-file/?", PostFollowFile},
    {"GET", "/v1/zones/([^/]+)/?", GetZone},
    {"PUT", "/v1/zones/([^/]+)/?", PutZone},
    {"DELETE", "/v1/zones/([^/]+)/?", DeleteZone},
    {"GET", "/v1/latency/?", GetLatency},
    {"PUT", "/v1/latency/?", PutLatency},
    {"GET", "/v1/health-checks/?", GetHealthChecks},
    {"PUT", "/v1/health-checks/?", PutHealthChecks},
    {"POST", "/v1/dnssec/reload/?", PostDnssecReload},
    {"GET", "/v1/dnssec/?", GetDnssec},
    {"GET", "/v1/transfers/?", GetTransfers},
    {"POST", "/v1/transfers/([^/]+)/retransfer/?", PostRetransfer},
    {"GET", "/v1/regions/?", ListRegions},
    {"GET", "/v1/regions/([^/]+)/?", GetRegion},
    {"POST", "/v1/regions/([^/]+)/?", PostRegion},
    {"GET", "/v1/explain", Explain},
    {"GET", "/v1/status", Status},
    {"GET", "/metrics", Metrics},
};

// kRoutes' paths, compiled once.
const std::vector<std::regex>& RoutePatterns() {
  static const std::vector<std::regex>* patterns = [] {
    auto* out = new std::vector<std::regex>;
    for (const Route& r : kRoutes) out->emplace_back(r.path);
    return out;
  }();
  return *patterns;
}

}  // namespace

std::string RefusedLine(std::string_view method, std::string_view path,
                        std::string_view remote_addr, std::string_view error) {
  std::string why(error.substr(0, error.find('\n')));
  return absl::StrCat("refused: ", base::AV(method), " ", base::AV(path), " from ",
                      remote_addr.empty() ? "?" : base::AV(remote_addr), ": ", why);
}

void ControlApi::Handle(const httplib::Request& req, httplib::Response& res) {
  Route(req, res);
  if (options_.log == nullptr || res.status < 400 || req.method == "GET" ||
      req.method == "HEAD") {
    return;
  }
  std::string why = absl::StrCat("HTTP ", res.status);
  const json body = json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object() && body.contains("error") && body["error"].is_string()) {
    why = body["error"].get<std::string>();
  }
  options_.log(RefusedLine(req.method, req.path, req.remote_addr, why));
}

void ControlApi::Route(const httplib::Request& req, httplib::Response& res) {
  if (!Authorized(req)) {
    res.set_header("WWW-Authenticate", "Bearer");
    SendError(res, 401, "Unauthorized",
              "missing or wrong token: send \"Authorization: Bearer <token>\" with the "
              "token of the server's --control-token-file (zonectl: --token-file FILE)");
    return;
  }
  const Endpoint endpoint{*state_, server_, options_, address_};
  const std::vector<std::regex>& patterns = RoutePatterns();
  std::string allowed;  // the methods of the routes matching the path
  for (size_t i = 0; i < patterns.size(); ++i) {
    std::smatch match;
    if (!std::regex_match(req.path, match, patterns[i])) continue;
    if (req.method == kRoutes[i].method) {
      kRoutes[i].handler(endpoint, req, match.size() > 1 ? match[1].str() : std::string(), res);
      return;
    }
    absl::StrAppend(&allowed, allowed.empty() ? "" : ", ", kRoutes[i].method);
  }
  if (!allowed.empty()) {
    res.set_header("Allow", allowed);
    SendError(res, 405, "MethodNotAllowed",
              absl::StrCat(req.method, " is not allowed on ", req.path));
    return;
  }
  SendError(res, 404, "NotFound", absl::StrCat("no such endpoint: ", req.method, " ", req.path));
}

}  // namespace dns::control
