#include "dns/control/change.h"

#include <algorithm>
#include <filesystem>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/file.h"
#include "base/string_view.h"
#include "dns/answer/snapshot.h"
#include "dns/wire/name.h"
#include "zones/builder.h"
#include "zones/change_batch.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"
#include "zones/serial.h"
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

// The uploaded files of one zone → a validated Zone; the reader's warnings
// go to `log` as "warning: file:line: ..." lines once it builds.
absl::StatusOr<std::shared_ptr<const zones::Zone>> BuildZoneFromFiles(
    const std::string& origin_wire, const std::vector<ZoneFile>& files,
    std::vector<std::string>* log, const std::string& name_prefix = "") {
  if (files.empty()) return absl::InvalidArgumentError("no files given for the zone");
  zones::ZoneBuilder builder(origin_wire);
  for (const ZoneFile& f : files) {
    const std::string display = name_prefix + f.name;
    absl::Status st = f.format == "route53"
                          ? zones::ReadRoute53JsonText(f.content, display, &builder)
                          : zones::ReadMasterText(f.content, display, &builder);
    if (!st.ok()) return st;
  }
  std::vector<std::string> warnings = builder.warnings();
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = std::move(builder).Build();
  if (zone.ok()) {
    for (const std::string& w : warnings) log->push_back(absl::StrCat("warning: ", w));
  }
  return zone;
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

// Loads a --zone origin from its files; the loader's warnings go to `log`
// as "warning: file:line: ..." lines.
absl::StatusOr<ZoneInput> LoadCommandLineZone(const std::string& origin_text,
                                              const std::vector<std::string>& paths,
                                              std::vector<std::string>* log) {
  std::vector<std::string> warnings;
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
      zones::LoadZone(origin_text, paths, &warnings);
  if (!zone.ok()) return zone.status();
  for (const std::string& w : warnings) log->push_back(absl::StrCat("warning: ", w));
  ZoneInput e;
  e.origin_text = NameToText((*zone)->origin());
  e.value = *std::move(zone);
  e.managed_by = ManagedBy::kCommandLine;
  e.sources = paths;
  // Every file read, $INCLUDEs too: a change to any of them means re-read.
  e.stamps = StampFiles(e.value->sources());
  return e;
}

// True when `wire` is a --secondary zone: its data comes from the primary.
bool IsSecondary(const Config& config, std::string_view wire) {
  return config.transfer.SecondaryFor(wire) != nullptr;
}

// A secondary zone: the transferred text plus the origin's Route 53 JSON
// --zone files merged on top (any other --zone file is an error: the
// primary owns the zone's static data).
absl::StatusOr<ZoneInput> BuildSecondaryZone(const std::string& wire,
                                             const ControlInputs::Transferred& copy,
                                             const Config& config, std::vector<std::string>* log) {
  std::vector<ZoneFile> files;
  files.push_back(ZoneFile{absl::StrCat("transfer from ", copy.from), "master", *copy.text});
  std::vector<std::string> overlays = CommandLineZoneFiles(config, wire);
  for (const std::string& path : overlays) {
    if (!absl::EndsWith(path, ".json")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--zone ", NameToText(wire), "=", path, ": the zone is a secondary (--secondary): "
          "only Route 53 record sets (.json) can be merged on top of what the primary sends"));
    }
    absl::StatusOr<std::string> content = base::ReadFile(path);
    if (!content.ok()) return content.status();
    files.push_back(ZoneFile{path, "route53", *std::move(content)});
  }
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = BuildZoneFromFiles(wire, files, log);
  if (!zone.ok()) return zone.status();
  ZoneInput e;
  e.origin_text = NameToText(wire);
  e.value = *std::move(zone);
  e.managed_by = ManagedBy::kCommandLine;
  e.sources.push_back(files.front().name);
  for (const std::string& path : overlays) e.sources.push_back(path);
  e.stamps = StampFiles(overlays);
  return e;
}

// What PublishSerial tells its caller.
struct SerialOutcome {
  std::optional<uint32_t> served;  // before the change, if ever served
  uint32_t serial = 0;             // now
  bool same_data = false;          // the data did not change: nor did the serial
};

// Stamps `*zone`, built from its data, with the SOA serial it is served
// with under the zone's policy, and records that in next.serials.
// `data_serial` is the serial the data itself carries: the built zone's,
// except after a change batch that left the SOA alone (the served serial
// then carried over; the data's stays what it was).
SerialOutcome PublishSerial(ControlInputs& next, const std::string& wire,
                            std::shared_ptr<const zones::Zone>* zone, uint32_t data_serial,
                            const ChangeContext& ctx) {
  SerialOutcome out;
  const uint64_t digest = zones::ContentDigest(**zone);
  auto it = next.serials.find(wire);
  if (it != next.serials.end()) out.served = it->second.serial;
  if (it != next.serials.end() && it->second.digest == digest &&
      it->second.data_serial == data_serial) {
    out.serial = it->second.serial;  // the same data: the same serial
    out.same_data = true;
  } else {
    out.serial = zones::NextSerial(ctx.config.SerialPolicyFor(wire), out.served, data_serial,
                                   ctx.now);
  }
  next.serials[wire] = ZoneSerial{out.serial, data_serial, digest};
  *zone = zones::WithSerial(std::move(*zone), out.serial);
  return out;
}

// PublishSerial for data read from a file or uploaded whole (a zone's own
// serial), with a line to log when that serial did not move forward:
// "zone example.com.: serial 2024060101 of example.com.zone is not newer
// than the served 2024060103: serving 2024060104 (serial-policy
// increment)".
void PublishLoadedSerial(ControlInputs& next, const std::string& wire, ZoneInput& e,
                         std::string_view from, const ChangeContext& ctx,
                         std::vector<std::string>* log) {
  const uint32_t data = e.value->serial();
  const SerialOutcome s = PublishSerial(next, wire, &e.value, data, ctx);
  if (s.same_data || !s.served.has_value() || zones::SerialNewer(data, *s.served)) return;
  const zones::SerialPolicy policy = ctx.config.SerialPolicyFor(wire);
  if (policy == zones::SerialPolicy::kKeep) {
    log->push_back(absl::StrCat("warning: zone ", e.origin_text, ": serial ", data, " of ",
                                AV(from), " is not newer than the served ", *s.served,
                                ", and serial-policy keep serves it as it is: secondaries "
                                "will not see the change"));
  } else if (policy == zones::SerialPolicy::kIncrement) {
    log->push_back(absl::StrCat("zone ", e.origin_text, ": serial ", data, " of ", AV(from),
                                " is not newer than the served ", *s.served, ": serving ",
                                s.serial, " (serial-policy increment)"));
  }
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

// ---- DNSSEC keys ----

// Reads the --dnssec-keys folder into next.dnssec_keys (stamped first, so
// that a file written while it is read counts as changed next time).
// Errors: LoadKeyDirectory's "file: what is wrong" lines, InvalidArgument.
absl::Status LoadDnssecKeys(ControlInputs& next, const ChangeContext& ctx) {
  const std::string& dir = ctx.config.dnssec_keys;
  std::vector<FileStamp> stamps = StampDirectory(dir);
  absl::StatusOr<dnssec::KeysByZone> keys = dnssec::LoadKeyDirectory(dir);
  if (!keys.ok()) return AsInvalid(keys.status());
  Input<dnssec::KeysByZone>& in = next.dnssec_keys;
  in.value = std::make_shared<const dnssec::KeysByZone>(*std::move(keys));
  in.managed_by = ManagedBy::kCommandLine;
  in.sources = {dir};
  in.stamps = std::move(stamps);
  next.dnssec_keys_loaded_at = ctx.now;
  return absl::OkStatus();
}

// What the loaded keys are: "N keys for M zones" (one zone: its name).
std::string DnssecKeysSummary(const dnssec::KeysByZone& keys) {
  size_t n = 0;
  for (const auto& [zone, list] : keys) n += list.size();
  return absl::StrCat(n, n == 1 ? " key" : " keys", " for ", keys.size(),
                      keys.size() == 1 ? " zone" : " zones");
}

// A warning for each zone with keys that `next` does not serve.
void UnservedKeyWarnings(const ControlInputs& next, std::vector<std::string>* lines) {
  if (next.dnssec_keys.value == nullptr) return;
  for (const auto& [zone, list] : *next.dnssec_keys.value) {
    if (next.zones.count(zone) != 0) continue;
    lines->push_back(absl::StrCat("warning: dnssec-keys: keys for zone ", NameToText(zone),
                                  ", which is not served"));
  }
}

// POST /v1/dnssec/reload: the folder read again, as SIGHUP reads it when
// a file changed.
absl::StatusOr<Transition> ReloadDnssecKeys(const ControlInputs& current,
                                            const ChangeContext& ctx) {
  if (ctx.config.dnssec_keys.empty()) {
    return absl::FailedPreconditionError(
        "the server runs without --dnssec-keys: there is no key folder to reload");
  }
  Transition t;
  t.next = current;
  absl::Status st = LoadDnssecKeys(t.next, ctx);
  if (!st.ok()) return st;
  UnservedKeyWarnings(t.next, &t.log);
  t.log.push_back(absl::StrCat("control API: reloaded dnssec keys ", ctx.config.dnssec_keys,
                               " (", DnssecKeysSummary(*t.next.dnssec_keys.value), ")"));
  return t;
}

// ---- Region names ----

// Every region the zones of `next` name that `current` did not check
// already (all of them when the registry changed) must be in the registry,
// if one is loaded. Called by the changes that touch zones before they pick
// a latency table (the default one is ranked for the regions in use).
absl::Status CheckZoneRegionNames(const ControlInputs& current, const ControlInputs& next) {
  const geo::RegionRegistry* registry = next.regions.value.get();
  if (registry == nullptr) return absl::OkStatus();
  const bool all = next.regions.value != current.regions.value;
  for (const auto& [wire, e] : next.zones) {
    auto was = current.zones.find(wire);
    if (!all && was != current.zones.end() && was->second.value == e.value) continue;
    absl::Status st = dns::CheckZoneRegions(*e.value, *registry);  // as zonectl check
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

// The same for the latency table (ApplyChange, after every change). The
// default table is made from the registry.
absl::Status CheckLatencyRegionNames(const ControlInputs& current, const ControlInputs& next) {
  const geo::RegionRegistry* registry = next.regions.value.get();
  const Input<geo::LatencyTable>& latency = next.latency;
  if (registry == nullptr || latency.value == nullptr || next.latency_is_default) {
    return absl::OkStatus();
  }
  if (next.regions.value == current.regions.value && latency.value == current.latency.value) {
    return absl::OkStatus();
  }
  return latency.value->CheckRegions(*registry);
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
    if (IsSecondary(ctx.config, wire)) continue;  // merged on top of the transfer
    if (overridden.count(wire) != 0) {
      notes->push_back(absl::StrCat("zone ", NameToText(wire),
                                    ": the data dir's version replaces ",
                                    absl::StrJoin(paths, ", "),
                                    " (changed through the control API)"));
      continue;
    }
    absl::StatusOr<ZoneInput> e = LoadCommandLineZone(origin_text, paths, notes);
    if (!e.ok()) return e.status();
    PublishLoadedSerial(next, wire, *e, absl::StrJoin(paths, ", "), ctx, notes);
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
        BuildZoneFromFiles(wire, z.files, notes, z.folder + "/");
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
    PublishLoadedSerial(next, wire, e, "the data dir", ctx, notes);
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
  for (const auto& [origin, serial] : c.stored.serials) {
    std::string wire;
    if (!NameFromText(origin, &wire)) {
      return absl::DataLossError(
          absl::StrCat(c.stored.dir, "/serials.json: bad origin '", origin, "'"));
    }
    next.serials[wire] = serial;
  }
  absl::Status st = LoadRegistry(next, /*at_start=*/true, ctx, notes);
  if (st.ok()) st = StartRegionStates(c.stored, next, ctx, notes);
  if (st.ok()) st = StartZones(c.stored, next, ctx, notes);
  if (st.ok()) st = CheckZoneRegionNames(current, next);
  std::vector<std::string> in_use;
  if (st.ok()) st = StartLatency(c.stored, next, ctx, &in_use, notes);
  if (!st.ok()) return st;
  if (next.zones.empty()) notes->push_back("note: no zones given (--zone ORIGIN=PATH)");
  st = StartHealthChecks(c.stored, next, ctx, notes);
  if (!st.ok()) return st;
  if (!ctx.config.dnssec_keys.empty()) {
    st = LoadDnssecKeys(next, ctx);
    if (!st.ok()) return st;
    notes->push_back(absl::StrCat("dnssec keys ", ctx.config.dnssec_keys, ": ",
                                  DnssecKeysSummary(*next.dnssec_keys.value)));
    UnservedKeyWarnings(next, notes);
  }
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
  std::vector<std::string> warnings;
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
      BuildZoneFromFiles(wire, c.files, &warnings);
  if (!zone.ok()) return AsInvalid(zone.status());
  Transition t;
  t.next = current;
  t.log = std::move(warnings);
  ZoneInput& e = t.next.zones[wire];
  e = ZoneInput();
  e.origin_text = text;
  e.value = *std::move(zone);
  e.managed_by = ManagedBy::kApi;
  for (const ZoneFile& f : c.files) e.sources.push_back(f.name);
  t.next.unloaded.erase(wire);
  std::string names;
  for (const ZoneFile& f : c.files) absl::StrAppend(&names, names.empty() ? "" : ", ", f.name);
  PublishLoadedSerial(t.next, wire, e, names, ctx, &t.log);
  t.log.push_back(absl::StrCat("control API: loaded zone ", text, " serial ", e.value->serial(),
                               ", ", e.value->record_count(), " records"));
  st = CheckZoneRegionNames(current, t.next);
  if (!st.ok()) return st;
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
  const zones::Zone& before = *it->second.value;
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
      zones::ApplyChangeBatch(before, c.body, c.id);
  if (!zone.ok()) return AsInvalid(zone.status());
  Transition t;
  t.next = current;
  ZoneInput& e = t.next.zones[wire];
  e.value = *std::move(zone);
  e.managed_by = ManagedBy::kApi;
  ++e.changes_applied;
  // A batch that UPSERTs the SOA sets the data's serial; otherwise the
  // served serial came along and the data's stays what it was.
  uint32_t data_serial = e.value->serial();
  auto known = t.next.serials.find(wire);
  if (data_serial == before.serial() && known != t.next.serials.end()) {
    data_serial = known->second.data_serial;
  }
  PublishSerial(t.next, wire, &e.value, data_serial, ctx);
  t.log.push_back(absl::StrCat("control API: change batch ", c.id, " applied to zone ", text,
                               ", serial ", e.value->serial()));
  st = CheckZoneRegionNames(current, t.next);
  if (!st.ok()) return st;
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
  std::vector<std::string> skipped;  // zones the data dir (or the API) owns
  for (const auto& [wire, spec] : CommandLineZones(config)) {
    const auto& [origin_text, paths] = spec;
    if (IsSecondary(config, wire)) {
      // Its JSON record sets, merged on top of the last transfer again.
      auto copy = next.transferred.find(wire);
      auto it = next.zones.find(wire);
      if (copy == next.transferred.end() || it == next.zones.end() ||
          StampsUnchanged(StampFiles(paths), it->second.stamps))
        continue;
      absl::StatusOr<ZoneInput> e = BuildSecondaryZone(wire, copy->second, config, &t.log);
      if (!e.ok()) return e.status();
      PublishLoadedSerial(next, wire, *e, e->sources.front(), ctx, &t.log);
      changed.push_back(absl::StrCat(e->origin_text, " serial ", e->value->serial()));
      next.zones[wire] = *std::move(e);
      continue;
    }
    if (next.unloaded.count(wire) != 0) {
      skipped.push_back(absl::StrCat(NameToText(wire), " (unloaded through the API)"));
      continue;
    }
    auto it = next.zones.find(wire);
    if (it != next.zones.end()) {
      const ZoneInput& e = it->second;
      if (e.managed_by == ManagedBy::kApi) {  // the API owns it
        skipped.push_back(e.origin_text);
        continue;
      }
      if (StampsUnchanged(StampFiles(e.value->sources()), e.stamps)) continue;  // reuse
    }
    absl::StatusOr<ZoneInput> e = LoadCommandLineZone(origin_text, paths, &t.log);
    if (!e.ok()) return e.status();
    PublishLoadedSerial(next, wire, *e, absl::StrJoin(paths, ", "), ctx, &t.log);
    changed.push_back(absl::StrCat(e->origin_text, " serial ", e->value->serial()));
    next.zones[wire] = *std::move(e);
  }
  if (!skipped.empty()) {
    t.log.push_back(absl::StrCat(
        "SIGHUP: not re-reading the --zone files of ", absl::StrJoin(skipped, ", "),
        ": changed through the control API, the zone follows the data dir (`zonectl zone "
        "follow-file ORIGIN` returns it to its file)"));
  }
  st = CheckZoneRegionNames(current, next);  // new zones, or a new registry
  if (!st.ok()) return st;
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
  if (!config.dnssec_keys.empty()) {
    const std::vector<FileStamp> stamps = StampDirectory(config.dnssec_keys);
    if (next.dnssec_keys.value == nullptr ||
        !StampsUnchanged(stamps, current.dnssec_keys.stamps)) {
      st = LoadDnssecKeys(next, ctx);
      if (!st.ok()) return st;
      changed.push_back(absl::StrCat("dnssec keys ", config.dnssec_keys, " (",
                                     DnssecKeysSummary(*next.dnssec_keys.value), ")"));
      UnservedKeyWarnings(next, &t.log);
    }
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

// ---- follow-file ----

absl::StatusOr<Transition> FollowFile(const ControlInputs& current, const change::FollowFile& c,
                                      ChangeContext& ctx, std::vector<std::string>* notes) {
  std::string wire, text;
  absl::Status st = ParseOrigin(c.origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  std::string origin_as_given;
  std::vector<std::string> paths;
  for (const auto& [w, spec] : CommandLineZones(ctx.config)) {
    if (w == wire) std::tie(origin_as_given, paths) = spec;
  }
  if (paths.empty() && current.zones.count(wire) == 0) {
    return absl::NotFoundError(absl::StrCat("no zone ", text, " is loaded"));
  }
  if (paths.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "zone ", text, " has no --zone file to follow (it was loaded through the API)"));
  }
  std::vector<std::string> warnings;
  absl::StatusOr<ZoneInput> e = LoadCommandLineZone(origin_as_given, paths, &warnings);
  if (!e.ok()) return AsInvalid(e.status());  // a missing file too: not "no such zone"
  Transition t;
  t.next = current;
  t.log = std::move(warnings);
  const auto was = current.zones.find(wire);
  const char* before = current.unloaded.count(wire) != 0 ? "unloaded through the API"
                       : was == current.zones.end()       ? "not loaded"
                       : was->second.managed_by == ManagedBy::kApi
                           ? "followed the data dir"
                           : "followed its file already";
  PublishLoadedSerial(t.next, wire, *e, absl::StrJoin(paths, ", "), ctx, &t.log);
  t.log.push_back(absl::StrCat("control API: zone ", e->origin_text, " follows ",
                               absl::StrJoin(paths, ", "), " again (", before, "), serial ",
                               e->value->serial(), ", ", e->value->record_count(), " records"));
  t.next.zones[wire] = *std::move(e);
  t.next.unloaded.erase(wire);
  st = CheckZoneRegionNames(current, t.next);
  if (!st.ok()) return st;
  UpdateLatency(current, t.next, ctx, notes);
  return t;
}

}  // namespace

std::vector<std::string> CommandLineZoneFiles(const Config& config,
                                              std::string_view origin_wire) {
  for (auto& [wire, spec] : CommandLineZones(config)) {
    if (wire == origin_wire) return std::move(spec.second);
  }
  return {};
}

std::vector<FileStamp> StampDirectory(const std::string& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const std::filesystem::directory_entry& e :
       std::filesystem::directory_iterator(dir, ec)) {
    std::error_code type_ec;
    if (!e.is_regular_file(type_ec)) continue;
    if (base::IsTempFileName(e.path().filename().string())) continue;
    paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return StampFiles(paths);
}

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

absl::StatusOr<Transition> TransferredZone(const ControlInputs& current,
                                           const change::TransferredZone& c, ChangeContext& ctx,
                                           std::vector<std::string>* notes) {
  std::string wire, text;
  absl::Status st = ParseOrigin(c.origin, &wire, &text);
  if (!st.ok()) return st;
  if (!IsSecondary(ctx.config, wire)) {
    return absl::FailedPreconditionError(
        absl::StrCat("zone ", text, " is not a secondary zone (--secondary)"));
  }
  if (c.text == nullptr) return absl::InvalidArgumentError("no zone text");
  Transition t;
  t.next = current;
  const ControlInputs::Transferred copy{c.text, c.from};
  absl::StatusOr<ZoneInput> e = BuildSecondaryZone(wire, copy, ctx.config, &t.log);
  if (!e.ok()) return AsInvalid(e.status());
  PublishLoadedSerial(t.next, wire, *e, e->sources.front(), ctx, &t.log);
  t.log.push_back(absl::StrCat("secondary zone ", text, " serial ", e->value->serial(), ", ",
                               e->value->record_count(), " records, from ", c.from));
  t.next.zones[wire] = *std::move(e);
  t.next.transferred[wire] = copy;
  t.next.unloaded.erase(wire);
  st = CheckZoneRegionNames(current, t.next);
  if (!st.ok()) return st;
  UpdateLatency(current, t.next, ctx, notes);
  return t;
}

absl::StatusOr<Transition> SetZoneExpired(const ControlInputs& current,
                                          const change::SetZoneExpired& c,
                                          const ChangeContext& ctx) {
  std::string wire, text;
  absl::Status st = ParseOrigin(c.origin, &wire, &text);
  if (!st.ok()) return st;
  if (!IsSecondary(ctx.config, wire)) {
    return absl::FailedPreconditionError(
        absl::StrCat("zone ", text, " is not a secondary zone (--secondary)"));
  }
  Transition t;
  t.next = current;
  t.counted = false;
  if (c.expired) {
    if (!t.next.expired.insert(wire).second) t.snapshot = SnapshotEffect::kNone;
    t.log.push_back(absl::StrCat("secondary zone ", text,
                                 ": expired (no refresh from its primaries within the SOA "
                                 "expire time): answering SERVFAIL"));
  } else {
    if (t.next.expired.erase(wire) == 0) t.snapshot = SnapshotEffect::kNone;
    t.log.push_back(absl::StrCat("secondary zone ", text, ": refreshed, answering again"));
  }
  if (t.snapshot == SnapshotEffect::kNone) t.log.clear();
  return t;
}

// The API changes that would replace a secondary zone's data: its primary
// owns it.
absl::Status RefuseForSecondary(const Change& change, const Config& config) {
  std::string origin;
  if (const auto* c = std::get_if<change::LoadZone>(&change)) origin = c->origin;
  if (const auto* c = std::get_if<change::UnloadZone>(&change)) origin = c->origin;
  if (const auto* c = std::get_if<change::ApplyBatch>(&change)) origin = c->origin;
  if (const auto* c = std::get_if<change::FollowFile>(&change)) origin = c->origin;
  if (origin.empty()) return absl::OkStatus();
  std::string wire, text;
  if (!ParseOrigin(origin, &wire, &text).ok() || !IsSecondary(config, wire))
    return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "zone ", text, " is a secondary zone (--secondary): its data comes from its primary; "
      "change it there, or its routed record sets in its --zone .json file"));
}

ChangeCounter CounterOf(const Change& change) {
  return std::visit(Overloaded{
                        [](const change::StartUp&) { return ChangeCounter::kNone; },
                        [](const change::SetRegionState&) { return ChangeCounter::kNone; },
                        [](const change::TransferredZone&) { return ChangeCounter::kNone; },
                        [](const change::SetZoneExpired&) { return ChangeCounter::kNone; },
                        [](const change::ReloadFiles&) { return ChangeCounter::kSighup; },
                        [](const auto&) { return ChangeCounter::kApi; },
                    },
                    change);
}

absl::StatusOr<Transition> ApplyChange(const ControlInputs& current, const Change& change,
                                       ChangeContext& ctx, std::vector<std::string>* notes) {
  if (absl::Status st = RefuseForSecondary(change, ctx.config); !st.ok()) return st;
  absl::StatusOr<Transition> t = std::visit(
      Overloaded{
          [&](const change::StartUp& c) { return StartUp(current, c, ctx, notes); },
          [&](const change::LoadZone& c) { return LoadZone(current, c, ctx, notes); },
          [&](const change::UnloadZone& c) { return UnloadZone(current, c); },
          [&](const change::ApplyBatch& c) { return ApplyBatch(current, c, ctx, notes); },
          [&](const change::LoadLatency& c) { return LoadLatency(current, c); },
          [&](const change::SetRegionState& c) { return SetRegionState(current, c, ctx); },
          [&](const change::LoadHealthChecks& c) { return LoadHealthChecks(current, c); },
          [&](const change::ReloadFiles&) { return ReloadFiles(current, ctx, notes); },
          [&](const change::FollowFile& c) { return FollowFile(current, c, ctx, notes); },
          [&](const change::ReloadDnssecKeys&) { return ReloadDnssecKeys(current, ctx); },
          [&](const change::TransferredZone& c) {
            return TransferredZone(current, c, ctx, notes);
          },
          [&](const change::SetZoneExpired& c) { return SetZoneExpired(current, c, ctx); },
      },
      change);
  if (!t.ok()) return t;
  absl::Status st = CheckLatencyRegionNames(current, t->next);
  if (!st.ok()) return st;
  return t;
}

}  // namespace dns::control
