#include "health/health_checks.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/error_list.h"
#include "base/file.h"
#include "base/json_lines.h"
#include "base/string_view.h"

namespace health {

using base::AV;
using base::StdViewFormatter;

namespace {

using Json = nlohmann::json;

constexpr std::pair<HealthCheckType, std::string_view> kTypeNames[] = {
    {HealthCheckType::kTcp, "TCP"},
    {HealthCheckType::kHttp, "HTTP"},
    {HealthCheckType::kHttps, "HTTPS"},
    {HealthCheckType::kHttpStrMatch, "HTTP_STR_MATCH"},
    {HealthCheckType::kHttpsStrMatch, "HTTPS_STR_MATCH"},
    {HealthCheckType::kCalculated, "CALCULATED"},
};

// Route 53 fields we accept and do not use, by object.
constexpr std::string_view kIgnoredTopFields[] = {
    "IsTruncated", "MaxItems", "Marker", "NextMarker", "ResponseMetadata"};
constexpr std::string_view kIgnoredCheckFields[] = {
    "CallerReference", "LinkedService", "HealthCheckVersion",
    "CloudWatchAlarmConfiguration", "HealthCheckObservations"};
constexpr std::string_view kIgnoredConfigFields[] = {
    "MeasureLatency",  "EnableSNI",
    "Regions",         "AlarmIdentifier",
    "InsufficientDataHealthStatus", "RoutingControlArn"};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view key) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

// "source:line: " or "source: ".
std::string Where(std::string_view source, int line) {
  if (line > 0) return absl::StrCat(AV(source), ":", line, ": ");
  return absl::StrCat(AV(source), ": ");
}

// "source:line: health check 'id': ".
std::string CheckWhere(std::string_view source, const HealthCheckConfig& c) {
  return absl::StrCat(Where(source, c.line), "health check '", c.id, "': ");
}

// A JSON value's kind, for "must be a string (got number)".
std::string_view Kind(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

// Reads one health check's JSON into a HealthCheckConfig. Errors carry the
// "source:line: health check 'id': " head.
class CheckReader {
 public:
  CheckReader(std::string_view source, std::vector<std::string>* warnings)
      : source_(source), warnings_(warnings) {}

  absl::Status Read(const Json& obj, size_t index, int line,
                    HealthCheckConfig* out) {
    out->line = line;
    if (!obj.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(source_, line), "HealthChecks[", index,
                       "] must be an object (got ", AV(Kind(obj)), ")"));
    }
    auto id = obj.find("Id");
    if (id == obj.end() || !id->is_string() ||
        id->get_ref<const std::string&>().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(source_, line), "HealthChecks[", index,
          "] needs an \"Id\" (a non-empty string)"));
    }
    out->id = id->get<std::string>();
    head_ = CheckWhere(source_, *out);
    const Json* config = nullptr;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      if (key == "Id") continue;
      if (key == "HealthCheckConfig") {
        config = &it.value();
      } else if (!In(kIgnoredCheckFields, key)) {
        Warn(absl::StrCat("unknown field '", key, "' ignored"));
      }
    }
    if (config == nullptr) return Error("no \"HealthCheckConfig\"");
    if (!config->is_object()) {
      return Error(absl::StrCat("HealthCheckConfig must be an object (got ",
                                AV(Kind(*config)), ")"));
    }
    return ReadConfig(*config, out);
  }

 private:
  absl::Status ReadConfig(const Json& cfg, HealthCheckConfig* out) {
    auto type = cfg.find("Type");
    if (type == cfg.end()) return Error("no \"Type\"");
    if (!type->is_string()) return WrongKind("Type", "a string", *type);
    const std::string& type_name = type->get_ref<const std::string&>();
    std::optional<HealthCheckType> t = ParseHealthCheckType(type_name);
    if (!t.has_value()) {
      return Error(absl::StrCat(
          "Type '", type_name,
          "' is not supported (TCP, HTTP, HTTPS, HTTP_STR_MATCH, "
          "HTTPS_STR_MATCH or CALCULATED)"));
    }
    out->type = *t;
    bool port_given = false;
    for (auto it = cfg.begin(); it != cfg.end(); ++it) {
      const std::string& key = it.key();
      const Json& v = it.value();
      absl::Status s;
      if (key == "Type") {
        continue;
      } else if (key == "IPAddress") {
        s = GetString(key, v, &out->ip_address);
      } else if (key == "FullyQualifiedDomainName") {
        s = GetString(key, v, &out->fqdn);
      } else if (key == "Port") {
        int port = 0;
        s = GetInt(key, v, 1, 65535, &port);
        out->port = static_cast<uint16_t>(port);
        port_given = true;
      } else if (key == "ResourcePath") {
        s = GetString(key, v, &out->resource_path);
      } else if (key == "SearchString") {
        s = GetString(key, v, &out->search_string);
      } else if (key == "RequestInterval") {
        s = GetInt(key, v, HealthCheckConfig::kMinRequestInterval,
                   HealthCheckConfig::kMaxRequestInterval,
                   &out->request_interval_s);
      } else if (key == "FailureThreshold") {
        s = GetInt(key, v, HealthCheckConfig::kMinFailureThreshold,
                   HealthCheckConfig::kMaxFailureThreshold,
                   &out->failure_threshold);
      } else if (key == "Inverted") {
        s = GetBool(key, v, &out->inverted);
      } else if (key == "Disabled") {
        s = GetBool(key, v, &out->disabled);
      } else if (key == "HealthThreshold") {
        s = GetInt(key, v, 0, static_cast<int>(HealthCheckConfig::kMaxChildren),
                   &out->health_threshold);
      } else if (key == "ChildHealthChecks") {
        s = GetStringList(key, v, &out->children);
      } else if (In(kIgnoredConfigFields, key)) {
        continue;
      } else {
        Warn(absl::StrCat("unknown field 'HealthCheckConfig.", key,
                          "' ignored"));
      }
      if (!s.ok()) return s;
    }
    if (out->type == HealthCheckType::kCalculated) {
      for (const char* f : {"IPAddress", "FullyQualifiedDomainName", "Port",
                            "ResourcePath", "SearchString"}) {
        if (cfg.contains(f)) {
          Warn(absl::StrCat(f, " is ignored for Type CALCULATED"));
        }
      }
    } else if (!port_given && out->type == HealthCheckType::kTcp) {
      return Error("Port is required for Type TCP");
    }
    return absl::OkStatus();
  }

  absl::Status GetString(std::string_view key, const Json& v, std::string* out) {
    if (!v.is_string()) return WrongKind(key, "a string", v);
    *out = v.get<std::string>();
    return absl::OkStatus();
  }

  absl::Status GetBool(std::string_view key, const Json& v, bool* out) {
    if (!v.is_boolean()) return WrongKind(key, "true or false", v);
    *out = v.get<bool>();
    return absl::OkStatus();
  }

  // A whole number in [lo, hi]; 10.0 counts as whole, "10" does not.
  absl::Status GetInt(std::string_view key, const Json& v, int lo, int hi,
                      int* out) {
    const std::string range = absl::StrCat("a whole number from ", lo, " to ", hi);
    double d = 0;
    if (v.is_number_integer()) {
      if (v.is_number_unsigned()) {
        d = static_cast<double>(v.get<uint64_t>());
      } else {
        d = static_cast<double>(v.get<int64_t>());
      }
    } else if (v.is_number_float()) {
      d = v.get<double>();
    } else {
      return WrongKind(key, range, v);
    }
    if (!(d >= lo && d <= hi) || std::floor(d) != d) {
      return Error(absl::StrCat(AV(key), " must be ", range, " (got ", v.dump(), ")"));
    }
    *out = static_cast<int>(d);
    return absl::OkStatus();
  }

  absl::Status GetStringList(std::string_view key, const Json& v,
                             std::vector<std::string>* out) {
    if (!v.is_array()) return WrongKind(key, "an array of ids", v);
    out->clear();
    for (const Json& e : v) {
      if (!e.is_string()) return WrongKind(key, "an array of ids", v);
      out->push_back(e.get<std::string>());
    }
    return absl::OkStatus();
  }

  absl::Status WrongKind(std::string_view key, std::string_view want,
                         const Json& got) {
    return Error(absl::StrCat(AV(key), " must be ", AV(want), " (got ",
                              AV(Kind(got)), ")"));
  }

  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(head_, AV(what)));
  }
  void Warn(std::string_view what) {
    warnings_->push_back(absl::StrCat(head_, AV(what)));
  }

  std::string_view source_;
  std::vector<std::string>* warnings_;
  std::string head_;
};

bool IsAddressLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 ||
         inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// Characters that would break the request line or a header.
bool HasControlOrSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const unsigned char u = static_cast<unsigned char>(ch);
    return u <= 0x20 || u == 0x7f;
  });
}

// Checks one check's fields and fills type-dependent defaults.
absl::Status ValidateCheck(std::string_view source, HealthCheckConfig* c,
                           std::vector<std::string>* warnings) {
  auto error = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(CheckWhere(source, *c), AV(what)));
  };
  if (c->id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(source, c->line), "health check with an empty Id"));
  }
  // "FailureThreshold must be a whole number from 1 to 10 (got 11)".
  auto in_range = [&](std::string_view field, int value, int lo, int hi) {
    if (value >= lo && value <= hi) return absl::OkStatus();
    return error(absl::StrCat(AV(field), " must be a whole number from ", lo, " to ", hi,
                              " (got ", value, ")"));
  };
  if (absl::Status s = in_range("RequestInterval", c->request_interval_s,
                                HealthCheckConfig::kMinRequestInterval,
                                HealthCheckConfig::kMaxRequestInterval);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = in_range("FailureThreshold", c->failure_threshold,
                                HealthCheckConfig::kMinFailureThreshold,
                                HealthCheckConfig::kMaxFailureThreshold);
      !s.ok()) {
    return s;
  }
  if (c->type == HealthCheckType::kCalculated) {
    c->ip_address.clear();
    c->fqdn.clear();
    c->port = 0;
    c->resource_path = "/";
    c->search_string.clear();
    if (c->children.size() > HealthCheckConfig::kMaxChildren) {
      return error(absl::StrCat("ChildHealthChecks has ", c->children.size(),
                                " ids (at most ",
                                HealthCheckConfig::kMaxChildren, ")"));
    }
    if (absl::Status s = in_range("HealthThreshold", c->health_threshold, 0,
                                  static_cast<int>(HealthCheckConfig::kMaxChildren));
        !s.ok()) {
      return s;
    }
    absl::flat_hash_set<std::string> seen;
    for (const std::string& child : c->children) {
      if (child.empty()) return error("ChildHealthChecks has an empty id");
      if (child == c->id) return error("ChildHealthChecks lists the check itself");
      if (!seen.insert(child).second) {
        return error(absl::StrCat("ChildHealthChecks lists '", child, "' twice"));
      }
    }
    return absl::OkStatus();
  }

  // A probing check.
  if (!c->children.empty()) {
    return error("ChildHealthChecks is only allowed for Type CALCULATED");
  }
  if (c->ip_address.empty() && c->fqdn.empty()) {
    return error("needs IPAddress or FullyQualifiedDomainName");
  }
  if (!c->ip_address.empty() && !IsAddressLiteral(c->ip_address)) {
    return error(absl::StrCat("IPAddress '", c->ip_address,
                              "' is not an IPv4 or IPv6 address"));
  }
  if (!c->fqdn.empty()) {
    if (c->fqdn.size() > HealthCheckConfig::kMaxFqdn) {
      return error(absl::StrCat("FullyQualifiedDomainName is longer than ",
                                HealthCheckConfig::kMaxFqdn, " characters"));
    }
    if (HasControlOrSpace(c->fqdn) || c->fqdn.find('/') != std::string::npos ||
        c->fqdn.find(':') != std::string::npos) {
      return error(absl::StrCat("FullyQualifiedDomainName '", c->fqdn,
                                "' is not a domain name"));
    }
  }
  if (c->port == 0) {
    if (c->type == HealthCheckType::kTcp) return error("Port is required for Type TCP");
    c->port = IsTlsType(c->type) ? 443 : 80;
  }
  if (IsHttpType(c->type)) {
    if (c->resource_path.empty()) c->resource_path = "/";
    if (c->resource_path.front() != '/') c->resource_path.insert(0, "/");
    if (c->resource_path.size() > HealthCheckConfig::kMaxResourcePath) {
      return error(absl::StrCat("ResourcePath is longer than ",
                                HealthCheckConfig::kMaxResourcePath, " characters"));
    }
    if (HasControlOrSpace(c->resource_path)) {
      return error("ResourcePath must not contain spaces or control characters");
    }
  } else {
    c->resource_path = "/";
  }
  if (IsStrMatchType(c->type)) {
    if (c->search_string.empty()) {
      return error(absl::StrCat("SearchString is required for Type ",
                                AV(HealthCheckTypeName(c->type))));
    }
    if (c->search_string.size() > HealthCheckConfig::kMaxSearchString) {
      return error(absl::StrCat("SearchString is longer than ",
                                HealthCheckConfig::kMaxSearchString, " characters"));
    }
  } else if (!c->search_string.empty()) {
    warnings->push_back(absl::StrCat(CheckWhere(source, *c),
                                     "SearchString is ignored for Type ",
                                     AV(HealthCheckTypeName(c->type))));
    c->search_string.clear();
  }
  if (c->health_threshold != 0) {
    warnings->push_back(absl::StrCat(CheckWhere(source, *c),
                                     "HealthThreshold is ignored for Type ",
                                     AV(HealthCheckTypeName(c->type))));
    c->health_threshold = 0;
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view HealthCheckTypeName(HealthCheckType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "?";
}

std::optional<HealthCheckType> ParseHealthCheckType(std::string_view name) {
  for (const auto& [t, n] : kTypeNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

bool IsHttpType(HealthCheckType type) {
  return type != HealthCheckType::kTcp && type != HealthCheckType::kCalculated;
}

bool IsTlsType(HealthCheckType type) {
  return type == HealthCheckType::kHttps || type == HealthCheckType::kHttpsStrMatch;
}

bool IsStrMatchType(HealthCheckType type) {
  return type == HealthCheckType::kHttpStrMatch ||
         type == HealthCheckType::kHttpsStrMatch;
}

bool HealthCheckConfig::SameProbe(const HealthCheckConfig& o) const {
  return id == o.id && type == o.type && ip_address == o.ip_address &&
         fqdn == o.fqdn && port == o.port && resource_path == o.resource_path &&
         search_string == o.search_string &&
         request_interval_s == o.request_interval_s &&
         failure_threshold == o.failure_threshold && inverted == o.inverted &&
         disabled == o.disabled && children == o.children &&
         health_threshold == o.health_threshold;
}

std::string HealthCheckConfig::Describe() const {
  std::string out(HealthCheckTypeName(type));
  if (type == HealthCheckType::kCalculated) {
    absl::StrAppend(&out, " ", health_threshold, " of [",
                    absl::StrJoin(children, ", "), "]");
  } else {
    const std::string& host = ip_address.empty() ? fqdn : ip_address;
    const bool v6 = host.find(':') != std::string::npos;
    absl::StrAppend(&out, " ", v6 ? "[" : "", host, v6 ? "]" : "", ":", port);
    if (IsHttpType(type)) absl::StrAppend(&out, resource_path);
  }
  if (inverted) absl::StrAppend(&out, " inverted");
  if (disabled) absl::StrAppend(&out, " disabled");
  return out;
}

std::string HealthCheckConfig::HostHeader() const {
  std::string host = fqdn;
  if (host.empty()) {
    host = ip_address.find(':') != std::string::npos
               ? absl::StrCat("[", ip_address, "]")
               : ip_address;
  } else if (host.back() == '.') {
    host.pop_back();
  }
  if (port != 80 && port != 443) absl::StrAppend(&host, ":", port);
  return host;
}

absl::StatusOr<HealthChecksConfig> HealthChecksConfig::Parse(
    std::string_view text, std::string_view source) {
  absl::StatusOr<Json> parsed = base::ParseJson(text, source, "syntax error: ");
  if (!parsed.ok()) return parsed.status();
  Json doc = *std::move(parsed);
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AV(source), ":1: expected an object {\"HealthChecks\": [...]} (got ",
        AV(Kind(doc)), ")"));
  }
  std::vector<std::string> warnings;
  const Json* list = nullptr;
  const Json* single = nullptr;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    if (key == "HealthChecks") {
      list = &it.value();
    } else if (key == "HealthCheck") {
      single = &it.value();
    } else if (!In(kIgnoredTopFields, key)) {
      warnings.push_back(
          absl::StrCat(AV(source), ": unknown top-level field '", key, "' ignored"));
    }
  }
  if (list != nullptr && single != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        AV(source), ": both \"HealthChecks\" and \"HealthCheck\" given"));
  }
  if (list == nullptr && single == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(source), ": no \"HealthChecks\" array"));
  }
  if (list != nullptr && !list->is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(
        AV(source), ": \"HealthChecks\" must be an array (got ", AV(Kind(*list)), ")"));
  }
  std::vector<const Json*> objects;
  if (single != nullptr) {
    objects.push_back(single);
  } else {
    for (const Json& e : *list) objects.push_back(&e);
  }
  std::vector<int> lines = base::TopLevelObjectLines(text, "HealthChecks", "HealthCheck");
  if (lines.size() != objects.size()) lines.assign(objects.size(), 0);

  std::vector<HealthCheckConfig> checks(objects.size());
  std::vector<std::vector<std::string>> check_warnings(objects.size());
  // Every bad check is reported (up to ErrorList::kMax), not only the first.
  base::ErrorList errors;
  for (size_t i = 0; i < objects.size(); ++i) {
    CheckReader reader(source, &check_warnings[i]);
    errors.AddStatus(reader.Read(*objects[i], i, lines[i], &checks[i]));
  }
  if (!errors.empty()) return errors.ToStatus();
  return Build(std::move(checks), source, std::move(warnings),
               std::move(check_warnings));
}

absl::StatusOr<HealthChecksConfig> HealthChecksConfig::FromChecks(
    std::vector<HealthCheckConfig> checks, std::string_view source) {
  const size_t n = checks.size();
  return Build(std::move(checks), source, {}, std::vector<std::vector<std::string>>(n));
}

absl::StatusOr<HealthChecksConfig> HealthChecksConfig::Build(
    std::vector<HealthCheckConfig> checks, std::string_view source,
    std::vector<std::string> warnings,
    std::vector<std::vector<std::string>> check_warnings) {
  HealthChecksConfig out;
  out.source_ = std::string(source);
  out.warnings_ = std::move(warnings);
  base::ErrorList errors;
  for (size_t i = 0; i < checks.size(); ++i) {
    HealthCheckConfig& c = checks[i];
    absl::Status s = ValidateCheck(source, &c, &check_warnings[i]);
    if (!s.ok()) {
      errors.AddStatus(s);
      continue;
    }
    out.warnings_.insert(out.warnings_.end(), check_warnings[i].begin(),
                         check_warnings[i].end());
    auto [it, inserted] = out.index_.emplace(c.id, i);
    if (!inserted) {
      const HealthCheckConfig& first = checks[it->second];
      errors.AddLine(absl::StrCat(
          CheckWhere(source, c), "duplicate Id (first defined",
          first.line > 0 ? absl::StrCat(" on line ", first.line) : std::string(),
          ")"));
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  // Children must exist; no cycles among CALCULATED checks.
  for (const HealthCheckConfig& c : checks) {
    for (const std::string& child : c.children) {
      if (!out.index_.contains(child)) {
        errors.AddLine(absl::StrCat(CheckWhere(source, c), "ChildHealthChecks names '", child,
                                    "', which is not a health check in ", AV(source)));
      }
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  // Depth-first search; 0 = unvisited, 1 = on the stack, 2 = done.
  std::vector<uint8_t> mark(checks.size(), 0);
  std::vector<std::pair<size_t, size_t>> stack;  // (check, next child)
  for (size_t root = 0; root < checks.size(); ++root) {
    if (mark[root] != 0) continue;
    stack.push_back({root, 0});
    mark[root] = 1;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      const HealthCheckConfig& c = checks[node];
      if (next == c.children.size()) {
        mark[node] = 2;
        stack.pop_back();
        continue;
      }
      const size_t child = out.index_.at(c.children[next++]);
      if (mark[child] == 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            CheckWhere(source, c), "ChildHealthChecks makes a cycle through '",
            checks[child].id, "'"));
      }
      if (mark[child] == 0) {
        mark[child] = 1;
        stack.push_back({child, 0});
      }
    }
  }
  out.checks_ = std::move(checks);
  return out;
}

absl::StatusOr<HealthChecksConfig> HealthChecksConfig::Load(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

bool HealthChecksConfig::Contains(std::string_view id) const {
  return index_.contains(AV(id));
}

const HealthCheckConfig* HealthChecksConfig::Find(std::string_view id) const {
  auto it = index_.find(AV(id));
  return it == index_.end() ? nullptr : &checks_[it->second];
}

}  // namespace health
