// File: zones/builder.h
//
// ZoneBuilder collects RRs for one origin, then Build() validates them and
// freezes an immutable Zone. Errors read "file:line: what is wrong".
//
// Validation (Build):
//  - exactly one SOA RR, at the apex; an NS RRset at the apex;
//  - no data outside the zone (checked already by Add);
//  - class IN only;
//  - no CNAME beside other data at the same owner, at most one CNAME RR;
//  - for every delegation (NS below the apex), every NS target at or below
//    that delegation has glue (an A or AAAA RRset at the target);
//  - RRs of one RRset with different TTLs take the first TTL (RFC 2181
//    §5.2 says they must not differ; like BIND we keep serving, and warn).
//  - duplicate RRs (same owner, type, RDATA) are dropped silently.
//
// Example:
//   zones::ZoneBuilder b(origin_wire);
//   int file = b.AddSource("example.com.zone");
//   RETURN_IF_ERROR(b.Add(owner, type, ttl, rdata, {file, line}));
//   absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = std::move(b).Build();
//
// Not thread-safe; Build() may run on any thread (the control thread).
#ifndef STEERDNS_ZONES_BUILDER_H_
#define STEERDNS_ZONES_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "zones/zone.h"

namespace zones {

// Where an RR came from, for error messages.
struct SourceLocation {
  int file = -1;  // index returned by AddSource, -1 = unknown
  int line = 0;   // 1-based; 0 = unknown
};

class ZoneBuilder {
 public:
  // `origin_wire`: lower-cased wire form of the zone apex.
  explicit ZoneBuilder(std::string origin_wire);

  const std::string& origin() const { return origin_; }

  // Registers a source file name; returns its index for SourceLocation.
  int AddSource(std::string path);

  // Formats the "file:line" prefix of a "file:line: message" for a
  // location ("file" alone when the line is unknown).
  std::string Where(SourceLocation loc) const;

  // Adds one RR (class IN). `owner_wire` must be lower-cased wire form;
  // `rdata` is the RDATA in uncompressed wire form (names inside it are
  // lower-cased here). Fails with InvalidArgument "file:line: ..." if the
  // owner is outside the zone, the class is not IN or the RDATA does not
  // match the type's layout (e.g. an A record of length != 4).
  absl::Status Add(std::string_view owner_wire, uint16_t type,
                   uint16_t rclass, uint32_t ttl, std::string_view rdata,
                   SourceLocation loc);

  // Non-fatal findings so far (e.g. TTL mismatch inside an RRset),
  // each "file:line: message".
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Validates and compiles. On error returns InvalidArgument whose message
  // is "file:line: what is wrong" (the first problem found, in file order).
  absl::StatusOr<std::shared_ptr<const Zone>> Build() &&;

 private:
  // One RR as added; RDATA lives in rdata_ (one arena, no per-RR string).
  struct PendingRR {
    uint32_t owner;      // owner id: value in owners_
    uint32_t ttl;
    uint32_t rdata_off;  // offset in rdata_
    uint16_t rdata_len;
    uint16_t type;
    SourceLocation loc;
  };

  std::string origin_;
  std::vector<std::string> sources_;
  // owner wire -> owner id (dense, first-seen order). Build() turns this map
  // into the Zone's index, so owner names are not copied once more.
  absl::flat_hash_map<std::string, uint32_t> owners_;
  // (owner id << 16 | type) -> TTL of the RRset's first RR.
  absl::flat_hash_map<uint64_t, uint32_t> rrset_ttl_;
  std::vector<PendingRR> rrs_;  // in Add() order ("file order")
  std::string rdata_;           // all RDATA, lower-cased names
  std::vector<std::string> warnings_;
};

}  // namespace zones

#endif  // STEERDNS_ZONES_BUILDER_H_
