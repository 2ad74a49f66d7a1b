// File: zones/routed.h
//
// Routed record sets: the Route 53 record sets that share a name and type
// and are answered by a routing policy instead of as one static RRset.
// zones/ stores them as plain members — region *names*, health-check *ids*,
// alias targets as names — exactly as the JSON said. dns/answer's
// BuildSnapshot() turns names into ids (latency-table region, admin-state
// slot, health slot, alias target group) once per snapshot; geo/ picks a
// member per query. zones/ never depends on geo/.
//
// Thread safety: immutable once the Zone is built.
#ifndef STEERDNS_ZONES_ROUTED_H_
#define STEERDNS_ZONES_ROUTED_H_

#include <cstdint>
#include <string>
#include <vector>

#include "zones/zone.h"

namespace zones {

// The routing policy of a group (Route 53's names). kSimple is a single
// record without SetIdentifier that cannot be a plain RRset: an alias.
enum class RoutingPolicy : uint8_t {
  kSimple,
  kLatency,
  kWeighted,
  kFailover,
  kMultiValue,
};

// Route 53's "Failover" field.
enum class FailoverRole : uint8_t { kNone, kPrimary, kSecondary };

// Returns "simple", "latency", "weighted", "failover", "multivalue".
const char* RoutingPolicyName(RoutingPolicy policy);

// One Route 53 record set inside a group.
struct RoutedMember {
  std::string set_identifier;   // unique in its group; empty for kSimple
  std::string region;           // kLatency: e.g. "eu-west-1"
  uint32_t weight = 0;          // kWeighted: 0..255
  FailoverRole failover = FailoverRole::kNone;
  std::string health_check_id;  // empty: no health check
  // The values, pre-encoded exactly like a static RRset (type, TTL, RDATA).
  // Empty (count 0) for an alias.
  RRset rrset;
  // AliasTarget.DNSName as a lower-cased wire name; empty if not an alias.
  std::string alias_target;
  bool evaluate_target_health = false;
  // Where it was defined, "file" or "file:line", for errors and explain.
  std::string source;

  bool is_alias() const { return !alias_target.empty(); }
};

// All routed record sets of one owner and type.
struct RoutedGroup {
  uint16_t type = 0;
  RoutingPolicy policy = RoutingPolicy::kSimple;
  std::vector<RoutedMember> members;
};

}  // namespace zones

#endif  // STEERDNS_ZONES_ROUTED_H_
