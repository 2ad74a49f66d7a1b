// File: zones/builder_internal.h
//
// What ZoneBuilder's two files share (builder.cc: collecting and compiling;
// builder_checks.cc: the validation rules). Internal to zones/, not an API.
#ifndef STEERDNS_ZONES_BUILDER_INTERNAL_H_
#define STEERDNS_ZONES_BUILDER_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "zones/builder.h"

namespace zones {
namespace builder_internal {

// Most RRs one RRset can hold (RRset::count is 16 bits).
inline constexpr size_t kMaxRRsetCount = 0xffff;

// A type as errors name it: "A", "TYPE65280".
std::string TypeText(uint16_t type);

}  // namespace builder_internal

// Build()'s static RRs grouped by owner: owner o's RRs are rrs_[perm[k]] for
// k in [begin[o], begin[o + 1]), in file order, and after
// SortAndDropDuplicates sorted by (type, file order) without duplicates;
// names[o] is owner o's wire name.
struct ZoneBuilder::OwnerIndex {
  std::vector<uint32_t> begin;
  std::vector<uint32_t> perm;
  std::vector<const std::string*> names;
  uint32_t apex = 0;  // the apex's owner id; names.size() if it has no RR

  uint32_t owners() const { return static_cast<uint32_t>(names.size()); }
  // The end of the run of one type (an RRset once sorted) that starts at
  // perm[r], at most `e`.
  uint32_t RRsetEnd(const std::vector<PendingRR>& rrs, uint32_t r,
                    uint32_t e) const {
    uint32_t re = r + 1;
    while (re < e && rrs[perm[re]].type == rrs[perm[r]].type) ++re;
    return re;
  }
};

}  // namespace zones

#endif  // STEERDNS_ZONES_BUILDER_INTERNAL_H_
