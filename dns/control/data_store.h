// File: dns/control/data_store.h
//
// DataStore: the --data-dir. Everything the control API accepts (zones,
// change batches, the latency table, region admin states) is written here
// before the API answers, and read back at start-up. docs/data-dir.md is
// the operator's description of the layout and the precedence rule.
//
//   DIR/
//     latency.csv                     the table last PUT through the API
//     health-checks.json              the health checks last PUT through
//                                     the API (Route 53 JSON)
//     regions.json                    {"regions":{"eu-west-1":"drain"}}:
//                                     regions not "up"
//     serials.json                    the SOA serial each zone was served
//                                     with (never goes backwards)
//     zones/<origin>/                 one folder per zone the API touched
//       manifest.json                 the commit point (see below)
//       000003-0.zone, 000003-1.json  the zone's files, generation 3
//       changes/000003-000001.json    change batches since generation 3,
//       changes/000003-000002.json    replayed in order at start-up
//
// Crash safety. Every file is written with base::WriteFileAtomically (a temp
// file in the same folder, fsync, rename over the name, fsync of the
// folder), so a name always holds a whole file; temp files ("*.tmp-*")
// left by a crash are never read and are removed at load. Loading or
// replacing a zone writes generation G+1: its files first, then
// manifest.json naming G+1 and its files, which is the one step that
// commits; then the old generation's files and journal are deleted. A crash
// before the manifest leaves generation G in force (the G+1 files are
// garbage, removed at load); a crash after it leaves stale G files and
// journal entries that load ignores (a journal entry belongs to the
// generation in its name) and removes. A change batch is one new journal
// file. Unloading writes a manifest with "state":"unloaded" (a tombstone),
// also a new generation, so the zone stays unloaded after a restart even if
// --zone names it.
//
// Example:
//   absl::StatusOr<std::unique_ptr<DataStore>> store = DataStore::Open(dir);
//   absl::StatusOr<std::vector<StoredZone>> zones = (*store)->LoadZones();
//   (*store)->PutZone("example.com.", files);          // new generation
//   (*store)->AppendChange("example.com.", entry);      // journal
//
// Thread safety: thread-compatible; the control side calls it under its
// own mutex (ControlState).
#ifndef STEERDNS_DNS_CONTROL_DATA_STORE_H_
#define STEERDNS_DNS_CONTROL_DATA_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dns::control {

// The folder name of a zone: its presentation form (lower case, trailing
// dot) with bytes other than [a-z0-9._-] as %XX; the root zone is "%2E".
std::string ZoneFolderName(std::string_view origin_text);

// One file of a zone as the API received it.
struct ZoneFile {
  std::string name;     // for messages and `sources` ("example.com.zone")
  std::string format;   // "master" or "route53"
  std::string content;
};

// One accepted change batch.
struct JournalEntry {
  uint64_t seq = 0;           // 1, 2, ... within a generation (set by the store)
  std::string id;             // "/change/C..."
  std::string submitted_at;   // RFC 3339
  std::string comment;
  std::string batch_json;     // the request body as accepted
  std::string path;           // where it is stored (set by the store)
};

// The SOA serial a zone was served with, and what data it was served for
// (serials.json; zones/serial.h). The same data (digest and the data's own
// serial) keeps the same serial across restarts.
struct ZoneSerial {
  uint32_t serial = 0;       // as served
  uint32_t data_serial = 0;  // the serial the data itself carries
  uint64_t digest = 0;       // zones::ContentDigest of the data

  friend bool operator==(const ZoneSerial&, const ZoneSerial&) = default;
};

// A zone as the data dir has it.
struct StoredZone {
  std::string origin;             // presentation form, e.g. "example.com."
  bool unloaded = false;          // a tombstone: keep the zone unloaded
  uint64_t generation = 0;
  std::vector<ZoneFile> files;    // empty for a tombstone
  std::vector<std::string> file_paths;  // parallel to files: stored where
  std::vector<JournalEntry> changes;    // in order
  std::string folder;                   // DIR/zones/<origin>
};

class DataStore {
 public:
  // Creates DIR and DIR/zones if needed (fsyncing their parents). Errors:
  // Internal naming the path.
  static absl::StatusOr<std::unique_ptr<DataStore>> Open(const std::string& dir);

  const std::string& dir() const { return dir_; }

  // Every zone folder with a manifest, sorted by origin. Removes temp files,
  // files of other generations and folders without a manifest (an
  // interrupted first write). Errors: DataLoss for a manifest or journal
  // entry that does not parse or a journal with a gap, naming the file;
  // Internal for I/O errors. Call once, before the Put*/Append* methods.
  absl::StatusOr<std::vector<StoredZone>> LoadZones();

  // Stores `files` as the zone's new generation and resets its journal.
  absl::Status PutZone(std::string_view origin_text, const std::vector<ZoneFile>& files);
  // Stores a tombstone (new generation, no files, empty journal).
  absl::Status PutTombstone(std::string_view origin_text);
  // Appends a change batch to the zone's journal; FailedPrecondition if the
  // zone has no loaded generation here (PutZone first). Sets entry->seq and
  // entry->path.
  absl::Status AppendChange(std::string_view origin_text, JournalEntry* entry);
  // True if the store has a loaded (not tombstoned) generation of the zone.
  bool HasZone(std::string_view origin_text) const;
  // Drops the zone's folder (its files, journal or tombstone): the zone
  // is no longer the data dir's. Removing manifest.json is the commit
  // point; a crash after it leaves a folder without a manifest, which
  // LoadZones removes. OK if the store has no folder for the zone.
  absl::Status DropZone(std::string_view origin_text);

  // DIR/serials.json: the SOA serial each zone was served with, by
  // presentation origin (empty if the file is absent). DataLoss naming the
  // file if it does not parse.
  absl::StatusOr<std::map<std::string, ZoneSerial>> LoadSerials() const;
  absl::Status PutSerials(const std::map<std::string, ZoneSerial>& serials);
  std::string serials_path() const { return dir_ + "/serials.json"; }

  // DIR/latency.csv, if present.
  absl::StatusOr<std::optional<std::string>> LoadLatency() const;
  absl::Status PutLatency(std::string_view csv);
  std::string latency_path() const { return dir_ + "/latency.csv"; }

  // DIR/health-checks.json (Route 53 JSON as PUT through the API), if
  // present.
  absl::StatusOr<std::optional<std::string>> LoadHealthChecks() const;
  absl::Status PutHealthChecks(std::string_view json);
  std::string health_checks_path() const { return dir_ + "/health-checks.json"; }

  // Region admin states other than "up": (name, "drain"|"down").
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> LoadRegionStates() const;
  absl::Status PutRegionStates(const std::vector<std::pair<std::string, std::string>>& states);

 private:
  struct ZoneMeta {
    uint64_t generation = 0;
    uint64_t next_seq = 1;
    bool loaded = false;
  };

  explicit DataStore(std::string dir) : dir_(std::move(dir)) {}
  std::string ZoneFolder(std::string_view origin_text) const;
  // Writes generation meta.generation+1 (files, then manifest), then
  // deletes what belonged to older generations.
  absl::Status PutGeneration(std::string_view origin_text, bool loaded,
                             const std::vector<ZoneFile>& files);

  std::string dir_;
  absl::flat_hash_map<std::string, ZoneMeta> meta_;  // by origin text
};

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_DATA_STORE_H_
