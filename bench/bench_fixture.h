// File: bench/bench_fixture.h
//
// Snapshots and query packets shared by answer_bench (Google Benchmark) and
// answer_loop (the callgrind driver of bench/callgrind.sh).
//
// Two data sets:
//  - "example": examples/example.com.zone + examples/route53/example.com.json
//    + examples/latency.csv (the README's zone; app.example.com is latency
//    routed);
//  - "peers": the zone of ../shared/peers (gen-zone.sh: SOA, 2 NS + glue,
//    MX, host0..host9999 A, AAAA on host0..host1999, alias CNAME, *.wild)
//    built in memory, plus www.bench.test. latency-routed over the four
//    regions of common.sh GEO_TABLE exactly as bench/peers/steerdns.sh
//    generates it. Same answers as the load benchmark, no files needed.
//
// Everything is built once per process and never freed. Not thread-safe
// while building; read-only afterwards.
#ifndef STEERDNS_BENCH_BENCH_FIXTURE_H_
#define STEERDNS_BENCH_BENCH_FIXTURE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/answer/answer.h"

namespace bench {

// The example.com snapshot (master file + Route 53 JSON + latency CSV).
const dns::Snapshot& ExampleSnapshot();
// The peers' bench.test. snapshot (see above).
const dns::Snapshot& PeersSnapshot();
// signed.test.: a pre-signed zone (1000 hosts, fake signatures of real
// size) with an NSEC chain, or an NSEC3 chain (no salt, 0 iterations).
const dns::Snapshot& NsecSignedSnapshot();
const dns::Snapshot& Nsec3SignedSnapshot();
// PeersSnapshot's zone signed online with a KSK and a ZSK (ECDSA P-256)
// made at first use (dns/answer/online_signing.h).
const dns::Snapshot& OnlineSignedSnapshot();

// An ECS option for the query: family 1 (IPv4), `prefix` bits of `v4`.
struct Ecs {
  uint8_t prefix = 0;  // 0: no ECS option
  uint8_t v4[4] = {};
};

// A query packet: ID 0x1234, RD, one question, optional OPT (payload 1232)
// with an optional ECS option.
std::vector<uint8_t> MakeQuery(std::string_view qname, uint16_t qtype,
                               bool edns, Ecs ecs = {});

// One benchmark case: a snapshot, a query and the client address.
struct Case {
  const char* name;
  const dns::Snapshot* snapshot;
  std::vector<uint8_t> query;
  dns::ClientAddress source;  // 127.0.0.1 unless said otherwise
};

// The named cases: static A, A with EDNS, AAAA, NXDOMAIN, referral,
// wildcard, CNAME chain, REFUSED, routed A (packet source), routed A with
// ECS, on both data sets; signed/... and nsec3/... with and without DO.
// Names as printed by `answer_loop --list`.
const std::vector<Case>& Cases();
const Case* FindCase(std::string_view name);

// The peers' `mixed` query mix (gen-queries.sh proportions: 68% hostN A,
// 1% alias A, 1% wildcard A, 10% AAAA, 10% NXDOMAIN, 10% www A), `n`
// packets, fixed seed, no EDNS.
std::vector<std::vector<uint8_t>> PeersMixedQueries(size_t n);

}  // namespace bench

#endif  // STEERDNS_BENCH_BENCH_FIXTURE_H_
