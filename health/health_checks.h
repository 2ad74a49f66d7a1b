// File: health/health_checks.h
//
// HealthChecksConfig: the health checks the prober runs, read from Route 53's
// JSON exactly as `aws route53 list-health-checks` prints it:
//
//   {"HealthChecks": [
//     {"Id": "hc-web-eu",
//      "CallerReference": "...", "HealthCheckVersion": 1,     <- ignored
//      "HealthCheckConfig": {
//        "Type": "HTTP_STR_MATCH",      TCP | HTTP | HTTPS | HTTP_STR_MATCH |
//                                       HTTPS_STR_MATCH | CALCULATED
//        "IPAddress": "192.0.2.10",     IPv4 or IPv6 literal, or leave out and
//        "FullyQualifiedDomainName":    give a name: resolved (A record) before
//            "www.example.com",         every probe; also the HTTP Host header
//        "Port": 80,                    default 80 (HTTP*), 443 (HTTPS*);
//                                       required for TCP
//        "ResourcePath": "/health",     default "/"
//        "SearchString": "OK",          *_STR_MATCH: must appear in the first
//                                       5,120 bytes of the body
//        "RequestInterval": 10,         seconds, default 30 (see below)
//        "FailureThreshold": 3,         1..10, default 3
//        "Inverted": false,
//        "Disabled": false,
//        "ChildHealthChecks": ["a", "b"], "HealthThreshold": 1   (CALCULATED)
//      }}],
//   "IsTruncated": false, "MaxItems": "100"}                  <- ignored
//
// The output of `aws route53 get-health-check` ({"HealthCheck": {...}}) loads
// too, as a list of one.
//
// Fields steerdns does not use but Route 53 prints (CallerReference,
// HealthCheckVersion, LinkedService, CloudWatchAlarmConfiguration,
// MeasureLatency, EnableSNI, Regions, AlarmIdentifier,
// InsufficientDataHealthStatus, RoutingControlArn, IsTruncated, MaxItems,
// Marker, NextMarker) are accepted and ignored. Any other field is accepted
// with a warning ("file:line: health check 'x': unknown field 'Foo'
// ignored"), so a newer AWS CLI's output still loads.
//
// Extensions to Route 53 (documented, deliberate):
//   - RequestInterval: Route 53 allows only 10 or 30; steerdns accepts any
//     whole number of seconds from 1 to 3600 (short intervals for labs and
//     tests).
//   - IPAddress may be any literal, including loopback and private ranges,
//     which Route 53 refuses.
//   - A CALCULATED check may have CALCULATED children (no cycles).
//   - Types CLOUDWATCH_METRIC and RECOVERY_CONTROL are refused (nothing in
//     steerdns can evaluate them) rather than silently treated as healthy.
//
// Errors name the check: "hc.json:14: health check 'hc-web-eu':
// FailureThreshold must be a whole number from 1 to 10 (got 11)". A JSON
// syntax error reads "hc.json:7: syntax error ...". Duplicate Ids, a CALCULATED
// child that is not in the file, and child cycles are errors.
//
// Example:
//   absl::StatusOr<health::HealthChecksConfig> cfg =
//       health::HealthChecksConfig::Load("health-checks.json");
//   if (!cfg.ok()) { /* print cfg.status().message(); keep the old config */ }
//   for (const std::string& w : cfg->warnings()) std::cerr << w << "\n";
//   if (!cfg->Contains(record.health_check_id)) { /* error naming the record */ }
//   prober.Apply(*cfg);
//
// Thread safety: a HealthChecksConfig is immutable after Parse/Load/FromChecks
// and safe to read from any thread.
#ifndef STEERDNS_GEO_HEALTH_CHECKS_H_
#define STEERDNS_GEO_HEALTH_CHECKS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace health {

enum class HealthCheckType : uint8_t {
  kTcp,
  kHttp,
  kHttps,
  kHttpStrMatch,
  kHttpsStrMatch,
  kCalculated,
};

// Route 53's spelling: "TCP", "HTTP", ..., "CALCULATED".
std::string_view HealthCheckTypeName(HealthCheckType type);
// Inverse of HealthCheckTypeName (exact, upper case).
std::optional<HealthCheckType> ParseHealthCheckType(std::string_view name);
// HTTP, HTTPS and the _STR_MATCH variants.
bool IsHttpType(HealthCheckType type);
// HTTPS and HTTPS_STR_MATCH.
bool IsTlsType(HealthCheckType type);
// HTTP_STR_MATCH and HTTPS_STR_MATCH.
bool IsStrMatchType(HealthCheckType type);

// One health check, with Route 53's defaults filled in.
struct HealthCheckConfig {
  // Route 53 limits (and ours).
  static constexpr int kMinFailureThreshold = 1;
  static constexpr int kMaxFailureThreshold = 10;
  static constexpr int kMinRequestInterval = 1;     // Route 53: 10 or 30
  static constexpr int kMaxRequestInterval = 3600;  // an hour; sanity only
  static constexpr size_t kMaxResourcePath = 255;
  static constexpr size_t kMaxSearchString = 255;
  static constexpr size_t kMaxFqdn = 255;
  static constexpr size_t kMaxChildren = 256;
  // Route 53 searches this many leading bytes of the body for SearchString.
  static constexpr size_t kSearchWindow = 5120;

  std::string id;
  HealthCheckType type = HealthCheckType::kTcp;
  // Literal address to probe ("" = resolve fqdn before each probe).
  std::string ip_address;
  // Name to resolve when ip_address is empty, and the HTTP Host header.
  std::string fqdn;
  // 1..65535 for probing types; 0 for CALCULATED.
  uint16_t port = 0;
  // HTTP request path, always starting with '/'.
  std::string resource_path = "/";
  // *_STR_MATCH only (non-empty there).
  std::string search_string;
  int request_interval_s = 30;
  int failure_threshold = 3;
  bool inverted = false;
  // Not probed; the result is always "healthy" (then Inverted applies, so a
  // disabled inverted check is always unhealthy, as in Route 53).
  bool disabled = false;
  // CALCULATED only: ids of other checks in the same config, and how many of
  // them must be healthy (0..children; 0 = always healthy).
  std::vector<std::string> children;
  int health_threshold = 0;

  // 1-based line of the check's object in its source (0 = unknown).
  // Informational only: not part of SameProbe().
  int line = 0;

  // True if `other` probes the same thing the same way (every field but
  // `line`). The prober keeps a check's state across a reload only then.
  bool SameProbe(const HealthCheckConfig& other) const;

  // "TCP 192.0.2.1:443", "HTTPS www.example.com:443/health",
  // "CALCULATED 2 of [a, b, c]": for logs and status.
  std::string Describe() const;

  // The HTTP Host header Route 53 would send: FullyQualifiedDomainName (or
  // IPAddress when there is none), with ":port" unless the port is 80 or 443.
  std::string HostHeader() const;
};

class HealthChecksConfig {
 public:
  // An empty config (no checks).
  HealthChecksConfig() = default;

  // Parses Route 53 JSON. `source` names the text in messages (a file path,
  // "<api>"). Errors are InvalidArgument with "source:line: ..." naming the
  // check; nothing is partially applied.
  static absl::StatusOr<HealthChecksConfig> Parse(std::string_view text,
                                                  std::string_view source);
  // Reads and parses a file. NotFound / PermissionDenied / Internal for the
  // file itself, otherwise as Parse with the path as source.
  static absl::StatusOr<HealthChecksConfig> Load(const std::string& path);
  // Validates checks built in code (defaults as in HealthCheckConfig), with
  // the same rules and messages as Parse. For tests and the control API.
  static absl::StatusOr<HealthChecksConfig> FromChecks(
      std::vector<HealthCheckConfig> checks, std::string_view source = "<config>");

  // In file order.
  const std::vector<HealthCheckConfig>& checks() const { return checks_; }
  size_t size() const { return checks_.size(); }
  bool empty() const { return checks_.empty(); }
  // Non-fatal findings, "source:line: health check 'x': unknown field 'Foo'
  // ignored", in file order.
  const std::vector<std::string>& warnings() const { return warnings_; }
  const std::string& source() const { return source_; }

  bool Contains(std::string_view id) const;
  // nullptr if `id` is not configured. Valid as long as this object.
  const HealthCheckConfig* Find(std::string_view id) const;

 private:
  // Validates `checks`; `warnings` (top level) and `check_warnings` (one
  // list per check, from parsing) are merged in file order.
  static absl::StatusOr<HealthChecksConfig> Build(
      std::vector<HealthCheckConfig> checks, std::string_view source,
      std::vector<std::string> warnings,
      std::vector<std::vector<std::string>> check_warnings);

  std::string source_;
  std::vector<HealthCheckConfig> checks_;
  std::vector<std::string> warnings_;
  absl::flat_hash_map<std::string, size_t> index_;  // id -> checks_ index
};

}  // namespace health

#endif  // STEERDNS_GEO_HEALTH_CHECKS_H_
