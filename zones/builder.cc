// File: zones/builder.cc
//
// ZoneBuilder: collects RRs, validates them and compiles the immutable Zone.
//
// Build() is linear in the number of RRs (plus a sort of each owner's few
// RRs): RRs are grouped by owner with a counting sort, sorted by type inside
// the owner, de-duplicated, checked, then encoded once into the Zone. The
// owner map built by Add() becomes the Zone's index, so owner names are
// copied once (into Node::owner) and not twice.
#include "zones/builder.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"

namespace zones {
namespace {

using dns::rrtype::kA;
using dns::rrtype::kAAAA;
using dns::rrtype::kCNAME;
using dns::rrtype::kNS;
using dns::rrtype::kNSEC;
using dns::rrtype::kRRSIG;
using dns::rrtype::kSOA;

// Debian's Abseil has its own absl::string_view (not std::string_view): what
// StrCat and the maps' heterogeneous lookups take.
absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

// Fixed part of an RR after the owner: TYPE, CLASS, TTL, RDLENGTH.
constexpr size_t kRRFixedSize = 10;
// Most RRs one RRset can hold (RRset::count is 16 bits).
constexpr size_t kMaxRRsetCount = 0xffff;
// RRsets up to this size are de-duplicated pairwise; bigger ones by sorting.
constexpr uint32_t kPairwiseDedupLimit = 16;

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

// RDATA layouts we check (and whose names we lower-case), as a tiny
// program: 'n' = a domain name, 's' = a <character-string>, 'S' = one or
// more <character-string>s up to the end, '1'..'9' = that many fixed
// octets, 'K' = 16 fixed octets, 'T' = 20 fixed octets.
const char* LayoutFor(uint16_t type) {
  switch (type) {
    case kA:
      return "4";
    case kAAAA:
      return "K";
    case kNS:
    case kCNAME:
    case dns::rrtype::kPTR:
    case dns::rrtype::kDNAME:
    case 3:  // MD
    case 4:  // MF
    case 7:  // MB
    case 8:  // MG
    case 9:  // MR
      return "n";
    case dns::rrtype::kMX:
    case 18:  // AFSDB
    case 21:  // RT
    case 36:  // KX
      return "2n";
    case kSOA:
      return "nnT";
    case dns::rrtype::kSRV:
      return "6n";
    case 14:  // MINFO
    case 17:  // RP
      return "nn";
    case 26:  // PX
      return "2nn";
    case 35:  // NAPTR
      return "4sssn";
    case dns::rrtype::kTXT:
      return "S";
    case dns::rrtype::kHINFO:
      return "ss";
    default:
      return nullptr;
  }
}

// Checks RDATA against its type's layout, lower-casing embedded names in
// place. Returns "" if fine, else what is wrong.
std::string CheckRdata(uint16_t type, char* data, size_t len) {
  const char* layout = LayoutFor(type);
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
  const std::string& message() const { return message_; }

 private:
  int64_t order_ = std::numeric_limits<int64_t>::max();
  std::string message_;
};

}  // namespace

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

absl::Status ZoneBuilder::Add(std::string_view owner_wire, uint16_t type,
                              uint16_t rclass, uint32_t ttl,
                              std::string_view rdata, SourceLocation loc) {
  char owner_buf[dns::kMaxNameLength];
  if (owner_wire.size() > sizeof owner_buf) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(loc), ": owner name is too long"));
  }
  std::memcpy(owner_buf, owner_wire.data(), owner_wire.size());
  if (owner_wire.empty() ||
      ScanName(owner_buf, owner_wire.size(), 0) != owner_wire.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(loc), ": malformed owner name"));
  }
  const std::string_view owner(owner_buf, owner_wire.size());
  if (!dns::NameIsSubdomain(owner, origin_)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(loc), ": owner ", dns::NameToText(owner),
                     " is outside the zone ", dns::NameToText(origin_)));
  }
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
  auto [ttl_it, first] =
      rrset_ttl_.try_emplace((uint64_t{oid} << 16) | type, ttl);
  if (!first && ttl_it->second != ttl) {
    warnings_.push_back(absl::StrCat(
        Where(loc), ": TTL ", ttl, " of ", dns::NameToText(owner), " ",
        TypeText(type), " differs from the RRset's TTL ", ttl_it->second,
        "; using ", ttl_it->second, " (RFC 2181 §5.2)"));
  }
  rrs_.push_back(PendingRR{oid, ttl, static_cast<uint32_t>(off),
                           static_cast<uint16_t>(rdata.size()), type, loc});
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Zone>> ZoneBuilder::Build() && {
  decltype(rrset_ttl_)().swap(rrset_ttl_);  // not needed any more
  const auto n_owners = static_cast<uint32_t>(owners_.size());
  const auto n_rrs = static_cast<uint32_t>(rrs_.size());

  std::vector<const std::string*> names(n_owners);
  for (const auto& [name, id] : owners_) names[id] = &name;
  auto rdata_of = [this](uint32_t rr) {
    return std::string_view(rdata_).substr(rrs_[rr].rdata_off,
                                           rrs_[rr].rdata_len);
  };

  // --- Group RRs by owner (counting sort: keeps file order inside an owner).
  std::vector<uint32_t> begin(size_t{n_owners} + 1, 0);
  for (const PendingRR& rr : rrs_) ++begin[rr.owner + 1];
  for (uint32_t o = 0; o < n_owners; ++o) begin[o + 1] += begin[o];
  std::vector<uint32_t> perm(n_rrs);  // RR indices (= file order)
  {
    std::vector<uint32_t> next(begin.begin(), begin.end() - 1);
    for (uint32_t i = 0; i < n_rrs; ++i) perm[next[rrs_[i].owner]++] = i;
  }

  // --- Sort each owner's RRs by (type, file order) and drop duplicates,
  // compacting `perm` in place; begin[o] is updated to the compacted range.
  uint32_t w = 0;
  std::vector<uint32_t> scratch;
  std::vector<uint32_t> dropped;
  for (uint32_t o = 0; o < n_owners; ++o) {
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
      uint32_t re = r + 1;
      while (re < e && rrs_[perm[re]].type == rrs_[perm[r]].type) ++re;
      if (re - r <= kPairwiseDedupLimit) {
        const uint32_t run_w = w;
        for (uint32_t k = r; k < re; ++k) {
          bool dup = false;
          for (uint32_t j = run_w; j < w && !dup; ++j)
            dup = rdata_of(perm[j]) == rdata_of(perm[k]);
          if (!dup) perm[w++] = perm[k];
        }
      } else {
        // Sort a copy by RDATA; all but the first of equal RDATA are dropped.
        scratch.assign(perm.begin() + r, perm.begin() + re);
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
          if (d < dropped.size() && dropped[d] == perm[k]) {
            ++d;
            continue;
          }
          perm[w++] = perm[k];
        }
      }
      r = re;
    }
  }
  begin[n_owners] = w;
  perm.resize(w);
  const uint32_t record_count = w;

  // --- Validate.
  std::vector<uint8_t> has_address(n_owners, 0);
  for (uint32_t o = 0; o < n_owners; ++o) {
    for (uint32_t k = begin[o]; k < begin[o + 1]; ++k) {
      const uint16_t t = rrs_[perm[k]].type;
      if (t == kA || t == kAAAA) has_address[o] = 1;
    }
  }
  const std::string origin_text = dns::NameToText(origin_);
  FirstError err;
  auto where = [this](uint32_t rr) { return Where(rrs_[rr].loc); };
  auto apex_it = owners_.find(AV(origin_));
  const uint32_t apex = apex_it == owners_.end() ? n_owners : apex_it->second;
  const SourceLocation file_start =
      !sources_.empty() ? SourceLocation{0, 1}
                        : (n_rrs > 0 ? rrs_[0].loc : SourceLocation{});
  bool apex_has_soa = false;

  for (uint32_t o = 0; o < n_owners; ++o) {
    const uint32_t ob = begin[o];
    const uint32_t oe = begin[o + 1];
    const bool at_apex = o == apex;
    bool has_ns = false;
    for (uint32_t r = ob; r < oe;) {
      const uint16_t t = rrs_[perm[r]].type;
      uint32_t re = r + 1;
      while (re < oe && rrs_[perm[re]].type == t) ++re;
      if (re - r > kMaxRRsetCount && err.Wants(perm[r + kMaxRRsetCount])) {
        err.Set(perm[r + kMaxRRsetCount],
                absl::StrCat(where(perm[r + kMaxRRsetCount]), ": ",
                             dns::NameToText(*names[o]), " ", TypeText(t),
                             " has more than ", kMaxRRsetCount, " records"));
      }
      if (t == kSOA) {
        if (!at_apex) {
          if (err.Wants(perm[r])) {
            err.Set(perm[r],
                    absl::StrCat(where(perm[r]), ": SOA record at ",
                                 dns::NameToText(*names[o]),
                                 " is not at the zone apex ", origin_text));
          }
        } else {
          apex_has_soa = true;
          if (re - r > 1 && err.Wants(perm[r + 1])) {
            err.Set(perm[r + 1],
                    absl::StrCat(where(perm[r + 1]), ": zone ", origin_text,
                                 " has more than one SOA record (first at ",
                                 where(perm[r]), ")"));
          }
        }
      } else if (t == kCNAME) {
        if (re - r > 1 && err.Wants(perm[r + 1])) {
          err.Set(
              perm[r + 1],
              absl::StrCat(where(perm[r + 1]), ": ", dns::NameToText(*names[o]),
                           " has more than one CNAME record (first at ",
                           where(perm[r]), ")"));
        }
        // Other data beside the CNAME (RFC 1034 §3.6.2; DNSSEC's RRSIG and
        // NSEC are allowed, RFC 4035 §2.5): name the first one in the file.
        uint32_t other = n_rrs;
        for (uint32_t k = ob; k < oe; ++k) {
          const uint16_t ot = rrs_[perm[k]].type;
          if (ot != kCNAME && ot != kRRSIG && ot != kNSEC)
            other = std::min(other, perm[k]);
        }
        if (other != n_rrs && err.Wants(perm[r])) {
          err.Set(perm[r], absl::StrCat(where(perm[r]), ": CNAME at ",
                                        dns::NameToText(*names[o]),
                                        " cannot coexist with other data (",
                                        TypeText(rrs_[other].type), " at ",
                                        where(other), ")"));
        }
      } else if (t == kNS) {
        has_ns = true;
        if (!at_apex) {
          // A delegation: in-bailiwick NS targets need glue.
          for (uint32_t k = r; k < re; ++k) {
            const std::string_view target = rdata_of(perm[k]);
            if (!dns::NameIsSubdomain(target, *names[o])) continue;
            auto it = owners_.find(AV(target));
            if ((it == owners_.end() || !has_address[it->second]) &&
                err.Wants(perm[k])) {
              err.Set(perm[k],
                      absl::StrCat(where(perm[k]), ": delegation ",
                                   dns::NameToText(*names[o]), ": NS target ",
                                   dns::NameToText(target),
                                   " has no glue (A/AAAA) in the zone"));
            }
          }
        }
      }
      r = re;
    }
    if (at_apex && apex_has_soa && !has_ns) {
      // Reported at the apex SOA: the first RR of the apex's SOA run.
      uint32_t soa = n_rrs;
      for (uint32_t k = ob; k < oe; ++k) {
        if (rrs_[perm[k]].type == kSOA) soa = std::min(soa, perm[k]);
      }
      if (err.Wants(soa)) {
        err.Set(soa, absl::StrCat(where(soa), ": zone ", origin_text,
                                  " has no NS records at its apex"));
      }
    }
  }
  if (!apex_has_soa) {
    err.Set(-1, absl::StrCat(Where(file_start), ": zone ", origin_text,
                             " has no SOA record at its apex"));
  }
  if (err.found()) return absl::InvalidArgumentError(err.message());

  // --- Compile. Node i is owner i for now; empty non-terminals follow.
  std::shared_ptr<Zone> zone(new Zone());
  std::vector<Node>& nodes = zone->nodes_;
  nodes.reserve(size_t{n_owners} + n_owners / 8 + 1);
  nodes.resize(n_owners);
  std::vector<uint8_t> is_delegation(n_owners, 0);
  for (uint32_t o = 0; o < n_owners; ++o) {
    Node& node = nodes[o];
    node.owner = *names[o];
    const uint32_t ob = begin[o];
    const uint32_t oe = begin[o + 1];
    size_t n_types = 0;
    for (uint32_t k = ob; k < oe; ++k) {
      n_types += k == ob || rrs_[perm[k]].type != rrs_[perm[k - 1]].type;
    }
    node.rrsets.reserve(n_types);
    for (uint32_t r = ob; r < oe;) {
      const PendingRR& first = rrs_[perm[r]];
      uint32_t re = r + 1;
      size_t bytes = kRRFixedSize + first.rdata_len;
      while (re < oe && rrs_[perm[re]].type == first.type) {
        bytes += kRRFixedSize + rrs_[perm[re]].rdata_len;
        ++re;
      }
      RRset& rs = node.rrsets.emplace_back();
      rs.type = first.type;
      rs.ttl = first.ttl;  // the first RR in the file sets the RRset's TTL
      rs.count = static_cast<uint16_t>(re - r);
      rs.names = RdataNamesFor(first.type);
      rs.wire.reserve(bytes);
      rs.rr_offsets.reserve(re - r);
      char fixed[kRRFixedSize];
      PutU16(fixed, first.type);
      PutU16(fixed + 2, dns::rrclass::kIN);
      PutU32(fixed + 4, rs.ttl);
      for (uint32_t k = r; k < re; ++k) {
        const PendingRR& rr = rrs_[perm[k]];
        rs.rr_offsets.push_back(static_cast<uint32_t>(rs.wire.size()));
        PutU16(fixed + 8, rr.rdata_len);
        rs.wire.append(fixed, kRRFixedSize);
        rs.wire.append(rdata_of(perm[k]));
      }
      if (first.type == kCNAME) node.flags |= node_flag::kCname;
      if (first.type == kNS && o != apex) is_delegation[o] = 1;
      r = re;
    }
  }
  // The RRs are encoded; release the builder's copy early.
  std::vector<PendingRR>().swap(rrs_);
  std::string().swap(rdata_);
  std::vector<uint32_t>().swap(perm);
  std::vector<uint32_t>().swap(begin);
  names.clear();  // keys of owners_ may move from here on

  // Empty non-terminals: every name between an owner and the apex.
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
  // Node 0 must be the apex.
  if (apex != 0) {
    std::swap(nodes[0], nodes[apex]);
    std::swap(is_delegation[0], is_delegation[apex]);
    owners_[nodes[0].owner] = 0;
    owners_[nodes[apex].owner] = apex;
  }
  zone->index_ = std::move(owners_);
  owners_ = {};

  // Flags, zone cuts and wildcards, parents before children.
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
    const uint32_t parent =
        zone->index_.find(AV(dns::NameParent(node.owner)))->second;
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

  // SOA: MNAME, RNAME, SERIAL, REFRESH, RETRY, EXPIRE, MINIMUM.
  const RRset& soa = zone->soa();
  std::string soa_rdata(soa.rdata(0));
  size_t pos = ScanName(soa_rdata.data(), soa_rdata.size(), 0);
  pos = ScanName(soa_rdata.data(), soa_rdata.size(), pos);
  zone->serial_ = GetU32(soa_rdata.data() + pos);
  zone->negative_ttl_ = std::min(soa.ttl, GetU32(soa_rdata.data() + pos + 16));
  zone->record_count_ = record_count;
  zone->sources_ = std::move(sources_);
  return std::shared_ptr<const Zone>(std::move(zone));
}

}  // namespace zones
