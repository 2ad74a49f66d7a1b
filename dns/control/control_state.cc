#include "dns/control/control_state.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/file.h"
#include "base/string_view.h"
#include "dns/answer/online_signing.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "zones/zone_loader.h"

namespace dns::control {
namespace {

using base::AV;

std::string NowRfc3339() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
}

absl::Status AsInvalid(const absl::Status& st) {
  if (st.ok() || absl::IsInvalidArgument(st)) return st;
  return absl::InvalidArgumentError(st.message());
}

// A data dir write that failed: Internal "data dir not written, <what>: ...".
absl::Status NotWritten(std::string_view what, const absl::Status& st) {
  if (st.ok()) return st;
  return absl::InternalError(
      absl::StrCat("data dir not written, ", AV(what), ": ", st.message()));
}

// Regions not "up", for regions.json.
std::vector<std::pair<std::string, std::string>> NonUpRegionStates(
    const std::map<std::string, geo::AdminState>& states) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, s] : states) {
    if (s != geo::AdminState::kUp) out.emplace_back(name, std::string(geo::AdminStateName(s)));
  }
  return out;
}

// The latency table as GET /v1/latency shows it.
LatencyInfo LatencyInfoOf(const Input<geo::LatencyTable>& latency) {
  LatencyInfo info;
  info.managed_by = latency.managed_by;
  if (latency.value == nullptr) return info;
  info.source = latency.source();
  info.networks = latency.value->network_count();
  info.regions = latency.value->region_count();
  info.rankings = latency.value->ranking_count();
  return info;
}

// The health checks as GET /v1/health-checks sums them up.
HealthChecksSummary SummaryOf(const Input<health::HealthChecksConfig>& checks, bool probing) {
  HealthChecksSummary out;
  if (!checks.sources.empty()) out.source = checks.source();
  out.managed_by = checks.managed_by;
  out.checks = checks.value->size();
  out.warnings = checks.value->warnings();
  out.probing = probing;
  return out;
}

}  // namespace

const char* FollowsName(Follows f) {
  switch (f) {
    case Follows::kFile: return "file";
    case Follows::kDataDir: return "data-dir";
    case Follows::kMemory: return "memory";
  }
  return "?";
}

ControlState::ControlState(Config config, Logger log)
    : config_(std::move(config)),
      log_(std::move(log)),
      default_latency_(config_.default_latency) {
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

absl::StatusOr<std::shared_ptr<const tsig::KeyRing>> LoadTsigKeys(const Config& config) {
  std::vector<tsig::Key> keys;
  for (const std::string& spec : config.tsig_keys) {
    absl::StatusOr<tsig::Key> k = tsig::ParseKeySpec(spec);
    if (!k.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--tsig-key: ", k.status().message()));
    }
    keys.push_back(*std::move(k));
  }
  if (!config.tsig_keys_file.empty()) {
    absl::StatusOr<std::string> text = base::ReadFile(config.tsig_keys_file);
    if (!text.ok()) return text.status();
    absl::StatusOr<std::vector<tsig::Key>> file =
        tsig::ParseBindKeys(*text, config.tsig_keys_file);
    if (!file.ok()) return file.status();
    for (tsig::Key& k : *file) keys.push_back(std::move(k));
  }
  absl::StatusOr<std::shared_ptr<const tsig::KeyRing>> ring = tsig::KeyRing::Create(std::move(keys));
  if (!ring.ok()) return ring.status();
  // Every key the transfer settings name must be one of them.
  auto check = [&](const std::string& key, const std::string& what) -> absl::Status {
    std::string wire;
    if (key.empty() || (NameFromText(key, &wire) && (*ring)->Find(wire) != nullptr))
      return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": no TSIG key '", key, "' (give it with --tsig-key NAME:ALG:SECRET or --tsig-keys)"));
  };
  const xfr::TransferConfig& t = config.transfer;
  std::vector<const xfr::ZoneTransferPolicy*> policies = {&t.all_zones};
  for (const auto& [wire, p] : t.per_zone) policies.push_back(&p);
  for (const xfr::ZoneTransferPolicy* p : policies) {
    for (const xfr::AclEntry& e : p->allow_transfer) {
      if (absl::Status st = check(e.key, "allow-transfer " + e.text); !st.ok()) return st;
    }
    for (const xfr::Endpoint& e : p->notify) {
      if (absl::Status st = check(e.key, "notify " + e.text); !st.ok()) return st;
    }
  }
  for (const xfr::SecondaryZone& z : t.secondaries) {
    for (const xfr::Endpoint& e : z.primaries) {
      if (absl::Status st = check(e.key, absl::StrCat("secondary ", z.origin, "=", e.text));
          !st.ok())
        return st;
    }
  }
  return ring;
}

absl::StatusOr<std::unique_ptr<ControlState>> ControlState::Create(
    const Config& config, Logger log, const TransferHooks* transfer_hooks) {
  absl::StatusOr<std::shared_ptr<const tsig::KeyRing>> tsig_keys = LoadTsigKeys(config);
  if (!tsig_keys.ok()) return tsig_keys.status();
  std::unique_ptr<ControlState> state(new ControlState(config, std::move(log)));
  state->tsig_keys_ = *std::move(tsig_keys);
  state->transfer_hooks_ = transfer_hooks;
  absl::MutexLock lock(&state->mu_);
  // What the operator changed through the API, from the data dir.
  change::StartUp start;
  if (!config.data_dir.empty()) {
    absl::StatusOr<std::unique_ptr<DataStore>> store = DataStore::Open(config.data_dir);
    if (!store.ok()) return store.status();
    state->store_ = *std::move(store);
    DataStore& s = *state->store_;
    StoredInputs& stored = start.stored;
    stored.dir = config.data_dir;
    stored.latency_path = s.latency_path();
    stored.health_checks_path = s.health_checks_path();
    absl::StatusOr<std::vector<StoredZone>> zones = s.LoadZones();
    if (!zones.ok()) return zones.status();
    stored.zones = *std::move(zones);
    absl::StatusOr<std::optional<std::string>> latency = s.LoadLatency();
    if (!latency.ok()) return latency.status();
    stored.latency = *std::move(latency);
    absl::StatusOr<std::optional<std::string>> checks = s.LoadHealthChecks();
    if (!checks.ok()) return checks.status();
    stored.health_checks = *std::move(checks);
    absl::StatusOr<std::vector<std::pair<std::string, std::string>>> states =
        s.LoadRegionStates();
    if (!states.ok()) return states.status();
    stored.region_states = *std::move(states);
    absl::StatusOr<std::map<std::string, ZoneSerial>> serials = s.LoadSerials();
    if (!serials.ok()) return serials.status();
    stored.serials = *std::move(serials);
  }
  absl::Status st = state->CommitLocked(start);
  if (!st.ok()) return st;
  return state;
}

ChangeContext ControlState::Context() { return ChangeContext{config_, default_latency_, admin_}; }

absl::Status ControlState::Commit(const Change& change) {
  absl::MutexLock lock(&mu_);
  return CommitLocked(change);
}

absl::Status ControlState::CommitLocked(const Change& change) {
  const ChangeCounter counter = CounterOf(change);
  auto fail = [&](absl::Status st) {
    // An API change naming no such zone was refused, not tried.
    if (counter == ChangeCounter::kApi && !absl::IsNotFound(st)) ++reloads_.api_failures;
    if (counter == ChangeCounter::kSighup) ++reloads_.sighup_failures;
    return st;
  };
  // 1. The new inputs.
  std::vector<std::string> notes;
  ChangeContext ctx = Context();
  absl::StatusOr<Transition> t = ApplyChange(inputs_, change, ctx, &notes);
  if (!t.ok()) return fail(t.status());
  ControlInputs& next = t->next;
  const bool checks_changed = next.health_checks.value != inputs_.health_checks.value;

  // 2. Validate.
  std::unique_ptr<const Snapshot> snap;
  if (t->snapshot != SnapshotEffect::kNone) {
    absl::StatusOr<std::unique_ptr<const Snapshot>> built = Build(next);
    if (!built.ok()) {
      return fail(counter == ChangeCounter::kApi ? AsInvalid(built.status()) : built.status());
    }
    snap = *std::move(built);
  }
  // Health slots before the data dir and the prober (Apply fails only on
  // a full table): a failure leaves the running checks untouched.
  if (checks_changed) {
    for (const health::HealthCheckConfig& c : next.health_checks.value->checks()) {
      absl::StatusOr<geo::HealthSlot> slot = health_.SlotFor(c.id);
      if (!slot.ok()) return fail(slot.status());
    }
  }

  // 3. Persist.
  absl::Status st = Persist(change, next);
  if (!st.ok()) return fail(st);

  // 4. Publish.
  if (checks_changed) {
    // Slots and initial states now, so the snapshot reads them.
    st = prober_->Apply(*next.health_checks.value);
    if (!st.ok()) return fail(st);  // not expected: the slots exist
  }
  for (const auto& [name, state] : next.region_states) {
    auto was = inputs_.region_states.find(name);
    if (was != inputs_.region_states.end() && was->second == state) continue;
    if (std::optional<geo::RegionId> id = admin_.Find(name)) admin_.Set(*id, state);
  }
  inputs_ = std::move(next);
  if (t->snapshot == SnapshotEffect::kPublish) Publish(std::move(snap));

  // 5. Count.
  if (t->counted && counter == ChangeCounter::kApi) ++reloads_.api;
  if (t->counted && counter == ChangeCounter::kSighup) ++reloads_.sighup;

  // 6. Log: the notes only for a change that took effect, so that a refused
  // one (a fatal start-up error above all) is not buried under them.
  for (const std::string& line : notes) log_(line);
  for (const std::string& line : t->log) log_(line);
  return absl::OkStatus();
}

absl::Status ControlState::Persist(const Change& change, const ControlInputs& next) {
  if (store_ == nullptr) return absl::OkStatus();
  // The serials first: a crash after this and before the rest leaves
  // serials.json ahead of what was served, never behind.
  if (next.serials != inputs_.serials) {
    std::map<std::string, ZoneSerial> by_text;
    for (const auto& [wire, serial] : next.serials) by_text[NameToText(wire)] = serial;
    absl::Status st = store_->PutSerials(by_text);
    if (!st.ok()) return NotWritten("serial not recorded", st);
  }
  if (const auto* c = std::get_if<change::FollowFile>(&change)) {
    std::string wire, text;
    absl::Status st = ParseOrigin(c->origin, &wire, &text);
    if (!st.ok()) return st;
    return NotWritten("zone not returned to its file", store_->DropZone(text));
  }
  if (const auto* c = std::get_if<change::LoadZone>(&change)) {
    return NotWritten("zone not loaded", store_->PutZone(c->origin, c->files));
  }
  if (const auto* c = std::get_if<change::UnloadZone>(&change)) {
    return NotWritten("zone not unloaded", store_->PutTombstone(c->origin));
  }
  if (const auto* c = std::get_if<change::ApplyBatch>(&change)) {
    std::string wire, text;
    absl::Status st = ParseOrigin(c->origin, &wire, &text);
    if (!st.ok()) return st;
    const ZoneInput& before = inputs_.zones.at(wire);
    if (before.managed_by == ManagedBy::kCommandLine) {
      st = CopyToDataDir(before);
      if (!st.ok()) return st;
    }
    JournalEntry entry;
    entry.id = c->id;
    entry.submitted_at = c->submitted_at;
    entry.comment = c->comment;
    entry.batch_json = c->body;
    st = store_->AppendChange(text, &entry);
    if (absl::IsInvalidArgument(st)) return st;
    return NotWritten("change not applied", st);
  }
  if (const auto* c = std::get_if<change::LoadLatency>(&change)) {
    return NotWritten("table not loaded", store_->PutLatency(c->csv));
  }
  if (std::holds_alternative<change::SetRegionState>(change)) {
    return NotWritten("state not changed",
                      store_->PutRegionStates(NonUpRegionStates(next.region_states)));
  }
  if (const auto* c = std::get_if<change::LoadHealthChecks>(&change)) {
    return NotWritten("health checks not loaded", store_->PutHealthChecks(c->json));
  }
  return absl::OkStatus();  // start-up and SIGHUP: the data dir has it already
}

absl::Status ControlState::CopyToDataDir(const ZoneInput& e) {
  if (store_ == nullptr || store_->HasZone(e.origin_text)) return absl::OkStatus();
  // The data dir takes over a command-line zone: copy its files, exactly
  // the content that is serving (checked by stat), so that the journal
  // replays onto the same zone after a restart. A command-line zone's
  // sources are its --zone paths.
  if (e.value->sources().size() != e.sources.size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "zone ", e.origin_text, " was loaded from files with $INCLUDE, which the data dir "
        "cannot copy; load it through the API (PUT /v1/zones/", e.origin_text,
        ") before changing it"));
  }
  if (!SameStat(StampFiles(e.value->sources()), e.stamps)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the files of zone ", e.origin_text, " changed on disk since they were loaded; "
        "reload them (SIGHUP) or load the zone through the API before changing it"));
  }
  std::vector<ZoneFile> files;
  for (const std::string& path : e.sources) {
    ZoneFile f;
    f.name = path;
    absl::StatusOr<std::string> content = base::ReadFile(path);
    if (!content.ok()) return absl::FailedPreconditionError(content.status().message());
    f.content = *std::move(content);
    f.format = zones::IsRoute53JsonPath(path) || zones::LooksLikeRoute53Json(f.content)
                   ? "route53"
                   : "master";
    files.push_back(std::move(f));
  }
  if (!SameStat(StampFiles(e.value->sources()), e.stamps)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the files of zone ", e.origin_text, " changed on disk while being copied; retry"));
  }
  absl::Status st = store_->PutZone(e.origin_text, files);
  if (!st.ok()) return absl::InternalError(st.message());
  log_(absl::StrCat("data dir: took a copy of command-line zone ", e.origin_text,
                    " to journal changes on"));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<const Snapshot>> ControlState::Build(const ControlInputs& inputs) {
  SnapshotInputs build;
  std::shared_ptr<const health::HealthChecksConfig> checks = inputs.health_checks.value;
  build.health_check_known = [checks](std::string_view id) { return checks->Contains(id); };
  for (const auto& [wire, e] : inputs.zones) build.zones.Put(e.value);
  build.latency = inputs.latency.value;
  build.admin = &admin_;
  build.health = &health_;
  build.names = &names_;
  build.dnssec_keys = inputs.dnssec_keys.value;
  build.tsig_keys = tsig_keys_;
  build.transfer_hooks = transfer_hooks_;
  build.expired_origins = inputs.expired;
  const uint32_t lifetime = static_cast<uint32_t>(config_.dnssec_signature_lifetime);
  build.signing_policy.validity = lifetime;
  build.signing_policy.refresh = lifetime / 2;
  build.signing_policy.jitter = lifetime / 14;
  return BuildSnapshot(std::move(build));
}

void ControlState::CheckSignatureExpiry(int64_t now) {
  {
    absl::MutexLock lock(&mu_);
    if (next_expiry_check_ != 0 && now < next_expiry_check_) return;
  }
  std::map<std::string, ExpiredSignatures> found;
  int64_t next = 0;
  WithSnapshot([&](const Snapshot& snap) {
    for (const std::shared_ptr<const zones::Zone>& zone : snap.zones.zones()) {
      if (zone->dnssec() == nullptr || zone->dnssec()->online) continue;
      ExpiredSignatures e = FindExpiredSignatures(*zone, now);
      if (e.next_expiration != 0 && (next == 0 || e.next_expiration < next))
        next = e.next_expiration;
      if (e.expired > 0) found.emplace(NameToText(zone->origin()), std::move(e));
    }
  });
  absl::MutexLock lock(&mu_);
  // Look again when the next signature expires (at least hourly: a
  // snapshot published meanwhile resets this anyway).
  next_expiry_check_ = next == 0 ? now + 3600 : std::min(next, now + 3600);
  std::map<std::string, size_t> counts;
  for (const auto& [zone, e] : found) {
    counts[zone] = e.expired;
    auto it = expired_signatures_.find(zone);
    if (it != expired_signatures_.end() && it->second == e.expired) continue;
    log_(absl::StrCat("warning: zone ", zone, ": ", e.expired, " RRSIG",
                      e.expired == 1 ? " of its file has" : "s of its file have",
                      " expired (first: ", e.first,
                      "); served as they are: validating resolvers will fail them"));
  }
  expired_signatures_ = std::move(counts);
}

std::map<std::string, size_t> ControlState::ExpiredSignatureCounts() const {
  absl::MutexLock lock(&mu_);
  return expired_signatures_;
}

int64_t ControlState::ResignIfDue(int64_t now) {
  absl::MutexLock lock(&mu_);
  if (next_signing_event_ == 0 || now < next_signing_event_) return next_signing_event_;
  const absl::Time started = absl::Now();
  // The zones signed online get a new serial (by their policy; not under
  // `keep`), as BIND does when it re-signs: secondaries see a new version
  // and transfer the fresh signatures (docs/zone-transfers.md).
  std::set<std::string> online;
  auto collect = [&](const Snapshot& s) {
    for (const auto& [zone, signing] : s.signing) {
      if (signing.online) online.insert(zone->origin());
    }
  };
  if (initial_ != nullptr) {
    collect(*initial_);
  } else if (cell_ != nullptr) {
    cell_->WithCurrent([&](const Snapshot* s) {
      if (s != nullptr) collect(*s);
    });
  }
  ControlInputs next = inputs_;
  const absl::Time when = absl::FromUnixSeconds(now);
  for (const std::string& wire : online) {
    auto zone = next.zones.find(wire);
    auto served = next.serials.find(wire);
    if (zone == next.zones.end() || served == next.serials.end()) continue;
    const zones::SerialPolicy policy = config_.SerialPolicyFor(wire);
    if (policy == zones::SerialPolicy::kKeep) continue;
    // The data has not changed, so its own serial cannot be newer: the
    // policy's next serial after the served one.
    const uint32_t serial =
        zones::NextSerial(policy, served->second.serial, served->second.serial, when);
    served->second.serial = serial;
    zone->second.value = zones::WithSerial(zone->second.value, serial);
  }
  absl::StatusOr<std::unique_ptr<const Snapshot>> snap = Build(next);
  if (!snap.ok()) {
    log_(absl::StrCat("refused: re-signing: ", snap.status().message(),
                      " (still serving the previous signatures; trying again in 60 s)"));
    next_signing_event_ = now + 60;
    return next_signing_event_;
  }
  size_t zones = 0, signatures = 0;
  for (const auto& [zone, signing] : (*snap)->signing) {
    ++zones;
    signatures += signing.signatures;
  }
  if (store_ != nullptr && next.serials != inputs_.serials) {
    std::map<std::string, ZoneSerial> by_text;
    for (const auto& [wire, serial] : next.serials) by_text[NameToText(wire)] = serial;
    if (absl::Status st = store_->PutSerials(by_text); !st.ok()) {
      log_(absl::StrCat("refused: re-signing: serial not recorded: ", st.message(),
                        " (still serving the previous signatures; trying again in 60 s)"));
      next_signing_event_ = now + 60;
      return next_signing_event_;
    }
  }
  log_(absl::StrCat("re-signed ", zones, " zone", zones == 1 ? "" : "s", " (", signatures,
                    " signatures) in ",
                    absl::StrFormat("%.2f", absl::ToDoubleSeconds(absl::Now() - started)), " s",
                    online.empty() ? "" : absl::StrCat(", new serials for ", online.size(),
                                                       " zone", online.size() == 1 ? "" : "s")));
  inputs_ = std::move(next);
  Publish(*std::move(snap));
  return next_signing_event_;
}

void ControlState::SetPublishListener(std::function<void(const Snapshot&)> listener) {
  absl::MutexLock lock(&mu_);
  publish_listener_ = std::move(listener);
  if (publish_listener_ == nullptr) return;
  if (initial_ != nullptr) {
    publish_listener_(*initial_);
  } else if (cell_ != nullptr) {
    cell_->WithCurrent([&](const Snapshot* s) {
      if (s != nullptr) publish_listener_(*s);
    });
  }
}

void ControlState::Publish(std::unique_ptr<const Snapshot> snap) {
  ++reloads_.generation;
  if (publish_listener_ != nullptr) publish_listener_(*snap);
  next_signing_event_ = snap->next_signing_event;
  next_expiry_check_ = 0;  // a new snapshot: look at its signatures
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

// ---- The changes: each describes itself, commits, and reads its result ----

absl::StatusOr<ZoneInfo> ControlState::PutZone(std::string_view origin,
                                               std::vector<ZoneFile> files) {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return st;
  for (ZoneFile& f : files) {
    if (f.format.empty()) {
      f.format = zones::IsRoute53JsonPath(f.name) || zones::LooksLikeRoute53Json(f.content)
                     ? "route53"
                     : "master";
    }
    if (f.format != "master" && f.format != "route53") {
      return absl::InvalidArgumentError(absl::StrCat(
          f.name, ": format '", f.format, "' is not \"master\" or \"route53\""));
    }
  }
  absl::MutexLock lock(&mu_);
  st = CommitLocked(change::LoadZone{text, std::move(files)});
  if (!st.ok()) return st;
  return InfoOf(inputs_.zones.at(wire));
}

absl::StatusOr<std::string> ControlState::UnloadZone(std::string_view origin) {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  absl::MutexLock lock(&mu_);
  st = CommitLocked(change::UnloadZone{text});
  if (!st.ok()) return st;
  return text;
}

absl::StatusOr<ChangeResult> ControlState::ApplyChanges(std::string_view origin,
                                                        std::string_view body,
                                                        std::string_view comment) {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  absl::MutexLock lock(&mu_);
  change::ApplyBatch batch{text, std::string(body), std::string(comment),
                           absl::StrCat("/change/C", next_change_), NowRfc3339()};
  ChangeResult result;
  result.id = batch.id;
  result.submitted_at = batch.submitted_at;
  result.comment = batch.comment;
  st = CommitLocked(std::move(batch));
  if (!st.ok()) return st;
  ++next_change_;
  result.zone = InfoOf(inputs_.zones.at(wire));
  return result;
}

absl::StatusOr<LatencyInfo> ControlState::PutLatency(std::string_view csv) {
  absl::MutexLock lock(&mu_);
  absl::Status st = CommitLocked(change::LoadLatency{std::string(csv)});
  if (!st.ok()) return st;
  return LatencyInfoOf(inputs_.latency);
}

absl::StatusOr<RegionInfo> ControlState::SetRegionState(std::string_view name,
                                                        geo::AdminState state) {
  absl::MutexLock lock(&mu_);
  absl::Status st = CommitLocked(change::SetRegionState{std::string(name), state});
  if (!st.ok()) return st;
  return InfoOfRegion(std::string(name), state);
}

absl::Status ControlState::ReloadFiles() {
  absl::MutexLock lock(&mu_);
  return CommitLocked(change::ReloadFiles{});
}

absl::StatusOr<ZoneInfo> ControlState::FollowFile(std::string_view origin) {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  absl::MutexLock lock(&mu_);
  st = CommitLocked(change::FollowFile{text});
  if (!st.ok()) return st;
  return InfoOf(inputs_.zones.at(wire));
}

absl::StatusOr<HealthChecksSummary> ControlState::PutHealthChecks(std::string_view json) {
  absl::MutexLock lock(&mu_);
  absl::Status st = CommitLocked(change::LoadHealthChecks{std::string(json)});
  if (!st.ok()) return st;
  return SummaryOf(inputs_.health_checks, probing_);
}

// ---- Reads ----

ControlInputs ControlState::Inputs() const {
  absl::MutexLock lock(&mu_);
  return inputs_;
}

ZoneInfo ControlState::InfoOf(const ZoneInput& e) const {
  ZoneInfo info;
  info.origin = e.origin_text;
  info.serial = e.value->serial();
  info.serial_policy = config_.SerialPolicyFor(e.value->origin());
  info.records = e.value->record_count();
  info.routed_record_sets = e.value->routed_record_set_count();
  info.sources = e.sources;
  info.managed_by = e.managed_by;
  info.follows = e.managed_by == ManagedBy::kCommandLine ? Follows::kFile
                 : store_ != nullptr                     ? Follows::kDataDir
                                                         : Follows::kMemory;
  info.zone_files = CommandLineZoneFiles(config_, e.value->origin());
  info.changes_applied = e.changes_applied;
  return info;
}

RegionInfo ControlState::InfoOfRegion(const std::string& name, geo::AdminState state) const {
  RegionInfo info;
  info.name = name;
  info.id = admin_.Find(name).value_or(geo::kNoRegion);
  info.state = state;
  if (inputs_.regions.value != nullptr) {
    if (const geo::Region* r = inputs_.regions.value->Find(name)) {
      info.has_location = r->has_location;
      info.latitude = r->latitude;
      info.longitude = r->longitude;
    }
  }
  return info;
}

absl::Status ControlState::StartHealthChecks() {
  absl::MutexLock lock(&mu_);
  if (probing_) return absl::OkStatus();
  absl::Status st = prober_->Start();
  if (!st.ok()) return st;
  probing_ = true;
  const health::HealthChecksConfig& checks = *inputs_.health_checks.value;
  if (!checks.empty()) {
    log_(absl::StrCat("health checks: probing ", checks.size(), " checks",
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
    for (const auto& [wire, e] : inputs_.zones) {
      e.value->ForEachRoutedMember([&](const zones::Node& node, const zones::RoutedGroup& g,
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
  return SummaryOf(inputs_.health_checks, probing_);
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
  for (const auto& [wire, e] : inputs_.zones) out.push_back(InfoOf(e));
  std::sort(out.begin(), out.end(),
            [](const ZoneInfo& a, const ZoneInfo& b) { return a.origin < b.origin; });
  return out;
}

absl::StatusOr<ZoneInfo> ControlState::Zone(std::string_view origin) const {
  std::string wire, text;
  absl::Status st = ParseOrigin(origin, &wire, &text);
  if (!st.ok()) return absl::NotFoundError(st.message());
  absl::MutexLock lock(&mu_);
  auto it = inputs_.zones.find(wire);
  if (it == inputs_.zones.end()) return absl::NotFoundError(absl::StrCat("no zone ", text, " is loaded"));
  return InfoOf(it->second);
}

absl::StatusOr<DnssecKeysInfo> ControlState::ReloadDnssecKeys() {
  {
    absl::MutexLock lock(&mu_);
    absl::Status st = CommitLocked(change::ReloadDnssecKeys{});
    if (!st.ok()) return st;
  }
  return DnssecKeys();
}

DnssecKeysInfo ControlState::DnssecKeys() const {
  DnssecKeysInfo info;
  {
    absl::MutexLock lock(&mu_);
    const Input<dnssec::KeysByZone>& in = inputs_.dnssec_keys;
    if (in.value != nullptr) info.source = in.source();
    info.managed_by = in.managed_by;
    info.loaded_at = inputs_.dnssec_keys_loaded_at;
    info.keys = in.value;
    for (const auto& [wire, e] : inputs_.zones) info.served.insert(wire);
  }
  WithSnapshot([&](const Snapshot& snap) {
    for (const auto& [zone, s] : snap.signing) {
      DnssecKeysInfo::Signing& out = info.signing[zone->origin()];
      out.online = s.online;
      out.signed_at = s.signed_at;
      out.next_event = s.next_event;
      out.inception = s.inception;
      out.expiration = s.expiration;
      out.signatures = s.signatures;
      out.published_keys = s.published_keys;
      for (const dnssec::KeyPair* k : s.zsks) out.zsk_tags.push_back(k->key_tag);
      out.ksk_tags = s.ksk_tags;
    }
  });
  return info;
}

LatencyInfo ControlState::Latency() const {
  absl::MutexLock lock(&mu_);
  return LatencyInfoOf(inputs_.latency);
}


std::vector<RegionInfo> ControlState::Regions() const {
  absl::MutexLock lock(&mu_);
  std::vector<RegionInfo> out;
  for (const auto& [name, state] : admin_.List()) out.push_back(InfoOfRegion(name, state));
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
  ReloadCounts r = reloads_;
  r.default_latency_rankings = default_latency_.rankings();
  return r;
}

size_t ControlState::zone_count() const {
  absl::MutexLock lock(&mu_);
  return inputs_.zones.size();
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
