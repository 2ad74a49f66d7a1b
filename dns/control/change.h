// File: dns/control/change.h
//
// The control plane's state as one value, and its changes as values.
//
// ControlInputs holds every input the server answers from: the region
// registry, the zones, the latency table, the health checks, the DNSSEC
// keys (each an
// Input<T>: the parsed value, who manages it, where it came from and the
// stat of the files it was read from), plus the command-line zones
// unloaded through the API, the region admin states set through it, and
// the SOA serial each zone was served with (zones/serial.h).
// It is cheap to copy: parsed values are shared, never re-parsed.
//
// A Change describes one mutation (an API call, SIGHUP, start-up) by
// value, and ApplyChange computes the new inputs from (current inputs,
// change). It reads the files the change names (SIGHUP, start-up) and
// nothing else of the outside world: it does not build or publish
// snapshots, write the data dir or log (the lines to log are returned).
// ControlState runs every change through it and then the same steps:
// validate (build the snapshot) → persist (data dir) → publish → count →
// log. Replaying the same changes onto a fresh ControlInputs gives the same
// inputs, which is what replicating them needs.
//
// Example:
//   ChangeContext ctx{config, default_latency, admin};
//   std::vector<std::string> notes;
//   absl::StatusOr<Transition> t =
//       ApplyChange(current, change::LoadLatency{csv}, ctx, &notes);
//   if (t.ok()) current = std::move(t->next);
//
// Thread safety: values; ApplyChange is as thread-safe as the
// ChangeContext it is given (DefaultLatency is thread-compatible).
#ifndef STEERDNS_DNS_CONTROL_CHANGE_H_
#define STEERDNS_DNS_CONTROL_CHANGE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "dns/control/data_store.h"
#include "dns/control/default_latency.h"
#include "dns/control/file_stamp.h"
#include "dns/control/config.h"
#include "dns/dnssec/keys.h"
#include "geo/latency_table.h"
#include "geo/regions.h"
#include "health/health_checks.h"
#include "zones/zone.h"

namespace dns::control {

// Who owns an input's current content: its command-line file (SIGHUP
// re-reads it), or the control API (and the data dir).
enum class ManagedBy { kCommandLine, kApi };
const char* ManagedByName(ManagedBy m);  // "command-line", "api"

// One input: its value and where it came from.
template <typename T>
struct Input {
  std::shared_ptr<const T> value;  // null: none loaded
  ManagedBy managed_by = ManagedBy::kCommandLine;
  // Where the value came from: paths, uploaded file names, or "api";
  // empty: nowhere (none loaded).
  std::vector<std::string> sources;
  // Command line: the stat of every file read, for SIGHUP.
  std::vector<FileStamp> stamps;

  // The first source ("" for none): the one of a table.
  std::string source() const { return sources.empty() ? std::string() : sources.front(); }
};

// A zone, with its presentation origin and the change batches applied.
struct ZoneInput : Input<zones::Zone> {
  std::string origin_text;
  uint64_t changes_applied = 0;  // since it was last loaded
};

// Every input of the control plane.
struct ControlInputs {
  Input<geo::RegionRegistry> regions;      // null: no regions file loaded
  std::map<std::string, ZoneInput> zones;  // by wire origin
  // Command-line origins unloaded through the API: SIGHUP leaves them out.
  std::set<std::string> unloaded;
  Input<geo::LatencyTable> latency;  // null: no table
  // latency.value is the default table (DefaultLatency's).
  bool latency_is_default = false;
  // Never null once started (empty: no checks).
  Input<health::HealthChecksConfig> health_checks;
  // The DNSSEC keys of --dnssec-keys (null without the flag), with the
  // stamps of every file of the folder (a file added, removed or changed:
  // SIGHUP re-reads it), and when they were read (the change's ctx.now).
  Input<dnssec::KeysByZone> dnssec_keys;
  absl::Time dnssec_keys_loaded_at = absl::InfinitePast();
  // Region admin states set through the API or read from the data dir.
  std::map<std::string, geo::AdminState> region_states;
  // The SOA serial each zone was last served with, by wire origin (kept
  // when a zone is unloaded, so that loading it again goes on from there;
  // persisted in the data dir's serials.json).
  std::map<std::string, ZoneSerial> serials;
  // Secondary zones (--secondary): the last copy transferred from the
  // primary, by wire origin; the zone served is it plus the Route 53 JSON
  // --zone files of the origin merged on top.
  struct Transferred {
    std::shared_ptr<const std::string> text;  // master-file text
    std::string from;                         // "127.0.0.1:5400 (IXFR)"
  };
  std::map<std::string, Transferred> transferred;
  // Secondary zones past their SOA expire time without a refresh: the
  // query path answers SERVFAIL for them (as NSD does).
  std::set<std::string> expired;
};

// What the data dir held at start-up.
struct StoredInputs {
  std::string dir;  // "" without a data dir
  std::vector<StoredZone> zones;
  std::optional<std::string> latency;  // CSV
  std::string latency_path;
  std::optional<std::string> health_checks;  // Route 53 JSON
  std::string health_checks_path;
  std::vector<std::pair<std::string, std::string>> region_states;  // (name, "drain")
  std::map<std::string, ZoneSerial> serials;  // by presentation origin
};

// The changes. Origins are presentation form, canonical (ControlState
// parses what the API was given).
namespace change {
// Start-up: the command-line inputs (the config's files) under what the
// data dir holds.
struct StartUp {
  StoredInputs stored;
};
// PUT /v1/zones/ORIGIN: the zone from uploaded files (format set).
struct LoadZone {
  std::string origin;
  std::vector<ZoneFile> files;
};
// DELETE /v1/zones/ORIGIN.
struct UnloadZone {
  std::string origin;
};
// POST /v1/zones/ORIGIN/changes: a Route 53 change batch.
struct ApplyBatch {
  std::string origin;
  std::string body;  // the request body as received
  std::string comment;
  std::string id;  // "/change/C<n>"
  std::string submitted_at;  // RFC 3339
};
// PUT /v1/latency.
struct LoadLatency {
  std::string csv;
};
// POST /v1/regions/NAME.
struct SetRegionState {
  std::string region;
  geo::AdminState state = geo::AdminState::kUp;
};
// PUT /v1/health-checks: Route 53 JSON.
struct LoadHealthChecks {
  std::string json;
};
// SIGHUP: re-read the command-line files whose stat changed.
struct ReloadFiles {};
// POST /v1/zones/ORIGIN/follow-file: the zone goes back to its --zone
// files (read now; managed by the command line again, followed on SIGHUP;
// the data dir's copy, journal or tombstone dropped).
struct FollowFile {
  std::string origin;
};
// POST /v1/dnssec/reload: re-read the --dnssec-keys folder now (what
// SIGHUP does for it, whether or not a file changed).
struct ReloadDnssecKeys {};
// A secondary zone's new copy from its primary (dns/xfr: the whole zone
// as master-file text, however it was transferred), or its copy from the
// last run at start-up. Served with the primary's serial.
struct TransferredZone {
  std::string origin;
  std::shared_ptr<const std::string> text;
  std::string from;  // "127.0.0.1:5400 (AXFR)", "the data dir"
};
// A secondary zone went past its expire time (SERVFAIL) or is fresh again.
struct SetZoneExpired {
  std::string origin;
  bool expired = false;
};
}  // namespace change

using Change = std::variant<change::StartUp, change::LoadZone, change::UnloadZone,
                            change::ApplyBatch, change::LoadLatency, change::SetRegionState,
                            change::LoadHealthChecks, change::ReloadFiles, change::FollowFile,
                            change::ReloadDnssecKeys, change::TransferredZone,
                            change::SetZoneExpired>;

// Which ReloadCounts a change counts in.
enum class ChangeCounter { kNone, kApi, kSighup };
ChangeCounter CounterOf(const Change& change);

// What a change may read besides the current inputs.
struct ChangeContext {
  const Config& config;  // the command-line files, the serial policies
  DefaultLatency& default_latency;    // the default table, loaded on first use
  geo::AdminStates& admin;            // region names -> ids (registered as seen)
  absl::Time now = absl::Now();       // when the change happens (unixtime and
                                      // dateserial serials)
};

// What the snapshot does on a change.
enum class SnapshotEffect {
  kNone,      // not built (a region state, a SIGHUP that found nothing new)
  kValidate,  // built to validate, not published (health checks)
  kPublish,   // built and published
};

// The result of ApplyChange.
struct Transition {
  ControlInputs next;
  SnapshotEffect snapshot = SnapshotEffect::kPublish;
  bool counted = true;            // counts in CounterOf(change) once committed
  std::vector<std::string> log;   // to log once committed
};

// The new inputs: `current` with `change` applied. Lines to log whether or
// not the change then commits (start-up's, the default table's) are
// appended to `notes`.
//
// Every zone a change publishes new data for gets its SOA serial here
// (zones/serial.h: the zone's policy, from the serial it was served with
// last, in `current.serials`); the same data keeps the same serial. Every
// region name the new inputs use (latency table rows, Route 53 record
// sets) must be in the region registry when one is loaded
// (RegionRegistry::CheckName).
//
// Errors (nothing changed): InvalidArgument "name:line: message" for bad
// data (an unknown region included), NotFound for no such zone or region,
// FailedPrecondition for follow-file of a zone without --zone files or a
// key reload without --dnssec-keys,
// InvalidArgument "file: what is wrong" (a line per bad file) for a
// --dnssec-keys folder with a bad key file (start-up, SIGHUP, key reload),
// DataLoss for a data dir that no longer loads (start-up), the file's error
// for a command-line file (start-up, SIGHUP, follow-file).
absl::StatusOr<Transition> ApplyChange(const ControlInputs& current, const Change& change,
                                       ChangeContext& ctx, std::vector<std::string>* notes);

// Origin text from the API ("Example.COM", "example.com.") -> wire and
// canonical text. InvalidArgument if it is not a name.
absl::Status ParseOrigin(std::string_view origin, std::string* wire, std::string* text);

// Whether `origin_wire` has --zone files in `config`, and which.
std::vector<std::string> CommandLineZoneFiles(const Config& config,
                                              std::string_view origin_wire);

// The stamps of every regular file in `dir`, by name: a file added,
// removed or rewritten changes them (empty if `dir` cannot be listed).
std::vector<FileStamp> StampDirectory(const std::string& dir);

// The regions latency record sets of `zones` name, sorted, each once.
std::vector<std::string> LatencyRegionsInUse(const std::map<std::string, ZoneInput>& zones);

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_CHANGE_H_
