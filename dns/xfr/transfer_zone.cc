// File: dns/xfr/transfer_zone.cc
#include "dns/xfr/transfer_zone.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "dns/answer/online_signing.h"
#include "zones/zone_signatures.h"

namespace dns::xfr {
namespace {

constexpr uint16_t kSoa = 6;

uint32_t SerialOfSoaRdata(const std::string& rdata) {
  // MNAME, RNAME (uncompressed wire names), then SERIAL.
  size_t pos = 0;
  for (int name = 0; name < 2; ++name) {
    while (pos < rdata.size() && rdata[pos] != 0) pos += 1 + static_cast<uint8_t>(rdata[pos]);
    ++pos;
  }
  if (pos + 4 > rdata.size()) return 0;
  const auto* p = reinterpret_cast<const uint8_t*>(rdata.data() + pos);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// The RRsets of one node as transferred, by type.
std::vector<const zones::RRset*> NodeRrsets(const zones::Node& node, bool apex) {
  std::vector<const zones::RRset*> out;
  for (const zones::RRset& r : node.rrsets) {
    if (apex && r.type == kSoa) continue;
    if (r.count == 0) continue;
    out.push_back(&r);
  }
  for (const zones::RoutedGroup& g : node.routed) {
    const zones::RoutedMember* m = zones::DefaultMember(g);
    if (m != nullptr && m->rrset.count > 0) out.push_back(&m->rrset);
  }
  return out;
}

void AppendRrs(std::string_view owner, const zones::RRset& r, std::vector<WireRr>* out) {
  for (size_t i = 0; i < r.count; ++i) {
    out->push_back(WireRr{std::string(owner), r.type, r.rr_ttl(i), std::string(r.rdata(i))});
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<const zones::Zone>> TransferZoneOf(const Snapshot& snapshot,
                                                                  const zones::Zone& zone) {
  const ZoneSigning* signing = snapshot.SigningOf(zone);
  if (signing == nullptr && zone.dnssec() == nullptr) {
    std::shared_ptr<const zones::Zone> shared = snapshot.zones.GetShared(zone.origin());
    if (shared != nullptr) return shared;
  }
  return SignedZoneForExport(zone, signing);
}

void ForEachTransferRrset(
    const zones::Zone& zone,
    const std::function<void(std::string_view owner, const zones::RRset& rrset)>& fn) {
  for (size_t i = 0; i < zone.node_count(); ++i) {
    const zones::Node& node = zone.node(static_cast<uint32_t>(i));
    for (const zones::RRset* r : NodeRrsets(node, i == 0)) fn(node.owner, *r);
  }
}

size_t TransferRecordCount(const zones::Zone& zone) {
  size_t n = 2;
  ForEachTransferRrset(zone, [&](std::string_view, const zones::RRset& r) { n += r.count; });
  return n;
}

uint32_t ZoneDiff::from_serial() const { return SerialOfSoaRdata(old_soa.rdata); }
uint32_t ZoneDiff::to_serial() const { return SerialOfSoaRdata(new_soa.rdata); }

WireRr SoaOf(const zones::Zone& zone) {
  const zones::RRset& soa = zone.soa();
  return WireRr{zone.origin(), kSoa, soa.rr_ttl(0), std::string(soa.rdata(0))};
}

ZoneDiff DiffZones(const zones::Zone& before, const zones::Zone& after) {
  ZoneDiff d;
  d.old_soa = SoaOf(before);
  d.new_soa = SoaOf(after);
  // One side's RRsets of a node against the other's.
  auto compare = [](std::string_view owner, const std::vector<const zones::RRset*>& mine,
                    const std::vector<const zones::RRset*>& theirs, std::vector<WireRr>* only_mine) {
    for (const zones::RRset* r : mine) {
      const zones::RRset* other = nullptr;
      for (const zones::RRset* t : theirs) {
        if (t->type == r->type) other = t;
      }
      if (other == nullptr) {
        AppendRrs(owner, *r, only_mine);
        continue;
      }
      if (other->wire == r->wire && other->ttl == r->ttl) continue;  // the same RRs
      absl::flat_hash_set<std::pair<std::string_view, uint32_t>> present;
      for (size_t i = 0; i < other->count; ++i) present.insert({other->rdata(i), other->rr_ttl(i)});
      for (size_t i = 0; i < r->count; ++i) {
        if (present.contains(std::make_pair(r->rdata(i), r->rr_ttl(i)))) continue;
        only_mine->push_back(
            WireRr{std::string(owner), r->type, r->rr_ttl(i), std::string(r->rdata(i))});
      }
    }
  };
  static const std::vector<const zones::RRset*> kNone;
  for (size_t i = 0; i < before.node_count(); ++i) {
    const zones::Node& node = before.node(static_cast<uint32_t>(i));
    const zones::Node* other = after.Find(node.owner);
    const std::vector<const zones::RRset*> mine = NodeRrsets(node, i == 0);
    if (other == nullptr) {
      compare(node.owner, mine, kNone, &d.deleted);
    } else {
      compare(node.owner, mine, NodeRrsets(*other, other == &after.apex()), &d.deleted);
    }
  }
  for (size_t i = 0; i < after.node_count(); ++i) {
    const zones::Node& node = after.node(static_cast<uint32_t>(i));
    const zones::Node* other = before.Find(node.owner);
    const std::vector<const zones::RRset*> mine = NodeRrsets(node, i == 0);
    if (other == nullptr) {
      compare(node.owner, mine, kNone, &d.added);
    } else {
      compare(node.owner, mine, NodeRrsets(*other, other == &before.apex()), &d.added);
    }
  }
  return d;
}

}  // namespace dns::xfr
