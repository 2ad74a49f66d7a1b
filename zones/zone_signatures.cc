#include "zones/zone_signatures.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "dns/wire/types.h"
#include "zones/builder_internal.h"

namespace zones {
namespace {

constexpr size_t kRRFixedSize = 10;  // TYPE CLASS TTL RDLENGTH

// Puts `set` among `node`'s RRsets (kept sorted by type), replacing one of
// its type.
void PutRRset(Node* node, RRset set) {
  auto it = std::lower_bound(node->rrsets.begin(), node->rrsets.end(), set.type,
                             [](const RRset& a, uint16_t t) { return a.type < t; });
  if (it != node->rrsets.end() && it->type == set.type) {
    *it = std::move(set);
  } else {
    node->rrsets.insert(it, std::move(set));
  }
}

// The NSEC of `owner` (types: `types` + RRSIG + NSEC) made by `make_nsec`,
// its RRSIGs filed in `dnssec->signatures`.
absl::StatusOr<RRset> SignedNsec(MakeNsecFn make_nsec, std::string_view owner,
                                 std::string_view next, std::vector<uint16_t>& types,
                                 uint32_t ttl, ZoneDnssec* dnssec) {
  types.push_back(dns::rrtype::kRRSIG);
  types.push_back(dns::rrtype::kNSEC);
  std::string rdata;
  std::vector<std::string> sigs;
  if (absl::Status s = make_nsec(owner, next, types, ttl, &rdata, &sigs); !s.ok()) return s;
  RRset nsec = MakeRRset(dns::rrtype::kNSEC, ttl, absl::MakeConstSpan(&rdata, 1));
  nsec.names = RdataNames::kOther;
  if (!sigs.empty()) {
    RRset rrsigs = MakeRRset(dns::rrtype::kRRSIG, ttl, sigs);
    rrsigs.names = RdataNames::kOther;
    nsec.sigs = static_cast<uint32_t>(dnssec->signatures.size());
    dnssec->signatures.push_back(std::move(rrsigs));
  }
  return nsec;
}

}  // namespace

const RoutedMember* DefaultMember(const RoutedGroup& group) {
  const RoutedMember* pick = nullptr;
  for (const RoutedMember& m : group.members) {
    if (group.policy == RoutingPolicy::kFailover && m.failover == FailoverRole::kPrimary) {
      pick = &m;
      break;
    }
    if (pick == nullptr) pick = &m;
  }
  return pick == nullptr || pick->is_alias() ? nullptr : pick;
}

absl::StatusOr<std::shared_ptr<const Zone>> MaterializeSignatures(const Zone& zone,
                                                                  MakeNsecFn make_nsec) {
  std::shared_ptr<Zone> out(new Zone(zone));
  auto dnssec = zone.dnssec_ != nullptr ? std::make_shared<ZoneDnssec>(*zone.dnssec_)
                                        : std::make_shared<ZoneDnssec>();
  const bool chain = dnssec->online;
  std::vector<Node>& nodes = out->nodes_;
  // Routed groups: their default member's records, as static RRsets.
  for (Node& node : nodes) {
    for (const RoutedGroup& group : node.routed) {
      const RoutedMember* m = DefaultMember(group);
      if (m == nullptr || m->rrset.count == 0) continue;
      out->record_count_ += m->rrset.count;
      PutRRset(&node, m->rrset);
    }
    node.routed.clear();
    node.flags &= static_cast<uint16_t>(~node_flag::kRouted);
  }
  // The NSEC chain of an online-signed zone.
  if (chain) {
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < nodes.size(); ++i) {
      const Node& n = nodes[i];
      if (n.rrsets.empty() || n.cut == kNsec3Owner || (n.flags & node_flag::kBelowCut)) continue;
      order.push_back(i);
    }
    std::sort(order.begin(), order.end(), [&nodes](uint32_t a, uint32_t b) {
      return CanonicalNameCompare(nodes[a].owner, nodes[b].owner) < 0;
    });
    const uint32_t ttl = out->negative_ttl();
    std::vector<uint16_t> types;
    for (size_t k = 0; k < order.size(); ++k) {
      Node& node = nodes[order[k]];
      types.clear();
      for (const RRset& set : node.rrsets) types.push_back(set.type);
      const std::string& next = nodes[order[(k + 1) % order.size()]].owner;
      absl::StatusOr<RRset> nsec = SignedNsec(make_nsec, node.owner, next, types, ttl, dnssec.get());
      if (!nsec.ok()) return nsec.status();
      out->record_count_ += 1;
      PutRRset(&node, *std::move(nsec));
    }
  }
  // Every signature as an RRSIG RRset at its owner, unless the node has its
  // file's already (a pre-signed zone).
  for (Node& node : nodes) {
    if (node.Find(dns::rrtype::kRRSIG) != nullptr) continue;
    RRset all;
    all.type = dns::rrtype::kRRSIG;
    all.names = RdataNames::kOther;
    for (const RRset& set : node.rrsets) {
      if (set.sigs == kNoSignatures) continue;
      const RRset& sigs = dnssec->signatures[set.sigs];
      for (uint16_t i = 0; i < sigs.count; ++i) {
        all.rr_offsets.push_back(static_cast<uint32_t>(all.wire.size()));
        all.wire.append(sigs.wire, sigs.rr_offsets[i], kRRFixedSize + sigs.rdata(i).size());
        if (all.count++ == 0) all.ttl = sigs.rr_ttl(i);
      }
    }
    if (all.count == 0) continue;
    out->record_count_ += all.count;
    PutRRset(&node, std::move(all));
  }
  out->dnssec_ = std::move(dnssec);
  return std::shared_ptr<const Zone>(std::move(out));
}

RRset MakeRRset(uint16_t type, uint32_t ttl, absl::Span<const std::string> rdatas) {
  RRset rs;
  builder_internal::EncodeRRset(
      type, ttl, static_cast<uint32_t>(rdatas.size()),
      [&](uint32_t k) { return std::string_view(rdatas[k]); }, &rs);
  return rs;
}

absl::StatusOr<std::shared_ptr<const Zone>> WithOnlineSignatures(
    const Zone& zone, OnlineSigning what, SignRRsetFn sign, const MakeNsecFn* make_nodata_nsec) {
  std::shared_ptr<Zone> out(new Zone(zone));
  auto dnssec = zone.dnssec_ != nullptr ? std::make_shared<ZoneDnssec>(*zone.dnssec_)
                                        : std::make_shared<ZoneDnssec>();
  if (what.sign_static) dnssec->online = true;
  Node& apex = out->nodes_[0];
  for (RRset& set : what.apex_rrsets) {
    const RRset* old = apex.Find(set.type);
    out->record_count_ += set.count;
    if (old != nullptr) out->record_count_ -= old->count;
    PutRRset(&apex, std::move(set));
  }

  std::vector<std::string> rdatas;
  // Signs `set` at `owner` and files the RRSIG RRset.
  const auto sign_one = [&](std::string_view owner, RRset& set) -> absl::Status {
    rdatas.clear();
    if (absl::Status s = sign(owner, set, &rdatas); !s.ok()) return s;
    if (rdatas.empty()) return absl::OkStatus();
    RRset sigs = MakeRRset(dns::rrtype::kRRSIG, set.ttl, rdatas);
    sigs.names = RdataNames::kOther;  // the signer's name is never compressed
    set.sigs = static_cast<uint32_t>(dnssec->signatures.size());
    dnssec->signatures.push_back(std::move(sigs));
    return absl::OkStatus();
  };

  for (Node& node : out->nodes_) {
    if (node.cut == kNsec3Owner || (node.flags & node_flag::kBelowCut)) continue;
    const bool delegation = (node.flags & node_flag::kDelegation) != 0;
    if (what.sign_static) {
      for (RRset& set : node.rrsets) {
        if (set.type == dns::rrtype::kRRSIG) continue;
        // At a delegation the child's NS is not ours to sign (RFC 4035 §2.2).
        if (delegation && set.type != dns::rrtype::kDS && set.type != dns::rrtype::kNSEC)
          continue;
        if (absl::Status s = sign_one(node.owner, set); !s.ok()) return s;
      }
    }
    if (delegation) continue;
    for (RoutedGroup& group : node.routed) {
      for (RoutedMember& member : group.members) {
        if (member.is_alias() || member.rrset.count == 0) continue;
        if (absl::Status s = sign_one(node.owner, member.rrset); !s.ok()) return s;
      }
    }
  }
  if (what.sign_static && make_nodata_nsec != nullptr) {
    std::vector<Node>& nodes = out->nodes_;
    dnssec->nodata_nsec.assign(nodes.size(), RRset());
    std::vector<uint16_t> types;
    std::string next;
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node& node = nodes[i];
      if (node.cut == kNsec3Owner || (node.flags & node_flag::kBelowCut)) continue;
      types.clear();
      for (const RRset& set : node.rrsets) types.push_back(set.type);
      for (const RoutedGroup& g : node.routed) types.push_back(g.type);
      next.clear();
      if (node.owner.size() + 2 <= 255) next.assign("\x01\x00", 2);
      next += node.owner;
      absl::StatusOr<RRset> nsec = SignedNsec(*make_nodata_nsec, node.owner, next, types,
                                              out->negative_ttl(), dnssec.get());
      if (!nsec.ok()) return nsec.status();
      dnssec->nodata_nsec[i] = *std::move(nsec);
    }
  }
  dnssec->signatures.shrink_to_fit();
  out->dnssec_ = std::move(dnssec);
  return std::shared_ptr<const Zone>(std::move(out));
}

}  // namespace zones
