// File: dns/answer/online_signing.h
//
// Online DNSSEC signing with the keys of --dnssec-keys (dns/dnssec/keys.h),
// in two halves:
//
//  * At snapshot build, SignZone() signs what it can know in advance. A
//    zone with keys and no RRSIGs of its own gets its DNSKEY RRset (every
//    published key) and, for its SEP keys, CDS and CDNSKEY (RFC 7344) at
//    the apex, and an RRSIG for every authoritative RRset and every routed
//    member's records (a routed name has one possible answer per member:
//    each is signed once, so a signed routed answer is a copy). KSKs (and
//    CSKs) sign DNSKEY, CDS and CDNSKEY; ZSKs (and CSKs) the rest. A
//    pre-signed zone (RRSIGs in its file) keeps its file's signatures and
//    NSEC/NSEC3 chain; only its routed members are signed.
//
//  * Per query, SignForQuery() signs what exists for one query only, with
//    the calling thread's own signers: the compact-denial NSEC of a
//    negative answer (RFC 9824: NXDOMAIN answered as NODATA for an NSEC
//    whose next name is the name's immediate successor and whose bitmap
//    has NXNAME; one signature, nothing for a zone walker), a wildcard
//    expansion signed as the name it answers, an alias answered at its
//    owner.
//
// Validity: inception an hour before the build (clock skew), expiration
// policy.validity later plus a random jitter of up to policy.jitter (so
// that zones do not all expire together), and the snapshot says when to
// build again (Snapshot::next_signing_event): policy.refresh after the
// build, or the next key timing event (a rollover step), whichever comes
// first. Per-query signatures share the zone's validity.
//
// Thread safety: SignZone is a pure function; SignForQuery is safe from
// any thread (each thread signs with its own dnssec::Signer).
#ifndef STEERDNS_DNS_ANSWER_ONLINE_SIGNING_H_
#define STEERDNS_DNS_ANSWER_ONLINE_SIGNING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dns/dnssec/canonical.h"
#include "dns/dnssec/keys.h"
#include "zones/zone.h"

namespace dns {

// How long signatures live and when they are made again.
struct SigningPolicy {
  uint32_t inception_offset = 3600;      // inception = now - this
  uint32_t validity = 14 * 86400;        // expiration = now + this + jitter
  uint32_t jitter = 86400;               // up to this, random per zone
  uint32_t refresh = 7 * 86400;          // build again this long after
  uint32_t dnskey_ttl = 3600;            // when no .key file gives a TTL
};

// What a signed zone needs per query, and what `zonectl dnssec status`
// and explain show.
struct ZoneSigning {
  // Online: the zone was signed here (no RRSIGs in its file), negative
  // answers use compact denial. False: a pre-signed zone whose routed
  // members were signed here.
  bool online = false;
  // The active keys that sign RRsets other than DNSKEY/CDS/CDNSKEY (ZSKs,
  // CSKs): per-query signatures are made with each. They live in the
  // snapshot's KeysByZone.
  std::vector<const dnssec::KeyPair*> zsks;
  std::vector<uint16_t> ksk_tags;  // the keys that signed the DNSKEY RRset
  uint32_t inception = 0;          // of every signature of this build
  uint32_t expiration = 0;
  int64_t signed_at = 0;           // seconds since the epoch
  int64_t next_event = 0;          // re-sign or key timing event
  size_t signatures = 0;           // RRSIGs made at build
  size_t published_keys = 0;       // DNSKEY RRs
};

// A zone and its signing state.
struct SignedZone {
  std::shared_ptr<const zones::Zone> zone;
  ZoneSigning signing;
};

// Signs `zone` with `keys` (the zone's, from LoadKeyDirectory) at `now`
// (seconds since the epoch), drawing the jitter from `seed`. Errors name
// the zone: no key is active at `now`, or OpenSSL refused a key.
absl::StatusOr<SignedZone> SignZone(std::shared_ptr<const zones::Zone> zone,
                                    const std::vector<dnssec::KeyPair>& keys,
                                    const SigningPolicy& policy, int64_t now, uint64_t seed);

// `set` at `owner` as the signer sees it; its RDATA views go into
// *rdatas (cleared first), which must outlive the view.
dnssec::RrsetView RrsetViewOf(std::string_view owner, const zones::RRset& set,
                              std::vector<std::string_view>* rdatas);

// Replaces *rrsig_rdata with the RRSIG RDATA
// over `rrset` by `key` with the given validity, using the calling
// thread's signer for that key (made on first use: the only allocation).
// False if the RRset cannot be signed (malformed) or OpenSSL fails.
bool SignForQuery(const dnssec::KeyPair& key, const dnssec::RrsetView& rrset,
                  uint32_t inception, uint32_t expiration, std::string* rrsig_rdata) noexcept;

// `zone` (of a snapshot) as a complete signed zone for export: for a zone
// signed here (`signing` non-null), zones::MaterializeSignatures with its
// NSEC chain signed now by the zone's ZSKs, with the zone's validity; for
// a pre-signed zone, its signatures inline (the file's chain is kept);
// an unsigned zone as it is. Errors name the zone.
absl::StatusOr<std::shared_ptr<const zones::Zone>> SignedZoneForExport(
    const zones::Zone& zone, const ZoneSigning* signing);

// The signatures of a pre-signed zone's file that have expired: served as
// they are (the operator's file), but said once in the log and counted in
// /metrics (the control plane looks again when the next one expires).
struct ExpiredSignatures {
  size_t expired = 0;           // RRSIGs whose expiration is before `now`
  std::string first;            // "www.example.com. A (expired 2026-01-01T00:00:00Z)"
  int64_t next_expiration = 0;  // the earliest expiration after `now`; 0: none
};
// RFC 4034 §3.1.5 serial arithmetic on the 32-bit fields. Zones without
// signatures give {}.
ExpiredSignatures FindExpiredSignatures(const zones::Zone& zone, int64_t now);

}  // namespace dns

#endif  // STEERDNS_DNS_ANSWER_ONLINE_SIGNING_H_
