// File: zones/builder_internal.h
//
// What ZoneBuilder's two files share (builder.cc: collecting and compiling;
// builder_checks.cc: the validation rules). Internal to zones/, not an API.
#ifndef STEERDNS_ZONES_BUILDER_INTERNAL_H_
#define STEERDNS_ZONES_BUILDER_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire/types.h"
#include "zones/builder.h"

namespace zones {
namespace builder_internal {

// Most RRs one RRset can hold (RRset::count is 16 bits).
inline constexpr size_t kMaxRRsetCount = 0xffff;

// A type as errors name it: "A", "TYPE65280".
std::string TypeText(uint16_t type);

// Big-endian stores into pre-encoded RRs.
inline void PutU16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}
inline void PutU32(char* p, uint32_t v) {
  PutU16(p, static_cast<uint16_t>(v >> 16));
  PutU16(p + 2, static_cast<uint16_t>(v));
}

// Encodes `n` RRs of one RRset into `rs`: TYPE CLASS TTL RDLENGTH RDATA
// each, with RDATA rdata_at(0..n-1). The one encoder of static RRsets,
// routed members and what the online signer adds (zone_signatures.cc).
template <typename RdataAt>
void EncodeRRset(uint16_t type, uint32_t ttl, uint32_t n, const RdataAt& rdata_at, RRset* rs) {
  constexpr size_t kFixed = 10;  // TYPE CLASS TTL RDLENGTH
  size_t bytes = 0;
  for (uint32_t k = 0; k < n; ++k) bytes += kFixed + rdata_at(k).size();
  rs->type = type;
  rs->ttl = ttl;
  rs->count = static_cast<uint16_t>(n);
  rs->names = RdataNamesFor(type);
  rs->wire.reserve(bytes);
  rs->rr_offsets.reserve(n);
  char fixed[kFixed];
  PutU16(fixed, type);
  PutU16(fixed + 2, dns::rrclass::kIN);
  PutU32(fixed + 4, ttl);
  for (uint32_t k = 0; k < n; ++k) {
    const std::string_view rdata = rdata_at(k);
    rs->rr_offsets.push_back(static_cast<uint32_t>(rs->wire.size()));
    PutU16(fixed + 8, static_cast<uint16_t>(rdata.size()));
    rs->wire.append(fixed, kFixed);
    rs->wire.append(rdata);
  }
}

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
