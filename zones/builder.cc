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

namespace zones {
namespace {

using dns::rrtype::kA;
using dns::rrtype::kAAAA;
using dns::rrtype::kCNAME;
using dns::rrtype::kDS;
using dns::rrtype::kNS;
using dns::rrtype::kNSEC;
using dns::rrtype::kRRSIG;
using dns::rrtype::kSOA;

// Debian's Abseil has its own absl::string_view (not std::string_view): what
// StrCat and the maps' heterogeneous lookups take.
using base::AV;

// Fixed part of an RR after the owner: TYPE, CLASS, TTL, RDLENGTH.
constexpr size_t kRRFixedSize = 10;
// Most RRs one RRset can hold (RRset::count is 16 bits).
constexpr size_t kMaxRRsetCount = 0xffff;
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
  if (layout == nullptr) return "";
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
  return "";
}

std::string TypeText(uint16_t type) {
  char buf[16];
  return dns::RRTypeName(type, buf);
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

void PutU16(char* p, uint16_t v) {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}
void PutU32(char* p, uint32_t v) {
  PutU16(p, static_cast<uint16_t>(v >> 16));
  PutU16(p + 2, static_cast<uint16_t>(v));
}
uint32_t GetU32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) |
         (uint32_t{u[2]} << 8) | u[3];
}

// Keeps the first problem in file order: the one whose RR was added first.
class FirstError {
 public:
  bool Wants(int64_t order) const { return order < order_; }
  void Set(int64_t order, std::string message) {
    order_ = order;
    message_ = std::move(message);
  }
  bool found() const { return order_ != std::numeric_limits<int64_t>::max(); }
  int64_t order() const { return order_; }
  const std::string& message() const { return message_; }

 private:
  int64_t order_ = std::numeric_limits<int64_t>::max();
  std::string message_;
};

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

// Encodes `n` RRs of one RRset into `rs`: TYPE CLASS TTL RDLENGTH RDATA
// each, with RDATA rdata_at(0..n-1). The one encoder of static RRsets and
// routed members.
template <typename RdataAt>
void EncodeRRset(uint16_t type, uint32_t ttl, uint32_t n,
                 const RdataAt& rdata_at, RRset* rs) {
  size_t bytes = 0;
  for (uint32_t k = 0; k < n; ++k) bytes += kRRFixedSize + rdata_at(k).size();
  rs->type = type;
  rs->ttl = ttl;
  rs->count = static_cast<uint16_t>(n);
  rs->names = RdataNamesFor(type);
  rs->wire.reserve(bytes);
  rs->rr_offsets.reserve(n);
  char fixed[kRRFixedSize];
  PutU16(fixed, type);
  PutU16(fixed + 2, dns::rrclass::kIN);
  PutU32(fixed + 4, ttl);
  for (uint32_t k = 0; k < n; ++k) {
    const std::string_view rdata = rdata_at(k);
    rs->rr_offsets.push_back(static_cast<uint32_t>(rs->wire.size()));
    PutU16(fixed + 8, static_cast<uint16_t>(rdata.size()));
    rs->wire.append(fixed, kRRFixedSize);
    rs->wire.append(rdata);
  }
}

// Key of an RRset or routed group in the builder's maps.
uint64_t RRsetKey(uint32_t owner_id, uint16_t type) {
  return (uint64_t{owner_id} << 16) | type;
}

// A routed member as other errors refer to it.
std::string MemberRef(const RoutedMember& m) {
  return m.set_identifier.empty()
             ? absl::StrCat("the record at ", m.source)
             : absl::StrCat("set-identifier='", m.set_identifier, "'");
}

const char* FailoverRoleName(FailoverRole role) {
  switch (role) {
    case FailoverRole::kPrimary: return "PRIMARY";
    case FailoverRole::kSecondary: return "SECONDARY";
    case FailoverRole::kNone: break;
  }
  return "none";
}

// Route 53's Weight range.
constexpr uint32_t kMaxWeight = 255;

}  // namespace

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
  return "";
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
    if (head.ttl != ttl) {
      warnings_.push_back(absl::StrCat(
          Where(loc), ": TTL ", ttl, " of ", dns::NameToText(owner), " ",
          TypeText(type), " differs from the RRset's TTL ", head.ttl,
          "; using ", head.ttl, " (RFC 2181 §5.2)"));
    }
  }
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
// static RRs by owner and type; Validate runs StaticChecks, then
// RoutedChecks, and reports the earlier problem; the compile is
// CompileNodes, AttachRoutedGroups, AddEmptyNonTerminals, LinkNodes (flags,
// zone cuts, wildcards) and ReadSoaFields.

// Build()'s static RRs grouped by owner: owner o's RRs are rrs_[perm[k]] for
// k in [begin[o], begin[o + 1]), in file order, and after
// SortAndDropDuplicates sorted by (type, file order) without duplicates;
// names[o] is owner o's wire name.
struct ZoneBuilder::OwnerIndex {
  std::vector<uint32_t> begin;
  std::vector<uint32_t> perm;
  std::vector<const std::string*> names;
  uint32_t apex = 0;  // the apex's owner id; names.size() if it has no RR

  uint32_t owners() const { return static_cast<uint32_t>(names.size()); }
  // The end of the run of one type (an RRset once sorted) that starts at
  // perm[r], at most `e`.
  uint32_t RRsetEnd(const std::vector<PendingRR>& rrs, uint32_t r,
                    uint32_t e) const {
    uint32_t re = r + 1;
    while (re < e && rrs[perm[re]].type == rrs[perm[r]].type) ++re;
    return re;
  }
};

// Build()'s checks of the static RRsets (the rules in builder.h); each keeps
// the problem first in file order (FirstError, ordered by RR index).
class ZoneBuilder::StaticChecks {
 public:
  StaticChecks(const ZoneBuilder& builder, const OwnerIndex& ix)
      : b_(builder), ix_(ix), origin_text_(dns::NameToText(builder.origin_)) {}

  Problem Run() {
    MarkAddressOwners();
    for (uint32_t o = 0; o < ix_.owners(); ++o) CheckOwner(o);
    CheckApexSoa();
    return Problem{err_.order(), err_.message()};
  }

 private:
  std::string Where(uint32_t rr) const { return b_.Where(b_.rrs_[rr].loc); }
  std::string Name(uint32_t o) const { return dns::NameToText(*ix_.names[o]); }
  uint16_t TypeAt(uint32_t k) const { return b_.rrs_[ix_.perm[k]].type; }

  // has_address_[o]: owner o has an A or AAAA RRset (glue for NS targets).
  void MarkAddressOwners() {
    has_address_.assign(ix_.owners(), 0);
    for (uint32_t o = 0; o < ix_.owners(); ++o) {
      for (uint32_t k = ix_.begin[o]; k < ix_.begin[o + 1]; ++k) {
        if (TypeAt(k) == kA || TypeAt(k) == kAAAA) has_address_[o] = 1;
      }
    }
  }

  // Owner o's RRsets, one by one, then the apex's NS.
  void CheckOwner(uint32_t o) {
    const uint32_t ob = ix_.begin[o];
    const uint32_t oe = ix_.begin[o + 1];
    bool has_ns = false;
    for (uint32_t r = ob; r < oe;) {
      const uint32_t re = ix_.RRsetEnd(b_.rrs_, r, oe);
      CheckRRsetSize(o, r, re);
      switch (TypeAt(r)) {
        case kSOA:
          CheckSoa(o, r, re);
          break;
        case kCNAME:
          CheckOneCname(o, r, re);
          CheckCnameExclusivity(o, r);
          break;
        case kNS:
          has_ns = true;
          if (o != ix_.apex) CheckDelegationGlue(o, r, re);
          break;
        default:
          break;
      }
      r = re;
    }
    if (o == ix_.apex && apex_has_soa_ && !has_ns) CheckApexNs(o);
  }

  // The RRset perm[r..re) of owner o fits RRset::count.
  void CheckRRsetSize(uint32_t o, uint32_t r, uint32_t re) {
    if (re - r <= kMaxRRsetCount) return;
    const uint32_t rr = ix_.perm[r + kMaxRRsetCount];
    if (!err_.Wants(rr)) return;
    err_.Set(rr, absl::StrCat(Where(rr), ": ", Name(o), " ", TypeText(TypeAt(r)),
                              " has more than ", kMaxRRsetCount, " records"));
  }

  // One SOA RR, at the apex.
  void CheckSoa(uint32_t o, uint32_t r, uint32_t re) {
    const uint32_t first = ix_.perm[r];
    if (o != ix_.apex) {
      if (err_.Wants(first)) {
        err_.Set(first, absl::StrCat(Where(first), ": SOA record at ", Name(o),
                                     " is not at the zone apex ", origin_text_));
      }
      return;
    }
    apex_has_soa_ = true;
    if (re - r > 1 && err_.Wants(ix_.perm[r + 1])) {
      const uint32_t second = ix_.perm[r + 1];
      err_.Set(second, absl::StrCat(Where(second), ": zone ", origin_text_,
                                    " has more than one SOA record (first at ",
                                    Where(first), ")"));
    }
  }

  // At most one CNAME RR per owner.
  void CheckOneCname(uint32_t o, uint32_t r, uint32_t re) {
    if (re - r <= 1 || !err_.Wants(ix_.perm[r + 1])) return;
    const uint32_t second = ix_.perm[r + 1];
    err_.Set(second, absl::StrCat(Where(second), ": ", Name(o),
                                  " has more than one CNAME record (first at ",
                                  Where(ix_.perm[r]), ")"));
  }

  // No other data beside the CNAME perm[r] (RFC 1034 §3.6.2; DNSSEC's RRSIG
  // and NSEC are allowed, RFC 4035 §2.5): names the first one in the file.
  void CheckCnameExclusivity(uint32_t o, uint32_t r) {
    const uint32_t n_rrs = static_cast<uint32_t>(b_.rrs_.size());
    uint32_t other = n_rrs;
    for (uint32_t k = ix_.begin[o]; k < ix_.begin[o + 1]; ++k) {
      const uint16_t t = TypeAt(k);
      if (t != kCNAME && t != kRRSIG && t != kNSEC)
        other = std::min(other, ix_.perm[k]);
    }
    const uint32_t cname = ix_.perm[r];
    if (other == n_rrs || !err_.Wants(cname)) return;
    err_.Set(cname, absl::StrCat(Where(cname), ": CNAME at ", Name(o),
                                 " cannot coexist with other data (",
                                 TypeText(b_.rrs_[other].type), " at ",
                                 Where(other), ")"));
  }

  // A delegation's in-bailiwick NS targets (perm[r..re)) need glue.
  void CheckDelegationGlue(uint32_t o, uint32_t r, uint32_t re) {
    for (uint32_t k = r; k < re; ++k) {
      const uint32_t rr = ix_.perm[k];
      const std::string_view target = b_.RdataOf(rr);
      if (!dns::NameIsSubdomain(target, *ix_.names[o])) continue;
      auto it = b_.owners_.find(AV(target));
      if ((it != b_.owners_.end() && has_address_[it->second]) ||
          !err_.Wants(rr)) {
        continue;
      }
      err_.Set(rr, absl::StrCat(Where(rr), ": delegation ", Name(o),
                                ": NS target ", dns::NameToText(target),
                                " has no glue (A/AAAA) in the zone"));
    }
  }

  // The apex (owner o, with an SOA) has NS records: reported at the apex
  // SOA, the first RR of its SOA run.
  void CheckApexNs(uint32_t o) {
    uint32_t soa = static_cast<uint32_t>(b_.rrs_.size());
    for (uint32_t k = ix_.begin[o]; k < ix_.begin[o + 1]; ++k) {
      if (TypeAt(k) == kSOA) soa = std::min(soa, ix_.perm[k]);
    }
    if (!err_.Wants(soa)) return;
    err_.Set(soa, absl::StrCat(Where(soa), ": zone ", origin_text_,
                               " has no NS records at its apex"));
  }

  // The apex has an SOA; reported at the start of the (first) file.
  void CheckApexSoa() {
    if (apex_has_soa_) return;
    const SourceLocation file_start =
        !b_.sources_.empty()
            ? SourceLocation{0, 1}
            : (!b_.rrs_.empty() ? b_.rrs_[0].loc : SourceLocation{});
    err_.Set(-1, absl::StrCat(b_.Where(file_start), ": zone ", origin_text_,
                              " has no SOA record at its apex"));
  }

  const ZoneBuilder& b_;
  const OwnerIndex& ix_;
  const std::string origin_text_;
  FirstError err_;
  std::vector<uint8_t> has_address_;
  bool apex_has_soa_ = false;
};

// Build()'s checks of the routed groups (Route 53's rules in builder.h).
// `rorder`: routed_ indices sorted by (owner, type, order added). Each
// keeps the problem first in file order, a member counting where it was
// added among the static RRs.
class ZoneBuilder::RoutedChecks {
 public:
  RoutedChecks(const ZoneBuilder& builder, const OwnerIndex& ix,
               const std::vector<uint32_t>& rorder)
      : b_(builder), ix_(ix), rorder_(rorder) {}

  Problem Run() {
    const size_t n = rorder_.size();
    for (size_t ob = 0; ob < n;) {  // the groups of one owner: [ob, oe)
      const uint32_t o = Member(rorder_[ob]).owner;
      size_t oe = ob;
      while (oe < n && Member(rorder_[oe]).owner == o) ++oe;
      CheckNotBelowDelegation(rorder_[ob]);
      CheckCnameExclusivity(ob, oe);
      for (size_t gb = ob; gb < oe;) {  // one group: [gb, ge)
        size_t ge = gb;
        while (ge < oe && Member(rorder_[ge]).type == Member(rorder_[gb]).type)
          ++ge;
        CheckGroup(gb, ge);
        gb = ge;
      }
      ob = oe;
    }
    return Problem{err_.order(), err_.message()};
  }

 private:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

  const PendingRouted& Member(uint32_t i) const { return b_.routed_[i]; }
  std::string WhereRR(uint32_t rr) const { return b_.Where(b_.rrs_[rr].loc); }

  // A problem of member i of routed_, in file order as Build() merges it
  // with the RRs.
  void Fail(uint32_t i, std::string_view what) {
    const PendingRouted& p = Member(i);
    const int64_t order = (int64_t{p.rrs_before} << 32) | i;
    if (!err_.Wants(order)) return;
    err_.Set(order, absl::StrCat(b_.Where(p.loc), ": ",
                                 DescribeRecordSet(*ix_.names[p.owner], p.type,
                                                   p.member.set_identifier),
                                 ": ", AV(what)));
  }

  // The first RR (in file order) of owner o's static RRset of `type`.
  uint32_t StaticRR(uint32_t o, uint16_t type) const {
    for (uint32_t k = ix_.begin[o]; k < ix_.begin[o + 1]; ++k) {
      const uint16_t t = b_.rrs_[ix_.perm[k]].type;
      if (t == type) return ix_.perm[k];  // sorted by (type, file order)
      if (t > type) break;
    }
    return kNone;
  }

  // No delegation at or above the owner of member `first` (below the
  // apex): the routed data would be hidden by the referral.
  void CheckNotBelowDelegation(uint32_t first) {
    for (std::string_view cur = *ix_.names[Member(first).owner];
         cur.size() > b_.origin_.size(); cur = dns::NameParent(cur)) {
      auto it = b_.owners_.find(AV(cur));
      if (it == b_.owners_.end()) continue;
      const uint32_t ns = StaticRR(it->second, kNS);
      if (ns == kNone) continue;
      Fail(first, absl::StrCat("is at or below the delegation ",
                               dns::NameToText(cur), " (NS at ", WhereRR(ns),
                               ") and would never be answered"));
    }
  }

  // The CNAME rule where a routed group of the owner's groups [ob, oe) is
  // involved (static CNAME beside static data is StaticChecks').
  void CheckCnameExclusivity(size_t ob, size_t oe) {
    const uint32_t o = Member(rorder_[ob]).owner;
    uint32_t routed_cname = kNone;  // head of a routed CNAME group
    uint32_t routed_other = kNone;  // head of the first other routed group
    for (size_t k = ob; k < oe; ++k) {
      const uint32_t i = rorder_[k];
      if (k > ob && Member(rorder_[k - 1]).type == Member(i).type) continue;
      if (Member(i).type == kCNAME) {
        routed_cname = i;
      } else if (routed_other == kNone) {
        routed_other = i;
      }
    }
    if (routed_cname != kNone) {
      uint32_t other = kNone;  // first static RR that is not CNAME/RRSIG/NSEC
      for (uint32_t k = ix_.begin[o]; k < ix_.begin[o + 1]; ++k) {
        const uint16_t t = b_.rrs_[ix_.perm[k]].type;
        if (t != kCNAME && t != kRRSIG && t != kNSEC)
          other = std::min(other, ix_.perm[k]);
      }
      if (other != kNone) {
        Fail(routed_cname,
             absl::StrCat("CNAME cannot coexist with other data (",
                          TypeText(b_.rrs_[other].type), " at ",
                          WhereRR(other), ")"));
      } else if (routed_other != kNone) {
        Fail(routed_cname,
             absl::StrCat("CNAME cannot coexist with other data (",
                          TypeText(Member(routed_other).type), " at ",
                          Member(routed_other).member.source, ")"));
      }
    } else if (const uint32_t cname = StaticRR(o, kCNAME); cname != kNone) {
      Fail(routed_other, absl::StrCat("cannot coexist with the CNAME at ",
                                      WhereRR(cname)));
    }
  }

  // One group, rorder_[gb..ge): one owner and type.
  void CheckGroup(size_t gb, size_t ge) {
    const uint32_t h = rorder_[gb];
    CheckNoSimpleRRset(h);
    seen_ids_.clear();
    seen_regions_.clear();
    ttl_ref_ = kNone;
    role_of_[0] = role_of_[1] = role_of_[2] = kNone;
    for (size_t k = gb; k < ge; ++k) {
      const uint32_t i = rorder_[k];
      if (!CheckSamePolicy(h, i)) continue;
      CheckSetIdentifier(h, i, k > gb);
      CheckPolicyFields(i);
      CheckPolicyRule(i);
    }
  }

  // No simple RRset of the group's owner and type (head h).
  void CheckNoSimpleRRset(uint32_t h) {
    const PendingRouted& head = Member(h);
    const uint32_t rr = StaticRR(head.owner, head.type);
    if (rr == kNone) return;
    Fail(h, absl::StrCat("conflicts with the simple ",
                         dns::NameToText(*ix_.names[head.owner]), " ",
                         TypeText(head.type), " record set at ", WhereRR(rr),
                         " (a name and type has one simple record set or a "
                         "group of routed ones)"));
  }

  // Member i has the policy of its group's head h; false if not (its other
  // rules are then not checked).
  bool CheckSamePolicy(uint32_t h, uint32_t i) {
    const PendingRouted& head = Member(h);
    const PendingRouted& p = Member(i);
    if (p.policy == head.policy) return true;
    Fail(i, absl::StrCat("is a ", RoutingPolicyName(p.policy), " record, but ",
                         MemberRef(head.member),
                         " of the same name and type is ",
                         RoutingPolicyName(head.policy),
                         " (one routing policy per name and type)"));
    return false;
  }

  // A simple member (an alias, alone, without SetIdentifier); any other
  // has a SetIdentifier unique in the group. `later`: not the head h.
  void CheckSetIdentifier(uint32_t h, uint32_t i, bool later) {
    const PendingRouted& p = Member(i);
    const RoutedMember& m = p.member;
    if (p.policy == RoutingPolicy::kSimple) {
      if (!m.set_identifier.empty())
        Fail(i, "a simple record has no SetIdentifier");
      if (!m.is_alias()) Fail(i, "a routed simple record must be an alias");
      if (later) {
        Fail(i, absl::StrCat("another simple record of this name and type "
                             "is at ",
                             Member(h).member.source));
      }
    } else if (m.set_identifier.empty()) {
      Fail(i, absl::StrCat("SetIdentifier is required for a ",
                           RoutingPolicyName(p.policy), " record"));
    } else if (auto [it, added] = seen_ids_.try_emplace(AV(m.set_identifier), i);
               !added) {
      Fail(i, absl::StrCat("SetIdentifier '", m.set_identifier,
                           "' is already used by the record at ",
                           Member(it->second).member.source));
    }
  }

  // Region, Weight and Failover only on members of their policy.
  void CheckPolicyFields(uint32_t i) {
    const PendingRouted& p = Member(i);
    const RoutedMember& m = p.member;
    if (!m.region.empty() && p.policy != RoutingPolicy::kLatency)
      Fail(i, "Region is only for latency records");
    if (m.weight != 0 && p.policy != RoutingPolicy::kWeighted)
      Fail(i, "Weight is only for weighted records");
    if (m.failover != FailoverRole::kNone &&
        p.policy != RoutingPolicy::kFailover) {
      Fail(i, "Failover is only for failover records");
    }
  }

  // The rules of member i's policy.
  void CheckPolicyRule(uint32_t i) {
    switch (Member(i).policy) {
      case RoutingPolicy::kLatency:
        CheckLatencyMember(i);
        break;
      case RoutingPolicy::kWeighted:
        CheckWeightedMember(i);
        break;
      case RoutingPolicy::kFailover:
        CheckFailoverMember(i);
        break;
      case RoutingPolicy::kMultiValue:
        if (Member(i).member.is_alias())
          Fail(i, "a multivalue answer record cannot be an alias");
        break;
      case RoutingPolicy::kSimple:
        break;
    }
  }

  // A Region each, one member per Region.
  void CheckLatencyMember(uint32_t i) {
    const RoutedMember& m = Member(i).member;
    if (m.region.empty()) {
      Fail(i, "a latency record needs a Region");
    } else if (auto [it, added] = seen_regions_.try_emplace(AV(m.region), i);
               !added) {
      Fail(i, absl::StrCat("another latency record for region ", m.region,
                           " (", MemberRef(Member(it->second).member), ")"));
    }
  }

  // Weight 0..255; one TTL for the group's non-alias members.
  void CheckWeightedMember(uint32_t i) {
    const RoutedMember& m = Member(i).member;
    if (m.weight > kMaxWeight) {
      Fail(i, absl::StrCat("Weight ", m.weight, " is out of range (0..255)"));
    }
    if (m.is_alias()) return;
    if (ttl_ref_ == kNone) {
      ttl_ref_ = i;
    } else if (const RoutedMember& ref = Member(ttl_ref_).member;
               ref.rrset.ttl != m.rrset.ttl) {
      Fail(i, absl::StrCat("TTL ", m.rrset.ttl, " differs from the TTL ",
                           ref.rrset.ttl, " of ", MemberRef(ref),
                           " (weighted records of one name and type share "
                           "a TTL)"));
    }
  }

  // A role each, at most one PRIMARY and one SECONDARY.
  void CheckFailoverMember(uint32_t i) {
    const RoutedMember& m = Member(i).member;
    if (m.failover == FailoverRole::kNone) {
      Fail(i, "a failover record needs Failover PRIMARY or SECONDARY");
    } else if (uint32_t& slot = role_of_[static_cast<int>(m.failover)];
               slot == kNone) {
      slot = i;
    } else {
      Fail(i, absl::StrCat("another ", FailoverRoleName(m.failover),
                           " failover record (",
                           MemberRef(Member(slot).member), ")"));
    }
  }

  const ZoneBuilder& b_;
  const OwnerIndex& ix_;
  const std::vector<uint32_t>& rorder_;
  FirstError err_;
  // The group being checked: SetIdentifiers and Regions seen, the first
  // non-alias weighted member, the failover member of each role.
  absl::flat_hash_map<absl::string_view, uint32_t> seen_ids_;
  absl::flat_hash_map<absl::string_view, uint32_t> seen_regions_;
  uint32_t ttl_ref_ = kNone;
  uint32_t role_of_[3] = {kNone, kNone, kNone};
};

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

absl::Status ZoneBuilder::Validate(const OwnerIndex& ix,
                                   const std::vector<uint32_t>& rorder) const {
  const Problem problem = StaticChecks(*this, ix).Run();
  const bool found = problem.order != std::numeric_limits<int64_t>::max();
  if (!routed_.empty()) {
    const Problem routed = RoutedChecks(*this, ix, rorder).Run();
    // Both passes keep their first problem; report the earlier one. A
    // routed member added after i static RRs sorts between RR i-1 and RR i.
    const int64_t static_order = !found || problem.order < 0
                                     ? problem.order
                                     : (problem.order << 32) | 0xffffffff;
    if (routed.order < static_order)
      return absl::InvalidArgumentError(routed.message);
  }
  if (found) return absl::InvalidArgumentError(problem.message);
  return absl::OkStatus();
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
