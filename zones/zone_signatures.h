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
// is pre-signed, are kept too.
absl::StatusOr<std::shared_ptr<const Zone>> WithOnlineSignatures(const Zone& zone,
                                                                 OnlineSigning what,
                                                                 SignRRsetFn sign);

// An RRset of `type` with TTL `ttl` whose RRs have RDATA `rdatas`
// (uncompressed wire form, names lower-cased), encoded as ZoneBuilder
// encodes RRsets.
RRset MakeRRset(uint16_t type, uint32_t ttl, absl::Span<const std::string> rdatas);

}  // namespace zones

#endif  // STEERDNS_ZONES_ZONE_SIGNATURES_H_
