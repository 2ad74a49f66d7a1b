// File: tools/zonectl_check.cc
#include "tools/zonectl_check.h"

#include <cstdint>
#include <map>
#include <memory>
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
#include "dns/answer/snapshot.h"
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
#include "zones/zone_set.h"
#include "health/health_checks.h"

namespace zonectl {
namespace {

using Json = nlohmann::json;

// Debian's Abseil has its own absl::string_view.
using base::AV;

// The kinds of file `check` tells apart (zone files are zones::LoadZone's).
enum class FileKind {
  kRoute53ChangeBatch,
  kHealthChecks,
  kLatencyTable,
  kRegions,
};

// What one file other than a zone file holds, once checked.
struct CheckResult {
  bool ok = false;
  FileKind kind = FileKind::kLatencyTable;
  // When ok: what the file holds, e.g. "latency table: 6 networks, ...".
  std::string summary;
  // When !ok: one line, "file:line: message" (or "file: message").
  std::string error;
  // Non-fatal findings, one line each.
  std::vector<std::string> warnings;
  // Health checks: the ids the file defines.
  std::vector<std::string> health_check_ids;
  // A latency table (not network locations): the table, for the checks
  // across files.
  std::shared_ptr<const geo::LatencyTable> latency_table;
  // A change batch: the Region of each record set, with where it is
  // ("file: Changes[i]: record set [...]"), in file order.
  std::vector<std::pair<std::string, std::string>> region_refs;
  // A regions file: its path.
  std::string regions_path;
};

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

// Wire form of `text` (absolute); the name must be well-formed.
std::string Wire(std::string_view text) {
  std::string w;
  dns::NameFromText(text, &w);
  return w;
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

// ---- Zones ----

// The zones a check loads: one per origin of --zone (its files in order,
// as the server groups them), one per positional zone file with an SOA
// (or a master file), with the record sets without SOA that join it.
struct ZoneSpec {
  std::string origin_text;  // as zones::LoadZone takes it
  std::string wire;         // lower-cased wire origin
  std::vector<std::string> paths;
};

// What a positional Route 53 record-set file says about its zone.
struct RecordSetsInfo {
  std::vector<std::string> names;     // wire, lower-cased (well-formed ones)
  std::vector<std::string> ns_names;  // the names of NS record sets, the same
  std::string soa_name;               // presentation, "" if no SOA record set
};

RecordSetsInfo ReadRecordSetsInfo(const Json& doc) {
  RecordSetsInfo info;
  auto sets = doc.find("ResourceRecordSets");
  for (const Json& rs : *sets) {
    if (!rs.is_object()) continue;
    auto name = rs.find("Name");
    auto type = rs.find("Type");
    if (name == rs.end() || !name->is_string()) continue;
    const std::string text = name->get<std::string>();
    std::string wire;
    if (!dns::NameFromText(text, &wire)) continue;  // the reader says what is wrong
    for (char& c : wire) c = static_cast<char>(dns::LowerOctet(static_cast<uint8_t>(c)));
    if (type != rs.end() && type->is_string()) {
      const std::string t = type->get<std::string>();
      if (info.soa_name.empty() && absl::EqualsIgnoreCase(t, "SOA")) info.soa_name = text;
      if (absl::EqualsIgnoreCase(t, "NS")) info.ns_names.push_back(wire);
    }
    info.names.push_back(std::move(wire));
  }
  return info;
}

// The spec among `specs` whose origin is the deepest one holding every
// name of `names`, or nullptr.
ZoneSpec* ZoneHolding(std::vector<ZoneSpec>& specs, const std::vector<std::string>& names) {
  ZoneSpec* best = nullptr;
  for (ZoneSpec& spec : specs) {
    bool holds = !names.empty();
    for (const std::string& n : names) holds = holds && dns::NameIsSubdomain(n, spec.wire);
    if (holds && (best == nullptr || spec.wire.size() > best->wire.size())) best = &spec;
  }
  return best;
}

// The deepest name holding every name of `names` (wire; the root if none).
std::string CommonAncestor(const std::vector<std::string>& names) {
  std::string_view common = names.empty() ? std::string_view("\0", 1) : names[0];
  for (const std::string& n : names) {
    while (!dns::NameIsSubdomain(n, common)) common = dns::NameParent(common);
  }
  return std::string(common);
}

void PutU32(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v >> 24));
  out->push_back(static_cast<char>(v >> 16));
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

// The first problem of Route 53 record sets (`text`, read from `path`)
// that have no SOA and no zone to join, on their own: read into a zone at
// the deepest name holding them all, with a stand-in SOA (and NS, when
// they have none there) so that only their own records can fail. "" if
// none. (Below the root only: a stand-in root zone would hold every NS
// target and so judge them.)
std::string OwnProblem(const std::string& path, const std::string& text,
                       const RecordSetsInfo& info) {
  const std::string origin = CommonAncestor(info.names);
  zones::ZoneBuilder builder(origin);
  const bool root = origin.size() == 1;
  if (!root) {
    const int stand_in = builder.AddSource("<zonectl check: stand-in apex>");
    const std::string ns = Wire("ns.zonectl-check.invalid.");
    std::string soa = ns + Wire("hostmaster.zonectl-check.invalid.");
    for (uint32_t v : {1u, 3600u, 600u, 86400u, 60u}) PutU32(&soa, v);
    absl::Status s =
        builder.Add(origin, dns::rrtype::kSOA, dns::rrclass::kIN, 3600, soa, {stand_in, 0});
    bool apex_ns = false;
    for (const std::string& n : info.ns_names) apex_ns |= (n == origin);
    if (s.ok() && !apex_ns)
      s = builder.Add(origin, dns::rrtype::kNS, dns::rrclass::kIN, 3600, ns, {stand_in, 0});
    if (!s.ok()) return std::string(s.message());
  }
  if (absl::Status s = zones::ReadRoute53JsonText(text, path, &builder); !s.ok())
    return std::string(s.message());
  if (root) return "";
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = std::move(builder).Build();
  return zone.ok() ? "" : std::string(zone.status().message());
}

ZoneSpec* ZoneWithOrigin(std::vector<ZoneSpec>& specs, std::string_view wire) {
  for (ZoneSpec& spec : specs) {
    if (spec.wire == wire) return &spec;
  }
  return nullptr;
}

// "master file for zone example.com., serial 1, 30 records, 13 routed
// record sets (with b.json)" for `path`, one of the files of `zone`.
std::string ZoneFileSummary(const ZoneSpec& spec, const std::string& path,
                            const zones::Zone& zone) {
  std::vector<std::string> others;
  for (const std::string& p : spec.paths) {
    if (p != path) others.push_back(p);
  }
  return absl::StrCat(zones::IsRoute53JsonFile(path) ? "Route 53 record sets" : "master file",
                      " for zone ", dns::NameToText(zone.origin()), ", serial ", zone.serial(),
                      ", ", ZoneCounts(zone),
                      others.empty() ? "" : absl::StrCat(" (with ", absl::StrJoin(others, ", "), ")"));
}

// The JSON a positional *.json file holds, or an error in its reader's
// words.
struct JsonFile {
  bool ok = false;
  Json doc;
  std::string text;
  CheckResult failure;  // when !ok
};

JsonFile ReadJsonFile(const std::string& path) {
  JsonFile f;
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) {
    f.failure = Fail(FileKind::kRoute53ChangeBatch, std::string(text.status().message()));
    return f;
  }
  f.text = *std::move(text);
  try {
    f.doc = Json::parse(f.text);
  } catch (const Json::exception& e) {
    // Not JSON nlohmann can hold (syntax, a number out of range): let the
    // server's reader of that kind word it, with its file:line. (A record
    // set's "HealthCheckId" does not make a file health checks.)
    if (absl::StrContains(f.text, "\"HealthChecks\"") ||
        absl::StrContains(f.text, "\"HealthCheck\"")) {
      f.failure = CheckHealthChecks(path);
      return f;
    }
    zones::ZoneBuilder b(Wire("."));
    absl::Status s = zones::ReadRoute53JsonText(f.text, path, &b);
    f.failure = Fail(FileKind::kRoute53ChangeBatch,
                     s.ok() ? absl::StrCat(path, ": ", e.what()) : std::string(s.message()));
    return f;
  }
  f.ok = true;
  return f;
}

bool IsHealthChecks(const Json& doc) {
  return doc.is_object() && (doc.contains("HealthChecks") || doc.contains("HealthCheck"));
}

bool IsChangeBatch(const Json& doc) {
  return doc.is_object() && (doc.contains("Changes") || doc.contains("ChangeBatch"));
}

// The region registry the checks across files use: the regions file among
// them, else the server's default (nullptr if that does not load: the
// server then checks nothing either; nullptr too if the regions file among
// them is bad: its own error is out).
std::shared_ptr<const geo::RegionRegistry> Registry(const std::vector<CheckResult>& others) {
  std::string path;
  for (const CheckResult& r : others) {
    if (r.kind != FileKind::kRegions) continue;
    if (!r.ok) return nullptr;
    if (path.empty()) path = r.regions_path;
  }
  if (path.empty()) path = geo::DefaultRegionsPath();
  geo::AdminStates ids;
  absl::StatusOr<std::shared_ptr<const geo::RegionRegistry>> registry =
      geo::RegionRegistry::LoadCsv(path, ids);
  return registry.ok() ? *std::move(registry) : nullptr;
}

// The first problem across the files, as the server meets it at start-up
// once every file loaded (dns/control/change.cc, then the snapshot):
// region names of the zones (by origin), of the latency tables, then the
// snapshot (HealthCheckIds when health checks are among the files, alias
// targets, alias loops). "" if none.
std::string FirstProblemAcross(const std::map<std::string, std::shared_ptr<const zones::Zone>>& zones,
                               const std::vector<CheckResult>& others,
                               const geo::RegionRegistry* registry) {
  if (registry != nullptr) {
    for (const auto& [wire, zone] : zones) {
      absl::Status st = dns::CheckZoneRegions(*zone, *registry);
      if (!st.ok()) return std::string(st.message());
    }
    for (const CheckResult& r : others) {
      if (r.latency_table == nullptr) continue;
      absl::Status st = r.latency_table->CheckRegions(*registry);
      if (!st.ok()) return std::string(st.message());
    }
  }
  dns::SnapshotInputs inputs;
  for (const auto& [wire, zone] : zones) inputs.zones.Put(zone);
  std::set<std::string, std::less<>> ids;
  bool any_checks = false;
  for (const CheckResult& r : others) {
    if (r.latency_table != nullptr && inputs.latency == nullptr) inputs.latency = r.latency_table;
    if (r.kind == FileKind::kHealthChecks) {
      any_checks = true;
      ids.insert(r.health_check_ids.begin(), r.health_check_ids.end());
    }
  }
  if (any_checks) {
    inputs.health_check_known = [&ids](std::string_view id) { return ids.count(id) != 0; };
  }
  absl::StatusOr<std::unique_ptr<const dns::Snapshot>> snap =
      dns::BuildSnapshot(std::move(inputs));
  return snap.ok() ? "" : std::string(snap.status().message());
}

}  // namespace

std::string ParseZoneArg(const std::string& text, ZoneArg* out) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    return absl::StrCat("'", text, "' is not ORIGIN=PATH");
  }
  out->origin = text.substr(0, eq);
  out->path = text.substr(eq + 1);
  std::string wire;
  if (!dns::NameFromText(out->origin, &wire)) {
    return absl::StrCat("'", out->origin, "' is not a domain name");
  }
  return "";
}

namespace {

// One `zonectl check`: the files sorted into zones to load and other files
// (Add*), the zones loaded and the other files checked (Run), each error
// filed under the stage of the server's start-up that would meet it.
class SetCheck {
 public:
  explicit SetCheck(std::string origin) : origin_(std::move(origin)) {
    if (!origin_.empty()) LowerWire(origin_, &origin_wire_);
  }

  // --zone ORIGIN=PATH: grouped by origin, in order of first mention, as
  // the server groups them.
  void AddZoneArg(const ZoneArg& z) {
    std::string wire;
    LowerWire(z.origin, &wire);  // ParseZoneArg checked it
    ZoneSpec* spec = ZoneWithOrigin(specs_, wire);
    if (spec == nullptr) {
      specs_.push_back(ZoneSpec{z.origin, wire, {}});
      spec = &specs_.back();
    }
    spec->paths.push_back(z.path);
  }

  // A positional file: a zone file becomes a zone to load (record sets
  // without an SOA wait for the zone they join: JoinRecordSets); the
  // others are checked now.
  void AddFile(const std::string& path) {
    const absl::string_view p = AV(path);
    if (absl::EndsWithIgnoreCase(p, ".csv")) return AddOther(path, CheckCsv(path));
    if (!zones::IsRoute53JsonFile(path)) return AddMasterFile(path);  // JSON by name or content
    JsonFile f = ReadJsonFile(path);
    if (!f.ok) {
      (f.failure.kind == FileKind::kHealthChecks ? health_errors_ : zone_errors_)
          .push_back(f.failure.error);
      return;
    }
    if (IsHealthChecks(f.doc)) return AddOther(path, CheckHealthChecks(path));
    if (IsChangeBatch(f.doc)) return AddOther(path, CheckChangeBatch(path, f.doc));
    auto sets = f.doc.is_object() ? f.doc.find("ResourceRecordSets") : f.doc.end();
    if (sets == f.doc.end() || !sets->is_array()) {  // the reader's own words
      zones::ZoneBuilder b(Wire("."));
      zone_errors_.push_back(std::string(zones::ReadRoute53JsonText(f.text, path, &b).message()));
      return;
    }
    RecordSetsInfo info = ReadRecordSetsInfo(f.doc);
    if (info.soa_name.empty()) {
      joining_.push_back(Joining{path, std::move(f.text), std::move(info)});
      return;
    }
    AddSpec(origin_.empty() ? info.soa_name : origin_, path);  // a zone of its own
  }

  // Record sets without an SOA join the zone that holds their names (with
  // --origin: that origin's), else are an error of their own.
  void JoinRecordSets() {
    for (const Joining& j : joining_) {
      if (ZoneSpec* spec = origin_.empty() ? ZoneHolding(specs_, j.info.names)
                                           : ZoneWithOrigin(specs_, origin_wire_)) {
        spec->paths.push_back(j.path);
      } else if (!origin_.empty()) {
        AddSpec(origin_, j.path);  // LoadZone says it has no SOA
      } else if (std::string own = OwnProblem(j.path, j.text, j.info); !own.empty()) {
        zone_errors_.push_back(std::move(own));  // the file's own first
      } else {
        zone_errors_.push_back(absl::StrCat(
            j.path, ":1: no SOA record set", j.info.names.empty() ? " and no record sets" : "",
            ", and no zone checked with it holds its names: a zone needs its SOA (check it "
            "with the zone's master file, or as --zone ORIGIN=", j.path,
            " beside the zone's other files)"));
      }
    }
  }

  // Loads every zone as the server does, checks across the files, and
  // fills `out`.
  void Run(CheckOutput* out) {
    std::map<std::string, std::shared_ptr<const zones::Zone>> loaded;  // first per origin
    for (const ZoneSpec& spec : specs_) {
      std::vector<std::string> warnings;
      absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
          zones::LoadZone(spec.origin_text, spec.paths, &warnings);
      if (!zone.ok()) {
        zone_errors_.push_back(std::string(zone.status().message()));
        continue;
      }
      // As the server logs them when it loads the zone.
      for (const std::string& w : warnings) out->warnings.push_back(absl::StrCat("warning: ", w));
      for (const std::string& path : spec.paths)
        out->ok.push_back(absl::StrCat(path, ": ok: ", ZoneFileSummary(spec, path, **zone)));
      loaded.try_emplace((*zone)->origin(), *zone);
    }
    const std::shared_ptr<const geo::RegionRegistry> registry = Registry(others_);
    ReportOthers(registry.get(), out);
    NoteUncheckedHealthCheckIds(loaded, out);
    for (auto* stage :
         {&regions_errors_, &zone_errors_, &latency_errors_, &health_errors_, &other_errors_}) {
      out->errors.insert(out->errors.end(), stage->begin(), stage->end());
    }
    // Across the files, once each loaded (the server would not get further).
    if (regions_errors_.empty() && zone_errors_.empty() && latency_errors_.empty() &&
        health_errors_.empty()) {
      std::string problem = FirstProblemAcross(loaded, others_, registry.get());
      if (!problem.empty()) out->errors.push_back(std::move(problem));
    }
  }

 private:
  struct Joining {  // record sets without an SOA
    std::string path;
    std::string text;
    RecordSetsInfo info;
  };

  // The lower-cased wire form of `text` (the text itself when it is not a
  // name: LoadZone then says so).
  static void LowerWire(const std::string& text, std::string* wire) {
    if (!dns::NameFromText(text, wire)) *wire = text;
    for (char& c : *wire) c = static_cast<char>(dns::LowerOctet(static_cast<uint8_t>(c)));
  }

  void AddSpec(const std::string& origin_text, const std::string& path) {
    std::string wire;
    LowerWire(origin_text, &wire);
    specs_.push_back(ZoneSpec{origin_text, wire, {path}});
  }

  // A master file: its origin is --origin, else found in the file.
  void AddMasterFile(const std::string& path) {
    if (!origin_.empty()) return AddSpec(origin_, path);
    absl::StatusOr<std::string> text = base::ReadFile(path);
    absl::StatusOr<std::string> found = text.ok() ? MasterFileOrigin(path, *text) : text.status();
    if (!found.ok()) {
      zone_errors_.push_back(std::string(found.status().message()));
      return;
    }
    AddSpec(*found, path);
  }

  void AddOther(const std::string& path, CheckResult r) {
    others_.push_back(std::move(r));
    other_paths_.push_back(path);
  }

  // The other files: ok lines, warnings, their errors by stage, and the
  // region names of change batches (which the server checks when one is
  // applied; the first per batch, as the server stops there).
  void ReportOthers(const geo::RegionRegistry* registry, CheckOutput* out) {
    for (size_t i = 0; i < others_.size(); ++i) {
      const CheckResult& r = others_[i];
      out->warnings.insert(out->warnings.end(), r.warnings.begin(), r.warnings.end());
      if (!r.ok) {
        switch (r.kind) {
          case FileKind::kRegions: regions_errors_.push_back(r.error); break;
          case FileKind::kLatencyTable: latency_errors_.push_back(r.error); break;
          case FileKind::kHealthChecks: health_errors_.push_back(r.error); break;
          case FileKind::kRoute53ChangeBatch: other_errors_.push_back(r.error); break;
        }
        continue;
      }
      out->ok.push_back(absl::StrCat(other_paths_[i], ": ok: ", r.summary));
      if (registry == nullptr) continue;
      for (const auto& [region, where] : r.region_refs) {
        if (registry->Find(region) != nullptr) continue;
        other_errors_.push_back(
            absl::StrCat(where, ": ", registry->UnknownRegionMessage(region)));
        break;
      }
    }
  }

  // Without health checks among the files, HealthCheckIds are not checked
  // (the server checks them against its --health-checks: none without
  // it): say so.
  void NoteUncheckedHealthCheckIds(
      const std::map<std::string, std::shared_ptr<const zones::Zone>>& zones,
      CheckOutput* out) const {
    for (const CheckResult& r : others_) {
      if (r.kind == FileKind::kHealthChecks) return;
    }
    size_t n = 0;
    for (const auto& [wire, zone] : zones) {
      zone->ForEachRoutedMember(
          [&](const zones::Node&, const zones::RoutedGroup&, const zones::RoutedMember& m) {
            n += !m.health_check_id.empty();
          });
    }
    if (n == 0) return;
    out->warnings.push_back(absl::StrCat(
        "note: ", n, " record sets name a HealthCheckId and no health checks are among the "
        "files: the ids are not checked (the server refuses an id not in its "
        "--health-checks)"));
  }

  const std::string origin_;  // --origin, or ""
  std::string origin_wire_;
  std::vector<ZoneSpec> specs_;
  std::vector<Joining> joining_;
  std::vector<CheckResult> others_;  // files other than zone files, checked
  std::vector<std::string> other_paths_;
  // Errors by the stage of the server's start-up that meets them.
  std::vector<std::string> regions_errors_, zone_errors_, latency_errors_, health_errors_,
      other_errors_;
};

}  // namespace

CheckOutput Check(const std::vector<std::string>& files, const std::vector<ZoneArg>& zones,
                  const std::string& origin) {
  CheckOutput out;
  std::string wire;
  if (!origin.empty() && !dns::NameFromText(origin, &wire)) {
    out.errors.push_back(absl::StrCat("bad zone origin '", origin, "'"));
    return out;
  }
  SetCheck check(origin);
  for (const ZoneArg& z : zones) check.AddZoneArg(z);
  for (const std::string& path : files) check.AddFile(path);
  check.JoinRecordSets();
  check.Run(&out);
  return out;
}

}  // namespace zonectl
