// File: dns/control/control_state.h
//
// ControlState: the one owner of the server's *current inputs*, and the
// only code that builds and publishes snapshots.
//
//   --zone / --latency / --regions ──┐
//   --health-checks ─────────────────┤
//   --data-dir (DataStore)  ─────────┼─► ControlState ──BuildSnapshot──► SnapshotCell::Publish
//   control API (PUT/POST/DELETE) ───┤    zones by origin + provenance,       (workers)
//   SIGHUP ──────────────────────────┘    latency table, region states
//
// Every change (API, SIGHUP) runs the same steps under one mutex, off the
// query threads:
//   1. compute the new inputs (unchanged zones are the same shared_ptr,
//      never re-parsed; SIGHUP re-reads a file only when its stat changed);
//   2. BuildSnapshot: validates everything (alias targets, ...);
//   3. persist to the data dir, if any (DataStore: atomic writes);
//   4. publish with one atomic swap; old snapshots are freed by the cell's
//      reclaimer, never on a worker.
// A failure at 1-3 returns its error and changes nothing: the old snapshot
// keeps serving, and the data dir is not written (or, if step 3 failed
// midway, holds only files the next start-up ignores).
//
// Precedence (docs/data-dir.md): command-line zones load first; a zone the
// data dir has (loaded or tombstoned through the API) replaces the
// command-line zone of that origin. A zone changed through the API is
// "managed_by":"api" from then on: SIGHUP no longer re-reads its files.
// The same holds for the latency table.
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

#include <sys/types.h>

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
#include "dns/control/config.h"
#include "dns/control/data_store.h"
#include "dns/server/snapshot_cell.h"
#include "geo/health.h"
#include "health/health_checks.h"
#include "health/prober.h"
#include "geo/latency_table.h"
#include "geo/regions.h"
#include "zones/zone.h"

namespace dns::control {

// Who owns a zone's (or the latency table's) current content.
enum class ManagedBy { kCommandLine, kApi };
const char* ManagedByName(ManagedBy m);  // "command-line", "api"

// A zone as `GET /v1/zones` shows it.
struct ZoneInfo {
  std::string origin;  // presentation form
  uint32_t serial = 0;
  size_t records = 0;
  size_t routed_record_sets = 0;
  std::vector<std::string> sources;
  ManagedBy managed_by = ManagedBy::kCommandLine;
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

// Reload bookkeeping for status and metrics.
struct ReloadCounts {
  uint64_t api = 0, api_failures = 0;        // control API changes
  uint64_t sighup = 0, sighup_failures = 0;  // SIGHUP re-reads
  uint64_t generation = 0;                   // snapshots published (1 = initial)
};

class ControlState {
 public:
  using Logger = std::function<void(const std::string&)>;

  // Loads the region registry, the data dir (if config.data_dir), the
  // command-line zones the data dir does not override and the latency
  // table, and builds the initial snapshot (TakeInitialSnapshot). Logs one
  // line per zone and table through `log`. Errors: the first bad input,
  // as "file:line: message" (data dir files are named by their path).
  static absl::StatusOr<std::unique_ptr<ControlState>> Create(
      const Config& config, Logger log);
  ~ControlState();
  ControlState(const ControlState&) = delete;
  ControlState& operator=(const ControlState&) = delete;

  // The snapshot built by Create(), once (then nullptr): the server starts
  // with it.
  std::unique_ptr<const Snapshot> TakeInitialSnapshot();
  // From now on changes are published to `cell` (which must outlive this
  // object's use of it; see the thread-safety note above).
  void Attach(dns::server::SnapshotCell* cell);

  // ---- Changes (each: build → validate → persist → publish) ----

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
  // health checks), then publishes. On error nothing changes.
  absl::Status ReloadFiles();

  // ---- Reads ----
  std::vector<ZoneInfo> Zones() const;  // sorted by origin
  absl::StatusOr<ZoneInfo> Zone(std::string_view origin) const;
  LatencyInfo Latency() const;
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

  const geo::AdminStates& admin() const { return admin_; }
  const RoutedNames& routed_names() const { return names_; }

 private:
  // stat() of one file a zone or table was read from.
  struct FileStamp {
    std::string path;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = -1;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    // Modified within 2 s of being stamped: a later write in the same clock
    // tick could leave every field equal (git's "racy clean" problem), so
    // such a file always counts as changed.
    bool racy = false;
    bool Same(const FileStamp& o) const {
      return !racy && !o.racy && path == o.path && dev == o.dev && ino == o.ino &&
             size == o.size && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
    }
  };
  // Same files, same stat (racy or not): nothing was written since.
  static bool SameFiles(const std::vector<FileStamp>& a, const std::vector<FileStamp>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      FileStamp x = a[i], y = b[i];
      x.racy = y.racy = false;
      if (!x.Same(y)) return false;
    }
    return true;
  }
  // Unchanged for sure: same stat and none racy.
  static bool AllSame(const std::vector<FileStamp>& a, const std::vector<FileStamp>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!a[i].Same(b[i])) return false;
    return true;
  }
  struct ZoneEntry {
    std::string origin_text;  // presentation form
    std::shared_ptr<const zones::Zone> zone;
    ManagedBy managed_by = ManagedBy::kCommandLine;
    std::vector<std::string> sources;    // paths, or uploaded file names
    std::vector<std::string> cli_paths;  // command line: the --zone paths
    std::vector<FileStamp> stamps;       // command line: every file read
    uint64_t changes_applied = 0;
  };
  using ZoneMap = std::map<std::string, ZoneEntry>;  // by wire origin

  ControlState(Config config, Logger log);

  static FileStamp Stamp(const std::string& path);
  static std::vector<FileStamp> StampAll(const std::vector<std::string>& paths);
  ZoneInfo InfoOf(const ZoneEntry& e) const;
  absl::StatusOr<ZoneEntry> LoadCommandLineZone(const std::string& origin_text,
                                                const std::vector<std::string>& paths) const;
  absl::Status LoadRegistry(bool at_start) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status LoadAll() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Builds a snapshot of `zones` + `latency` (validation only; nothing
  // published). HealthCheckIds must be in `checks` (null: the current
  // health checks).
  absl::StatusOr<std::unique_ptr<const Snapshot>> Build(
      const ZoneMap& zones, std::shared_ptr<const geo::LatencyTable> latency,
      const health::HealthChecksConfig* checks = nullptr) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Loads the health checks at start-up (data dir, else --health-checks)
  // and hands them to the prober (not started).
  absl::Status LoadHealthChecksAtStart(const std::optional<std::string>& stored)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void LogHealthChecks(const health::HealthChecksConfig& cfg, std::string_view how)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Publish(std::unique_ptr<const Snapshot> snap) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The latency table a snapshot of `zones` is built with: the current
  // one unless that is the default; else, when `zones` has latency record
  // sets, the default table ranked for the regions they name (loaded on
  // first use, so a zone with latency names loaded through the API or
  // SIGHUP into a server started without any gets it too, and re-ranked
  // when a region it does not rank comes into use). A default that does
  // not load is logged once per set of regions and routing goes on
  // without a table.
  std::shared_ptr<const geo::LatencyTable> LatencyFor(const ZoneMap& zones)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Loads the default table ranking `regions` plus those it ranks already
  // (never fewer, so zones coming and going do not make it reload);
  // logs its one line. Keeps the old table on error.
  absl::Status LoadDefaultLatency(const std::vector<std::string>& regions)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // After publishing a snapshot built with `latency` (from LatencyFor()):
  // make it the current table (nullptr: keep the current one).
  void AdoptLatency(std::shared_ptr<const geo::LatencyTable> latency)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The --zone entries grouped by origin (wire), in order of first mention.
  std::vector<std::pair<std::string, std::pair<std::string, std::vector<std::string>>>>
  CommandLineZones() const;
  // With a data dir: make sure it holds a copy of command-line zone `e`
  // (its files as loaded) so that a change can be journaled on top.
  absl::Status CopyToDataDir(const ZoneEntry& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::vector<std::pair<std::string, std::string>> NonUpRegionStates(
      std::string_view changed, geo::AdminState state) const;

  const Config config_;
  const Logger log_;

  // Outlive every snapshot (snapshots point at them).
  geo::AdminStates admin_;
  geo::HealthTable health_;
  RoutedNames names_;
  // Probes the health checks into health_ (destroyed before it).
  std::unique_ptr<health::Prober> prober_;

  mutable absl::Mutex mu_;
  std::unique_ptr<DataStore> store_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const geo::RegionRegistry> registry_ ABSL_GUARDED_BY(mu_);
  FileStamp registry_stamp_ ABSL_GUARDED_BY(mu_);
  ZoneMap zones_ ABSL_GUARDED_BY(mu_);
  // Command-line origins unloaded through the API: SIGHUP leaves them out.
  std::set<std::string> unloaded_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const geo::LatencyTable> latency_ ABSL_GUARDED_BY(mu_);
  ManagedBy latency_by_ ABSL_GUARDED_BY(mu_) = ManagedBy::kCommandLine;
  std::string latency_source_ ABSL_GUARDED_BY(mu_);
  FileStamp latency_stamp_ ABSL_GUARDED_BY(mu_);
  // The default table (--default-latency), loaded the first time latency
  // record sets need one and no other table exists, ranking the regions
  // in default_regions_ (sorted); latency_is_default_ while latency_ is it.
  std::shared_ptr<const geo::LatencyTable> default_latency_ ABSL_GUARDED_BY(mu_);
  FileStamp default_stamp_ ABSL_GUARDED_BY(mu_);  // its file when loaded (SIGHUP)
  std::vector<std::string> default_regions_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> default_failed_for_ ABSL_GUARDED_BY(mu_);
  bool latency_is_default_ ABSL_GUARDED_BY(mu_) = false;
  // Never null (empty: no checks).
  std::shared_ptr<const health::HealthChecksConfig> health_checks_ ABSL_GUARDED_BY(mu_);
  ManagedBy health_checks_by_ ABSL_GUARDED_BY(mu_) = ManagedBy::kCommandLine;
  std::string health_checks_source_ ABSL_GUARDED_BY(mu_);  // "" when none loaded
  FileStamp health_checks_stamp_ ABSL_GUARDED_BY(mu_);
  bool probing_ ABSL_GUARDED_BY(mu_) = false;
  std::unique_ptr<const Snapshot> initial_ ABSL_GUARDED_BY(mu_);
  dns::server::SnapshotCell* cell_ ABSL_GUARDED_BY(mu_) = nullptr;
  ReloadCounts reloads_ ABSL_GUARDED_BY(mu_);
  uint64_t next_change_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_CONTROL_STATE_H_
