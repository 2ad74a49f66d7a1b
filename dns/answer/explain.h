// File: dns/answer/explain.h
//
// Why a query got the answer it got. dns::HandleQuery fills a Trace when
// given one (nullptr on the query path): the same code answers, with
// tracing on. `zonectl explain` and `steerdns --explain` print it as JSON
// (dns/control/explain_json.h).
//
// Example:
//   dns::Trace trace;
//   size_t n = dns::HandleQuery(snap, q, len, req, out, sizeof out, nullptr, &trace);
#ifndef STEERDNS_DNS_ANSWER_EXPLAIN_H_
#define STEERDNS_DNS_ANSWER_EXPLAIN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dns/answer/answer.h"
#include "geo/latency_table.h"
#include "geo/policy.h"

namespace dns {

// One routing decision (a routed group consulted; an alias chain makes
// several, outermost first).
struct RoutingDecision {
  std::string owner;    // presentation form
  uint16_t type = 0;
  std::string policy;   // "latency", "weighted", ...
  std::string source;   // where the group's first member was defined
  // Latency only: the table row that decided (rank.matched false: none).
  geo::RankExplanation rank;
  std::vector<std::string> table_regions;  // names for rank.ranking
  geo::PickTrace pick;
  std::vector<std::string> set_identifiers;  // parallel to the members
  std::vector<std::string> member_regions;   // parallel to the members
  std::vector<std::string> alias_targets;    // parallel ("" if not alias)
  std::vector<std::string> health_check_ids;  // parallel ("" if none)
  std::vector<uint32_t> answered;            // member indices answered
};

struct Trace {
  std::string zone;            // origin of the zone used ("" if none)
  std::string lookup;          // "exact", "wildcard", "referral", "nxdomain", ...
  std::string client_address;  // the address routing used
  std::string client_source;   // "ecs" or "packet"
  int ecs_source_prefix = -1;  // -1: no ECS in the query
  std::vector<RoutingDecision> decisions;
  int scope = 0;               // ECS scope of the reply
  // DNSSEC: whether the query had DO, and how the zone used is signed:
  // "unsigned", "pre-signed", "online" (signed here), "pre-signed, routed
  // answers online"; for a zone signed here its keys' tags and when the
  // signatures of this snapshot expire (seconds since the epoch).
  bool dnssec_ok = false;
  std::string zone_signing;
  std::vector<uint16_t> zsk_tags, ksk_tags;
  uint32_t signatures_expire = 0;
  // The health table the decision read (set by HandleQuery; may be null).
  const geo::HealthTable* health = nullptr;
};

}  // namespace dns

#endif  // STEERDNS_DNS_ANSWER_EXPLAIN_H_
