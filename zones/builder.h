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
//  - every NS target inside the zone has an address (a static A or AAAA
//    RRset, glue below a delegation included, or a routed A/AAAA group),
//    for the apex NS and for delegations (a target at or below another
//    delegation is that child's: not required, as kzonecheck);
//  - no NS, MX or SRV target inside the zone is a CNAME (static or routed)
//    (RFC 2181 §10.3, RFC 2782; named-checkzone -M fail -S fail);
//  - DNAME (RFC 6672 §2.4): at most one DNAME RR per owner, no CNAME beside
//    it (the CNAME rule), no NS beside it below the apex, and no data (static
//    or routed) at any name below its owner, delegations included;
//  - RRs of one RRset with different TTLs take the first TTL (RFC 2181
//    §5.2 says they must not differ; like BIND we keep serving, and warn).
//  - duplicate RRs (same owner, type, RDATA) are dropped silently.
//
// Route 53 record sets (zones/route53_json.h) come in two ways:
//  - AddRecordSet(): a simple record set, a whole RRset at once. It must not
//    meet another definition of its owner and type, from any source.
//  - AddRouted(): one member of a routed group (latency, weighted, failover,
//    multivalue, or a simple alias). Build() groups members by owner and
//    type into Node::routed and checks Route 53's rules:
//      - one routing policy per group; a simple (alias) group has one member;
//      - SetIdentifier required by every policy but simple, unique in its
//        group;
//      - latency: a Region each, one member per Region;
//      - weighted: Weight 0..255, one TTL for the group's non-alias members;
//      - failover: a role each, at most one PRIMARY and one SECONDARY;
//      - multivalue: no aliases;
//      - no simple RRset of the group's owner and type;
//      - a routed CNAME group counts as a CNAME for the CNAME-beside-other-
//        data rule;
//      - no routed group at or below a delegation (it would never answer).
//    Those errors name the record: "file:line: record set [name='www.
//    example.com.', type='A', set_identifier='eu']: what is wrong".
//    Alias targets are not resolved here: they may point into another zone
//    (the snapshot build resolves them).
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
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dns/wire/name.h"
#include "zones/zone.h"

namespace zones {

// Where an RR came from, for error messages.
struct SourceLocation {
  int file = -1;  // index returned by AddSource, -1 = unknown
  int line = 0;   // 1-based; 0 = unknown
};

// How errors name a Route 53 record set: "record set [name='www.example.
// com.', type='A', set_identifier='eu']" (no set_identifier when empty).
std::string DescribeRecordSet(std::string_view owner_wire, uint16_t type,
                              std::string_view set_identifier);

// The error for a member whose HealthCheckId names no configured check, as
// the server (dns/answer/snapshot.cc) and `zonectl check` word it:
// "SOURCE: record set [...]: HealthCheckId 'x' is not a configured health
// check".
std::string UnknownHealthCheckIdError(std::string_view owner_wire, uint16_t type,
                                      const RoutedMember& member);

// RDATA of `type` (uncompressed wire form) as Add() stores it: checked
// against the type's layout, with the domain names in it lower-cased in
// place. Returns "" if fine, else what is wrong ("has truncated RDATA").
std::string CanonicalizeRdata(uint16_t type, std::string* rdata);

class ZoneBuilder {
 public:
  // `origin_wire`: lower-cased wire form of the zone apex.
  explicit ZoneBuilder(std::string origin_wire);

  const std::string& origin() const { return origin_; }

  // Registers a source file name; returns its index for SourceLocation.
  int AddSource(std::string path);

  // What the built Zone reports as its sources(), instead of the names
  // given to AddSource(): for a zone rebuilt from another one, whose
  // AddSource() names label changes rather than files.
  void SetZoneSources(std::vector<std::string> sources) {
    zone_sources_ = std::move(sources);
    has_zone_sources_ = true;
  }

  // Formats the "file:line" prefix of a "file:line: message" for a
  // location ("file" alone when the line is unknown).
  std::string Where(SourceLocation loc) const;

  // Room for about `records` more Add()s with `rdata_octets` of RDATA in
  // all (hints, e.g. a master file's line count and size): the builder's
  // tables are allocated once instead of growing by doubling (and copying);
  // pages not written to are not touched.
  void Reserve(size_t records, size_t rdata_octets) {
    rrs_.reserve(rrs_.size() + records);
    rdata_.reserve(rdata_.size() + rdata_octets);
  }

  // Adds one RR (class IN). `owner_wire` must be lower-cased wire form;
  // `rdata` is the RDATA in uncompressed wire form (names inside it are
  // lower-cased here). Fails with InvalidArgument "file:line: ..." if the
  // owner is outside the zone, the class is not IN or the RDATA does not
  // match the type's layout (e.g. an A record of length != 4), or if the
  // RRset was added whole by AddRecordSet().
  absl::Status Add(std::string_view owner_wire, uint16_t type,
                   uint16_t rclass, uint32_t ttl, std::string_view rdata,
                   SourceLocation loc);

  // Adds a whole RRset (class IN) at once: a Route 53 simple record set.
  // `rdatas` as for Add() (duplicates are dropped). Fails if the builder
  // already has an RRset of this owner and type, and later Add()s of that
  // owner and type fail too; both errors name the two sources.
  absl::Status AddRecordSet(std::string_view owner_wire, uint16_t type,
                            uint32_t ttl, const std::vector<std::string>& rdatas,
                            SourceLocation loc);

  // Adds one member of the routed group (owner, type). `rdatas`: the
  // member's RDATA in uncompressed wire form, encoded with `ttl` into
  // member.rrset exactly as a static RRset (checked, names lower-cased,
  // duplicates dropped); empty for an alias, whose `ttl` is ignored and
  // whose rrset keeps count 0. member.alias_target must be a wire name
  // (lower-cased here); member.source defaults to "file:line" of `loc`.
  // Fails at once on what one member shows (owner outside the zone, a type
  // that cannot be routed: SOA, NS, DS; values on an alias, none on a
  // non-alias, malformed RDATA, several CNAME values); the group rules are
  // checked by Build().
  absl::Status AddRouted(std::string_view owner_wire, uint16_t type,
                         RoutingPolicy policy, RoutedMember member,
                         const std::vector<std::string>& rdatas, uint32_t ttl,
                         SourceLocation loc);

  // Non-fatal findings so far (e.g. TTL mismatch inside an RRset, a TTL
  // the reader read as 0), each "file:line: message".
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Adds one (a reader's, already "file:line: message").
  void AddWarning(std::string warning) { warnings_.push_back(std::move(warning)); }

  // Validates and compiles. On error returns InvalidArgument whose message
  // is "file:line: what is wrong" (the first problem found, in file order;
  // routed members count at the place they were added). The Zone's
  // record_count() counts static RRs; routed members are in Node::routed.
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

  // One AddRouted() call.
  struct PendingRouted {
    uint32_t owner;       // owner id: value in owners_
    uint16_t type;
    RoutingPolicy policy;
    uint32_t rrs_before;  // rrs_.size() when added: places it in file order
    SourceLocation loc;
    RoutedMember member;
  };

  // A validation problem: its place in file order and its message.
  struct Problem {
    int64_t order;  // INT64_MAX: none
    std::string message;
  };

  // Build()'s phases, in the order it runs them, and their helpers
  // (builder.cc says what each does; Validate and its checks are in
  // builder_checks.cc).
  struct OwnerIndex;   // the static RRs grouped by owner (builder_internal.h)
  class StaticChecks;  // the rules of static RRsets
  class RoutedChecks;  // Route 53's rules of routed groups
  OwnerIndex GroupByOwner() const;
  uint32_t SortAndDropDuplicates(OwnerIndex& ix) const;
  std::vector<uint32_t> SortRoutedGroups() const;
  absl::Status Validate(const OwnerIndex& ix,
                        const std::vector<uint32_t>& rorder) const;
  std::vector<uint8_t> CompileNodes(const OwnerIndex& ix,
                                    std::vector<Node>& nodes) const;
  void AttachRoutedGroups(const std::vector<uint32_t>& rorder,
                          std::vector<Node>& nodes);
  void ReleaseInput(OwnerIndex& ix);
  void AddEmptyNonTerminals(uint32_t n_owners, std::vector<Node>& nodes);
  void LinkNodes(Zone& zone, uint32_t n_owners,
                 const std::vector<uint8_t>& is_delegation) const;
  static void ReadSoaFields(Zone& zone);
  // The per-RRset signatures, the NSEC chain in canonical order and the
  // NSEC3 chain of a zone with RRSIGs (Zone::dnssec()).
  void BuildDnssec(Zone& zone);

  // The RDATA of rrs_[rr].
  std::string_view RdataOf(uint32_t rr) const {
    return std::string_view(rdata_).substr(rrs_[rr].rdata_off,
                                           rrs_[rr].rdata_len);
  }

  // Checks a wire owner name and copies it lower-cased into `buf`; returns
  // what is wrong, or "" if it is a well-formed name inside the zone.
  std::string CheckOwner(std::string_view owner_wire,
                         char (&buf)[dns::kMaxNameLength]) const;
  // InvalidArgument "file:line: record set [...]: what".
  absl::Status RecordSetError(SourceLocation loc, std::string_view owner_wire,
                              uint16_t type, std::string_view set_identifier,
                              std::string_view what) const;

  std::string origin_;
  std::vector<std::string> sources_;
  std::vector<std::string> zone_sources_;  // see SetZoneSources()
  bool has_zone_sources_ = false;
  // owner wire -> owner id (dense, first-seen order). Build() turns this map
  // into the Zone's index, so owner names are not copied once more.
  absl::flat_hash_map<std::string, uint32_t> owners_;
  // (owner id << 16 | type) -> index in rrs_ of the RRset's first RR (its
  // TTL is the RRset's, its location the RRset's first definition).
  absl::flat_hash_map<uint64_t, uint32_t> rrset_first_;
  // Keys of rrset_first_ added whole by AddRecordSet().
  absl::flat_hash_set<uint64_t> whole_rrsets_;
  std::vector<PendingRR> rrs_;  // in Add() order ("file order")
  std::string rdata_;           // all RDATA, lower-cased names
  std::vector<PendingRouted> routed_;  // in AddRouted() order
  std::vector<std::string> warnings_;
  bool has_rrsig_ = false;  // an RRSIG was added: Build() runs BuildDnssec
};

}  // namespace zones

#endif  // STEERDNS_ZONES_BUILDER_H_
