// File: zones/zone.h
//
// The compiled, immutable in-memory zone that lookups run on.
//
//   master file ──ldns──► ZoneBuilder::Add() ──Build(): validate──► Zone
//                                                                   │
//        shared_ptr<const Zone> held by ZoneSet snapshots ◄──────────┘
//
// Every owner name is a Node, including empty non-terminals (so that the
// closest encloser of any name is always a node) and the nodes below a zone
// cut (glue). RDATA is pre-encoded at load: each RRset keeps the exact octets
// that follow the owner name in a reply (TYPE, CLASS, TTL, RDLENGTH, RDATA
// for every RR), so a static answer is a name pointer plus one memcpy.
//
// Thread safety: a Zone is immutable after Build() and safe to read from any
// thread without synchronisation.
#ifndef STEERDNS_ZONES_ZONE_H_
#define STEERDNS_ZONES_ZONE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "absl/strings/string_view.h"

namespace zones {

// How names are embedded in an RR type's RDATA: decides whether a writer may
// compress them (RFC 3597 §4: only the RFC 1035 types) and where additional
// section processing finds its target name.
enum class RdataNames : uint8_t {
  kNone,      // opaque RDATA (A, AAAA, TXT, unknown types, ...)
  kNameAt0,   // one compressible name filling RDATA: NS, CNAME, PTR
  kMx,        // 16-bit preference, then a compressible name
  kSoa,       // MNAME, RNAME (compressible), then 20 octets
  kSrv,       // priority, weight, port, target (never compressed, RFC 2782)
  kOther,     // names present but not compressible (DNAME, ...)
};

// Which RdataNames layout a type uses.
RdataNames RdataNamesFor(uint16_t type);

// The RDATA layout of a type whose fields the builder checks (and whose
// names it lower-cases), and how its names are embedded.
struct RdataLayout {
  // A tiny program, one character a field: 'n' a domain name, 's' a
  // <character-string>, 'S' one or more <character-string>s up to the end,
  // '1'..'9' that many fixed octets, 'K' 16 fixed octets, 'T' 20 fixed
  // octets. nullptr: a type whose RDATA is not checked.
  const char* fields = nullptr;
  RdataNames names = RdataNames::kNone;
};
RdataLayout RdataLayoutFor(uint16_t type);

// RRset::sigs of an RRset that no RRSIG covers.
inline constexpr uint32_t kNoSignatures = 0xffffffffu;

// One RRset (same owner, class IN, type), pre-encoded.
struct RRset {
  uint16_t type = 0;
  uint32_t ttl = 0;
  uint16_t count = 0;        // number of RRs
  RdataNames names = RdataNames::kNone;
  // The RRSIGs covering this RRset in a pre-signed zone: an index into
  // Zone::dnssec()->signatures, or kNoSignatures. Sits in what was padding:
  // an unsigned zone pays nothing for it.
  uint32_t sigs = kNoSignatures;
  // For each RR, in order: TYPE(2) CLASS(2) TTL(4) RDLENGTH(2) RDATA.
  // Names inside RDATA are uncompressed and lower-cased.
  std::string wire;
  // Offset in `wire` of each RR's TYPE field (count entries). Inline for
  // up to two RRs (most RRsets): no heap block per RRset on big zones.
  absl::InlinedVector<uint32_t, 2> rr_offsets;

  // RDATA of RR i (without the 10-octet fixed part).
  std::string_view rdata(size_t i) const;
  // TTL of RR i: `ttl` for every type but RRSIG, whose RRs keep their own.
  uint32_t rr_ttl(size_t i) const;
};

// --- Routed record sets (Route 53 routing policies) ---
//
// zones/ stores them as plain members: region *names*, health-check *ids*,
// alias targets as names, exactly as the JSON said. dns/answer's snapshot
// build turns names into ids (latency-table region, admin slot, health
// slot, alias target group) once per snapshot; geo/ picks a member per
// query. zones/ never depends on geo/.

// The routing policy of a group (Route 53's names). kSimple is a single
// record without SetIdentifier that cannot be a plain RRset: an alias.
enum class RoutingPolicy : uint8_t {
  kSimple,
  kLatency,
  kWeighted,
  kFailover,
  kMultiValue,
};

// Route 53's "Failover" field.
enum class FailoverRole : uint8_t { kNone, kPrimary, kSecondary };

// Returns "simple", "latency", "weighted", "failover", "multivalue".
const char* RoutingPolicyName(RoutingPolicy policy);

// One Route 53 record set inside a group.
struct RoutedMember {
  std::string set_identifier;   // unique in its group; empty for kSimple
  std::string region;           // kLatency: e.g. "eu-west-1"
  uint32_t weight = 0;          // kWeighted: 0..255
  FailoverRole failover = FailoverRole::kNone;
  std::string health_check_id;  // empty: no health check
  // The values, pre-encoded exactly like a static RRset (type, TTL, RDATA).
  // Empty (count 0) for an alias.
  RRset rrset;
  // AliasTarget.DNSName as a lower-cased wire name; empty if not an alias.
  std::string alias_target;
  bool evaluate_target_health = false;
  // Where it was defined, "file" or "file:line", for errors and explain.
  std::string source;

  bool is_alias() const { return !alias_target.empty(); }
};

// All routed record sets of one owner and type.
struct RoutedGroup {
  uint16_t type = 0;
  RoutingPolicy policy = RoutingPolicy::kSimple;
  std::vector<RoutedMember> members;
};

// Node flags.
namespace node_flag {
inline constexpr uint16_t kApex = 1 << 0;        // the zone's origin
inline constexpr uint16_t kDelegation = 1 << 1;  // NS RRset below the apex
inline constexpr uint16_t kBelowCut = 1 << 2;    // strictly below a delegation
inline constexpr uint16_t kCname = 1 << 3;       // has a CNAME RRset
inline constexpr uint16_t kWildcard = 1 << 4;    // owner's first label is "*"
inline constexpr uint16_t kRouted = 1 << 5;      // has routed groups
}  // namespace node_flag

inline constexpr uint32_t kNoNode = 0xffffffffu;
// Node::cut of an NSEC3 owner (a hashed name with only NSEC3 and RRSIG):
// not a name of the zone for lookups (RFC 5155 §7.2.8), as NSD treats it.
inline constexpr uint32_t kNsec3Owner = 0xfffffffeu;

// One owner name and its RRsets.
struct Node {
  std::string owner;           // lower-cased wire form
  uint16_t flags = 0;          // node_flag bits
  std::vector<RRset> rrsets;   // sorted by type
  std::vector<RoutedGroup> routed;  // sorted by type; never the type of an RRset
  uint32_t wildcard_child = kNoNode;  // index of "*.<owner>" if present
  uint32_t cut = kNoNode;      // for delegation and below-cut nodes: the
                               // topmost delegation node above or at it;
                               // kNsec3Owner for an NSEC3 owner

  // The RRset of `type`, or nullptr.
  const RRset* Find(uint16_t type) const;
  // The routed group of `type`, or nullptr.
  const RoutedGroup* FindRouted(uint16_t type) const;
  bool empty_non_terminal() const { return rrsets.empty() && routed.empty(); }
};

// The owner-name index of a Zone: open addressing with linear probing over
// one flat array of 64-bit slots, (hash tag << 32) | (node id + 1), 0 =
// empty, at most half full. The owner names themselves stay in the nodes
// (stored once); a probe compares the 32-bit tag before it touches a node.
// Replaces an absl::flat_hash_map<std::string, uint32_t>, which kept a
// second copy of every owner (a heap block per name on a big zone) and
// hashed with absl's general-purpose string hash: this one is about a
// tenth of the memory per name and hashes a wire name 8 octets at a time.
//
// Thread safety: immutable after Build(); Find() is safe from any thread.
class NameIndex {
 public:
  // Whether n octets at a and b are equal: memcmp without the library call
  // (an owner name is ~10-40 octets; the call cost more than the compare).
  static bool SameOctets(const char* a, const char* b, size_t n) noexcept {
    uint64_t x, y;
    if (n < 8) {
      for (size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return false;
      return true;
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    if (i == n) return true;
    std::memcpy(&x, a + n - 8, 8);  // the last 8, overlapping what was compared
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
  }

  // Indexes nodes[i].owner -> i for every node. Owners must be distinct.
  void Build(const std::vector<Node>& nodes);

  // The id of the node whose owner is `owner`, or kNoNode. `nodes` must be
  // the vector given to Build(). noexcept, no allocation.
  inline uint32_t Find(std::string_view owner,
                       const std::vector<Node>& nodes) const noexcept;

  // Bytes held.
  size_t memory() const { return slots_.capacity() * sizeof(uint64_t); }

  // Cache warming (see Zone::PrefetchSlot): the hash Find() would compute
  // for `owner`, and a prefetch of the first slot it probes.
  uint64_t PrefetchSlot(std::string_view owner) const noexcept {
    const uint64_t h = Hash(owner, seed_);
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & mask_]);
    return h;
  }
  // The node id in the first slot probed for hash `h` when its tag matches
  // (no owner comparison: a hint, possibly another name's node), else
  // kNoNode.
  uint32_t PeekNode(uint64_t h) const noexcept {
    if (slots_.empty()) return kNoNode;
    const uint64_t slot = slots_[h & mask_];
    if (slot == 0 || static_cast<uint32_t>(slot >> 32) != static_cast<uint32_t>(h >> 32))
      return kNoNode;
    return static_cast<uint32_t>(slot) - 1;
  }

  // Hash of a wire name (any octets). Reads each octet once, eight at a
  // time; the seed varies per index.
  static uint64_t Hash(std::string_view s, uint64_t seed) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size();
    uint64_t h = seed ^ (n * 0x9E3779B97F4A7C15ull);
    uint64_t w;
    while (n > 8) {
      std::memcpy(&w, p, 8);
      h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
      h ^= h >> 31;
      p += 8;
      n -= 8;
    }
    if (n >= 4) {  // 4..8 octets: the first and the last four
      uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      w = (uint64_t{a} << 32) | b;
    } else {  // 0..3 octets
      w = n == 0 ? 0 : (uint64_t{p[0]} << 16) | (uint64_t{p[n / 2]} << 8) | p[n - 1];
    }
    h = (h ^ w) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
  }

 private:
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  uint64_t seed_ = 0;
};

// Canonical DNS name order (RFC 4034 §6.1) of two lower-cased wire names:
// <0, 0, >0. No allocation.
int CanonicalNameCompare(std::string_view a, std::string_view b) noexcept;

// The DNSSEC data of a pre-signed zone (RFC 4034, RFC 5155), built once by
// ZoneBuilder::Build() from the RRSIG, NSEC, NSEC3 and NSEC3PARAM records
// of the file; absent (Zone::dnssec() == nullptr) for an unsigned zone. The
// RRSIG, NSEC and NSEC3 RRsets also stay in their nodes (export, change
// batches and an explicit qtype RRSIG read them there).
struct ZoneDnssec {
  // The RRSIGs covering one RRset (RRset::sigs indexes this), pre-encoded
  // as an RRset of type RRSIG whose RRs keep their own TTLs.
  std::vector<RRset> signatures;
  // Nodes that own an NSEC RRset, in canonical order: the covering NSEC of
  // a name is the last one at or before it (CoveringNsec).
  std::vector<uint32_t> nsec_chain;
  // The NSEC3 chain the apex's NSEC3PARAM names (RFC 5155 §4): its
  // parameters and its NSEC3 owners sorted by hash. Empty without one.
  struct Nsec3Entry {
    uint8_t hash[20];  // the owner's first label, base32hex-decoded
    uint32_t node;     // the NSEC3 owner's node
  };
  uint8_t nsec3_algorithm = 0;  // 1: SHA-1, the only one defined
  uint16_t nsec3_iterations = 0;
  std::string nsec3_salt;
  std::vector<Nsec3Entry> nsec3_chain;
  // Signed online (zones/zone_signatures.h): no NSEC chain; negative
  // answers are compact denial (RFC 9824), signed per query but for...
  bool online = false;
  // ...the NODATA of a name that exists: its compact-denial NSEC (owner the
  // node's, next "\000.owner", its types + RRSIG + NSEC) made and signed at
  // build, by node id (count 0: none, e.g. glue). Online zones only.
  std::vector<RRset> nodata_nsec;

  bool nsec3() const { return !nsec3_chain.empty(); }
  size_t memory() const;
};

class Zone;
struct OnlineSigning;  // zones/zone_signatures.h
// zones/serial.h: the zone with its SOA serial re-stamped.
std::shared_ptr<const Zone> WithSerial(std::shared_ptr<const Zone> zone, uint32_t serial);

// An immutable zone. Created only by ZoneBuilder::Build() (and re-stamped
// with a new SOA serial by WithSerial(), zones/serial.h).
class Zone {
 public:
  // The origin (apex owner), lower-cased wire form.
  const std::string& origin() const { return nodes_[0].owner; }
  const Node& apex() const { return nodes_[0]; }
  // The apex SOA RRset (always present after validation).
  const RRset& soa() const { return *apex().Find(6 /* SOA */); }
  uint32_t serial() const { return serial_; }
  // TTL for negative answers: min(SOA TTL, SOA MINIMUM) (RFC 2308 §5).
  uint32_t negative_ttl() const { return negative_ttl_; }

  // Exact match on a lower-cased wire name; nullptr if no node (not even an
  // empty non-terminal) has that owner.
  const Node* Find(std::string_view owner_wire) const {
    const uint32_t id = index_.Find(owner_wire, nodes_);
    return id == kNoNode ? nullptr : &nodes_[id];
  }
  const Node& node(uint32_t i) const { return nodes_[i]; }

  // Cache warming for a batch of lookups, in three steps run over the
  // whole batch one after the other, so that the cache misses of different
  // queries overlap instead of following each other. Results of Find()
  // never depend on them. PrefetchSlot: hash `owner_wire` (lower-cased),
  // prefetch its index slot, return the hash. PrefetchNode: prefetch the
  // node that slot points at and return its id (kNoNode: none).
  // PrefetchNodeData: prefetch node `id`'s owner name and RRsets.
  uint64_t PrefetchSlot(std::string_view owner_wire) const noexcept {
    return index_.PrefetchSlot(owner_wire);
  }
  uint32_t PrefetchNode(uint64_t hash) const noexcept {
    const uint32_t id = index_.PeekNode(hash);
    if (id != kNoNode) {
      const char* n = reinterpret_cast<const char*>(&nodes_[id]);
      __builtin_prefetch(n);
      __builtin_prefetch(n + sizeof(Node) - 1);
    }
    return id;
  }
  void PrefetchNodeData(uint32_t id) const noexcept {
    if (id == kNoNode) return;
    const Node& n = nodes_[id];
    __builtin_prefetch(n.owner.data());
    if (!n.rrsets.empty()) __builtin_prefetch(n.rrsets.data());
  }
  size_t node_count() const { return nodes_.size(); }

  // --- DNSSEC (pre-signed zones) ---
  // nullptr: the zone has no RRSIG (nothing DNSSEC-only is ever added).
  const ZoneDnssec* dnssec() const { return dnssec_.get(); }
  // The RRSIGs covering `set`, or nullptr. Only for RRsets of this zone.
  const RRset* SignaturesOf(const RRset& set) const {
    return set.sigs == kNoSignatures ? nullptr : &dnssec_->signatures[set.sigs];
  }
  // The node of the NSEC that proves `name` (lower-cased wire, inside the
  // zone) has no node, or `name`'s own NSEC: the last NSEC owner at or
  // before it in canonical order (RFC 4034 §6.1); nullptr if the zone has
  // no NSEC chain. Binary search, no allocation.
  const Node* CoveringNsec(std::string_view name) const noexcept;
  // The NSEC3 owner whose hash equals `hash` (*exact = true) or else the
  // one covering it (the last hash before it, wrapping around: RFC 5155
  // §7.2.1); nullptr without an NSEC3 chain.
  const Node* FindNsec3(const uint8_t (&hash)[20], bool* exact) const noexcept;

  // Number of RRs (not RRsets) in the zone.
  size_t record_count() const { return record_count_; }
  // Files the zone was read from (for `zonectl show`).
  const std::vector<std::string>& sources() const { return sources_; }

  // Calls fn(node, group) for every routed group (owner, type) of the zone,
  // in node order, then group order.
  template <typename Fn>
  void ForEachRoutedGroup(Fn&& fn) const {
    for (const Node& node : nodes_)
      for (const RoutedGroup& group : node.routed) fn(node, group);
  }
  // Calls fn(node, group, member) for every routed record set (one member
  // of a group: what Route 53 calls a record set) of the zone.
  template <typename Fn>
  void ForEachRoutedMember(Fn&& fn) const {
    ForEachRoutedGroup([&](const Node& node, const RoutedGroup& group) {
      for (const RoutedMember& member : group.members) fn(node, group, member);
    });
  }
  // How many routed record sets the zone has.
  size_t routed_record_set_count() const {
    size_t n = 0;
    ForEachRoutedGroup([&](const Node&, const RoutedGroup& g) { n += g.members.size(); });
    return n;
  }

 private:
  friend class ZoneBuilder;
  friend std::shared_ptr<const Zone> WithSerial(std::shared_ptr<const Zone> zone,
                                                uint32_t serial);
  friend absl::StatusOr<std::shared_ptr<const Zone>> MaterializeSignatures(
      const Zone& zone,
      absl::FunctionRef<absl::Status(std::string_view, std::string_view,
                                     absl::Span<const uint16_t>, uint32_t, std::string*,
                                     std::vector<std::string>*)>
          make_nsec);
  friend absl::StatusOr<std::shared_ptr<const Zone>> WithOnlineSignatures(
      const Zone& zone, OnlineSigning what,
      absl::FunctionRef<absl::Status(std::string_view, const RRset&, std::vector<std::string>*)>
          sign,
      const absl::FunctionRef<absl::Status(std::string_view, std::string_view,
                                           absl::Span<const uint16_t>, uint32_t, std::string*,
                                           std::vector<std::string>*)>* make_nodata_nsec);
  Zone() = default;

  std::vector<Node> nodes_;  // nodes_[0] is the apex
  NameIndex index_;  // owner -> position in nodes_
  uint32_t serial_ = 0;
  uint32_t negative_ttl_ = 0;
  size_t record_count_ = 0;
  std::vector<std::string> sources_;
  // Shared, not unique: WithSerial() copies a Zone.
  std::shared_ptr<const ZoneDnssec> dnssec_;
};

inline uint32_t NameIndex::Find(std::string_view owner,
                                const std::vector<Node>& nodes) const noexcept {
  if (slots_.empty()) return kNoNode;
  const uint64_t h = Hash(owner, seed_);
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (size_t i = h & mask_;; i = (i + 1) & mask_) {
    const uint64_t slot = slots_[i];
    if (slot == 0) return kNoNode;
    if (static_cast<uint32_t>(slot >> 32) != tag) continue;
    const uint32_t id = static_cast<uint32_t>(slot) - 1;
    const std::string& o = nodes[id].owner;
    if (o.size() == owner.size() && SameOctets(o.data(), owner.data(), owner.size())) {
      return id;
    }
  }
}

}  // namespace zones

#endif  // STEERDNS_ZONES_ZONE_H_
