// File: zones/zone.cc
//
// Small accessors of the compiled zone; the compiler is in builder.cc.
#include "zones/zone.h"

#include "dns/wire/types.h"

namespace zones {

RdataLayout RdataLayoutFor(uint16_t type) {
  using enum RdataNames;
  switch (type) {
    case dns::rrtype::kA:
      return {"4", kNone};
    case dns::rrtype::kAAAA:
      return {"K", kNone};
    case dns::rrtype::kNS:
    case dns::rrtype::kCNAME:
    case dns::rrtype::kPTR:
      return {"n", kNameAt0};
    case dns::rrtype::kMX:
      return {"2n", kMx};
    case dns::rrtype::kSOA:
      return {"nnT", kSoa};
    case dns::rrtype::kSRV:
      return {"6n", kSrv};
    // Types whose RDATA holds names that we never compress: DNAME (RFC
    // 6672), the obsolete RFC 1035 mailbox types, and the later types with
    // embedded names (RFC 3597 §4 forbids compressing those).
    case dns::rrtype::kDNAME:
    case 3:  // MD
    case 4:  // MF
    case 7:  // MB
    case 8:  // MG
    case 9:  // MR
      return {"n", kOther};
    case 18:  // AFSDB
    case 21:  // RT
    case 36:  // KX
      return {"2n", kOther};
    case 14:  // MINFO
    case 17:  // RP
      return {"nn", kOther};
    case 26:  // PX
      return {"2nn", kOther};
    case 35:  // NAPTR
      return {"4sssn", kOther};
    case dns::rrtype::kTXT:
      return {"S", kNone};
    case dns::rrtype::kHINFO:
      return {"ss", kNone};
    default:
      return {};
  }
}

RdataNames RdataNamesFor(uint16_t type) { return RdataLayoutFor(type).names; }

void NameIndex::Build(const std::vector<Node>& nodes) {
  size_t cap = 16;
  while (cap < nodes.size() * 2) cap *= 2;  // at most half full
  std::vector<uint64_t>(cap, 0).swap(slots_);
  mask_ = cap - 1;
  // Varies per index (and per process, with ASLR): no fixed collision set.
  seed_ = (reinterpret_cast<uintptr_t>(slots_.data()) >> 4) * 0x9E3779B97F4A7C15ull;
  for (size_t id = 0; id < nodes.size(); ++id) {
    const uint64_t h = Hash(nodes[id].owner, seed_);
    size_t i = h & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = ((h >> 32) << 32) | (id + 1);
  }
}

std::string_view RRset::rdata(size_t i) const {
  const size_t off = rr_offsets[i];
  const auto* p = reinterpret_cast<const uint8_t*>(wire.data()) + off;
  const size_t len = (size_t{p[8]} << 8) | p[9];
  return std::string_view(wire).substr(off + 10, len);
}

const RRset* Node::Find(uint16_t type) const {
  // RRsets are sorted by type and there are rarely more than a handful.
  for (const RRset& rs : rrsets) {
    if (rs.type == type) return &rs;
    if (rs.type > type) break;
  }
  return nullptr;
}

const RoutedGroup* Node::FindRouted(uint16_t type) const {
  for (const RoutedGroup& g : routed) {
    if (g.type == type) return &g;
    if (g.type > type) break;
  }
  return nullptr;
}

const char* RoutingPolicyName(RoutingPolicy policy) {
  switch (policy) {
    case RoutingPolicy::kSimple: return "simple";
    case RoutingPolicy::kLatency: return "latency";
    case RoutingPolicy::kWeighted: return "weighted";
    case RoutingPolicy::kFailover: return "failover";
    case RoutingPolicy::kMultiValue: return "multivalue";
  }
  return "unknown";
}

}  // namespace zones
