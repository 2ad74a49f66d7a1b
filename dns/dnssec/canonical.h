// File: dns/dnssec/canonical.h
//
// The canonical form of an RRset and the data an RRSIG signs
// (RFC 4034 §3.1.8.1 and §6, with RFC 6840 §5.1's correction that names in
// NSEC RDATA keep their case):
//
//   signed data = RRSIG RDATA without its signature (signer name lower-cased)
//               | RR(1) | RR(2) | ...
//   RR(i)       = owner | type | class | original TTL | RDLENGTH | RDATA
//
// where the owner is lower-cased (and, for an RR synthesized from a
// wildcard, "*." plus its last `labels` labels), the domain names inside
// the RDATA of the types §6.2 lists (NS, CNAME, SOA, PTR, MX, SRV, DNAME,
// RRSIG, ... but not TXT, HINFO or NSEC) are lower-cased, and the RRs are
// sorted by their canonical RDATA as left-justified octet strings with
// duplicates removed (§6.3).
//
//   dns::dnssec::SignedData sd;            // keep one per thread: reused
//   dns::dnssec::RrsigFields f{.type_covered = dns::rrtype::kA, ...};
//   absl::Status s = sd.Build(f, rrset);   // sd.data() is what is signed
//
// Thread safety: SignedData is thread-compatible (one per thread); the free
// functions are thread-safe.
#ifndef STEERDNS_DNS_DNSSEC_CANONICAL_H_
#define STEERDNS_DNS_DNSSEC_CANONICAL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "dns/wire/types.h"

namespace dns::dnssec {

// One RRset as it is signed or verified: the RRs share owner, class, type
// and TTL; each RDATA is uncompressed wire form (names in any case).
struct RrsetView {
  std::string_view owner;  // wire form, any case
  uint16_t type = 0;
  uint16_t rclass = dns::rrclass::kIN;
  uint32_t ttl = 0;
  absl::Span<const std::string_view> rdatas;
};

// The fields of an RRSIG RDATA before the signature (RFC 4034 §3.1).
struct RrsigFields {
  uint16_t type_covered = 0;
  uint8_t algorithm = 0;
  uint8_t labels = 0;          // RrsigLabels(owner) when signing
  uint32_t original_ttl = 0;
  uint32_t expiration = 0;     // seconds since the epoch, mod 2^32
  uint32_t inception = 0;
  uint16_t key_tag = 0;
  std::string_view signer;     // the zone apex, wire form (any case)
};

// The RRSIG Labels field for an owner (RFC 4034 §3.1.3): its labels not
// counting the root nor a leading "*". 0 for a malformed name.
uint8_t RrsigLabels(std::string_view owner_wire);

// True for the types whose RDATA names are lower-cased in canonical form.
bool TypeHasCanonicalNames(uint16_t type);

// Appends the canonical form of one RDATA of `type` to *out: names
// lower-cased for the §6.2 types, other octets as they are. False (and
// *out unchanged) if the RDATA's names run past its end or are compressed.
bool AppendCanonicalRdata(uint16_t type, std::string_view rdata, std::string* out);

// Appends an RRSIG RDATA without its signature (signer lower-cased).
// False if the signer is not a well-formed wire name.
bool AppendRrsigHeader(const RrsigFields& fields, std::string* out);

// Splits an RRSIG RDATA. `fields->signer` points into `rdata`. False if
// the RDATA is too short or its signer name is malformed.
bool ParseRrsigRdata(std::string_view rdata, RrsigFields* fields,
                     std::string_view* signature);

// Whether `now` lies in [inception, expiration] with RFC 1982 serial
// arithmetic on the 32-bit fields (RFC 4034 §3.1.5).
bool RrsigTimeValid(const RrsigFields& fields, uint64_t now);

// Builds the signed data of one RRSIG over one RRset, in buffers it keeps
// from call to call (no allocation once they have grown).
class SignedData {
 public:
  // Builds data() for `rrset` under `fields`. InvalidArgument if the RRset
  // is empty, its type is not fields.type_covered, fields.labels exceeds
  // the owner's labels, or a name (owner, signer, in RDATA) is malformed.
  absl::Status Build(const RrsigFields& fields, const RrsetView& rrset);

  // What is signed, valid until the next Build().
  std::string_view data() const { return data_; }
  // The RRs signed after removing duplicates, and the canonical RDATA of
  // each in canonical order (for tests and explain).
  size_t rr_count() const { return order_.size(); }
  std::string_view canonical_rdata(size_t i) const {
    return std::string_view(rdata_).substr(order_[i].first, order_[i].second);
  }

 private:
  std::string rdata_;  // every canonical RDATA, back to back
  std::vector<std::pair<uint32_t, uint32_t>> order_;  // (offset, length)
  std::string data_;
};

}  // namespace dns::dnssec

#endif  // STEERDNS_DNS_DNSSEC_CANONICAL_H_
