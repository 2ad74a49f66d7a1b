// File: geo/regions.h
//
// Regions: the stable ids that admin state is kept under, and the region
// registry (name -> id and coordinates) loaded from `--regions`.
//
//   AdminStates     process lifetime; one std::atomic<uint8_t> per region
//                   (up / drain / down) and the name -> RegionId map. Ids are
//                   handed out on first sight of a name and never change or
//                   get reused, so a reload (new RegionRegistry, new
//                   snapshot) keeps every region's admin state.
//   RegionRegistry  immutable data from a CSV: which regions exist and where
//                   they are. Its regions carry ids from AdminStates.
//
// The snapshot builder (dns/answer) resolves each routed member's region
// name to a RegionId once; the query path then reads AdminStates::Get(id).
//
// Example:
//   geo::AdminStates admin;                        // lives as long as the server
//   auto reg = geo::RegionRegistry::LoadCsv(geo::DefaultRegionsPath(), admin);
//   const geo::Region* r = (*reg)->Find("eu-west-1");
//   admin.Set(r->id, geo::AdminState::kDrain);     // control thread
//   bool up = admin.Get(r->id) == geo::AdminState::kUp;   // any worker
//
// Regions CSV: header-driven. The header must have a `region` column, a
// `latitude` or `lat` column and a `longitude` or `lon` column, in any order;
// other columns are ignored (so the project's data/aws_regions.csv and the
// richer shared/data/latency/aws_regions.csv both load). A row with both
// coordinates empty is a region without a location (AWS GovCloud publishes
// none); one empty and one set is an error. Errors read "file:line: ...".
//
// Thread safety: AdminStates::Get/Set are lock-free (relaxed atomics) and
// may be called from any thread; IdFor/Find/Name/List take an internal mutex
// (control side only, never on the query path). RegionRegistry is immutable
// after loading and safe to share.
#ifndef STEERDNS_GEO_REGIONS_H_
#define STEERDNS_GEO_REGIONS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace geo {

// A region's process-wide id (index into AdminStates).
using RegionId = uint32_t;
// "No region": a member without a region, or a name nobody registered.
inline constexpr RegionId kNoRegion = 0xFFFFFFFFu;

// Operator state of a region. kDrain: no new answers; kDown: out of
// service. Both make the region's members count as unhealthy.
enum class AdminState : uint8_t { kUp = 0, kDrain = 1, kDown = 2 };

// "up", "drain", "down".
std::string_view AdminStateName(AdminState s);
// Inverse of AdminStateName ("drained" is accepted for kDrain).
std::optional<AdminState> ParseAdminState(std::string_view s);

class AdminStates {
 public:
  // At most this many distinct region names per process by default (AWS has
  // ~40 regions; 1024 leaves room for other clouds and test names).
  static constexpr size_t kDefaultCapacity = 1024;

  explicit AdminStates(size_t capacity = kDefaultCapacity);
  AdminStates(const AdminStates&) = delete;
  AdminStates& operator=(const AdminStates&) = delete;

  // The id of `name`, assigning the next free one on first sight (state
  // kUp). Stable for the life of this object. InvalidArgument for an empty
  // name; ResourceExhausted when capacity() names are registered.
  absl::StatusOr<RegionId> IdFor(std::string_view name);
  // The id of `name` if it was ever registered.
  std::optional<RegionId> Find(std::string_view name) const;
  // The name of `id` ("" for kNoRegion or an unassigned id).
  std::string Name(RegionId id) const;
  // Every registered region with its state, in id order.
  std::vector<std::pair<std::string, AdminState>> List() const;

  // Query path: relaxed load. kNoRegion or an out-of-range id reads kUp.
  AdminState Get(RegionId id) const noexcept {
    if (id >= capacity_) return AdminState::kUp;
    return static_cast<AdminState>(states_[id].load(std::memory_order_relaxed));
  }
  // Relaxed store; ignored for kNoRegion or an out-of-range id.
  void Set(RegionId id, AdminState s) noexcept {
    if (id < capacity_) {
      states_[id].store(static_cast<uint8_t>(s), std::memory_order_relaxed);
    }
  }

  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  std::unique_ptr<std::atomic<uint8_t>[]> states_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, RegionId> ids_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> names_ ABSL_GUARDED_BY(mu_);
};

// One region of the registry.
struct Region {
  std::string name;
  RegionId id = kNoRegion;    // from AdminStates
  bool has_location = false;  // false: coordinates unknown (e.g. GovCloud)
  double latitude = 0;        // WGS84 degrees, -90..90
  double longitude = 0;       // WGS84 degrees, -180..180
  int line = 0;               // line in the source file
};

class RegionRegistry {
 public:
  // Loads a regions CSV (see the file comment for the format). Every region
  // gets its id from `ids` (registering new names there). Errors:
  // NotFound for a missing file, InvalidArgument "file:line: ..." for a
  // missing column, a bad or out-of-range coordinate, half a location, a
  // wrong field count, an empty or duplicate region name.
  static absl::StatusOr<std::shared_ptr<const RegionRegistry>> LoadCsv(
      const std::string& path, AdminStates& ids);
  // The same for CSV text; `source` names it in errors.
  static absl::StatusOr<std::shared_ptr<const RegionRegistry>> ParseCsv(
      std::string_view text, std::string_view source, AdminStates& ids);

  // The region called `name`, or nullptr.
  const Region* Find(std::string_view name) const;
  // The one check of a region name that an input names (a latency table
  // row, a Route 53 record set's Region, a change batch, a measured RTT):
  // OK if the registry has it, else InvalidArgument with
  // UnknownRegionMessage(name). Every caller words the error this way.
  absl::Status CheckName(std::string_view name) const;
  // "unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)" with the
  // closest name by edit distance when one is close (at most 2 edits, or a
  // quarter of the name; a case-only difference says "region names are
  // case-sensitive"), else "unknown region 'mars' (not in SOURCE)".
  std::string UnknownRegionMessage(std::string_view name) const;
  // The region with id `id`, or nullptr if not in this registry.
  const Region* Get(RegionId id) const;
  // All regions, in file order.
  absl::Span<const Region> regions() const { return regions_; }
  size_t size() const { return regions_.size(); }
  const std::string& source() const { return source_; }

 private:
  RegionRegistry() = default;
  std::string source_;
  std::vector<Region> regions_;
  absl::flat_hash_map<std::string, size_t> by_name_;
  absl::flat_hash_map<RegionId, size_t> by_id_;
};

// The project's default region list (AWS regions with coordinates),
// relative to the source tree root.
inline constexpr char kDefaultRegionsFile[] = "data/aws_regions.csv";

// Absolute path of kDefaultRegionsFile in the source tree this library was
// built from (e.g. "/work/main/data/aws_regions.csv"): what `--regions`
// defaults to.
const char* DefaultRegionsPath();

}  // namespace geo

#endif  // STEERDNS_GEO_REGIONS_H_
