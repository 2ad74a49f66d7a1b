// File: dns/control/explain_json.h
//
// A query's explanation (dns::Trace, filled by dns::HandleQuery) and its
// reply rendered as JSON, for `zonectl explain`, `steerdns --explain` and
// `GET /v1/explain`. Here, not in dns/answer, so that the query path links
// neither a JSON library nor ldns.
//
// Example:
//   dns::Trace trace;
//   size_t n = dns::HandleQuery(snap, q, len, req, out, sizeof out, nullptr, &trace);
//   std::string json = dns::control::ExplainJson(trace, out, n);
//
// Thread safety: reentrant.
#ifndef STEERDNS_DNS_CONTROL_EXPLAIN_JSON_H_
#define STEERDNS_DNS_CONTROL_EXPLAIN_JSON_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "dns/answer/explain.h"

namespace dns::control {

// Health check id -> its last result's reason ("connect refused").
using HealthReasons = absl::flat_hash_map<std::string, std::string>;

// The trace plus the decoded reply as one JSON object (pretty-printed):
// zone, rcode, flags, answer/authority/additional records as text, and
// for routed names the matched group, client, table row, candidates with
// state and skip reasons, fail_open, TTL and scope. A candidate with a
// HealthCheckId gets "health_check": {"id", "state" (healthy|unhealthy, as
// the query path read it), "reason" (from `health_reasons`, by id, when
// given: the check's last result)}.
std::string ExplainJson(const Trace& trace, const uint8_t* reply, size_t reply_len,
                        const HealthReasons* health_reasons = nullptr);

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_EXPLAIN_JSON_H_
