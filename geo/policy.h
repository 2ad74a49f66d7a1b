// File: geo/policy.h
//
// Routing policies: pick the member(s) of a routed record set that answer a
// query. A policy sees only Candidates (region, weight, failover role,
// health slot) and returns positions in the candidate list, so geo/ never
// sees RDATA (dnsdist's ServerPolicy returns a position the same way).
//
// A member is *eligible* when it is healthy (its health slot, or the
// caller's override, says so; no health check = healthy) and its region is
// up (drained and down regions count as unhealthy). Route 53's rules:
//
//   Latency     the first region of the client's ranking that has an
//               eligible member. Members whose region the ranking lacks
//               come after every ranked one, in candidate order.
//   Weighted    an eligible member with probability weight / sum of
//               weights; weight-0 members only when no eligible member has
//               a weight > 0, then with equal chance; all weights 0 -> equal.
//   Failover    the PRIMARY if eligible, else the SECONDARY if eligible,
//               else the PRIMARY.
//   Multivalue  up to 8 eligible members, a random subset in random order.
//
// Fail-open, everywhere: if no member is eligible, answer as if every
// member were (healthy and up): Pick::fail_open is then true.
//
// Tracing: every Pick* takes an optional PickTrace*. nullptr on the query
// path (noexcept, no allocation, no locks). Non-null (zonectl explain) runs
// the same code and records each candidate's state, rank and why it was
// not picked; that mode allocates and reads region names under a mutex.
//
// Example (dns/answer, a latency set):
//   geo::RankResult rank = table.Rank(client);
//   geo::MemberStates states{&health, &admin};
//   geo::Pick p = geo::PickLatency(members, rank.ranking, states);
//   // answer with members[p.index]; ECS scope = rank.scope
//
// Alias members with EvaluateTargetHealth: their health is "any member of
// the target set is eligible", which only the caller can compute. Pass an
// override callback:
//   auto alias_health = [&](size_t i) {
//     if (!set.members[i].evaluate_target_health) return geo::MemberHealth::kUseSlot;
//     return geo::AnyEligible(target_of(i), states_without_override)
//                ? geo::MemberHealth::kHealthy : geo::MemberHealth::kUnhealthy;
//   };
//   absl::FunctionRef<geo::MemberHealth(size_t)> fn(alias_health);
//   geo::MemberStates states{&health, &admin, &fn};
//
// Thread safety: the Pick* functions are reentrant; the Rng is per worker
// (not thread-safe); HealthTable and AdminStates are read with relaxed
// atomic loads.
#ifndef STEERDNS_GEO_POLICY_H_
#define STEERDNS_GEO_POLICY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "geo/health.h"
#include "geo/latency_table.h"
#include "geo/regions.h"

namespace geo {

enum class FailoverRole : uint8_t { kNone = 0, kPrimary = 1, kSecondary = 2 };

// One member of a routed set as a policy sees it (built once per snapshot).
struct Candidate {
  RegionId region = kNoRegion;           // admin state; kNoRegion: always up
  TableRegion table_region = kNoRegion;  // id in the latency table;
                                         // kNoRegion: never ranked
  uint32_t weight = 0;                   // weighted sets: Route 53 Weight
  FailoverRole role = FailoverRole::kNone;
  HealthSlot health_slot = kNoSlot;      // kNoSlot: no health check
};

// The caller's view of one member's health, overriding its health slot.
enum class MemberHealth : uint8_t {
  kUseSlot = 0,    // no override: read the candidate's health slot
  kHealthy = 1,
  kUnhealthy = 2,
};

// What the policies read besides the candidates. All pointers optional.
struct MemberStates {
  const HealthTable* health = nullptr;  // nullptr: every slot healthy
  const AdminStates* admin = nullptr;   // nullptr: every region up
  // Called at most once per candidate and Pick with the candidate's index;
  // replaces the health-slot check (the region's admin state still
  // applies). Must not throw.
  const absl::FunctionRef<MemberHealth(size_t)>* override_health = nullptr;
};

// A member's evaluated state.
struct MemberEval {
  bool healthy = true;     // health slot or override
  bool overridden = false; // `healthy` came from the override
  AdminState admin = AdminState::kUp;
  bool eligible() const { return healthy && admin == AdminState::kUp; }
};

// Evaluates candidate `index` of a set.
MemberEval Evaluate(const Candidate& c, size_t index,
                    const MemberStates& states) noexcept;

// True if at least one candidate is eligible (e.g. for an alias target's
// EvaluateTargetHealth). Stops at the first eligible member.
bool AnyEligible(absl::Span<const Candidate> candidates,
                 const MemberStates& states) noexcept;

// A small, fast random generator for per-worker use: xoshiro256++ seeded
// through splitmix64. Not cryptographic. Satisfies
// UniformRandomBitGenerator.
class Rng {
 public:
  using result_type = uint64_t;
  explicit Rng(uint64_t seed = 0x5EED5EED5EED5EEDull) noexcept;
  uint64_t Next() noexcept;
  // Uniform in [0, n); n must be > 0 (returns 0 for n == 0). Unbiased
  // (Lemire's multiply-and-reject).
  uint64_t Below(uint64_t n) noexcept;
  uint64_t operator()() noexcept { return Next(); }
  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }

 private:
  uint64_t s_[4];
};

inline constexpr uint32_t kNoPick = 0xFFFFFFFFu;
// Route 53 answers a multivalue query with up to eight records.
inline constexpr size_t kMaxMultivalueAnswers = 8;

enum class SkipReason : uint8_t;

struct Pick {
  uint32_t index = kNoPick;  // into the candidates; kNoPick iff none given
  bool fail_open = false;    // no member was eligible; picked as if all were
  // Latency only: why the best-ranked member was passed over for `index`
  // (kUnhealthy, kDrained or kDown); kNone when it was picked (or on
  // fail-open). Cheap: computed on the query path too, for metrics.
  SkipReason passed_over{};
};

struct MultiPick {
  std::array<uint32_t, kMaxMultivalueAnswers> index{};  // first `count` used
  uint8_t count = 0;
  bool fail_open = false;
};

// ---- Tracing (explain) ----------------------------------------------------

enum class PolicyKind : uint8_t { kLatency, kWeighted, kFailover, kMultivalue };
std::string_view PolicyKindName(PolicyKind k);

// Why a candidate was not picked.
enum class SkipReason : uint8_t {
  kNone = 0,     // picked (multivalue: in the answer)
  kUnhealthy,    // its health check (or the override) says unhealthy
  kDrained,      // its region is drained
  kDown,         // its region is down
  kOutranked,    // eligible, but comes after the pick in the ranking order
  kNotRanked,    // eligible, but its region is not in the client's ranking
                 // and a ranked member was picked
  kNotDrawn,     // weighted/multivalue: eligible, the random draw chose others
  kWeightZero,   // weighted: weight 0 while a weighted member was eligible
  kStandby,      // failover: eligible, but another role (or an earlier member
                 // of the same role) answers
  kNoTableRow,   // latency: eligible, but the client's table row ranks none
                 // of the members (or there is no row): members go in their
                 // listed order and an earlier one answers
};
std::string_view SkipReasonName(SkipReason r);

struct CandidateTrace {
  uint32_t index = 0;                // position in the candidates
  RegionId region = kNoRegion;
  std::string region_name;           // from AdminStates ("" if unknown)
  TableRegion table_region = kNoRegion;
  int rank = -1;                     // latency: position in the ranking, -1 = not ranked
  uint32_t weight = 0;
  FailoverRole role = FailoverRole::kNone;
  HealthSlot health_slot = kNoSlot;
  MemberEval state;
  SkipReason skip = SkipReason::kNone;
};

struct PickTrace {
  PolicyKind policy = PolicyKind::kLatency;
  // Latency: candidates in ranking order (ranked first, then unranked in
  // candidate order). Other policies: candidate order.
  std::vector<CandidateTrace> candidates;
  std::vector<TableRegion> ranking;  // latency: the client's ranking
  bool ranked = false;               // latency: a ranking was given
  bool fail_open = false;
  uint64_t total_weight = 0;         // weighted: sum over the draw's pool
  std::vector<uint32_t> picked;      // indices answered
};

// ---- Policies -------------------------------------------------------------

// Latency routing. `ranking` may be nullptr (client matched no row): then
// candidates are taken in their own order.
Pick PickLatency(absl::Span<const Candidate> candidates,
                 const Ranking* ranking, const MemberStates& states,
                 PickTrace* trace = nullptr) noexcept;

// Weighted routing.
Pick PickWeighted(absl::Span<const Candidate> candidates,
                  const MemberStates& states, Rng& rng,
                  PickTrace* trace = nullptr) noexcept;

// Failover routing. With several members of one role the first in candidate
// order is that role's member; kNone members answer only if the set has no
// PRIMARY or SECONDARY at all.
Pick PickFailover(absl::Span<const Candidate> candidates,
                  const MemberStates& states,
                  PickTrace* trace = nullptr) noexcept;

// Multivalue answer: up to min(max_answers, 8) eligible members (all
// members if none is eligible), a uniform random subset in random order.
MultiPick PickMultivalue(absl::Span<const Candidate> candidates,
                         const MemberStates& states, Rng& rng,
                         PickTrace* trace = nullptr,
                         size_t max_answers = kMaxMultivalueAnswers) noexcept;

}  // namespace geo

#endif  // STEERDNS_GEO_POLICY_H_
