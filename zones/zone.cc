// File: zones/zone.cc
//
// Small accessors of the compiled zone; the compiler is in builder.cc.
#include "zones/zone.h"

#include <algorithm>
#include <cstring>

#include "dns/wire/types.h"

namespace zones {

// The signature index sits in padding: an unsigned zone's RRsets do not grow.
static_assert(sizeof(RRset) <= 72, "RRset grew: keep RRset::sigs in padding");

namespace {

// Offsets of the labels of a well-formed wire name (root label excluded);
// returns how many.
inline int LabelStarts(std::string_view name, uint8_t (&at)[128]) noexcept {
  int n = 0;
  size_t i = 0;
  while (i < name.size() && name[i] != 0 && n < 128) {
    at[n++] = static_cast<uint8_t>(i);
    i += 1 + static_cast<uint8_t>(name[i]);
  }
  return n;
}

}  // namespace

int CanonicalNameCompare(std::string_view a, std::string_view b) noexcept {
  uint8_t la[128], lb[128];
  int na = LabelStarts(a, la);
  int nb = LabelStarts(b, lb);
  // Label by label from the root; each label as octets (names are
  // lower-cased), a shorter label sorting first when it is a prefix.
  while (na > 0 && nb > 0) {
    --na;
    --nb;
    const auto* pa = reinterpret_cast<const uint8_t*>(a.data()) + la[na];
    const auto* pb = reinterpret_cast<const uint8_t*>(b.data()) + lb[nb];
    const size_t len = std::min(pa[0], pb[0]);
    if (const int c = std::memcmp(pa + 1, pb + 1, len); c != 0) return c;
    if (pa[0] != pb[0]) return pa[0] < pb[0] ? -1 : 1;
  }
  return na > 0 ? 1 : (nb > 0 ? -1 : 0);
}

size_t ZoneDnssec::memory() const {
  size_t m = sizeof(*this) + signatures.capacity() * sizeof(RRset) +
             nsec_chain.capacity() * sizeof(uint32_t) +
             nsec3_chain.capacity() * sizeof(Nsec3Entry);
  for (const RRset& s : signatures) m += s.wire.capacity();
  m += nodata_nsec.capacity() * sizeof(RRset);
  for (const RRset& s : nodata_nsec) m += s.wire.capacity();
  return m;
}

const Node* Zone::CoveringNsec(std::string_view name) const noexcept {
  if (dnssec_ == nullptr || dnssec_->nsec_chain.empty()) return nullptr;
  const std::vector<uint32_t>& chain = dnssec_->nsec_chain;
  // The first owner after `name`; the one before it covers (or is) it.
  auto it = std::upper_bound(chain.begin(), chain.end(), name,
                             [this](std::string_view n, uint32_t id) {
                               return CanonicalNameCompare(n, nodes_[id].owner) < 0;
                             });
  if (it == chain.begin()) it = chain.end();  // before the apex: wraps
  return &nodes_[*(it - 1)];
}

const Node* Zone::FindNsec3(const uint8_t (&hash)[20], bool* exact) const noexcept {
  *exact = false;
  if (dnssec_ == nullptr || dnssec_->nsec3_chain.empty()) return nullptr;
  const auto& chain = dnssec_->nsec3_chain;
  auto it = std::upper_bound(chain.begin(), chain.end(), hash,
                             [](const uint8_t (&h)[20], const ZoneDnssec::Nsec3Entry& e) {
                               return std::memcmp(h, e.hash, 20) < 0;
                             });
  if (it == chain.begin()) it = chain.end();  // before the first hash: the last covers
  --it;
  *exact = std::memcmp(it->hash, hash, 20) == 0;
  return &nodes_[it->node];
}

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

uint32_t RRset::rr_ttl(size_t i) const {
  const auto* p = reinterpret_cast<const uint8_t*>(wire.data()) + rr_offsets[i] + 4;
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
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
