// File: dns/answer/snapshot.h
//
// Everything the query path reads, frozen: the zones, the routed record
// sets compiled for geo/ (region and health-check names turned into ids,
// alias targets resolved), and the latency table. The only place where
// zones/ and geo/ meet.
//
//   zones::ZoneSet ─┐
//   LatencyTable  ──┼─ BuildSnapshot() ──► Snapshot ──publish──► workers
//   AdminStates*  ──┤    (validates:        (immutable)
//   HealthTable*  ──┘     alias targets, cycles)
//
// A reload builds a new Snapshot off the query threads and publishes it
// whole (dns/server SnapshotCell); in-flight queries finish on the old one.
// Admin and health state are NOT in the snapshot: they live in atomics
// (geo::AdminStates, geo::HealthTable) that outlive every snapshot, so a
// region drain or a failed health check never rebuilds anything.
//
// Thread safety: immutable once built; read concurrently by workers.
#ifndef STEERDNS_DNS_ANSWER_SNAPSHOT_H_
#define STEERDNS_DNS_ANSWER_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "dns/answer/online_signing.h"
#include "dns/answer/routed_names.h"
#include "dns/dnssec/keys.h"
#include "dns/tsig/key.h"
#include "geo/health.h"
#include "geo/latency_table.h"
#include "geo/policy.h"
#include "geo/regions.h"
#include "zones/zone.h"
#include "zones/zone_set.h"

namespace dns {

struct CompiledGroup;
class TransferHooks;  // dns/answer/transfer_hooks.h

// Where an alias member leads: a routed group or a static RRset, both at
// `owner` in a loaded zone.
struct AliasTarget {
  const CompiledGroup* group = nullptr;  // routed target, or
  const zones::RRset* rrset = nullptr;   // static target
  std::string_view owner;                // target owner (wire), for explain
};

// One routed group ready for geo/: candidates parallel to group->members.
struct CompiledGroup {
  const zones::RoutedGroup* group = nullptr;
  const zones::Zone* zone = nullptr;
  std::string_view owner;                  // wire, lives in the zone
  std::vector<geo::Candidate> candidates;  // parallel to group->members
  std::vector<AliasTarget> targets;        // parallel; empty for non-alias
  bool any_alias = false;
  bool any_evaluate_target_health = false;
  // Stable id of `owner` for per-name answer counters (RoutedNames);
  // kNoRoutedName without a registry.
  uint32_t name_id = kNoRoutedName;
};

struct Snapshot {
  zones::ZoneSet zones;
  // Never null once built (an empty table ranks nothing).
  std::shared_ptr<const geo::LatencyTable> latency = geo::LatencyTable::Empty();
  // Runtime state, owned by the server; may be null in tests (all up and
  // healthy).
  const geo::AdminStates* admin = nullptr;
  const geo::HealthTable* health = nullptr;

  // Compiled routed groups; `routed_index` maps a zone's group to its
  // position (vector storage keeps CompiledGroup addresses stable).
  std::vector<CompiledGroup> routed;
  absl::flat_hash_map<const zones::RoutedGroup*, uint32_t> routed_index;

  // The latency table's default rankings (rows 0.0.0.0/0 and ::/0; for
  // IPv4 clients ::/0 when there is no 0.0.0.0/0 row), or nullptr. A client
  // ranked by one of these gets RouteReason::kDefaultRow.
  const geo::Ranking* default_ranking_v4 = nullptr;
  const geo::Ranking* default_ranking_v6 = nullptr;

  // The DNSSEC keys (--dnssec-keys) by zone, for the online signer; null
  // without keys. Shared with the control plane, never copied.
  std::shared_ptr<const dnssec::KeysByZone> dnssec_keys;

  // Online signing (online_signing.h): the signing state of each zone
  // signed with the keys above (its signed copy is in `zones`), and when
  // a new snapshot must be built to re-sign before signatures expire or
  // for a key timing event (seconds since the epoch; 0: never).
  absl::flat_hash_map<const zones::Zone*, ZoneSigning> signing;
  int64_t next_signing_event = 0;

  // The TSIG keys (--tsig-key, --tsig-keys) that signed queries are
  // verified with (RFC 8945); null: none (a signed query is BADKEY).
  std::shared_ptr<const tsig::KeyRing> tsig_keys;

  // Zone transfers: the hook NOTIFY is handed to (transfer_hooks.h; owned
  // by the server and outliving every snapshot); null: every NOTIFY for
  // a zone served is REFUSED.
  const TransferHooks* transfer_hooks = nullptr;

  // Secondary zones past their SOA expire without a refresh: queries in
  // them are answered SERVFAIL (as NSD), until a transfer succeeds.
  absl::flat_hash_set<const zones::Zone*> expired_zones;

  // The signing state of `zone`, or nullptr (not signed here).
  const ZoneSigning* SigningOf(const zones::Zone& zone) const noexcept {
    if (signing.empty()) return nullptr;
    auto it = signing.find(&zone);
    return it == signing.end() ? nullptr : &it->second;
  }

  // The compiled form of a zone group, or nullptr (zone not in this
  // snapshot). noexcept, no allocation.
  const CompiledGroup* Compiled(const zones::RoutedGroup* g) const noexcept {
    auto it = routed_index.find(g);
    return it == routed_index.end() ? nullptr : &routed[it->second];
  }
};

// What a snapshot is built from.
struct SnapshotInputs {
  zones::ZoneSet zones;
  std::shared_ptr<const geo::LatencyTable> latency;  // null: empty table
  geo::AdminStates* admin = nullptr;    // region names get admin slots here
  geo::HealthTable* health = nullptr;   // HealthCheckIds get health slots here
  // When set, every HealthCheckId must be one it accepts (the configured
  // health checks), else an error naming the record. Unset: ids are not
  // checked (tests).
  std::function<bool(std::string_view id)> health_check_known;
  RoutedNames* names = nullptr;         // routed owner names get ids here
  std::shared_ptr<const dnssec::KeysByZone> dnssec_keys;  // Snapshot::dnssec_keys
  // Online signing: the clock (0: the real time), the jitter's seed (0:
  // random) and the policy.
  int64_t now = 0;
  uint64_t signing_seed = 0;
  SigningPolicy signing_policy;
};

// Signs the zones that have keys (online_signing.h; an error names the
// zone), compiles routed groups and resolves alias targets (which must name a
// routed group or RRset of the same type in a loaded zone; alias chains
// must not loop; HealthCheckIds must pass inputs.health_check_known
// when given). Errors name the record: "<source>: record set
// [name='www.example.com.', type='A', set-identifier='x']: ...". Slots are
// assigned by name in `admin`/`health` and kept across snapshots.
absl::StatusOr<std::unique_ptr<const Snapshot>> BuildSnapshot(
    SnapshotInputs inputs);

// The checks of zone data against the rest of what the server serves
// from, besides BuildSnapshot's: the control plane runs them on every
// change that brings zone data (dns/control/change.cc), and `zonectl
// check` runs the same, so both word an error the same way.
//
// Every region a routed record set of `zone` names is in `registry`, else
// InvalidArgument "SOURCE: record set [name='www.example.com.', type='A',
// set-identifier='eu']: unknown region 'eu-wset-1' (did you mean
// 'eu-west-1'?)" for the first one in node order.
absl::Status CheckZoneRegions(const zones::Zone& zone, const geo::RegionRegistry& registry);

}  // namespace dns

#endif  // STEERDNS_DNS_ANSWER_SNAPSHOT_H_
