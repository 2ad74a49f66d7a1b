#include "dns/control/default_latency.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "geo/build/location_table.h"

namespace dns::control {

std::shared_ptr<const geo::LatencyTable> DefaultLatency::For(
    const std::vector<std::string>& in_use, const geo::RegionRegistry* registry,
    std::vector<std::string>* notes) {
  if (table_ != nullptr &&
      std::includes(regions_.begin(), regions_.end(), in_use.begin(), in_use.end())) {
    return table_;
  }
  if (in_use == failed_for_) return table_;  // said once already
  absl::Status st = Load(in_use, registry, notes);
  if (!st.ok()) {
    failed_for_ = in_use;
    notes->push_back(absl::StrCat("default latency table not loaded: ", st.message()));
  }
  return table_;
}

absl::Status DefaultLatency::Load(const std::vector<std::string>& regions,
                                  const geo::RegionRegistry* registry,
                                  std::vector<std::string>* notes) {
  std::vector<std::string> rank;
  std::set_union(regions_.begin(), regions_.end(), regions.begin(), regions.end(),
                 std::back_inserter(rank));
  std::string note;
  const FileStamp stamp = StampFile(path_);
  absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
      geo::LoadDefaultLatencyTable(path_, registry, &note, rank);
  if (!note.empty()) notes->push_back(note);  // the one line about the table
  if (!table.ok()) return table.status();
  if (*table == nullptr) return absl::OkStatus();  // off, or the built-in one is missing
  table_ = *std::move(table);
  ++rankings_;
  stamp_ = stamp;
  regions_ = std::move(rank);
  return absl::OkStatus();
}

bool DefaultLatency::FileChanged() const {
  return table_ != nullptr && !StampFile(path_).Same(stamp_);
}

}  // namespace dns::control
