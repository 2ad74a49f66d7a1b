// File: zones/builder_checks.cc
//
// ZoneBuilder::Validate(), the phase of Build() that checks the zone: the
// rules of static RRsets (StaticChecks) and Route 53's rules of routed
// groups (RoutedChecks), listed in builder.h. Each check is a method named
// for its rule; each pass keeps its problem first in file order, and
// Validate() reports the earlier of the two.
#include <algorithm>
#include <cstdint>
#include <limits>
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
#include "zones/builder.h"
#include "zones/builder_internal.h"
#include "zones/zone.h"

namespace zones {
namespace {

using base::AV;
using builder_internal::kMaxRRsetCount;
using builder_internal::TypeText;
using dns::rrtype::kA;
using dns::rrtype::kAAAA;
using dns::rrtype::kCNAME;
using dns::rrtype::kDNAME;
using dns::rrtype::kMX;
using dns::rrtype::kNS;
using dns::rrtype::kNSEC;
using dns::rrtype::kRRSIG;
using dns::rrtype::kSOA;
using dns::rrtype::kSRV;

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

// What StaticChecks knows of each owner (a bit set per owner id).
namespace owner_fact {
constexpr uint8_t kAddress = 1;        // a static A or AAAA RRset (glue too)
constexpr uint8_t kRoutedAddress = 2;  // a routed A or AAAA group
constexpr uint8_t kCname = 4;          // a static CNAME or a routed CNAME group
constexpr uint8_t kDelegation = 8;     // an NS RRset below the apex
constexpr uint8_t kDname = 16;         // a static DNAME RRset
}  // namespace owner_fact

// The host name in the RDATA of an NS, MX or SRV RR (uncompressed wire,
// checked by Add).
std::string_view TargetOf(uint16_t type, std::string_view rdata) {
  switch (type) {
    case kMX: return rdata.substr(2);   // PREFERENCE
    case kSRV: return rdata.substr(6);  // PRIORITY WEIGHT PORT
    default: return rdata;              // NS
  }
}

// Why a CNAME cannot be the target of `type`.
const char* TargetRule(uint16_t type) {
  return type == kSRV ? "RFC 2782" : "RFC 2181 §10.3";
}

}  // namespace

// Build()'s checks of the static RRsets (the rules in builder.h); each keeps
// the problem first in file order (FirstError, ordered by RR index).
class ZoneBuilder::StaticChecks {
 public:
  StaticChecks(const ZoneBuilder& builder, const OwnerIndex& ix)
      : b_(builder), ix_(ix), origin_text_(dns::NameToText(builder.origin_)) {}

  Problem Run() {
    MarkOwnerFacts();
    for (uint32_t o = 0; o < ix_.owners(); ++o) CheckOwner(o);
    if (min_dname_size_ != 0) {
      for (uint32_t o = 0; o < ix_.owners(); ++o) CheckNotBelowDname(o);
    }
    CheckApexSoa();
    return Problem{err_.order(), err_.message()};
  }

 private:
  std::string Where(uint32_t rr) const { return b_.Where(b_.rrs_[rr].loc); }
  std::string Name(uint32_t o) const { return dns::NameToText(*ix_.names[o]); }
  uint16_t TypeAt(uint32_t k) const { return b_.rrs_[ix_.perm[k]].type; }

  // The facts (owner_fact) of the owner named `name`; 0 if it has no RR.
  uint8_t FactsOf(std::string_view name) const {
    auto it = b_.owners_.find(AV(name));
    return it == b_.owners_.end() ? 0 : facts_[it->second];
  }
  // The first RR in file order of owner o's RRset of `type`, or
  // rrs_.size().
  uint32_t FirstRR(uint32_t o, uint16_t type) const {
    uint32_t first = static_cast<uint32_t>(b_.rrs_.size());
    for (uint32_t k = ix_.begin[o]; k < ix_.begin[o + 1]; ++k) {
      if (TypeAt(k) == type) first = std::min(first, ix_.perm[k]);
    }
    return first;
  }

  // facts_ of every owner, from its static RRsets and its routed groups;
  // min_dname_size_: the shortest DNAME owner (0: none).
  void MarkOwnerFacts() {
    facts_.assign(ix_.owners(), 0);
    for (uint32_t o = 0; o < ix_.owners(); ++o) {
      uint8_t f = 0;
      for (uint32_t k = ix_.begin[o]; k < ix_.begin[o + 1]; ++k) {
        switch (TypeAt(k)) {
          case kA:
          case kAAAA: f |= owner_fact::kAddress; break;
          case kCNAME: f |= owner_fact::kCname; break;
          case kNS:
            if (o != ix_.apex) f |= owner_fact::kDelegation;
            break;
          case kDNAME:
            f |= owner_fact::kDname;
            if (min_dname_size_ == 0 || ix_.names[o]->size() < min_dname_size_)
              min_dname_size_ = ix_.names[o]->size();
            break;
          default: break;
        }
      }
      facts_[o] = f;
    }
    for (const PendingRouted& p : b_.routed_) {
      if (p.type == kA || p.type == kAAAA) facts_[p.owner] |= owner_fact::kRoutedAddress;
      if (p.type == kCNAME) facts_[p.owner] |= owner_fact::kCname;
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
          CheckTargets(o, r, re);
          if (o != ix_.apex) CheckDelegationGlue(o, r, re);
          CheckNsAddresses(o, r, re);
          break;
        case kMX:
        case kSRV:
          CheckTargets(o, r, re);
          break;
        case kDNAME:
          CheckDname(o, r, re);
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
      if ((FactsOf(target) & owner_fact::kAddress) != 0 || !err_.Wants(rr))
        continue;
      err_.Set(rr, absl::StrCat(Where(rr), ": delegation ", Name(o),
                                ": NS target ", dns::NameToText(target),
                                " has no glue (A/AAAA) in the zone"));
    }
  }

  // The targets of the NS, MX or SRV RRset perm[r..re) of owner o: one
  // inside the zone must not be a CNAME.
  void CheckTargets(uint32_t o, uint32_t r, uint32_t re) {
    const uint16_t type = TypeAt(r);
    for (uint32_t k = r; k < re; ++k) {
      const uint32_t rr = ix_.perm[k];
      const std::string_view target = TargetOf(type, b_.RdataOf(rr));
      if (!err_.Wants(rr) || !dns::NameIsSubdomain(target, b_.origin_) ||
          (FactsOf(target) & owner_fact::kCname) == 0) {
        continue;
      }
      err_.Set(rr, absl::StrCat(Where(rr), ": ", Name(o), " ", TypeText(type),
                                " target ", dns::NameToText(target),
                                " is a CNAME; it must name the host itself (",
                                TargetRule(type), ")"));
    }
  }

  // Every NS target of perm[r..re) (owner o) inside the zone has an
  // address: glue (CheckDelegationGlue) for one at or below a delegation
  // o, else any A/AAAA, unless the target is at or below another
  // delegation (the child's name).
  void CheckNsAddresses(uint32_t o, uint32_t r, uint32_t re) {
    const std::string_view owner = *ix_.names[o];
    for (uint32_t k = r; k < re; ++k) {
      const uint32_t rr = ix_.perm[k];
      const std::string_view target = b_.RdataOf(rr);
      if (!err_.Wants(rr) || !dns::NameIsSubdomain(target, b_.origin_)) continue;
      if (o != ix_.apex && dns::NameIsSubdomain(target, owner)) continue;  // glue
      const uint8_t f = FactsOf(target);
      if ((f & (owner_fact::kAddress | owner_fact::kRoutedAddress)) != 0 ||
          (f & owner_fact::kCname) != 0) {  // CheckTargets says that
        continue;
      }
      if (o != ix_.apex && AtOrBelowDelegation(target)) continue;
      err_.Set(rr, absl::StrCat(Where(rr), ": ",
                                o == ix_.apex ? "zone " : "delegation ", Name(o),
                                ": NS target ", dns::NameToText(target),
                                " has no address (A/AAAA) in the zone"));
    }
  }

  // `name` (inside the zone) is at or below a delegation.
  bool AtOrBelowDelegation(std::string_view name) const {
    for (std::string_view cur = name; cur.size() > b_.origin_.size();
         cur = dns::NameParent(cur)) {
      if ((FactsOf(cur) & owner_fact::kDelegation) != 0) return true;
    }
    return false;
  }

  // The DNAME RRset perm[r..re) of owner o: one RR; no NS beside it but at
  // the apex (RFC 6672 §2.4; CNAME beside it is CheckCnameExclusivity's).
  void CheckDname(uint32_t o, uint32_t r, uint32_t re) {
    const uint32_t first = ix_.perm[r];
    if (re - r > 1 && err_.Wants(ix_.perm[r + 1])) {
      const uint32_t second = ix_.perm[r + 1];
      err_.Set(second, absl::StrCat(Where(second), ": ", Name(o),
                                    " has more than one DNAME record (first at ",
                                    Where(first), "; a name has at most one, RFC 6672 §2.4)"));
    }
    if (o == ix_.apex || (facts_[o] & owner_fact::kDelegation) == 0 ||
        !err_.Wants(first)) {
      return;
    }
    err_.Set(first, absl::StrCat(Where(first), ": DNAME at ", Name(o),
                                 " cannot coexist with the delegation there (NS at ",
                                 Where(FirstRR(o, kNS)), "; RFC 6672 §2.4)"));
  }

  // No RR at owner o if a name above it (up to the apex) owns a DNAME:
  // reported at o's first RR in file order.
  void CheckNotBelowDname(uint32_t o) {
    if (ix_.begin[o] == ix_.begin[o + 1]) return;  // routed only: RoutedChecks
    for (std::string_view cur = *ix_.names[o]; cur.size() > b_.origin_.size();) {
      cur = dns::NameParent(cur);  // up to the apex, inclusive
      if (cur.size() < min_dname_size_) return;
      auto it = b_.owners_.find(AV(cur));
      if (it == b_.owners_.end() || (facts_[it->second] & owner_fact::kDname) == 0)
        continue;
      uint32_t first = static_cast<uint32_t>(b_.rrs_.size());
      for (uint32_t k = ix_.begin[o]; k < ix_.begin[o + 1]; ++k)
        first = std::min(first, ix_.perm[k]);
      if (!err_.Wants(first)) return;
      err_.Set(first, absl::StrCat(
                          Where(first), ": ", TypeText(b_.rrs_[first].type), " at ",
                          Name(o), " is below the DNAME at ", dns::NameToText(cur), " (",
                          Where(FirstRR(it->second, kDNAME)),
                          "): no name below a DNAME's owner has data (RFC 6672 §2.4)"));
      return;
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
  std::vector<uint8_t> facts_;  // owner_fact bits, by owner id
  size_t min_dname_size_ = 0;   // the shortest DNAME owner (0: no DNAME)
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
      CheckNotBelowDname(rorder_[ob]);
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

  // No DNAME at a name above the owner of member `first` (up to the apex):
  // nothing may be below a DNAME's owner (RFC 6672 §2.4).
  void CheckNotBelowDname(uint32_t first) {
    for (std::string_view cur = *ix_.names[Member(first).owner];
         cur.size() > b_.origin_.size();) {
      cur = dns::NameParent(cur);
      auto it = b_.owners_.find(AV(cur));
      if (it == b_.owners_.end()) continue;
      const uint32_t dname = StaticRR(it->second, kDNAME);
      if (dname == kNone) continue;
      Fail(first, absl::StrCat("is below the DNAME at ", dns::NameToText(cur), " (",
                               WhereRR(dname),
                               "): no name below a DNAME's owner has data (RFC 6672 "
                               "§2.4)"));
      return;
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

}  // namespace zones
