// File: zones/rdata_text.h
//
// Presentation form (RFC 1035 §5.1 and the RFCs of each type) to wire form,
// for the fields of an RR in a master file: domain names, TTLs, type and
// class mnemonics, and the RDATA of every type in common use:
//
//   A AAAA NS CNAME DNAME PTR MX SOA TXT SPF HINFO SRV NAPTR CAA SSHFP TLSA
//   SMIMEA OPENPGPKEY DS CDS DNSKEY CDNSKEY RRSIG NSEC NSEC3 NSEC3PARAM URI
//   ZONEMD RP MINFO AFSDB KX SVCB HTTPS
//
// are encoded here, field by field, with errors that name the field
// ("bad IPv4 address '192.0.2.256'"). SVCB and HTTPS follow RFC 9460 §2.1
// and Appendix A (value lists with `\,` escapes; the SvcParams sorted by
// key; a key twice, or one `mandatory` names but the record lacks, is an
// error). Other types ldns knows (LOC, WKS, APL, CERT, IPSECKEY, ...) go to
// ldns's parser for the RDATA alone; RFC 3597's generic `\# LENGTH HEX`
// works for every type.
//
// Every function returns "" on success, or what is wrong, for the caller to
// prefix with "file:line: ".
//
// Example:
//   std::string wire;
//   std::string err = zones::RdataFromText(dns::rrtype::kMX, tokens, origin, &wire);
//
// Thread safety: plain functions.
#ifndef STEERDNS_ZONES_RDATA_TEXT_H_
#define STEERDNS_ZONES_RDATA_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "zones/master_tokenizer.h"

namespace zones {

// The largest TTL: RFC 2181 §8 (values with the top bit set are refused).
inline constexpr uint32_t kMaxTtl = 0x7fffffff;

// A domain name in presentation form ("www", "www.example.com.", "@",
// "a\.b", "\065") to uncompressed wire form, case kept; a relative name is
// completed with `origin_wire`. Errors: "empty label in 'a..b'", "label
// longer than 63 octets in '...'", "name longer than 255 octets", "bad
// escape in '...'".
std::string NameFromPresentation(std::string_view text, std::string_view origin_wire,
                                 std::string* wire);
// Same, for a token of the tokenizer (whose `escaped` flag spares a search
// for backslashes).
std::string NameFromToken(const MasterToken& token, std::string_view origin_wire,
                          std::string* wire);

// A TTL or time period: decimal seconds, or BIND's units ("1h30m", "2d",
// "1w", case-insensitive). Errors: "bad TTL 'x'", "TTL 99999999999 is out
// of range (0..2147483647)". With `top_bit` given, a value of
// 2147483648..4294967295 is not an error: *ttl is 0 and *top_bit true
// (RFC 2181 §8 "treated as if the entire value received was zero"; the
// caller warns); a value above 4294967295 still is.
std::string TtlFromText(std::string_view text, uint32_t* ttl, bool* top_bit = nullptr);

// True for a token that reads as a TTL (starts with a digit).
inline bool LooksLikeTtl(std::string_view text) {
  return !text.empty() && text[0] >= '0' && text[0] <= '9';
}

// Type mnemonics (case-insensitive) and TYPEnnn into *type; false if
// unknown.
bool TypeFromText(std::string_view text, uint16_t* type);
// Class mnemonics (IN, CH, HS, CS, NONE, ANY) and CLASSnnn into *rclass;
// false if not a class.
bool ClassFromText(std::string_view text, uint16_t* rclass);

// The RDATA of `type` from its tokens (everything after the type).
std::string RdataFromText(uint16_t type, absl::Span<const MasterToken> tokens,
                          std::string_view origin_wire, std::string* wire);

}  // namespace zones

#endif  // STEERDNS_ZONES_RDATA_TEXT_H_
