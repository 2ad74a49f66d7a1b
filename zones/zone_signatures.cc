#include "zones/zone_signatures.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "dns/wire/types.h"

namespace zones {
namespace {

constexpr size_t kRRFixedSize = 10;  // TYPE CLASS TTL RDLENGTH

void PutU16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}
void PutU32(char* p, uint32_t v) {
  PutU16(p, static_cast<uint16_t>(v >> 16));
  PutU16(p + 2, static_cast<uint16_t>(v));
}

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

}  // namespace

RRset MakeRRset(uint16_t type, uint32_t ttl, absl::Span<const std::string> rdatas) {
  RRset rs;
  rs.type = type;
  rs.ttl = ttl;
  rs.count = static_cast<uint16_t>(rdatas.size());
  rs.names = RdataNamesFor(type);
  char fixed[kRRFixedSize];
  PutU16(fixed, type);
  PutU16(fixed + 2, dns::rrclass::kIN);
  PutU32(fixed + 4, ttl);
  for (const std::string& rdata : rdatas) {
    rs.rr_offsets.push_back(static_cast<uint32_t>(rs.wire.size()));
    PutU16(fixed + 8, static_cast<uint16_t>(rdata.size()));
    rs.wire.append(fixed, kRRFixedSize);
    rs.wire.append(rdata);
  }
  return rs;
}

absl::StatusOr<std::shared_ptr<const Zone>> WithOnlineSignatures(const Zone& zone,
                                                                 OnlineSigning what,
                                                                 SignRRsetFn sign) {
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
  dnssec->signatures.shrink_to_fit();
  out->dnssec_ = std::move(dnssec);
  return std::shared_ptr<const Zone>(std::move(out));
}

}  // namespace zones
