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
using dns::rrtype::kNS;
using dns::rrtype::kNSEC;
using dns::rrtype::kRRSIG;
using dns::rrtype::kSOA;

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

}  // namespace

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
