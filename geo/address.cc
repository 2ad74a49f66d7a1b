#include "geo/address.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"

namespace geo {

using base::AV;
using base::StdViewFormatter;
namespace {

uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

void StoreBe64(uint64_t v, uint8_t* p) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

// Clears all but the first `len` of the 128 bits, whatever the family.
Address MaskBits(const Address& a, int len) {
  if (len <= 64) return Address::FromWords(a.hi() & Mask64(len), 0);
  return Address::FromWords(a.hi(), a.lo() & Mask64(len - 64));
}

}  // namespace

Address Address::FromV4Bytes(const uint8_t bytes[4]) noexcept {
  return FromV4((uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                (uint32_t{bytes[2]} << 8) | bytes[3]);
}

Address Address::FromV6Bytes(const uint8_t bytes[16]) noexcept {
  return Address(LoadBe64(bytes), LoadBe64(bytes + 8));
}

std::optional<Address> Address::Parse(std::string_view text) {
  // Longest IPv6 text (with an embedded IPv4) is 45 characters.
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t bytes[16];
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, bytes) != 1) return std::nullopt;
    return FromV4Bytes(bytes);
  }
  if (inet_pton(AF_INET6, buf, bytes) != 1) return std::nullopt;
  return FromV6Bytes(bytes);
}

void Address::ToBytes(uint8_t out[16]) const noexcept {
  StoreBe64(hi_, out);
  StoreBe64(lo_, out + 8);
}

Address Address::Masked(int len) const noexcept {
  if (is_v4()) return FromV4(v4() & MaskV4(len));
  return MaskBits(*this, len);
}

std::string Address::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  uint8_t bytes[16];
  ToBytes(bytes);
  const char* r = is_v4() ? inet_ntop(AF_INET, bytes + 12, buf, sizeof buf)
                          : inet_ntop(AF_INET6, bytes, buf, sizeof buf);
  return r == nullptr ? std::string("?") : std::string(r);
}

Prefix Prefix::Make(const Address& addr, int len) noexcept {
  const int width = addr.width();
  if (len < 0) len = 0;
  if (len > width) len = width;
  return Prefix(addr.Masked(len), static_cast<uint8_t>(len));
}

absl::StatusOr<Prefix> Prefix::Parse(std::string_view text,
                                     bool allow_host_bits) {
  std::string_view addr_text = text;
  std::string_view len_text;
  const size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    addr_text = text.substr(0, slash);
    len_text = text.substr(slash + 1);
  }
  std::optional<Address> addr = Address::Parse(addr_text);
  if (!addr) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", AV(text), "' is not an IPv4 or IPv6 network"));
  }
  // The length as written, in the family of the text (an IPv6 text keeps
  // its 128-bit length even when the address is v4-mapped).
  const bool v6_text = addr_text.find(':') != std::string_view::npos;
  const int text_width = v6_text ? 128 : 32;
  int len = text_width;
  if (slash != std::string_view::npos) {
    uint32_t n = 0;
    const bool digits =
        !len_text.empty() && len_text.size() <= 3 &&
        len_text.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits || !absl::SimpleAtoi(AV(len_text), &n) ||
        n > static_cast<uint32_t>(text_width)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", AV(text), "': prefix length must be 0..", text_width));
    }
    len = static_cast<int>(n);
  }
  Address a = *addr;
  if (a.is_v4() && v6_text) {
    if (len < 96) {
      // ::ffff:a.b.c.d/len with len < 96 always has host bits set (bit 95,
      // part of the mapped tag): it spells an IPv6 prefix.
      const Address v6 = MaskBits(a, len);
      if (!allow_host_bits) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", AV(text), "' has host bits set (the network is ",
                         v6.ToString(), "/", len, ")"));
      }
      return Prefix(v6, static_cast<uint8_t>(len));
    }
    len -= 96;  // the IPv4 prefix it denotes
  }
  Prefix p = Make(a, len);
  if (!allow_host_bits && p.address() != a) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", AV(text), "' has host bits set (the network is ", p.ToString(),
        ")"));
  }
  return p;
}

bool Prefix::Contains(const Address& a) const noexcept {
  return a.is_v4() == addr_.is_v4() && a.Masked(len_) == addr_;
}

std::string Prefix::ToString() const {
  return absl::StrCat(addr_.ToString(), "/", len_);
}

}  // namespace geo
