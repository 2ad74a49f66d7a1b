// File: zones/builder.cc
//
// ZoneBuilder: collects RRs, validates them and compiles the immutable Zone.
//
// Build() is linear in the number of RRs (plus a sort of each owner's few
// RRs): RRs are grouped by owner with a counting sort, sorted by type inside
// the owner, de-duplicated, checked, then encoded once into the Zone. The
// owner map built by Add() becomes the Zone's index, so owner names are
// copied once (into Node::owner) and not twice.
//
// Routed members (AddRouted) are encoded when added, with the same code as
// static RRsets (DedupRun, EncodeRRset); Build() sorts them by owner and
// type, checks Route 53's group rules and moves them into Node::routed.
// The checks of both (Validate) are in builder_checks.cc.
#include "zones/builder.h"

#include <malloc.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "zones/builder_internal.h"

namespace zones {
namespace {

using dns::rrtype::kCNAME;
using dns::rrtype::kDS;
using dns::rrtype::kNS;
using dns::rrtype::kSOA;

// Debian's Abseil has its own absl::string_view (not std::string_view): what
// StrCat and the maps' heterogeneous lookups take.
using base::AV;
using builder_internal::kMaxRRsetCount;
using builder_internal::TypeText;
using builder_internal::EncodeRRset;
using builder_internal::PutU32;

// Fixed part of an RR after the owner: TYPE, CLASS, TTL, RDLENGTH.
constexpr size_t kRRFixedSize = 10;
// RRsets up to this size are de-duplicated pairwise; bigger ones by sorting.
constexpr uint32_t kPairwiseDedupLimit = 16;
// Zones at least this big return the builder's freed memory to the system
// at the end of Build() (malloc_trim: a heap walk, a few ms on a big zone;
// not worth it for small ones).
constexpr size_t kTrimAfterRecords = 65536;

// Scans the uncompressed wire name at data[pos..len), lower-casing it in
// place. Returns the offset just past its root label, or 0 if the octets
// are not one well-formed name (label > 63, compression pointer, longer
// than 255 octets, or running past `len`).
size_t ScanName(char* data, size_t len, size_t pos) {
  const size_t start = pos;
  for (;;) {
    if (pos >= len) return 0;
    const uint8_t label = static_cast<uint8_t>(data[pos]);
    if (label == 0) break;
    if (label > dns::kMaxLabelLength || pos + 1 + label > len) return 0;
    for (size_t i = pos + 1; i <= pos + label; ++i) {
      data[i] =
          static_cast<char>(dns::LowerOctet(static_cast<uint8_t>(data[i])));
    }
    pos += 1 + label;
    if (pos - start >= dns::kMaxNameLength) return 0;  // no room for root
  }
  return pos + 1;
}

// One <character-string> at data[pos..len); offset after it, or 0.
size_t ScanCharString(const char* data, size_t len, size_t pos) {
  if (pos >= len) return 0;
  const size_t end = pos + 1 + static_cast<uint8_t>(data[pos]);
  return end <= len ? end : 0;
}

// Checks RDATA against its type's layout, lower-casing embedded names in
// place. Returns "" if fine, else what is wrong.
std::string CheckRdata(uint16_t type, char* data, size_t len) {
  const char* layout = RdataLayoutFor(type).fields;
  if (layout == nullptr) return {};
  size_t pos = 0;
  for (const char* f = layout; *f != '\0'; ++f) {
    size_t fixed = 0;
    switch (*f) {
      case 'n':
        pos = ScanName(data, len, pos);
        if (pos == 0) return "has a malformed domain name in its RDATA";
        continue;
      case 's':
        pos = ScanCharString(data, len, pos);
        if (pos == 0) return "has a malformed character-string in its RDATA";
        continue;
      case 'S':
        if (pos >= len) return "needs at least one character-string";
        while (pos < len) {
          pos = ScanCharString(data, len, pos);
          if (pos == 0) return "has a malformed character-string in its RDATA";
        }
        continue;
      case 'K':
        fixed = 16;
        break;
      case 'T':
        fixed = 20;
        break;
      default:
        fixed = static_cast<size_t>(*f - '0');
        break;
    }
    if (layout[1] == '\0' && pos == 0 && len != fixed) {
      return absl::StrCat("has ", len, " octets of RDATA, expected ", fixed);
    }
    if (pos + fixed > len) return "has truncated RDATA";
    pos += fixed;
  }
  if (pos != len)
    return absl::StrCat("has ", len - pos, " octets of trailing RDATA");
  return {};
}

std::string ClassText(uint16_t rclass) {
  switch (rclass) {
    case dns::rrclass::kIN:
      return "IN";
    case dns::rrclass::kCH:
      return "CH";
    case 4:
      return "HS";
    case 254:
      return "NONE";
    case dns::rrclass::kANY:
      return "ANY";
    default:
      return absl::StrCat("CLASS", rclass);
  }
}

// Types that are meta or query-only (RFC 6895 §3.1) and cannot be zone data.
bool IsMetaType(uint16_t type) {
  return type == 0 || type == dns::rrtype::kOPT || (type >= 128 && type <= 255);
}

uint16_t GetU16(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
uint32_t GetU32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) |
         (uint32_t{u[2]} << 8) | u[3];
}

// Drops the RRs of one RRset whose RDATA repeats an earlier one's: of the
// ids in ids[r..re) (ascending = file order), the kept ones move, in order,
// to ids[w..); returns the new end of the kept ones. `rdata_of(id)` gives an
// RR's RDATA; `scratch` and `dropped` are reusable buffers.
template <typename RdataOf>
uint32_t DedupRun(std::vector<uint32_t>& ids, uint32_t r, uint32_t re,
                  uint32_t w, const RdataOf& rdata_of,
                  std::vector<uint32_t>& scratch,
                  std::vector<uint32_t>& dropped) {
  if (re - r <= kPairwiseDedupLimit) {
    const uint32_t run_w = w;
    for (uint32_t k = r; k < re; ++k) {
      bool dup = false;
      for (uint32_t j = run_w; j < w && !dup; ++j)
        dup = rdata_of(ids[j]) == rdata_of(ids[k]);
      if (!dup) ids[w++] = ids[k];
    }
    return w;
  }
  // Sort a copy by RDATA; all but the first of equal RDATA are dropped.
  scratch.assign(ids.begin() + r, ids.begin() + re);
  std::sort(scratch.begin(), scratch.end(), [&](uint32_t x, uint32_t y) {
    const int c = rdata_of(x).compare(rdata_of(y));
    return c != 0 ? c < 0 : x < y;
  });
  dropped.clear();
  for (size_t k = 1; k < scratch.size(); ++k) {
    if (rdata_of(scratch[k]) == rdata_of(scratch[k - 1]))
      dropped.push_back(scratch[k]);
  }
  std::sort(dropped.begin(), dropped.end());
  size_t d = 0;
  for (uint32_t k = r; k < re; ++k) {
    if (d < dropped.size() && dropped[d] == ids[k]) {
      ++d;
      continue;
    }
    ids[w++] = ids[k];
  }
  return w;
}

// Key of an RRset or routed group in the builder's maps.
uint64_t RRsetKey(uint32_t owner_id, uint16_t type) {
  return (uint64_t{owner_id} << 16) | type;
}

}  // namespace

namespace builder_internal {

std::string TypeText(uint16_t type) {
  char buf[16];
  return dns::RRTypeName(type, buf);
}

}  // namespace builder_internal

std::string DescribeRecordSet(std::string_view owner_wire, uint16_t type,
                              std::string_view set_identifier) {
  std::string out = absl::StrCat("record set [name='",
                                 dns::NameToText(owner_wire), "', type='",
                                 TypeText(type), "'");
  if (!set_identifier.empty())
    absl::StrAppend(&out, ", set-identifier='", AV(set_identifier), "'");
  out += "]";
  return out;
}

std::string UnknownHealthCheckIdError(std::string_view owner_wire, uint16_t type,
                                      const RoutedMember& member) {
  return absl::StrCat(member.source, ": ",
                      DescribeRecordSet(owner_wire, type, member.set_identifier),
                      ": HealthCheckId '", member.health_check_id,
                      "' is not a configured health check");
}

std::string CanonicalizeRdata(uint16_t type, std::string* rdata) {
  return CheckRdata(type, rdata->data(), rdata->size());
}

ZoneBuilder::ZoneBuilder(std::string origin_wire)
    : origin_(std::move(origin_wire)) {
  for (char& c : origin_)
    c = static_cast<char>(dns::LowerOctet(static_cast<uint8_t>(c)));
}

int ZoneBuilder::AddSource(std::string path) {
  sources_.push_back(std::move(path));
  return static_cast<int>(sources_.size()) - 1;
}

std::string ZoneBuilder::Where(SourceLocation loc) const {
  std::string out =
      loc.file >= 0 && static_cast<size_t>(loc.file) < sources_.size()
          ? sources_[loc.file]
          : std::string("(unknown)");
  if (loc.line > 0) absl::StrAppend(&out, ":", loc.line);
  return out;
}

std::string ZoneBuilder::CheckOwner(std::string_view owner_wire,
                                    char (&buf)[dns::kMaxNameLength]) const {
  if (owner_wire.size() > sizeof buf) return "owner name is too long";
  std::memcpy(buf, owner_wire.data(), owner_wire.size());
  if (owner_wire.empty() ||
      ScanName(buf, owner_wire.size(), 0) != owner_wire.size()) {
    return "malformed owner name";
  }
  const std::string_view owner(buf, owner_wire.size());
  if (!dns::NameIsSubdomain(owner, origin_)) {
    return absl::StrCat("owner ", dns::NameToText(owner),
                        " is outside the zone ", dns::NameToText(origin_));
  }
  return {};
}

absl::Status ZoneBuilder::RecordSetError(SourceLocation loc,
                                         std::string_view owner_wire,
                                         uint16_t type,
                                         std::string_view set_identifier,
                                         std::string_view what) const {
  return absl::InvalidArgumentError(absl::StrCat(
      Where(loc), ": ", DescribeRecordSet(owner_wire, type, set_identifier),
      ": ", AV(what)));
}

absl::Status ZoneBuilder::Add(std::string_view owner_wire, uint16_t type,
                              uint16_t rclass, uint32_t ttl,
                              std::string_view rdata, SourceLocation loc) {
  char owner_buf[dns::kMaxNameLength];
  if (std::string problem = CheckOwner(owner_wire, owner_buf);
      !problem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(Where(loc), ": ", problem));
  }
  const std::string_view owner(owner_buf, owner_wire.size());
  if (rclass != dns::rrclass::kIN) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(loc), ": class ", ClassText(rclass),
                     " is not supported (only IN)"));
  }
  if (IsMetaType(type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(loc), ": type ", TypeText(type), " cannot appear in a zone"));
  }
  if (rdata.size() > 0xffff) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(loc), ": RDATA is longer than 65535 octets"));
  }
  const size_t off = rdata_.size();
  if (off + rdata.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(Where(loc), ": zone data exceeds 4 GiB"));
  }
  rdata_.append(rdata);
  std::string problem = CheckRdata(type, rdata_.data() + off, rdata.size());
  if (!problem.empty()) {
    rdata_.resize(off);
    return absl::InvalidArgumentError(
        absl::StrCat(Where(loc), ": ", TypeText(type), " record at ",
                     dns::NameToText(owner), " ", problem));
  }

  const auto owner_id = static_cast<uint32_t>(owners_.size());
  const uint32_t oid = owners_.try_emplace(AV(owner), owner_id).first->second;
  const auto rr = static_cast<uint32_t>(rrs_.size());
  const uint64_t key = RRsetKey(oid, type);
  auto [first_it, first] = rrset_first_.try_emplace(key, rr);
  if (!first) {
    const PendingRR& head = rrs_[first_it->second];
    if (!whole_rrsets_.empty() && whole_rrsets_.contains(key)) {
      rdata_.resize(off);
      return absl::InvalidArgumentError(absl::StrCat(
          Where(loc), ": ", TypeText(type), " record at ",
          dns::NameToText(owner), " duplicates ",
          DescribeRecordSet(owner, type, ""), " from ", Where(head.loc),
          " (a name and type is defined in one place)"));
    }
    // RRSIGs keep their own TTLs (each the TTL of the RRset it covers, RFC
    // 4034 §3): not one RRset in the RFC 2181 sense.
    if (head.ttl != ttl && type != dns::rrtype::kRRSIG) {
      warnings_.push_back(absl::StrCat(
          Where(loc), ": TTL ", ttl, " of ", dns::NameToText(owner), " ",
          TypeText(type), " differs from the RRset's TTL ", head.ttl,
          "; using ", head.ttl, " (RFC 2181 §5.2)"));
    }
  }
  if (type == dns::rrtype::kRRSIG) has_rrsig_ = true;
  rrs_.push_back(PendingRR{oid, ttl, static_cast<uint32_t>(off),
                           static_cast<uint16_t>(rdata.size()), type, loc});
  return absl::OkStatus();
}

absl::Status ZoneBuilder::AddRecordSet(std::string_view owner_wire,
                                       uint16_t type, uint32_t ttl,
                                       const std::vector<std::string>& rdatas,
                                       SourceLocation loc) {
  auto fail = [&](std::string_view what) {
    return RecordSetError(loc, owner_wire, type, "", what);
  };
  char owner_buf[dns::kMaxNameLength];
  if (std::string problem = CheckOwner(owner_wire, owner_buf);
      !problem.empty()) {
    return fail(problem);
  }
  const std::string_view owner(owner_buf, owner_wire.size());
  if (rdatas.empty()) return fail("has no values");
  if (type == kCNAME && rdatas.size() > 1)
    return fail("a CNAME record has one value");
  if (auto o = owners_.find(AV(owner)); o != owners_.end()) {
    if (auto f = rrset_first_.find(RRsetKey(o->second, type));
        f != rrset_first_.end()) {
      return fail(absl::StrCat(
          "duplicates the ", dns::NameToText(owner), " ", TypeText(type),
          " record set from ", Where(rrs_[f->second].loc),
          " (a name and type is defined in one place)"));
    }
  }
  const std::string prefix = absl::StrCat(Where(loc), ": ");
  for (const std::string& rdata : rdatas) {
    absl::Status s = Add(owner, type, dns::rrclass::kIN, ttl, rdata, loc);
    if (!s.ok()) {
      // Name the record set: "file:line: what" -> "file:line: [...]: what".
      std::string_view what(s.message().data(), s.message().size());
      if (what.substr(0, prefix.size()) == prefix)
        what.remove_prefix(prefix.size());
      return fail(what);
    }
  }
  whole_rrsets_.insert(RRsetKey(owners_.find(AV(owner))->second, type));
  return absl::OkStatus();
}

absl::Status ZoneBuilder::AddRouted(std::string_view owner_wire, uint16_t type,
                                    RoutingPolicy policy, RoutedMember member,
                                    const std::vector<std::string>& rdatas,
                                    uint32_t ttl, SourceLocation loc) {
  auto fail = [&](std::string_view what) {
    return RecordSetError(loc, owner_wire, type, member.set_identifier, what);
  };
  char owner_buf[dns::kMaxNameLength];
  if (std::string problem = CheckOwner(owner_wire, owner_buf);
      !problem.empty()) {
    return fail(problem);
  }
  const std::string_view owner(owner_buf, owner_wire.size());
  if (IsMetaType(type)) {
    return fail(
        absl::StrCat("type ", TypeText(type), " cannot appear in a zone"));
  }
  if (type == kSOA || type == kNS || type == kDS) {
    return fail(absl::StrCat("a ", TypeText(type),
                             " record set is always simple (no routing "
                             "policy, no alias)"));
  }
  RRset& rs = member.rrset;
  rs = RRset();
  if (member.is_alias()) {
    if (!rdatas.empty()) return fail("an alias record has no values");
    std::string& target = member.alias_target;
    if (target.size() > dns::kMaxNameLength ||
        ScanName(target.data(), target.size(), 0) != target.size()) {
      return fail("malformed alias target name");
    }
    rs.type = type;
    rs.names = RdataNamesFor(type);
  } else {
    if (rdatas.empty()) return fail("has no values");
    if (member.evaluate_target_health)
      return fail("EvaluateTargetHealth is only for alias records");
    // Checked, lower-cased copies of the values, then as a static RRset.
    std::vector<std::string> values(rdatas);
    for (std::string& v : values) {
      if (v.size() > 0xffff) return fail("RDATA is longer than 65535 octets");
      std::string problem = CheckRdata(type, v.data(), v.size());
      if (!problem.empty()) {
        return fail(absl::StrCat(TypeText(type), " record at ",
                                 dns::NameToText(owner), " ", problem));
      }
    }
    std::vector<uint32_t> keep(values.size());
    std::iota(keep.begin(), keep.end(), 0u);
    std::vector<uint32_t> scratch;
    std::vector<uint32_t> dropped;
    const uint32_t n = DedupRun(
        keep, 0, static_cast<uint32_t>(keep.size()), 0,
        [&](uint32_t i) { return std::string_view(values[i]); }, scratch,
        dropped);
    if (n > kMaxRRsetCount) {
      return fail(absl::StrCat("has more than ", kMaxRRsetCount, " values"));
    }
    if (type == kCNAME && n > 1) return fail("a CNAME record has one value");
    EncodeRRset(
        type, ttl, n,
        [&](uint32_t k) { return std::string_view(values[keep[k]]); }, &rs);
  }
  if (member.source.empty()) member.source = Where(loc);

  const auto owner_id = static_cast<uint32_t>(owners_.size());
  const uint32_t oid = owners_.try_emplace(AV(owner), owner_id).first->second;
  routed_.push_back(PendingRouted{oid, type, policy,
                                  static_cast<uint32_t>(rrs_.size()), loc,
                                  std::move(member)});
  return absl::OkStatus();
}

// --- Build() -----------------------------------------------------------------
//
// Build() runs in phases: GroupByOwner and SortAndDropDuplicates arrange the
// static RRs by owner and type (an OwnerIndex); Validate (builder_checks.cc)
// checks them and the routed groups; the compile is CompileNodes,
// AttachRoutedGroups, AddEmptyNonTerminals, LinkNodes (flags, zone cuts,
// wildcards) and ReadSoaFields.

ZoneBuilder::OwnerIndex ZoneBuilder::GroupByOwner() const {
  const auto n_owners = static_cast<uint32_t>(owners_.size());
  const auto n_rrs = static_cast<uint32_t>(rrs_.size());
  OwnerIndex ix;
  ix.names.resize(n_owners);
  for (const auto& [name, id] : owners_) ix.names[id] = &name;
  auto apex_it = owners_.find(AV(origin_));
  ix.apex = apex_it == owners_.end() ? n_owners : apex_it->second;
  // Counting sort: keeps file order inside an owner.
  ix.begin.assign(size_t{n_owners} + 1, 0);
  for (const PendingRR& rr : rrs_) ++ix.begin[rr.owner + 1];
  for (uint32_t o = 0; o < n_owners; ++o) ix.begin[o + 1] += ix.begin[o];
  ix.perm.resize(n_rrs);  // RR indices (= file order)
  std::vector<uint32_t> next(ix.begin.begin(), ix.begin.end() - 1);
  for (uint32_t i = 0; i < n_rrs; ++i) ix.perm[next[rrs_[i].owner]++] = i;
  return ix;
}

uint32_t ZoneBuilder::SortAndDropDuplicates(OwnerIndex& ix) const {
  std::vector<uint32_t>& begin = ix.begin;
  std::vector<uint32_t>& perm = ix.perm;
  auto rdata_of = [this](uint32_t rr) { return RdataOf(rr); };
  // Compacts `perm` in place; begin[o] moves to the compacted range.
  uint32_t w = 0;
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> dropped;
  for (uint32_t o = 0; o < ix.owners(); ++o) {
    const uint32_t b = begin[o];
    const uint32_t e = begin[o + 1];
    begin[o] = w;
    if (e - b > 1) {
      std::sort(
          perm.begin() + b, perm.begin() + e, [this](uint32_t x, uint32_t y) {
            return rrs_[x].type != rrs_[y].type ? rrs_[x].type < rrs_[y].type
                                                : x < y;
          });
    }
    for (uint32_t r = b; r < e;) {
      const uint32_t re = ix.RRsetEnd(rrs_, r, e);
      w = DedupRun(perm, r, re, w, rdata_of, scratch, dropped);
      r = re;
    }
  }
  begin[ix.owners()] = w;
  perm.resize(w);
  return w;
}

std::vector<uint32_t> ZoneBuilder::SortRoutedGroups() const {
  std::vector<uint32_t> rorder(routed_.size());
  std::iota(rorder.begin(), rorder.end(), 0u);
  std::stable_sort(rorder.begin(), rorder.end(), [this](uint32_t x, uint32_t y) {
    const PendingRouted& a = routed_[x];
    const PendingRouted& b = routed_[y];
    return a.owner != b.owner ? a.owner < b.owner : a.type < b.type;
  });
  return rorder;
}

std::vector<uint8_t> ZoneBuilder::CompileNodes(const OwnerIndex& ix,
                                               std::vector<Node>& nodes) const {
  const uint32_t n_owners = ix.owners();
  nodes.reserve(size_t{n_owners} + n_owners / 8 + 1);
  nodes.resize(n_owners);
  std::vector<uint8_t> is_delegation(n_owners, 0);
  for (uint32_t o = 0; o < n_owners; ++o) {
    Node& node = nodes[o];
    node.owner = *ix.names[o];
    const uint32_t ob = ix.begin[o];
    const uint32_t oe = ix.begin[o + 1];
    size_t n_types = 0;
    for (uint32_t k = ob; k < oe; ++k) {
      n_types += k == ob || rrs_[ix.perm[k]].type != rrs_[ix.perm[k - 1]].type;
    }
    node.rrsets.reserve(n_types);
    for (uint32_t r = ob; r < oe;) {
      const PendingRR& first = rrs_[ix.perm[r]];
      const uint32_t re = ix.RRsetEnd(rrs_, r, oe);
      // The first RR in the file sets the RRset's TTL.
      EncodeRRset(
          first.type, first.ttl, re - r,
          [&](uint32_t k) { return RdataOf(ix.perm[r + k]); },
          &node.rrsets.emplace_back());
      if (first.type == dns::rrtype::kRRSIG) {
        // Each RRSIG keeps its own TTL, as NSD serves them.
        RRset& sigs = node.rrsets.back();
        for (uint32_t k = 0; k < re - r; ++k)
          PutU32(sigs.wire.data() + sigs.rr_offsets[k] + 4, rrs_[ix.perm[r + k]].ttl);
      }
      if (first.type == kCNAME) node.flags |= node_flag::kCname;
      if (first.type == kNS && o != ix.apex) is_delegation[o] = 1;
      r = re;
    }
  }
  return is_delegation;
}

void ZoneBuilder::AttachRoutedGroups(const std::vector<uint32_t>& rorder,
                                     std::vector<Node>& nodes) {
  // Sorted by type inside each node (rorder's order).
  for (size_t g = 0; g < rorder.size();) {
    const PendingRouted& head = routed_[rorder[g]];
    Node& node = nodes[head.owner];
    node.flags |= node_flag::kRouted;
    RoutedGroup& group = node.routed.emplace_back();
    group.type = head.type;
    group.policy = head.policy;
    size_t ge = g;
    while (ge < rorder.size() && routed_[rorder[ge]].owner == head.owner &&
           routed_[rorder[ge]].type == head.type) {
      ++ge;
    }
    group.members.reserve(ge - g);
    for (size_t k = g; k < ge; ++k)
      group.members.push_back(std::move(routed_[rorder[k]].member));
    g = ge;
  }
  std::vector<PendingRouted>().swap(routed_);
}

void ZoneBuilder::ReleaseInput(OwnerIndex& ix) {
  std::vector<PendingRR>().swap(rrs_);
  std::string().swap(rdata_);
  std::vector<uint32_t>().swap(ix.perm);
  std::vector<uint32_t>().swap(ix.begin);
  ix.names.clear();  // keys of owners_ may move from here on
}

void ZoneBuilder::AddEmptyNonTerminals(uint32_t n_owners,
                                       std::vector<Node>& nodes) {
  // Every name between an owner and the apex.
  std::string cur;
  cur.reserve(dns::kMaxNameLength);
  for (uint32_t i = 0; i < n_owners; ++i) {
    const std::string_view parent = dns::NameParent(nodes[i].owner);
    // Usually the parent exists already: look before copying anything.
    if (parent.size() <= origin_.size() || owners_.contains(AV(parent)))
      continue;
    cur.assign(nodes[i].owner);
    for (;;) {
      cur.erase(0, static_cast<uint8_t>(cur[0]) + size_t{1});  // parent
      if (cur.size() <= origin_.size()) break;                 // the apex
      if (!owners_.try_emplace(cur, static_cast<uint32_t>(nodes.size())).second)
        break;
      nodes.emplace_back().owner = cur;
    }
  }
}

void ZoneBuilder::LinkNodes(Zone& zone, uint32_t n_owners,
                            const std::vector<uint8_t>& is_delegation) const {
  std::vector<Node>& nodes = zone.nodes_;
  // Parents before children: a counting sort by depth below the apex.
  const auto n_nodes = static_cast<uint32_t>(nodes.size());
  const int apex_labels = dns::NameLabelCount(origin_);
  std::vector<uint8_t> depth(n_nodes);
  std::vector<uint32_t> at_depth(dns::kMaxLabels + 2, 0);
  for (uint32_t i = 0; i < n_nodes; ++i) {
    depth[i] =
        static_cast<uint8_t>(dns::NameLabelCount(nodes[i].owner) - apex_labels);
    ++at_depth[depth[i] + 1];
  }
  for (size_t d = 1; d < at_depth.size(); ++d) at_depth[d] += at_depth[d - 1];
  std::vector<uint32_t> order(n_nodes);
  for (uint32_t i = 0; i < n_nodes; ++i) order[at_depth[depth[i]]++] = i;
  std::vector<uint8_t>().swap(depth);

  nodes[0].flags |= node_flag::kApex;
  if (dns::NameIsWildcard(nodes[0].owner))
    nodes[0].flags |= node_flag::kWildcard;
  for (uint32_t i : order) {
    if (i == 0) continue;
    Node& node = nodes[i];
    const uint32_t parent = zone.index_.Find(dns::NameParent(node.owner), nodes);
    const uint32_t parent_cut = nodes[parent].cut;
    if (parent_cut != kNoNode) {
      node.cut = parent_cut;
      node.flags |= node_flag::kBelowCut;
    }
    if (i < n_owners && is_delegation[i]) {
      node.flags |= node_flag::kDelegation;
      if (node.cut == kNoNode) node.cut = i;
    }
    if (dns::NameIsWildcard(node.owner)) {
      node.flags |= node_flag::kWildcard;
      nodes[parent].wildcard_child = i;
    }
  }
}

void ZoneBuilder::ReadSoaFields(Zone& zone) {
  // SOA: MNAME, RNAME, SERIAL, REFRESH, RETRY, EXPIRE, MINIMUM.
  const RRset& soa = zone.soa();
  std::string soa_rdata(soa.rdata(0));
  size_t pos = ScanName(soa_rdata.data(), soa_rdata.size(), 0);
  pos = ScanName(soa_rdata.data(), soa_rdata.size(), pos);
  zone.serial_ = GetU32(soa_rdata.data() + pos);
  zone.negative_ttl_ = std::min(soa.ttl, GetU32(soa_rdata.data() + pos + 16));
}

namespace {

// The value of a base32hex digit (RFC 4648 §7, either case), or -1.
int Base32HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'v') return c - 'a' + 10;
  if (c >= 'A' && c <= 'V') return c - 'A' + 10;
  return -1;
}

// Decodes the first label of an NSEC3 owner (32 base32hex digits) into a
// SHA-1 hash; false if it is not one.
bool DecodeNsec3Label(std::string_view owner, uint8_t (&hash)[20]) {
  if (owner.empty() || static_cast<uint8_t>(owner[0]) != 32 || owner.size() < 33) return false;
  uint64_t acc = 0;
  int bits = 0;
  size_t out = 0;
  for (size_t i = 1; i <= 32; ++i) {
    const int d = Base32HexDigit(owner[i]);
    if (d < 0) return false;
    acc = (acc << 5) | static_cast<uint64_t>(d);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      hash[out++] = static_cast<uint8_t>(acc >> bits);
    }
  }
  return out == 20;
}

// Whether every RRset of `node` is NSEC3 or RRSIG, with one NSEC3 at least.
bool OnlyNsec3(const Node& node) {
  bool nsec3 = false;
  for (const RRset& rs : node.rrsets) {
    if (rs.type == dns::rrtype::kNSEC3) {
      nsec3 = true;
    } else if (rs.type != dns::rrtype::kRRSIG) {
      return false;
    }
  }
  return nsec3 && node.routed.empty();
}

}  // namespace

void ZoneBuilder::BuildDnssec(Zone& zone) {
  auto dnssec = std::make_shared<ZoneDnssec>();
  std::vector<Node>& nodes = zone.nodes_;
  // RRSIGs per covered RRset: RDATA starts with the type covered.
  for (Node& node : nodes) {
    const RRset* all = node.Find(dns::rrtype::kRRSIG);
    if (all == nullptr) continue;
    for (RRset& rs : node.rrsets) {
      if (rs.type == dns::rrtype::kRRSIG) continue;
      RRset sigs;
      sigs.type = dns::rrtype::kRRSIG;
      sigs.names = RdataNames::kOther;  // the signer's name is never compressed
      for (uint16_t k = 0; k < all->count; ++k) {
        const std::string_view rdata = all->rdata(k);
        if (rdata.size() < 2 || GetU16(rdata.data()) != rs.type) continue;
        const size_t at = all->rr_offsets[k];
        sigs.rr_offsets.push_back(static_cast<uint32_t>(sigs.wire.size()));
        sigs.wire.append(all->wire, at, kRRFixedSize + rdata.size());
        if (sigs.count == 0) sigs.ttl = GetU32(all->wire.data() + at + 4);
        ++sigs.count;
      }
      if (sigs.count == 0) continue;
      rs.sigs = static_cast<uint32_t>(dnssec->signatures.size());
      dnssec->signatures.push_back(std::move(sigs));
    }
  }
  // The NSEC3 chain of the apex's NSEC3PARAM (RFC 5155 §4, §7.2): its
  // owners are hashed names right below the apex with nothing but NSEC3.
  if (const RRset* param = nodes[0].Find(dns::rrtype::kNSEC3PARAM);
      param != nullptr && param->count > 0) {
    const std::string_view p = param->rdata(0);  // alg flags iter(2) salt_len salt
    if (p.size() >= 5 && p.size() >= 5u + static_cast<uint8_t>(p[4])) {
      dnssec->nsec3_algorithm = static_cast<uint8_t>(p[0]);
      dnssec->nsec3_iterations = GetU16(p.data() + 2);
      dnssec->nsec3_salt.assign(p.substr(5, static_cast<uint8_t>(p[4])));
      const std::string_view salt = dnssec->nsec3_salt;
      for (uint32_t i = 1; i < nodes.size(); ++i) {
        Node& node = nodes[i];
        if (dns::NameParent(node.owner) != origin_ || !OnlyNsec3(node)) continue;
        ZoneDnssec::Nsec3Entry e;
        if (!DecodeNsec3Label(node.owner, e.hash)) continue;
        const RRset* nsec3 = node.Find(dns::rrtype::kNSEC3);
        const std::string_view r = nsec3->rdata(0);  // alg flags iter(2) salt_len salt ...
        if (r.size() < 5 || static_cast<uint8_t>(r[0]) != dnssec->nsec3_algorithm ||
            GetU16(r.data() + 2) != dnssec->nsec3_iterations ||
            r.substr(5, static_cast<uint8_t>(r[4])) != salt) {
          continue;  // another chain (RFC 5155 §7.2: the NSEC3PARAM's counts)
        }
        node.cut = kNsec3Owner;
        e.node = i;
        dnssec->nsec3_chain.push_back(e);
      }
      std::sort(dnssec->nsec3_chain.begin(), dnssec->nsec3_chain.end(),
                [](const ZoneDnssec::Nsec3Entry& a, const ZoneDnssec::Nsec3Entry& b) {
                  return std::memcmp(a.hash, b.hash, 20) < 0;
                });
    }
  }
  // NSEC owners in canonical order (RFC 4034 §6.1).
  for (uint32_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].Find(dns::rrtype::kNSEC) != nullptr) dnssec->nsec_chain.push_back(i);
  std::sort(dnssec->nsec_chain.begin(), dnssec->nsec_chain.end(),
            [&nodes](uint32_t a, uint32_t b) {
              return CanonicalNameCompare(nodes[a].owner, nodes[b].owner) < 0;
            });
  dnssec->signatures.shrink_to_fit();
  zone.dnssec_ = std::move(dnssec);
}

absl::StatusOr<std::shared_ptr<const Zone>> ZoneBuilder::Build() && {
  decltype(rrset_first_)().swap(rrset_first_);  // not needed any more
  decltype(whole_rrsets_)().swap(whole_rrsets_);
  OwnerIndex ix = GroupByOwner();
  const uint32_t record_count = SortAndDropDuplicates(ix);
  const std::vector<uint32_t> rorder = SortRoutedGroups();
  if (absl::Status s = Validate(ix, rorder); !s.ok()) return s;

  // Node i is owner i for now; empty non-terminals follow.
  std::shared_ptr<Zone> zone(new Zone());
  const uint32_t n_owners = ix.owners();
  const uint32_t apex = ix.apex;
  std::vector<uint8_t> is_delegation = CompileNodes(ix, zone->nodes_);
  AttachRoutedGroups(rorder, zone->nodes_);
  ReleaseInput(ix);  // the RRs are encoded: release the builder's copy early
  AddEmptyNonTerminals(n_owners, zone->nodes_);
  if (apex != 0) {  // node 0 must be the apex
    std::swap(zone->nodes_[0], zone->nodes_[apex]);
    std::swap(is_delegation[0], is_delegation[apex]);
  }
  // The Zone indexes its nodes itself (owner names stay in the nodes only).
  owners_ = {};
  zone->index_.Build(zone->nodes_);
  LinkNodes(*zone, n_owners, is_delegation);
  ReadSoaFields(*zone);
  if (has_rrsig_) BuildDnssec(*zone);
  zone->record_count_ = record_count;
  zone->sources_ = std::move(has_zone_sources_ ? zone_sources_ : sources_);
  if (record_count >= kTrimAfterRecords) {
    // The builder's per-RR structures are freed by now, but in the middle
    // of the heap, where malloc keeps them: give them back to the system
    // (about 40 MiB of a 1,000,000-record zone's resident memory).
    malloc_trim(0);
  }
  return std::shared_ptr<const Zone>(std::move(zone));
}

}  // namespace zones
