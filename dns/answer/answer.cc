// RFC 1034 §4.3.2 over an immutable Snapshot, written straight into the
// reply buffer. Per-query state lives on the stack in fixed-size structures;
// nothing here allocates, locks or logs.
#include "dns/answer/answer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <new>
#include <type_traits>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "dns/answer/explain.h"
#include "dns/answer/online_signing.h"
#include "dns/answer/transfer_hooks.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/nsec.h"
#include "dns/tsig/tsig.h"
#include "dns/wire/message.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "dns/wire/writer.h"
#include "zones/zone.h"
#include "zones/zone_set.h"

namespace dns {
namespace {

using zones::LookupKind;
using zones::Node;
using zones::RdataNames;
using zones::RRset;
using zones::Zone;

// Longest chain of CNAMEs and DNAME substitutions followed, across the
// zones of the snapshot. Real chains are 1-3 long; beyond this we stop and
// return what we have (the resolver follows on).
constexpr int kMaxCnameChain = 12;

// Distinct names whose addresses may be added to the additional section
// (NS/MX/SRV targets). 16 covers a 13-NS referral.
constexpr size_t kMaxAdditionalTargets = 16;

constexpr uint16_t kPointerToQname = 0xC000 | kHeaderSize;

inline uint16_t LoadU16(const char* p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[0]) << 8) |
                               static_cast<uint8_t>(p[1]));
}

// Length of a well-formed uncompressed wire name at the start of `data`.
inline size_t WireNameLength(std::string_view data) {
  size_t i = 0;
  while (i < data.size() && data[i] != 0) i += 1 + static_cast<uint8_t>(data[i]);
  return i + 1;
}

// The state of one reply under construction.
class Reply {
 public:
  Reply(const Query& q, Writer& w) : q_(q), w_(w) {}

  // The query's DO bit (RFC 3225): RRSIGs and denial proofs go with answers.
  bool dnssec_ok() const { return q_.edns.dnssec_ok; }

  // AppendRRset, then, with DO, the RRSIGs covering `set` (an RRset of
  // `zone`), right after it in the same section (RFC 4035 §3.1.1). The
  // RRset and its signatures fit together or not at all.
  bool AppendSigned(const Zone& zone, std::string_view owner, const RRset& set,
                    Section section, int64_t ttl_override = -1) {
    // An unsigned zone's RRsets have no signatures: one compare, DO unread.
    if (set.sigs == zones::kNoSignatures || !q_.edns.dnssec_ok) [[likely]]
      return AppendRRset(owner, set, section, ttl_override);
    return AppendWithSignatures(zone, owner, set, section, ttl_override);
  }

  // Writes an owner name: a pointer to the question when it is the qname
  // (the common case, and it keeps the client's spelling), else compressed.
  bool AppendOwner(std::string_view owner) {
    if (owner.data() == q_.qname.wire().data()) return w_.AppendU16(kPointerToQname);
    return w_.AppendName(owner);
  }

  // Appends every RR of `set` under `owner` to `section`; with ttl_override
  // >= 0 that TTL replaces the stored one. All or nothing.
  bool AppendRRset(std::string_view owner, const RRset& set, Section section,
                   int64_t ttl_override = -1) {
    const Writer::Mark mark = w_.GetMark();
    for (uint16_t i = 0; i < set.count; ++i) {
      const char* rr = set.wire.data() + set.rr_offsets[i];
      const uint16_t rdlen = LoadU16(rr + 8);
      if (!AppendOwner(owner)) return Fail(mark);
      const size_t fixed_at = w_.size();
      bool ok;
      switch (set.names) {
        case RdataNames::kNameAt0:
        case RdataNames::kMx:
        case RdataNames::kSoa:
          ok = AppendCompressedRR(rr, rdlen, set.names);
          break;
        default:
          ok = w_.AppendBytes(rr, 10u + rdlen);
          break;
      }
      if (!ok) return Fail(mark);
      if (ttl_override >= 0) w_.PatchU32(fixed_at + 4, static_cast<uint32_t>(ttl_override));
    }
    w_.AddCount(section, set.count);
    return true;
  }

  // `set` at `owner` (a lower-cased wire name) followed by the RRSIGs over
  // it made now by `signing`'s ZSKs: for an RRset whose owner has no
  // signature made in advance (a wildcard expansion, signed as the name it
  // answers; an alias answered at its owner). All or nothing; false if it
  // does not fit or cannot be signed. Online-signed zones, DO set only.
  [[gnu::noinline]] bool AppendSignedNow(const ZoneSigning& signing, std::string_view owner,
                                         const RRset& set, Section section) {
    const Writer::Mark mark = w_.GetMark();
    if (!AppendRRset(owner, set, section)) return false;
    static thread_local std::vector<std::string_view> rdatas;
    const dnssec::RrsetView view = RrsetViewOf(owner, set, &rdatas);
    if (!AppendSignaturesNow(signing, owner, view, section)) return Fail(mark);
    return true;
  }

  // One RR of `type` at `owner` with uncompressed `rdata`, and its RRSIGs
  // made now, to `section`. All or nothing.
  bool AppendOneSignedNow(const ZoneSigning& signing, std::string_view owner, uint16_t type,
                          uint32_t ttl, std::string_view rdata, Section section) {
    const Writer::Mark mark = w_.GetMark();
    if (!AppendOwner(owner) ||
        !w_.AppendRRFixed(type, rrclass::kIN, ttl, static_cast<uint16_t>(rdata.size())) ||
        !w_.AppendBytes(rdata.data(), rdata.size()))
      return Fail(mark);
    w_.AddCount(section, 1);
    const std::string_view one[1] = {rdata};
    dnssec::RrsetView view;
    view.owner = owner;
    view.type = type;
    view.ttl = ttl;
    view.rdatas = one;
    if (!AppendSignaturesNow(signing, owner, view, section)) return Fail(mark);
    return true;
  }

  // Appends the CNAME a DNAME synthesizes (RFC 6672 §3.2): `owner` CNAME
  // `target`, TTL the DNAME's. `target` is compressed (a CNAME is an RFC
  // 1035 type) and must outlive the reply, like every name written.
  bool AppendSynthesizedCname(std::string_view owner, std::string_view target,
                              uint32_t ttl) {
    const Writer::Mark mark = w_.GetMark();
    if (!AppendOwner(owner) ||
        !w_.AppendRRFixed(rrtype::kCNAME, rrclass::kIN, ttl, 0))
      return Fail(mark);
    const size_t rdata_at = w_.size();
    if (!w_.AppendName(target)) return Fail(mark);
    w_.PatchU16(rdata_at - 2, static_cast<uint16_t>(w_.size() - rdata_at));
    w_.AddCount(Section::kAnswer, 1);
    return true;
  }

 private:
  bool Fail(const Writer::Mark& mark) {
    w_.Rollback(mark);
    return false;
  }

  // Writes TYPE..RDATA of one RR whose RDATA holds compressible names, then
  // patches RDLENGTH to the compressed size.
  bool AppendCompressedRR(const char* rr, uint16_t rdlen, RdataNames layout) {
    if (!w_.AppendBytes(rr, 8) || !w_.AppendU16(0)) return false;
    const size_t rdlen_at = w_.size() - 2;
    const size_t rdata_at = w_.size();
    std::string_view rdata(rr + 10, rdlen);
    switch (layout) {
      case RdataNames::kNameAt0:
        if (!w_.AppendName(rdata)) return false;
        break;
      case RdataNames::kMx:
        if (!w_.AppendBytes(rdata.data(), 2) || !w_.AppendName(rdata.substr(2)))
          return false;
        break;
      case RdataNames::kSoa: {
        const size_t mname_len = WireNameLength(rdata);
        const std::string_view rest = rdata.substr(mname_len);
        const size_t rname_len = WireNameLength(rest);
        if (!w_.AppendName(rdata.substr(0, mname_len)) ||
            !w_.AppendName(rest.substr(0, rname_len)) ||
            !w_.AppendBytes(rest.data() + rname_len, rest.size() - rname_len))
          return false;
        break;
      }
      default:
        return false;
    }
    w_.PatchU16(rdlen_at, static_cast<uint16_t>(w_.size() - rdata_at));
    return true;
  }

  [[gnu::noinline]] bool AppendWithSignatures(const Zone& zone, std::string_view owner,
                                              const RRset& set, Section section,
                                              int64_t ttl_override) {
    const Writer::Mark mark = w_.GetMark();
    if (!AppendRRset(owner, set, section, ttl_override)) return false;
    // A TTL override (the negative TTL of an SOA, RFC 2308 §3) applies to
    // the signatures too, as NSD serves them.
    if (!AppendRRset(owner, *zone.SignaturesOf(set), section, ttl_override)) return Fail(mark);
    return true;
  }

  // The RRSIGs over `view` by each of `signing`'s ZSKs, made now.
  bool AppendSignaturesNow(const ZoneSigning& signing, std::string_view owner,
                           const dnssec::RrsetView& view, Section section) {
    static thread_local std::string sig;
    for (const dnssec::KeyPair* key : signing.zsks) {
      if (!SignForQuery(*key, view, signing.inception, signing.expiration, &sig)) return false;
      if (!AppendOwner(owner) ||
          !w_.AppendRRFixed(rrtype::kRRSIG, rrclass::kIN, view.ttl,
                            static_cast<uint16_t>(sig.size())) ||
          !w_.AppendBytes(sig.data(), sig.size()))
        return false;
      w_.AddCount(section, 1);
    }
    return true;
  }

  const Query& q_;
  Writer& w_;
};

// The target name embedded in RR i of an NS, MX or SRV RRset; empty for
// other types.
std::string_view AdditionalTarget(const RRset& set, size_t i) {
  const std::string_view rdata = set.rdata(i);
  switch (set.names) {
    case RdataNames::kNameAt0:
      return set.type == rrtype::kNS ? rdata : std::string_view();
    case RdataNames::kMx:
      return rdata.size() > 2 ? rdata.substr(2) : std::string_view();
    case RdataNames::kSrv:
      return rdata.size() > 6 ? rdata.substr(6) : std::string_view();
    default:
      return {};
  }
}

// Additional-section processing (RFC 1034 §4.3.2 step 6, RFC 2181 §5.4.1):
// A and AAAA of targets of NS/MX/SRV RRs inside the zone the RRset came
// from, each target once, as far as they fit. Returns false only if a
// `required` target (in-domain glue of a referral, RFC 9471) did not fit.
class Additionals {
 public:
  explicit Additionals(Reply& reply) : reply_(reply) {}

  // Adds addresses for every target in `set`, an RRset of `zone`.
  // `required_below` non-empty: targets at or below that name are glue that
  // must fit.
  bool AddTargetsOf(const Zone& zone, const RRset& set,
                    std::string_view required_below = {}) {
    // Only NS, MX and SRV name targets (AdditionalTarget); A, AAAA, TXT...
    // (most answers) have none, and pay no call.
    if (set.names == RdataNames::kNone) return true;
    return AddTargets(zone, set, required_below);
  }

 private:
  [[gnu::noinline]] bool AddTargets(const Zone& zone, const RRset& set,
                                    std::string_view required_below) {
    bool all_required_fit = true;
    for (uint16_t i = 0; i < set.count; ++i) {
      const std::string_view target = AdditionalTarget(set, i);
      if (target.empty() || !NameIsSubdomain(target, zone.origin())) continue;
      const Node* node = zone.Find(target);
      if (node == nullptr || Seen(node)) continue;
      // Data below a cut is glue: only usable for the referral it serves.
      if ((node->flags & zones::node_flag::kBelowCut) && required_below.empty())
        continue;
      const bool required =
          !required_below.empty() && NameIsSubdomain(target, required_below);
      for (uint16_t type : {rrtype::kA, rrtype::kAAAA}) {
        const RRset* addr = node->Find(type);
        if (addr != nullptr &&
            !reply_.AppendSigned(zone, node->owner, *addr, Section::kAdditional) &&
            required) {
          all_required_fit = false;
        }
      }
    }
    return all_required_fit;
  }

  bool Seen(const Node* node) {
    for (size_t i = 0; i < count_; ++i)
      if (seen_[i] == node) return true;
    if (count_ < seen_.size()) seen_[count_++] = node;
    return false;
  }

  Reply& reply_;
  // The first count_ entries are valid; left uninitialized (per query).
  std::array<const Node*, kMaxAdditionalTargets> seen_;
  size_t count_ = 0;
};

// Per-query routing: who the client is, the ECS scope so far and, when
// explaining, the trace. Cheap to construct; the client address is worked
// out on first use, so static answers never pay for it.
class Router {
 public:
  Router(const Snapshot& snap, const Query& q, const Request& req, Trace* trace,
         Outcome* outcome)
      : snap_(snap), q_(q), req_(req), trace_(trace), outcome_(outcome) {
    states_.health = snap.health;
    states_.admin = snap.admin;
  }

  // Answers routed group `g` at `owner` into the answer section: the picked
  // member's records (an alias member's target's). *written is the RRset
  // written when exactly one was (CNAME following needs it). Returns false
  // if the records did not fit. `via_region`: the region of the alias
  // member that led here (recorded for members without a region).
  bool Answer(Reply& reply, const CompiledGroup& g, std::string_view owner,
              const RRset** written, int depth = 0,
              geo::RegionId via_region = geo::kNoRegion) {
    *written = nullptr;
    if (depth > kMaxAliasDepth) return true;  // cannot happen: cycles are refused at build
    if (depth == 0) {
      name_id_ = g.name_id;
      answer_zone_ = g.zone;
      answer_owner_ = g.owner;
    }
    RoutingDecision* d = trace_ != nullptr ? StartDecision(g) : nullptr;
    geo::PickTrace* pt = d != nullptr ? &d->pick : nullptr;

    OverrideFn override_fn{this, &g, depth};
    absl::FunctionRef<geo::MemberHealth(size_t)> override_ref(override_fn);
    geo::MemberStates states = states_;
    if (g.any_evaluate_target_health) states.override_health = &override_ref;

    const absl::Span<const geo::Candidate> candidates(g.candidates);
    uint32_t index = 0;
    RouteReason reason = RouteReason::kSimple;
    switch (g.group->policy) {
      case zones::RoutingPolicy::kSimple:
        index = 0;
        break;
      case zones::RoutingPolicy::kLatency: {
        ResolveClient();
        const geo::RankResult rank =
            snap_.latency->Rank(client_, d != nullptr ? &d->rank : nullptr);
        if (route_by_ecs_) {
          // A v4-mapped address in an IPv6 ECS option ranks as IPv4; the
          // reply's scope is in the option's family terms.
          const int scope = rank.scope + (q_.edns.ecs.family == 2 && client_.is_v4() ? 96 : 0);
          scope_ = std::max(scope_, scope);
        }
        const geo::Pick pick = geo::PickLatency(candidates, rank.ranking, states, pt);
        index = pick.index;
        reason = LatencyReason(pick, rank.ranking);
        if (d != nullptr && rank.ranking != nullptr)
          for (geo::TableRegion r : rank.ranking->regions())
            d->table_regions.push_back(snap_.latency->region_name(r));
        break;
      }
      case zones::RoutingPolicy::kWeighted: {
        const geo::Pick pick = geo::PickWeighted(candidates, states, Rng(), pt);
        index = pick.index;
        reason = pick.fail_open ? RouteReason::kFailOpen : RouteReason::kWeighted;
        break;
      }
      case zones::RoutingPolicy::kFailover: {
        const geo::Pick pick = geo::PickFailover(candidates, states, pt);
        index = pick.index;
        reason = pick.fail_open ? RouteReason::kFailOpen : RouteReason::kFailover;
        break;
      }
      case zones::RoutingPolicy::kMultiValue: {
        const geo::MultiPick picks = geo::PickMultivalue(candidates, states, Rng(), pt);
        reason = picks.fail_open ? RouteReason::kFailOpen : RouteReason::kMultiValue;
        for (uint8_t i = 0; i < picks.count; ++i) {
          const RRset* ignored;
          if (!WriteMember(reply, g, picks.index[i], owner, &ignored, depth, d, reason,
                           via_region))
            return false;
        }
        return true;
      }
    }
    if (index >= g.group->members.size()) return true;  // empty group: NODATA
    return WriteMember(reply, g, index, owner, written, depth, d, reason, via_region);
  }

  // The ECS scope for the reply: the widest prefix for which every latency
  // decision made would be the same; 0 when nothing depended on the client.
  uint8_t scope() const { return static_cast<uint8_t>(scope_); }

 private:
  // Route 53 nests aliases a few levels at most; build refuses cycles.
  static constexpr int kMaxAliasDepth = 8;

  // Health of alias members with EvaluateTargetHealth: their target group
  // is healthy if any of its members is (recursively).
  struct OverrideFn {
    Router* router;
    const CompiledGroup* group;
    int depth;
    geo::MemberHealth operator()(size_t i) const {
      const zones::RoutedMember& m = group->group->members[i];
      if (!m.is_alias() || !m.evaluate_target_health) return geo::MemberHealth::kUseSlot;
      const CompiledGroup* target = group->targets[i].group;
      if (target == nullptr) return geo::MemberHealth::kHealthy;  // static RRset
      return router->GroupEligible(*target, depth + 1) ? geo::MemberHealth::kHealthy
                                                       : geo::MemberHealth::kUnhealthy;
    }
  };

  bool GroupEligible(const CompiledGroup& g, int depth) {
    if (depth > kMaxAliasDepth) return true;
    OverrideFn fn{this, &g, depth};
    absl::FunctionRef<geo::MemberHealth(size_t)> ref(fn);
    geo::MemberStates states = states_;
    if (g.any_evaluate_target_health) states.override_health = &ref;
    return geo::AnyEligible(g.candidates, states);
  }

  bool WriteMember(Reply& reply, const CompiledGroup& g, uint32_t index,
                   std::string_view owner, const RRset** written, int depth,
                   RoutingDecision* d, RouteReason reason, geo::RegionId via_region) {
    if (d != nullptr) d->answered.push_back(index);
    const zones::RoutedMember& m = g.group->members[index];
    geo::RegionId region = g.candidates[index].region;
    if (region == geo::kNoRegion) region = via_region;
    if (m.is_alias()) {
      const AliasTarget& t = g.targets[index];
      if (t.group != nullptr)
        return Answer(reply, *t.group, owner, written, depth + 1, region);
      if (t.rrset == nullptr) return true;
      *written = t.rrset;
      Record(region, t.rrset->ttl, reason);
      if (reply.dnssec_ok()) [[unlikely]]
        return AppendSignedMember(reply, owner, *t.rrset, /*own=*/false);
      return reply.AppendRRset(owner, *t.rrset, Section::kAnswer);
    }
    *written = &m.rrset;
    Record(region, m.rrset.ttl, reason);
    if (reply.dnssec_ok()) [[unlikely]]
      return AppendSignedMember(reply, owner, m.rrset, /*own=*/depth == 0);
    return reply.AppendRRset(owner, m.rrset, Section::kAnswer);
  }

  // A routed answer with DO: in a zone whose routed members are signed
  // here, with the RRSIGs made at snapshot build when `set` is the
  // member's own at its own owner (`own`, and not a wildcard), else made
  // now (an alias target's records, a wildcard). Unsigned elsewhere.
  [[gnu::noinline]] bool AppendSignedMember(Reply& reply, std::string_view owner,
                                            const RRset& set, bool own) {
    const ZoneSigning* signing = snap_.SigningOf(*answer_zone_);
    if (signing == nullptr) return reply.AppendRRset(owner, set, Section::kAnswer);
    if (own && set.sigs != zones::kNoSignatures && owner == answer_owner_)
      return reply.AppendSigned(*answer_zone_, owner, set, Section::kAnswer);
    return reply.AppendSignedNow(*signing, owner, set, Section::kAnswer);
  }

  // Notes a routed member answered, for the worker's counters and drain
  // tracking. Fixed array; entries past Outcome::kMaxRouted are dropped.
  void Record(geo::RegionId region, uint32_t ttl, RouteReason reason) {
    if (outcome_->routed_count >= Outcome::kMaxRouted) return;
    outcome_->routed[outcome_->routed_count++] = RoutedAnswer{name_id_, region, ttl, reason};
  }

  // The metrics reason of a latency pick (see RouteReason).
  RouteReason LatencyReason(const geo::Pick& pick, const geo::Ranking* ranking) const {
    if (pick.fail_open) return RouteReason::kFailOpen;
    switch (pick.passed_over) {
      case geo::SkipReason::kUnhealthy: return RouteReason::kNextNearestUnhealthy;
      case geo::SkipReason::kDrained: return RouteReason::kNextNearestDrained;
      case geo::SkipReason::kDown: return RouteReason::kNextNearestDown;
      default: break;
    }
    if (ranking == nullptr) return RouteReason::kUnranked;
    if (ranking == (client_.is_v4() ? snap_.default_ranking_v4 : snap_.default_ranking_v6))
      return RouteReason::kDefaultRow;
    return RouteReason::kNearest;
  }

  // The address routing uses (DESIGN.md): the ECS address when the query
  // has one with a non-zero source prefix, else the packet's source.
  void ResolveClient() {
    if (client_resolved_) return;
    client_resolved_ = true;
    const Edns& e = q_.edns;
    if (e.has_ecs && e.ecs.source_prefix > 0) {
      client_ = e.ecs.family == 1 ? geo::Address::FromV4Bytes(e.ecs.address)
                                  : geo::Address::FromV6Bytes(e.ecs.address);
      route_by_ecs_ = true;
    } else {
      client_ = req_.source.is_v6 ? geo::Address::FromV6Bytes(req_.source.bytes)
                                  : geo::Address::FromV4Bytes(req_.source.bytes);
    }
    if (trace_ != nullptr) {
      trace_->client_address = client_.ToString();
      trace_->client_source = route_by_ecs_ ? "ecs" : "packet";
    }
  }

  // One generator per worker thread: weighted and multivalue draws.
  static geo::Rng& Rng() {
    static thread_local geo::Rng rng(
        std::hash<std::thread::id>{}(std::this_thread::get_id()) ^ 0x9E3779B97F4A7C15ull);
    return rng;
  }

  RoutingDecision* StartDecision(const CompiledGroup& g) {
    RoutingDecision& d = trace_->decisions.emplace_back();
    d.owner = NameToText(g.owner);
    d.type = g.group->type;
    d.policy = zones::RoutingPolicyName(g.group->policy);
    if (!g.group->members.empty()) d.source = g.group->members.front().source;
    for (size_t i = 0; i < g.group->members.size(); ++i) {
      const zones::RoutedMember& m = g.group->members[i];
      d.set_identifiers.push_back(m.set_identifier);
      d.member_regions.push_back(m.region);
      d.health_check_ids.push_back(m.health_check_id);
      d.alias_targets.push_back(m.is_alias() ? NameToText(m.alias_target) : "");
    }
    return &d;
  }

  const Snapshot& snap_;
  const Query& q_;
  const Request& req_;
  Trace* trace_;
  Outcome* outcome_;
  uint32_t name_id_ = kNoRoutedName;  // of the outermost group being answered
  const Zone* answer_zone_ = nullptr;  // its zone and owner (signing)
  std::string_view answer_owner_;
  geo::MemberStates states_;
  geo::Address client_;
  bool client_resolved_ = false;
  bool route_by_ecs_ = false;
  int scope_ = 0;
};

// Fills the fixed part of every reply: header and (if parsed) question.
bool StartReply(const Query& q, Writer& w, uint16_t flags) {
  if (!w.AppendHeader(q.id, flags)) return false;
  if (q.has_question) {
    if (!w.AppendQuestion(q.qname_as_sent, q.qname.wire(), q.qtype, q.qclass))
      return false;
    w.SetQuestionCount(1);
  }
  return true;
}

// QR, the query's opcode and RD. CD is never copied: RFC 4035 §3.1.6 says
// an authoritative server SHOULD clear it (NSD and Knot do).
uint16_t ReplyFlags(const Query& q) {
  return flag::kQR | (q.flags & (flag::kOpcodeMask | flag::kRD));
}

// NOTIMP for an opcode we do not implement: QR and the opcode alone, RD
// and CD clear, as BIND does (ISC EDNS compliance test `opcodeflg`).
uint16_t NotImpFlags(const Query& q) {
  return flag::kQR | (q.flags & flag::kOpcodeMask);
}

void SetRcode(Writer& w, Rcode rcode) {
  w.SetFlags(static_cast<uint16_t>((w.flags() & ~flag::kRcodeMask) |
                                   (static_cast<uint16_t>(rcode) & flag::kRcodeMask)));
}

// What an answered query resolved to.
struct Resolution {
  Rcode rcode = Rcode::kNoError;
  bool authoritative = true;
  bool truncated = false;
};

// DS at the apex of `zone` is answered from the parent zone when we serve
// it too (RFC 4035 §3.1.4.1: DS lives on the parent side of the cut).
// Out of line: only DS queries come here.
[[gnu::noinline]] const Zone* DsZone(const Snapshot& snap, const Name& name,
                                     const Zone* zone) {
  if (name.label_count() == 0 || zone->origin() != name.wire()) return zone;
  Name parent;
  const std::string_view up = name.Suffix(1);
  if (parent.AssignWire(reinterpret_cast<const uint8_t*>(up.data()), up.size())) {
    if (const Zone* above = snap.zones.FindZone(parent)) return above;
  }
  return zone;
}

// The zone that answers `name`: the deepest loaded zone containing it (DS
// aside, see DsZone). nullptr: not authoritative.
inline const Zone* ZoneFor(const Snapshot& snap, const Name& name, uint16_t qtype) {
  const Zone* zone = snap.zones.FindZone(name);
  if (qtype == rrtype::kDS && zone != nullptr) [[unlikely]]
    zone = DsZone(snap, name, zone);
  return zone;
}

// The zone for the next name of a chain (a CNAME target or a DNAME
// substitution): with one zone loaded, that zone if it contains the name;
// else ZoneFor, so that a target in another zone we serve, or in a child
// zone served beside its parent, is answered from that zone (RFC 1034
// §4.3.2 step 3a, as NSD and PowerDNS do). nullptr: not ours.
const Zone* ChainZone(const Snapshot& snap, const Zone& current, const Name& name,
                      uint16_t qtype) {
  if (snap.zones.size() == 1)
    return NameIsSubdomain(name.wire(), current.origin()) ? &current : nullptr;
  return ZoneFor(snap, name, qtype);
}

// Storage for the names DNAMEs synthesize while answering one query: the
// writer's compression table points at every name it wrote, so these
// must live as long as the writer. Left uninitialized; one slot per chain
// step at most.
struct SynthesizedNames {
  uint8_t wire[kMaxCnameChain][kMaxNameLength];
};

// The next step of a chain: `target` (a CNAME's, written at `node` in step
// `step` of a chain now in `zone`, or a DNAME substitution's), copied into
// *next. Returns the zone to look it up in, the deepest of ours holding it,
// or nullptr when the chain stops: the step limit, a loop back to a node in
// visited[0..step], or a name in no zone of ours (the resolver follows on).
// Out of line: only chains come here.
[[gnu::noinline]] const Zone* FollowTo(const Snapshot& snap, uint16_t qtype,
                                       const Zone& zone, std::string_view target,
                                       const Node& node, int step, const Node** visited,
                                       Name* next) {
  visited[step] = &node;
  if (step + 1 >= kMaxCnameChain ||
      !next->AssignWire(reinterpret_cast<const uint8_t*>(target.data()), target.size()))
    return nullptr;
  const Zone* next_zone = ChainZone(snap, zone, *next, qtype);
  if (next_zone == nullptr) return nullptr;
  if (const Node* n = next_zone->Find(target)) {
    for (int i = 0; i <= step; ++i)
      if (visited[i] == n) return nullptr;  // loop
  }
  return next_zone;
}

// Everything one query's resolution writes with and into.
struct Resolver {
  const Snapshot& snap;
  const Query& q;
  Writer& w;
  Router& router;
  Trace* trace;
  SynthesizedNames& synthesized;
  Reply reply;
  Additionals additionals;
  Writer::Mark after_question;
  Resolution res;
  // Denial proofs: [0, proofs_written) are in the reply, [proofs_written,
  // proofs_added) queued; left uninitialized (per query).
  struct Proof {
    const Zone* zone;
    const Node* node;
    const RRset* set;
  };
  std::array<Proof, 16> proofs;
  uint8_t proofs_added = 0;
  uint8_t proofs_written = 0;

  Resolver(const Snapshot& s, const Query& query, Writer& writer, Router& r, Trace* t,
           SynthesizedNames& names)
      : snap(s), q(query), w(writer), router(r), trace(t), synthesized(names),
        reply(query, writer), additionals(reply), after_question(writer.GetMark()) {}

  // What is left to do after one name of a chain was answered.
  enum class Next : uint8_t { kDone, kCname, kDname };
  struct Step {
    Next next = Next::kDone;
    const Node* node = nullptr;  // kCname: the CNAME's node; kDname: the owner's
    std::string_view target;     // kCname: the CNAME's target
  };

  // The reply is cut back to the question, with TC.
  void Truncate() {
    w.Rollback(after_question);
    res.truncated = true;
  }
  // NXDOMAIN or NODATA with the SOA of `zone` (and its RRSIGs with DO),
  // where the last name is.
  void Negative(const Zone& zone, Rcode rcode) {
    res.rcode = rcode;
    if (!reply.AppendSigned(zone, zone.origin(), zone.soa(), Section::kAuthority,
                            zone.negative_ttl()))
      Truncate();
  }

  // --- DNSSEC denial of existence (pre-signed zones, DO set) ---
  //
  // Which NSEC or NSEC3 RRsets prove what, as RFC 4035 §3.1.3 and RFC 5155
  // §7.2 say and as NSD picks them. Each proof RRset goes to the authority
  // section once per reply, with its RRSIGs; out of line: only signed
  // negative, wildcard and referral answers with DO come here.

  // Whether proofs go into answers from `zone`.
  bool Proving(const Zone& zone) const {
    return reply.dnssec_ok() && zone.dnssec() != nullptr;
  }
  // Whether `zone` is signed here, with compact denial (online_signing.h).
  static bool Online(const Zone& zone) {
    return zone.dnssec() != nullptr && zone.dnssec()->online;
  }

  // --- Compact denial of existence (RFC 9824), online-signed zones ---
  //
  // One NSEC whose owner is the name asked (`owner`, lower-cased), whose
  // next name is its immediate successor "\000.owner" (RFC 4471 §3.1.2:
  // the NSEC covers nothing but the name itself, so it tells a zone walker
  // nothing), and whose bitmap has the types of `node` plus RRSIG and
  // NSEC, or, for a name that does not exist (node == nullptr), RRSIG,
  // NSEC and NXNAME; signed now with the zone's ZSKs, to the authority
  // section. The NXDOMAIN becomes a NODATA (NOERROR) that proves the name
  // has no data of any type.
  [[gnu::noinline]] void AddCompactDenial(const Zone& zone, std::string_view owner,
                                          const Node* node) {
    if (res.truncated) return;
    // A name that exists, at its own owner: its NSEC was made at build.
    if (node != nullptr && owner == node->owner) {
      const std::vector<RRset>& made = zone.dnssec()->nodata_nsec;
      const size_t id = static_cast<size_t>(node - &zone.node(0));
      if (id < made.size() && made[id].count > 0) {
        if (!reply.AppendSigned(zone, owner, made[id], Section::kAuthority)) Truncate();
        return;
      }
    }
    const ZoneSigning* signing = snap.SigningOf(zone);
    if (signing == nullptr) return;
    std::array<uint16_t, 64> types;
    size_t n = 0;
    types[n++] = rrtype::kRRSIG;
    types[n++] = rrtype::kNSEC;
    if (node == nullptr) {
      types[n++] = dnssec::rrtype::kNXNAME;
    } else {
      for (const RRset& set : node->rrsets)
        if (n < types.size()) types[n++] = set.type;
      for (const zones::RoutedGroup& g : node->routed)
        if (n < types.size()) types[n++] = g.type;
    }
    uint8_t rdata[2 + kMaxNameLength + 64 * 34];
    size_t len = 0;
    if (owner.size() + 2 <= kMaxNameLength) {
      rdata[0] = 1;  // "\000." + owner
      rdata[1] = 0;
      len = 2;
    }  // else: the owner itself (the next name of a NODATA proof is not checked)
    std::memcpy(rdata + len, owner.data(), owner.size());
    len += owner.size();
    len += dnssec::EncodeTypeBitmap(absl::MakeConstSpan(types.data(), n), rdata + len,
                                    sizeof rdata - len);
    if (!reply.AppendOneSignedNow(*signing, owner, rrtype::kNSEC, zone.negative_ttl(),
                                  std::string_view(reinterpret_cast<const char*>(rdata), len),
                                  Section::kAuthority))
      Truncate();
  }

  // Queues the `type` (NSEC or NSEC3) RRset of `node` for the authority
  // section unless it is there or queued already. Queued, not written: a
  // wildcard CNAME's proof is found before the rest of the chain is
  // written into the answer section (FlushProofs writes them).
  void AddProof(const Zone& zone, const Node* node, uint16_t type) {
    if (node == nullptr || res.truncated) return;
    for (size_t i = 0; i < proofs_added; ++i)
      if (proofs[i].node == node) return;
    const RRset* set = node->Find(type);
    if (set == nullptr || proofs_added == proofs.size()) return;
    proofs[proofs_added++] = Proof{&zone, node, set};
  }
  // Writes the queued proofs; the reply is truncated if one does not fit.
  // Called before the additional section and at the end of the answer.
  [[gnu::noinline]] void FlushProofs() {
    for (; proofs_written < proofs_added && !res.truncated; ++proofs_written) {
      const Proof& p = proofs[proofs_written];
      if (!reply.AppendSigned(*p.zone, p.node->owner, *p.set, Section::kAuthority)) Truncate();
    }
  }
  bool ProofsPending() const { return proofs_written != proofs_added; }
  // The NSEC at or before `name` (RFC 4034 §6.1 order): `name`'s own NSEC,
  // or the one covering it.
  void AddNsec(const Zone& zone, std::string_view name) {
    AddProof(zone, zone.CoveringNsec(name), rrtype::kNSEC);
  }
  // The NSEC3 matching `name` (want_exact; none if none matches) or
  // covering it (!want_exact). Returns whether one matched.
  bool AddNsec3(const Zone& zone, std::string_view name, bool want_exact) {
    const zones::ZoneDnssec& d = *zone.dnssec();
    uint8_t hash[dns::dnssec::kNsec3HashLength];
    // `name` is a lower-cased wire name from the query or the zone: it
    // always hashes (false is only for a malformed name).
    dns::dnssec::Nsec3Hash(name, d.nsec3_salt, d.nsec3_iterations, hash);
    bool exact = false;
    const Node* n = zone.FindNsec3(hash, &exact);
    if (exact == want_exact) AddProof(zone, n, rrtype::kNSEC3);
    return exact;
  }
  // "*." + `encloser` in `buf`.
  static std::string_view WildcardOf(std::string_view encloser, char (&buf)[kMaxNameLength + 2]) {
    const size_t n = std::min(encloser.size(), sizeof buf - 2);
    buf[0] = 1;
    buf[1] = '*';
    std::memcpy(buf + 2, encloser.data(), n);
    return {buf, n + 2};
  }
  // The name one label longer than `encloser` on the way to `name` (RFC
  // 5155 §1.3 "next closer name"); `name` must be below `encloser`.
  static std::string_view NextCloser(const Name& name, std::string_view encloser) {
    const int below = name.label_count() - NameLabelCount(encloser);
    return name.Suffix(below - 1);
  }
  // RFC 5155 §7.2.1 closest encloser proof for `name` below `encloser`,
  // starting from the closest provable encloser at or above `encloser`
  // (opt-out spans and empty non-terminals without NSEC3 are skipped as NSD
  // does): its matching NSEC3 and the NSEC3 covering the next closer name.
  void AddClosestEncloserProof(const Zone& zone, const Name& name, std::string_view encloser) {
    int up = name.label_count() - NameLabelCount(encloser);
    while (up < name.label_count() && !AddNsec3(zone, name.Suffix(up), true)) ++up;
    if (up > 0) AddNsec3(zone, name.Suffix(up - 1), false);
  }

  // NXDOMAIN below closest encloser `ce`: the name and the wildcard that
  // could have made it do not exist (RFC 4035 §3.1.3.2, RFC 5155 §7.2.2).
  [[gnu::noinline]] void ProveNxDomain(const Zone& zone, const Name& name, const Node& ce) {
    char wild[kMaxNameLength + 2];
    const std::string_view wildcard = WildcardOf(ce.owner, wild);
    if (zone.dnssec()->nsec3()) {
      AddClosestEncloserProof(zone, name, ce.owner);
      AddNsec3(zone, wildcard, false);
    } else {
      AddNsec(zone, name.wire());
      AddNsec(zone, wildcard);
    }
    FlushProofs();
  }
  // An answer synthesized from wildcard node `wild`: the name itself does
  // not exist (RFC 4035 §3.1.3.3, RFC 5155 §7.2.6).
  [[gnu::noinline]] void ProveWildcardAnswer(const Zone& zone, const Name& name,
                                             const Node& wild, bool flush = true) {
    if (zone.dnssec()->nsec3()) {
      AddNsec3(zone, NextCloser(name, NameParent(wild.owner)), false);
    } else {
      AddNsec(zone, name.wire());
    }
    if (flush) FlushProofs();
  }
  // NODATA at `node` (the name's node, or the wildcard that matched it):
  // RFC 4035 §3.1.3.1/§3.1.3.4, RFC 5155 §7.2.3-7.2.5.
  [[gnu::noinline]] void ProveNoData(const Zone& zone, const Name& name, const Node& node,
                                     bool wildcard) {
    QueueNoDataProof(zone, name, node, wildcard);
    FlushProofs();
  }
  void QueueNoDataProof(const Zone& zone, const Name& name, const Node& node, bool wildcard) {
    const bool nsec3 = zone.dnssec()->nsec3();
    if (wildcard) {
      ProveWildcardAnswer(zone, name, node, /*flush=*/false);
      if (nsec3) {
        AddNsec3(zone, NameParent(node.owner), true);  // the closest encloser
        AddNsec3(zone, node.owner, true);              // the wildcard's types
      } else {
        AddNsec(zone, node.owner);
      }
      return;
    }
    if (!nsec3) {
      AddNsec(zone, node.owner);
      return;
    }
    // The name's own NSEC3; without one (an empty non-terminal or an
    // insecure delegation in an opt-out span), the closest provable
    // encloser's and the one covering the next closer name.
    if (!AddNsec3(zone, node.owner, true)) AddClosestEncloserProof(zone, name, node.owner);
    // The wildcard owner itself asked for: its parent's too, as NSD adds.
    if (NameIsWildcard(node.owner)) AddNsec3(zone, NameParent(node.owner), true);
  }
  // A referral to `cut`: its DS RRset, or proof that it has none (RFC 4035
  // §3.1.4, RFC 5155 §7.2.7, opt-out included).
  [[gnu::noinline]] void ProveReferral(const Zone& zone, const Node& cut) {
    if (const RRset* ds = cut.Find(rrtype::kDS)) {
      if (!reply.AppendSigned(zone, cut.owner, *ds, Section::kAuthority)) Truncate();
      return;
    }
    if (Online(zone)) {
      AddCompactDenial(zone, cut.owner, &cut);
      return;
    }
    if (!zone.dnssec()->nsec3()) {
      AddProof(zone, &cut, rrtype::kNSEC);
      return;
    }
    if (AddNsec3(zone, cut.owner, true)) return;
    Name cut_name;
    if (cut_name.AssignWire(reinterpret_cast<const uint8_t*>(cut.owner.data()), cut.owner.size()))
      AddClosestEncloserProof(zone, cut_name, NameParent(cut.owner));
  }

  // An answer RRset with its RRSIGs (DO). A wildcard expansion in a zone
  // signed here is signed now as the name it answers (RFC 9824 §3: no
  // proof that the name does not exist is needed, or given).
  bool AppendAnswer(const Zone& zone, std::string_view owner, const RRset& set,
                    bool wildcard) {
    if (wildcard && reply.dnssec_ok() && Online(zone)) [[unlikely]] {
      if (const ZoneSigning* signing = snap.SigningOf(zone))
        return reply.AppendSignedNow(*signing, owner, set, Section::kAnswer);
    }
    return reply.AppendSigned(zone, owner, set, Section::kAnswer);
  }

  // A positive answer's wildcard proof, queued proofs (a wildcard CNAME's,
  // earlier in the chain: before the additional section) and additional
  // addresses.
  [[gnu::noinline]] void AfterPositive(const Zone& zone, const Name& name, const Node& node,
                                       const RRset& set, bool wildcard) {
    if (wildcard && Proving(zone) && !Online(zone)) ProveWildcardAnswer(zone, name, node);
    if (ProofsPending()) FlushProofs();
    if (!res.truncated) additionals.AddTargetsOf(zone, set);
  }

  // Answers `name` (spelled `owner` in owner fields) in `zone`, step `step`
  // of a chain (0: the qname): RFC 1034 §4.3.2 step 3 for one name. A CNAME
  // is written and returned (kCname); a DNAME is returned (kDname) for
  // FollowChain. Inlined into Resolve's first step and FollowChain's loop.
  [[gnu::always_inline]] Step AnswerName(const Zone& zone, const Name& name,
                                         std::string_view owner, int step) {
    const zones::LookupResult found = zones::Lookup(zone, name, q.qtype);
    if (trace != nullptr && step == 0) trace->lookup = zones::LookupKindName(found.kind);
    switch (found.kind) {
      case LookupKind::kReferral: {
        const Node& cut = *found.node;
        const RRset* ns = cut.Find(rrtype::kNS);
        // A chain that leads into a delegation keeps AA for the CNAMEs
        // already written (they are ours); the bare referral has no AA.
        if (step == 0) res.authoritative = false;
        if (ns == nullptr) return {};
        if (!reply.AppendRRset(cut.owner, *ns, Section::kAuthority)) {
          Truncate();
          return {};
        }
        if (Proving(zone)) ProveReferral(zone, cut);
        if (ProofsPending()) FlushProofs();
        if (res.truncated) return {};
        if (!additionals.AddTargetsOf(zone, *ns, cut.owner)) res.truncated = true;
        return {};
      }
      case LookupKind::kNxDomain:
        if (reply.dnssec_ok() && Online(zone)) [[unlikely]] {
          // RFC 9824 §3: NOERROR, or NXDOMAIN for a client that said it
          // takes it (the CO flag, §4).
          Negative(zone, q.edns.compact_ok ? Rcode::kNxDomain : Rcode::kNoError);
          AddCompactDenial(zone, owner, nullptr);
          return {};
        }
        Negative(zone, Rcode::kNxDomain);
        if (Proving(zone)) ProveNxDomain(zone, name, *found.node);
        return {};
      case LookupKind::kDname:
        return {Next::kDname, found.node, {}};
      case LookupKind::kExact:
      case LookupKind::kWildcard:
        break;
    }

    const Node& node = *found.node;
    const RRset* set = nullptr;
    const zones::RoutedGroup* routed = nullptr;
    if (q.qtype == rrtype::kANY) {
      // RFC 8482 §4.1: answer with one RRset instead of all of them.
      if (!node.rrsets.empty()) {
        set = &node.rrsets.front();
      } else if (!node.routed.empty()) {
        routed = &node.routed.front();
      }
    } else {
      set = node.Find(q.qtype);
      if (set == nullptr && (node.flags & zones::node_flag::kRouted)) {
        routed = node.FindRouted(q.qtype);
      }
    }
    if (routed != nullptr) {
      const CompiledGroup* g = snap.Compiled(routed);
      const RRset* written = nullptr;
      const uint16_t before = w.count(Section::kAnswer);
      // Routed answers are not signed yet (online signing is to come): in a
      // signed zone they go out unsigned and without proofs.
      if (g != nullptr && !router.Answer(reply, *g, owner, &written)) {
        Truncate();
      } else if (w.count(Section::kAnswer) == before) {
        Negative(zone, Rcode::kNoError);
        if (reply.dnssec_ok() && Online(zone)) AddCompactDenial(zone, owner, &node);
      } else if (written != nullptr) {
        if (written->names != RdataNames::kNone && ProofsPending()) FlushProofs();
        if (!res.truncated) additionals.AddTargetsOf(zone, *written);
      }
      return {};
    }
    const bool wildcard = found.kind == LookupKind::kWildcard;
    if (set != nullptr) {
      if (!AppendAnswer(zone, owner, *set, wildcard)) {
        Truncate();
      } else if ((wildcard && q.edns.dnssec_ok) || set->names != RdataNames::kNone)
          [[unlikely]] {
        // Most answers (A, AAAA, TXT; from a wildcard without DO) end here:
        // proofs exist only with DO, additionals only for NS/MX/SRV.
        AfterPositive(zone, name, node, *set, wildcard);
      }
      return {};
    }

    // A CNAME, static or routed (Route 53 routes CNAMEs too).
    const RRset* cname = node.Find(rrtype::kCNAME);
    if (cname != nullptr) {
      if (!AppendAnswer(zone, owner, *cname, wildcard)) {
        Truncate();
        return {};
      }
      if (wildcard && Proving(zone) && !Online(zone))
        ProveWildcardAnswer(zone, name, node, /*flush=*/false);
    } else if (const zones::RoutedGroup* rc =
                   (node.flags & zones::node_flag::kRouted) ? node.FindRouted(rrtype::kCNAME)
                                                           : nullptr) {
      const CompiledGroup* g = snap.Compiled(rc);
      if (g != nullptr && !router.Answer(reply, *g, owner, &cname)) {
        Truncate();
        return {};
      }
    }
    if (cname == nullptr || cname->count == 0) {
      Negative(zone, Rcode::kNoError);  // NODATA
      if (Proving(zone) && !res.truncated) {
        if (Online(zone)) {
          AddCompactDenial(zone, owner, &node);
        } else if (node.routed.empty()) {
          ProveNoData(zone, name, node, wildcard);
        }
      }
      return {};
    }
    return {Next::kCname, &node, cname->rdata(0)};
  }

  // RFC 6672 §3.2 step 3c, for `name` (spelled `owner`) below `dname_node`
  // in step `step`: appends the DNAME, then a CNAME from the name to the
  // name with the DNAME's owner replaced by its target. Returns the zone to
  // go on in with that name (in *next, spelled *next_owner), or nullptr
  // when the answer is complete: the substitution is longer than 255
  // octets (YXDOMAIN, the DNAME alone: RFC 6672 §2.2), the query is for
  // CNAME (the synthesized CNAME answers it, as NSD and BIND), the DNAME
  // was met before (a loop: stop, as NSD), or FollowTo stops.
  const Zone* SubstituteDname(const Zone& zone, const Name& name, std::string_view owner,
                              const Node& dname_node, int step, const Node** visited,
                              Name* next, std::string_view* next_owner) {
    for (int i = 0; i < step; ++i)
      if (visited[i] == &dname_node) return nullptr;  // loop
    const RRset& dname = *dname_node.Find(rrtype::kDNAME);
    // The DNAME with its RRSIGs; the synthesized CNAME goes unsigned (RFC
    // 6672 §5.3.1: the validator checks it against the DNAME).
    if (!reply.AppendSigned(zone, dname_node.owner, dname, Section::kAnswer)) {
      Truncate();
      return nullptr;
    }
    const std::string_view dname_target = dname.rdata(0);
    const size_t prefix = name.length() - dname_node.owner.size();
    if (prefix + dname_target.size() > kMaxNameLength) {
      res.rcode = Rcode::kYxDomain;
      return nullptr;
    }
    uint8_t* synth = synthesized.wire[step];
    std::memcpy(synth, name.data(), prefix);
    std::memcpy(synth + prefix, dname_target.data(), dname_target.size());
    *next_owner = std::string_view(reinterpret_cast<const char*>(synth),
                                   prefix + dname_target.size());
    if (!reply.AppendSynthesizedCname(owner, *next_owner, dname.ttl)) {
      Truncate();
      return nullptr;
    }
    if (q.qtype == rrtype::kCNAME) return nullptr;
    return FollowTo(snap, q.qtype, zone, *next_owner, dname_node, step, visited, next);
  }

  // Follows a chain that the qname's step (`first`, in `zone`) started,
  // into whichever of our zones holds each name. Out of line: most
  // queries end at their first name.
  [[gnu::noinline]] void FollowChain(const Zone& first_zone, Step first) {
    FollowChainSteps(first_zone, first);
    // A wildcard CNAME's proof waits for the rest of the chain.
    if (ProofsPending()) FlushProofs();
  }
  [[gnu::always_inline]] void FollowChainSteps(const Zone& first_zone, Step first) {
    const Zone* zone = &first_zone;
    const Name* current = &q.qname;
    std::string_view owner = q.qname.wire();  // storage outlives the reply
    Name target_name;
    // Nodes whose CNAME or DNAME was written; [0, step] valid.
    std::array<const Node*, kMaxCnameChain> visited;
    Step s = first;
    for (int step = 0;; ++step) {
      if (s.next == Next::kDname) {
        std::string_view next_owner;
        const Zone* next = SubstituteDname(*zone, *current, owner, *s.node, step,
                                           visited.data(), &target_name, &next_owner);
        if (next == nullptr) return;
        zone = next;
        owner = next_owner;
      } else {
        const Zone* next = FollowTo(snap, q.qtype, *zone, s.target, *s.node, step,
                                    visited.data(), &target_name);
        if (next == nullptr) return;
        zone = next;
        owner = s.target;
      }
      current = &target_name;
      s = AnswerName(*zone, *current, owner, step + 1);
      if (s.next == Next::kDone) return;
    }
  }
};

// Writes the answer, authority and additional sections for a query inside
// `zone`, following CNAMEs and DNAMEs into every zone of the snapshot. The
// writer's limit already keeps room for OPT.
Resolution Resolve(const Snapshot& snap, const Zone& zone, const Query& q, Writer& w,
                   Router& router, SynthesizedNames& synthesized, Trace* trace) {
  Resolver r(snap, q, w, router, trace, synthesized);
  const Resolver::Step first = r.AnswerName(zone, q.qname, q.qname.wire(), 0);
  if (first.next != Resolver::Next::kDone) r.FollowChain(zone, first);
  return r.res;
}

// Explain: the zone used and how it is signed.
void TraceSigning(const Snapshot& snap, const Zone& zone, const Query& q, Trace* trace) {
  trace->zone = NameToText(zone.origin());
  trace->dnssec_ok = q.edns.dnssec_ok;
  const ZoneSigning* s = snap.SigningOf(zone);
  if (zone.dnssec() == nullptr) {
    trace->zone_signing = "unsigned";
  } else if (s == nullptr) {
    trace->zone_signing = "pre-signed";
  } else {
    trace->zone_signing = s->online ? "online" : "pre-signed, routed answers online";
  }
  if (s != nullptr) {
    for (const dnssec::KeyPair* k : s->zsks) trace->zsk_tags.push_back(k->key_tag);
    trace->ksk_tags = s->ksk_tags;
    trace->signatures_expire = s->expiration;
  }
}

}  // namespace

const char* RouteReasonName(RouteReason r) {
  switch (r) {
    case RouteReason::kNearest: return "nearest";
    case RouteReason::kNextNearestUnhealthy: return "next_nearest_unhealthy";
    case RouteReason::kNextNearestDrained: return "next_nearest_drained";
    case RouteReason::kNextNearestDown: return "next_nearest_down";
    case RouteReason::kDefaultRow: return "default_row";
    case RouteReason::kUnranked: return "unranked";
    case RouteReason::kFailOpen: return "fail_open";
    case RouteReason::kWeighted: return "weighted";
    case RouteReason::kFailover: return "failover";
    case RouteReason::kMultiValue: return "multivalue";
    case RouteReason::kSimple: return "simple";
  }
  return "unknown";
}

namespace {

// NOTIFY (RFC 1996) for the zone whose apex is the question: NOTAUTH for a
// zone not served (as Knot), else what the transfer hooks say: NOERROR
// with AA when accepted, REFUSED otherwise (as NSD for a zone it is not a
// secondary of). Out of line: NOTIFY is rare.
[[gnu::noinline]] Rcode AnswerNotify(const Snapshot& snapshot, const Query& q,
                                     const Request& request, const tsig::Key* key,
                                     uint16_t* flags) {
  const Zone* zone = nullptr;
  if (q.qclass == rrclass::kIN) zone = snapshot.zones.FindZone(q.qname);
  if (zone == nullptr || zone->origin() != q.qname.wire()) return Rcode::kNotAuth;
  if (snapshot.transfer_hooks == nullptr ||
      !snapshot.transfer_hooks->OnNotify(*zone, request.source, key)) {
    return Rcode::kRefused;
  }
  *flags |= flag::kAA;
  return Rcode::kNoError;
}

// Everything after ParseQuery: the reply into `out`. `reserve` octets are
// kept free at the end (the TSIG RR of a signed reply); `forced` other than
// NOERROR answers header and question with that rcode (a TSIG error).
// Inlined into HandleQuery: the unsigned path costs what it did.
[[gnu::always_inline]] inline size_t AnswerParsed(
    const Snapshot& snapshot, const Query& q, ParseStatus status,
    const Request& request, uint8_t* out, size_t out_cap, Outcome& oc,
    Trace* trace, size_t reserve, Rcode forced, const tsig::Key* tsig_key) {
  // The reply size limit: the whole buffer over TCP; over UDP the client's
  // EDNS buffer size capped by ours, or 512 without EDNS (RFC 6891 §6.2.5).
  size_t limit = std::min<size_t>(out_cap, kMaxMessageSize);
  if (request.transport == Transport::kUdp) {
    size_t udp = kClassicUdpSize;
    if (q.edns.present) {
      udp = std::min<size_t>(q.edns.udp_size, request.max_udp_size);
      udp = std::max(udp, kClassicUdpSize);
    }
    limit = std::min(limit, udp);
  }
  if (limit < kHeaderSize) return 0;

  Writer w(out, std::min<size_t>(out_cap, kMaxMessageSize));
  SynthesizedNames synthesized;  // DNAME targets; as long-lived as `w`
  const bool with_opt = q.edns.present;
  oc.has_ecs = q.edns.has_ecs;
  // Static, negative and referral answers are right for every client:
  // RFC 7871 §7.2.1 scope 0.
  ClientSubnet ecs_echo = q.edns.ecs;
  ecs_echo.scope_prefix = 0;
  const ClientSubnet* echo = with_opt && q.edns.has_ecs ? &ecs_echo : nullptr;
  const size_t opt_size = (with_opt ? OptSize(echo) : 0) + reserve;
  w.SetLimit(limit - std::min(limit - kHeaderSize, opt_size));

  Rcode rcode = Rcode::kNoError;
  uint16_t flags = ReplyFlags(q);
  bool ok = true;
  if (forced != Rcode::kNoError) [[unlikely]] {
    // A TSIG error (NOTAUTH) or a TSIG RR that does not parse (FORMERR):
    // header and question, nothing answered.
    rcode = forced;
    oc.malformed = forced == Rcode::kFormErr;
    if (status == ParseStatus::kNotImp) flags = NotImpFlags(q);
    ok = StartReply(q, w, flags);
  } else {
  switch (status) {
    case ParseStatus::kNotImp:
      rcode = Rcode::kNotImp;
      flags = NotImpFlags(q);
      ok = StartReply(q, w, flags);
      break;
    case ParseStatus::kFormErr:
      rcode = Rcode::kFormErr;
      oc.malformed = true;
      ok = StartReply(q, w, flags);
      break;
    case ParseStatus::kBadVers:
      rcode = Rcode::kBadVers;
      ok = StartReply(q, w, flags);
      break;
    case ParseStatus::kOk: {
      if (q.opcode != opcode::kQuery) [[unlikely]] {
        rcode = AnswerNotify(snapshot, q, request, tsig_key, &flags);
        ok = StartReply(q, w, flags);
        break;
      }
      if (q.qtype == dnssec::rrtype::kNXNAME) [[unlikely]] {
        // RFC 9824 §3.5: NXNAME only ever appears in a compact-denial
        // NSEC's bitmap; an explicit query for it is a format error.
        rcode = Rcode::kFormErr;
        ok = StartReply(q, w, flags);
        break;
      }
      const Zone* zone = nullptr;
      if (q.qclass == rrclass::kIN || q.qclass == rrclass::kANY)
        zone = ZoneFor(snapshot, q.qname, q.qtype);
      if (zone == nullptr || q.qtype == rrtype::kAXFR || q.qtype == rrtype::kIXFR) {
        // Not authoritative for this name (or zone transfer, not offered
        // here: the TCP worker hands transfers off before HandleQuery):
        // REFUSED, as NSD and Knot do.
        rcode = Rcode::kRefused;
        ok = StartReply(q, w, flags);
        break;
      }
      if (!snapshot.expired_zones.empty() && snapshot.expired_zones.contains(zone))
          [[unlikely]] {
        // A secondary zone past its SOA expire: SERVFAIL, as NSD.
        rcode = Rcode::kServFail;
        ok = StartReply(q, w, flags);
        break;
      }
      ok = StartReply(q, w, flags);
      if (!ok) break;
      if (trace != nullptr) TraceSigning(snapshot, *zone, q, trace);
      Router router(snapshot, q, request, trace, &oc);
      const Resolution res = Resolve(snapshot, *zone, q, w, router, synthesized, trace);
      // RFC 7871 §7.2.1: the scope for which this answer is right; 0 for
      // anything that does not depend on the client.
      ecs_echo.scope_prefix = router.scope();
      rcode = res.rcode;
      if (res.authoritative) flags |= flag::kAA;
      if (res.truncated) {
        flags |= flag::kTC;
        oc.truncated = true;
      }
      w.SetFlags(flags);
      break;
    }
    case ParseStatus::kDrop:
      return 0;
  }
  }
  if (!ok) {
    // Not even the question fits (a 255-octet name in a tiny buffer):
    // send the header alone with TC so the client retries over TCP.
    Writer bare(out, limit);
    bare.AppendHeader(q.id, (status == ParseStatus::kNotImp ? NotImpFlags(q) : ReplyFlags(q)) |
                                flag::kTC);
    w = bare;
    oc.truncated = true;
  }
  SetRcode(w, rcode);
  if (with_opt) {
    w.ClearLimit();
    // CO is echoed to a DO client that sent it: we understand it.
    AppendOpt(w, request.max_udp_size, rcode, echo, q.edns.dnssec_ok,
              q.edns.dnssec_ok && q.edns.compact_ok);
  }
  oc.rcode = rcode;
  if (trace != nullptr) {
    trace->ecs_source_prefix = q.edns.has_ecs ? q.edns.ecs.source_prefix : -1;
    trace->scope = echo != nullptr ? echo->scope_prefix : 0;
  }
  return w.Finish();
}

// A query with a TSIG RR (RFC 8945): verifies it into *ctx (constructed
// here, in storage HandleQuery keeps uninitialized so that unsigned
// queries never pay for it) and says how to answer: `*forced` NOTAUTH for
// a TSIG error, FORMERR for a TSIG that does not parse. Out of line.
[[gnu::noinline]] tsig::ServerContext* VerifySigned(const Snapshot& snapshot,
                                                    const uint8_t* packet, size_t packet_len,
                                                    const Query& q, const Request& request,
                                                    void* storage, Rcode* forced,
                                                    size_t* reserve, const tsig::Key** key) {
  auto* ctx = new (storage) tsig::ServerContext();
  const int64_t now = request.now != 0 ? request.now : static_cast<int64_t>(time(nullptr));
  tsig::VerifyRequest(snapshot.tsig_keys.get(), packet, packet_len, q.tsig_offset, now, ctx);
  if (ctx->status == tsig::VerifyStatus::kFormErr) {
    *forced = Rcode::kFormErr;
  } else if (ctx->status != tsig::VerifyStatus::kOk) {
    *forced = Rcode::kNotAuth;
  }
  *reserve = tsig::ResponseTsigSize(*ctx);
  *key = ctx->status == tsig::VerifyStatus::kOk ? ctx->key : nullptr;
  return ctx;
}

static_assert(std::is_trivially_destructible_v<tsig::ServerContext>,
              "HandleQuery never destroys the TSIG context it constructs");

// Appends the TSIG RR to the reply of a signed query. Out of line.
[[gnu::noinline]] size_t SignReply(const tsig::ServerContext& ctx, const Request& request,
                                   uint8_t* out, size_t n, size_t out_cap, Outcome& oc) {
  if (n == 0 || ctx.status == tsig::VerifyStatus::kFormErr) return n;
  const int64_t now = request.now != 0 ? request.now : static_cast<int64_t>(time(nullptr));
  const size_t signed_len =
      tsig::SignResponse(ctx, out, n, std::min<size_t>(out_cap, kMaxMessageSize), now);
  if (signed_len == 0) {
    // No room for the TSIG RR (only a tiny buffer): TC, the client retries
    // over TCP.
    out[2] |= static_cast<uint8_t>(flag::kTC >> 8);
    oc.truncated = true;
    return n;
  }
  return signed_len;
}

}  // namespace

size_t HandleQuery(const Snapshot& snapshot, const uint8_t* packet,
                   size_t packet_len, const Request& request, uint8_t* out,
                   size_t out_cap, Outcome* outcome, Trace* trace) noexcept {
  Outcome local;
  Outcome& oc = outcome != nullptr ? *outcome : local;
  oc.Reset();
  if (trace != nullptr) trace->health = snapshot.health;

  Query q;
  const ParseStatus status = ParseQuery(packet, packet_len, &q);
  oc.qtype = q.qtype;
  if (status == ParseStatus::kDrop) {
    oc.dropped = true;
    oc.malformed = packet_len < kHeaderSize;
    return 0;
  }
  // One inlined copy of the answer path for signed and unsigned queries
  // alike (two copies made GCC stop inlining Resolve: +28 instructions
  // per plain query); the TSIG state lives in raw storage, constructed
  // only for a signed query.
  alignas(tsig::ServerContext) unsigned char tsig_storage[sizeof(tsig::ServerContext)];
  tsig::ServerContext* tsig_ctx = nullptr;
  Rcode forced = Rcode::kNoError;
  size_t reserve = 0;
  const tsig::Key* tsig_key = nullptr;
  if (q.tsig_offset != 0) [[unlikely]] {
    tsig_ctx = VerifySigned(snapshot, packet, packet_len, q, request, tsig_storage, &forced,
                            &reserve, &tsig_key);
  }
  const size_t n = AnswerParsed(snapshot, q, status, request, out, out_cap, oc, trace, reserve,
                                forced, tsig_key);
  if (tsig_ctx != nullptr) [[unlikely]] {
    return SignReply(*tsig_ctx, request, out, n, out_cap, oc);
  }
  return n;
}

void PrefetchQuestion(const Snapshot& snapshot, const uint8_t* query,
                      size_t query_len, LookupPrefetch* p) noexcept {
  p->zone = nullptr;
  constexpr size_t kHeader = 12;
  if (query_len <= kHeader) return;
  Name qname;
  if (qname.ParseUncompressed(query + kHeader, query_len - kHeader) == 0) return;
  const Zone* zone = snapshot.zones.FindZone(qname);
  if (zone == nullptr) return;
  p->zone = zone;
  p->hash = zone->PrefetchSlot(qname.wire());
}

}  // namespace dns
