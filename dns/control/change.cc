#include "dns/control/change.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "zones/builder.h"
#include "zones/change_batch.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"
#include "zones/zone_loader.h"

namespace dns::control {
namespace {

using base::AV;
using ZoneMap = std::map<std::string, ZoneInput>;

// Visitor of a Change's alternatives.
template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

absl::Status AsInvalid(const absl::Status& st) {
  if (st.ok() || absl::IsInvalidArgument(st)) return st;
  return absl::InvalidArgumentError(st.message());
}

// The uploaded files of one zone → a validated Zone.
absl::StatusOr<std::shared_ptr<const zones::Zone>> BuildZoneFromFiles(
    const std::string& origin_wire, const std::vector<ZoneFile>& files,
    const std::string& name_prefix = "") {
  if (files.empty()) return absl::InvalidArgumentError("no files given for the zone");
  zones::ZoneBuilder builder(origin_wire);
  for (const ZoneFile& f : files) {
    const std::string display = name_prefix + f.name;
    absl::Status st = f.format == "route53"
                          ? zones::ReadRoute53JsonText(f.content, display, &builder)
                          : zones::ReadMasterText(f.content, display, &builder);
    if (!st.ok()) return st;
  }
  return std::move(builder).Build();
}

// The --zone entries grouped by origin: (wire, (origin as given, paths)),
// in order of first mention.
std::vector<std::pair<std::string, std::pair<std::string, std::vector<std::string>>>>
CommandLineZones(const Config& config) {
  std::vector<std::pair<std::string, std::pair<std::string, std::vector<std::string>>>> out;
  absl::flat_hash_map<std::string, size_t> index;
  for (const ZoneSource& z : config.zones) {
    std::string wire;
    if (!NameFromText(z.origin, &wire)) wire = z.origin;  // LoadZone reports it
    auto [it, added] = index.try_emplace(wire, out.size());
    if (added) out.push_back({wire, {z.origin, {}}});
    out[it->second].second.second.push_back(z.path);
  }
  return out;
}

absl::StatusOr<ZoneInput> LoadCommandLineZone(const std::string& origin_text,
                                              const std::vector<std::string>& paths) {
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = zones::LoadZone(origin_text, paths);
  if (!zone.ok()) return zone.status();
  ZoneInput e;
  e.origin_text = NameToText((*zone)->origin());
  e.value = *std::move(zone);
  e.managed_by = ManagedBy::kCommandLine;
  e.sources = paths;
  // Every file read, $INCLUDEs too: a change to any of them means re-read.
  e.stamps = StampFiles(e.value->sources());
  return e;
}

// The region registry (--regions, else the default file) into
// next.regions, unless its stat is unchanged. Only an explicit --regions
// must load.
absl::Status LoadRegistry(ControlInputs& next, bool at_start, ChangeContext& ctx,
                          std::vector<std::string>* notes) {
  const std::string& configured = ctx.config.regions;
  const std::string path = configured.empty() ? geo::DefaultRegionsPath() : configured;
  const FileStamp stamp = StampFile(path);
  if (!at_start && next.regions.value != nullptr &&
      StampsUnchanged({stamp}, next.regions.stamps)) {
    return absl::OkStatus();
  }
  absl::StatusOr<std::shared_ptr<const geo::RegionRegistry>> regions =
      geo::RegionRegistry::LoadCsv(path, ctx.admin);
  if (!regions.ok()) {
    if (!configured.empty()) return regions.status();
    if (at_start) {
      notes->push_back(absl::StrCat("note: default regions file not loaded: ",
                                    regions.status().message()));
    }
    return absl::OkStatus();
  }
  next.regions.value = *std::move(regions);
  next.regions.sources = {path};
  next.regions.stamps = {stamp};
  return absl::OkStatus();
}

// The latency table a snapshot of `zones` is built with: the current one
// unless that is the default; else, when `zones` has latency record sets,
// the default table ranked for the regions they name (DefaultLatency::For).
std::shared_ptr<const geo::LatencyTable> LatencyFor(const ControlInputs& current,
                                                    const ControlInputs& next,
                                                    ChangeContext& ctx,
                                                    std::vector<std::string>* notes) {
  const std::shared_ptr<const geo::LatencyTable>& table = current.latency.value;
  if (table != nullptr && !current.latency_is_default) return table;
  const std::vector<std::string> in_use = LatencyRegionsInUse(next.zones);
  if (in_use.empty()) return table;
  return ctx.default_latency.For(in_use, next.regions.value.get(), notes);
}

// Makes `table` (from LatencyFor) next's table; null keeps the current one.
void AdoptLatency(ControlInputs& next, std::shared_ptr<const geo::LatencyTable> table,
                  const ChangeContext& ctx) {
  if (table == nullptr) return;
  next.latency_is_default = table == ctx.default_latency.table();
  next.latency.value = std::move(table);
  if (next.latency_is_default) next.latency.sources = {ctx.default_latency.path()};
}

// A zone changed through the API: the latency table for the new zones.
void UpdateLatency(const ControlInputs& current, ControlInputs& next, ChangeContext& ctx,
                   std::vector<std::string>* notes) {
  AdoptLatency(next, LatencyFor(current, next, ctx, notes), ctx);
}

// The health checks' lines: warnings, then "<how>N health checks from SOURCE".
void HealthChecksLines(const Input<health::HealthChecksConfig>& checks, std::string_view how,
                       std::vector<std::string>* lines) {
  for (const std::string& w : checks.value->warnings())
    lines->push_back(absl::StrCat("warning: ", w));
  lines->push_back(
      absl::StrCat(AV(how), checks.value->size(), " health checks from ", checks.source()));
}

// ---- Start-up ----

absl::Status StartRegionStates(const StoredInputs& stored, ControlInputs& next,
                               ChangeContext& ctx, std::vector<std::string>* notes) {
  if (stored.dir.empty()) {
    notes->push_back(
        "note: no --data-dir: zones, changes and tables loaded through the control API "
        "live in memory only and are lost on restart");
    return absl::OkStatus();
  }
  for (const auto& [name, state_text] : stored.region_states) {
    std::optional<geo::AdminState> s = geo::ParseAdminState(state_text);
    absl::StatusOr<geo::RegionId> id = ctx.admin.IdFor(name);
    if (!s.has_value() || !id.ok()) {
      return absl::DataLossError(absl::StrCat(stored.dir, "/regions.json: region '", name,
                                              "': bad state '", state_text, "'"));
    }
    next.region_states[name] = *s;
    notes->push_back(absl::StrCat("region ", name, " is ", AV(geo::AdminStateName(*s)),
                                  " (from the data dir)"));
  }
  return absl::OkStatus();
}

// Command-line zones the data dir does not override, then the data dir's
// zones: files, then the journal replayed in order.
absl::Status StartZones(const StoredInputs& stored, ControlInputs& next, ChangeContext& ctx,
                        std::vector<std::string>* notes) {
  std::set<std::string> overridden;  // wire origins the data dir decides
  for (const StoredZone& z : stored.zones) {
    std::string wire;
    if (!NameFromText(z.origin, &wire)) {
      return absl::DataLossError(
          absl::StrCat(z.folder, "/manifest.json: bad origin '", z.origin, "'"));
    }
    overridden.insert(wire);
  }
  for (const auto& [wire, spec] : CommandLineZones(ctx.config)) {
    const auto& [origin_text, paths] = spec;
    if (overridden.count(wire) != 0) {
      notes->push_back(absl::StrCat("zone ", NameToText(wire),
                                    ": the data dir's version replaces ",
                                    absl::StrJoin(paths, ", "),
                                    " (changed through the control API)"));
      continue;
    }
    absl::StatusOr<ZoneInput> e = LoadCommandLineZone(origin_text, paths);
    if (!e.ok()) return e.status();
    const zones::Zone& z = *e->value;
    const size_t routed = z.routed_record_set_count();
    notes->push_back(absl::StrCat(
        "loaded zone ", e->origin_text, " serial ", z.serial(), ", ", z.record_count(),
        " records", routed > 0 ? absl::StrCat(", ", routed, " routed record sets") : "",
        " from ", absl::StrJoin(paths, ", ")));
    next.zones[wire] = *std::move(e);
  }
  for (const StoredZone& z : stored.zones) {
    std::string wire;
    NameFromText(z.origin, &wire);
    if (z.unloaded) {
      next.unloaded.insert(wire);
      notes->push_back(
          absl::StrCat("zone ", z.origin, " stays unloaded (unloaded through the control API)"));
      continue;
    }
    absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
        BuildZoneFromFiles(wire, z.files, z.folder + "/");
    if (!zone.ok()) return zone.status();
    for (const JournalEntry& c : z.changes) {
      absl::StatusOr<std::shared_ptr<const zones::Zone>> after =
          zones::ApplyChangeBatch(**zone, c.batch_json, c.path);
      if (!after.ok()) {
        return absl::DataLossError(absl::StrCat(
            c.path, ": change batch no longer applies: ", after.status().message()));
      }
      zone = *std::move(after);
    }
    ZoneInput e;
    e.origin_text = NameToText(wire);
    e.value = *std::move(zone);
    e.managed_by = ManagedBy::kApi;
    for (const ZoneFile& f : z.files) e.sources.push_back(f.name);
    e.changes_applied = z.changes.size();
    notes->push_back(absl::StrCat("loaded zone ", e.origin_text, " serial ", e.value->serial(),
                                  ", ", e.value->record_count(), " records from the data dir (",
                                  z.files.size(), " files, ", z.changes.size(),
                                  " change batches)"));
    next.zones[wire] = std::move(e);
  }
  return absl::OkStatus();
}

// The latency table: the data dir's, else --latency, else the default for
// the regions latency record sets name (`*in_use`).
absl::Status StartLatency(const StoredInputs& stored, ControlInputs& next, ChangeContext& ctx,
                          std::vector<std::string>* in_use, std::vector<std::string>* notes) {
  Input<geo::LatencyTable>& latency = next.latency;
  const std::string& path = ctx.config.latency;
  if (stored.latency.has_value()) {
    absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
        geo::LatencyTable::ParseCsv(*stored.latency, stored.latency_path);
    if (!table.ok()) return table.status();
    latency.value = *std::move(table);
    latency.managed_by = ManagedBy::kApi;
    latency.sources = {stored.latency_path};
  } else if (!path.empty()) {
    latency.stamps = {StampFile(path)};
    absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
        geo::LatencyTable::LoadCsv(path);
    if (!table.ok()) return table.status();
    latency.value = *std::move(table);
    latency.sources = {path};
  } else if (*in_use = LatencyRegionsInUse(next.zones); !in_use->empty()) {
    // Latency record sets but no table: the default, ranked for the
    // regions they name. At start-up a default that does not load stops
    // start-up.
    absl::Status st = ctx.default_latency.Load(*in_use, next.regions.value.get(), notes);
    if (!st.ok()) return st;
    AdoptLatency(next, ctx.default_latency.table(), ctx);
  }
  if (latency.value != nullptr && latency.source() != ctx.default_latency.path()) {
    notes->push_back(absl::StrCat("latency table ", latency.source(), ": ",
                                  latency.value->network_count(), " networks, ",
                                  latency.value->region_count(), " regions, ",
                                  latency.value->ranking_count(), " distinct rankings"));
  }
  return absl::OkStatus();
}

// The health checks: the data dir's, else --health-checks, else none.
absl::Status StartHealthChecks(const StoredInputs& stored, ControlInputs& next,
                               ChangeContext& ctx, std::vector<std::string>* notes) {
  Input<health::HealthChecksConfig>& checks = next.health_checks;
  const std::string& path = ctx.config.health_checks;
  checks.value = std::make_shared<const health::HealthChecksConfig>();
  if (stored.health_checks.has_value()) {
    absl::StatusOr<health::HealthChecksConfig> cfg =
        health::HealthChecksConfig::Parse(*stored.health_checks, stored.health_checks_path);
    if (!cfg.ok()) return cfg.status();
    checks.value = std::make_shared<const health::HealthChecksConfig>(*std::move(cfg));
    checks.managed_by = ManagedBy::kApi;
    checks.sources = {stored.health_checks_path};
    if (!path.empty()) {
      notes->push_back(absl::StrCat("health checks: the data dir's version replaces ", path,
                                    " (loaded through the control API)"));
    }
    HealthChecksLines(checks, "loaded ", notes);
    return absl::OkStatus();
  }
  if (path.empty()) return absl::OkStatus();
  checks.stamps = {StampFile(path)};
  absl::StatusOr<health::HealthChecksConfig> cfg = health::HealthChecksConfig::Load(path);
  if (!cfg.ok()) {
    // The file itself (not its content): still "file: message".
    if (absl::IsInvalidArgument(cfg.status())) return cfg.status();
    return absl::InvalidArgumentError(cfg.status().message());
  }
  checks.value = std::make_shared<const health::HealthChecksConfig>(*std::move(cfg));
  checks.sources = {path};
  HealthChecksLines(checks, "loaded ", notes);
  return absl::OkStatus();
}

absl::StatusOr<Transition> StartUp(const ControlInputs& current, const change::StartUp& c,
                                   ChangeContext& ctx, std::vector<std::string>* notes) {
  Transition t;
  t.next = current;
  t.counted = false;
  ControlInputs& next = t.next;
  absl::Status st = LoadRegistry(next, /*at_start=*/true, ctx, notes);
  if (st.ok()) st = StartRegionStates(c.stored, next, ctx, notes);
  if (st.ok()) st = StartZones(c.stored, next, ctx, notes);
  std::vector<std::string> in_use;
  if (st.ok()) st = StartLatency(c.stored, next, ctx, &in_use, notes);
  if (!st.ok()) return st;
  if (next.zones.empty()) notes->push_back("note: no zones given (--zone ORIGIN=PATH)");
  st = StartHealthChecks(c.stored, next, ctx, notes);
  if (!st.ok()) return st;
  if (next.latency.value == nullptr && !in_use.empty()) {
    t.log.push_back(
        "note: latency record sets but no latency table: they answer in member order");
  }
  return t;
}

// ---- API changes ----

absl::StatusOr<Transition> LoadZone(const ControlInputs& current, const change::LoadZone& c,
                                    ChangeContext& ctx, std::vector<std::string>* notes) {
  std::string wire, text;
  absl::Status st = ParseOrigin(c.origin, &wire, &text);
  if (!st.ok()) return st;
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = BuildZoneFromFiles(wire, c.files);
  if (!zone.ok()) return AsInvalid(zone.status());
  Transition t;
  t.next = current;
  ZoneInput& e = t.next.zones[wire];
  e = ZoneInput();
  e.origin_text = text;
  e.value = *std::move(zone);
  e.managed_by = ManagedBy::kApi;
  for (const ZoneFile& f : c.files) e.sources.push_back(f.name);
  t.next.unloaded.erase(wire);
  t.log.push_back(absl::StrCat("control API: loaded zone ", text, " serial ", e.value->serial(),
                               ", ", e.value->record_count(), " records"));
  UpdateLatency(current, t.next, ctx, notes);
  return t;
}

absl::StatusOr<Transition> UnloadZone(const ControlInputs& current, const change::UnloadZone& c) {
  std::string wire, text;
  absl::Status st = ParseOrigin(c.origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  if (current.zones.count(wire) == 0) {
    return absl::NotFoundError(absl::StrCat("no zone ", text, " is loaded"));
  }
  Transition t;
  t.next = current;
  t.next.zones.erase(wire);
  t.next.unloaded.insert(wire);
  t.log.push_back(absl::StrCat("control API: unloaded zone ", text));
  return t;
}

absl::StatusOr<Transition> ApplyBatch(const ControlInputs& current, const change::ApplyBatch& c,
                                      ChangeContext& ctx, std::vector<std::string>* notes) {
  std::string wire, text;
  absl::Status st = ParseOrigin(c.origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  auto it = current.zones.find(wire);
  if (it == current.zones.end()) {
    return absl::NotFoundError(absl::StrCat("no zone ", text, " is loaded"));
  }
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
      zones::ApplyChangeBatch(*it->second.value, c.body, c.id);
  if (!zone.ok()) return AsInvalid(zone.status());
  Transition t;
  t.next = current;
  ZoneInput& e = t.next.zones[wire];
  e.value = *std::move(zone);
  e.managed_by = ManagedBy::kApi;
  ++e.changes_applied;
  t.log.push_back(absl::StrCat("control API: change batch ", c.id, " applied to zone ", text,
                               ", serial ", e.value->serial()));
  UpdateLatency(current, t.next, ctx, notes);
  return t;
}

absl::StatusOr<Transition> LoadLatency(const ControlInputs& current,
                                       const change::LoadLatency& c) {
  absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
      geo::LatencyTable::ParseCsv(c.csv, "latency.csv");
  if (!table.ok()) return AsInvalid(table.status());
  Transition t;
  t.next = current;
  Input<geo::LatencyTable>& latency = t.next.latency;
  latency.value = *std::move(table);
  latency.managed_by = ManagedBy::kApi;
  latency.sources = {"api"};
  latency.stamps.clear();
  t.next.latency_is_default = false;
  t.log.push_back(absl::StrCat("control API: latency table loaded: ",
                               latency.value->network_count(), " networks, ",
                               latency.value->region_count(), " regions"));
  return t;
}

absl::StatusOr<Transition> SetRegionState(const ControlInputs& current,
                                          const change::SetRegionState& c, ChangeContext& ctx) {
  if (!ctx.admin.Find(c.region).has_value()) {
    return absl::NotFoundError(absl::StrCat("no region '", c.region, "' is known"));
  }
  Transition t;
  t.next = current;
  t.next.region_states[c.region] = c.state;
  t.snapshot = SnapshotEffect::kNone;  // states live outside the snapshot
  t.log.push_back(absl::StrCat("control API: region ", c.region, " is now ",
                               AV(geo::AdminStateName(c.state))));
  return t;
}

absl::StatusOr<Transition> LoadHealthChecks(const ControlInputs& current,
                                            const change::LoadHealthChecks& c) {
  absl::StatusOr<health::HealthChecksConfig> parsed =
      health::HealthChecksConfig::Parse(c.json, "health-checks.json");
  if (!parsed.ok()) return AsInvalid(parsed.status());
  Transition t;
  t.next = current;
  Input<health::HealthChecksConfig>& checks = t.next.health_checks;
  checks.value = std::make_shared<const health::HealthChecksConfig>(*std::move(parsed));
  checks.managed_by = ManagedBy::kApi;
  checks.sources = {"api"};
  checks.stamps.clear();
  // Every HealthCheckId in the zones must still be there: validated by
  // building (not publishing) a snapshot; a health change rebuilds nothing.
  t.snapshot = SnapshotEffect::kValidate;
  HealthChecksLines(checks, "control API: loaded ", &t.log);
  return t;
}

// ---- SIGHUP ----

absl::StatusOr<Transition> ReloadFiles(const ControlInputs& current, ChangeContext& ctx,
                                       std::vector<std::string>* notes) {
  Transition t;
  t.next = current;
  ControlInputs& next = t.next;
  const Config& config = ctx.config;
  absl::Status st = LoadRegistry(next, /*at_start=*/false, ctx, notes);
  if (!st.ok()) return st;
  std::vector<std::string> changed;
  for (const auto& [wire, spec] : CommandLineZones(config)) {
    const auto& [origin_text, paths] = spec;
    if (next.unloaded.count(wire) != 0) continue;
    auto it = next.zones.find(wire);
    if (it != next.zones.end()) {
      const ZoneInput& e = it->second;
      if (e.managed_by == ManagedBy::kApi) continue;  // the API owns it
      if (StampsUnchanged(StampFiles(e.value->sources()), e.stamps)) continue;  // reuse
    }
    absl::StatusOr<ZoneInput> e = LoadCommandLineZone(origin_text, paths);
    if (!e.ok()) return e.status();
    changed.push_back(absl::StrCat(e->origin_text, " serial ", e->value->serial()));
    next.zones[wire] = *std::move(e);
  }
  std::shared_ptr<const geo::LatencyTable> latency = current.latency.value;
  if (current.latency.managed_by == ManagedBy::kCommandLine && !config.latency.empty()) {
    const FileStamp stamp = StampFile(config.latency);
    if (latency == nullptr || !StampsUnchanged({stamp}, current.latency.stamps)) {
      absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
          geo::LatencyTable::LoadCsv(config.latency);
      if (!table.ok()) return table.status();
      latency = *std::move(table);
      next.latency.stamps = {stamp};
      changed.push_back(absl::StrCat("latency table ", config.latency));
    }
  }
  Input<health::HealthChecksConfig>& checks = next.health_checks;
  if (checks.managed_by == ManagedBy::kCommandLine && !config.health_checks.empty()) {
    const FileStamp stamp = StampFile(config.health_checks);
    if (!StampsUnchanged({stamp}, checks.stamps)) {
      absl::StatusOr<health::HealthChecksConfig> cfg =
          health::HealthChecksConfig::Load(config.health_checks);
      if (!cfg.ok()) return cfg.status();
      checks.value = std::make_shared<const health::HealthChecksConfig>(*std::move(cfg));
      checks.stamps = {stamp};
      changed.push_back(absl::StrCat("health checks ", config.health_checks, " (",
                                     checks.value->size(), " checks)"));
    }
  }
  // The default table's file, when it serves (the build rewrites it after
  // a tor-geoipdb update): loaded again, ranking the same regions.
  if (current.latency_is_default && ctx.default_latency.FileChanged()) {
    st = ctx.default_latency.Load(ctx.default_latency.regions(), next.regions.value.get(), notes);
    if (!st.ok()) return st;
    latency = ctx.default_latency.table();
    changed.push_back(absl::StrCat("default latency table ", ctx.default_latency.path()));
  }
  if (changed.empty()) {
    t.snapshot = SnapshotEffect::kNone;
    t.counted = false;
    t.log.push_back("SIGHUP: no file changed; nothing to publish");
    return t;
  }
  // Latency names new in the zones, or regions the default table does not
  // rank.
  if (latency == nullptr || current.latency_is_default) latency = LatencyFor(current, next, ctx, notes);
  AdoptLatency(next, std::move(latency), ctx);
  if (checks.value != current.health_checks.value) {
    for (const std::string& w : checks.value->warnings())
      t.log.push_back(absl::StrCat("warning: ", w));
  }
  t.log.push_back(absl::StrCat("SIGHUP: reloaded ", absl::StrJoin(changed, "; ")));
  return t;
}

}  // namespace

const char* ManagedByName(ManagedBy m) {
  return m == ManagedBy::kApi ? "api" : "command-line";
}

absl::Status ParseOrigin(std::string_view origin, std::string* wire, std::string* text) {
  if (origin.empty() || !NameFromText(origin, wire)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", AV(origin), "' is not a domain name"));
  }
  *text = NameToText(*wire);
  return absl::OkStatus();
}

std::vector<std::string> LatencyRegionsInUse(const std::map<std::string, ZoneInput>& zones) {
  std::set<std::string> names;
  for (const auto& [wire, e] : zones) {
    e.value->ForEachRoutedMember([&](const zones::Node&, const zones::RoutedGroup& g,
                                     const zones::RoutedMember& m) {
      if (g.policy == zones::RoutingPolicy::kLatency && !m.region.empty())
        names.insert(m.region);
    });
  }
  return {names.begin(), names.end()};
}

ChangeCounter CounterOf(const Change& change) {
  return std::visit(Overloaded{
                        [](const change::StartUp&) { return ChangeCounter::kNone; },
                        [](const change::SetRegionState&) { return ChangeCounter::kNone; },
                        [](const change::ReloadFiles&) { return ChangeCounter::kSighup; },
                        [](const auto&) { return ChangeCounter::kApi; },
                    },
                    change);
}

absl::StatusOr<Transition> ApplyChange(const ControlInputs& current, const Change& change,
                                       ChangeContext& ctx, std::vector<std::string>* notes) {
  return std::visit(
      Overloaded{
          [&](const change::StartUp& c) { return StartUp(current, c, ctx, notes); },
          [&](const change::LoadZone& c) { return LoadZone(current, c, ctx, notes); },
          [&](const change::UnloadZone& c) { return UnloadZone(current, c); },
          [&](const change::ApplyBatch& c) { return ApplyBatch(current, c, ctx, notes); },
          [&](const change::LoadLatency& c) { return LoadLatency(current, c); },
          [&](const change::SetRegionState& c) { return SetRegionState(current, c, ctx); },
          [&](const change::LoadHealthChecks& c) { return LoadHealthChecks(current, c); },
          [&](const change::ReloadFiles&) { return ReloadFiles(current, ctx, notes); },
      },
      change);
}

}  // namespace dns::control
