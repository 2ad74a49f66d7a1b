#include "geo/policy.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/base/attributes.h"

namespace geo {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Position of `region` in `ranking`, or -1.
int RankOf(const Ranking* ranking, TableRegion region) {
  if (ranking == nullptr || region == kNoRegion) return -1;
  const absl::Span<const TableRegion> r = ranking->regions();
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] == region) return static_cast<int>(i);
  }
  return -1;
}

// Why an ineligible member was skipped: the operator's state first.
SkipReason StateReason(const MemberEval& e) {
  if (e.admin == AdminState::kDown) return SkipReason::kDown;
  if (e.admin == AdminState::kDrain) return SkipReason::kDrained;
  return SkipReason::kUnhealthy;
}

// Starts a trace: one entry per candidate, in candidate order.
void BeginTrace(PickTrace* t, PolicyKind kind,
                absl::Span<const Candidate> candidates) {
  *t = PickTrace{};
  t->policy = kind;
  t->candidates.resize(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    CandidateTrace& c = t->candidates[i];
    const Candidate& m = candidates[i];
    c.index = static_cast<uint32_t>(i);
    c.region = m.region;
    c.table_region = m.table_region;
    c.weight = m.weight;
    c.role = m.role;
    c.health_slot = m.health_slot;
  }
}

// Fills names and skip reasons once the pick is known. `eligible_skip`
// gives the reason for an eligible member that was not picked.
template <typename F>
void FinishTrace(PickTrace* t, const MemberStates& states,
                 absl::Span<const uint32_t> picked, bool fail_open,
                 F eligible_skip) {
  t->fail_open = fail_open;
  t->picked.assign(picked.begin(), picked.end());
  for (CandidateTrace& c : t->candidates) {
    if (states.admin != nullptr && c.region != kNoRegion) {
      c.region_name = states.admin->Name(c.region);
    }
    if (std::find(picked.begin(), picked.end(), c.index) != picked.end()) {
      c.skip = SkipReason::kNone;
    } else if (!c.state.eligible()) {
      c.skip = StateReason(c.state);
    } else {
      c.skip = eligible_skip(c);
    }
  }
}

// Evaluate(), inlined into every pick: out of line, returning the packed
// MemberEval cost a store-forwarding stall per candidate.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline MemberEval Eval(
    const Candidate& c, size_t index, const MemberStates& states) noexcept {
  MemberEval e;
  const MemberHealth h = states.override_health != nullptr
                             ? (*states.override_health)(index)
                             : MemberHealth::kUseSlot;
  if (h == MemberHealth::kUseSlot) {
    e.healthy = states.health == nullptr || states.health->healthy(c.health_slot);
  } else {
    e.healthy = h == MemberHealth::kHealthy;
    e.overridden = true;
  }
  if (states.admin != nullptr) e.admin = states.admin->Get(c.region);
  return e;
}

}  // namespace

MemberEval Evaluate(const Candidate& c, size_t index,
                    const MemberStates& states) noexcept {
  return Eval(c, index, states);
}

bool AnyEligible(absl::Span<const Candidate> candidates,
                 const MemberStates& states) noexcept {
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (Eval(candidates[i], i, states).eligible()) return true;
  }
  return false;
}

Rng::Rng(uint64_t seed) noexcept {
  for (uint64_t& s : s_) s = SplitMix64(seed);
}

uint64_t Rng::Next() noexcept {
  const uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Below(uint64_t n) noexcept {
  if (n == 0) return 0;
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

std::string_view PolicyKindName(PolicyKind k) {
  // Indexed by PolicyKind.
  static constexpr std::string_view kNames[] = {"latency", "weighted",
                                                "failover", "multivalue"};
  const auto i = static_cast<size_t>(k);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::string_view SkipReasonName(SkipReason r) {
  // Indexed by SkipReason.
  static constexpr std::string_view kNames[] = {
      "picked",    "unhealthy", "drained",     "down",    "outranked",
      "not-ranked", "not-drawn", "weight-zero", "standby",   "no-table-row"};
  const auto i = static_cast<size_t>(r);
  return i < std::size(kNames) ? kNames[i] : "?";
}

namespace {

// A latency pick from `best` (the first eligible candidate in ranking
// order, or kNoPick) and `first` (the first candidate in that order).
Pick LatencyPick(uint32_t best, uint32_t first, const MemberEval& first_eval) {
  Pick p{best, false};
  if (best == kNoPick && first != kNoPick) p = Pick{first, true};
  if (!p.fail_open && best != first) {
    p.passed_over = !first_eval.healthy                     ? SkipReason::kUnhealthy
                    : first_eval.admin == AdminState::kDown ? SkipReason::kDown
                                                            : SkipReason::kDrained;
  }
  return p;
}

// The query path's PickLatency: walks the candidates in ranking order and
// stops at the first eligible one, so the usual answer (the client's
// nearest region is up) evaluates one member instead of all, and finding
// a candidate's rank is not a scan of the ranking per candidate. Same
// order as the traced walk below: ranked candidates by rank, ties in
// candidate order, then unranked ones in candidate order.
Pick PickLatencyFast(absl::Span<const Candidate> candidates, const Ranking* ranking,
                     const MemberStates& states) noexcept {
  uint32_t first = kNoPick;
  MemberEval first_eval;
  auto picks = [&](size_t i) {  // evaluates candidate i in order; true: picked
    const MemberEval e = Eval(candidates[i], i, states);
    if (first == kNoPick) {
      first = static_cast<uint32_t>(i);
      first_eval = e;
    }
    return e.eligible();
  };
  if (ranking != nullptr) {
    for (const TableRegion region : ranking->regions()) {
      for (size_t i = 0; i < candidates.size(); ++i) {
        if (candidates[i].table_region == region && picks(i))
          return LatencyPick(static_cast<uint32_t>(i), first, first_eval);
      }
    }
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (RankOf(ranking, candidates[i].table_region) < 0 && picks(i))
      return LatencyPick(static_cast<uint32_t>(i), first, first_eval);
  }
  return LatencyPick(kNoPick, first, first_eval);
}

}  // namespace

Pick PickLatency(absl::Span<const Candidate> candidates,
                 const Ranking* ranking, const MemberStates& states,
                 PickTrace* trace) noexcept {
  if (trace == nullptr) return PickLatencyFast(candidates, ranking, states);
  // Explain: every candidate is evaluated and recorded.
  BeginTrace(trace, PolicyKind::kLatency, candidates);
  trace->ranked = ranking != nullptr;
  if (ranking != nullptr) {
    trace->ranking.assign(ranking->regions().begin(), ranking->regions().end());
  }
  // Order key: (rank, index) for ranked members, (ranking size, index) for
  // the rest, so unranked members follow all ranked ones in their order.
  const uint64_t unranked = ranking == nullptr ? 0 : ranking->size();
  uint64_t best_key = ~uint64_t{0}, first_key = ~uint64_t{0};
  uint32_t best = kNoPick, first = kNoPick;
  MemberEval first_eval;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const int rank = RankOf(ranking, candidates[i].table_region);
    const uint64_t key =
        ((rank >= 0 ? static_cast<uint64_t>(rank) : unranked) << 32) | i;
    const MemberEval e = Eval(candidates[i], i, states);
    if (key < first_key) {
      first_key = key;
      first = static_cast<uint32_t>(i);
      first_eval = e;
    }
    if (e.eligible() && key < best_key) {
      best_key = key;
      best = static_cast<uint32_t>(i);
    }
    trace->candidates[i].rank = rank;
    trace->candidates[i].state = e;
  }
  const Pick p = LatencyPick(best, first, first_eval);
  const bool picked_ranked = p.index != kNoPick && trace->candidates[p.index].rank >= 0;
  const uint32_t one[1] = {p.index};
  FinishTrace(trace, states, absl::Span<const uint32_t>(one, p.index == kNoPick ? 0 : 1),
              p.fail_open, [&](const CandidateTrace& c) {
                return c.rank >= 0      ? SkipReason::kOutranked
                       : picked_ranked ? SkipReason::kNotRanked
                                       : SkipReason::kNoTableRow;
              });
  std::stable_sort(trace->candidates.begin(), trace->candidates.end(),
                   [](const CandidateTrace& a, const CandidateTrace& b) {
                     const bool ar = a.rank >= 0, br = b.rank >= 0;
                     if (ar != br) return ar;
                     return ar && a.rank < b.rank;
                   });
  return p;
}

Pick PickWeighted(absl::Span<const Candidate> candidates,
                  const MemberStates& states, Rng& rng,
                  PickTrace* trace) noexcept {
  if (trace != nullptr) BeginTrace(trace, PolicyKind::kWeighted, candidates);
  // One pass, two reservoirs (Chao's weighted sampling): among eligible
  // members with weight > 0, each replaces the current choice with
  // probability weight / running sum; among eligible weight-0 members,
  // with probability 1 / running count.
  uint64_t sum = 0, zeros = 0;
  uint32_t by_weight = kNoPick, by_count = kNoPick;
  auto offer = [&](size_t i, uint32_t w) {  // member i (weight w) joins the draw
    if (w > 0) {
      sum += w;
      if (rng.Below(sum) < w) by_weight = static_cast<uint32_t>(i);
    } else {
      ++zeros;
      if (rng.Below(zeros) == 0) by_count = static_cast<uint32_t>(i);
    }
  };
  for (size_t i = 0; i < candidates.size(); ++i) {
    const MemberEval e = Eval(candidates[i], i, states);
    if (trace != nullptr) trace->candidates[i].state = e;
    if (e.eligible()) offer(i, candidates[i].weight);
  }
  Pick p;
  uint64_t pool = sum;
  if (by_weight != kNoPick) {
    p.index = by_weight;
  } else if (by_count != kNoPick) {
    p.index = by_count;
    pool = 0;
  } else if (!candidates.empty()) {
    // Fail-open: the same rule over every member.
    p.fail_open = true;
    sum = zeros = 0;
    for (size_t i = 0; i < candidates.size(); ++i) offer(i, candidates[i].weight);
    p.index = by_weight != kNoPick ? by_weight : by_count;
    pool = by_weight != kNoPick ? sum : 0;
  }
  if (trace != nullptr) {
    trace->total_weight = pool;
    const uint32_t one[1] = {p.index};
    FinishTrace(trace, states,
                absl::Span<const uint32_t>(one, p.index == kNoPick ? 0 : 1),
                p.fail_open, [&](const CandidateTrace& c) {
                  return c.weight == 0 && pool > 0 ? SkipReason::kWeightZero
                                                   : SkipReason::kNotDrawn;
                });
  }
  return p;
}

Pick PickFailover(absl::Span<const Candidate> candidates,
                  const MemberStates& states, PickTrace* trace) noexcept {
  if (trace != nullptr) BeginTrace(trace, PolicyKind::kFailover, candidates);
  uint32_t primary = kNoPick, secondary = kNoPick;          // first of role
  uint32_t ok_primary = kNoPick, ok_secondary = kNoPick;    // first eligible
  uint32_t ok_any = kNoPick;  // first eligible of any role
  for (size_t i = 0; i < candidates.size(); ++i) {
    const FailoverRole role = candidates[i].role;
    const MemberEval e = Eval(candidates[i], i, states);
    if (trace != nullptr) trace->candidates[i].state = e;
    const uint32_t idx = static_cast<uint32_t>(i);
    if (ok_any == kNoPick && e.eligible()) ok_any = idx;
    if (role == FailoverRole::kPrimary) {
      if (primary == kNoPick) primary = idx;
      if (ok_primary == kNoPick && e.eligible()) ok_primary = idx;
    } else if (role == FailoverRole::kSecondary) {
      if (secondary == kNoPick) secondary = idx;
      if (ok_secondary == kNoPick && e.eligible()) ok_secondary = idx;
    }
  }
  Pick p;
  if (ok_primary != kNoPick) {
    p.index = ok_primary;
  } else if (ok_secondary != kNoPick) {
    p.index = ok_secondary;
  } else if (primary != kNoPick || secondary != kNoPick) {
    p = Pick{primary != kNoPick ? primary : secondary, true};
  } else if (!candidates.empty()) {
    // No roles at all: the first eligible member, else the first member.
    p = ok_any != kNoPick ? Pick{ok_any, false} : Pick{0, true};
  }
  if (trace != nullptr) {
    const uint32_t one[1] = {p.index};
    FinishTrace(trace, states,
                absl::Span<const uint32_t>(one, p.index == kNoPick ? 0 : 1),
                p.fail_open,
                [](const CandidateTrace&) { return SkipReason::kStandby; });
  }
  return p;
}

MultiPick PickMultivalue(absl::Span<const Candidate> candidates,
                         const MemberStates& states, Rng& rng,
                         PickTrace* trace, size_t max_answers) noexcept {
  if (trace != nullptr) BeginTrace(trace, PolicyKind::kMultivalue, candidates);
  const size_t k = std::min(max_answers, kMaxMultivalueAnswers);
  MultiPick out;
  // Reservoir sampling (Algorithm R) keeps a uniform k-subset of the
  // eligible members in one pass; a shuffle then randomizes the order.
  uint64_t seen = 0;
  for (size_t i = 0; i < candidates.size() && k > 0; ++i) {
    const MemberEval e = Eval(candidates[i], i, states);
    if (trace != nullptr) trace->candidates[i].state = e;
    if (!e.eligible()) continue;
    if (seen < k) {
      out.index[seen] = static_cast<uint32_t>(i);
    } else {
      const uint64_t j = rng.Below(seen + 1);
      if (j < k) out.index[j] = static_cast<uint32_t>(i);
    }
    ++seen;
  }
  if (seen == 0 && !candidates.empty() && k > 0) {
    // The same reservoir over every member. Written out again on purpose:
    // as a helper shared with the loop above (lambda or inline function)
    // GCC 12 allocates registers differently and the query path's pick
    // costs 7 instructions more (callgrind).
    out.fail_open = true;
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (seen < k) {
        out.index[seen] = static_cast<uint32_t>(i);
      } else {
        const uint64_t j = rng.Below(seen + 1);
        if (j < k) out.index[j] = static_cast<uint32_t>(i);
      }
      ++seen;
    }
  }
  out.count = static_cast<uint8_t>(std::min<uint64_t>(seen, k));
  for (size_t i = out.count; i > 1; --i) {
    std::swap(out.index[i - 1], out.index[rng.Below(i)]);
  }
  if (trace != nullptr) {
    FinishTrace(trace, states,
                absl::Span<const uint32_t>(out.index.data(), out.count),
                out.fail_open,
                [](const CandidateTrace&) { return SkipReason::kNotDrawn; });
  }
  return out;
}

}  // namespace geo
