// File: dns/control/control_state.h
//
// ControlState: the one owner of the server's *current inputs*, and the
// only code that builds and publishes snapshots.
//
//   --zone / --latency / --regions ──┐
//   --health-checks ─────────────────┤
//   --data-dir (DataStore)  ─────────┼─► ControlState ──BuildSnapshot──► SnapshotCell::Publish
//   --dnssec-keys ───────────────────┤
//   control API (PUT/POST/DELETE) ───┤    zones by origin + provenance,       (workers)
//   SIGHUP ──────────────────────────┘    latency table, region states
//
// Every change (start-up, API, SIGHUP) is a Change value (change.h) and
// runs the same steps under one mutex, off the query threads (Commit):
//   1. ApplyChange computes the new inputs from (current inputs, change)
//      (unchanged zones are the same shared_ptr, never re-parsed; SIGHUP
//      re-reads a file only when its stat changed);
//   2. validate: BuildSnapshot checks everything (alias targets, ...);
//   3. persist to the data dir, if any (DataStore: atomic writes);
//   4. publish with one atomic swap; old snapshots are freed by the cell's
//      reclaimer, never on a worker;
//   5. count (ReloadCounts) and 6. log.
// A failure at 1-3 returns its error and changes nothing: the old snapshot
// keeps serving, and the data dir is not written (or, if step 3 failed
// midway, holds only files the next start-up ignores).
//
// Precedence (docs/data-dir.md): command-line zones load first; a zone the
// data dir has (loaded or tombstoned through the API) replaces the
// command-line zone of that origin. A zone changed through the API is
// "managed_by":"api" from then on: SIGHUP no longer re-reads its files,
// until FollowFile hands it back to them. The same holds for the latency
// table.
//
// SOA serials (zones/serial.h): every change that publishes new data for a
// zone raises its serial by the zone's policy (ApplyChange); the serials
// served are persisted (serials.json) before anything else of the change,
// so that the served serial never goes backwards across restarts.
//
// Region admin states and health live in atomics outside the snapshot
// (geo::AdminStates, geo::HealthTable), owned here; a drain changes no
// snapshot. The health checks (health::HealthChecksConfig) are inputs like the
// latency table: every HealthCheckId a record set names must be one of
// them (checked at start-up, zone load, change batch and health check
// reload). The prober (health::Prober, one thread, owned here) writes the
// HealthTable; a health change rebuilds nothing.
//
// Thread safety: all methods are thread-safe (one internal mutex, never
// taken by workers). ControlState must outlive the SnapshotCell it
// publishes to (snapshots point at its AdminStates and HealthTable).
#ifndef STEERDNS_DNS_CONTROL_CONTROL_STATE_H_
#define STEERDNS_DNS_CONTROL_CONTROL_STATE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "dns/answer/routed_names.h"
#include "dns/answer/snapshot.h"
#include "dns/answer/transfer_hooks.h"
#include "dns/control/change.h"
#include "dns/control/data_store.h"
#include "dns/control/default_latency.h"
#include "dns/control/config.h"
#include "dns/dnssec/keys.h"
#include "dns/server/snapshot_cell.h"
#include "dns/tsig/key.h"
#include "geo/health.h"
#include "health/health_checks.h"
#include "health/prober.h"
#include "geo/latency_table.h"
#include "geo/regions.h"
#include "zones/serial.h"
#include "zones/zone.h"

namespace dns::control {

// What a zone's content follows: its --zone files (SIGHUP re-reads them),
// the data dir (changed through the API; SIGHUP leaves it alone), or
// nothing (changed through the API without a data dir: memory only).
enum class Follows { kFile, kDataDir, kMemory };
const char* FollowsName(Follows f);  // "file", "data-dir", "memory"

// A zone as `GET /v1/zones` shows it.
struct ZoneInfo {
  std::string origin;  // presentation form
  uint32_t serial = 0;
  zones::SerialPolicy serial_policy = zones::SerialPolicy::kIncrement;
  size_t records = 0;
  size_t routed_record_sets = 0;
  std::vector<std::string> sources;
  ManagedBy managed_by = ManagedBy::kCommandLine;
  Follows follows = Follows::kFile;
  // The --zone files the command line names for it (empty: none). When it
  // does not follow them, `zonectl zone follow-file` returns it to them.
  std::vector<std::string> zone_files;
  uint64_t changes_applied = 0;  // change batches since it was last loaded
};

// The latency table as `GET /v1/latency` shows it.
struct LatencyInfo {
  std::optional<std::string> source;  // path, or "api"; none without a table
  ManagedBy managed_by = ManagedBy::kCommandLine;
  size_t networks = 0, regions = 0, rankings = 0;
};

// A region (registry or seen in data), without drain timing.
struct RegionInfo {
  std::string name;
  geo::RegionId id = geo::kNoRegion;
  geo::AdminState state = geo::AdminState::kUp;
  bool has_location = false;
  double latitude = 0, longitude = 0;
};

// What an accepted change batch returns.
struct ChangeResult {
  std::string id;            // "/change/C<n>"
  std::string submitted_at;  // RFC 3339
  std::string comment;
  ZoneInfo zone;
};

// A record set that names a health check (HealthCheckId).
struct RecordSetRef {
  std::string name;  // owner, presentation form
  std::string type;  // "A", "AAAA", ...
  std::string set_identifier;
};

// One health check as `GET /v1/health-checks` shows it: the prober's status
// plus the record sets that use it.
struct HealthCheckInfo {
  health::HealthCheckStatus status;
  std::vector<RecordSetRef> used_by;
};

// The health checks config as a whole.
struct HealthChecksSummary {
  std::optional<std::string> source;  // path, or "api"; none when not loaded
  ManagedBy managed_by = ManagedBy::kCommandLine;
  size_t checks = 0;
  std::vector<std::string> warnings;  // from the last load
  bool probing = false;               // the prober thread runs
};

// The DNSSEC keys as `GET /v1/dnssec` shows them.
struct DnssecKeysInfo {
  std::optional<std::string> source;  // the --dnssec-keys folder; none without it
  ManagedBy managed_by = ManagedBy::kCommandLine;
  absl::Time loaded_at = absl::InfinitePast();  // when the key set was read
  std::shared_ptr<const dnssec::KeysByZone> keys;  // null without --dnssec-keys
  std::set<std::string> served;  // wire origins of the zones served now
  // The signing state of the current snapshot, by wire origin (the zones
  // signed here: dns/answer/online_signing.h), plain values.
  struct Signing {
    bool online = false;
    int64_t signed_at = 0, next_event = 0;
    uint32_t inception = 0, expiration = 0;
    size_t signatures = 0, published_keys = 0;
    std::vector<uint16_t> zsk_tags, ksk_tags;
  };
  std::map<std::string, Signing> signing;
};

// Reload bookkeeping for status and metrics.
struct ReloadCounts {
  uint64_t api = 0, api_failures = 0;        // control API changes
  uint64_t sighup = 0, sighup_failures = 0;  // SIGHUP re-reads
  uint64_t generation = 0;                   // snapshots published (1 = initial)
  uint64_t default_latency_rankings = 0;     // DefaultLatency::rankings()
};

// The TSIG keys of `config` (--tsig-key, --tsig-keys) as one ring, every
// key the transfer settings name checked to be among them. InvalidArgument
// naming the flag ("--tsig-key: ...", "allow-transfer 10.0.0.0/8:k: no
// TSIG key 'k.'"), the keys file's "file:line: message".
absl::StatusOr<std::shared_ptr<const tsig::KeyRing>> LoadTsigKeys(const Config& config);

class ControlState {
 public:
  using Logger = std::function<void(const std::string&)>;

  // Loads the region registry, the data dir (if config.data_dir), the
  // command-line zones the data dir does not override and the latency
  // table, and builds the initial snapshot (TakeInitialSnapshot). Logs one
  // line per zone and table through `log`. Errors: the first bad input,
  // as "file:line: message" (data dir files are named by their path).
  // `transfer_hooks` (may be null) goes into every snapshot: the NOTIFY
  // hook of the secondary zones (dns/control/zone_transfers.h), which must
  // outlive every snapshot.
  static absl::StatusOr<std::unique_ptr<ControlState>> Create(
      const Config& config, Logger log, const TransferHooks* transfer_hooks = nullptr);
  ~ControlState();
  ControlState(const ControlState&) = delete;
  ControlState& operator=(const ControlState&) = delete;

  // The snapshot built by Create(), once (then nullptr): the server starts
  // with it.
  std::unique_ptr<const Snapshot> TakeInitialSnapshot();
  // From now on changes are published to `cell` (which must outlive this
  // object's use of it; see the thread-safety note above).
  void Attach(dns::server::SnapshotCell* cell);

  // `listener` is called with every snapshot published from now on (under
  // the control mutex: it must be quick and must not call back into this
  // object), and at once with the current one. Zone transfers use it.
  void SetPublishListener(std::function<void(const Snapshot&)> listener);

  // ---- Changes (each a Change through Commit: build → validate →
  // persist → publish → count → log) ----

  // Commits `change` (what each method below does after describing its
  // change): the errors of ApplyChange, of validation and of the data dir.
  // Replaying the changes one state committed onto a fresh one gives the
  // same inputs.
  absl::Status Commit(const Change& change);

  // Loads or replaces zone `origin` ("example.com", any case, trailing dot
  // optional) from `files`. InvalidArgument "name:line: message" for bad
  // data (or a snapshot that does not validate), Internal if the data dir
  // cannot be written. The zone becomes managed_by api.
  absl::StatusOr<ZoneInfo> PutZone(std::string_view origin, std::vector<ZoneFile> files);
  // Unloads a zone; returns its canonical origin. NotFound if not loaded;
  // InvalidArgument if the remaining zones do not validate (an alias
  // target in it).
  absl::StatusOr<std::string> UnloadZone(std::string_view origin);
  // Applies a Route 53 change batch (the request body: {"Changes":[...]} or
  // {"ChangeBatch":{...}}) atomically. InvalidArgument with Route 53's text
  // (zones/change_batch.h); NotFound for no such zone; FailedPrecondition
  // for a command-line zone that cannot be copied into the data dir (its
  // files changed on disk since they were loaded, or use $INCLUDE);
  // Internal for the data dir.
  absl::StatusOr<ChangeResult> ApplyChanges(std::string_view origin, std::string_view body,
                                            std::string_view comment);
  // Replaces the latency table with CSV text. InvalidArgument
  // "latency.csv:line: message".
  absl::StatusOr<LatencyInfo> PutLatency(std::string_view csv);
  // Sets a region's admin state (persisted first). NotFound for a region
  // neither the registry nor any data names.
  absl::StatusOr<RegionInfo> SetRegionState(std::string_view name, geo::AdminState state);
  // Replaces the health checks with Route 53 JSON (`aws route53
  // list-health-checks` output). InvalidArgument "health-checks.json:line:
  // message", or naming a record set whose HealthCheckId the new config
  // lacks; nothing changes then. Persisted (data dir) before the prober
  // gets it; managed_by api from then on (SIGHUP no longer re-reads
  // --health-checks).
  absl::StatusOr<HealthChecksSummary> PutHealthChecks(std::string_view json);
  // Starts the prober thread (the checks loaded by Create are probed from
  // now on). Call once, after the server started; InvalidArgument for a
  // bad --health-check-resolver. Without it nothing is probed (--explain).
  absl::Status StartHealthChecks();
  // SIGHUP: re-reads the command-line files whose stat changed (zones still
  // managed by the command line, the latency table, the regions file, the
  // health checks, the --dnssec-keys folder), then publishes. On error nothing changes. Logs the
  // zones it leaves alone because they follow the data dir.
  absl::Status ReloadFiles();
  // Online signing: when the current snapshot's signatures are due again
  // (Snapshot::next_signing_event reached at `now`, seconds since the
  // epoch), builds and publishes it again from the same inputs, and logs
  // it. Returns the time of the next signing event (0: none). A failed
  // re-signing is logged and tried again a minute later.
  int64_t ResignIfDue(int64_t now);
  // Pre-signed zones: when a signature of the current snapshot may have
  // expired since the last look (a new snapshot, or the next expiration
  // reached), counts each zone's expired RRSIGs (FindExpiredSignatures),
  // logs a zone's count once when it changes to a non-zero value
  // ("warning: zone example.com.: 3 RRSIGs of its file have expired
  // (first: ...); served as they are"), and keeps the counts for /metrics.
  void CheckSignatureExpiry(int64_t now);
  // Zone (presentation form) -> expired RRSIGs, zones with any only.
  std::map<std::string, size_t> ExpiredSignatureCounts() const;
  // Returns zone `origin` to its --zone files (change::FollowFile): read
  // now, managed by the command line and followed on SIGHUP from then on;
  // the data dir's copy of the zone (files, journal, tombstone) dropped.
  // FailedPrecondition if the command line names no file for it; the
  // file's "file:line: message" if it does not load (nothing changes).
  absl::StatusOr<ZoneInfo> FollowFile(std::string_view origin);
  // POST /v1/dnssec/reload (change::ReloadDnssecKeys): re-reads the
  // --dnssec-keys folder now and publishes; the keys then loaded.
  // FailedPrecondition without --dnssec-keys; InvalidArgument "file: what"
  // (a line per bad file) for a bad key file, and the old keys stay.
  absl::StatusOr<DnssecKeysInfo> ReloadDnssecKeys();

  // ---- Reads ----
  std::vector<ZoneInfo> Zones() const;  // sorted by origin
  absl::StatusOr<ZoneInfo> Zone(std::string_view origin) const;
  LatencyInfo Latency() const;
  // The keys the current snapshot carries (Snapshot::dnssec_keys).
  DnssecKeysInfo DnssecKeys() const;
  std::vector<RegionInfo> Regions() const;  // sorted by name
  absl::StatusOr<RegionInfo> Region(std::string_view name) const;
  ReloadCounts reloads() const;
  // Every configured health check in config order, with its state and the
  // record sets that reference it.
  std::vector<HealthCheckInfo> HealthChecks() const;
  HealthChecksSummary HealthChecksSummaryInfo() const;
  // Health check id -> its last result's reason ("connect refused"), for
  // explain.
  absl::flat_hash_map<std::string, std::string> HealthReasons() const;
  size_t zone_count() const;
  // "" without a data dir.
  std::string data_dir() const;

  // Runs fn(const Snapshot&) on the current snapshot (kept alive during
  // the call). Returns false if there is none yet.
  bool WithSnapshot(const std::function<void(const Snapshot&)>& fn) const;

  // The current inputs (sharing the parsed values).
  ControlInputs Inputs() const;

  // The TSIG keys of --tsig-key/--tsig-keys (never null; maybe empty),
  // for the query path (every snapshot carries them) and zone transfers.
  const std::shared_ptr<const tsig::KeyRing>& tsig_keys() const { return tsig_keys_; }

  const geo::AdminStates& admin() const { return admin_; }
  const RoutedNames& routed_names() const { return names_; }

 private:
  ControlState(Config config, Logger log);

  // The commit path: ApplyChange, then validate (build the snapshot;
  // reserve the health slots of new checks) → persist (data dir) →
  // publish (prober, region states, inputs_, snapshot) → count → log.
  // A failure before publishing changes nothing (and counts as a failed
  // API change or SIGHUP, except an API change naming no such zone or
  // region).
  absl::Status CommitLocked(const Change& change) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The data dir part of `change` (nothing without a data dir).
  absl::Status Persist(const Change& change, const ControlInputs& next)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // With a data dir: make sure it holds a copy of command-line zone `e`
  // (its files as loaded) so that a change can be journaled on top.
  absl::Status CopyToDataDir(const ZoneInput& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Builds a snapshot of `inputs` (validation only; nothing published).
  absl::StatusOr<std::unique_ptr<const Snapshot>> Build(const ControlInputs& inputs)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Publish(std::unique_ptr<const Snapshot> snap) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  ChangeContext Context() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ZoneInfo InfoOf(const ZoneInput& e) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  RegionInfo InfoOfRegion(const std::string& name, geo::AdminState state) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Config config_;
  const Logger log_;
  std::shared_ptr<const tsig::KeyRing> tsig_keys_;  // set by Create, then constant
  const TransferHooks* transfer_hooks_ = nullptr;   // set by Create, then constant

  // Outlive every snapshot (snapshots point at them).
  geo::AdminStates admin_;
  geo::HealthTable health_;
  RoutedNames names_;
  // Probes the health checks into health_ (destroyed before it).
  std::unique_ptr<health::Prober> prober_;

  mutable absl::Mutex mu_;
  std::unique_ptr<DataStore> store_ ABSL_GUARDED_BY(mu_);
  ControlInputs inputs_ ABSL_GUARDED_BY(mu_);
  DefaultLatency default_latency_ ABSL_GUARDED_BY(mu_);
  bool probing_ ABSL_GUARDED_BY(mu_) = false;
  std::unique_ptr<const Snapshot> initial_ ABSL_GUARDED_BY(mu_);
  dns::server::SnapshotCell* cell_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::function<void(const Snapshot&)> publish_listener_ ABSL_GUARDED_BY(mu_);
  ReloadCounts reloads_ ABSL_GUARDED_BY(mu_);
  uint64_t next_change_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_signing_event_ ABSL_GUARDED_BY(mu_) = 0;
  // CheckSignatureExpiry: when to look again (0: at the next call), and
  // the counts last seen (and logged).
  int64_t next_expiry_check_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, size_t> expired_signatures_ ABSL_GUARDED_BY(mu_);
};

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_CONTROL_STATE_H_
