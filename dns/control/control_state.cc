#include "dns/control/control_state.h"

#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <set>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "geo/build/location_table.h"
#include "zones/builder.h"
#include "zones/change_batch.h"
#include "zones/master_file.h"
#include "base/file.h"
#include "zones/route53_json.h"
#include "zones/zone_loader.h"
#include "zones/zone_set.h"

namespace dns::control {
namespace {

using base::AV;

std::string NowRfc3339() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

// Origin text from the API ("Example.COM", "example.com.") → wire and
// canonical text. InvalidArgument if it is not a name.
absl::Status ParseOrigin(std::string_view origin, std::string* wire, std::string* text) {
  if (origin.empty() || !NameFromText(origin, wire)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", AV(origin), "' is not a domain name"));
  }
  *text = NameToText(*wire);
  return absl::OkStatus();
}

// The regions latency record sets of `zones` name, sorted, each once.
template <typename Map>
std::vector<std::string> LatencyRegionsInUse(const Map& zones) {
  std::set<std::string> names;
  for (const auto& z : zones) {
    z.second.zone->ForEachRoutedMember([&](const zones::Node&, const zones::RoutedGroup& g,
                                           const zones::RoutedMember& m) {
      if (g.policy == zones::RoutingPolicy::kLatency && !m.region.empty())
        names.insert(m.region);
    });
  }
  return {names.begin(), names.end()};
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

absl::Status AsInvalid(const absl::Status& st) {
  if (st.ok() || absl::IsInvalidArgument(st)) return st;
  return absl::InvalidArgumentError(st.message());
}

}  // namespace

const char* ManagedByName(ManagedBy m) {
  return m == ManagedBy::kApi ? "api" : "command-line";
}

ControlState::ControlState(Config config, Logger log)
    : config_(std::move(config)),
      log_(std::move(log)),
      health_checks_(std::make_shared<const health::HealthChecksConfig>()) {
  health::ProberOptions options;
  options.dns_servers = config_.health_check_resolver;
  options.log = [log = log_](std::string_view line) { log(std::string(line)); };
  prober_ = std::make_unique<health::Prober>(health_, std::move(options));
  // Change ids: unique across restarts without persisting a counter.
  next_change_ = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())) * 1000;
}

ControlState::~ControlState() {
  if (prober_ != nullptr) prober_->Stop();
}

ControlState::FileStamp ControlState::Stamp(const std::string& path) {
  FileStamp s;
  s.path = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = st.st_size;
    s.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    s.ctime_ns = int64_t{st.st_ctim.tv_sec} * 1000000000 + st.st_ctim.tv_nsec;
    const int64_t now_ns = absl::ToUnixNanos(absl::Now());
    s.racy = now_ns - s.mtime_ns < int64_t{2000000000};
  }
  return s;
}

std::vector<ControlState::FileStamp> ControlState::StampAll(
    const std::vector<std::string>& paths) {
  std::vector<FileStamp> out;
  out.reserve(paths.size());
  for (const std::string& p : paths) out.push_back(Stamp(p));
  return out;
}

absl::StatusOr<std::unique_ptr<ControlState>> ControlState::Create(
    const Config& config, Logger log) {
  std::unique_ptr<ControlState> state(new ControlState(config, std::move(log)));
  absl::MutexLock lock(&state->mu_);
  absl::Status st = state->LoadAll();
  if (!st.ok()) return st;
  return state;
}

std::vector<std::pair<std::string, std::pair<std::string, std::vector<std::string>>>>
ControlState::CommandLineZones() const {
  std::vector<std::pair<std::string, std::pair<std::string, std::vector<std::string>>>> out;
  absl::flat_hash_map<std::string, size_t> index;
  for (const ZoneSource& z : config_.zones) {
    std::string wire;
    if (!NameFromText(z.origin, &wire)) wire = z.origin;  // LoadZone reports it
    auto [it, added] = index.try_emplace(wire, out.size());
    if (added) out.push_back({wire, {z.origin, {}}});
    out[it->second].second.second.push_back(z.path);
  }
  return out;
}

absl::StatusOr<ControlState::ZoneEntry> ControlState::LoadCommandLineZone(
    const std::string& origin_text, const std::vector<std::string>& paths) const {
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = zones::LoadZone(origin_text, paths);
  if (!zone.ok()) return zone.status();
  ZoneEntry e;
  e.origin_text = NameToText((*zone)->origin());
  e.zone = *std::move(zone);
  e.managed_by = ManagedBy::kCommandLine;
  e.sources = paths;
  e.cli_paths = paths;
  // Every file read, $INCLUDEs too: a change to any of them means re-read.
  e.stamps = StampAll(e.zone->sources());
  return e;
}

absl::Status ControlState::LoadRegistry(bool at_start) {
  const std::string path =
      config_.regions.empty() ? geo::DefaultRegionsPath() : config_.regions;
  const FileStamp stamp = Stamp(path);
  if (!at_start && registry_ != nullptr && stamp.Same(registry_stamp_)) return absl::OkStatus();
  absl::StatusOr<std::shared_ptr<const geo::RegionRegistry>> regions =
      geo::RegionRegistry::LoadCsv(path, admin_);
  if (!regions.ok()) {
    if (!config_.regions.empty()) return regions.status();
    if (at_start) {
      log_(absl::StrCat("note: default regions file not loaded: ",
                        regions.status().message()));
    }
    return absl::OkStatus();
  }
  registry_ = *std::move(regions);
  registry_stamp_ = stamp;
  return absl::OkStatus();
}

absl::Status ControlState::LoadAll() {
  absl::Status st = LoadRegistry(/*at_start=*/true);
  if (!st.ok()) return st;

  // 1. The data dir: what the operator changed through the API.
  std::vector<StoredZone> stored;
  std::optional<std::string> stored_latency;
  std::optional<std::string> stored_checks;
  if (!config_.data_dir.empty()) {
    absl::StatusOr<std::unique_ptr<DataStore>> store = DataStore::Open(config_.data_dir);
    if (!store.ok()) return store.status();
    store_ = *std::move(store);
    absl::StatusOr<std::vector<StoredZone>> zones = store_->LoadZones();
    if (!zones.ok()) return zones.status();
    stored = *std::move(zones);
    absl::StatusOr<std::optional<std::string>> latency = store_->LoadLatency();
    if (!latency.ok()) return latency.status();
    stored_latency = *std::move(latency);
    absl::StatusOr<std::optional<std::string>> checks = store_->LoadHealthChecks();
    if (!checks.ok()) return checks.status();
    stored_checks = *std::move(checks);
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> states =
        store_->LoadRegionStates();
    if (!states.ok()) return states.status();
    for (const auto& [name, state_text] : *states) {
      std::optional<geo::AdminState> s = geo::ParseAdminState(state_text);
      absl::StatusOr<geo::RegionId> id = admin_.IdFor(name);
      if (!s.has_value() || !id.ok()) {
        return absl::DataLossError(absl::StrCat(config_.data_dir, "/regions.json: region '",
                                                name, "': bad state '", state_text, "'"));
      }
      admin_.Set(*id, *s);
      log_(absl::StrCat("region ", name, " is ", AV(geo::AdminStateName(*s)),
                        " (from the data dir)"));
    }
  } else {
    log_("note: no --data-dir: zones, changes and tables loaded through the control API "
         "live in memory only and are lost on restart");
  }
  std::set<std::string> overridden;  // wire origins the data dir decides
  for (const StoredZone& z : stored) {
    std::string wire;
    if (!NameFromText(z.origin, &wire)) {
      return absl::DataLossError(
          absl::StrCat(z.folder, "/manifest.json: bad origin '", z.origin, "'"));
    }
    overridden.insert(wire);
  }

  // 2. Command-line zones the data dir does not override.
  for (const auto& [wire, spec] : CommandLineZones()) {
    const auto& [origin_text, paths] = spec;
    if (overridden.count(wire) != 0) {
      log_(absl::StrCat("zone ", NameToText(wire), ": the data dir's version replaces ",
                        absl::StrJoin(paths, ", "), " (changed through the control API)"));
      continue;
    }
    absl::StatusOr<ZoneEntry> e = LoadCommandLineZone(origin_text, paths);
    if (!e.ok()) return e.status();
    const ZoneEntry& z = *e;
    const size_t routed = z.zone->routed_record_set_count();
    log_(absl::StrCat("loaded zone ", z.origin_text, " serial ", z.zone->serial(), ", ",
                      z.zone->record_count(), " records",
                      routed > 0 ? absl::StrCat(", ", routed, " routed record sets") : "",
                      " from ", absl::StrJoin(paths, ", ")));
    zones_[wire] = *std::move(e);
  }

  // 3. Data dir zones: files, then the journal replayed in order.
  for (const StoredZone& z : stored) {
    std::string wire;
    NameFromText(z.origin, &wire);
    if (z.unloaded) {
      unloaded_.insert(wire);
      log_(absl::StrCat("zone ", z.origin, " stays unloaded (unloaded through the control API)"));
      continue;
    }
    absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
        BuildZoneFromFiles(wire, z.files, z.folder + "/");
    if (!zone.ok()) return zone.status();
    for (const JournalEntry& c : z.changes) {
      absl::StatusOr<std::shared_ptr<const zones::Zone>> next =
          zones::ApplyChangeBatch(**zone, c.batch_json, c.path);
      if (!next.ok()) {
        return absl::DataLossError(
            absl::StrCat(c.path, ": change batch no longer applies: ", next.status().message()));
      }
      zone = *std::move(next);
    }
    ZoneEntry e;
    e.origin_text = NameToText(wire);
    e.zone = *std::move(zone);
    e.managed_by = ManagedBy::kApi;
    for (const ZoneFile& f : z.files) e.sources.push_back(f.name);
    e.changes_applied = z.changes.size();
    log_(absl::StrCat("loaded zone ", e.origin_text, " serial ", e.zone->serial(), ", ",
                      e.zone->record_count(), " records from the data dir (", z.files.size(),
                      " files, ", z.changes.size(), " change batches)"));
    zones_[wire] = std::move(e);
  }

  // 4. The latency table: the data dir's, else --latency, else the default
  // for the regions latency record sets name (`in_use`).
  std::vector<std::string> in_use;
  if (stored_latency.has_value()) {
    absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
        geo::LatencyTable::ParseCsv(*stored_latency, store_->latency_path());
    if (!table.ok()) return table.status();
    latency_ = *std::move(table);
    latency_by_ = ManagedBy::kApi;
    latency_source_ = store_->latency_path();
  } else if (!config_.latency.empty()) {
    latency_stamp_ = Stamp(config_.latency);
    absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
        geo::LatencyTable::LoadCsv(config_.latency);
    if (!table.ok()) return table.status();
    latency_ = *std::move(table);
    latency_source_ = config_.latency;
  } else if (in_use = LatencyRegionsInUse(zones_); !in_use.empty()) {
    // Latency record sets but no table: the default (geo/build/location_table.h),
    // ranked for the regions they name. At start-up a default that does
    // not load stops start-up.
    absl::Status st = LoadDefaultLatency(in_use);
    if (!st.ok()) return st;
    AdoptLatency(default_latency_);
  }
  if (latency_ != nullptr && latency_source_ != config_.default_latency) {
    log_(absl::StrCat("latency table ", latency_source_, ": ", latency_->network_count(),
                      " networks, ", latency_->region_count(), " regions, ",
                      latency_->ranking_count(), " distinct rankings"));
  }
  if (zones_.empty()) log_("note: no zones given (--zone ORIGIN=PATH)");

  // 5. The health checks: the data dir's, else --health-checks.
  st = LoadHealthChecksAtStart(stored_checks);
  if (!st.ok()) return st;

  absl::StatusOr<std::unique_ptr<const Snapshot>> snap = Build(zones_, latency_);
  if (!snap.ok()) return snap.status();
  // Slots and initial states now, so the first snapshot already reads them;
  // probing starts with StartHealthChecks().
  st = prober_->Apply(*health_checks_);
  if (!st.ok()) return st;
  if (latency_ == nullptr && !in_use.empty()) {
    log_("note: latency record sets but no latency table: they answer in member order");
  }
  initial_ = *std::move(snap);
  reloads_.generation = 1;
  return absl::OkStatus();
}

void ControlState::LogHealthChecks(const health::HealthChecksConfig& cfg, std::string_view how) {
  for (const std::string& w : cfg.warnings()) log_(absl::StrCat("warning: ", w));
  log_(absl::StrCat(AV(how), cfg.size(), " health checks from ", health_checks_source_));
}

absl::Status ControlState::LoadHealthChecksAtStart(const std::optional<std::string>& stored) {
  if (stored.has_value()) {
    absl::StatusOr<health::HealthChecksConfig> cfg =
        health::HealthChecksConfig::Parse(*stored, store_->health_checks_path());
    if (!cfg.ok()) return cfg.status();
    health_checks_ = std::make_shared<const health::HealthChecksConfig>(*std::move(cfg));
    health_checks_by_ = ManagedBy::kApi;
    health_checks_source_ = store_->health_checks_path();
    if (!config_.health_checks.empty()) {
      log_(absl::StrCat("health checks: the data dir's version replaces ",
                        config_.health_checks, " (loaded through the control API)"));
    }
    LogHealthChecks(*health_checks_, "loaded ");
    return absl::OkStatus();
  }
  if (config_.health_checks.empty()) return absl::OkStatus();
  health_checks_stamp_ = Stamp(config_.health_checks);
  absl::StatusOr<health::HealthChecksConfig> cfg =
      health::HealthChecksConfig::Load(config_.health_checks);
  if (!cfg.ok()) {
    // The file itself (not its content): still "file: message".
    if (absl::IsInvalidArgument(cfg.status())) return cfg.status();
    return absl::InvalidArgumentError(cfg.status().message());
  }
  health_checks_ = std::make_shared<const health::HealthChecksConfig>(*std::move(cfg));
  health_checks_source_ = config_.health_checks;
  LogHealthChecks(*health_checks_, "loaded ");
  return absl::OkStatus();
}

std::shared_ptr<const geo::LatencyTable> ControlState::LatencyFor(const ZoneMap& zones) {
  if (latency_ != nullptr && !latency_is_default_) return latency_;
  const std::vector<std::string> in_use = LatencyRegionsInUse(zones);
  if (in_use.empty()) return latency_;
  if (default_latency_ != nullptr &&
      std::includes(default_regions_.begin(), default_regions_.end(), in_use.begin(),
                    in_use.end())) {
    return default_latency_;
  }
  if (in_use == default_failed_for_) return default_latency_;  // said once already
  absl::Status st = LoadDefaultLatency(in_use);
  if (!st.ok()) {
    default_failed_for_ = in_use;
    log_(absl::StrCat("default latency table not loaded: ", st.message()));
  }
  return default_latency_;
}

absl::Status ControlState::LoadDefaultLatency(const std::vector<std::string>& regions) {
  std::vector<std::string> rank;
  std::set_union(default_regions_.begin(), default_regions_.end(), regions.begin(),
                 regions.end(), std::back_inserter(rank));
  std::string note;
  const FileStamp stamp = Stamp(config_.default_latency);
  absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
      geo::LoadDefaultLatencyTable(config_.default_latency, registry_.get(), &note, rank);
  if (!note.empty()) log_(note);  // the one line about the default table
  if (!table.ok()) return table.status();
  if (*table == nullptr) return absl::OkStatus();  // off, or the built-in one is missing
  default_latency_ = *std::move(table);
  default_stamp_ = stamp;
  default_regions_ = std::move(rank);
  return absl::OkStatus();
}

void ControlState::AdoptLatency(std::shared_ptr<const geo::LatencyTable> latency) {
  if (latency == nullptr) return;
  latency_is_default_ = latency == default_latency_;
  latency_ = std::move(latency);
  if (latency_is_default_) latency_source_ = config_.default_latency;
}

absl::StatusOr<std::unique_ptr<const Snapshot>> ControlState::Build(
    const ZoneMap& zones, std::shared_ptr<const geo::LatencyTable> latency,
    const health::HealthChecksConfig* checks) {
  SnapshotInputs inputs;
  std::shared_ptr<const health::HealthChecksConfig> current = health_checks_;
  if (checks == nullptr) checks = current.get();
  inputs.health_check_known = [checks](std::string_view id) {
    return checks->Contains(id);
  };
  for (const auto& [wire, e] : zones) inputs.zones.Put(e.zone);
  inputs.latency = std::move(latency);
  inputs.admin = &admin_;
  inputs.health = &health_;
  inputs.names = &names_;
  return BuildSnapshot(std::move(inputs));
}

void ControlState::Publish(std::unique_ptr<const Snapshot> snap) {
  ++reloads_.generation;
  if (cell_ == nullptr) {
    initial_ = std::move(snap);  // not serving yet
    return;
  }
  cell_->Publish(std::move(snap));
  cell_->Reclaim();  // frees what no worker can read any more, here
}

std::unique_ptr<const Snapshot> ControlState::TakeInitialSnapshot() {
  absl::MutexLock lock(&mu_);
  return std::move(initial_);
}

void ControlState::Attach(dns::server::SnapshotCell* cell) {
  absl::MutexLock lock(&mu_);
  cell_ = cell;
}

ZoneInfo ControlState::InfoOf(const ZoneEntry& e) const {
  ZoneInfo info;
  info.origin = e.origin_text;
  info.serial = e.zone->serial();
  info.records = e.zone->record_count();
  info.routed_record_sets = e.zone->routed_record_set_count();
  info.sources = e.sources;
  info.managed_by = e.managed_by;
  info.changes_applied = e.changes_applied;
  return info;
}

absl::StatusOr<ZoneInfo> ControlState::PutZone(std::string_view origin,
                                               std::vector<ZoneFile> files) {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return st;
  for (ZoneFile& f : files) {
    if (f.format.empty()) f.format = zones::IsRoute53JsonPath(f.name) ? "route53" : "master";
    if (f.format != "master" && f.format != "route53") {
      return absl::InvalidArgumentError(absl::StrCat(
          f.name, ": format '", f.format, "' is not \"master\" or \"route53\""));
    }
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = BuildZoneFromFiles(wire, files);
  if (!zone.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(zone.status());
  }
  ZoneMap next = zones_;
  ZoneEntry& e = next[wire];
  e = ZoneEntry();
  e.origin_text = text;
  e.zone = *std::move(zone);
  e.managed_by = ManagedBy::kApi;
  for (const ZoneFile& f : files) e.sources.push_back(f.name);
  std::shared_ptr<const geo::LatencyTable> latency = LatencyFor(next);
  absl::StatusOr<std::unique_ptr<const Snapshot>> snap = Build(next, latency);
  if (!snap.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(snap.status());
  }
  if (store_ != nullptr) {
    st = store_->PutZone(text, files);
    if (!st.ok()) {
      ++reloads_.api_failures;
      return absl::InternalError(absl::StrCat("data dir not written, zone not loaded: ",
                                              st.message()));
    }
  }
  const ZoneInfo info = InfoOf(e);
  zones_ = std::move(next);
  unloaded_.erase(wire);
  AdoptLatency(std::move(latency));
  Publish(*std::move(snap));
  ++reloads_.api;
  log_(absl::StrCat("control API: loaded zone ", text, " serial ", info.serial, ", ",
                    info.records, " records"));
  return info;
}

absl::StatusOr<std::string> ControlState::UnloadZone(std::string_view origin) {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  absl::MutexLock lock(&mu_);
  auto it = zones_.find(wire);
  if (it == zones_.end()) {
    return absl::NotFoundError(absl::StrCat("no zone ", text, " is loaded"));
  }
  ZoneMap next = zones_;
  next.erase(wire);
  absl::StatusOr<std::unique_ptr<const Snapshot>> snap = Build(next, latency_);
  if (!snap.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(snap.status());
  }
  if (store_ != nullptr) {
    st = store_->PutTombstone(text);
    if (!st.ok()) {
      ++reloads_.api_failures;
      return absl::InternalError(absl::StrCat("data dir not written, zone not unloaded: ",
                                              st.message()));
    }
  }
  zones_ = std::move(next);
  unloaded_.insert(wire);
  Publish(*std::move(snap));
  ++reloads_.api;
  log_(absl::StrCat("control API: unloaded zone ", text));
  return text;
}

absl::Status ControlState::CopyToDataDir(const ZoneEntry& e) {
  if (store_ == nullptr || store_->HasZone(e.origin_text)) return absl::OkStatus();
  // The data dir takes over a command-line zone: copy its files, exactly
  // the content that is serving (checked by stat), so that the journal
  // replays onto the same zone after a restart.
  if (e.zone->sources().size() != e.cli_paths.size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "zone ", e.origin_text, " was loaded from files with $INCLUDE, which the data dir "
        "cannot copy; load it through the API (PUT /v1/zones/", e.origin_text,
        ") before changing it"));
  }
  if (!SameFiles(StampAll(e.zone->sources()), e.stamps)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the files of zone ", e.origin_text, " changed on disk since they were loaded; "
        "reload them (SIGHUP) or load the zone through the API before changing it"));
  }
  std::vector<ZoneFile> files;
  for (const std::string& path : e.cli_paths) {
    ZoneFile f;
    f.name = path;
    f.format = zones::IsRoute53JsonPath(path) ? "route53" : "master";
    absl::StatusOr<std::string> content = base::ReadFile(path);
    if (!content.ok()) return absl::FailedPreconditionError(content.status().message());
    f.content = *std::move(content);
    files.push_back(std::move(f));
  }
  if (!SameFiles(StampAll(e.zone->sources()), e.stamps)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the files of zone ", e.origin_text, " changed on disk while being copied; retry"));
  }
  absl::Status st = store_->PutZone(e.origin_text, files);
  if (!st.ok()) return absl::InternalError(st.message());
  log_(absl::StrCat("data dir: took a copy of command-line zone ", e.origin_text,
                    " to journal changes on"));
  return absl::OkStatus();
}

absl::StatusOr<ChangeResult> ControlState::ApplyChanges(std::string_view origin,
                                                        std::string_view body,
                                                        std::string_view comment) {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  absl::MutexLock lock(&mu_);
  auto it = zones_.find(wire);
  if (it == zones_.end()) {
    return absl::NotFoundError(absl::StrCat("no zone ", text, " is loaded"));
  }
  ChangeResult result;
  result.id = absl::StrCat("/change/C", next_change_);
  result.submitted_at = NowRfc3339();
  result.comment = std::string(comment);

  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
      zones::ApplyChangeBatch(*it->second.zone, body, result.id);
  if (!zone.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(zone.status());
  }
  ZoneMap next = zones_;
  ZoneEntry& e = next[wire];
  e.zone = *std::move(zone);
  e.managed_by = ManagedBy::kApi;
  ++e.changes_applied;
  std::shared_ptr<const geo::LatencyTable> latency = LatencyFor(next);
  absl::StatusOr<std::unique_ptr<const Snapshot>> snap = Build(next, latency);
  if (!snap.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(snap.status());
  }
  if (store_ != nullptr) {
    if (it->second.managed_by == ManagedBy::kCommandLine) {
      st = CopyToDataDir(it->second);
      if (!st.ok()) {
        ++reloads_.api_failures;
        return st;
      }
    }
    JournalEntry entry;
    entry.id = result.id;
    entry.submitted_at = result.submitted_at;
    entry.comment = result.comment;
    entry.batch_json = std::string(body);
    st = store_->AppendChange(text, &entry);
    if (!st.ok()) {
      ++reloads_.api_failures;
      if (absl::IsInvalidArgument(st)) return st;
      return absl::InternalError(
          absl::StrCat("data dir not written, change not applied: ", st.message()));
    }
  }
  ++next_change_;
  result.zone = InfoOf(e);
  zones_ = std::move(next);
  AdoptLatency(std::move(latency));
  Publish(*std::move(snap));
  ++reloads_.api;
  log_(absl::StrCat("control API: change batch ", result.id, " applied to zone ", text,
                    ", serial ", result.zone.serial));
  return result;
}

absl::StatusOr<LatencyInfo> ControlState::PutLatency(std::string_view csv) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
      geo::LatencyTable::ParseCsv(csv, "latency.csv");
  if (!table.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(table.status());
  }
  absl::StatusOr<std::unique_ptr<const Snapshot>> snap = Build(zones_, *table);
  if (!snap.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(snap.status());
  }
  if (store_ != nullptr) {
    absl::Status st = store_->PutLatency(csv);
    if (!st.ok()) {
      ++reloads_.api_failures;
      return absl::InternalError(
          absl::StrCat("data dir not written, table not loaded: ", st.message()));
    }
  }
  latency_ = *std::move(table);
  latency_is_default_ = false;
  latency_by_ = ManagedBy::kApi;
  latency_source_ = "api";
  Publish(*std::move(snap));
  ++reloads_.api;
  log_(absl::StrCat("control API: latency table loaded: ", latency_->network_count(),
                    " networks, ", latency_->region_count(), " regions"));
  LatencyInfo info;
  info.source = latency_source_;
  info.managed_by = latency_by_;
  info.networks = latency_->network_count();
  info.regions = latency_->region_count();
  info.rankings = latency_->ranking_count();
  return info;
}

std::vector<std::pair<std::string, std::string>> ControlState::NonUpRegionStates(
    std::string_view changed, geo::AdminState state) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, s] : admin_.List()) {
    const geo::AdminState effective = name == changed ? state : s;
    if (effective != geo::AdminState::kUp)
      out.emplace_back(name, std::string(geo::AdminStateName(effective)));
  }
  return out;
}

absl::StatusOr<RegionInfo> ControlState::SetRegionState(std::string_view name,
                                                        geo::AdminState state) {
  absl::MutexLock lock(&mu_);
  std::optional<geo::RegionId> id = admin_.Find(name);
  if (!id.has_value()) {
    return absl::NotFoundError(absl::StrCat("no region '", AV(name), "' is known"));
  }
  if (store_ != nullptr) {
    absl::Status st = store_->PutRegionStates(NonUpRegionStates(name, state));
    if (!st.ok()) {
      return absl::InternalError(
          absl::StrCat("data dir not written, state not changed: ", st.message()));
    }
  }
  admin_.Set(*id, state);
  log_(absl::StrCat("control API: region ", AV(name), " is now ",
                    AV(geo::AdminStateName(state))));
  RegionInfo info;
  info.name = std::string(name);
  info.id = *id;
  info.state = state;
  if (registry_ != nullptr) {
    if (const geo::Region* r = registry_->Find(name)) {
      info.has_location = r->has_location;
      info.latitude = r->latitude;
      info.longitude = r->longitude;
    }
  }
  return info;
}

absl::Status ControlState::ReloadFiles() {
  absl::MutexLock lock(&mu_);
  auto fail = [&](const absl::Status& st) {
    ++reloads_.sighup_failures;
    return st;
  };
  absl::Status st = LoadRegistry(/*at_start=*/false);
  if (!st.ok()) return fail(st);
  ZoneMap next = zones_;
  std::vector<std::string> changed;
  for (const auto& [wire, spec] : CommandLineZones()) {
    const auto& [origin_text, paths] = spec;
    if (unloaded_.count(wire) != 0) continue;
    auto it = next.find(wire);
    if (it != next.end()) {
      if (it->second.managed_by == ManagedBy::kApi) continue;  // the API owns it
      if (AllSame(StampAll(it->second.zone->sources()), it->second.stamps)) continue;  // reuse
    }
    absl::StatusOr<ZoneEntry> e = LoadCommandLineZone(origin_text, paths);
    if (!e.ok()) return fail(e.status());
    changed.push_back(absl::StrCat(e->origin_text, " serial ", e->zone->serial()));
    next[wire] = *std::move(e);
  }
  std::shared_ptr<const geo::LatencyTable> latency = latency_;
  FileStamp latency_stamp = latency_stamp_;
  if (latency_by_ == ManagedBy::kCommandLine && !config_.latency.empty()) {
    latency_stamp = Stamp(config_.latency);
    if (latency == nullptr || !latency_stamp.Same(latency_stamp_)) {
      absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
          geo::LatencyTable::LoadCsv(config_.latency);
      if (!table.ok()) return fail(table.status());
      latency = *std::move(table);
      changed.push_back(absl::StrCat("latency table ", config_.latency));
    }
  }
  std::shared_ptr<const health::HealthChecksConfig> checks = health_checks_;
  FileStamp checks_stamp = health_checks_stamp_;
  if (health_checks_by_ == ManagedBy::kCommandLine && !config_.health_checks.empty()) {
    checks_stamp = Stamp(config_.health_checks);
    if (!checks_stamp.Same(health_checks_stamp_)) {
      absl::StatusOr<health::HealthChecksConfig> cfg =
          health::HealthChecksConfig::Load(config_.health_checks);
      if (!cfg.ok()) return fail(cfg.status());
      checks = std::make_shared<const health::HealthChecksConfig>(*std::move(cfg));
      changed.push_back(absl::StrCat("health checks ", config_.health_checks, " (",
                                     checks->size(), " checks)"));
    }
  }
  // The default table's file, when it serves (the build rewrites it after
  // a tor-geoipdb update): loaded again, ranking the same regions.
  if (latency_is_default_ && default_latency_ != nullptr &&
      !Stamp(config_.default_latency).Same(default_stamp_)) {
    st = LoadDefaultLatency(default_regions_);
    if (!st.ok()) return fail(st);
    latency = default_latency_;
    changed.push_back(absl::StrCat("default latency table ", config_.default_latency));
  }
  if (changed.empty()) {
    log_("SIGHUP: no file changed; nothing to publish");
    return absl::OkStatus();
  }
  // Latency names new in `next`, or regions the default table does not rank.
  if (latency == nullptr || latency_is_default_) latency = LatencyFor(next);
  absl::StatusOr<std::unique_ptr<const Snapshot>> snap = Build(next, latency, checks.get());
  if (!snap.ok()) return fail(snap.status());
  if (checks != health_checks_) {
    st = prober_->Apply(*checks);
    if (!st.ok()) return fail(st);
    for (const std::string& w : checks->warnings()) log_(absl::StrCat("warning: ", w));
    health_checks_ = std::move(checks);
  }
  health_checks_stamp_ = checks_stamp;
  zones_ = std::move(next);
  AdoptLatency(std::move(latency));
  latency_stamp_ = latency_stamp;
  Publish(*std::move(snap));
  ++reloads_.sighup;
  log_(absl::StrCat("SIGHUP: reloaded ", absl::StrJoin(changed, "; ")));
  return absl::OkStatus();
}

absl::StatusOr<HealthChecksSummary> ControlState::PutHealthChecks(std::string_view json) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<health::HealthChecksConfig> parsed =
      health::HealthChecksConfig::Parse(json, "health-checks.json");
  if (!parsed.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(parsed.status());
  }
  auto cfg = std::make_shared<const health::HealthChecksConfig>(*std::move(parsed));
  // Every HealthCheckId in the zones must still be there: validate by
  // building (not publishing) a snapshot with the new checks.
  absl::StatusOr<std::unique_ptr<const Snapshot>> snap = Build(zones_, latency_, cfg.get());
  if (!snap.ok()) {
    ++reloads_.api_failures;
    return AsInvalid(snap.status());
  }
  // Health slots first (the only way Apply can fail is a full table), then
  // the data dir, then the prober: a failure at either of the first two
  // leaves the running checks untouched, state and all.
  for (const health::HealthCheckConfig& c : cfg->checks()) {
    absl::StatusOr<geo::HealthSlot> slot = health_.SlotFor(c.id);
    if (!slot.ok()) {
      ++reloads_.api_failures;
      return slot.status();
    }
  }
  if (store_ != nullptr) {
    absl::Status st = store_->PutHealthChecks(json);
    if (!st.ok()) {
      ++reloads_.api_failures;
      return absl::InternalError(
          absl::StrCat("data dir not written, health checks not loaded: ", st.message()));
    }
  }
  absl::Status st = prober_->Apply(*cfg);
  if (!st.ok()) {  // not expected: the slots exist
    ++reloads_.api_failures;
    return st;
  }
  health_checks_ = std::move(cfg);
  health_checks_by_ = ManagedBy::kApi;
  health_checks_source_ = "api";
  ++reloads_.api;
  LogHealthChecks(*health_checks_, "control API: loaded ");
  HealthChecksSummary out;
  out.source = health_checks_source_;
  out.managed_by = health_checks_by_;
  out.checks = health_checks_->size();
  out.warnings = health_checks_->warnings();
  out.probing = probing_;
  return out;
}

absl::Status ControlState::StartHealthChecks() {
  absl::MutexLock lock(&mu_);
  if (probing_) return absl::OkStatus();
  absl::Status st = prober_->Start();
  if (!st.ok()) return st;
  probing_ = true;
  if (!health_checks_->empty()) {
    log_(absl::StrCat("health checks: probing ", health_checks_->size(), " checks",
                      config_.health_check_resolver.empty()
                          ? std::string()
                          : absl::StrCat(" (names resolved by ", config_.health_check_resolver,
                                         ")")));
  }
  return absl::OkStatus();
}

std::vector<HealthCheckInfo> ControlState::HealthChecks() const {
  absl::flat_hash_map<std::string, std::vector<RecordSetRef>> used;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [wire, e] : zones_) {
      e.zone->ForEachRoutedMember([&](const zones::Node& node, const zones::RoutedGroup& g,
                                      const zones::RoutedMember& m) {
        if (m.health_check_id.empty()) return;
        char buf[16];
        used[m.health_check_id].push_back(
            {NameToText(node.owner), RRTypeName(g.type, buf), m.set_identifier});
      });
    }
  }
  std::vector<HealthCheckInfo> out;
  for (health::HealthCheckStatus& st : prober_->Status()) {
    HealthCheckInfo info;
    auto it = used.find(st.id);
    if (it != used.end()) info.used_by = it->second;
    info.status = std::move(st);
    out.push_back(std::move(info));
  }
  return out;
}

HealthChecksSummary ControlState::HealthChecksSummaryInfo() const {
  absl::MutexLock lock(&mu_);
  HealthChecksSummary out;
  if (!health_checks_source_.empty()) out.source = health_checks_source_;
  out.managed_by = health_checks_by_;
  out.checks = health_checks_->size();
  out.warnings = health_checks_->warnings();
  out.probing = probing_;
  return out;
}

absl::flat_hash_map<std::string, std::string> ControlState::HealthReasons() const {
  absl::flat_hash_map<std::string, std::string> out;
  for (const health::HealthCheckStatus& st : prober_->Status()) {
    out[st.id] = st.has_result || st.disabled || st.type == health::HealthCheckType::kCalculated
                     ? st.reason
                     : "no result yet";
  }
  return out;
}

std::vector<ZoneInfo> ControlState::Zones() const {
  absl::MutexLock lock(&mu_);
  std::vector<ZoneInfo> out;
  for (const auto& [wire, e] : zones_) out.push_back(InfoOf(e));
  std::sort(out.begin(), out.end(),
            [](const ZoneInfo& a, const ZoneInfo& b) { return a.origin < b.origin; });
  return out;
}

absl::StatusOr<ZoneInfo> ControlState::Zone(std::string_view origin) const {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  absl::MutexLock lock(&mu_);
  auto it = zones_.find(wire);
  if (it == zones_.end()) return absl::NotFoundError(absl::StrCat("no zone ", text, " is loaded"));
  return InfoOf(it->second);
}

LatencyInfo ControlState::Latency() const {
  absl::MutexLock lock(&mu_);
  LatencyInfo info;
  info.managed_by = latency_by_;
  if (latency_ == nullptr) return info;
  info.source = latency_source_;
  info.networks = latency_->network_count();
  info.regions = latency_->region_count();
  info.rankings = latency_->ranking_count();
  return info;
}

std::vector<RegionInfo> ControlState::Regions() const {
  absl::MutexLock lock(&mu_);
  std::vector<RegionInfo> out;
  for (const auto& [name, state] : admin_.List()) {
    RegionInfo info;
    info.name = name;
    info.id = admin_.Find(name).value_or(geo::kNoRegion);
    info.state = state;
    if (registry_ != nullptr) {
      if (const geo::Region* r = registry_->Find(name)) {
        info.has_location = r->has_location;
        info.latitude = r->latitude;
        info.longitude = r->longitude;
      }
    }
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(),
            [](const RegionInfo& a, const RegionInfo& b) { return a.name < b.name; });
  return out;
}

absl::StatusOr<RegionInfo> ControlState::Region(std::string_view name) const {
  for (RegionInfo& r : Regions()) {
    if (r.name == name) return std::move(r);
  }
  return absl::NotFoundError(absl::StrCat("no region '", AV(name), "' is known"));
}

ReloadCounts ControlState::reloads() const {
  absl::MutexLock lock(&mu_);
  return reloads_;
}

size_t ControlState::zone_count() const {
  absl::MutexLock lock(&mu_);
  return zones_.size();
}

std::string ControlState::data_dir() const {
  absl::MutexLock lock(&mu_);
  return store_ != nullptr ? store_->dir() : std::string();
}

bool ControlState::WithSnapshot(const std::function<void(const Snapshot&)>& fn) const {
  dns::server::SnapshotCell* cell;
  {
    absl::MutexLock lock(&mu_);
    cell = cell_;
    if (cell == nullptr) {
      if (initial_ == nullptr) return false;
      fn(*initial_);
      return true;
    }
  }
  return cell->WithCurrent([&](const Snapshot* s) {
    if (s == nullptr) return false;
    fn(*s);
    return true;
  });
}

}  // namespace dns::control
