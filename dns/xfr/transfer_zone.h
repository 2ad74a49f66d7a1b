// File: dns/xfr/transfer_zone.h
//
// What a zone transfer carries, and the difference of two versions (IXFR).
//
// A zone is transferred as a third-party secondary must serve it: every
// static RRset (glue and delegation NS included) and, for each routed
// record set, the records of its fail-open default member
// (zones::DefaultMember: the failover PRIMARY, else the first member — what
// a client no latency-table row matches gets). Alias groups are left out:
// their records are another name's, which a secondary cannot follow. A zone
// signed here is transferred signed (dns::SignedZoneForExport: RRSIGs
// inline, an NSEC chain for online-signed zones).
//
// Example:
//   std::shared_ptr<const zones::Zone> z = TransferZoneOf(snapshot, *zone);
//   ForEachTransferRrset(*z, [&](std::string_view owner, const zones::RRset& rrset) {...});
//   ZoneDiff d = DiffZones(*old_version, *z);
//
// Thread safety: pure functions over immutable zones.
#ifndef STEERDNS_DNS_XFR_TRANSFER_ZONE_H_
#define STEERDNS_DNS_XFR_TRANSFER_ZONE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dns/answer/snapshot.h"
#include "zones/zone.h"

namespace dns::xfr {

// The zone as transferred: `zone` itself, or its signed form when the
// snapshot signed it here or it is pre-signed. Errors (signing) name the
// zone.
absl::StatusOr<std::shared_ptr<const zones::Zone>> TransferZoneOf(const Snapshot& snapshot,
                                                                  const zones::Zone& zone);

// Calls fn(owner_wire, rrset) for every RRset a transfer carries but the
// apex SOA, in node order (static RRsets, then routed groups flattened).
void ForEachTransferRrset(
    const zones::Zone& zone,
    const std::function<void(std::string_view owner, const zones::RRset& rrset)>& fn);

// The number of RRs a transfer of `zone` carries, the two SOAs included.
size_t TransferRecordCount(const zones::Zone& zone);

// One resource record, uncompressed wire parts.
struct WireRr {
  std::string owner;  // lower-cased wire
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::string rdata;

  friend bool operator==(const WireRr&, const WireRr&) = default;
};

// From one version of a zone to the next (RFC 1995 §4: delete the old
// SOA and `deleted`, add the new SOA and `added`).
struct ZoneDiff {
  WireRr old_soa;
  WireRr new_soa;
  std::vector<WireRr> deleted;
  std::vector<WireRr> added;

  uint32_t from_serial() const;
  uint32_t to_serial() const;
  size_t size() const { return deleted.size() + added.size() + 2; }
};

// The difference between two transferred versions of one zone: per owner
// and type, the RRs of `before` not in `after` and the reverse (a TTL
// change deletes and adds the RRset's RRs). SOAs are the two versions'.
ZoneDiff DiffZones(const zones::Zone& before, const zones::Zone& after);

// The SOA RR of `zone`.
WireRr SoaOf(const zones::Zone& zone);

}  // namespace dns::xfr

#endif  // STEERDNS_DNS_XFR_TRANSFER_ZONE_H_
