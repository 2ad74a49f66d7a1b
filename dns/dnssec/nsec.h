// File: dns/dnssec/nsec.h
//
// The pieces of authenticated denial that run per query, so none of them
// allocates: the NSEC3 owner hash (RFC 5155 §5), its base32hex spelling
// (RFC 4648 §7, lower case, no padding, as NSEC3 owner labels are
// written), and the type bitmap of NSEC/NSEC3 RDATA (RFC 4034 §4.1.2).
//
//   uint8_t h[dns::dnssec::kNsec3HashLength];
//   dns::dnssec::Nsec3Hash(name.wire(), salt, 12, h);
//   char label[dns::dnssec::kNsec3LabelLength];
//   dns::dnssec::Base32HexEncode(h, sizeof h, label);   // "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"
//
//   uint8_t bitmap[dns::dnssec::kMaxTypeBitmapLength];
//   size_t n = dns::dnssec::EncodeTypeBitmap({1, 46, 47}, bitmap, sizeof bitmap);
//
// Thread safety: plain functions.
#ifndef STEERDNS_DNS_DNSSEC_NSEC_H_
#define STEERDNS_DNS_DNSSEC_NSEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/types/span.h"

namespace dns::dnssec {

// SHA-1, the only NSEC3 hash algorithm (RFC 5155 §11).
inline constexpr uint8_t kNsec3HashSha1 = 1;
inline constexpr size_t kNsec3HashLength = 20;
// The base32hex label of a SHA-1 hash: 32 characters.
inline constexpr size_t kNsec3LabelLength = 32;
// 256 windows of 2 + 32 octets: the largest bitmap.
inline constexpr size_t kMaxTypeBitmapLength = 256 * 34;

// IH(salt, x, k) of RFC 5155 §5 over the canonical (lower-cased) wire form
// of `owner_wire`, into out. False if the name is malformed. No allocation,
// no lock: a stack SHA-1 context per call.
bool Nsec3Hash(std::string_view owner_wire, std::string_view salt, uint16_t iterations,
               uint8_t out[kNsec3HashLength]);

// Base32hex (RFC 4648 §7), lower case, no padding: writes
// ceil(8 * n / 5) characters to out and returns that count.
size_t Base32HexEncode(const uint8_t* in, size_t n, char* out);

// Decodes base32hex (either case, no padding); false on a bad character
// or a length that is not a whole number of octets.
bool Base32HexDecode(std::string_view text, std::string* out);

// Writes the type bitmap of a set of types (any order, duplicates
// allowed) to out: for each window with a type, window number, bitmap
// length, then the bitmap octets up to the last non-zero one. Returns the
// length written, or 0 if it does not fit in `capacity` (an empty set is
// also 0). No allocation.
size_t EncodeTypeBitmap(absl::Span<const uint16_t> types, uint8_t* out, size_t capacity);

// The same, appended to a string (tools and the zone signer).
void AppendTypeBitmap(absl::Span<const uint16_t> types, std::string* out);

}  // namespace dns::dnssec

#endif  // STEERDNS_DNS_DNSSEC_NSEC_H_
