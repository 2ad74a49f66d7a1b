// File: zones/zone_signatures.h
//
// A compiled zone given signatures by a signer outside zones/: the online
// signer (dns/answer/online_signing.h) makes RRSIG RDATA for each RRset the
// zone is authoritative for, and this puts them where the answer path reads
// a pre-signed zone's (RRset::sigs into ZoneDnssec::signatures), with the
// apex RRsets the signer publishes (DNSKEY, CDS, CDNSKEY). zones/ stays
// free of cryptography.
//
//   auto signed_zone = zones::WithOnlineSignatures(*zone, {.apex_rrsets = {dnskey}},
//       [&](std::string_view owner, const zones::RRset& set, std::vector<std::string>* sigs) {
//         ... sigs->push_back(rrsig_rdata) ...
//         return absl::OkStatus();
//       });
//
// Thread safety: pure functions of their arguments.
#ifndef STEERDNS_ZONES_ZONE_SIGNATURES_H_
#define STEERDNS_ZONES_ZONE_SIGNATURES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "zones/zone.h"

namespace zones {

// The RRSIG RDATA for `set` at `owner` (lower-cased wire), one per signing
// key, appended to *rrsig_rdatas; none leaves the RRset unsigned. An error
// stops the signing.
using SignRRsetFn = absl::FunctionRef<absl::Status(
    std::string_view owner, const RRset& set, std::vector<std::string>* rrsig_rdatas)>;

// The NSEC of `owner` in a chain (RFC 4034 §4): fills *nsec_rdata (the
// next owner name, uncompressed, then the type bitmap of `types`) and
// *rrsig_rdatas (its RRSIGs, TTL `ttl`). zones/ does not encode bitmaps
// nor sign: the caller does both.
using MakeNsecFn = absl::FunctionRef<absl::Status(
    std::string_view owner, std::string_view next_owner, absl::Span<const uint16_t> types,
    uint32_t ttl, std::string* nsec_rdata, std::vector<std::string>* rrsig_rdatas)>;

// What WithOnlineSignatures does.
struct OnlineSigning {
  // RRsets put at the apex before signing, replacing the zone's own RRset
  // of the same type if it has one (the keys' DNSKEY, CDS, CDNSKEY).
  std::vector<RRset> apex_rrsets;
  // Sign the static RRsets too. False for a pre-signed zone: the file's
  // signatures and NSEC/NSEC3 chain stay, only routed members are signed.
  bool sign_static = true;
};

// A copy of `zone` whose authoritative RRsets (RFC 4035 §2.2: every RRset
// at or above the zone cuts but the NS RRset of a delegation; DS at a
// delegation; no glue) and routed members (not aliases) carry the
// signatures `sign` makes, with ZoneDnssec::online set when sign_static
// (negative answers are then made per query: no NSEC chain). The zone's
// serial, sources and routed groups are kept; the zone's own RRSIGs, if it
// is pre-signed, are kept too. With `make_nodata_nsec` (and sign_static),
// every authoritative node also gets its NODATA's compact-denial NSEC
// (ZoneDnssec::nodata_nsec) made and signed by it: next owner
// "\000.owner" (the owner itself when that would be too long), types the
// node's RRsets' and routed groups' + RRSIG + NSEC, TTL the zone's
// negative TTL.
absl::StatusOr<std::shared_ptr<const Zone>> WithOnlineSignatures(
    const Zone& zone, OnlineSigning what, SignRRsetFn sign,
    const MakeNsecFn* make_nodata_nsec = nullptr);

// The member a routed group answers when nothing decides (a client with
// no latency-table row, every member healthy): the failover PRIMARY, else
// the first member. nullptr for an empty group or an alias (its records
// are another name's).
const RoutedMember* DefaultMember(const RoutedGroup& group);

// `zone` (signed: pre-signed, or by WithOnlineSignatures) as a signed
// master file holds it, for export (`ldns-verify-zone`, `dnssec-verify`
// read it) and, later, zone transfers:
//   - every signature as an RRSIG RRset at its owner (each RR with its
//     own TTL), as a pre-signed zone's file has them;
//   - each routed group replaced by its DefaultMember's records and their
//     signature (alias groups are left out);
//   - for a zone signed online, which has no NSEC chain, one over its
//     authoritative names in canonical order (not glue, not empty
//     non-terminals; delegations yes), each NSEC with TTL min(SOA TTL,
//     SOA MINIMUM) (RFC 9077) and types = the name's + RRSIG + NSEC, made
//     and signed by `make_nsec`.
// Lookups on the result work, but it is not meant to be served.
absl::StatusOr<std::shared_ptr<const Zone>> MaterializeSignatures(const Zone& zone,
                                                                  MakeNsecFn make_nsec);

// An RRset of `type` with TTL `ttl` whose RRs have RDATA `rdatas`
// (uncompressed wire form, names lower-cased), encoded as ZoneBuilder
// encodes RRsets.
RRset MakeRRset(uint16_t type, uint32_t ttl, absl::Span<const std::string> rdatas);

}  // namespace zones

#endif  // STEERDNS_ZONES_ZONE_SIGNATURES_H_
