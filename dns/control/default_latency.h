// File: dns/control/default_latency.h
//
// DefaultLatency: the default latency table (--default-latency, built by
// geo/build/location_table.h), used when latency record sets exist and no
// other table is given. It is loaded the first time latency record sets
// need it, ranking only the regions they name, and loaded again (ranking
// those plus the new ones, never fewer) when a region it does not rank
// comes into use, or when its file changes (SIGHUP, after the build
// rewrote it). A table that does not load is said once per set of
// regions, and routing goes on with the table it had (or none).
//
// Lines to log (the loader's one line about the table, failures) are
// appended to `notes`, for the caller to log.
//
// Example:
//   DefaultLatency def(config.default_latency);
//   std::vector<std::string> notes;
//   std::shared_ptr<const geo::LatencyTable> t =
//       def.For({"eu-west-1", "us-east-1"}, registry.get(), &notes);
//
// Thread safety: thread-compatible (ControlState calls it under its mutex).
#ifndef STEERDNS_DNS_CONTROL_DEFAULT_LATENCY_H_
#define STEERDNS_DNS_CONTROL_DEFAULT_LATENCY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "dns/control/file_stamp.h"
#include "geo/latency_table.h"
#include "geo/regions.h"

namespace dns::control {

class DefaultLatency {
 public:
  // `path`: the --default-latency file ("" or "off": no default table).
  explicit DefaultLatency(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  // The table last loaded (null until one loads).
  const std::shared_ptr<const geo::LatencyTable>& table() const { return table_; }
  // The regions it ranks, sorted.
  const std::vector<std::string>& regions() const { return regions_; }
  // Tables ranked so far (each a second or so for the built-in file): one
  // at first use, one per new region coming into use, one per file change.
  uint64_t rankings() const { return rankings_; }

  // The default table for latency record sets naming `in_use` (sorted,
  // each once, not empty): the loaded one if it ranks them all, else one
  // loaded now ranking them too. On a load error the old table (maybe
  // null) stays, and "default latency table not loaded: ..." is noted,
  // once for each `in_use` in a row.
  std::shared_ptr<const geo::LatencyTable> For(const std::vector<std::string>& in_use,
                                               const geo::RegionRegistry* registry,
                                               std::vector<std::string>* notes);

  // Loads the table ranking `regions` plus those it ranks already; notes
  // the loader's line. On error keeps the old table. OK without loading
  // anything when the default is off or the built-in file is missing.
  absl::Status Load(const std::vector<std::string>& regions, const geo::RegionRegistry* registry,
                    std::vector<std::string>* notes);

  // True when a table is loaded and its file changed since (stat).
  bool FileChanged() const;

 private:
  const std::string path_;
  std::shared_ptr<const geo::LatencyTable> table_;
  FileStamp stamp_;                    // its file when loaded
  std::vector<std::string> regions_;  // sorted
  std::vector<std::string> failed_for_;
  uint64_t rankings_ = 0;
};

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_DEFAULT_LATENCY_H_
