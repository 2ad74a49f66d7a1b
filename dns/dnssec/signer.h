// File: dns/dnssec/signer.h
//
// RRSIGs made and checked with OpenSSL 3 (EVP): ECDSA P-256/SHA-256 with
// the 64-octet r | s signature of RFC 6605 §4 (OpenSSL's DER converted
// both ways), Ed25519 as the raw 64 octets of RFC 8080 §4, RSA/SHA-256
// PKCS #1 v1.5 (RFC 5702). The signed data is canonical.h's.
//
//   auto signer = dns::dnssec::Signer::Create(key_pair);     // one per thread
//   std::string rrsig;                                        // RRSIG RDATA
//   absl::Status s = (*signer)->Sign(rrset, inception, expiration, &rrsig);
//
//   auto key = dns::dnssec::PublicKey::FromDnskey(zone_wire, dnskey_rdata);
//   absl::Status ok = key->Verify(rrset, rrsig);
//
// A Signer keeps its OpenSSL contexts and buffers from one signature to
// the next: after the first signature of a given size it allocates no
// memory of its own (OpenSSL's ECDSA still allocates its big numbers).
//
// Thread safety: a Signer or PublicKey is thread-compatible: one Signer
// per thread; several Signers may share one KeyPair's PrivateKey.
#ifndef STEERDNS_DNS_DNSSEC_SIGNER_H_
#define STEERDNS_DNS_DNSSEC_SIGNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dns/dnssec/canonical.h"
#include "dns/dnssec/keys.h"

struct evp_md_ctx_st;
struct evp_pkey_ctx_st;
struct evp_md_st;
struct evp_pkey_st;

namespace dns::dnssec {

// Signs RRsets with one private key for one zone.
class Signer {
 public:
  // A signer for `key` (its zone is the RRSIG signer name, its key tag
  // and algorithm the RRSIG's). Internal if OpenSSL refuses the key.
  static absl::StatusOr<std::unique_ptr<Signer>> Create(const KeyPair& key);
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  // Replaces *rrsig_rdata with the RRSIG RDATA over `rrset`: labels from
  // its owner (RrsigLabels; a wildcard owner "*.x" counts as "x"),
  // original TTL rrset.ttl, the given validity (seconds since the epoch,
  // the caller adds jitter). InvalidArgument for a malformed RRset.
  absl::Status Sign(const RrsetView& rrset, uint32_t inception, uint32_t expiration,
                    std::string* rrsig_rdata);

  uint16_t key_tag() const { return key_tag_; }
  uint8_t algorithm() const { return algorithm_; }
  // Octets of a signature of this key (64 for 13 and 15).
  size_t signature_size() const { return signature_size_; }

 private:
  Signer() = default;
  absl::Status SignData(std::string_view data, std::string* out);

  std::shared_ptr<const PrivateKey> key_;
  std::string signer_name_;
  uint16_t key_tag_ = 0;
  uint8_t algorithm_ = 0;
  size_t signature_size_ = 0;
  evp_md_ctx_st* md_ctx_ = nullptr;     // SHA-256 for 13/8; DigestSign for 15
  evp_pkey_ctx_st* pkey_ctx_ = nullptr; // EVP_PKEY_sign for 13/8
  evp_md_st* sha256_ = nullptr;         // fetched once
  SignedData signed_data_;
};

// A DNSKEY's public key, to verify RRSIGs with.
class PublicKey {
 public:
  // From a DNSKEY's owner (wire) and RDATA. InvalidArgument if the
  // algorithm is not 8, 13 or 15 or the key is malformed.
  static absl::StatusOr<PublicKey> FromDnskey(std::string_view owner_wire,
                                              std::string_view dnskey_rdata);
  PublicKey(PublicKey&& other) noexcept;
  PublicKey& operator=(PublicKey&& other) noexcept;
  ~PublicKey();

  // Checks an RRSIG RDATA over `rrset`: algorithm and key tag are this
  // key's, the signer name is its owner, the type covered is the RRset's,
  // and the signature verifies over the canonical signed data. The
  // validity period is not checked (RrsigTimeValid). InvalidArgument
  // saying which check failed.
  absl::Status Verify(const RrsetView& rrset, std::string_view rrsig_rdata) const;

  uint16_t key_tag() const { return key_tag_; }
  uint8_t algorithm() const { return algorithm_; }

 private:
  PublicKey() = default;
  evp_pkey_st* pkey_ = nullptr;
  std::string owner_;
  uint16_t key_tag_ = 0;
  uint8_t algorithm_ = 0;
};

// ECDSA signature forms: DER ECDSA-Sig-Value <-> r | s, each `half` octets
// (32 for P-256). False on malformed input or one that does not fit.
bool EcdsaDerToRaw(std::string_view der, size_t half, std::string* raw);
bool EcdsaRawToDer(std::string_view raw, std::string* der);

}  // namespace dns::dnssec

#endif  // STEERDNS_DNS_DNSSEC_SIGNER_H_
