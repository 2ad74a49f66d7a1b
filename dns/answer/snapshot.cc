#include "dns/answer/snapshot.h"

#include <algorithm>
#include <ctime>
#include <random>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "zones/builder.h"

namespace dns {
namespace {

absl::Status MemberError(const CompiledGroup& g, const zones::RoutedMember& m,
                         absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      m.source, ": ", zones::DescribeRecordSet(g.owner, g.group->type, m.set_identifier), ": ", what));
}

geo::FailoverRole ToGeo(zones::FailoverRole r) {
  switch (r) {
    case zones::FailoverRole::kPrimary: return geo::FailoverRole::kPrimary;
    case zones::FailoverRole::kSecondary: return geo::FailoverRole::kSecondary;
    case zones::FailoverRole::kNone: break;
  }
  return geo::FailoverRole::kNone;
}

// Resolves one alias member's target in the snapshot's zones.
absl::Status ResolveAlias(const Snapshot& snap, const CompiledGroup& g,
                          const zones::RoutedMember& m, AliasTarget* out) {
  Name target;
  if (!target.AssignWire(reinterpret_cast<const uint8_t*>(m.alias_target.data()),
                         m.alias_target.size()))
    return MemberError(g, m, "alias target is not a valid name");
  const std::string target_text = NameToText(m.alias_target);
  const zones::Zone* zone = snap.zones.FindZone(target);
  if (zone == nullptr)
    return MemberError(g, m, absl::StrCat("alias target ", target_text,
                                          " is not in a loaded zone"));
  const zones::Node* node = zone->Find(m.alias_target);
  if (node == nullptr || node->empty_non_terminal())
    return MemberError(g, m, absl::StrCat("alias target ", target_text,
                                          " does not exist in zone ",
                                          NameToText(zone->origin())));
  out->owner = node->owner;
  if (const zones::RoutedGroup* tg = node->FindRouted(g.group->type)) {
    out->group = snap.Compiled(tg);
    return absl::OkStatus();
  }
  if (const zones::RRset* rrset = node->Find(g.group->type)) {
    out->rrset = rrset;
    return absl::OkStatus();
  }
  char buf[16];
  return MemberError(g, m, absl::StrCat("alias target ", target_text, " has no ",
                                        RRTypeName(g.group->type, buf),
                                        " records"));
}

// Depth-first search for alias chains that come back to themselves.
enum class Mark : uint8_t { kNew, kOnPath, kDone };
absl::Status CheckAliasCycles(const Snapshot& snap, uint32_t i,
                              std::vector<Mark>& marks) {
  marks[i] = Mark::kOnPath;
  const CompiledGroup& g = snap.routed[i];
  for (size_t k = 0; k < g.targets.size(); ++k) {
    const CompiledGroup* next = g.targets[k].group;
    if (next == nullptr) continue;
    const uint32_t j = static_cast<uint32_t>(next - snap.routed.data());
    if (marks[j] == Mark::kOnPath)
      return MemberError(g, g.group->members[k],
                         absl::StrCat("alias chain loops back through ",
                                      NameToText(next->owner)));
    if (marks[j] == Mark::kNew) {
      absl::Status st = CheckAliasCycles(snap, j, marks);
      if (!st.ok()) return st;
    }
  }
  marks[i] = Mark::kDone;
  return absl::OkStatus();
}

// Online signing (online_signing.h): every zone with keys is replaced by its
// signed copy before anything points into it.
absl::Status SignZones(const SnapshotInputs& inputs, Snapshot* snap) {
  const int64_t now = inputs.now != 0 ? inputs.now : static_cast<int64_t>(std::time(nullptr));
  const uint64_t seed = inputs.signing_seed != 0 ? inputs.signing_seed : std::random_device{}();
  for (const auto& [origin, keys] : *snap->dnssec_keys) {
    const zones::Zone* zone = snap->zones.Get(origin);
    if (zone == nullptr || keys.empty()) continue;
    absl::StatusOr<SignedZone> signed_zone =
        SignZone(snap->zones.GetShared(origin), keys, inputs.signing_policy, now, seed);
    if (!signed_zone.ok()) return signed_zone.status();
    const zones::Zone* key = signed_zone->zone.get();
    if (snap->next_signing_event == 0 ||
        signed_zone->signing.next_event < snap->next_signing_event)
      snap->next_signing_event = signed_zone->signing.next_event;
    snap->zones.Put(std::move(signed_zone->zone));
    snap->signing.emplace(key, std::move(signed_zone->signing));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckZoneRegions(const zones::Zone& zone, const geo::RegionRegistry& registry) {
  absl::Status st;
  zone.ForEachRoutedMember(
      [&](const zones::Node& node, const zones::RoutedGroup& g, const zones::RoutedMember& m) {
        if (!st.ok() || m.region.empty() || registry.Find(m.region) != nullptr) return;
        st = absl::InvalidArgumentError(absl::StrCat(
            m.source, ": ", zones::DescribeRecordSet(node.owner, g.type, m.set_identifier),
            ": ", registry.UnknownRegionMessage(m.region)));
      });
  return st;
}

absl::StatusOr<std::unique_ptr<const Snapshot>> BuildSnapshot(
    SnapshotInputs inputs) {
  auto snap = std::make_unique<Snapshot>();
  snap->zones = std::move(inputs.zones);
  if (inputs.latency != nullptr) snap->latency = std::move(inputs.latency);
  snap->dnssec_keys = std::move(inputs.dnssec_keys);
  snap->admin = inputs.admin;
  snap->health = inputs.health;
  snap->tsig_keys = std::move(inputs.tsig_keys);
  snap->transfer_hooks = inputs.transfer_hooks;
  if (snap->dnssec_keys != nullptr) {
    absl::Status st = SignZones(inputs, snap.get());
    if (!st.ok()) return st;
  }
  for (const std::string& origin : inputs.expired_origins) {
    if (const zones::Zone* z = snap->zones.Get(origin)) snap->expired_zones.insert(z);
  }
  const geo::LatencyTable& table = *snap->latency;
  snap->default_ranking_v4 = table.DefaultRanking(/*v6=*/false);
  snap->default_ranking_v6 = table.DefaultRanking(/*v6=*/true);

  // Pass 1: every routed group, with names turned into ids.
  // By origin: the first problem found is the same in every process (the
  // server's and zonectl check's), whatever the hash order of the set.
  std::vector<std::shared_ptr<const zones::Zone>> all = snap->zones.zones();
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a->origin() < b->origin(); });
  size_t groups = 0;
  for (const auto& zone : all)
    zone->ForEachRoutedGroup([&](const zones::Node&, const zones::RoutedGroup&) { ++groups; });
  snap->routed.reserve(groups);  // addresses must not move after this
  snap->routed_index.reserve(groups);
  for (const auto& zone : all) {
    for (size_t n = 0; n < zone->node_count(); ++n) {
      const zones::Node& node = zone->node(n);
      for (const zones::RoutedGroup& group : node.routed) {
        CompiledGroup g;
        g.group = &group;
        g.zone = zone.get();
        g.owner = node.owner;
        g.candidates.reserve(group.members.size());
        for (const zones::RoutedMember& m : group.members) {
          geo::Candidate c;
          if (!m.region.empty()) {
            if (inputs.admin != nullptr) {
              absl::StatusOr<geo::RegionId> id = inputs.admin->IdFor(m.region);
              if (!id.ok()) return MemberError(g, m, id.status().message());
              c.region = *id;
            }
            c.table_region = table.FindRegion(m.region).value_or(geo::kNoRegion);
          }
          c.weight = m.weight;
          c.role = ToGeo(m.failover);
          if (!m.health_check_id.empty() && inputs.health_check_known &&
              !inputs.health_check_known(m.health_check_id)) {
            return absl::InvalidArgumentError(
                zones::UnknownHealthCheckIdError(g.owner, group.type, m));
          }
          if (!m.health_check_id.empty() && inputs.health != nullptr) {
            absl::StatusOr<geo::HealthSlot> slot = inputs.health->SlotFor(m.health_check_id);
            if (!slot.ok()) return MemberError(g, m, slot.status().message());
            c.health_slot = *slot;
          }
          g.candidates.push_back(c);
          if (m.is_alias()) {
            g.any_alias = true;
            g.any_evaluate_target_health |= m.evaluate_target_health;
          }
        }
        if (inputs.names != nullptr) g.name_id = inputs.names->IdFor(node.owner);
        snap->routed_index.emplace(&group, static_cast<uint32_t>(snap->routed.size()));
        snap->routed.push_back(std::move(g));
      }
    }
  }

  // Pass 2: alias targets (they may live in another zone of the snapshot).
  for (CompiledGroup& g : snap->routed) {
    if (!g.any_alias) continue;
    g.targets.resize(g.group->members.size());
    for (size_t k = 0; k < g.group->members.size(); ++k) {
      const zones::RoutedMember& m = g.group->members[k];
      if (!m.is_alias()) continue;
      absl::Status st = ResolveAlias(*snap, g, m, &g.targets[k]);
      if (!st.ok()) return st;
    }
  }

  // Pass 3: no alias chain may loop.
  std::vector<Mark> marks(snap->routed.size(), Mark::kNew);
  for (uint32_t i = 0; i < snap->routed.size(); ++i) {
    if (marks[i] != Mark::kNew) continue;
    absl::Status st = CheckAliasCycles(*snap, i, marks);
    if (!st.ok()) return st;
  }
  return std::unique_ptr<const Snapshot>(std::move(snap));
}

}  // namespace dns
