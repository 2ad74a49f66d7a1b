// File: dns/dnssec/algorithm.h
//
// DNSSEC numbers and the key tag: algorithm numbers (RFC 8624 registry),
// DNSKEY flag bits (RFC 4034 §2.1.1, RFC 5011), DS digest types, and the
// key tag of a DNSKEY RDATA (RFC 4034 Appendix B).
//
//   uint16_t tag = dns::dnssec::KeyTag(dnskey_rdata);   // 32009
//   dns::dnssec::AlgorithmMnemonic(13);                  // "ECDSAP256SHA256"
#ifndef STEERDNS_DNS_DNSSEC_ALGORITHM_H_
#define STEERDNS_DNS_DNSSEC_ALGORITHM_H_

#include <cstdint>
#include <string_view>

namespace dns::dnssec {

// RR types of DNSSEC not in dns/wire/types.h.
namespace rrtype {
inline constexpr uint16_t kDNSKEY = 48;
inline constexpr uint16_t kNSEC3 = 50;
inline constexpr uint16_t kNSEC3PARAM = 51;
inline constexpr uint16_t kCDS = 59;
inline constexpr uint16_t kCDNSKEY = 60;
// RFC 9824 §2: the meta type in a compact-denial NSEC's bitmap that says
// the name does not exist.
inline constexpr uint16_t kNXNAME = 128;
}  // namespace rrtype

// Signing algorithms this module signs and verifies with.
namespace algorithm {
inline constexpr uint8_t kRsaSha256 = 8;         // RFC 5702
inline constexpr uint8_t kEcdsaP256Sha256 = 13;  // RFC 6605
inline constexpr uint8_t kEd25519 = 15;          // RFC 8080
}  // namespace algorithm

// DNSKEY flags (RFC 4034 §2.1.1; REVOKE from RFC 5011).
namespace dnskey_flag {
inline constexpr uint16_t kZone = 0x0100;
inline constexpr uint16_t kRevoke = 0x0080;
inline constexpr uint16_t kSep = 0x0001;
}  // namespace dnskey_flag

// DS digest types (RFC 4034 §5.1.3 SHA-1, RFC 4509 SHA-256, RFC 6605 SHA-384).
namespace digest_type {
inline constexpr uint8_t kSha1 = 1;
inline constexpr uint8_t kSha256 = 2;
inline constexpr uint8_t kSha384 = 4;
}  // namespace digest_type

// The DNSKEY protocol field is always 3 (RFC 4034 §2.1.2).
inline constexpr uint8_t kDnskeyProtocol = 3;

// True for 8, 13 and 15: the algorithms we load, sign and verify.
bool AlgorithmSupported(uint8_t algorithm);

// The mnemonic of RFC 8624's registry ("RSASHA256", "ECDSAP256SHA256",
// "ED25519"), as BIND writes it in a .private file; "ALG<n>" otherwise
// (never null; a static string or `buf`).
const char* AlgorithmMnemonic(uint8_t algorithm, char (&buf)[16]);

// The algorithm a command line names: "ecdsap256" / "ecdsap256sha256" /
// "13", "ed25519" / "15", "rsasha256" / "8" (any case); 0 if none.
uint8_t AlgorithmFromName(std::string_view name);

// The key tag of a DNSKEY RDATA (RFC 4034 Appendix B; every algorithm but
// the retired RSA/MD5, which we do not handle). Any RDATA gives a value.
uint16_t KeyTag(std::string_view dnskey_rdata);

}  // namespace dns::dnssec

#endif  // STEERDNS_DNS_DNSSEC_ALGORITHM_H_
