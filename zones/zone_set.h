// File: zones/zone_set.h
//
// The set of zones served at once, and the lookup inside one zone (RFC 1034
// §4.3.2 step 3: exact match, delegation, wildcard, or name error).
//
// Thread safety: immutable after construction; safe to read from any thread.
#ifndef STEERDNS_ZONES_ZONE_SET_H_
#define STEERDNS_ZONES_ZONE_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "dns/wire/name.h"
#include "zones/zone.h"

namespace zones {

// Zones keyed by origin. A child zone may be loaded beside its parent; the
// deepest zone containing a name owns it.
class ZoneSet {
 public:
  ZoneSet() = default;

  // Adds or replaces the zone with the same origin.
  void Put(std::shared_ptr<const Zone> zone);
  // Removes a zone; false if no zone has that origin.
  bool Remove(std::string_view origin_wire);

  // The deepest zone whose origin is `qname` or an ancestor of it, or
  // nullptr (the server is not authoritative: REFUSED). noexcept, no
  // allocation.
  const Zone* FindZone(const dns::Name& qname) const noexcept;
  // Exact origin match, or nullptr.
  const Zone* Get(std::string_view origin_wire) const;
  // The same, shared.
  std::shared_ptr<const Zone> GetShared(std::string_view origin_wire) const;

  // All zones, in no particular order.
  std::vector<std::shared_ptr<const Zone>> zones() const;
  size_t size() const { return by_origin_.size(); }

 private:
  // Rebuilds linear_ after a change.
  void Reindex();

  // Up to this many zones, FindZone() compares the qname's tail with each
  // origin (deepest first) instead of hashing each of its suffixes: a few
  // memcmp()s beat two or three string hashes and probes.
  static constexpr size_t kLinearZones = 8;

  absl::flat_hash_map<std::string, std::shared_ptr<const Zone>> by_origin_;
  int max_origin_labels_ = 0;  // deepest origin; skips hopeless probes
  // All zones, longest origin first, while there are <= kLinearZones of
  // them (empty otherwise). The pointers are owned by by_origin_.
  std::vector<const Zone*> linear_;
};

// Outcome of looking up a name inside its zone.
enum class LookupKind : uint8_t {
  kExact,     // node == the qname's node (may be an empty non-terminal)
  kWildcard,  // no node; node == the "*.<closest encloser>" that matches
  kReferral,  // qname is at or below a delegation; node == delegation node
  kNxDomain,  // no such name, no wildcard; node == closest encloser
  kDname,     // qname is below a DNAME owner (RFC 6672); node == that owner,
              // which has a DNAME RRset
};

// "exact", "wildcard", "referral", "nxdomain" (explain traces, tests).
const char* LookupKindName(LookupKind k);

struct LookupResult {
  LookupKind kind;
  const Node* node;
};

// Finds `qname` (which must be inside `zone`). A name at a delegation point
// is a referral, except for qtype DS, which the parent answers (RFC 4035
// §3.1.4.1). Empty non-terminals are kExact with an empty node (NODATA).
// A name with no node of its own whose closest encloser owns a DNAME is
// kDname (RFC 6672 §3.2 step 3c: before the wildcard); the DNAME owner
// itself is an ordinary kExact node. Names below a DNAME owner have no
// nodes in a valid zone (RFC 6672 §2.4: validation refuses them), so the
// closest encloser of such a name is the DNAME owner.
LookupResult Lookup(const Zone& zone, const dns::Name& qname,
                    uint16_t qtype) noexcept;

}  // namespace zones

#endif  // STEERDNS_ZONES_ZONE_SET_H_
