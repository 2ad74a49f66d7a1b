// File: dns/answer/answer.h
//
// The server's brain: one call from query bytes to reply bytes, in the
// manner of gdnsd's process_dns_query. Implements RFC 1034 §4.3.2 over a
// Snapshot: authoritative answers (AA), CNAME chains followed into every
// zone of the snapshot (the deepest zone for each name, as NSD does),
// DNAME substitution with a synthesized CNAME (RFC 6672; YXDOMAIN when the
// new name would be too long), wildcards (RFC 4592), referrals with glue,
// NXDOMAIN/NODATA with the SOA of the zone the last name is in (RFC 2308
// negative TTL), additional addresses for NS/MX/SRV targets, minimal ANY
// (RFC 8482), EDNS0 (RFC 6891) with Client Subnet echo (RFC 7871), and the
// error replies (FORMERR, NOTIMP, REFUSED, BADVERS), TSIG (RFC 8945: a
// signed query is verified with Snapshot::tsig_keys and its reply signed;
// unknown key → NOTAUTH/BADKEY, bad MAC → NOTAUTH/BADSIG, out of time →
// NOTAUTH/BADTIME, TSIG not last → FORMERR), NOTIFY (RFC 1996, through
// Snapshot::transfer_hooks, see transfer_hooks.h), SERVFAIL for expired
// secondary zones. AXFR/IXFR are REFUSED here (the TCP worker hands
// transfers off before HandleQuery). Replies copy the
// query's ID, opcode and RD; CD is cleared (RFC 4035 §3.1.6), and NOTIMP
// clears RD too.
//
// noexcept, no allocation, no locks, no logging: this is the query path.
//
// Example (a UDP worker):
//   dns::Request req{dns::Transport::kUdp, &source, /*max_udp_size=*/1232};
//   size_t n = dns::HandleQuery(*snap, in, in_len, req, out, sizeof out, &outcome);
//   if (n > 0) send(out, n);
#ifndef STEERDNS_DNS_ANSWER_ANSWER_H_
#define STEERDNS_DNS_ANSWER_ANSWER_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "dns/answer/snapshot.h"
#include "dns/wire/types.h"

namespace dns {

enum class Transport : uint8_t { kUdp = 0, kTcp = 1 };

// The client's address as seen on the socket (routing uses it when the
// query has no ECS option).
struct ClientAddress {
  bool is_v6 = false;
  uint8_t bytes[16] = {};  // IPv4 in the first 4 octets
};

// Per-query facts from the transport layer.
struct Request {
  Transport transport = Transport::kUdp;
  ClientAddress source;
  // Largest UDP reply we send (default 1232); the client's EDNS buffer size
  // caps it further, 512 without EDNS. Ignored for TCP (65535).
  uint16_t max_udp_size = 1232;
  // The time TSIG is checked against (seconds since the epoch); 0: the
  // clock. Tests pin it. Read only for signed queries.
  int64_t now = 0;
};

// Why a routed answer went to the member it did (metrics label "reason").
enum class RouteReason : uint8_t {
  kNearest = 0,           // latency: the best-ranked member for the client
  kNextNearestUnhealthy,  // latency: a better-ranked member failed its health check
  kNextNearestDrained,    // latency: a better-ranked member's region is drained
  kNextNearestDown,       // latency: a better-ranked member's region is down
  kDefaultRow,            // latency: nearest by the table's default ranking
                          // (0.0.0.0/0 or ::/0): the client matched no
                          // network with a ranking of its own
  kUnranked,              // latency: no table row matched; member order
  kFailOpen,              // no member eligible: answered as if all were
  kWeighted,              // the other policies' pick (eligible member)
  kFailover,
  kMultiValue,
  kSimple,                // a simple alias
};
inline constexpr size_t kRouteReasons = 11;
// "nearest", "next_nearest_unhealthy", ... (snake_case; a label value).
const char* RouteReasonName(RouteReason r);

// One routed member answered (an alias chain records the member whose
// records were sent). Plain data, no constructor work.
struct RoutedAnswer {
  uint32_t name_id;    // CompiledGroup::name_id of the name asked for
  uint32_t region;     // geo::RegionId of the member (or of the alias member
                       // that led to it); geo::kNoRegion: none
  uint32_t ttl;        // TTL of the records sent
  RouteReason reason;
};

// What happened, for per-worker counters. Filled on every call.
struct Outcome {
  // Routed members recorded per reply; a multivalue answer has up to 8.
  // Further ones (a CNAME chain through several routed names) are not
  // recorded.
  static constexpr size_t kMaxRouted = 8;

  bool dropped = false;    // no reply (QR=1 or shorter than a header)
  bool malformed = false;  // FORMERR or dropped for malformation
  bool truncated = false;  // TC set
  bool has_ecs = false;
  Rcode rcode = Rcode::kNoError;
  uint16_t qtype = 0;
  uint8_t routed_count = 0;                      // valid entries of `routed`
  std::array<RoutedAnswer, kMaxRouted> routed;   // routed members answered

  // Back to the defaults, except `routed` past routed_count (stale and
  // never read): HandleQuery calls this per query, where zeroing the 128
  // octets of records cost more than the rest of the reset.
  void Reset() {
    dropped = malformed = truncated = has_ecs = false;
    rcode = Rcode::kNoError;
    qtype = 0;
    routed_count = 0;
  }
};
// A new field of Outcome must be reset in Reset() too; then update this.
static_assert(sizeof(Outcome) == 140, "Outcome changed: reset the new field in Reset()");

struct Trace;  // dns/answer/explain.h

// Cache warming for a batch of queries (a recvmmsg batch) before they are
// answered: the zone data a query will touch is usually out of cache under
// load (the kernel's work per packet evicts it), and a lookup is a chain
// of dependent loads (index slot, node, owner, RRsets). Run
// PrefetchQuestion over the whole batch, then PrefetchNode over it, then
// PrefetchNodeData, then HandleQuery: the misses of 32 queries overlap.
// Never changes an answer; malformed queries are simply skipped. noexcept,
// no allocation.
struct LookupPrefetch {
  const zones::Zone* zone = nullptr;  // nullptr: nothing to warm
  uint64_t hash = 0;
  uint32_t node = zones::kNoNode;
};
void PrefetchQuestion(const Snapshot& snapshot, const uint8_t* query,
                      size_t query_len, LookupPrefetch* p) noexcept;
inline void PrefetchNode(LookupPrefetch* p) noexcept {
  if (p->zone != nullptr) p->node = p->zone->PrefetchNode(p->hash);
}
inline void PrefetchNodeData(const LookupPrefetch& p) noexcept {
  if (p.zone != nullptr) p.zone->PrefetchNodeData(p.node);
}

// Builds the reply to `query` (`query_len` octets) into `out` (`out_cap`
// octets; give at least 512, 65535 for TCP). Returns the reply length, or 0
// when no reply must be sent. Never reads outside `query`, never writes
// outside `out`. With a non-null `trace` (explain; never on the query path)
// it also records why it answered as it did: that mode allocates.
size_t HandleQuery(const Snapshot& snapshot, const uint8_t* query,
                   size_t query_len, const Request& request, uint8_t* out,
                   size_t out_cap, Outcome* outcome,
                   Trace* trace = nullptr) noexcept;

}  // namespace dns

#endif  // STEERDNS_DNS_ANSWER_ANSWER_H_
