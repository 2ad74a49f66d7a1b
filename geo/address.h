// File: geo/address.h
//
// Address: one IPv4 or IPv6 address in a single 128-bit value. IPv4 is kept
// IPv4-mapped (::ffff:a.b.c.d, RFC 4291 §2.5.5.2), so "is this IPv4?" is a
// property of the value: an IPv6 client sending ::ffff:192.0.2.1 is the
// IPv4 client 192.0.2.1 for every lookup in geo/.
//
// Prefix: an address plus a length counted in the address's own family:
// 0..32 for IPv4, 0..128 for IPv6. A Prefix made by Parse() or Make() has
// no host bits set. Text such as "::ffff:10.0.0.0/104" is the IPv4 prefix
// 10.0.0.0/8; an IPv6 prefix shorter than /96 can never be v4-mapped once
// its host bits are clear, so the family of a Prefix is unambiguous.
//
// Example:
//   std::optional<geo::Address> a = geo::Address::Parse("198.51.100.7");
//   absl::StatusOr<geo::Prefix> p = geo::Prefix::Parse("198.51.100.0/24");
//   bool in = p->Contains(*a);                        // true
//   std::string s = p->ToString();                    // "198.51.100.0/24"
//
// Thread safety: plain values; const methods are safe from any thread.
#ifndef STEERDNS_GEO_ADDRESS_H_
#define STEERDNS_GEO_ADDRESS_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace geo {

// The v4-mapped space ::ffff:0:0/96: an address is IPv4 when hi() == 0 and
// (lo() >> 32) == kV4MappedTag.
inline constexpr uint64_t kV4MappedTag = 0x0000ffffULL;

class Address {
 public:
  // "::" (the IPv6 unspecified address).
  constexpr Address() = default;

  // IPv4 from its numeric value, e.g. 0xC0000201 for 192.0.2.1.
  static constexpr Address FromV4(uint32_t v4) noexcept {
    return Address(0, (kV4MappedTag << 32) | v4);
  }
  // IPv4 from 4 octets in network order.
  static Address FromV4Bytes(const uint8_t bytes[4]) noexcept;
  // IPv6 from 16 octets in network order. v4-mapped input gives an IPv4
  // Address (is_v4() is true).
  static Address FromV6Bytes(const uint8_t bytes[16]) noexcept;
  // From the two 64-bit halves of the 128-bit value (hi = octets 0..7).
  static constexpr Address FromWords(uint64_t hi, uint64_t lo) noexcept {
    return Address(hi, lo);
  }

  // Parses "192.0.2.1", "2001:db8::1" or "::ffff:192.0.2.1" (no brackets,
  // no zone id, no prefix length). nullopt if it is not an address.
  static std::optional<Address> Parse(std::string_view text);

  // True for IPv4 (stored as ::ffff:a.b.c.d).
  constexpr bool is_v4() const noexcept {
    return hi_ == 0 && (lo_ >> 32) == kV4MappedTag;
  }
  // The family's width in bits: 32 for IPv4, 128 for IPv6.
  constexpr int width() const noexcept { return is_v4() ? 32 : 128; }
  // The IPv4 value (meaningful only when is_v4()).
  constexpr uint32_t v4() const noexcept { return static_cast<uint32_t>(lo_); }
  constexpr uint64_t hi() const noexcept { return hi_; }
  constexpr uint64_t lo() const noexcept { return lo_; }

  // Writes the 16 octets (v4-mapped for IPv4), network order.
  void ToBytes(uint8_t out[16]) const noexcept;

  // The address with every bit after the first `len` bits cleared; `len` is
  // in the family's terms and is clamped to [0, width()]. An IPv4 address
  // stays IPv4.
  Address Masked(int len) const noexcept;

  // "192.0.2.1" or "2001:db8::1" (RFC 5952 form, as inet_ntop prints it).
  std::string ToString() const;

  friend constexpr bool operator==(const Address&, const Address&) = default;
  friend constexpr std::strong_ordering operator<=>(const Address& a,
                                                    const Address& b) {
    if (a.hi_ != b.hi_) return a.hi_ <=> b.hi_;
    return a.lo_ <=> b.lo_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Address& a) {
    return H::combine(std::move(h), a.hi_, a.lo_);
  }

 private:
  constexpr Address(uint64_t hi, uint64_t lo) : hi_(hi), lo_(lo) {}
  uint64_t hi_ = 0;
  uint64_t lo_ = 0;
};

class Prefix {
 public:
  // ::/0.
  constexpr Prefix() = default;

  // The prefix of `len` bits (family terms, clamped) containing `addr`;
  // host bits are cleared.
  static Prefix Make(const Address& addr, int len) noexcept;

  // Parses "198.51.100.0/24", "2001:db8::/32", "::ffff:10.0.0.0/104"
  // (= 10.0.0.0/8) or a bare address (= full length). Errors
  // (InvalidArgument, message without file:line):
  //  - not an address, or a length that is not a decimal in range;
  //  - host bits set ("10.1.2.3/8"), unless `allow_host_bits`, in which
  //    case they are cleared.
  static absl::StatusOr<Prefix> Parse(std::string_view text,
                                      bool allow_host_bits = false);

  const Address& address() const noexcept { return addr_; }
  // Length in the family's terms (IPv4 0..32, IPv6 0..128).
  int length() const noexcept { return len_; }
  bool is_v4() const noexcept { return addr_.is_v4(); }

  // True if `a` is of the same family and its first length() bits match.
  bool Contains(const Address& a) const noexcept;

  // "198.51.100.0/24", "2001:db8::/32", "0.0.0.0/0".
  std::string ToString() const;

  friend bool operator==(const Prefix&, const Prefix&) = default;
  friend std::strong_ordering operator<=>(const Prefix& a, const Prefix& b) {
    if (auto c = a.addr_ <=> b.addr_; c != 0) return c;
    return a.len_ <=> b.len_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Prefix& p) {
    return H::combine(std::move(h), p.addr_, p.len_);
  }

 private:
  Prefix(const Address& a, uint8_t len) : addr_(a), len_(len) {}
  Address addr_;
  uint8_t len_ = 0;
};

// Mask helpers: the first `len` bits set (len clamped to the type's width).
constexpr uint32_t MaskV4(int len) noexcept {
  return len <= 0 ? 0u : len >= 32 ? ~0u : ~0u << (32 - len);
}
constexpr uint64_t Mask64(int len) noexcept {
  return len <= 0 ? 0u : len >= 64 ? ~uint64_t{0} : ~uint64_t{0} << (64 - len);
}

}  // namespace geo

#endif  // STEERDNS_GEO_ADDRESS_H_
