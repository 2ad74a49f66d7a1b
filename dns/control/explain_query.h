// File: dns/control/explain_query.h
//
// One query through the real answer path with tracing on, for
// `steerdns --explain` and `GET /v1/explain`: builds the query packet
// (RD clear, EDNS, an ECS option when a subnet is given), runs
// dns::HandleQuery with a Trace and returns ExplainJson (explain_json.h).
//
// Example:
//   absl::StatusOr<std::string> json = ExplainQuery(snap, {"app.example.com", "A",
//                                                   "198.51.100.7", ""});
//
// Thread safety: reentrant; `snapshot` must stay alive during the call.
#ifndef STEERDNS_DNS_CONTROL_EXPLAIN_QUERY_H_
#define STEERDNS_DNS_CONTROL_EXPLAIN_QUERY_H_

#include <string>

#include "absl/status/statusor.h"
#include "dns/control/explain_json.h"
#include "dns/answer/snapshot.h"

namespace dns::control {

struct ExplainRequest {
  std::string name;    // "app.example.com" (trailing dot optional)
  std::string type;    // "A", "AAAA", "TYPE65", ...
  std::string client;  // the packet's source address; "" = 0.0.0.0
  std::string subnet;  // sent as EDNS Client Subnet ("198.51.100.0/24" or an
                       // address); "" = no ECS option
  bool dnssec_ok = false;  // set the DO bit: RRSIGs and denial proofs
  // Health check id -> last result's reason (ControlState::HealthReasons),
  // shown per candidate; empty: state only.
  HealthReasons health_reasons;
};

// The ExplainJson of the answer (pretty-printed). InvalidArgument naming
// the bad field ("unknown type 'X'", "bad client '...'", ...).
absl::StatusOr<std::string> ExplainQuery(const Snapshot& snapshot, const ExplainRequest& request);

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_EXPLAIN_QUERY_H_
