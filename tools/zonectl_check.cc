// File: tools/zonectl_check.cc
#include "tools/zonectl_check.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/file.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "geo/csv_reader.h"
#include "geo/build/location_table.h"
#include "geo/latency_table.h"
#include "geo/regions.h"
#include "zones/builder.h"
#include "zones/route53_json.h"
#include "zones/zone.h"
#include "zones/zone_loader.h"
#include "health/health_checks.h"

namespace zonectl {
namespace {

using Json = nlohmann::json;

// Debian's Abseil has its own absl::string_view.
using base::AV;

constexpr uint16_t kTypeSoa = 6;
constexpr uint16_t kTypeNs = 2;

CheckResult Fail(FileKind kind, std::string error) {
  CheckResult r;
  r.kind = kind;
  r.error = std::move(error);
  return r;
}

CheckResult Ok(FileKind kind, std::string summary) {
  CheckResult r;
  r.ok = true;
  r.kind = kind;
  r.summary = std::move(summary);
  return r;
}

// "static records, routed record sets" of a built zone.
std::string ZoneCounts(const zones::Zone& zone) {
  return absl::StrCat(zone.record_count(), " records, ", zone.routed_record_set_count(),
                      " routed record sets");
}

// Whitespace-separated tokens of a master-file line with its comment cut
// off (a ';' outside double quotes starts a comment).
std::vector<std::string> Tokens(std::string_view line) {
  std::string cut;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      cut.push_back(c);
      cut.push_back(line[++i]);
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (c == ';' && !quoted) break;
    cut.push_back(c);
  }
  std::vector<std::string> out;
  for (absl::string_view t : absl::StrSplit(cut, absl::ByAnyChar(" \t\r()"),
                                            absl::SkipEmpty())) {
    out.emplace_back(t);
  }
  return out;
}

bool IsTtl(const std::string& t) {
  if (t.empty()) return false;
  for (char c : t) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        std::string_view("smhdwSMHDW").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return absl::ascii_isdigit(static_cast<unsigned char>(t[0]));
}

bool IsClass(const std::string& t) {
  return absl::EqualsIgnoreCase(t, "IN") || absl::EqualsIgnoreCase(t, "CH") ||
         absl::EqualsIgnoreCase(t, "HS") || absl::EqualsIgnoreCase(t, "CS");
}

// The origin of a master file: its first $ORIGIN, else its SOA's owner
// (when absolute).
absl::StatusOr<std::string> MasterFileOrigin(const std::string& path,
                                             const std::string& text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const std::vector<std::string> t = Tokens(std::string_view(line.data(), line.size()));
    if (t.empty()) continue;
    if (absl::EqualsIgnoreCase(t[0], "$ORIGIN")) {
      if (t.size() >= 2 && absl::EndsWith(t[1], ".")) return t[1];
      break;  // relative or missing: LoadZone will say what is wrong
    }
    if (t[0][0] == '$') continue;  // $TTL, $INCLUDE
    // An RR line that begins with its owner: owner [ttl] [class] [ttl] SOA.
    const bool has_owner = line[0] != ' ' && line[0] != '\t';
    if (!has_owner) continue;
    size_t i = 1;
    while (i < t.size() && i <= 3 && (IsTtl(t[i]) || IsClass(t[i]))) ++i;
    if (i < t.size() && absl::EqualsIgnoreCase(t[i], "SOA")) {
      if (absl::EndsWith(t[0], ".")) return t[0];
      break;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path,
      ": cannot tell the zone's origin (no $ORIGIN and no SOA with an "
      "absolute owner before the first relative name); give --origin"));
}

CheckResult CheckMasterFile(const std::string& path, const std::string& origin_flag) {
  std::string origin = origin_flag;
  if (origin.empty()) {
    absl::StatusOr<std::string> text = base::ReadFile(path);
    if (!text.ok()) return Fail(FileKind::kMasterFile, std::string(text.status().message()));
    absl::StatusOr<std::string> found = MasterFileOrigin(path, *text);
    if (!found.ok()) return Fail(FileKind::kMasterFile, std::string(found.status().message()));
    origin = *found;
  }
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
      zones::LoadZone(origin, {path});
  if (!zone.ok()) return Fail(FileKind::kMasterFile, std::string(zone.status().message()));
  return Ok(FileKind::kMasterFile,
            absl::StrCat("master file for zone ", dns::NameToText((*zone)->origin()),
                         ", serial ", (*zone)->serial(), ", ",
                         ZoneCounts(**zone)));
}

// Lower-cased labels of a presentation name, root last dropped.
std::vector<std::string> Labels(const std::string& name) {
  std::string n = absl::AsciiStrToLower(name);
  while (!n.empty() && n.back() == '.') n.pop_back();
  std::vector<std::string> out;
  if (n.empty()) return out;
  for (absl::string_view l : absl::StrSplit(n, '.')) out.emplace_back(l);
  return out;
}

// The deepest name that contains every name in `names`.
std::string CommonAncestor(const std::vector<std::string>& names) {
  std::vector<std::string> common;
  bool first = true;
  for (const std::string& name : names) {
    std::vector<std::string> l = Labels(name);
    if (first) {
      common = l;
      first = false;
      continue;
    }
    size_t k = 0;
    while (k < common.size() && k < l.size() &&
           common[common.size() - 1 - k] == l[l.size() - 1 - k]) {
      ++k;
    }
    common.erase(common.begin(), common.end() - static_cast<ptrdiff_t>(k));
  }
  return common.empty() ? "." : absl::StrCat(absl::StrJoin(common, "."), ".");
}

// Wire form of `text` (absolute); the name must be well-formed.
std::string Wire(std::string_view text) {
  std::string w;
  dns::NameFromText(text, &w);
  return w;
}

void PutU32(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

CheckResult CheckRecordSets(const std::string& path, const std::string& text,
                            const Json& doc, const std::string& origin_flag) {
  const FileKind kind = FileKind::kRoute53RecordSets;
  // Names, and whether an SOA / NS record set sits at a name.
  std::vector<std::string> names;
  std::vector<std::pair<std::string, uint16_t>> apex_types;
  auto sets = doc.is_object() ? doc.find("ResourceRecordSets") : doc.end();
  if (sets != doc.end() && sets->is_array()) {
    for (const Json& rs : *sets) {
      if (!rs.is_object()) continue;
      auto name = rs.find("Name");
      auto type = rs.find("Type");
      if (name == rs.end() || !name->is_string()) continue;
      names.push_back(name->get<std::string>());
      if (type != rs.end() && type->is_string()) {
        const std::string t = absl::AsciiStrToUpper(type->get<std::string>());
        if (t == "SOA") apex_types.emplace_back(names.back(), kTypeSoa);
        if (t == "NS") apex_types.emplace_back(names.back(), kTypeNs);
      }
    }
  }
  std::string origin = origin_flag;
  if (origin.empty()) {
    for (const auto& [name, type] : apex_types) {
      if (type == kTypeSoa) origin = name;
    }
  }
  if (origin.empty()) origin = CommonAncestor(names);
  std::string origin_wire;
  if (!dns::NameFromText(origin, &origin_wire)) {
    return Fail(kind, absl::StrCat("bad zone origin '", origin, "'"));
  }
  zones::ZoneBuilder builder(origin_wire);
  bool has_soa = false, has_ns = false;
  for (const auto& [name, type] : apex_types) {
    std::string w;
    if (!dns::NameFromText(name, &w) || w != origin_wire) continue;
    if (type == kTypeSoa) has_soa = true;
    if (type == kTypeNs) has_ns = true;
  }
  // A record-set file seldom carries the apex SOA/NS (the zone's master
  // file does): stand-ins keep Build() about this file's records.
  if (!has_soa || !has_ns) {
    const int placeholder = builder.AddSource("<zonectl check: placeholder apex>");
    const std::string ns = Wire("ns.zonectl-check.invalid.");
    if (!has_soa) {
      std::string soa = ns + Wire("hostmaster.zonectl-check.invalid.");
      for (uint32_t v : {1u, 3600u, 600u, 86400u, 60u}) PutU32(&soa, v);
      absl::Status s = builder.Add(origin_wire, kTypeSoa, 1, 3600, soa, {placeholder, 0});
      if (!s.ok()) return Fail(kind, std::string(s.message()));
    }
    if (!has_ns) {
      absl::Status s = builder.Add(origin_wire, kTypeNs, 1, 3600, ns, {placeholder, 0});
      if (!s.ok()) return Fail(kind, std::string(s.message()));
    }
  }
  if (absl::Status s = zones::ReadRoute53JsonText(text, path, &builder); !s.ok()) {
    return Fail(kind, std::string(s.message()));
  }
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = std::move(builder).Build();
  if (!zone.ok()) return Fail(kind, std::string(zone.status().message()));
  CheckResult r = Ok(kind, absl::StrCat("Route 53 record sets: ", names.size(), " for zone ",
                                        dns::NameToText(origin_wire), " (",
                                        ZoneCounts(**zone), ")"));
  (*zone)->ForEachRoutedMember([&](const zones::Node& node, const zones::RoutedGroup& g,
                                   const zones::RoutedMember& m) {
    if (!m.region.empty()) {
      // Worded as the server's check (dns/control/change.cc).
      r.region_refs.emplace_back(
          m.region, absl::StrCat(m.source, ": ",
                                 zones::DescribeRecordSet(node.owner, g.type, m.set_identifier)));
    }
    if (m.health_check_id.empty()) return;
    r.health_check_refs.emplace_back(
        m.health_check_id, zones::UnknownHealthCheckIdError(node.owner, g.type, m));
  });
  return r;
}

CheckResult CheckChangeBatch(const std::string& path, const Json& doc) {
  const FileKind kind = FileKind::kRoute53ChangeBatch;
  const Json* batch = &doc;
  if (doc.contains("ChangeBatch")) batch = &doc["ChangeBatch"];
  if (!batch->is_object() || !batch->contains("Changes") ||
      !(*batch)["Changes"].is_array()) {
    return Fail(kind, absl::StrCat(path, ": a change batch needs a \"Changes\" array"));
  }
  const Json& changes = (*batch)["Changes"];
  if (changes.empty()) return Fail(kind, absl::StrCat(path, ": \"Changes\" is empty"));
  for (size_t i = 0; i < changes.size(); ++i) {
    const Json& c = changes[i];
    const std::string where = absl::StrCat(path, ": Changes[", i, "]");
    if (!c.is_object()) return Fail(kind, absl::StrCat(where, ": not an object"));
    auto action = c.find("Action");
    if (action == c.end() || !action->is_string() ||
        (*action != "CREATE" && *action != "DELETE" && *action != "UPSERT")) {
      return Fail(kind, absl::StrCat(where, ": Action must be CREATE, DELETE or UPSERT"));
    }
    auto rs = c.find("ResourceRecordSet");
    if (rs == c.end() || !rs->is_object()) {
      return Fail(kind, absl::StrCat(where, ": ResourceRecordSet must be an object"));
    }
    if (!rs->contains("Name") || !(*rs)["Name"].is_string() ||
        !rs->contains("Type") || !(*rs)["Type"].is_string()) {
      return Fail(kind, absl::StrCat(where, ": ResourceRecordSet needs Name and Type"));
    }
  }
  CheckResult r = Ok(kind, absl::StrCat("change batch: ", changes.size(),
                                        " changes (records are checked against the zone "
                                        "by the server)"));
  for (size_t i = 0; i < changes.size(); ++i) {
    const Json& rs = changes[i]["ResourceRecordSet"];
    auto region = rs.find("Region");
    if (region == rs.end() || !region->is_string()) continue;
    std::string owner = Wire(".");
    dns::NameFromText(rs["Name"].get<std::string>(), &owner);
    // The type's number, for the record set's name (Route 53's types are
    // all below 256).
    uint16_t t = 0;
    char buf[16];
    const std::string type_text = rs["Type"].get<std::string>();
    for (uint16_t candidate = 1; candidate < 256 && t == 0; ++candidate) {
      if (absl::EqualsIgnoreCase(dns::RRTypeName(candidate, buf), type_text)) t = candidate;
    }
    const std::string set_identifier =
        rs.contains("SetIdentifier") && rs["SetIdentifier"].is_string()
            ? rs["SetIdentifier"].get<std::string>()
            : "";
    r.region_refs.emplace_back(
        region->get<std::string>(),
        absl::StrCat(path, ": Changes[", i, "]: ",
                     zones::DescribeRecordSet(owner, t, set_identifier)));
  }
  return r;
}

CheckResult CheckHealthChecks(const std::string& path) {
  const FileKind kind = FileKind::kHealthChecks;
  absl::StatusOr<health::HealthChecksConfig> cfg = health::HealthChecksConfig::Load(path);
  if (!cfg.ok()) return Fail(kind, std::string(cfg.status().message()));
  CheckResult r = Ok(kind, absl::StrCat("health checks: ", cfg->size()));
  r.warnings = cfg->warnings();
  for (const health::HealthCheckConfig& c : cfg->checks()) r.health_check_ids.push_back(c.id);
  return r;
}

CheckResult CheckJson(const std::string& path, const std::string& origin) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) {
    return Fail(FileKind::kRoute53RecordSets, std::string(text.status().message()));
  }
  Json doc;
  try {
    doc = Json::parse(*text);
  } catch (const Json::exception& e) {
    // Not JSON nlohmann can hold (syntax, a number out of range): let the
    // server's reader of that kind word it, with its file:line. (A record
    // set's "HealthCheckId" does not make a file health checks.)
    if (absl::StrContains(*text, "\"HealthChecks\"") ||
        absl::StrContains(*text, "\"HealthCheck\"")) {
      return CheckHealthChecks(path);
    }
    zones::ZoneBuilder b(Wire("."));
    absl::Status s = zones::ReadRoute53JsonText(*text, path, &b);
    return Fail(FileKind::kRoute53RecordSets,
                s.ok() ? absl::StrCat(path, ": ", e.what()) : std::string(s.message()));
  }
  if (doc.is_object() && (doc.contains("HealthChecks") || doc.contains("HealthCheck"))) {
    return CheckHealthChecks(path);
  }
  if (doc.is_object() && (doc.contains("Changes") || doc.contains("ChangeBatch"))) {
    return CheckChangeBatch(path, doc);
  }
  return CheckRecordSets(path, *text, doc, origin);
}

// The header fields of a CSV file (first non-blank line), lower-cased.
absl::StatusOr<std::vector<std::string>> CsvHeader(const std::string& text) {
  std::vector<std::string> header;
  absl::Status s = geo::ForEachCsvRecord(
      text, "", [&](absl::Span<const std::string_view> fields, int) {
        for (std::string_view f : fields) {
          header.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(AV(f))));
        }
        return absl::CancelledError("header read");
      });
  if (!s.ok() && !absl::IsCancelled(s)) return s;
  return header;
}

CheckResult CheckCsv(const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return Fail(FileKind::kLatencyTable, std::string(text.status().message()));
  absl::StatusOr<std::vector<std::string>> header = CsvHeader(*text);
  bool latency = false, regions = false;
  if (header.ok() && !header->empty()) {
    latency = (*header)[0] == "network";
    for (const std::string& f : *header) regions |= (f == "region");
    regions &= !latency;
  }
  bool locations = false;  // network,latitude,longitude[,country]
  if (latency) {
    for (const std::string& f : *header) locations |= (f == "latitude" || f == "lat");
  }
  if (locations) {
    // The default latency table's input (docs/latency-tables.md), ranked
    // against the default regions as the server would.
    geo::AdminStates ids;
    absl::StatusOr<std::shared_ptr<const geo::RegionRegistry>> r =
        geo::RegionRegistry::LoadCsv(geo::DefaultRegionsPath(), ids);
    if (!r.ok()) return Fail(FileKind::kLatencyTable, std::string(r.status().message()));
    geo::LocationTableStats st;
    absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> t = geo::ParseLocationLatencyTable(
        *text, path, **r, geo::kDefaultDistanceModel, &st);
    if (!t.ok()) return Fail(FileKind::kLatencyTable, std::string(t.status().message()));
    return Ok(FileKind::kLatencyTable,
              absl::StrCat("network locations (--default-latency): ", st.file_networks,
                           " networks, ", st.locations, " locations; ranked over ",
                           st.regions, " regions: ", (*t)->network_count(), " networks, ",
                           (*t)->ranking_count(), " distinct rankings"));
  }
  if (latency || !header.ok()) {
    absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> t =
        geo::LatencyTable::LoadCsv(path);
    if (!t.ok()) return Fail(FileKind::kLatencyTable, std::string(t.status().message()));
    CheckResult r = Ok(FileKind::kLatencyTable,
                       absl::StrCat("latency table: ", (*t)->network_count(), " networks, ",
                                    (*t)->region_count(), " regions, ",
                                    (*t)->ranking_count(), " distinct rankings"));
    r.latency_table = *std::move(t);
    return r;
  }
  if (regions) {
    geo::AdminStates ids;
    absl::StatusOr<std::shared_ptr<const geo::RegionRegistry>> r =
        geo::RegionRegistry::LoadCsv(path, ids);
    if (!r.ok()) return Fail(FileKind::kRegions, std::string(r.status().message()));
    size_t located = 0;
    for (const geo::Region& region : (*r)->regions()) located += region.has_location;
    CheckResult ok = Ok(FileKind::kRegions, absl::StrCat("regions: ", (*r)->size(), ", ",
                                                         located, " with coordinates"));
    ok.regions_path = path;
    return ok;
  }
  return Fail(FileKind::kLatencyTable,
              absl::StrCat(path, ":1: unknown CSV header '",
                           header->empty() ? "" : absl::StrJoin(*header, ","),
                           "': expected network,region,rtt_ms (latency table) or "
                           "region,latitude,longitude (regions)"));
}

}  // namespace

const char* FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kMasterFile: return "master file";
    case FileKind::kRoute53RecordSets: return "Route 53 record sets";
    case FileKind::kRoute53ChangeBatch: return "Route 53 change batch";
    case FileKind::kHealthChecks: return "health checks";
    case FileKind::kLatencyTable: return "latency table";
    case FileKind::kRegions: return "regions";
  }
  return "file";
}

namespace {

// The region names of `results` against the regions file among them, else
// the server's default one (not checked if that one does not load: the
// server then checks nothing either).
void CheckRegionNames(const std::vector<CheckResult>& results,
                      std::vector<std::string>* errors) {
  std::string path;
  for (const CheckResult& r : results) {
    if (r.ok && r.kind == FileKind::kRegions) path = r.regions_path;
  }
  const bool given = !path.empty();
  if (!given) {
    for (const CheckResult& r : results) {
      if (!r.ok && r.kind == FileKind::kRegions) return;  // its own error is out
    }
    path = geo::DefaultRegionsPath();
  }
  geo::AdminStates ids;
  absl::StatusOr<std::shared_ptr<const geo::RegionRegistry>> registry =
      geo::RegionRegistry::LoadCsv(path, ids);
  if (!registry.ok()) {
    if (given) errors->push_back(std::string(registry.status().message()));
    return;
  }
  for (const CheckResult& r : results) {
    if (!r.ok) continue;
    if (r.latency_table != nullptr) {
      absl::Status st = r.latency_table->CheckRegions(**registry);
      if (!st.ok()) errors->push_back(std::string(st.message()));
    }
    for (const auto& [region, where] : r.region_refs) {
      if ((*registry)->Find(region) != nullptr) continue;
      errors->push_back(absl::StrCat(where, ": ", (*registry)->UnknownRegionMessage(region)));
      break;  // the first, as the server
    }
  }
}

}  // namespace

std::vector<std::string> CheckTogether(const std::vector<CheckResult>& results) {
  std::vector<std::string> errors;
  CheckRegionNames(results, &errors);
  bool any_checks = false;
  std::set<std::string, std::less<>> ids;
  for (const CheckResult& r : results) {
    if (r.ok && r.kind == FileKind::kHealthChecks) {
      any_checks = true;
      ids.insert(r.health_check_ids.begin(), r.health_check_ids.end());
    }
  }
  if (!any_checks) return errors;
  for (const CheckResult& r : results) {
    for (const auto& [id, error] : r.health_check_refs) {
      if (ids.count(id) == 0) errors.push_back(error);
    }
  }
  return errors;
}

CheckResult CheckFile(const std::string& path, const std::string& origin) {
  const absl::string_view p = AV(path);
  if (zones::IsRoute53JsonFile(path)) return CheckJson(path, origin);  // by name or by content
  if (absl::EndsWithIgnoreCase(p, ".csv")) return CheckCsv(path);
  return CheckMasterFile(path, origin);
}

}  // namespace zonectl
