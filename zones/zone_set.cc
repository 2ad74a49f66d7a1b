// File: zones/zone_set.cc
//
// Zone selection (deepest origin wins) and the in-zone lookup of RFC 1034
// §4.3.2 step 3 (with RFC 6672's DNAME step). Both run on the query path:
// no allocation, no locks.
#include "zones/zone_set.h"

#include <algorithm>
#include <utility>

#include "absl/strings/string_view.h"
#include "base/string_view.h"
#include "dns/wire/types.h"

namespace zones {

using base::AV;

void ZoneSet::Put(std::shared_ptr<const Zone> zone) {
  std::string origin = zone->origin();
  max_origin_labels_ =
      std::max(max_origin_labels_, dns::NameLabelCount(origin));
  by_origin_.insert_or_assign(std::move(origin), std::move(zone));
  Reindex();
}

void ZoneSet::Reindex() {
  linear_.clear();
  if (by_origin_.size() > kLinearZones) return;
  for (const auto& [origin, zone] : by_origin_) linear_.push_back(zone.get());
  // Of the origins that contain a name, the longest is the deepest.
  std::sort(linear_.begin(), linear_.end(), [](const Zone* a, const Zone* b) {
    return a->origin().size() > b->origin().size();
  });
}

bool ZoneSet::Remove(std::string_view origin_wire) {
  auto it = by_origin_.find(AV(origin_wire));
  if (it == by_origin_.end()) return false;
  by_origin_.erase(it);
  max_origin_labels_ = 0;
  for (const auto& [origin, zone] : by_origin_) {
    max_origin_labels_ =
        std::max(max_origin_labels_, dns::NameLabelCount(origin));
  }
  Reindex();
  return true;
}

const Zone* ZoneSet::FindZone(const dns::Name& qname) const noexcept {
  if (by_origin_.size() <= kLinearZones) {
    for (const Zone* zone : linear_)
      if (qname.IsSubdomainOf(zone->origin())) return zone;
    return nullptr;
  }
  const int labels = qname.label_count();
  // Suffix(i) has labels - i labels; no origin is deeper than
  // max_origin_labels_, so start there.
  for (int i = std::max(0, labels - max_origin_labels_); i <= labels; ++i) {
    auto it = by_origin_.find(AV(qname.Suffix(i)));
    if (it != by_origin_.end()) return it->second.get();
  }
  return nullptr;
}

const Zone* ZoneSet::Get(std::string_view origin_wire) const {
  auto it = by_origin_.find(AV(origin_wire));
  return it == by_origin_.end() ? nullptr : it->second.get();
}

std::shared_ptr<const Zone> ZoneSet::GetShared(std::string_view origin_wire) const {
  auto it = by_origin_.find(AV(origin_wire));
  return it == by_origin_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Zone>> ZoneSet::zones() const {
  std::vector<std::shared_ptr<const Zone>> out;
  out.reserve(by_origin_.size());
  for (const auto& [origin, zone] : by_origin_) out.push_back(zone);
  return out;
}

namespace {

// Whether `node` has a DNAME RRset. RRsets are sorted by type, so the scan
// runs from the last one down and stops below DNAME: a node whose types
// are all below 39 (SOA, NS, MX, TXT, AAAA, ...) costs one comparison.
inline bool HasDname(const Node& node) {
  for (auto it = node.rrsets.rbegin(); it != node.rrsets.rend(); ++it) {
    if (it->type <= dns::rrtype::kDNAME) return it->type == dns::rrtype::kDNAME;
  }
  return false;
}

// The part of Lookup for a name without a node of its own: the closest
// encloser and what it says. (Kept inline: out of line, the call cost the
// NXDOMAIN and wildcard paths more than it saved the exact match.)
inline LookupResult LookupClosestEncloser(const Zone& zone,
                                          const dns::Name& qname) noexcept {
  // Every name between an owner and the apex is a node, so the first
  // existing ancestor is the closest encloser (RFC 4592 §3.3.1).
  const int labels = qname.label_count();
  for (int i = 1; i <= labels; ++i) {
    const Node* ce = zone.Find(qname.Suffix(i));
    if (ce == nullptr) continue;
    if (ce->cut != kNoNode) {
      if (ce->cut == kNsec3Owner) continue;  // not a name of the zone
      return {LookupKind::kReferral, &zone.node(ce->cut)};
    }
    // RFC 6672 §3.2 step 3c: a DNAME at the closest encloser comes before
    // the wildcard.
    if (HasDname(*ce)) return {LookupKind::kDname, ce};
    if (ce->wildcard_child != kNoNode) {
      return {LookupKind::kWildcard, &zone.node(ce->wildcard_child)};
    }
    return {LookupKind::kNxDomain, ce};
  }
  // Not inside the zone at all (a caller bug); treat as no such name.
  return {LookupKind::kNxDomain, &zone.apex()};
}

// An NSEC3 owner's name looked up: as if it had no node. Out of line:
// keeps the exact-match path as it was.
[[gnu::noinline]] LookupResult LookupNotAName(const Zone& zone, const dns::Name& qname) noexcept {
  return LookupClosestEncloser(zone, qname);
}

}  // namespace

LookupResult Lookup(const Zone& zone, const dns::Name& qname,
                    uint16_t qtype) noexcept {
  const Node* const base = &zone.node(0);
  if (const Node* node = zone.Find(qname.wire())) {
    if (node->cut == kNoNode) return {LookupKind::kExact, node};
    // An NSEC3 owner is no name of the zone (RFC 5155 §7.2.8): NXDOMAIN
    // (or a wildcard) from its closest encloser, the apex, as NSD answers.
    if (node->cut == kNsec3Owner) [[unlikely]]
      return LookupNotAName(zone, qname);
    // At or below a zone cut. DS exactly at the (topmost) cut belongs to
    // this side of the cut (RFC 4035 §3.1.4.1).
    if (qtype == dns::rrtype::kDS &&
        node->cut == static_cast<uint32_t>(node - base)) {
      return {LookupKind::kExact, node};
    }
    return {LookupKind::kReferral, &zone.node(node->cut)};
  }
  return LookupClosestEncloser(zone, qname);
}

const char* LookupKindName(LookupKind k) {
  static constexpr const char* kNames[] = {"exact", "wildcard", "referral", "nxdomain", "dname"};
  const auto i = static_cast<size_t>(k);  // by LookupKind
  return i < std::size(kNames) ? kNames[i] : "?";
}

}  // namespace zones
