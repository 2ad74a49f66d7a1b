// File: dns/dnssec/ds.h
//
// What a zone hands its parent: DS records (RFC 4034 §5, SHA-256 per
// RFC 4509, SHA-384 per RFC 6605 §2), and the CDS/CDNSKEY records it
// publishes so that the parent can pick them up (RFC 7344, RFC 8078).
//
//   absl::StatusOr<std::string> ds = DsRdata(zone_wire, dnskey_rdata, digest_type::kSha256);
//   DsText(zone_wire, *ds);  // "example.com.\tIN\tDS\t32009 13 2 2B6C...E1"
//
// Thread safety: plain functions.
#ifndef STEERDNS_DNS_DNSSEC_DS_H_
#define STEERDNS_DNS_DNSSEC_DS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/keys.h"

namespace dns::dnssec {

// The DS RDATA for a DNSKEY: key tag, algorithm, digest type, and the
// digest of owner (canonical wire) | DNSKEY RDATA. Digest types 1 (SHA-1),
// 2 (SHA-256) and 4 (SHA-384); InvalidArgument otherwise or for a
// malformed owner or RDATA.
absl::StatusOr<std::string> DsRdata(std::string_view owner_wire, std::string_view dnskey_rdata,
                                    uint8_t digest_type);

// A DS (or, with `type` "CDS", a CDS) record as one master-file line:
// "OWNER\tIN\tDS\tTAG ALG DIGEST-TYPE HEX" (owner lower-cased, upper-case
// hex as BIND's dnssec-dsfromkey prints it); "" for a malformed owner.
std::string DsText(std::string_view owner_wire, std::string_view ds_rdata,
                   std::string_view type = "DS");

// The keys of a zone that the parent's DS must point to: its KSKs, or
// its CSKs (every key of a zone without a KSK/ZSK split).
std::vector<const KeyPair*> SecureEntryPoints(const std::vector<KeyPair>& zone_keys);

// The child-side records of RFC 7344 for a zone's keys: one CDS (digest
// `digest_type`) and one CDNSKEY RDATA per secure entry point.
struct ChildSyncRecords {
  std::vector<std::string> cds;      // RDATA, as DS
  std::vector<std::string> cdnskey;  // RDATA, as DNSKEY
};
absl::StatusOr<ChildSyncRecords> MakeChildSyncRecords(const std::vector<KeyPair>& zone_keys,
                                                      uint8_t digest_type = digest_type::kSha256);

}  // namespace dns::dnssec

#endif  // STEERDNS_DNS_DNSSEC_DS_H_
